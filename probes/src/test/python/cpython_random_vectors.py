"""Golden vectors of CPython's random.Random(int) for CPythonRandomTest.

Run: python3 cpython_random_vectors.py > ../resources/gdsuite/cpython-random.json
The Java test compares against the committed file and, when python3 is present, against a fresh run.
"""
import json
import random
import sys

SEEDS = [0, 1, 2, 3, 7, 42, -5, 2**31 - 1, 2**32 - 1, 2**32, 2**64 + 5, 12345678901234567890123]


def case(seed):
    out = {"seed": str(seed)}
    r = random.Random(seed)
    out["getrandbits32"] = [r.getrandbits(32) for _ in range(8)]
    r = random.Random(seed)
    out["getrandbits"] = [[k, str(r.getrandbits(k))] for k in (1, 5, 31, 32, 33, 64, 100, 7)]
    r = random.Random(seed)
    out["randbelow"] = [[n, r._randbelow(n)] for n in (1, 2, 3, 7, 10, 100, 1000, 65537, 2**31 - 1)]
    r = random.Random(seed)
    shuffles = []
    for n in (0, 1, 2, 10, 50):
        x = list(range(n))
        r.shuffle(x)
        shuffles.append([n, x])
    out["shuffle"] = shuffles
    r = random.Random(seed)
    samples = []
    # (n, k): pool branch when n <= 21 (+ 4**ceil(log(3k, 4)) when k > 5), set branch otherwise
    for n, k in ((10, 3), (5, 5), (21, 2), (25, 2), (30, 6), (85, 6), (86, 6), (100, 24), (1000, 64), (64, 64), (3, 0)):
        samples.append([n, k, r.sample(range(n), k)])
    out["sample"] = samples
    # a long interleaved stream past the 624-word refill, as prompt building does it
    r = random.Random(seed)
    stream = []
    for i in range(100):
        stream.append(r.sample(range(40 + i % 7), 8))
    x = list(range(30))
    r.shuffle(x)
    stream.append(x)
    stream.append([r.getrandbits(32) for _ in range(3)])
    out["stream"] = stream
    return out


json.dump({"python": sys.version.split()[0], "cases": [case(s) for s in SEEDS]}, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
