"""``narration follow``: a site's feed narrated into the output directory from the
command line, once or until stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.follow_site import Item, Site, serving
from tests.helpers import ROOT, json_lines

pytestmark = pytest.mark.slow

NARRATE_FIELDS = {
    "id",
    "guid",
    "status",
    "title",
    "author",
    "published",
    "audio_path",
    "audio_url",
    "bytes",
    "duration_s",
    "chapters",
    "transcript_path",
    "chapters_path",
    "peaks_path",
    "feed_path",
    "synthesised_clips",
    "voice",
}


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


def env() -> dict[str, str]:
    return {
        **os.environ,
        "NARRATION_VOICE": "fake:tone",
        "NARRATION_WORKERS": "1",
        "NARRATION_FETCH_ALLOW": "127.0.0.1",
        "NARRATION_FOLLOW_MIN_INTERVAL_S": "0",
        "NARRATION_FOLLOW_TICK_S": "0.2",
    }


def follow(out: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tests.run_with_fake", "follow", *args, "--out", str(out)],
        capture_output=True,
        cwd=ROOT,
        env=env(),
        timeout=300,
    )


def test_follow_once_narrates_what_is_new_then_what_changed(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    story = Item("c1", "Council vote", body="The council voted today. It was close.")
    page = Item("c2", "Bridge opens", body="The bridge opened. Crowds came.", full=False)
    site.rss("/feed.xml", [story, page])
    url = f"{site.base}/feed.xml"
    first = follow(out, url, "--once", "--json")
    assert first.returncode == 0, first.stderr.decode()
    lines = json_lines(first.stdout)
    episodes = [line for line in lines if "source" in line and "guid" in line]
    assert len(episodes) == 2
    for ep in episodes:
        assert set(ep) >= NARRATE_FIELDS and ep["status"] == "created" and ep["source"] == url
        assert Path(str(ep["audio_path"])).stat().st_size == ep["bytes"]
    assert {ep["title"] for ep in episodes} == {"Council vote", "Bridge opens"}
    state = lines[-1]["source"]
    assert isinstance(state, dict)
    assert state["url"] == url and state["last_result"] == "new entries"
    assert (state["entries_seen"], state["queued"], state["failed"]) == (2, 2, 0)
    assert state["next_poll"] and state["last_poll"] and state["last_error"] is None

    again = follow(out, url, "--once", "--json")
    [only] = json_lines(again.stdout)
    assert only["source"]["last_result"] == "not modified"  # type: ignore[index]

    story.body = "The council voted today. It was not close at all."
    site.rss("/feed.xml", [story, page])
    edited = follow(out, url, "--once", "--json")
    lines = json_lines(edited.stdout)
    [updated] = [line for line in lines if "guid" in line]
    old = next(ep for ep in episodes if ep["title"] == "Council vote")
    assert updated["status"] == "updated" and updated["guid"] == old["guid"]
    assert updated["audio_path"] != old["audio_path"]
    feed = (out / "feed.xml").read_text()
    assert feed.count("<item>") == 2


def test_follow_keeps_following_until_stopped(site: Site, tmp_path: Path) -> None:
    site.json_feed("/feed.json", [Item("k1", "First")])
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "tests.run_with_fake", "follow", f"{site.base}/feed.json"),
            *("--json", "--out", str(tmp_path / "out")),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**env(), "NARRATION_FOLLOW_INTERVAL_S": "0.5"},
    )
    try:
        assert proc.stdout is not None
        titles: list[str] = []
        deadline = time.monotonic() + 120
        added = False
        while len(titles) < 2 and time.monotonic() < deadline:
            line = json.loads(proc.stdout.readline() or "{}")
            if "guid" in line:
                titles.append(line["title"])
                if not added:
                    site.json_feed("/feed.json", [Item("k1", "First"), Item("k2", "Second")])
                    added = True
        assert titles == ["First", "Second"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_follow_killed_mid_poll_loses_and_duplicates_nothing(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    items = [
        Item(f"x{n}", f"Story {n}", body=f"Story {n} starts. Story {n} ends.") for n in range(5)
    ]
    site.rss("/feed.xml", items)
    url = f"{site.base}/feed.xml"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.run_with_fake", "follow", url, "--json", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env(),
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        assert first["status"] == "created"
        # Killed with the poll's other entries seen but not yet narrated.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    restarted = follow(out, url, "--once", "--json")
    assert restarted.returncode == 0, restarted.stderr.decode()
    lines = json_lines(restarted.stdout)
    made = [line for line in lines if "guid" in line]
    assert all(line["status"] == "created" for line in made)
    assert first["title"] not in {line["title"] for line in made}
    assert lines[-1]["source"]["entries_seen"] == 5  # type: ignore[index]
    assert lines[-1]["source"]["queued"] == 5  # type: ignore[index]
    titles = sorted([str(first["title"]), *(str(line["title"]) for line in made)])
    assert titles == sorted(i.title for i in items)
    feed = (out / "feed.xml").read_text()
    assert feed.count("<item>") == 5


def test_follow_once_fails_when_no_source_can_be_read(site: Site, tmp_path: Path) -> None:
    site.put("/page", "<!doctype html><html><body>Hello</body></html>", "text/html")
    done = follow(tmp_path / "out", f"{site.base}/page", f"{site.base}/missing", "--once")
    assert done.returncode == 1, done.stdout.decode()
    assert b"no source could be read" in done.stderr
    assert b"looks like an HTML page" in done.stdout


def test_follow_max_new_bounds_a_first_poll_and_an_escaped_out_path_works(
    site: Site, tmp_path: Path
) -> None:
    items = [
        Item(f"n{n}", f"Story {n}", published=f"2026-11-2{n}T10:00:00+00:00") for n in range(3)
    ]
    site.rss("/feed.xml", items)
    out = tmp_path / "a%2Fb?c" / "out"
    done = follow(out, f"{site.base}/feed.xml", "--once", "--json", "--max-new", "1")
    assert done.returncode == 0, done.stderr.decode()
    lines = json_lines(done.stdout)
    assert [line["title"] for line in lines if "guid" in line] == ["Story 2"]
    [state] = [line["source"] for line in lines if "guid" not in line]
    assert state["rules"]["max_new_per_poll"] == 1 and state["skipped"] == 0
    assert (out / "feed.xml").exists() or any(out.iterdir())
