"""Control commands from the monitor (PAUSE, RESUME, ADJUST_MIXTURE) and what a training loop keeps of them.

Delivery has the Java SDK's semantics (TrainingRunClient.onControl): ``run.control`` is read
``read_committed`` from its end at the moment listening starts, on a background thread; commands for other
runs are skipped; a handler that raises is logged and the next command still arrives.
"""

import threading
from dataclasses import dataclass, field

PAUSE = "PAUSE"
RESUME = "RESUME"
ADJUST_MIXTURE = "ADJUST_MIXTURE"


@dataclass(frozen=True)
class ControlCommand:
    id: str
    run_id: str
    action: str
    mixture: dict = field(default_factory=dict)
    reason: str = ""
    issued_by: str = "modehop"
    step: int = 0
    issued_at: int = 0

    @classmethod
    def from_record(cls, r):
        return cls(id=r["id"], run_id=r["runId"], action=r["action"], mixture=dict(r.get("mixture") or {}),
                   reason=r.get("reason", ""), issued_by=r.get("issuedBy", "modehop"), step=r.get("step", 0),
                   issued_at=r.get("issuedAt", 0))

    def to_record(self):
        return {"id": self.id, "runId": self.run_id, "action": self.action, "mixture": dict(self.mixture),
                "reason": self.reason, "issuedBy": self.issued_by, "step": self.step, "issuedAt": self.issued_at}

    def share(self, source):
        """For ADJUST_MIXTURE: ``source``'s weight relative to the whole new mixture (None if absent)."""
        total = sum(self.mixture.values())
        if source not in self.mixture or total <= 0:
            return None
        return self.mixture[source] / total


class ControlState:
    """What the commands received so far mean for the loop: paused or not, and a mixture change not yet
    taken. PAUSE holds until RESUME; a newer ADJUST_MIXTURE replaces one not yet taken."""

    def __init__(self):
        self._cond = threading.Condition()
        self._paused = False
        self._mixture = None
        self._closed = False
        self.last = None

    def apply(self, cmd):
        with self._cond:
            self.last = cmd
            if cmd.action == PAUSE:
                self._paused = True
            elif cmd.action == RESUME:
                self._paused = False
            elif cmd.action == ADJUST_MIXTURE:
                self._mixture = cmd
            self._cond.notify_all()

    @property
    def paused(self):
        with self._cond:
            return self._paused

    def take_mixture(self):
        """The latest ADJUST_MIXTURE not taken yet (a ControlCommand), or None; taking it clears it."""
        with self._cond:
            cmd, self._mixture = self._mixture, None
            return cmd

    def wait_while_paused(self, timeout=None):
        """Blocks while paused (until RESUME, close, or ``timeout`` seconds); returns True if not paused."""
        with self._cond:
            self._cond.wait_for(lambda: not self._paused or self._closed, timeout)
            return not self._paused

    def close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()
