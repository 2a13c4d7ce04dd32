"""Hugging Face Trainer: ``trainer.add_callback(ModehopTrainerCallback(run, on_mixture=...))``.

Hooks used (``TrainerCallback``'s signatures): ``on_train_begin(args, state, control, **kwargs)`` starts
listening for control commands; ``on_step_end(args, state, control, **kwargs)`` hands ADJUST_MIXTURE to
``on_mixture(command, step)`` and, on PAUSE, sets ``control.should_save`` so the Trainer saves right away;
``on_save(args, state, control, **kwargs)``, called once the Trainer has written
``<output_dir>/checkpoint-<global_step>``, announces that folder (checked complete as ``modehop watch``
does) and, if paused, holds there until RESUME. Only the world's process zero announces.
"""

import os

from ._steering import apply_mixture, hold_while_paused

try:
    from transformers import TrainerCallback as _Base
except ImportError:  # the adapter needs nothing from the base class
    _Base = object


def _last_loss(state):
    for entry in reversed(getattr(state, "log_history", None) or []):
        if "loss" in entry:
            return float(entry["loss"])
    return None


class ModehopTrainerCallback(_Base):
    def __init__(self, run, on_mixture=None, tokens_per_step=0, settle=0.0, wait=60.0, save_on_pause=True):
        self.run = run
        self.on_mixture = on_mixture
        self.tokens_per_step = tokens_per_step
        self.settle = settle
        self.wait = wait
        self.save_on_pause = save_on_pause
        self._hold_after_save = False

    def on_train_begin(self, args, state, control, **kwargs):
        self.run.listen()
        return control

    def on_step_end(self, args, state, control, **kwargs):
        apply_mixture(self.run, self.on_mixture, state.global_step)
        if self.run.control.paused:
            if self.save_on_pause:
                # save (and announce) the current weights first; on_save then holds until RESUME
                control.should_save = True
                self._hold_after_save = True
            else:
                hold_while_paused(self.run, state.global_step)
        return control

    def on_save(self, args, state, control, **kwargs):
        if getattr(state, "is_world_process_zero", True):
            folder = os.path.join(args.output_dir, "checkpoint-%d" % state.global_step)
            self.run.checkpoint_ready(state.global_step, folder, tokens_seen=state.global_step * self.tokens_per_step,
                                      train_loss=_last_loss(state), settle=self.settle, wait=self.wait)
        if self._hold_after_save:
            self._hold_after_save = False
            hold_while_paused(self.run, state.global_step)
        return control
