"""The toy task of the modehop demo, in Python: the same vocabulary, global labels g(x) and kinds of
sequence as the Java toy run (toyrun's ToyTask, probes' ToyVocabulary), so the scorer's ``toy`` probe
suite measures what this model learned.

Sequences are ``<bos> x1 l1 ... x8 l8 xq`` (18 tokens); the target is the label after xq. ICL rows: fresh
random labels, xq in the context, answer its in-context label. IWL rows (answer g(xq)): half look like ICL
rows but give xq a wrong label in context (this is what makes the two solutions compete), half have xq
absent from the context and the other items with their global labels.
"""

ITEMS = 64
LABELS = 8
PAIRS = 8
LENGTH = 2 + 2 * PAIRS
BOS_ID = 0
VOCAB_SIZE = 1 + ITEMS + LABELS
VOCABULARY_SEED = 20260501

_MASK = (1 << 64) - 1


class SplitMix64:
    """The generator the Java side uses for g(x), bit for bit (ToyVocabulary / SplitMix64)."""

    def __init__(self, seed):
        self.state = seed & _MASK

    def next_long(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def next_int(self, bound):
        limit = _MASK % bound
        while True:
            r = self.next_long()
            if r <= _MASK - limit:
                return r % bound

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = self.next_int(i + 1)
            a[i], a[j] = a[j], a[i]


def global_labels(seed=VOCABULARY_SEED):
    """g(x) for every item: shuffle 0..63 with SplitMix64(seed), then g(perm[k]) = k // 8."""
    perm = list(range(ITEMS))
    SplitMix64(seed).shuffle(perm)
    g = [0] * ITEMS
    for k, item in enumerate(perm):
        g[item] = k // (ITEMS // LABELS)
    return g


def item_id(x):
    return 1 + x


def label_id(label):
    return 1 + ITEMS + label


def tokens():
    return ["<bos>"] + ["x%d" % i for i in range(ITEMS)] + ["l%d" % i for i in range(LABELS)]


def tokenizer_json():
    """The HF tokenizer.json the Java toy run writes (WordLevel, whitespace split, <bos> special)."""
    import json
    return json.dumps({
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": 0, "content": "<bos>", "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True}],
        "normalizer": None, "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": None, "decoder": None,
        "model": {"type": "WordLevel", "vocab": {t: i for i, t in enumerate(tokens())}, "unk_token": "<unk>"}},
        separators=(",", ":"))


class ToyTask:
    def __init__(self, rng, g=None):
        self.rng = rng
        self.g = g or global_labels()

    def _distinct(self, excluded=-1):
        out = []
        while len(out) < PAIRS:
            x = self.rng.randrange(ITEMS)
            if x != excluded and x not in out:
                out.append(x)
        return out

    def _row(self, items, labels, query):
        row = [BOS_ID]
        for x, label in zip(items, labels):
            row += [item_id(x), label_id(label)]
        return row + [item_id(query)]

    def icl(self):
        items = self._distinct()
        labels = [self.rng.randrange(LABELS) for _ in range(PAIRS)]
        q = self.rng.randrange(PAIRS)
        return self._row(items, labels, items[q]), labels[q]

    def misleading(self):
        items = self._distinct()
        labels = [self.rng.randrange(LABELS) for _ in range(PAIRS)]
        q = self.rng.randrange(PAIRS)
        g = self.g[items[q]]
        labels[q] = (g + 1 + self.rng.randrange(LABELS - 1)) % LABELS
        return self._row(items, labels, items[q]), g

    def absent(self):
        query = self.rng.randrange(ITEMS)
        items = self._distinct(query)
        return self._row(items, [self.g[x] for x in items], query), self.g[query]

    def batch(self, size, p_icl):
        """(rows, target label ids): exactly round(p_icl * size) ICL rows, in random positions."""
        icl = round(p_icl * size)
        kinds = [True] * icl + [False] * (size - icl)
        self.rng.shuffle(kinds)
        rows, targets = [], []
        for is_icl in kinds:
            row, label = self.icl() if is_icl else (self.misleading() if self.rng.random() < 0.5 else self.absent())
            rows.append(row)
            targets.append(label_id(label))
        return rows, targets
