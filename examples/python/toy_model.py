"""A small GPT-NeoX-format transformer in PyTorch whose state_dict keys are HF's (``gpt_neox.layers.0.
attention.query_key_value.weight``, ...), and an HF-style checkpoint writer (config.json, tokenizer.json,
model.safetensors) that modehop's scorer loads.

The model is the toy run's (TOYRUN): 2 pre-LayerNorm blocks applied in sequence, d 32, 2 heads, MLP 4x
exact GELU, untied head, no rotary; plus the two extras the scorer's GPT-NeoX loader accepts when
config.json declares them: an embedding of the previous token (``gpt_neox.embed_prev.weight``, the BOS id
before position 0) and learned absolute positions (``gpt_neox.embed_pos.weight``).
"""

import json
import math
import os
import shutil
import struct

import torch
from torch import nn
from torch.nn import functional as F


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.query_key_value = nn.Linear(d, 3 * d)
        self.dense = nn.Linear(d, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        hd = d // self.heads
        # HF's fused layout: per head [q | k | v]
        qkv = self.query_key_value(x).view(b, t, self.heads, 3 * hd).transpose(1, 2)
        q, k, v = qkv.split(hd, dim=-1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + mask
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        return self.dense(ctx)


class Mlp(nn.Module):
    def __init__(self, d, f):
        super().__init__()
        self.dense_h_to_4h = nn.Linear(d, f)
        self.dense_4h_to_h = nn.Linear(f, d)

    def forward(self, x):
        return self.dense_4h_to_h(F.gelu(self.dense_h_to_4h(x)))


class Block(nn.Module):
    def __init__(self, d, heads, eps):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(d, eps=eps)
        self.post_attention_layernorm = nn.LayerNorm(d, eps=eps)
        self.attention = Attention(d, heads)
        self.mlp = Mlp(d, 4 * d)

    def forward(self, x, mask):
        x = x + self.attention(self.input_layernorm(x), mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Body(nn.Module):
    def __init__(self, vocab, d, layers, heads, max_positions, eps):
        super().__init__()
        self.embed_in = nn.Embedding(vocab, d)
        self.embed_prev = nn.Embedding(vocab, d)
        self.embed_pos = nn.Embedding(max_positions, d)
        self.layers = nn.ModuleList([Block(d, heads, eps) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(d, eps=eps)


class ToyNeoX(nn.Module):
    def __init__(self, vocab, d=32, layers=2, heads=2, max_positions=20, bos_id=0, eps=1e-5):
        super().__init__()
        self.config = {
            "architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox", "vocab_size": vocab,
            "hidden_size": d, "num_hidden_layers": layers, "num_attention_heads": heads,
            "intermediate_size": 4 * d, "max_position_embeddings": max_positions, "hidden_act": "gelu",
            "tie_word_embeddings": False, "bos_token_id": bos_id, "torch_dtype": "float32",
            "layer_norm_eps": eps, "rotary_pct": 0.0, "rotary_emb_base": 10000.0, "use_parallel_residual": False,
            "attention_bias": True, "modehop_prev_token_embedding": True, "modehop_learned_positions": True}
        self.bos_id = bos_id
        self.gpt_neox = Body(vocab, d, layers, heads, max_positions, eps)
        self.embed_out = nn.Linear(d, vocab, bias=False)
        for name, p in self.named_parameters():
            if "layernorm" in name or "layer_norm" in name:
                nn.init.ones_(p) if name.endswith("weight") else nn.init.zeros_(p)
            elif name.endswith("bias"):
                nn.init.zeros_(p)
            else:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, ids):
        b, t = ids.shape
        body = self.gpt_neox
        prev = torch.cat([torch.full((b, 1), self.bos_id, dtype=ids.dtype), ids[:, :-1]], dim=1)
        x = body.embed_in(ids) + body.embed_prev(prev) + body.embed_pos(torch.arange(t))
        mask = torch.full((t, t), float("-inf")).triu(1)
        for block in body.layers:
            x = block(x, mask)
        return self.embed_out(body.final_layer_norm(x))


def write_safetensors(tensors, path):
    """safetensors by hand: u64 little-endian header length, a JSON header (name -> dtype, shape, byte range;
    padded with spaces to 8 bytes), then the raw little-endian F32 bytes in header order."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def save_checkpoint(model, out_dir, step, tokenizer_json, trainer_state):
    """Writes ``out_dir/checkpoint-<step>/`` through a temporary folder renamed into place, so that anything
    watching the folder only ever sees whole checkpoints. Returns the folder."""
    folder = os.path.join(out_dir, "checkpoint-%d" % step)
    tmp = os.path.join(out_dir, ".checkpoint-%d.tmp" % step)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with open(os.path.join(tmp, "config.json"), "w") as f:
        json.dump(model.config, f, indent=2)
    with open(os.path.join(tmp, "tokenizer.json"), "w") as f:
        f.write(tokenizer_json)
    write_safetensors(model.state_dict(), os.path.join(tmp, "model.safetensors"))
    with open(os.path.join(tmp, "trainer_state.json"), "w") as f:
        json.dump(trainer_state, f, indent=2)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return folder


def read_safetensors(path):
    """The tensors of a safetensors file written as above (F32 only), by name."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError("%s: only F32 is read here, not %s" % (name, entry["dtype"]))
        begin, end = entry["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(entry["shape"])
    return out


def load_checkpoint(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    model = ToyNeoX(config["vocab_size"], d=config["hidden_size"], layers=config["num_hidden_layers"],
                    heads=config["num_attention_heads"], max_positions=config["max_position_embeddings"],
                    bos_id=config["bos_token_id"], eps=config["layer_norm_eps"])
    model.load_state_dict(read_safetensors(os.path.join(folder, "model.safetensors")))
    return model


if __name__ == "__main__":
    # python3 toy_model.py CHECKPOINT_DIR "<bos> x3 l5 ... x9": the logits at every position, as JSON rows,
    # for comparing PyTorch's forward with the scorer's
    import sys

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import toy_task

    vocab = {t: i for i, t in enumerate(toy_task.tokens())}
    ids = torch.tensor([[vocab[t] for t in sys.argv[2].split()]])
    with torch.no_grad():
        print(json.dumps(load_checkpoint(sys.argv[1])(ids)[0].tolist()))
