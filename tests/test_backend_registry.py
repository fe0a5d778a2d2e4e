"""The backend registry: built-ins found through the ``narration.backends`` entry-point
group, no code outside ``narration/tts/`` that names a backend, no import circle in
``narration.tts``, and the registry loading no engine."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, PathDistribution, distribution
from pathlib import Path

import grimp
import pytest

from narration.errors import BadInput
from narration.tts import base
from narration.tts.base import BackendPlugin, InstalledVoice, parse_voice, register_backend
from narration.tts.voices import check_voice, listed_voices, voice_for
from tests import fake_backend
from tests.helpers import ROOT

BACKENDS = ("pyttsx3", "piper", "kokoro")
BACKEND_WORD = re.compile(r"\b(pyttsx3|piper|kokoro)\b")
BACKEND_MODULES = re.compile(
    r"^(narration\.tts\.(pyttsx3|piper|piper_files|kokoro|kokoro_files|onnx_voice|\w+_plugin)"
    r"|pyttsx3|piper|kokoro_onnx)(\.|$)"
)
NAMED_ON_PURPOSE = {
    ("narration/config/groups.py", "pyttsx3:en"),
    ("narration/cli/__init__.py", "backend:voice, e.g. pyttsx3:en"),
}
"""Values a user sees, not code that branches on a backend: the default voice setting and
the example in ``--voice``'s help."""


def _declared() -> dict[str, str]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    return dict(project["entry-points"][base.GROUP])


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        for stmt in body if isinstance(body, list) else []:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                found.add(id(stmt.value))
    return found


def test_no_module_outside_tts_names_a_backend() -> None:
    files = [p for d in ("narration", "api") for p in (ROOT / d).rglob("*.py")]
    outside = [p for p in files if not p.is_relative_to(ROOT / "narration" / "tts")]
    naming = []
    for path in [*outside, ROOT / "podcast_feed.py"]:
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                said = id(node) not in docs and BACKEND_WORD.search(node.value)
                if said and (rel, node.value) not in NAMED_ON_PURPOSE:
                    naming.append(f"{rel}:{node.lineno} {node.value!r}")
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            naming += [f"{rel}:{node.lineno} import {n}" for n in names if BACKEND_MODULES.match(n)]
    assert len(outside) > 100
    assert naming == []


def test_pyproject_declares_the_builtins_as_the_registry_knows_them() -> None:
    declared = _declared()
    assert declared == base.BUILTIN_BACKENDS
    assert sorted(declared) == sorted(BACKENDS)


def test_the_installed_metadata_declares_what_pyproject_does() -> None:
    try:
        installed = distribution("narration").entry_points.select(group=base.GROUP)
    except PackageNotFoundError:
        pytest.skip("narration is not installed")
    if not installed.names:
        pytest.skip("the installed metadata predates the declaration: pip install -e . again")
    assert {ep.name: ep.value for ep in installed} == _declared()


def _metadata(tmp_path: Path, declared: dict[str, str]) -> PathDistribution:
    info = tmp_path / "narration-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: narration\nVersion: 0.1.0\n")
    lines = [f"[{base.GROUP}]", *(f"{name} = {value}" for name, value in declared.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return PathDistribution(info)


def test_the_registry_finds_the_builtins_through_the_entry_point_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Metadata as an install of this pyproject.toml writes it, plus one name the built-in
    # table lacks: it is found only by reading the group.
    declared = {**_declared(), "tone": "tests.fake_backend:create"}
    dist = _metadata(tmp_path, declared)
    monkeypatch.setattr(base, "distribution", lambda name: dist)
    found = base.builtin_entry_points()
    assert {name: ep.value for name, ep in found.items()} == declared
    assert all(ep.group == base.GROUP and ep.dist is not None for ep in found.values())
    for name in BACKENDS:
        assert isinstance(base.backend_plugin(name), BackendPlugin)
    assert base.backend_plugin("tone").create("tone", 170).name == "fake"


def test_without_metadata_the_builtins_still_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> PathDistribution:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(base, "distribution", missing)
    assert sorted(base.builtin_entry_points()) == sorted(BACKENDS)
    assert type(base.backend_plugin("piper")).__name__ == "PiperPlugin"


def test_a_registered_plugin_answers_for_its_voices(monkeypatch: pytest.MonkeyPatch) -> None:
    class Chorus(BackendPlugin):
        def create(self, voice: str, rate_wpm: int) -> fake_backend.FakeBackend:
            return fake_backend.FakeBackend(voice, rate_wpm)

        def voices(self) -> list[InstalledVoice]:
            return [InstalledVoice("alto", "de", 22050)]

        def check_voice(self, voice: str) -> None:
            if voice != "alto":
                raise BadInput(f"no chorus voice {voice!r}")

        def voice_language(self, voice: str) -> str | None:
            return "de"

    monkeypatch.setitem(base._registered, "chorus", Chorus())
    assert [v.label for v in listed_voices() if v.label.startswith("chorus:")] == ["chorus:alto"]
    check_voice(parse_voice("chorus:alto", 170))
    with pytest.raises(BadInput, match="no chorus voice 'bass'"):
        check_voice(parse_voice("chorus:bass", 170))
    alto = parse_voice("chorus:alto", 170)
    assert voice_for(alto, "de") == alto
    with pytest.raises(BadInput, match="reads 'de'"):
        voice_for(alto, "fr")


def test_a_bare_factory_gets_the_defaults() -> None:
    plugin = base.as_plugin(fake_backend.create)
    assert plugin.voices() == [] and plugin.info("tone") is None
    assert not plugin.fingerprinted and plugin.min_clip_timeout_s == 0.0
    assert plugin.create("tone", 170).sample_rate == 22050
    with pytest.raises(ValueError, match="without ':'"):
        register_backend("a:b", plugin)


def test_narration_tts_has_no_import_circle() -> None:
    graph = grimp.build_graph("narration", cache_dir=None)
    modules = sorted(m for m in graph.modules if m.startswith("narration.tts."))
    circles = []
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if imported.startswith("narration.tts") and back is not None:
                circles.append((module, *back))
    assert len(modules) >= 10
    assert circles == []


@pytest.mark.slow
def test_finding_the_builtins_loads_no_engine() -> None:
    script = (
        "import sys\n"
        "from narration.tts.base import backend_plugin\n"
        "from narration.tts.voices import voice_for\n"
        "from narration.tts.base import parse_voice\n"
        "for name in ('pyttsx3', 'piper', 'kokoro'):\n"
        "    plugin = backend_plugin(name)\n"
        "assert voice_for(parse_voice('pyttsx3:en', 170), 'fr').voice == 'fr'\n"
        "assert backend_plugin('piper').voice_language('en_US-joe-medium') == 'en'\n"
        "heavy = {'numpy', 'onnxruntime', 'pyttsx3', 'piper', 'kokoro_onnx', 'pebble'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stderr
