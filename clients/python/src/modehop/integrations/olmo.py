"""OLMo-core: ``trainer_config.with_callback("modehop", ModehopOlmoCallback(run, to_hf=...))``.

Hooks used (``olmo_core.train.callbacks.Callback``): ``pre_train()`` starts listening;
``pre_step(batch)`` hands ADJUST_MIXTURE to ``on_mixture(command, step)`` and holds while paused;
``post_checkpoint_saved(path)``, which OLMo-core calls only once a save (also an async one) has finished,
announces the checkpoint. OLMo-core writes distributed checkpoints (``stepN/model_and_optim/``), which
scorers cannot load: ``to_hf(path) -> folder`` converts or exports one to an HF-style folder (or
returns where the job already wrote one); without it the path itself must be an HF-style folder. The
step is the one in the folder's name (``stepN``), else ``trainer.global_step``.
"""

from .. import checkpoints
from ._steering import apply_mixture, hold_while_paused

try:
    from olmo_core.train.callbacks import Callback as _Base
except ImportError:
    _Base = object


class ModehopOlmoCallback(_Base):
    priority = 0

    def __init__(self, run, to_hf=None, on_mixture=None, settle=0.0, wait=60.0):
        self.run = run
        self.to_hf = to_hf
        self.on_mixture = on_mixture
        self.settle = settle
        self.wait = wait
        self._trainer = None

    @property
    def trainer(self):
        return self._trainer

    @trainer.setter
    def trainer(self, trainer):
        self._trainer = trainer

    def _step(self):
        return getattr(self._trainer, "global_step", 0) if self._trainer is not None else 0

    def pre_train(self):
        self.run.listen()

    def pre_step(self, batch):
        step = self._step()
        apply_mixture(self.run, self.on_mixture, step)
        hold_while_paused(self.run, step)

    def post_checkpoint_saved(self, path):
        step = checkpoints.step_of(str(path).rstrip("/"))
        if step is None:
            step = self._step()
        folder = self.to_hf(path) if self.to_hf is not None else path
        tokens = getattr(self._trainer, "global_train_tokens_seen", 0) if self._trainer is not None else 0
        self.run.checkpoint_ready(step, folder, tokens_seen=tokens or 0, settle=self.settle, wait=self.wait)
