"""Self-contained Avro schemas from the project's .avsc files.

Some .avsc files refer to named types defined in other files (``Mode`` from ``common/``); Avro
libraries parse one file at a time, so each top-level schema is rewritten with every referenced named
type inlined at its first use (later uses stay references, as Avro requires). ``setup.py`` runs this at
build time and ships the results inside the package; a source checkout resolves them on the fly.
"""

import copy
import json
from pathlib import Path

PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
NAMED = frozenset({"record", "error", "enum", "fixed"})


def _full_name(name, namespace):
    if "." in name or not namespace:
        return name
    return namespace + "." + name


def _definitions(schema, namespace, out):
    """Collects every named type defined anywhere inside ``schema`` into ``out`` (full name -> definition)."""
    if isinstance(schema, list):
        for s in schema:
            _definitions(s, namespace, out)
    elif isinstance(schema, dict):
        kind = schema.get("type")
        if kind in NAMED and "name" in schema:
            full = _full_name(schema["name"], schema.get("namespace", namespace))
            namespace = full.rpartition(".")[0]
            out[full] = (schema, namespace)
        if isinstance(kind, (dict, list)):
            _definitions(kind, namespace, out)
        for f in schema.get("fields", []):
            _definitions(f.get("type"), namespace, out)
        for key in ("items", "values"):
            if key in schema:
                _definitions(schema[key], namespace, out)


def _inline(schema, namespace, known, defined):
    if isinstance(schema, str):
        if schema in PRIMITIVES:
            return schema
        full = _full_name(schema, namespace)
        if full in defined:
            return schema
        if full not in known:
            raise ValueError("unknown Avro type '%s'" % schema)
        definition, def_namespace = known[full]
        inlined = copy.deepcopy(definition)
        # The copy keeps its own namespace even when inlined into another one.
        inlined.setdefault("namespace", def_namespace)
        return _inline(inlined, namespace, known, defined)
    if isinstance(schema, list):
        return [_inline(s, namespace, known, defined) for s in schema]
    if not isinstance(schema, dict):
        raise ValueError("not an Avro schema: %r" % (schema,))
    out = dict(schema)
    kind = schema.get("type")
    if kind in NAMED and "name" in schema:
        full = _full_name(schema["name"], schema.get("namespace", namespace))
        defined.add(full)
        namespace = full.rpartition(".")[0]
    if isinstance(kind, (dict, list)) or (isinstance(kind, str) and kind not in PRIMITIVES and kind not in NAMED
                                          and kind not in ("array", "map")):
        out["type"] = _inline(kind, namespace, known, defined)
    if "fields" in schema:
        out["fields"] = []
        for f in schema["fields"]:
            g = dict(f)
            g["type"] = _inline(f["type"], namespace, known, defined)
            out["fields"].append(g)
    for key in ("items", "values"):
        if key in schema:
            out[key] = _inline(schema[key], namespace, known, defined)
    return out


def standalone(folder):
    """Every top-level named schema under ``folder`` (recursively), self-contained: {simple name: schema}."""
    files = sorted(Path(folder).rglob("*.avsc"))
    if not files:
        raise ValueError("no .avsc files under %s" % folder)
    parsed = []
    known = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        parsed.append((path, schema))
        _definitions(schema, None, known)
    out = {}
    for path, schema in parsed:
        if not isinstance(schema, dict) or "name" not in schema:
            continue
        name = schema["name"].rpartition(".")[2]
        out[name] = _inline(schema, schema.get("namespace"), known, set())
    return out


def write_standalone(source, target):
    """Writes ``<Name>.avsc`` for every schema of ``standalone(source)`` into ``target``; returns the names."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    schemas = standalone(source)
    for name, schema in schemas.items():
        (target / (name + ".avsc")).write_text(json.dumps(schema, indent=1) + "\n", encoding="utf-8")
    return sorted(schemas)
