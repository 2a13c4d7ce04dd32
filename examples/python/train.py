"""A real small pre-training job in PyTorch that modehop monitors and steers.

It trains the toy GPT-NeoX model on data windows of a fixed ICL share (by default 600 steps at 0.9, then
800 at 0.1: the model hops from in-context reading to memorized labels on the flipped probe), saves an
HF-style checkpoint every 50 steps, announces each checkpoint and each data window through
``modehop.TrainingRun``, and obeys control: ADJUST_MIXTURE closes the current window at the next step and
runs the rest of its planned steps as a new window at the new ICL share; PAUSE holds until RESUME.

    python3 examples/python/train.py --run py-toy --out /tmp/py-toy   # against 'modehop up'
"""

import argparse
import hashlib
import os
import random
import sys
import threading
import time

import torch
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import toy_model  # noqa: E402
import toy_task  # noqa: E402

from modehop import TrainingRun  # noqa: E402


def parse_schedule(text):
    """'600:0.9,800:0.1' -> [(600, 0.9), (800, 0.1)]"""
    out = []
    for part in text.split(","):
        steps, share = part.split(":")
        out.append((int(steps), float(share)))
        if out[-1][0] <= 0 or not 0 <= out[-1][1] <= 1:
            raise SystemExit("train.py: error: bad window '%s' (steps > 0, share in [0, 1])" % part)
    return out


class MonitorProgress:
    """The newest step of this run the monitor has observed (``mode.observed``)."""

    def __init__(self, run):
        self._cond = threading.Condition()
        self.step = 0
        run.follow(["mode.observed"], self._observed)

    def _observed(self, _suffix, record):
        with self._cond:
            self.step = max(self.step, record["step"])
            self._cond.notify_all()

    def wait_for(self, step, timeout):
        with self._cond:
            if not self._cond.wait_for(lambda: self.step >= step, timeout):
                print("warning: the monitor has not observed step %d after %d s; going on" % (step, timeout),
                      flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", required=True, help="run id")
    p.add_argument("--out", required=True, help="folder for checkpoint-N/")
    p.add_argument("--bootstrap", default=None, help="Kafka (default $MODEHOP_BOOTSTRAP_SERVERS or 127.0.0.1:9092)")
    p.add_argument("--registry", default=None, help="registry (default $MODEHOP_REGISTRY_URL or :8081)")
    p.add_argument("--schedule", default="600:0.9,800:0.1", help="windows as steps:icl_share,...")
    p.add_argument("--every", type=int, default=50, help="checkpoint every N steps")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--max-steps-per-second", type=float, default=0,
                   help="pace the loop (0: as fast as it goes)")
    p.add_argument("--max-checkpoints-ahead", type=int, default=0,
                   help="before saving a checkpoint, wait (up to 2 min) until the monitor has observed the one this "
                        "many checkpoints back (0: never wait); keeps control timely when scoring is slower "
                        "than training")
    args = p.parse_args(argv)

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    task = toy_task.ToyTask(rng)
    model = toy_model.ToyNeoX(toy_task.VOCAB_SIZE, max_positions=toy_task.LENGTH + 2, bos_id=toy_task.BOS_ID)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.98), weight_decay=0.01)
    warmup = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100))
    tokenizer = toy_task.tokenizer_json()
    plan = parse_schedule(args.schedule)
    os.makedirs(args.out, exist_ok=True)

    with TrainingRun(args.run, bootstrap=args.bootstrap, registry=args.registry, suite="toy") as run:
        run.listen()  # from now on no command is missed
        progress = MonitorProgress(run) if args.max_checkpoints_ahead > 0 else None
        step, index, started = 0, 0, time.monotonic()
        loss_sum, loss_n = 0.0, 0
        while plan:
            steps, share = plan.pop(0)
            start, planned_end = step, step + steps
            window = "w%d" % index
            mixture = {"icl": share, "iwl": round(1 - share, 6)}
            run.data_window(window, start, planned_end, mixture)
            print("window %s steps %d..%d icl %.2f" % (window, start, planned_end, share), flush=True)
            sequences, digest = 0, hashlib.blake2b(digest_size=8)
            while step < planned_end:
                run.control.wait_while_paused()
                cmd = run.control.take_mixture()
                new_share = cmd.share("icl") if cmd is not None else None
                if cmd is not None and new_share is None:
                    print("control ADJUST_MIXTURE without an 'icl' share ignored: %s" % cmd.mixture, flush=True)
                if new_share is not None:
                    print("control ADJUST_MIXTURE %s applied at step %d" % (cmd.mixture, step), flush=True)
                    if step > start:
                        plan.insert(0, (planned_end - step, new_share))
                        break
                    share, mixture = new_share, {"icl": new_share, "iwl": round(1 - new_share, 6)}
                    run.data_window(window, start, planned_end, mixture)
                rows, targets = task.batch(args.batch, share)
                ids = torch.tensor(rows)
                digest.update(ids.numpy().tobytes())
                logits = model(ids)[:, -1, :]
                loss = F.cross_entropy(logits, torch.tensor(targets))
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                warmup.step()
                step += 1
                sequences += len(rows)
                loss_sum, loss_n = loss_sum + loss.item(), loss_n + 1
                if step % args.every == 0:
                    if progress is not None:
                        progress.wait_for(step - args.max_checkpoints_ahead * args.every, timeout=120)
                    mean = loss_sum / loss_n
                    folder = toy_model.save_checkpoint(model, args.out, step, tokenizer,
                                                       {"global_step": step, "train_loss": mean, "seed": args.seed})
                    run.checkpoint_ready(step, folder, tokens_seen=step * args.batch * toy_task.LENGTH,
                                         train_loss=mean)
                    print("train step %5d loss %.3f announced %s" % (step, mean, folder), flush=True)
                    loss_sum, loss_n = 0.0, 0
                if args.max_steps_per_second > 0:
                    ahead = step / args.max_steps_per_second - (time.monotonic() - started)
                    if ahead > 0:
                        time.sleep(ahead)
            # the window as it really was: its real end, sequences, tokens and data fingerprint
            run.data_window(window, start, step, mixture, tokens=sequences * toy_task.LENGTH,
                            fingerprint=digest.hexdigest())
            index += 1
        print("done: %d steps in %.1f s" % (step, time.monotonic() - started), flush=True)


if __name__ == "__main__":
    main()
