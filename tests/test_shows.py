"""Shows: their own settings and their own feed, the default show at /feed.xml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from api.main import create_app
from narration.config import Settings
from narration.errors import BadInput
from narration.publish.shows import settings_for
from tests.helpers import ROOT

pytestmark = pytest.mark.slow

SHOWS = """
[shows.business]
title = "London Daily: Business"
description = "Business news, read aloud."
author = "London Daily"
category = "Business"
house_style = "us"
"""

ARTICLE = """---
title: Rates Hold
author: Ana Silva
---

The bank held rates at 4%. Markets rose.
"""


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tests.run_with_fake", *args],
        capture_output=True, cwd=ROOT, env={**os.environ, **env}, timeout=300,
    )  # fmt: skip


def test_show_settings_lay_over_the_base(tmp_path: Path) -> None:
    shows = tmp_path / "shows.toml"
    shows.write_text(SHOWS)
    base = Settings(out_dir=tmp_path / "out", shows_path=shows)
    business = settings_for(base, "business")
    assert business.show.title == "London Daily: Business"
    assert business.show.house_style == "us" and base.show.house_style == "uk"
    assert business.feed_url.endswith("/shows/business/feed.xml")
    assert settings_for(base, "default").feed_url.endswith("/feed.xml")
    with pytest.raises(BadInput, match="unknown show 'sport'"):
        settings_for(base, "sport")
    shows.write_text("[shows.business]\ntitle = 'X'\ncolour = 'red'\n")
    with pytest.raises(BadInput, match="show 'business': colour"):
        settings_for(base, "business")


def test_each_show_has_its_own_feed_and_cover(tmp_path: Path) -> None:
    shows = tmp_path / "shows.toml"
    shows.write_text(SHOWS)
    src = tmp_path / "rates.md"
    src.write_text(ARTICLE)
    out = tmp_path / "out"
    env = {"NARRATION_SHOWS_PATH": str(shows), "NARRATION_VOICE": "fake:tone"}
    proc = _cli("narrate", str(src), "--out", str(out), "--show", "business", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    episode = json.loads(proc.stdout)
    assert episode["feed_path"] == str(out / "shows" / "business" / "feed.xml")
    feed = etree.fromstring((out / "shows" / "business" / "feed.xml").read_bytes())
    assert feed.findtext("channel/title") == "London Daily: Business"
    assert feed.findtext("channel/item/guid") == episode["guid"]
    assert (out / "shows" / "business" / "cover.png").is_file()
    # Nothing went into the default show.
    assert not (out / "feed.xml").exists()
    client = TestClient(create_app(Settings(out_dir=out)))
    served = client.get("/shows/business/feed.xml")
    assert served.status_code == 200 and b"London Daily: Business" in served.content
    assert client.head("/shows/business/cover.png").status_code == 200
    assert client.get("/shows/nope/feed.xml").status_code == 404
    unknown = _cli("narrate", str(src), "--out", str(out), "--show", "sport", env=env)
    assert unknown.returncode == 2 and b"unknown show 'sport'" in unknown.stderr
