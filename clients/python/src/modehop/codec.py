"""Avro binary encoding through fastavro when it is importable, else Apache's pure-Python ``avro``.

Both produce the same bytes for the same schema and datum (Avro binary is canonical); the Confluent
wire format around them (magic byte 0, 4-byte big-endian schema id) is written here, not by a serializer
class, because confluent-kafka's documented serializer needs fastavro and its legacy ``AvroProducer``
insists on Avro keys where modehop's are plain strings.
"""

import io
import json
import os
import struct

from .errors import SchemaError

MAGIC = 0
_HEADER = struct.Struct(">bI")


class _Fastavro:
    name = "fastavro"

    def __init__(self):
        import fastavro
        self._lib = fastavro
        self._parsed = {}

    def _schema(self, schema):
        key = json.dumps(schema, sort_keys=True)
        if key not in self._parsed:
            self._parsed[key] = self._lib.parse_schema(schema)
        return self._parsed[key]

    def encode(self, schema, datum):
        buf = io.BytesIO()
        self._lib.schemaless_writer(buf, self._schema(schema), datum)
        return buf.getvalue()

    def decode(self, writer, reader, data):
        return self._lib.schemaless_reader(io.BytesIO(data), self._schema(writer), self._schema(reader))


class _ApacheAvro:
    name = "avro"

    def __init__(self):
        import avro.io
        import avro.schema
        self._io = avro.io
        self._parse = avro.schema.parse
        self._parsed = {}
        self._readers = {}

    def _schema(self, schema):
        key = json.dumps(schema, sort_keys=True)
        if key not in self._parsed:
            self._parsed[key] = self._parse(json.dumps(schema))
        return self._parsed[key]

    def encode(self, schema, datum):
        buf = io.BytesIO()
        self._io.DatumWriter(self._schema(schema)).write(datum, self._io.BinaryEncoder(buf))
        return buf.getvalue()

    def decode(self, writer, reader, data):
        w, r = self._schema(writer), self._schema(reader)
        key = (id(w), id(r))
        if key not in self._readers:
            self._readers[key] = self._io.DatumReader(w, r)
        return self._readers[key].read(self._io.BinaryDecoder(io.BytesIO(data)))


def available():
    """Names of the Avro libraries importable here, preferred first."""
    out = []
    for name, module in (("fastavro", "fastavro"), ("avro", "avro.io")):
        try:
            __import__(module)
            out.append(name)
        except ImportError:
            pass
    return out


def load(name=None):
    """An Avro codec: ``name`` ("fastavro" or "avro"), else $MODEHOP_AVRO_LIBRARY, else the first available."""
    name = name or os.environ.get("MODEHOP_AVRO_LIBRARY")
    choices = [name] if name else available()
    if not choices:
        raise SchemaError("no Avro library: install fastavro or avro (Debian: python3-avro)")
    if choices[0] == "fastavro":
        return _Fastavro()
    if choices[0] == "avro":
        return _ApacheAvro()
    raise SchemaError("unknown Avro library '%s' (fastavro or avro)" % choices[0])


class WireFormat:
    """Confluent wire format over one codec: ``b"\\x00" + schema id (4 bytes, big-endian) + Avro binary``."""

    def __init__(self, codec):
        self.codec = codec

    def encode(self, schema_id, schema, datum):
        try:
            body = self.codec.encode(schema, datum)
        except Exception as e:  # both libraries raise their own types for a datum that does not fit
            raise SchemaError("record does not fit schema %s: %s" % (schema.get("name"), e)) from e
        return _HEADER.pack(MAGIC, schema_id) + body

    @staticmethod
    def schema_id(data):
        if data is None or len(data) < _HEADER.size:
            raise SchemaError("not a Confluent wire-format record: %d bytes" % (0 if data is None else len(data)))
        magic, schema_id = _HEADER.unpack_from(data)
        if magic != MAGIC:
            raise SchemaError("unknown magic byte %d (expected 0)" % magic)
        return schema_id

    def decode(self, writer, reader, data):
        return self.codec.decode(writer, reader, data[_HEADER.size:])
