"""Deterministic ids of the records modehop derives, built exactly as the Java side builds them, so a
Python consumer can dedupe retries and replays or look a record up by its id."""


def observation(run_id, series, step):
    return "%s/%s/%d" % (run_id, series, step)


def hop(run_id, series, step):
    return "%s/%s/%d/hop" % (run_id, series, step)


def stability(hop_id):
    return hop_id + "/stability"


def alert(hop_id, rule, trigger):
    """``trigger``: the verdict the rule fired on (STABLE, TRANSIENT, or PENDING for the detection itself)."""
    return "%s/%s/%s" % (hop_id, rule, trigger.lower())


def control(alert_id, index):
    return "%s/control/%d" % (alert_id, index)


def ranking(run_id, as_of_step):
    return "%s/ranking/%d" % (run_id, as_of_step)


def probe_score(run_id, step, family, task):
    return "%s/%d/%s/%s" % (run_id, step, family, task)


def checkpoint_predictors(run_id, step):
    return "%s/%d/predictors" % (run_id, step)
