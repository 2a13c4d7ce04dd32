"""TrainingRun against a real broker and registry (see conftest.py)."""

import threading
import time

import pytest
from support import checkpoint, command, read_run, send_control

from modehop import (ADJUST_MIXTURE, PAUSE, RESUME, BrokerUnreachable, CheckpointIncomplete, ControlCommand,
                     DeliveryFailed, RegistryUnreachable, SchemaError, TopicMissing, TrainingRun)
from modehop.registry import SchemaRegistry


def test_a_checkpoint_is_announced_once_acknowledged_in_the_wire_format(broker, run_id, tmp_path, avro_library):
    bootstrap, registry = broker
    folder = checkpoint(tmp_path / "checkpoint-100")
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry, suite="toy", avro_library=avro_library) as run:
        partition, offset = run.checkpoint_ready(100, folder, tokens_seen=1152, train_loss=0.5)
        assert offset >= 0
    [m] = read_run(bootstrap, "modehop.checkpoint.ready", run_id, 1)
    assert (m.partition(), m.offset()) == (partition, offset)
    schema_id = int.from_bytes(m.value()[1:5], "big")
    assert m.value()[0] == 0
    sid, latest = SchemaRegistry(registry).latest("modehop.checkpoint.ready-value")
    assert latest["name"] == "CheckpointReady" and schema_id <= sid
    record = run.decode("checkpoint.ready", m.value())
    assert record["runId"] == run_id and record["step"] == 100 and record["tokensSeen"] == 1152
    assert record["uri"] == str(folder) and record["trainLoss"] == 0.5 and record["suite"] == "toy"
    assert record["format"] == "hf-safetensors"


def test_an_incomplete_folder_is_refused_and_nothing_is_published(broker, run_id, tmp_path):
    bootstrap, registry = broker
    folder = tmp_path / "checkpoint-200"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry) as run:
        with pytest.raises(CheckpointIncomplete, match="model.safetensors"):
            run.checkpoint_ready(200, folder, wait=0.3)
        run.checkpoint_ready(300, "s3://bucket/run/checkpoint-300")  # remote: the scorer's business
    [m] = read_run(bootstrap, "modehop.checkpoint.ready", run_id, 1)
    assert run.decode("checkpoint.ready", m.value())["step"] == 300


def test_data_windows_are_announced_and_can_be_replaced(broker, run_id):
    bootstrap, registry = broker
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry) as run:
        run.data_window("w1", 600, 1000, {"icl": 0.1, "iwl": 0.9}, tokens=10)
    # a second job writing with whatever the registry holds now
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry, schemas="registry") as run:
        run.data_window("w1", 600, 780, {"icl": 0.1, "iwl": 0.9}, tokens=5, fingerprint="abc")
    records = [run.decode("datawindow.closed", m.value()) for m in
               read_run(bootstrap, "modehop.datawindow.closed", run_id, 2)]
    assert [(r["windowId"], r["startStep"], r["endStep"]) for r in records] == [("w1", 600, 1000), ("w1", 600, 780)]
    assert records[1]["mixture"] == {"icl": 0.1, "iwl": 0.9} and records[1]["fingerprint"] == "abc"


def test_control_commands_for_this_run_arrive_in_order_and_a_failing_handler_does_not_stop_them(broker, run_id):
    bootstrap, registry = broker
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry) as run:
        got = []
        done = threading.Event()

        def handler(cmd):
            got.append(cmd)
            if len(got) == 3:
                done.set()
            if cmd.action == PAUSE:
                raise RuntimeError("a handler bug")

        run.on_control(handler)
        send_control(run, command(run_id, PAUSE, 1))
        send_control(run, command("another-run", RESUME, 2))
        send_control(run, command(run_id, ADJUST_MIXTURE, 3, icl=0.9, iwl=0.1))
        send_control(run, command(run_id, RESUME, 4))
        assert done.wait(20), got
        assert [c.action for c in got] == [PAUSE, ADJUST_MIXTURE, RESUME]
        assert got[1].mixture == {"icl": 0.9, "iwl": 0.1} and got[1].issued_by == "pytest"
        assert not run.control.paused and run.control.take_mixture().share("icl") == pytest.approx(0.9)


def test_polling_receives_what_was_sent_after_listening_started_and_nothing_before(broker, run_id):
    bootstrap, registry = broker
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry) as run:
        send_control(run, command(run_id, PAUSE, 1))  # before listening: not for this session
        time.sleep(0.5)
        run.listen()
        send_control(run, command(run_id, ADJUST_MIXTURE, 2, web=1.0))
        got = run.poll_control(timeout=20)
        assert [c.id for c in got] == ["test/ADJUST_MIXTURE/2"]
        assert not run.control.paused


def test_the_registry_schemas_need_a_registered_subject(broker, run_id):
    bootstrap, registry = broker
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry, schemas="registry",
                     topic_prefix="") as run:
        run._writers.clear()
        with pytest.raises(SchemaError, match="no schema under nowhere-value"):
            run._registry.latest("nowhere-value")


def test_an_unreachable_broker_fails_within_the_connect_timeout(broker):
    _bootstrap, registry = broker
    started = time.monotonic()
    with pytest.raises(BrokerUnreachable, match="127.0.0.1:1"):
        TrainingRun("r", bootstrap="127.0.0.1:1", registry=registry, connect_timeout=2)
    assert time.monotonic() - started < 10


def test_an_unreachable_registry_fails_within_its_timeout(broker):
    bootstrap, _registry = broker
    with pytest.raises(RegistryUnreachable, match="127.0.0.1:1"):
        TrainingRun("r", bootstrap=bootstrap, registry="http://127.0.0.1:1", connect_timeout=2)


def test_a_wrong_topic_prefix_is_named(broker):
    bootstrap, registry = broker
    with pytest.raises(TopicMissing, match="staging.modehop.checkpoint.ready"):
        TrainingRun("r", bootstrap=bootstrap, registry=registry, topic_prefix="staging.")


def test_a_record_the_broker_refuses_raises(broker, run_id):
    bootstrap, registry = broker
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry,
                     client_config={"message.max.bytes": 2000}) as run:
        with pytest.raises(DeliveryFailed):
            run.checkpoint_ready(1, "s3://bucket/" + "x" * 5000)


def test_following_the_monitors_topics_yields_this_runs_records_from_the_beginning(broker, run_id):
    bootstrap, registry = broker
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry) as run:
        send_control(run, command(run_id, PAUSE, 1))
        send_control(run, command("another-run", PAUSE, 2))
        got = []
        run.follow(["run.control"], lambda suffix, record: got.append((suffix, record["id"])))
        deadline = time.monotonic() + 20
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert got == [("run.control", "test/PAUSE/1")]
        with pytest.raises(ValueError, match="modehop.nothing"):
            run.follow(["nothing"], print)
