"""What the command imports before it does its work: only what that work uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# Runs the command and prints the top-level packages it imported.
_RUN = """
import json, sys
sys.argv = ["narration", *sys.argv[1:]]
from narration.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def imported(*args: str, cwd: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, check=True, cwd=cwd
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_help_imports_no_library(tmp_path: Path) -> None:
    loaded = imported("--help", cwd=tmp_path)
    assert not loaded & {"pydantic", "pydantic_settings", "sqlalchemy", "numpy", "PIL"}


def test_preparing_a_text_file_imports_no_storage_audio_image_or_http_library(
    tmp_path: Path,
) -> None:
    source = tmp_path / "one.txt"
    source.write_text("The council agreed on Tuesday to keep the library open.\n")
    loaded = imported("prepare", str(source), cwd=tmp_path)
    unused = {"sqlalchemy", "alembic", "PIL", "numpy", "httpx", "trafilatura", "pebble", "lxml"}
    assert not loaded & unused


def test_podcast_feed_loads_feedgen_and_lxml_only_to_build_a_feed(tmp_path: Path) -> None:
    # The feed's digest check uses podcast_feed's data classes without building a feed.
    check = (
        "import json, sys, podcast_feed\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, cwd=root
    )
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "podcast_feed" in loaded
    assert not loaded & {"feedgen", "lxml", "dateutil"}
