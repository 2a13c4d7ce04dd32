"""modehop's training-side client: announce checkpoints and data windows, obey control commands.

    from modehop import TrainingRun
    with TrainingRun("my-run") as run:
        run.on_control(lambda cmd: print(cmd.action, cmd.mixture))
        run.data_window("w3", 1200, 1600, {"web": 0.7, "code": 0.3})
        run.checkpoint_ready(1600, "out/checkpoint-1600", train_loss=2.31)
"""

from .control import ADJUST_MIXTURE, PAUSE, RESUME, ControlCommand, ControlState
from .errors import (BrokerUnreachable, CheckpointIncomplete, DeliveryFailed, ModehopError, RegistryUnreachable,
                     SchemaError, TopicMissing)
from .run import TrainingRun

__all__ = ["TrainingRun", "ControlCommand", "ControlState", "PAUSE", "RESUME", "ADJUST_MIXTURE", "ModehopError",
           "BrokerUnreachable", "RegistryUnreachable", "TopicMissing", "SchemaError", "DeliveryFailed",
           "CheckpointIncomplete"]
