"""A small client of the Confluent schema-registry REST protocol (served by modehop's embedded registry,
Apicurio's ``/apis/ccompat/v7`` and Confluent Schema Registry)."""

import json
import socket
import urllib.error
import urllib.parse
import urllib.request

from .errors import RegistryUnreachable, SchemaError

_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


class SchemaRegistry:
    def __init__(self, url, timeout=10.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._by_id = {}
        self._registered = {}

    def _send(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": _CONTENT_TYPE, "Accept": _CONTENT_TYPE})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                return json.loads(reply.read().decode("utf-8") or "null")
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace").strip()
            raise SchemaError("schema registry %s %s: HTTP %d %s" % (method, self.url + path, e.code, detail)) from e
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise RegistryUnreachable(
                "cannot reach the schema registry at %s within %.0f s (%s); check that it runs and the address "
                "(registry=, $MODEHOP_REGISTRY_URL)" % (self.url, self.timeout, reason)) from e

    def register(self, subject, schema):
        """Registers ``schema`` (a JSON object) under ``subject``, or finds it there; returns its id."""
        text = json.dumps(schema, separators=(",", ":"))
        key = (subject, text)
        if key not in self._registered:
            reply = self._send("POST", "/subjects/%s/versions" % urllib.parse.quote(subject, safe=""),
                               {"schema": text})
            schema_id = int(reply["id"])
            self._registered[key] = schema_id
            self._by_id.setdefault(schema_id, schema)
        return self._registered[key]

    def latest(self, subject):
        """(id, schema) of the latest version registered under ``subject``."""
        try:
            reply = self._send("GET", "/subjects/%s/versions/latest" % urllib.parse.quote(subject, safe=""))
        except SchemaError as e:
            if "HTTP 404" in str(e):
                raise SchemaError("the registry at %s has no schema under %s yet (nothing written to that topic); "
                                  "write with the bundled schemas (schemas='bundled') instead" % (self.url, subject)) \
                    from None
            raise
        schema = json.loads(reply["schema"])
        schema_id = int(reply["id"])
        self._by_id.setdefault(schema_id, schema)
        return schema_id, schema

    def by_id(self, schema_id):
        """The schema with this id (cached: ids never change meaning)."""
        if schema_id not in self._by_id:
            reply = self._send("GET", "/schemas/ids/%d" % schema_id)
            self._by_id[schema_id] = json.loads(reply["schema"])
        return self._by_id[schema_id]

    def check(self):
        """Raises RegistryUnreachable unless the registry answers."""
        self._send("GET", "/subjects")
