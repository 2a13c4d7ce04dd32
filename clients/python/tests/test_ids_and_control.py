import threading

from modehop import ids
from modehop.control import ADJUST_MIXTURE, PAUSE, RESUME, ControlCommand, ControlState


def test_ids_have_the_java_shape():
    h = ids.hop("toy-seed0", "flipped", 650)
    assert h == "toy-seed0/flipped/650/hop"
    assert ids.stability(h) == "toy-seed0/flipped/650/hop/stability"
    assert ids.alert(h, "steer", "STABLE") == "toy-seed0/flipped/650/hop/steer/stable"
    assert ids.control(ids.alert(h, "steer", "STABLE"), 0) == "toy-seed0/flipped/650/hop/steer/stable/control/0"
    assert ids.observation("r", "flipped", 50) == "r/flipped/50"
    assert ids.probe_score("r", 50, "flipped", "toy-flipped") == "r/50/flipped/toy-flipped"
    assert ids.checkpoint_predictors("r", 50) == "r/50/predictors"
    assert ids.ranking("r", 50) == "r/ranking/50"


def cmd(action, **mixture):
    return ControlCommand(id="c", run_id="r", action=action, mixture=mixture)


def test_pause_holds_until_resume():
    state = ControlState()
    state.apply(cmd(PAUSE))
    assert state.paused
    assert not state.wait_while_paused(timeout=0.05)
    released = []
    t = threading.Thread(target=lambda: released.append(state.wait_while_paused()))
    t.start()
    state.apply(cmd(RESUME))
    t.join(5)
    assert released == [True] and not state.paused


def test_the_latest_mixture_change_is_taken_once():
    state = ControlState()
    state.apply(cmd(ADJUST_MIXTURE, icl=0.5, iwl=0.5))
    state.apply(cmd(ADJUST_MIXTURE, icl=9, iwl=1))
    taken = state.take_mixture()
    assert taken.share("icl") == 0.9 and taken.share("web") is None
    assert state.take_mixture() is None
