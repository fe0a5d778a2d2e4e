"""Voices reachable from outside: the API takes only installed voices (or its allow-list),
never a file path nor a test double, and says nothing of the file system when it refuses
one; libespeak runs only in synthesis worker processes; a backend registered in a
process reaches that process's synthesis workers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from narration.config import Settings
from narration.errors import BadInput
from narration.model import LevelTarget
from narration.tts import base
from narration.tts.base import BackendInfo, parse_voice, register_backend
from narration.tts.pool import ClipJob, SynthesisPool
from narration.tts.voices import check_api_voice, check_voices
from tests import fake_backend
from tests.helpers import ROOT, run_cli
from tests.running import RunningService

pytestmark = pytest.mark.slow

KEY = {"Authorization": "Bearer k"}
BODY = "---\ntitle: Rates Hold\n---\n\nThe bank held rates. Markets rose.\n"


def _espeak_mapped(pid: int | str) -> list[str]:
    """The libespeak files mapped into process ``pid``."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return sorted({line.split()[-1] for line in maps.splitlines() if "espeak" in line})


def _model(tmp_path: Path) -> Path:
    """A file that looks like a Piper model, with its config beside it."""
    model = tmp_path / "secret-voice.onnx"
    model.write_bytes(b"not really a model")
    model.with_name(model.name + ".json").write_text('{"audio": {"sample_rate": 22050}}')
    return model


# --- the registry -------------------------------------------------------------------------


def test_an_unknown_backend_names_only_the_registered_ones(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text(BODY)
    proc = run_cli("narrate", str(source), "--out", str(tmp_path / "out"), "--voice", "fake:tone")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "unknown TTS backend 'fake' (known: kokoro, piper, pyttsx3)" in err, err
    assert not (tmp_path / "out").exists()


def test_the_package_has_no_test_backend() -> None:
    assert "fake" not in base.BUILTIN_BACKENDS
    assert not (ROOT / "narration" / "tts" / "fake.py").exists()


def test_a_registered_backend_reaches_the_workers_of_its_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Registered here only: the workers get the factory from the pool, not the registry.
    monkeypatch.setitem(base._registered, "tone-only-here", fake_backend.create)
    spec = parse_voice("tone-only-here:tone", 170)
    with SynthesisPool(spec, workers=1, timeout_s=10) as pool:
        assert pool.info() == BackendInfo("fake", "1", 22050)
        clip = pool.submit(ClipJob("three short words", tmp_path / "c.wav", LevelTarget()))
        assert clip.result().samples > 0


def test_register_backend_refuses_a_name_with_a_colon() -> None:
    with pytest.raises(ValueError, match="without ':'"):
        register_backend("a:b", fake_backend.create)


@pytest.mark.espeak
def test_a_backend_that_cannot_start_fails_with_its_reason(tmp_path: Path) -> None:
    # The check by name is skipped here: the worker itself refuses the voice, once.
    with SynthesisPool(parse_voice("pyttsx3:klingon-xx", 170), workers=1, timeout_s=10) as pool:
        with pytest.raises(BadInput, match="unknown espeak-ng voice 'klingon-xx'"):
            pool.info()
        with pytest.raises(BadInput, match="klingon-xx"):
            pool.submit(ClipJob("some words", tmp_path / "c.wav", LevelTarget())).result()


# --- what the API accepts -----------------------------------------------------------------


@pytest.mark.espeak
def test_a_path_voice_is_refused_alike_whether_or_not_the_file_exists(tmp_path: Path) -> None:
    settings = Settings(out_dir=tmp_path / "out")
    model = _model(tmp_path)
    messages = []
    for path in (model, tmp_path / "missing.onnx", Path("/etc/hostname")):
        name = f"piper:{path}"
        with pytest.raises(BadInput) as refused:
            check_api_voice(name, settings)
        messages.append(str(refused.value).replace(str(path), "PATH"))
    assert len(set(messages)) == 1, messages
    assert "PATH" in messages[0] and "exist" not in messages[0] and "config" not in messages[0]
    # An allow-list does not make a path acceptable either.
    listed = settings.model_copy(update={"api_voices": [f"piper:{model}"]})
    with pytest.raises(BadInput, match="is not offered here"):
        check_api_voice(f"piper:{model}", listed)
    # From the command line and the settings a path stays a voice (its own tests say how).


@pytest.mark.espeak
def test_the_api_takes_the_voices_narration_voices_lists(tmp_path: Path) -> None:
    show = Settings(out_dir=tmp_path / "out", voice="pyttsx3:en-us")
    check_voices(show, "pyttsx3:en-us")
    check_voices(show, None)
    for refused in ("fake:tone", "pyttsx3:gmw/en", "pyttsx3:klingon", "nope:x", "en"):
        with pytest.raises(BadInput, match="is not offered here"):
            check_voices(show, refused)


def test_an_allow_list_limits_the_api_voices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATION_API_VOICES", "fake:tone, pyttsx3:en")
    settings = Settings(out_dir=tmp_path / "out", voice="fake:tone")
    assert settings.api_voices == ["fake:tone", "pyttsx3:en"]
    check_voices(settings, "fake:tone")
    with pytest.raises(BadInput, match=r"'pyttsx3:fr' is not offered here: choose one of fake"):
        check_voices(settings, "pyttsx3:fr")


# --- libespeak stays in the synthesis workers --------------------------------------------


@pytest.mark.espeak
def test_checking_and_keying_a_voice_leaves_libespeak_out_of_the_process(
    tmp_path: Path,
) -> None:
    # A fresh interpreter: this test process builds pyttsx3 backends in other tests.
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from narration.config import Settings
        from narration.tts.voices import Voices, check_voices, listed_voices

        settings = Settings(out_dir=Path({str(tmp_path / "out")!r}), voice="pyttsx3:en")
        check_voices(settings, "pyttsx3:fr")
        assert any(v.label == "pyttsx3:en" for v in listed_voices())
        voices = Voices(settings)
        voice = voices.for_language("fr")
        identity = voice.identity
        voices.close()
        assert identity[0] == "pyttsx3" and "espeak-ng" in identity[1], identity
        import narration.tts.pyttsx3 as engine
        assert engine._engine is None
        assert "pyttsx3.drivers._espeak" not in sys.modules
        maps = Path("/proc/self/maps").read_text()
        assert "espeak" not in maps, [l for l in maps.splitlines() if "espeak" in l]
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    """``narration serve`` as deployed: the real command, no test backend registered."""
    env = {"NARRATION_VOICE": "pyttsx3:en", "NARRATION_API_KEYS": '["k"]', "NARRATION_WORKERS": "1"}
    running = RunningService(tmp_path_factory.mktemp("voices"), env).start()
    try:
        yield running
    finally:
        running.close()


@pytest.mark.espeak
def test_the_service_refuses_the_test_voice_and_paths(
    service: RunningService, tmp_path: Path
) -> None:
    def refused(voice: str) -> str:
        answer = service.http.post(
            "/v1/articles", json={"markdown": BODY, "voice": voice}, headers=KEY
        )
        assert answer.status_code == 422, answer.text
        message: str = answer.json()["error"]["message"]
        assert voice in message and "fake" not in message.replace(voice, ""), message
        return message.replace(voice, "VOICE")

    assert "[[hang]]" not in refused("fake:tone")
    model = _model(tmp_path)
    paths = [f"piper:{model}", f"piper:{tmp_path / 'missing.onnx'}", "piper:/etc/hostname"]
    assert len({refused(voice) for voice in paths}) == 1


@pytest.mark.espeak
def test_the_service_process_never_loads_libespeak(service: RunningService) -> None:
    for voice in (None, "pyttsx3:en", "pyttsx3:de"):
        body = {"markdown": BODY.replace("Rates", f"Rates {voice}")}
        if voice is not None:
            body["voice"] = voice
        job = service.narrate(body, KEY)
        assert job["status"] == "done"
    assert service.proc is not None
    assert _espeak_mapped(service.proc.pid) == []
