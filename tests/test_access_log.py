"""The running service's access log names the request, never the client's address nor a
private feed's token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.running import RunningService

pytestmark = pytest.mark.slow

TOKEN = "tok-Zq81fYvLx0Wn"


def test_access_lines_carry_neither_the_client_address_nor_a_token(tmp_path: Path) -> None:
    service = RunningService(tmp_path, {"NARRATION_CHECK": "false"}).start()
    try:
        assert service.http.get(f"/private/{TOKEN}/feed.xml").status_code == 404
        assert service.http.get("/feed.xml?from=newsletter").status_code in (200, 404)
    finally:
        service.close()
    access = [
        json.loads(line)["message"]
        for line in service.log().splitlines()
        if line.startswith("{") and json.loads(line)["logger"] == "uvicorn.access"
    ]
    private = [line for line in access if "/private/" in line]
    assert private == ['- - "GET /private/***/feed.xml HTTP/1.1" 404'], access
    assert any('"GET /feed.xml?from=newsletter HTTP/1.1"' in line for line in access), access
    assert not [line for line in access if "127.0.0.1" in line or TOKEN in line]
    assert TOKEN not in service.log()
