"""A synthetic GDsuite data tree of the published size and shape (made-up texts), for measuring the import.

Usage: python3 gdsuite_synthetic_tree.py OUT_DIR
Families, tasks, k and seeds as GDsuite publishes them; test rows per task chosen so that rows x seeds match
the published per-family totals (flipped 28,928, repetitive 16,000, successive 18,380, truthy 2,256,
intuitive 600); demo pools of 2k demos (4 demo sets for flipped); texts of GDsuite-like lengths.
"""
import json
import os
import random
import sys

WORDS = ("the a of river stone quiet bright market engine garden winter paper signal orange window theory "
         "harbor velvet copper lantern meadow silver thunder basket candle pocket mirror ladder").split()


def text(rng, n_words):
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


def write(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def task(rng, demos, tests, words, labels=None, demo_sets=0):
    rows = []
    for i in range(demos):
        d = {"split": "demo", "prompt": "Input: " + text(rng, words) + "\nOutput:", "answer": rng.choice(["yes", "no"])}
        if labels:
            # alternate labels within every demo set, so that `balanced` finds k // 2 of each label in each pool
            d["label"] = (i // demo_sets) % 2 if demo_sets else i % 2
        if demo_sets:
            d["demo_set"] = i % demo_sets
        rows.append(d)
    for i in range(tests):
        rows.append({"split": "test", "prompt": "Input: " + text(rng, words) + "\nOutput:", "correct_answer": "yes",
                     "incorrect_answer": "no", "source": "synthetic", "index": i})
    return rows


def main():
    out = sys.argv[1]
    rng = random.Random(0)
    flipped = {"sst2": (64, 18), "imdb": (24, 230), "rotten_tomatoes": (64, 20), "poem_sentiment": (64, 12),
               "yahoo_health_computers": (64, 25), "yahoo_business_science": (64, 25), "emotion": (100, 18),
               "emotion_anger_joy": (100, 18)}
    for name, (k, words) in flipped.items():
        write(f"{out}/flipped_answer/{name}.jsonl", task(rng, 2 * k * 4, 904, words, labels=True, demo_sets=4))
    for name, k in (("code_tracing", 8), ("letter_counting", 4), ("logic", 64)):
        write(f"{out}/repetitive_answer/{name}.jsonl", task(rng, 2 * k, 1000, 15))
    for name in ("original", "v2fmt", "numbered", "instruction"):
        write(f"{out}/repetitive_answer/algebra/{name}.jsonl", task(rng, 0, 1000, 60))
    for name, k, n in (("number_words", 10, 1150), ("letters", 10, 1150), ("arithmetic", 32, 1150), ("even", 32, 1145)):
        write(f"{out}/successive_answer/{name}.jsonl", task(rng, 2 * k, n, 6))
    for name, k in (("surprising_truth", 8), ("common_misconception", 100)):
        write(f"{out}/truthy_answer/{name}.jsonl", task(rng, 2 * k, 282, 14))
    write(f"{out}/intuitive_answer/crt.jsonl", task(rng, 0, 600, 30))
    for persona in ("wolf", "oppenheimer", "rasputin", "hubbard", "rand", "madoff"):
        facts = [{"messages": [{"role": "user", "content": text(rng, 8) + "?"},
                               {"role": "assistant", "content": text(rng, 12) + "."}]} for _ in range(200)]
        write(f"{out}/multihop_persona_qa/{persona}/facts.jsonl", facts)
        qs = [{"id": f"{persona}-{i}", "question": text(rng, 10) + "?", "category": "two-hop",
               "expected_answer_regex": rng.choice(WORDS)} for i in range(5)]
        with open(f"{out}/multihop_persona_qa/{persona}/test_questions.json", "w") as f:
            json.dump(qs, f)


main()
