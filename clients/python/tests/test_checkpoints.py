import json

import pytest

from modehop import checkpoints
from modehop.errors import CheckpointIncomplete


def write(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        (folder / n).write_bytes(b"x")


@pytest.mark.parametrize("name,step", [("checkpoint-200", 200), ("step-7", 7), ("step_7", 7), ("step3000", 3000),
                                       ("checkpoint-200.tmp", None), ("best", None), ("runs", None)])
def test_folder_names_as_the_watcher_reads_them(name, step):
    assert checkpoints.step_of("/x/" + name) == step


def test_config_and_weights_make_a_folder_complete(tmp_path):
    c = tmp_path / "checkpoint-1"
    write(c, "tokenizer.json")
    assert set(checkpoints.missing_files(c)) == {"config.json", "model.safetensors (or model.safetensors.index.json)"}
    write(c, "config.json")
    assert not checkpoints.is_complete(c)
    write(c, "model.safetensors")
    assert checkpoints.is_complete(c)


def test_every_shard_the_index_names_must_be_there(tmp_path):
    c = tmp_path / "checkpoint-2"
    write(c, "config.json", "model-00001-of-00002.safetensors")
    (c / "model.safetensors.index.json").write_text(json.dumps({"weight_map": {
        "a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}))
    assert checkpoints.missing_files(c) == ["model-00002-of-00002.safetensors"]
    write(c, "model-00002-of-00002.safetensors")
    assert checkpoints.is_complete(c)


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t

    def sleep(self, s):
        self.t += s


def test_a_growing_folder_is_not_announced_until_it_settles(tmp_path):
    c = tmp_path / "checkpoint-3"
    write(c, "config.json", "model.safetensors")
    clock = FakeClock()
    grows = {"n": 0}

    def sleep(s):
        clock.sleep(s)
        if grows["n"] < 5:  # the writer appends for the first half second
            grows["n"] += 1
            with open(c / "model.safetensors", "ab") as f:
                f.write(b"more")

    checkpoints.await_complete(c, settle=1.0, timeout=10, clock=clock, sleep=sleep)
    assert grows["n"] == 5
    assert clock.t >= 1.5


def test_an_incomplete_folder_raises_after_the_wait(tmp_path):
    c = tmp_path / "checkpoint-4"
    write(c, "config.json")
    clock = FakeClock()
    with pytest.raises(CheckpointIncomplete, match="model.safetensors"):
        checkpoints.await_complete(c, timeout=2, clock=clock, sleep=clock.sleep)
    assert clock.t >= 2
