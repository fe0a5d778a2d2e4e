"""Requests generated from the OpenAPI spec, valid and not, never get a 5xx answer."""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.main import create_app
from narration.config import Settings
from tests.api_fixtures import AUTH, KEY, resolve_literals_only

pytestmark = pytest.mark.slow

# The schema is read when the module is collected, so the app is built then; its queue
# is opened on first use. Jobs are recorded and queued but nobody narrates them: the API
# alone is under test.
_ROOT = Path(tempfile.mkdtemp(prefix="narration-fuzz-"))
app = create_app(Settings(out_dir=_ROOT / "out", voice="fake:tone", workers=1, api_keys=[KEY]))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def _isolated() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", resolve_literals_only)
        yield
    if app.state.queue is not None:
        app.state.queue.close()
    shutil.rmtree(_ROOT, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error])
