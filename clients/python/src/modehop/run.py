"""TrainingRun: what a Python training job needs from modehop, as the Java SDK's TrainingRunClient offers it."""

import collections
import logging
import os
import re
import queue
import threading
import time
import uuid
from pathlib import Path

from . import checkpoints
from . import codec as codecs
from . import schemas
from .control import ControlCommand, ControlState
from .errors import BrokerUnreachable, DeliveryFailed, ModehopError, SchemaError, TopicMissing
from .reader import RunRecordReader
from .registry import SchemaRegistry

LOG = logging.getLogger("modehop")
KAFKA_LOG = logging.getLogger("modehop.kafka")

_REMOTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
DEFAULT_REGISTRY = "http://127.0.0.1:8081"

CHECKPOINT_READY = "checkpoint.ready"
DATA_WINDOW = "datawindow.closed"
RUN_CONTROL = "run.control"

# topic suffix -> value record of the topic
VALUE_RECORDS = {
    CHECKPOINT_READY: "CheckpointReady",
    DATA_WINDOW: "DataWindow",
    RUN_CONTROL: "ControlCommand",
    "probe.scored": "ProbeScore",
    "checkpoint.predictors": "CheckpointPredictors",
    "mode.observed": "ModeObservation",
    "hop.detected": "ModeHop",
    "hop.stability": "HopStability",
    "alert.raised": "Alert",
    "checkpoint.ranked": "CheckpointRanking",
    "source.statistics": "SourceStatistics",
}


def _now_ms():
    return int(time.time() * 1000)


def _uri_and_folder(location):
    """(uri to announce, local folder to check or None) for a path or a URI."""
    text = str(location)
    if text.startswith("file://"):
        return text, Path(text[len("file://"):])
    if _REMOTE.match(text):
        return text, None  # a remote store: the scorer fetches it, nothing to check here
    folder = Path(text).absolute()
    return str(folder), folder


class TrainingRun:
    """Announces checkpoints and data windows of one run and receives its control commands.

    Every announcement blocks until the broker acknowledged it (acks=all, idempotent producer) and raises
    DeliveryFailed otherwise. Construction fails within ``connect_timeout`` seconds with BrokerUnreachable,
    RegistryUnreachable or TopicMissing, naming the address, instead of at the first announcement.

    ``schemas``: "bundled" writes with the schemas shipped in this package, registered under
    ``<topic>-value`` on first use (as the Java serializer does); "registry" writes with the latest
    version the registry holds (nothing is registered). Control commands are read with the writer's schema
    from the registry, resolved against the bundled one.
    """

    def __init__(self, run_id, bootstrap=None, registry=None, topic_prefix=None, schemas="bundled",
                 connect_timeout=10.0, delivery_timeout=30.0, suite=None, client_config=None, avro_library=None):
        from confluent_kafka import KafkaException, Producer

        if not run_id:
            raise ValueError("run_id must not be empty")
        if schemas not in ("bundled", "registry"):
            raise ValueError("schemas must be 'bundled' or 'registry', not %r" % (schemas,))
        self.run_id = run_id
        self.bootstrap = bootstrap or os.environ.get("MODEHOP_BOOTSTRAP_SERVERS") or DEFAULT_BOOTSTRAP
        self.registry_url = registry or os.environ.get("MODEHOP_REGISTRY_URL") or DEFAULT_REGISTRY
        self.prefix = topic_prefix if topic_prefix is not None else os.environ.get("MODEHOP_TOPIC_PREFIX", "")
        self.suite = suite
        self.connect_timeout = connect_timeout
        self.delivery_timeout = delivery_timeout
        self._schema_source = schemas
        self._client_config = dict(client_config or {})
        self._wire = codecs.WireFormat(codecs.load(avro_library))
        self._registry = SchemaRegistry(self.registry_url, timeout=connect_timeout)
        self._writers = {}
        self._lock = threading.Lock()
        self.control = ControlState()
        self._listener = None
        self._followers = []
        self._handlers = []
        # every command since listen(), for poll_control (a handful per run: no bound needed)
        self._queue = queue.Queue()
        self._closed = False

        # the client's latest connection errors, named when a delivery times out
        self._kafka_errors = collections.deque(maxlen=20)
        config = {
            "bootstrap.servers": self.bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "linger.ms": 0,
            "message.timeout.ms": int(delivery_timeout * 1000),
            "error_cb": self._kafka_errors.append,
            # librdkafka's own log lines through Python logging instead of straight to stderr
            "logger": KAFKA_LOG,
        }
        config.update(self._client_config)
        self._producer = Producer(config)
        try:
            metadata = self._producer.list_topics(timeout=connect_timeout)
        except KafkaException as e:
            self._producer = None
            raise BrokerUnreachable("cannot reach Kafka at %s within %.0f s (%s); check that the broker runs and "
                                    "the address (bootstrap=, $MODEHOP_BOOTSTRAP_SERVERS)"
                                    % (self.bootstrap, connect_timeout, e.args[0] if e.args else e)) from None
        for suffix in (CHECKPOINT_READY, DATA_WINDOW, RUN_CONTROL):
            name = self.topic(suffix)
            if name not in metadata.topics or metadata.topics[name].error is not None:
                raise TopicMissing("Kafka at %s has no topic %s; create modehop's topics ('modehop topics create', "
                                   "or 'modehop up') or check the prefix (topic_prefix=, $MODEHOP_TOPIC_PREFIX)"
                                   % (self.bootstrap, name))
        self._registry.check()

    # -- topics and schemas --------------------------------------------------------------------------------

    def topic(self, suffix):
        return "%smodehop.%s" % (self.prefix, suffix)

    def _writer(self, suffix):
        with self._lock:
            if suffix not in self._writers:
                subject = self.topic(suffix) + "-value"
                if self._schema_source == "registry":
                    self._writers[suffix] = self._registry.latest(subject)
                else:
                    schema = schemas.bundled(VALUE_RECORDS[suffix])
                    self._writers[suffix] = (self._registry.register(subject, schema), schema)
            return self._writers[suffix]

    def encode(self, suffix, record):
        schema_id, schema = self._writer(suffix)
        return self._wire.encode(schema_id, schema, record)

    def decode(self, suffix, data):
        """A record of topic ``suffix`` from its wire bytes, in the shape of the bundled schema."""
        writer = self._registry.by_id(self._wire.schema_id(data))
        return self._wire.decode(writer, schemas.bundled(VALUE_RECORDS[suffix]), data)

    # -- announcements -------------------------------------------------------------------------------------

    def _send(self, suffix, record):
        if self._closed:
            raise ModehopError("this TrainingRun is closed")
        from confluent_kafka import KafkaException
        value = self.encode(suffix, record)
        outcome = []
        try:
            self._producer.produce(self.topic(suffix), key=self.run_id.encode("utf-8"), value=value,
                                   on_delivery=lambda err, msg: outcome.append((err, msg)))
        except (KafkaException, BufferError) as e:
            raise DeliveryFailed("publishing to %s refused: %s" % (self.topic(suffix), e)) from e
        deadline = time.monotonic() + self.delivery_timeout + 5
        while not outcome and time.monotonic() < deadline:
            self._producer.poll(0.05)
        if not outcome:
            last = (" (last client error: %s)" % self._kafka_errors[-1]) if self._kafka_errors else ""
            raise DeliveryFailed("%s to %s not acknowledged within %.0f s (is Kafka at %s reachable?)%s"
                                 % (suffix, self.topic(suffix), self.delivery_timeout, self.bootstrap, last))
        err, msg = outcome[0]
        if err is not None:
            raise DeliveryFailed("publishing to %s failed: %s" % (self.topic(suffix), err.str()))
        return msg.partition(), msg.offset()

    def checkpoint_ready(self, step, location, tokens_seen=0, train_loss=None, suite=None, settle=0.0, wait=0.0,
                         format="hf-safetensors"):
        """Announces the checkpoint at ``location`` (a folder or a URI) saved after ``step`` optimizer steps.

        A local folder must be complete by ``modehop watch``'s rule (config.json and every weight file there,
        and unchanged for ``settle`` seconds), waiting up to ``wait`` seconds for it; otherwise
        CheckpointIncomplete is raised and nothing is announced. Returns (partition, offset).
        """
        if step < 0:
            raise ValueError("step must be >= 0, not %r" % (step,))
        uri, folder = _uri_and_folder(location)
        if folder is not None:
            checkpoints.await_complete(folder, settle=settle, timeout=wait)
        return self._send(CHECKPOINT_READY, {
            "runId": self.run_id, "step": int(step), "tokensSeen": int(tokens_seen), "uri": uri,
            "format": format, "trainLoss": None if train_loss is None else float(train_loss),
            "producedAt": _now_ms(), "suite": suite if suite is not None else self.suite})

    def data_window(self, window_id, start_step, end_step, mixture, tokens=0, fingerprint=None):
        """Announces the data of steps [start_step, end_step) with its mixture (source -> weight).

        Announce a window when its mixture is fixed (at its start, with the planned end); announcing the same
        id again replaces it (e.g. when a control command cuts it short). Returns (partition, offset).
        """
        if end_step < start_step:
            raise ValueError("end_step %d before start_step %d" % (end_step, start_step))
        if not mixture:
            raise ValueError("a data window needs a mixture")
        return self._send(DATA_WINDOW, {
            "runId": self.run_id, "windowId": str(window_id), "startStep": int(start_step),
            "endStep": int(end_step), "tokens": int(tokens),
            "mixture": {str(k): float(v) for k, v in mixture.items()},
            "fingerprint": fingerprint, "producedAt": _now_ms()})

    # -- control -------------------------------------------------------------------------------------------

    def _consumer(self):
        from confluent_kafka import Consumer
        config = {
            "bootstrap.servers": self.bootstrap,
            "group.id": "modehop-%s-%s" % (self.run_id, uuid.uuid4().hex[:8]),
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
            "error_cb": self._kafka_errors.append,
            # librdkafka's own log lines through Python logging instead of straight to stderr
            "logger": KAFKA_LOG,
        }
        config.update(self._client_config)
        return Consumer(config)

    def _assignment(self, consumer, topic, from_end):
        """Every partition of ``topic``, at its end offset now (resolved before returning, so nothing written
        from now on is missed) or at its beginning."""
        from confluent_kafka import OFFSET_BEGINNING, KafkaException, TopicPartition
        out = []
        try:
            metadata = consumer.list_topics(topic, timeout=self.connect_timeout)
            for p in sorted(metadata.topics[topic].partitions):
                if from_end:
                    _low, high = consumer.get_watermark_offsets(TopicPartition(topic, p),
                                                                timeout=self.connect_timeout, cached=False)
                    out.append(TopicPartition(topic, p, high))
                else:
                    out.append(TopicPartition(topic, p, OFFSET_BEGINNING))
        except KafkaException as e:
            consumer.close()
            raise BrokerUnreachable("cannot read %s's offsets from Kafka at %s within %.0f s (%s)"
                                    % (topic, self.bootstrap, self.connect_timeout, e)) from None
        return out

    def listen(self):
        """Starts reading control commands now (idempotent): every command published from now on arrives,
        in ``self.control``, to the ``on_control`` handlers and to ``poll_control``."""
        with self._lock:
            if self._listener is not None:
                return
            consumer = self._consumer()
            consumer.assign(self._assignment(consumer, self.topic(RUN_CONTROL), from_end=True))
            self._listener = RunRecordReader(
                consumer, self.run_id, lambda _topic, data: self.decode(RUN_CONTROL, data),
                lambda _topic, record: self._deliver(ControlCommand.from_record(record)),
                "modehop-control-" + self.run_id)
            self._listener.start()

    def follow(self, suffixes, handler):
        """Calls ``handler(suffix, record)`` on a background thread for every record about this run on the
        monitor's topics ``suffixes`` (e.g. ``["hop.detected", "hop.stability"]``), from their beginning,
        ``read_committed``; records are dicts in the shape of the bundled schemas."""
        by_name = {self.topic(s): s for s in suffixes}
        for s in suffixes:
            if s not in VALUE_RECORDS:
                raise ValueError("no topic modehop.%s (one of %s)" % (s, ", ".join(sorted(VALUE_RECORDS))))
        consumer = self._consumer()
        assignment = []
        for name in by_name:
            assignment += self._assignment(consumer, name, from_end=False)
        consumer.assign(assignment)
        reader = RunRecordReader(consumer, self.run_id, lambda topic, data: self.decode(by_name[topic], data),
                                 lambda topic, record: handler(by_name[topic], record),
                                 "modehop-follow-" + self.run_id)
        self._followers.append(reader)
        reader.start()

    def _deliver(self, cmd):
        self.control.apply(cmd)
        self._queue.put(cmd)
        for handler in list(self._handlers):
            try:
                handler(cmd)
            except Exception as e:
                LOG.warning("control handler failed on %s %s: %r", cmd.action, cmd.id, e)

    def on_control(self, handler):
        """Calls ``handler(ControlCommand)`` on a background thread for each command to this run published
        from now on (in order; a handler that raises is logged and the next command still arrives)."""
        self._handlers.append(handler)
        self.listen()

    def poll_control(self, timeout=0.0):
        """The commands that arrived since the last call (waiting up to ``timeout`` seconds for a first one).
        The first call starts listening if nothing did yet: call ``listen()`` early not to miss any."""
        self.listen()
        out = []
        try:
            out.append(self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait())
            while True:
                out.append(self._queue.get_nowait())
        except queue.Empty:
            pass
        return out

    # -- lifecycle -----------------------------------------------------------------------------------------

    def close(self):
        if self._closed:
            return
        self._closed = True
        self.control.close()
        for reader in self._followers + ([self._listener] if self._listener is not None else []):
            reader.close()
        if self._producer is not None:
            self._producer.flush(self.delivery_timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

