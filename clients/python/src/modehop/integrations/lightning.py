"""PyTorch Lightning: ``Trainer(callbacks=[ModehopLightningCallback(run, export=...)])``.

Hooks used (``lightning.pytorch.callbacks.Callback``): ``on_train_start(trainer, pl_module)`` starts
listening; ``on_train_batch_start(trainer, pl_module, batch, batch_idx)`` hands ADJUST_MIXTURE to
``on_mixture(command, step)`` and holds while paused; ``on_save_checkpoint(trainer, pl_module,
checkpoint)`` calls ``export(trainer, pl_module) -> folder``, which writes the weights as an HF-style
folder (Lightning's own ``.ckpt`` is not one; e.g. ``pl_module.model.save_pretrained(dir)``), and
announces it at ``trainer.global_step``. Only global rank zero exports and announces.
"""

from ._steering import apply_mixture, hold_while_paused

try:
    from lightning.pytorch.callbacks import Callback as _Base
except ImportError:
    try:
        from pytorch_lightning.callbacks import Callback as _Base
    except ImportError:
        _Base = object


class ModehopLightningCallback(_Base):
    def __init__(self, run, export, on_mixture=None, tokens_per_step=0, settle=0.0, wait=60.0):
        self.run = run
        self.export = export
        self.on_mixture = on_mixture
        self.tokens_per_step = tokens_per_step
        self.settle = settle
        self.wait = wait

    def on_train_start(self, trainer, pl_module):
        self.run.listen()

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx):
        apply_mixture(self.run, self.on_mixture, trainer.global_step)
        hold_while_paused(self.run, trainer.global_step)

    def on_save_checkpoint(self, trainer, pl_module, checkpoint):
        if not getattr(trainer, "is_global_zero", True):
            return
        folder = self.export(trainer, pl_module)
        loss = (getattr(trainer, "callback_metrics", None) or {}).get("train_loss")
        self.run.checkpoint_ready(trainer.global_step, folder, tokens_seen=trainer.global_step * self.tokens_per_step,
                                  train_loss=None if loss is None else float(loss), settle=self.settle,
                                  wait=self.wait)
