import pytest

from modehop import codec, schemas
from modehop.errors import SchemaError

CONTROL = {"id": "r/flipped/650/hop/steer/stable/control/0", "runId": "r", "action": "ADJUST_MIXTURE",
           "mixture": {"icl": 0.9, "iwl": 0.1}, "reason": "stable parrot", "issuedBy": "modehop", "step": 750,
           "issuedAt": 1700000000000}


def test_confluent_header_then_avro_body(avro_library):
    wire = codec.WireFormat(codec.load(avro_library))
    schema = schemas.bundled("ControlCommand")
    data = wire.encode(7, schema, CONTROL)
    assert data[:5] == b"\x00\x00\x00\x00\x07"
    assert wire.schema_id(data) == 7
    assert wire.decode(schema, schema, data) == CONTROL


def test_avro_binary_is_what_the_spec_says():
    # id "a", runId "r", action ADJUST_MIXTURE (index 2), mixture {"x": 0.5}, reason "", issuedBy "m", step 3,
    # issuedAt 0: zig-zag varints, length-prefixed strings, a map block of 1 entry then 0, little-endian double.
    expected = (b"\x02a" + b"\x02r" + b"\x04" + b"\x02" + b"\x02x" + b"\x00\x00\x00\x00\x00\x00\xe0\x3f" + b"\x00"
                + b"\x00" + b"\x02m" + b"\x06" + b"\x00")
    datum = {"id": "a", "runId": "r", "action": "ADJUST_MIXTURE", "mixture": {"x": 0.5}, "reason": "",
             "issuedBy": "m", "step": 3, "issuedAt": 0}
    for name in codec.available():
        assert codec.load(name).encode(schemas.bundled("ControlCommand"), datum) == expected, name


def test_a_newer_writer_schema_resolves_to_the_bundled_one(avro_library):
    c = codec.load(avro_library)
    reader = schemas.bundled("DataWindow")
    writer = dict(reader, fields=reader["fields"] + [{"name": "extra", "type": "string", "default": ""}])
    record = {"runId": "r", "windowId": "w1", "startStep": 0, "endStep": 10, "tokens": 5, "mixture": {"a": 1.0},
              "fingerprint": None, "producedAt": 1, "extra": "ignored by old readers"}
    wire = codec.WireFormat(c)
    decoded = wire.decode(writer, reader, wire.encode(1, writer, record))
    assert decoded == {k: v for k, v in record.items() if k != "extra"}


def test_records_that_do_not_fit_and_foreign_bytes_are_schema_errors(avro_library):
    wire = codec.WireFormat(codec.load(avro_library))
    with pytest.raises(SchemaError):
        wire.encode(1, schemas.bundled("ControlCommand"), dict(CONTROL, action="REBOOT"))
    with pytest.raises(SchemaError, match="magic"):
        wire.schema_id(b"\x01\x00\x00\x00\x01abc")
    with pytest.raises(SchemaError):
        wire.schema_id(b"\x00\x00")
