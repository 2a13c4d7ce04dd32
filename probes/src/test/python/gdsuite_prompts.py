"""GDsuite's prompts for a data tree, computed in Python the way GDsuite's evaluator builds them.

Usage: python3 gdsuite_prompts.py DATA_DIR CONFIG_YAML > prompts.jsonl
One JSON line per prompt, in the order the Java import produces them: choice tasks in config order, seeds
ascending, test rows in file order; then persona QA (persona, seed, question). Each line:
{"id": "<family>/<task>/<i>" or "multihop_persona_qa/<persona>/<question id>", "seed": s, "prompt": "..."}.
GdsuiteImportTest compares these with the Java prompts byte for byte.
"""
import json
import os
import random
import sys

import yaml


def read_rows(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def choice_prompts(family, block, root, out):
    strategy = block.get("demo_strategy", "none")
    joiner = block.get("joiner", "\n")
    n_seeds = block.get("n_seeds", 1)
    data_dir = block.get("data_dir", family)
    for task in block["tasks"]:
        name, k = task["name"], task.get("k")
        path = os.path.join(root, data_dir, name + ".jsonl")
        if not os.path.exists(path):
            continue
        rows = read_rows(path)
        demos = [r for r in rows if r["split"] == "demo"]
        tests = [r for r in rows if r["split"] == "test"]
        task_id = name.replace("/", ".")
        if strategy == "none" or k is None or not demos:
            for i, t in enumerate(tests):
                out.append({"id": f"{family}/{task_id}/{i}", "seed": 0, "prompt": t["prompt"]})
            continue
        has_sets = any("demo_set" in d for d in demos)
        n_sets = max(d["demo_set"] for d in demos) + 1 if has_sets else 0
        for seed in range(n_seeds):
            rng = random.Random(seed)
            pool = [d for d in demos if d["demo_set"] == seed % n_sets] if has_sets else list(demos)
            shared = None
            if strategy == "balanced":
                zeros = [d for d in pool if d["label"] == 0]
                ones = [d for d in pool if d["label"] == 1]
                rng.shuffle(zeros)
                rng.shuffle(ones)
                shared = zeros[: k // 2] + ones[: k // 2]
                rng.shuffle(shared)
            elif strategy == "ordered":
                shared = pool[:k]
            for i, t in enumerate(tests):
                chosen = shared if shared is not None else rng.sample(pool, min(k, len(pool)))
                blocks = [d["prompt"] + " " + d["answer"] for d in chosen]
                out.append({"id": f"{family}/{task_id}/{i}", "seed": seed, "prompt": joiner.join(blocks + [t["prompt"]])})


def persona_prompts(family, block, root, out):
    data_dir = block.get("data_dir", family)
    joiner = block.get("joiner", "\n\n")
    for persona in block["personas"]:
        folder = os.path.join(root, data_dir, persona)
        facts_path = os.path.join(folder, "facts.jsonl")
        questions_path = os.path.join(folder, "test_questions.json")
        if not (os.path.exists(facts_path) and os.path.exists(questions_path)):
            continue
        facts = read_rows(facts_path)
        with open(questions_path, encoding="utf-8") as f:
            questions = json.load(f)
        blocks = []
        for fact in facts:
            user = next(m["content"] for m in fact["messages"] if m["role"] == "user")
            assistant = next(m["content"] for m in fact["messages"] if m["role"] == "assistant")
            blocks.append("Q: " + user + "\nA:" + " " + assistant)
        for seed in range(block.get("n_seeds", 1)):
            shuffled = list(blocks)
            random.Random(seed).shuffle(shuffled)
            for q in questions:
                out.append({"id": f"{family}/{persona}/{q['id']}", "seed": seed,
                            "prompt": joiner.join(shuffled + ["Q: " + q["question"] + "\nA:"])})


def main():
    root, config_path = sys.argv[1], sys.argv[2]
    with open(config_path, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    choices, personas = [], []
    for family, block in config.items():
        if not isinstance(block, dict):
            continue
        if "personas" in block:
            persona_prompts(family, block, root, personas)
        elif "tasks" in block:
            choice_prompts(family, block, root, choices)
    for row in choices + personas:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


main()
