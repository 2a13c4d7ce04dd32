"""The bundled, self-contained value schemas of modehop's topics."""

import json
import os
from pathlib import Path

from . import avsc
from .errors import SchemaError

_PACKAGED = Path(__file__).resolve().parent / "avro"
_cache = {}


def source_folder():
    """Where the project's .avsc files are in a source checkout ($MODEHOP_SCHEMA_DIR wins), or None."""
    env = os.environ.get("MODEHOP_SCHEMA_DIR")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "schemas" / "src" / "main" / "avro"
        if candidate.is_dir():
            return candidate
    return None


def bundled(name):
    """The self-contained schema (a JSON object) of record ``name``, e.g. ``"CheckpointReady"``."""
    if name in _cache:
        return _cache[name]
    path = _PACKAGED / (name + ".avsc")
    if path.is_file():
        schema = json.loads(path.read_text(encoding="utf-8"))
    else:
        # Not installed from a build (tests from a source checkout): resolve from the project's files.
        folder = source_folder()
        if folder is None:
            raise SchemaError("schema %s is not bundled (package built without schemas/src/main/avro?) and no "
                              "source folder found; set MODEHOP_SCHEMA_DIR" % name)
        try:
            schema = avsc.standalone(folder)[name]
        except KeyError:
            raise SchemaError("no schema named %s under %s" % (name, folder)) from None
    _cache[name] = schema
    return schema
