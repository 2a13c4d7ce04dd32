"""Helpers of the broker tests: raw Kafka reads and writes next to the client under test."""

import time
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition

from modehop import ControlCommand


def checkpoint(folder):
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"\0" * 16)
    return folder


def read_run(bootstrap, topic, run_id, expect, timeout=20.0):
    """The raw records of ``run_id`` on ``topic`` from the beginning, once ``expect`` of them are there."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "t-" + uuid.uuid4().hex, "enable.auto.commit": False})
    md = c.list_topics(topic, timeout=10)
    c.assign([TopicPartition(topic, p, 0) for p in md.topics[topic].partitions])
    out = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < expect and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is not None and not m.error() and m.key() == run_id.encode():
                out.append(m)
    finally:
        c.close()
    return out


def send_control(run, cmd, key=None):
    p = Producer({"bootstrap.servers": run.bootstrap})
    p.produce(run.topic("run.control"), key=(key or cmd.run_id).encode(), value=run.encode("run.control",
                                                                                          cmd.to_record()))
    assert p.flush(10) == 0


def command(run_id, action, n, **mixture):
    return ControlCommand(id="test/%s/%d" % (action, n), run_id=run_id, action=action, mixture=mixture,
                          reason="test", issued_by="pytest", step=n, issued_at=int(time.time() * 1000))
