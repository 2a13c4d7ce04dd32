"""The framework adapters, called the way each framework calls them: the hook names and arguments their
documentation gives (transformers' TrainerCallback, OLMo-core's Callback, Lightning's Callback). The
frameworks themselves are not installed; their argument objects are stand-ins with the documented fields.
Announcements and control go through a real TrainingRun on the real broker."""

import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from support import checkpoint, command, read_run, send_control

from modehop import ADJUST_MIXTURE, PAUSE, RESUME, CheckpointIncomplete, TrainingRun
from modehop.integrations.hf import ModehopTrainerCallback
from modehop.integrations.lightning import ModehopLightningCallback
from modehop.integrations.olmo import ModehopOlmoCallback


@dataclass
class TrainerState:  # the fields of transformers.TrainerState the adapter reads
    global_step: int = 0
    log_history: list = field(default_factory=list)
    is_world_process_zero: bool = True


@dataclass
class TrainerControl:  # transformers.TrainerControl
    should_training_stop: bool = False
    should_epoch_stop: bool = False
    should_save: bool = False
    should_evaluate: bool = False
    should_log: bool = False


HF_KWARGS = dict(model=None, processing_class=None, optimizer=None, lr_scheduler=None, train_dataloader=None,
                 eval_dataloader=None)


@pytest.fixture
def run(broker, run_id):
    bootstrap, registry = broker
    with TrainingRun(run_id, bootstrap=bootstrap, registry=registry) as r:
        yield r


def announced(run, n):
    return [run.decode("checkpoint.ready", m.value()) for m in
            read_run(run.bootstrap, run.topic("checkpoint.ready"), run.run_id, n)]


def until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_hf_announces_each_saved_checkpoint_folder_from_process_zero_only(run, tmp_path):
    cb = ModehopTrainerCallback(run, tokens_per_step=100)
    args = SimpleNamespace(output_dir=str(tmp_path))
    state, control = TrainerState(), TrainerControl()
    cb.on_train_begin(args, state, control, **HF_KWARGS)
    state.global_step = 10
    state.log_history.append({"loss": 2.5, "learning_rate": 1e-3, "epoch": 0.1, "step": 10})
    checkpoint(tmp_path / "checkpoint-10")
    assert cb.on_save(args, state, control, **HF_KWARGS) is control
    other_rank = ModehopTrainerCallback(run)
    state.is_world_process_zero = False
    state.global_step = 20
    other_rank.on_save(args, state, control, **HF_KWARGS)  # no folder, no announcement, no error
    [r] = announced(run, 1)
    assert (r["step"], r["tokensSeen"], r["trainLoss"]) == (10, 1000, 2.5)
    assert r["uri"] == str(tmp_path / "checkpoint-10")


def test_hf_refuses_a_folder_the_trainer_has_not_finished(run, tmp_path):
    cb = ModehopTrainerCallback(run, wait=0.2)
    (tmp_path / "checkpoint-5").mkdir()
    (tmp_path / "checkpoint-5" / "config.json").write_text("{}")
    with pytest.raises(CheckpointIncomplete):
        cb.on_save(SimpleNamespace(output_dir=str(tmp_path)), TrainerState(global_step=5), TrainerControl())


def test_hf_pause_saves_then_holds_until_resume_and_mixture_goes_to_the_hook(run, tmp_path):
    changes = []
    cb = ModehopTrainerCallback(run, on_mixture=lambda cmd, step: changes.append((cmd.mixture, step)))
    args, state, control = SimpleNamespace(output_dir=str(tmp_path)), TrainerState(global_step=30), TrainerControl()
    cb.on_train_begin(args, state, control)
    send_control(run, command(run.run_id, ADJUST_MIXTURE, 1, web=0.2, code=0.8))
    until(lambda: cb.on_step_end(args, state, control) is control and changes)
    assert changes == [({"web": 0.2, "code": 0.8}, 30)]
    send_control(run, command(run.run_id, PAUSE, 2))
    until(lambda: cb.on_step_end(args, state, control).should_save)
    checkpoint(tmp_path / "checkpoint-30")
    saving = threading.Thread(target=cb.on_save, args=(args, state, control), kwargs=HF_KWARGS)
    saving.start()
    saving.join(1.0)
    assert saving.is_alive(), "holds after the save while paused"
    assert [r["step"] for r in announced(run, 1)] == [30], "the checkpoint before the pause is announced"
    send_control(run, command(run.run_id, RESUME, 3))
    saving.join(20)
    assert not saving.is_alive()


def test_olmo_announces_after_the_save_completed_with_the_step_of_the_folder(run, tmp_path):
    exported = tmp_path / "hf" / "step40"
    cb = ModehopOlmoCallback(run, to_hf=lambda path: checkpoint(exported))
    cb.trainer = SimpleNamespace(global_step=41, global_train_tokens_seen=40 * 2048)
    cb.pre_train()
    distributed = tmp_path / "step40"
    (distributed / "model_and_optim").mkdir(parents=True)
    cb.post_checkpoint_saved(str(distributed))
    [r] = announced(run, 1)
    assert (r["step"], r["tokensSeen"], r["uri"]) == (40, 40 * 2048, str(exported))
    with pytest.raises(CheckpointIncomplete, match="model.safetensors"):
        ModehopOlmoCallback(run).post_checkpoint_saved(distributed)  # not HF-style, and no to_hf


def test_olmo_pre_step_hands_over_the_mixture_and_holds_while_paused(run):
    changes = []
    cb = ModehopOlmoCallback(run, on_mixture=lambda cmd, step: changes.append((cmd.share("a"), step)))
    cb.trainer = SimpleNamespace(global_step=7)
    cb.pre_train()
    send_control(run, command(run.run_id, ADJUST_MIXTURE, 1, a=3, b=1))
    until(lambda: cb.pre_step({"input_ids": None}) is None and changes)
    assert changes == [(0.75, 7)]
    send_control(run, command(run.run_id, PAUSE, 2))
    until(lambda: run.control.paused)
    stepping = threading.Thread(target=cb.pre_step, args=({"input_ids": None},))
    stepping.start()
    stepping.join(0.5)
    assert stepping.is_alive()
    send_control(run, command(run.run_id, RESUME, 3))
    stepping.join(20)
    assert not stepping.is_alive()


def test_lightning_exports_and_announces_on_save_checkpoint_from_global_zero(run, tmp_path):
    def export(trainer, pl_module):
        return checkpoint(tmp_path / ("checkpoint-%d" % trainer.global_step))

    cb = ModehopLightningCallback(run, export=export, tokens_per_step=10)
    trainer = SimpleNamespace(global_step=60, is_global_zero=True, callback_metrics={"train_loss": 0.75})
    cb.on_train_start(trainer, pl_module=object())
    cb.on_save_checkpoint(trainer, object(), {"state_dict": {}, "global_step": 60})
    cb.on_save_checkpoint(SimpleNamespace(global_step=61, is_global_zero=False), object(), {})
    [r] = announced(run, 1)
    assert (r["step"], r["tokensSeen"], r["trainLoss"]) == (60, 600, 0.75)


def test_lightning_batch_start_hands_over_the_mixture(run):
    changes = []
    cb = ModehopLightningCallback(run, export=None, on_mixture=lambda cmd, step: changes.append(step))
    trainer = SimpleNamespace(global_step=3)
    cb.on_train_start(trainer, None)
    send_control(run, command(run.run_id, ADJUST_MIXTURE, 1, x=1.0))
    until(lambda: cb.on_train_batch_start(trainer, None, batch=[1, 2], batch_idx=0) is None and changes)
    assert changes == [3]
