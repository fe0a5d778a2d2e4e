"""How fast the ``narration`` command starts, and what it imports.

Prints, for ``narration --help`` and ``narration prepare`` of a plain-text article, the
import time (``python -X importtime``: the sum of the top-level imports) and the wall
time; for ``narration narrate`` of a one-sentence article, the median wall time of cold
runs (a fresh output directory each time) and of re-runs (the article unchanged, so
nothing is written) and whether a re-run left every file's mtime as it was; and for each
command the top-level packages it imports (standard library left out).

Each run is a new process (cold interpreter, warm disk cache), like a user's command.
The clip cache lives in the output directory, so a cold run synthesises its clip.

    .venv/bin/python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARTICLE = "The council agreed on Tuesday to keep the library open until nine.\n"


# Runs the command in this interpreter and writes the modules it imported to a file. It
# drops ``-X importtime`` before the command runs, so that the processes it starts (the
# forkserver and the synthesis workers) do not report their imports as its own.
WRAPPER = """
import json, sys
sys._xoptions.pop("importtime", None)
out, sys.argv = sys.argv[1], ["narration", *sys.argv[2:]]
try:
    from narration.cli import main
    code = main()
finally:
    with open(out, "w") as fh:
        json.dump(sorted(sys.modules), fh)
raise SystemExit(code)
"""


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "narration.cli", *args]


def run(args: list[str]) -> tuple[float, float]:
    """Wall time of one run and the CPU time (user + system) of its main process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def imports(args: list[str], modules_file: Path) -> tuple[float, list[str]]:
    """Seconds the command spends importing (``-X importtime``, the top-level imports'
    cumulative times) and the third-party and project packages it imports."""
    argv = [sys.executable, "-X", "importtime", "-c", WRAPPER, str(modules_file), *args]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    total_us = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if not name.startswith("  "):
            total_us += int(cumulative)
    stdlib = set(sys.stdlib_module_names)
    tops = {name.split(".")[0] for name in json.loads(modules_file.read_text())}
    packages = sorted(n for n in tops if n not in stdlib and not n.startswith("_"))
    return total_us / 1e6, packages


def mtimes(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


def summary(label: str, samples: list[tuple[float, float]], target: str = "") -> str:
    walls = [w for w, _ in samples]
    cpus = [c for _, c in samples]
    return (
        f"{label:16} wall median {statistics.median(walls):.3f} s "
        f"(min {min(walls):.3f}, max {max(walls):.3f}{target}); "
        f"CPU median {statistics.median(cpus):.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "one-sentence.txt"
        source.write_text(ARTICLE, encoding="utf-8")
        modules = root / "modules.json"
        os.environ["NARRATION_OUT_DIR"] = str(root / "default-out")

        for label, cli_args in (
            ("--help", ["--help"]),
            ("prepare (text)", ["prepare", str(source)]),
        ):
            samples = [run(command(*cli_args)) for _ in range(args.runs)]
            seconds, packages = imports(cli_args, modules)
            print(summary(label, samples) + f"; imports {seconds:.3f} s")
            print(f"{'':16} packages: {' '.join(packages)}")

        cold = [
            run(command("narrate", "--out", str(root / f"cold-{i}"), str(source)))
            for i in range(args.runs)
        ]
        # A new article into an output directory that already has one.
        other = root / "another.txt"
        existing = []
        for i in range(args.runs):
            other.write_text(f"Article number {i + 1} has one sentence of its own.\n")
            existing.append(run(command("narrate", "--out", str(root / "cold-0"), str(other))))
        out = root / "cold-0"
        narrate = ["narrate", "--out", str(out), str(source)]
        before = mtimes(out)
        rerun = [run(command(*narrate)) for _ in range(args.runs)]
        unchanged = before == mtimes(out)
        seconds, packages = imports(narrate, modules)
        print(summary("narrate cold", cold, "; target 0.5 s") + " (fresh --out)")
        print(summary("narrate new", existing, "; target 0.5 s") + " (existing --out)")
        print(
            summary("narrate re-run", rerun, "; target 0.3 s")
            + f"; files untouched: {'yes' if unchanged else 'NO'}"
        )
        print(f"{'':16} re-run imports {seconds:.3f} s; packages: {' '.join(packages)}")


if __name__ == "__main__":
    main()
