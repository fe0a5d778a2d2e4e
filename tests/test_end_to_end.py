"""The samples narrated with the real espeak-ng voice, checked on the audio itself and read
by real podcast-client parsers."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import numpy as np
import podcastparser
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from tests.feed_rules import feed_problems
from tests.helpers import SAMPLES, decode, ffmpeg_loudness, json_lines, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.espeak, pytest.mark.ffmpeg]

BASE = "https://pod.example.org/daily"
SAMPLE_RATE = 22050
FRAME = 220
FRAME_S = FRAME / SAMPLE_RATE  # about 10 ms


@pytest.fixture(scope="module")
def narrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, object]]]:
    out = tmp_path_factory.mktemp("e2e") / "out"
    sources = [str(p) for p in sorted(SAMPLES.iterdir())]
    proc = run_cli("narrate", *sources, "--out", str(out), "--base-url", BASE, "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    return out, json_lines(proc.stdout)


def _frame_db(x: np.ndarray) -> np.ndarray:
    frames = x[: len(x) // FRAME * FRAME].reshape(-1, FRAME)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def _onset(db: np.ndarray, from_s: float, threshold: float = -40.0) -> float:
    start = max(0, int(from_s / FRAME_S))
    above = np.nonzero(db[start:] > threshold)[0]
    assert above.size, f"no speech after {from_s:.2f} s"
    return (start + int(above[0])) * FRAME_S


def _vtt_cues(text: str) -> list[tuple[float, float, str]]:
    def secs(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    cues = []
    for block in text.split("\n\n")[1:]:
        lines = block.strip().splitlines()
        if len(lines) >= 3:
            a, b = lines[1].split(" --> ")
            cues.append((secs(a), secs(b), " ".join(lines[2:])))
    return cues


def test_every_sample_becomes_an_episode(narrated: tuple[Path, list[dict[str, object]]]) -> None:
    _out, lines = narrated
    assert len(lines) == 3
    titles = {str(line["title"]) for line in lines}
    assert "Harbour Tunnel Opens Two Years Late and £400m Over Budget" in titles
    for line in lines:
        audio = Path(str(line["audio_path"]))
        assert audio.stat().st_size == line["bytes"]
        info = MP3(str(audio)).info
        assert info.channels == 1 and info.bitrate >= 64000
        assert abs(info.length - float(str(line["duration_s"]))) < 0.1


def test_audio_is_speech_of_plausible_length_at_podcast_loudness(
    narrated: tuple[Path, list[dict[str, object]]],
) -> None:
    _out, lines = narrated
    for line in lines:
        audio = Path(str(line["audio_path"]))
        words = len(Path(str(line["transcript_path"])).read_text().split())
        duration = float(str(line["duration_s"]))
        # espeak-ng at 170 words a minute, plus pauses, intro and outro.
        assert words / 170 * 60 * 0.7 < duration < words / 170 * 60 * 2.0 + 15
        x = decode(audio)
        db = _frame_db(x)
        assert np.mean(db > -40) > 0.5, "mostly silent"
        lufs, peak = ffmpeg_loudness(audio)
        assert -17.0 <= lufs <= -15.0, lufs
        assert peak <= -1.0, peak


def test_chapters_and_transcript_match_the_audio(
    narrated: tuple[Path, list[dict[str, object]]],
) -> None:
    _out, lines = narrated
    for line in lines:
        audio = Path(str(line["audio_path"]))
        db = _frame_db(decode(audio))
        chapters = line["chapters"]
        assert isinstance(chapters, list) and len(chapters) >= 3
        tags = ID3(str(audio))
        chap_frames = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
        assert [str(c.sub_frames["TIT2"]) for c in chap_frames] == [c["title"] for c in chapters]
        for chapter, frame in zip(chapters, chap_frames, strict=True):
            assert abs(frame.start_time / 1000 - chapter["start_s"]) < 0.002
        for chapter in chapters[1:]:
            start = chapter["start_s"]
            # A section opens after a pause: silence before, its heading heard at the start.
            assert db[int((start - 0.6) / FRAME_S) : int((start - 0.15) / FRAME_S)].max() < -50
            assert abs(_onset(db, start - 0.5) - start) < 0.1
        cues = _vtt_cues(Path(str(line["transcript_path"])).read_text())
        assert len(cues) > 10
        for begin, end, _text in cues:
            assert end > begin
            assert abs(_onset(db, begin - 0.15) - begin) < 0.25


def test_transcript_has_display_text_and_no_page_chrome(
    narrated: tuple[Path, list[dict[str, object]]],
) -> None:
    _out, lines = narrated
    transcripts = {
        str(line["title"]): "\n".join(
            c[2] for c in _vtt_cues(Path(str(line["transcript_path"])).read_text())
        )
        for line in lines
    }
    harbour = next(v for k, v in transcripts.items() if k.startswith("Harbour"))
    assert "£400m" in harbour
    sheinbaum = next(v for k, v in transcripts.items() if k.startswith("Mexico"))
    for chrome in (
        "Focus on the big picture",
        "Newsletter",
        "Related Articles",
        "0:00",
        "×",
        "Lamine Yamal",
    ):
        assert chrome not in sheinbaum


def test_feed_is_read_by_podcast_clients(narrated: tuple[Path, list[dict[str, object]]]) -> None:
    out, lines = narrated
    raw = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    podcast = podcastparser.parse(f"{BASE}/feed.xml", __import__("io").BytesIO(raw))
    assert len(podcast["episodes"]) == 3
    by_guid = {e["guid"]: e for e in podcast["episodes"]}
    for line in lines:
        episode = by_guid[str(line["guid"])]
        (enclosure,) = episode["enclosures"]
        assert enclosure["url"] == line["audio_url"]
        assert enclosure["file_size"] == line["bytes"]
        assert enclosure["mime_type"] == "audio/mpeg"
        assert abs(episode["total_time"] - float(str(line["duration_s"]))) <= 1
    assert re.search(rb"<itunes:explicit>false</itunes:explicit>", raw)


def test_feed_follows_the_feed_rules(narrated: tuple[Path, list[dict[str, object]]]) -> None:
    out, _lines = narrated
    assert feed_problems((out / "feed.xml").read_bytes(), out, BASE) == []


def test_narrating_again_changes_nothing(narrated: tuple[Path, list[dict[str, object]]]) -> None:
    out, _lines = narrated
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    sources = [str(p) for p in sorted(SAMPLES.iterdir())]
    proc = run_cli("narrate", *sources, "--out", str(out), "--base-url", BASE, "--json")
    assert proc.returncode == 0
    again = json_lines(proc.stdout)
    assert {line["status"] for line in again} == {"unchanged"}
    assert all(line["synthesised_clips"] == 0 for line in again)
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert after == before
