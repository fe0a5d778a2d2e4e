"""Peak memory of `narration narrate` for a ~10,000-word article, process by process.

Targets: the largest process peaks at most at 150 MB, and the whole tree's PSS stays
under 200 MB; both flat in the article's length (run with --words 2000 and 10000). The
RSS of the main process and of every descendant (forkserver, resource tracker, synthesis
workers) is read from /proc every 50 ms; PSS is read too, because forked workers share
pages that an RSS sum counts twice.

    .venv/bin/python bench/narrate_memory.py [--words 10000] [--interval 0.05]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from article_gen import make_article

ROOT = Path(__file__).resolve().parent.parent
NARRATION = str(ROOT / ".venv" / "bin" / "narration")
PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return fh.read().decode(errors="replace")
    except OSError:  # the process has gone
        return None


def descendants(root: int) -> dict[int, int]:
    """pid -> parent pid for ``root`` and everything below it."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        stat = _read(f"/proc/{name}/stat") if name.isdigit() else None
        if stat:
            parents[int(name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree = {root: 0}
    grew = True
    while grew:
        found = {p: pp for p, pp in parents.items() if pp in tree and p not in tree}
        tree.update(found)
        grew = bool(found)
    return tree


def rss(pid: int) -> int:
    statm = _read(f"/proc/{pid}/statm")
    return int(statm.split()[1]) * PAGE if statm else 0


def pss(pid: int) -> int:
    rollup = _read(f"/proc/{pid}/smaps_rollup") or ""
    line = next((x for x in rollup.splitlines() if x.startswith("Pss:")), "Pss: 0 kB")
    return int(line.split()[1]) * 1024


def role(pid: int, parent: int, roles: dict[int, str]) -> str:
    if parent == 0:
        return "main"
    if roles.get(parent) == "forkserver":
        return "worker"
    cmdline = _read(f"/proc/{pid}/cmdline") or ""
    for helper in ("forkserver", "resource_tracker"):
        if helper in cmdline:
            return helper
    return "other"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10000)
    parser.add_argument("--interval", type=float, default=0.05)
    args = parser.parse_args()

    article = make_article(args.words)
    peak: dict[int, int] = {}
    roles: dict[int, str] = {}
    peak_sum = peak_pss = samples = 0
    with tempfile.TemporaryDirectory(prefix="narrate-memory-") as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "article.md"
        source.write_text(article.markdown(), encoding="utf-8")
        cmd = [NARRATION, "narrate", str(source), "--out", str(tmp / "out"), "--json"]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while proc.poll() is None:
            tick = time.perf_counter()
            total = total_pss = 0
            for pid, parent in descendants(proc.pid).items():
                roles.setdefault(pid, role(pid, parent, roles))
                size = rss(pid)
                peak[pid] = max(peak.get(pid, 0), size)
                total += size
                total_pss += pss(pid)
            peak_sum, peak_pss = max(peak_sum, total), max(peak_pss, total_pss)
            samples += 1
            time.sleep(max(0.0, args.interval - (time.perf_counter() - tick)))
        wall = time.perf_counter() - start
        children_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        print(f"narration narrate failed ({proc.returncode}): {stderr.decode()}", file=sys.stderr)
        return 1
    result = json.loads(stdout.decode().strip().splitlines()[-1])

    def largest(kind: str) -> str:
        sizes = [peak[p] for p, r in roles.items() if r == kind]
        return f"{max(sizes) / MIB:.1f}  ({len(sizes)} seen)" if sizes else "-"

    table = [
        ("words (written)", str(article.words())),
        ("clips synthesised", str(result["synthesised_clips"])),
        ("episode audio (s)", f"{result['duration_s']:.1f}"),
        ("wall time (s)", f"{wall:.2f}"),
        (f"samples (every {args.interval * 1000:g} ms)", str(samples)),
        ("peak RSS, main process (MiB)", largest("main").split()[0] + "  (target: <= 150 MB)"),
        ("peak RSS, largest worker (MiB)", largest("worker")),
        ("peak RSS, forkserver (MiB)", largest("forkserver")),
        ("peak RSS, resource tracker (MiB)", largest("resource_tracker")),
        ("peak RSS, other (MiB)", largest("other")),
        ("peak RSS summed over the tree (MiB)", f"{peak_sum / MIB:.1f}"),
        ("peak PSS summed over the tree (MiB)", f"{peak_pss / MIB:.1f}  (target: < 200 MB)"),
        (
            "getrusage(RUSAGE_CHILDREN) max RSS (MiB)",
            f"{children_max / MIB:.1f}  (workers are not our children)",
        ),
    ]
    print(f"narrate_memory: {args.words}-word target, one run")
    width = max(len(k) for k, _ in table)
    for key, value in table:
        print(f"  {key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
