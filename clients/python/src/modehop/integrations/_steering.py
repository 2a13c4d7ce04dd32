"""What every adapter does with control commands between two steps: hand a mixture change to the user's
hook, then hold while the run is paused."""

import logging

LOG = logging.getLogger("modehop.integrations")


def apply_mixture(run, on_mixture, step):
    """Calls ``on_mixture(command, step)`` with a pending ADJUST_MIXTURE, if any; True if there was one."""
    cmd = run.control.take_mixture()
    if cmd is None:
        return False
    if on_mixture is None:
        LOG.warning("ADJUST_MIXTURE %s at step %s ignored: no on_mixture hook given", cmd.mixture, step)
    else:
        on_mixture(cmd, step)
    return True


def hold_while_paused(run, step):
    if run.control.paused:
        LOG.info("modehop: run %s paused at step %s; waiting for RESUME", run.run_id, step)
        run.control.wait_while_paused()
        LOG.info("modehop: run %s resumed at step %s", run.run_id, step)
