import json
from pathlib import Path

import pytest

from modehop import avsc, codec, schemas

# the project's own files, wherever the package under test was installed
SOURCE = Path(__file__).resolve().parents[3] / "schemas" / "src" / "main" / "avro"


def test_the_installed_package_carries_the_same_schemas_as_the_source():
    resolved = avsc.standalone(SOURCE)
    for name in ("CheckpointReady", "DataWindow", "ControlCommand", "ModeHop"):
        assert schemas.bundled(name) == resolved[name]


def test_every_project_schema_is_made_self_contained_and_parses_alone(avro_library):
    resolved = avsc.standalone(SOURCE)
    assert {"CheckpointReady", "DataWindow", "ControlCommand", "ModeHop", "ModeObservation", "HopStability",
            "Mode"} <= set(resolved)
    c = codec.load(avro_library)
    for name, schema in resolved.items():
        c._schema(schema)  # parses, or raises


def test_mode_from_common_is_inlined_where_first_used_and_referenced_after():
    hop = avsc.standalone(SOURCE)["ModeHop"]
    text = json.dumps(hop)
    symbols = json.loads((SOURCE / "common" / "Mode.avsc").read_text())["symbols"]
    assert text.count('"symbols": ' + json.dumps(symbols)) == 1
    raw = json.loads((SOURCE / "ModeHop.avsc").read_text())
    assert "GENERALIZING" not in json.dumps(raw), "the source file itself refers to Mode by name"


def test_a_type_used_twice_is_defined_once(tmp_path):
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "Color.avsc").write_text(
        '{"type":"enum","name":"Color","namespace":"t","symbols":["RED","BLUE"]}')
    (tmp_path / "Pair.avsc").write_text(
        '{"type":"record","name":"Pair","namespace":"t","fields":[{"name":"a","type":"Color"},'
        '{"name":"b","type":["null","t.Color"]},{"name":"c","type":{"type":"array","items":"Color"}}]}')
    pair = avsc.standalone(tmp_path)["Pair"]
    fields = {f["name"]: f["type"] for f in pair["fields"]}
    assert fields["a"]["symbols"] == ["RED", "BLUE"]
    assert fields["b"] == ["null", "t.Color"]
    assert fields["c"] == {"type": "array", "items": "Color"}
    for name in codec.available():
        codec.load(name)._schema(pair)


def test_an_unknown_reference_is_an_error(tmp_path):
    (tmp_path / "Bad.avsc").write_text('{"type":"record","name":"Bad","fields":[{"name":"a","type":"Nope"}]}')
    with pytest.raises(ValueError, match="Nope"):
        avsc.standalone(tmp_path)


def test_written_files_are_the_resolved_schemas(tmp_path):
    names = avsc.write_standalone(SOURCE, tmp_path / "out")
    assert "ControlCommand" in names
    for name in names:
        assert json.loads((tmp_path / "out" / (name + ".avsc")).read_text()) == avsc.standalone(SOURCE)[name]
