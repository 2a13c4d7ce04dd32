"""Reads one run's records from Kafka on a daemon thread: the control commands addressed to it, or the
monitor's outputs about it. Records of other runs (the key is the run id) are skipped; one that cannot be
decoded, or whose handler raises, is logged and the next still arrives."""

import logging
import threading

LOG = logging.getLogger("modehop")


class RunRecordReader:
    def __init__(self, consumer, run_id, decode, deliver, name):
        """``decode(topic, bytes) -> record``; ``deliver(topic, record)``."""
        self._consumer = consumer
        self._run_id = run_id.encode("utf-8")
        self._decode = decode
        self._deliver = deliver
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self):
        self._thread.start()

    def _loop(self):
        try:
            while not self._stop.is_set():
                msg = self._consumer.poll(0.2)
                if msg is None:
                    continue
                if msg.error():
                    LOG.warning("%s: %s", msg.topic(), msg.error())
                    continue
                if msg.key() != self._run_id:
                    continue
                try:
                    self._deliver(msg.topic(), self._decode(msg.topic(), msg.value()))
                except Exception as e:  # a bad record or a failing handler must not stop the next one
                    LOG.warning("record of %s at offset %d not handled: %r", msg.topic(), msg.offset(), e)
        finally:
            self._consumer.close()

    def close(self, timeout=5.0):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
