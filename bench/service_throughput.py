"""How fast `narration serve` narrates articles POSTed to it, against the tools alone.

Articles: real pages nobody here wrote, from `tests/realpages/` (the English part of
trafilatura's evaluation set). Every page is prepared; of those whose prepared text has 300
to 2,000 words, 8 are taken evenly spread over their word counts (the shortest and the
longest included), and the longest of them is also narrated alone.

Floor: for each article, `espeak-ng -w` on the text the service reads, then an ffmpeg MP3
encode at the episode's bitrate and sample rate; for the batch, two articles at a time.

Targets: the 8 articles POSTed at once are all done within the floor's time for them two at
a time (ratio at most 1.0); the longest alone, from POST to done, within 0.5 times its
serial floor.

    .venv/bin/python bench/service_throughput.py [--articles 8]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "realpages"
NARRATION = str(ROOT / ".venv" / "bin" / "narration")
KEY = "bench-key"


def prepared(html: Path, tmp: Path) -> tuple[int, str, str]:
    """Words, language and spoken text of a page as the preparer reads it (0 words when
    refused)."""
    proc = subprocess.run(
        [NARRATION, "prepare", str(html), "--json"], capture_output=True, text=True
    )
    if proc.returncode != 0:
        return 0, "", ""
    doc = json.loads(proc.stdout)
    lines = [doc["title_spoken"]]
    for sec in doc["sections"]:
        lines.append(sec["heading_spoken"])
        lines += [s["spoken"] for s in sec["sentences"]]
    return int(doc["word_count"]), str(doc["language"]), "\n".join(lines) + "\n"


def choose(count: int, tmp: Path) -> list[tuple[Path, int, str, str]]:
    pages = []
    for gz in sorted((PAGES / "html").glob("*.gz")):
        page = tmp / gz.name.removesuffix(".gz")
        page.write_bytes(gzip.decompress(gz.read_bytes()))
        pages.append(page)
    with ThreadPoolExecutor(max_workers=2) as pool:
        read = list(pool.map(lambda page: prepared(page, tmp), pages))
    eligible = sorted(
        ((page, *doc) for page, doc in zip(pages, read, strict=True) if 300 <= doc[0] <= 2000),
        key=lambda c: (c[1], c[0].name),
    )
    if len(eligible) <= count:
        return eligible
    step = (len(eligible) - 1) / max(count - 1, 1)
    return [eligible[round(i * step)] for i in range(count)]


def floor_one(language: str, spoken: str, tmp: Path, name: str) -> float:
    text, wav, mp3 = tmp / f"{name}.txt", tmp / f"{name}.wav", tmp / f"{name}.mp3"
    text.write_text(spoken, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(["espeak-ng", "-v", language, "-s", "170", "-w", str(wav), "-f", str(text)],
                   check=True)  # fmt: skip
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "libmp3lame",
                    "-b:a", "64k", "-ar", "22050", "-ac", "1", str(mp3)], check=True)  # fmt: skip
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(out: Path, port: int, *, check: bool = False) -> subprocess.Popen[bytes]:
    # The listening check (on by default where its extra is installed) runs behind every
    # narration: narration alone is measured here unless ``check``.
    env = {
        **os.environ,
        "NARRATION_API_KEYS": f'["{KEY}"]',
        "NARRATION_CHECK": "true" if check else "false",
    }
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [NARRATION, "serve", "--out", str(out), "--port", str(port), "--base-url", base],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("narration serve did not start")


WARM_UP = {
    "en": "The council met on Tuesday. It approved the new crossing by the school.",
    "de": "Der Rat tagte am Dienstag. Er beschloss den neuen Übergang an der Schule.",
}


def warm_up(base: str, languages: set[str]) -> None:
    """Narrate a short text in each language first: the service is measured warm (its
    synthesis, preparing and language-detection processes started), as a running service
    is when articles arrive."""
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        for language in sorted(languages):
            body = {"text": WARM_UP[language], "title": f"Warm-up {language}", "language": language}
            r = http.post("/v1/articles", json=body)
            r.raise_for_status()
            link = r.json()["links"]["self"]
            while http.get(link).json()["status"] not in ("done", "failed"):
                time.sleep(0.05)


def run_batch(base: str, pages: list[Path]) -> tuple[float, float]:
    """Seconds from the first POST until every job is done; seconds of audio made."""
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        start = time.perf_counter()
        ids = []
        for page in pages:
            r = http.post("/v1/articles", json={"html": page.read_text(errors="replace")})
            r.raise_for_status()
            ids.append(r.json()["id"])
        # One listing ten times a second, as a client would poll: polling each job every
        # few milliseconds would take CPU from the narration being measured.
        audio = 0.0
        pending = set(ids)
        while pending:
            time.sleep(0.1)
            for doc in http.get("/v1/episodes", params={"limit": 100}).json()["items"]:
                if doc["id"] not in pending:
                    continue
                if doc["status"] == "failed":
                    raise SystemExit(f"a job failed: {doc.get('error')}")
                if doc["status"] == "done":
                    pending.discard(doc["id"])
                    audio += float(doc["duration_s"])
        return time.perf_counter() - start, audio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="service-throughput-") as name:
        tmp = Path(name)
        chosen = choose(args.articles, tmp)
        words = [c[1] for c in chosen]
        print(f"articles: {len(chosen)} real pages, {sum(words)} words ({min(words)}-{max(words)})")
        for page, w, language, _ in chosen:
            print(f"  {page.name} ({w} words, {language})")
        with ThreadPoolExecutor(max_workers=2) as pool:
            t0 = time.perf_counter()
            serial = list(pool.map(lambda c: floor_one(c[2], c[3], tmp, c[0].stem), chosen))
            floor_two = time.perf_counter() - t0
        longest = max(range(len(chosen)), key=lambda i: words[i])
        floor_long = floor_one(chosen[longest][2], chosen[longest][3], tmp, "longest")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = serve(tmp / "out", port)
        languages = {c[2] for c in chosen}
        try:
            warm_up(base, languages)
            batch_s, audio_s = run_batch(base, [c[0] for c in chosen])
        finally:
            proc.terminate()
            proc.wait(30)
        # The longest alone, in a fresh output directory (nothing cached), service warm.
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = serve(tmp / "out-alone", port)
        try:
            warm_up(base, languages)
            alone_s, _ = run_batch(base, [chosen[longest][0]])
        finally:
            proc.terminate()
            proc.wait(30)
    print(f"floor, each article serially (s): {sum(serial):.2f}")
    print(f"floor, two articles at a time (s): {floor_two:.2f}")
    print(f"service, {len(chosen)} POSTed at once, all done (s): {batch_s:.2f} "
          f"for {audio_s:.0f} s of audio")  # fmt: skip
    print(f"  ratio service / floor two at a time: {batch_s / floor_two:.2f} (target <= 1.0)")
    print(f"longest ({words[longest]} words) alone: floor {floor_long:.2f} s, "
          f"service POST to done {alone_s:.2f} s, ratio {alone_s / floor_long:.2f} "
          "(target <= 0.5)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
