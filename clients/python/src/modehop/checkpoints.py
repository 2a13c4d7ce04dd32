"""When a checkpoint folder is complete: the rule of ``modehop watch`` (CheckpointFolderWatcher), in Python.

A folder is complete when ``config.json`` and the weights are there (``model.safetensors``, or every shard
that ``model.safetensors.index.json`` names) and, when a settle period is asked for, no file changed size
or modification time for that long. Folder names the watcher recognizes: ``checkpoint-N``, ``step-N``,
``step_N``, ``stepN``.
"""

import os
import re
import time
from pathlib import Path

from .errors import CheckpointIncomplete

_NAME = re.compile(r"(?:checkpoint|step)[-_]?(\d+)")
_SHARD = re.compile(r'"([^"]+\.safetensors)"')


def step_of(folder):
    """The step in a checkpoint folder's name, or None when the name is not one the watcher recognizes."""
    m = _NAME.fullmatch(Path(folder).name)
    return int(m.group(1)) if m else None


def missing_files(folder):
    """What keeps ``folder`` from being a complete checkpoint (empty list: nothing)."""
    folder = Path(folder)
    if not folder.is_dir():
        return ["the folder itself"]
    missing = []
    if not (folder / "config.json").is_file():
        missing.append("config.json")
    if (folder / "model.safetensors").is_file():
        return missing
    index = folder / "model.safetensors.index.json"
    if not index.is_file():
        return missing + ["model.safetensors (or model.safetensors.index.json)"]
    shards = _SHARD.findall(index.read_text(encoding="utf-8"))
    if not shards:
        return missing + ["the shards model.safetensors.index.json names (it names none)"]
    return missing + sorted({s for s in shards if not (folder / s).is_file()})


def is_complete(folder):
    return not missing_files(folder)


def signature(folder):
    """Names, sizes and modification times of every file below ``folder``: equal twice means unchanged."""
    out = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
            except FileNotFoundError:
                continue
            out.append((os.path.relpath(path, folder), st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


def total_bytes(folder):
    return sum(size for _name, size, _mtime in signature(folder))


def await_complete(folder, settle=0.0, timeout=0.0, clock=time.monotonic, sleep=time.sleep):
    """Returns once ``folder`` is complete and unchanged for ``settle`` seconds; raises CheckpointIncomplete
    if that does not happen within ``timeout`` seconds (0: look once, and settle only)."""
    deadline = clock() + max(timeout, settle)
    last, since = None, None
    while True:
        missing = missing_files(folder)
        now = clock()
        if not missing:
            sig = signature(folder)
            if sig != last:
                last, since = sig, now
            if now - since >= settle:
                return
        if now >= deadline:
            if missing:
                raise CheckpointIncomplete("checkpoint %s is not complete: missing %s" % (folder, ", ".join(missing)))
            raise CheckpointIncomplete("checkpoint %s kept changing for %.1f s (settle period %.1f s)"
                                       % (folder, max(timeout, settle), settle))
        sleep(min(0.1, max(0.0, deadline - now)))
