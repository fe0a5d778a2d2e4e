"""The command line: JSON contract, exit codes, bad input refused with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import json_lines, run_cli

pytestmark = pytest.mark.slow

GOOD = (
    "---\ntitle: A Short Note\nauthor: Sam Lee\ndate: 2025-01-05\n---\n\n"
    "The bridge reopened today. Traffic is light.\n"
)


def _files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.md", None, "no such file"),
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"   \n\n  ", "only whitespace"),
        ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, "binary"),
        ("story.pdf", b"%PDF-1.4 ...", "unsupported file type"),
        ("huge.txt", b"word " * 450_000, "larger than"),
        (
            "chrome.html",
            b"<html><body><nav>Home | News</nav><footer>(c) 2025</footer></body></html>",
            "no article text",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    src = tmp_path / name
    if content is not None:
        src.write_bytes(content)
    out = tmp_path / "out"
    proc = run_cli("narrate", str(src), "--out", str(out), "--voice", "fake:tone", with_fake=True)
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert _files(out) == []


def test_one_bad_source_among_good_ones_writes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    out = tmp_path / "out"
    proc = run_cli(
        "narrate",
        str(good),
        str(tmp_path / "missing.md"),
        "--out",
        str(out),
        "--voice",
        "fake:tone",
        with_fake=True,
    )
    assert proc.returncode == 2
    assert _files(out) == []


def test_unknown_voice_exits_2(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    proc = run_cli("narrate", str(good), "--out", str(tmp_path / "out"), "--voice", "nope:x")
    assert proc.returncode == 2
    assert "unknown TTS backend 'nope'" in proc.stderr.decode()


def test_narrate_json_from_stdin(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli(
        "narrate",
        "-",
        "--out",
        str(out),
        "--voice",
        "fake:tone",
        "--json",
        "--base-url",
        "https://pod.example.com/news",
        stdin=GOOD.encode(),
        with_fake=True,
    )
    assert proc.returncode == 0, proc.stderr
    (line,) = json_lines(proc.stdout)
    for key in (
        "id",
        "guid",
        "title",
        "audio_path",
        "audio_url",
        "bytes",
        "duration_s",
        "chapters",
        "transcript_path",
        "chapters_path",
        "feed_path",
    ):
        assert key in line
    assert line["title"] == "A Short Note"
    assert str(line["audio_url"]).startswith("https://pod.example.com/news/episodes/")
    assert Path(str(line["audio_path"])).stat().st_size == line["bytes"]
    assert proc.stderr == b""  # quiet when stderr is not a terminal


def test_prepare_json_shows_display_and_spoken(tmp_path: Path) -> None:
    src = tmp_path / "note.md"
    src.write_text(GOOD.replace("Traffic is light.", "It cost £2.3bn, Dr. Okafor said."))
    proc = run_cli("prepare", str(src), "--json")
    assert proc.returncode == 0, proc.stderr
    import json

    doc = json.loads(proc.stdout)
    assert doc["title"] == "A Short Note" and doc["author"] == "Sam Lee"
    assert doc["published"] == "2025-01-05"
    sentences = [s for sec in doc["sections"] for s in sec["sentences"]]
    last = sentences[-1]
    assert last["display"] == "It cost £2.3bn, Dr. Okafor said."
    assert "two point three billion pounds" in last["spoken"] and "Doctor" in last["spoken"]


def _snapshot(out: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_an_unchanged_file_is_answered_from_its_note_and_an_edit_is_narrated(
    tmp_path: Path,
) -> None:
    src, out = tmp_path / "note.md", tmp_path / "out"
    src.write_text(GOOD, encoding="utf-8")
    first = run_cli("narrate", str(src), "--out", str(out), "--json")
    assert first.returncode == 0, first.stderr
    (made,) = json_lines(first.stdout)
    assert made["status"] == "created" and made["voice"].startswith("pyttsx3:")
    before = _snapshot(out)

    again = run_cli("narrate", str(src), "--out", str(out), "--json")
    assert again.returncode == 0, again.stderr
    (line,) = json_lines(again.stdout)
    assert line == {**made, "status": "unchanged", "synthesised_clips": 0}
    assert _snapshot(out) == before

    # The same words in a file that changed: the full path, which finds them unchanged.
    src.write_text(GOOD + "\n", encoding="utf-8")
    touched = run_cli("narrate", str(src), "--out", str(out), "--json")
    (line,) = json_lines(touched.stdout)
    assert line["status"] == "unchanged" and line["audio_path"] == made["audio_path"]

    src.write_text(GOOD.replace("Traffic is light.", "Traffic is heavy."), encoding="utf-8")
    edited = run_cli("narrate", str(src), "--out", str(out), "--json")
    (line,) = json_lines(edited.stdout)
    assert line["status"] == "updated" and line["synthesised_clips"] >= 1
    assert line["id"] == made["id"] and line["audio_path"] != made["audio_path"]
