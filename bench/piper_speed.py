"""How fast the Piper voice reads a ~2,000-word article, and how much memory a worker needs.

Figures printed (none asserted):
  (a) one process, onnxruntime with 2 intra-op threads, every sentence in turn;
  (b) two processes, 1 thread each, sharing the sentences from one queue;
  (c) the product's own SynthesisPool (2 workers, 1 thread each), which also trims,
      levels and writes every clip.
Real-time factor = synthesis wall time / seconds of audio (lower is faster). Model loading
is timed separately and left out of the factor. Peak RSS is each process's ru_maxrss.
The voice's natural rate (words a minute at length_scale 1.0) is estimated from (a).

    .venv/bin/python bench/piper_speed.py [--words 2000] [--voice en_US-joe-medium]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from article_gen import make_article

from narration.audio.levels import LevelTarget, trim_silence
from narration.config import Settings
from narration.prepare.load import load_article
from narration.tts.base import VoiceSpec
from narration.tts.piper import NATURAL_WPM, PiperBackend
from narration.tts.pool import ClipJob, SynthesisPool

RATE_WPM = 170


def spoken_sentences(words: int, workdir: Path) -> list[str]:
    """The headings and sentences the product reads for a generated article."""
    source = workdir / "article.md"
    source.write_text(make_article(words).markdown(), encoding="utf-8")
    article = load_article(str(source), Settings(out_dir=workdir / "out"))
    lines = [article.title.spoken]
    for sec in article.sections:
        if not sec.heading_is_title:
            lines.append(sec.heading.spoken)
        lines += [s.spoken for para in sec.paragraphs for s in para]
    return lines


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def single_process(voice: str, sentences: list[str], threads: int, out: Any) -> None:
    start = time.perf_counter()
    backend = PiperBackend(voice, RATE_WPM, threads=threads)
    backend.synthesize("Warming up.")
    load_s = time.perf_counter() - start
    samples = trimmed = 0
    start = time.perf_counter()
    for text in sentences:
        pcm = backend.synthesize(text)
        samples += len(pcm) // 2
        trimmed += len(trim_silence(pcm, backend.sample_rate)) // 2
    synth_s = time.perf_counter() - start
    out.put(
        {
            "load_s": load_s,
            "synth_s": synth_s,
            "audio_s": samples / backend.sample_rate,
            "trimmed_s": trimmed / backend.sample_rate,
            "length_scale": backend.length_scale,
            "rss_mib": peak_rss_mib(),
        }
    )


def queue_worker(voice: str, jobs: Any, ready: Any, out: Any) -> None:
    start = time.perf_counter()
    backend = PiperBackend(voice, RATE_WPM, threads=1)
    backend.synthesize("Warming up.")
    load_s = time.perf_counter() - start
    ready.wait()
    samples = 0
    clips = 0
    while True:
        text = jobs.get()
        if text is None:
            break
        samples += len(backend.synthesize(text)) // 2
        clips += 1
    out.put(
        {
            "load_s": load_s,
            "done_at": time.perf_counter(),
            "audio_s": samples / backend.sample_rate,
            "clips": clips,
            "rss_mib": peak_rss_mib(),
        }
    )


def run_single(ctx: Any, voice: str, sentences: list[str], threads: int) -> dict[str, float]:
    out = ctx.Queue()
    proc = ctx.Process(target=single_process, args=(voice, sentences, threads, out))
    proc.start()
    result: dict[str, float] = out.get()
    proc.join()
    return result


def run_two(ctx: Any, voice: str, sentences: list[str]) -> tuple[float, list[dict[str, float]]]:
    jobs = ctx.Queue()
    for text in [*sentences, None, None]:  # one None per worker ends it
        jobs.put(text)
    ready = ctx.Barrier(3)
    out = ctx.Queue()
    procs = [ctx.Process(target=queue_worker, args=(voice, jobs, ready, out)) for _ in range(2)]
    for p in procs:
        p.start()
    ready.wait()
    start = time.perf_counter()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    wall = max(r["done_at"] for r in results) - start
    return wall, results


def descendants_peak_rss_mib() -> dict[int, float]:
    """VmHWM (peak RSS) of every descendant of this process, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    peaks = {}
    for pid in found:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[pid] = int(line.split()[1]) / 1024
    return peaks


def run_pool(voice: str, sentences: list[str], workdir: Path) -> tuple[float, float, list[float]]:
    target = LevelTarget(-16.0, -1.0)
    spec = VoiceSpec("piper", voice, RATE_WPM)
    with SynthesisPool(spec, workers=2, timeout_s=120) as pool:
        # Warm both workers (model load) before timing.
        warm = [pool.submit(ClipJob(f"Warm {i}.", workdir / f"w{i}.wav", target)) for i in (1, 2)]
        for w in warm:
            w.result()
        start = time.perf_counter()
        pending = [
            pool.submit(ClipJob(text, workdir / "clips" / f"{i}.wav", target))
            for i, text in enumerate(sentences)
        ]
        audio_s = sum(p.result().samples for p in pending) / 22050
        wall = time.perf_counter() - start
        # The two largest descendants are the workers (the forkserver holds no model).
        peaks = sorted(descendants_peak_rss_mib().values(), reverse=True)[:2]
        return wall, audio_s, peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--voice", default="en_US-joe-medium")
    args = parser.parse_args()
    ctx = mp.get_context("forkserver")

    with tempfile.TemporaryDirectory(prefix="piper-speed-") as tmp:
        workdir = Path(tmp)
        sentences = spoken_sentences(args.words, workdir)
        words = sum(len(s.split()) for s in sentences)
        print(f"text: {words} spoken words in {len(sentences)} clips, rate {RATE_WPM} wpm")

        hash_start = time.perf_counter()
        backend = PiperBackend(args.voice, RATE_WPM)
        print(f"backend without model (hash + config): {time.perf_counter() - hash_start:.3f} s")
        print(f"version: {backend.version}; length_scale {backend.length_scale:.3f}")

        a = run_single(ctx, args.voice, sentences, threads=2)
        print(
            f"(a) 1 process x 2 threads: load {a['load_s']:.2f} s, synth {a['synth_s']:.1f} s "
            f"for {a['audio_s']:.1f} s audio -> RTF {a['synth_s'] / a['audio_s']:.3f}; "
            f"peak RSS {a['rss_mib']:.0f} MiB"
        )
        raw_wpm = words / (a["audio_s"] / 60)
        trimmed_wpm = words / (a["trimmed_s"] / 60)
        print(
            f"    rate read at length_scale {a['length_scale']:.3f}: {raw_wpm:.0f} wpm "
            f"({trimmed_wpm:.0f} wpm with clip padding trimmed); natural rate estimate "
            f"{raw_wpm * a['length_scale']:.0f} wpm (module uses {NATURAL_WPM:.0f})"
        )

        one = run_single(ctx, args.voice, sentences, threads=1)
        print(
            f"    1 process x 1 thread (reference): synth {one['synth_s']:.1f} s "
            f"-> RTF {one['synth_s'] / one['audio_s']:.3f}; peak RSS {one['rss_mib']:.0f} MiB"
        )

        wall, results = run_two(ctx, args.voice, sentences)
        audio = sum(r["audio_s"] for r in results)
        rss = ", ".join(f"{r['rss_mib']:.0f}" for r in results)
        clips = "/".join(str(int(r["clips"])) for r in results)
        loads = ", ".join(f"{r['load_s']:.2f}" for r in results)
        print(
            f"(b) 2 processes x 1 thread: load {loads} s, synth {wall:.1f} s wall for "
            f"{audio:.1f} s audio (clips {clips}) -> RTF {wall / audio:.3f}; "
            f"peak RSS per worker {rss} MiB"
        )

        pool_wall, pool_audio, pool_rss = run_pool(args.voice, sentences, workdir)
        print(
            f"(c) SynthesisPool, 2 workers (synth + trim + level + write): {pool_wall:.1f} s "
            f"for {pool_audio:.1f} s audio -> RTF {pool_wall / pool_audio:.3f}; "
            f"peak RSS per worker {', '.join(f'{r:.0f}' for r in pool_rss)} MiB"
        )


if __name__ == "__main__":
    main()
