"""What makes a note about an unchanged file stale: any setting, a file a setting names,
the episode changed in the catalog, or one of its files gone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from narration.config import Settings
from narration.publish.unchanged import fingerprint, recall
from tests.helpers import json_lines, run_cli

pytestmark = pytest.mark.slow

ARTICLE = (
    "---\ntitle: Harbour Lights Return\nauthor: Jo Park\ndate: 2025-03-02\n---\n\n"
    "The harbour lights were switched on again last night after repairs.\n"
)


@pytest.fixture
def noted(tmp_path: Path) -> tuple[Path, Settings, dict[str, object]]:
    src, out = tmp_path / "lights.md", tmp_path / "out"
    src.write_text(ARTICLE, encoding="utf-8")
    proc = run_cli("narrate", str(src), "--out", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    (line,) = json_lines(proc.stdout)
    settings = Settings(out_dir=out)
    recalled = [{**line, "status": "unchanged", "synthesised_clips": 0}]
    assert recall([str(src)], settings) == recalled
    return src, settings, line


def test_any_setting_or_named_file_changes_the_fingerprint(
    noted: tuple[Path, Settings, dict[str, object]], tmp_path: Path
) -> None:
    src, settings, _line = noted
    base = fingerprint(str(src), settings)
    assert base is not None
    assert fingerprint(str(src), settings.replaced(show_title="Other")) != base
    assert recall([str(src)], settings.replaced(bitrate_kbps=96)) is None
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[words]\nharbour = "harbor"\n', encoding="utf-8")
    with_lexicon = settings.replaced(lexicon_path=lexicon)
    first = fingerprint(str(src), with_lexicon)
    lexicon.write_text('[words]\nharbour = "harbour"\n', encoding="utf-8")
    assert fingerprint(str(src), with_lexicon) != first
    # Not a local file: never noted.
    assert fingerprint("https://example.org/story", settings) is None
    assert fingerprint("-", settings) is None


def test_an_episode_changed_in_the_catalog_or_a_missing_file_is_not_recalled(
    noted: tuple[Path, Settings, dict[str, object]],
) -> None:
    src, settings, line = noted
    audio = Path(str(line["audio_path"]))
    kept = audio.read_bytes()
    audio.unlink()
    assert recall([str(src)], settings) is None
    audio.write_bytes(kept)
    assert recall([str(src)], settings) is not None
    with sqlite3.connect(settings.state_dir / "catalog.sqlite") as db:
        db.execute("UPDATE episodes SET updated_at = '2030-01-01 00:00:00' WHERE id = ?",
                   (line["id"],))  # fmt: skip
    assert recall([str(src)], settings) is None
    with sqlite3.connect(settings.state_dir / "catalog.sqlite") as db:
        db.execute("DELETE FROM episodes WHERE id = ?", (line["id"],))
    assert recall([str(src)], settings) is None
