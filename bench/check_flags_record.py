"""Record the episodes the flag measurement (bench/check_flags.py) is made on: real article
text read by the espeak-ng voice and the Piper voice, heard back by the recogniser, with
every word heard and every sentence's times kept, so that the comparison can be run again
on them offline.

The articles are the opening paragraphs of real news pages in tests/realpages (extracted
with trafilatura) and the explainer in the shared corpus. Each episode is written to
``--data`` (a JSON list) with its sentences ("text", "start_s", "end_s"), the words heard
("text", "start_s", "end_s") and, per sentence, what the comparison of the checkout in use
gives it ("heard", "score", "flagged"); marks ("misread", "note") already in the file are
kept for sentences whose text and heard words are unchanged.

    .venv/bin/python bench/check_flags_record.py [--voices pyttsx3:en piper:en_US-joe-medium]
        [--data bench/check_flags_marked.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from narration.check.compare import compare  # noqa: E402
from narration.check.listen import hear  # noqa: E402
from narration.check.run import read_cues, window_cuts  # noqa: E402
from narration.config import Settings  # noqa: E402

DATA = ROOT / "bench" / "check_flags_marked.json"
PAGES = ROOT / "tests" / "realpages" / "html"
CORPUS = Path("/work/shared/corpus")

ARTICLES: tuple[tuple[str, str, int], ...] = (
    ("bbc.com.52241221", "New York ramps up mass burials", 1500),
    ("nytimes.com.blackouts", "Rolling blackouts in California", 1500),
    ("telegraph.co.uk.plumber", "Plumber jailed after a boiler killed a woman", 1500),
    ("independent.co.uk.penalty", "New coronavirus offences", 1400),
    ("kxan.com-Voters", "Voters pass an increase for retired teachers", 1400),
)
"""(page in tests/realpages/html, title, characters of its text to read, whole paragraphs)."""


def page_text(name: str, limit: int) -> str:
    import trafilatura

    html = gzip.decompress((PAGES / f"{name}.html.gz").read_bytes()).decode("utf-8", "replace")
    text = trafilatura.extract(html) or ""
    kept: list[str] = []
    for paragraph in text.splitlines():
        if sum(len(p) for p in kept) > limit:
            break
        if paragraph.strip():
            kept.append(paragraph.strip())
    return "\n\n".join(kept)


def sources() -> list[tuple[str, str]]:
    found = [
        (name, f'---\ntitle: "{title}"\nlanguage: en\n---\n\n{page_text(name, limit)}\n')
        for name, title, limit in ARTICLES
    ]
    explainer = CORPUS / "energy-bills-explainer.md"
    if explainer.exists():
        found.append(("energy-bills-explainer", explainer.read_text(encoding="utf-8")))
    return found


def narrate(text: str, voice: str, tmp: Path, name: str) -> dict[str, object]:
    source = tmp / f"{name}.md"
    source.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", "narrate", str(source), "--out",
         str(tmp / "out"), "--voice", voice, "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True, env=os.environ,
    )  # fmt: skip
    return dict(json.loads(done.stdout.splitlines()[-1]))


def record(voice: str, name: str, text: str, tmp: Path, settings: Settings) -> dict[str, object]:
    episode = narrate(text, voice, tmp, f"{name}-{voice.replace(':', '-')}")
    cues = read_cues(Path(str(episode["transcript_path"])))
    words, _ = hear(Path(str(episode["audio_path"])), "en", settings, window_cuts(cues))
    found = compare(cues, words, "en", settings.check.flag_below)
    by_text = {s.text: s for s in found.sentences}
    return {
        "voice": voice,
        "article": name,
        "sentences": [
            {
                "text": c.text,
                "start_s": c.start_s,
                "end_s": c.end_s,
                "heard": by_text[c.text].heard if c.text in by_text else "",
            }
            for c in cues
        ],
        "words": [{"text": w.text, "start_s": w.start_s, "end_s": w.end_s} for w in words],
    }


def keep_marks(episodes: list[dict[str, object]], path: Path) -> None:
    """Carry marks over from an earlier recording where the sentence was heard alike."""
    if not path.exists():
        return
    marks = {}
    for old in json.loads(path.read_text(encoding="utf-8")):
        for s in old["sentences"]:
            if "misread" in s:
                marks[(old["voice"], s["text"], s["heard"])] = s
    for episode in episodes:
        for s in episode["sentences"]:  # type: ignore[attr-defined]
            old = marks.get((episode["voice"], s["text"], s["heard"]))
            if old:
                s["misread"], s["note"] = old["misread"], old.get("note", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", nargs="+", default=["pyttsx3:en", "piper:en_US-joe-medium"])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    settings = Settings()
    episodes = []
    with tempfile.TemporaryDirectory() as tmp:
        for voice in args.voices:
            for name, text in sources():
                episodes.append(record(voice, name, text, Path(tmp), settings))
                print(voice, name, len(episodes[-1]["sentences"]), "sentences", flush=True)
    keep_marks(episodes, args.data)
    args.data.write_text(json.dumps(episodes, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print("written", args.data)


if __name__ == "__main__":
    main()
