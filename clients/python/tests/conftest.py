"""Fixtures. Tests that need Kafka use the broker and registry named by $MODEHOP_TEST_BOOTSTRAP and
$MODEHOP_TEST_REGISTRY (the JUnit runner starts the embedded ones and sets both); without them those
tests skip, unless $MODEHOP_REQUIRE_BROKER=1 (CI), where they fail."""

import os
import uuid

import pytest

from modehop import codec


def _broker_or_skip():
    bootstrap = os.environ.get("MODEHOP_TEST_BOOTSTRAP")
    registry = os.environ.get("MODEHOP_TEST_REGISTRY")
    if not bootstrap or not registry:
        message = "no broker: set MODEHOP_TEST_BOOTSTRAP and MODEHOP_TEST_REGISTRY"
        if os.environ.get("MODEHOP_REQUIRE_BROKER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return bootstrap, registry


@pytest.fixture
def broker():
    """(bootstrap, registry url) of a real broker and registry with modehop's topics."""
    return _broker_or_skip()


@pytest.fixture
def run_id(request):
    return "py-%s-%s" % (request.node.name[:40], uuid.uuid4().hex[:6])


@pytest.fixture(params=["avro", "fastavro"])
def avro_library(request):
    """Each Avro path; fastavro's only where it is importable (it is not in Debian 12)."""
    if request.param not in codec.available():
        pytest.skip("%s is not importable here" % request.param)
    return request.param
