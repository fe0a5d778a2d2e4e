"""How long one article takes from POST to done while the service is still hearing a
batch back (the listening check after publishing), against the same with checks off.

Articles: real pages nobody here wrote, chosen as ``bench/service_throughput.py`` chooses
them (8 pages of 300 to 2,000 prepared words from `tests/realpages/`). The batch is POSTed
and narrated; as soon as it is done (its checks then queued or being heard), the longest
page, with one sentence added so it is a new article, is POSTed, and its time to done is
measured. The same runs again on a service with checks off.

    .venv/bin/python bench/check_latency.py [--articles 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.service_throughput import KEY, choose, free_port, run_batch, serve, warm_up


def checks_heard(base: str) -> int:
    """Episodes whose check is done."""
    headers = {"Authorization": f"Bearer {KEY}"}
    items = httpx.get(f"{base}/v1/episodes", params={"limit": 100}, headers=headers).json()
    return sum(1 for doc in items["items"] if doc.get("check"))


def one_while_heard(tmp: Path, pages: list[Path], extra: Path, check: bool) -> tuple[float, int]:
    """Seconds from POST to done of ``extra`` submitted right after the batch ``pages``;
    and how many of the batch's checks were done at that moment."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve(tmp / ("out-check" if check else "out-plain"), port, check=check)
    try:
        warm_up(base, {"en", "de"})
        run_batch(base, pages)
        heard = checks_heard(base)
        alone_s, _ = run_batch(base, [extra])
        return alone_s, heard
    finally:
        proc.terminate()
        proc.wait(60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="check-latency-") as name:
        tmp = Path(name)
        chosen = choose(args.articles, tmp)
        pages = [c[0] for c in chosen]
        longest = max(chosen, key=lambda c: c[1])
        extra = tmp / "extra.html"
        html = longest[0].read_text(errors="replace")
        extra.write_text(
            html.replace("<body", "<body><p>This version adds one sentence first.</p", 1)
            if "<body" in html
            else html + "\n<p>This version adds one sentence.</p>"
        )
        print(f"batch: {len(pages)} real pages, {sum(c[1] for c in chosen)} words; "
              f"then {longest[0].name} ({longest[1]} words) once more")  # fmt: skip
        results = {}
        for check in (True, False):
            started = time.monotonic()
            results[check] = one_while_heard(tmp, pages, extra, check)
            print(
                f"  run with checks {'on' if check else 'off'}: {time.monotonic() - started:.0f} s"
            )
    on, heard = results[True]
    off, _ = results[False]
    print(f"checks on: the article POSTed right after the batch was done in {on:.2f} s "
          f"({heard} of {len(pages)} checks done when it was POSTed)")  # fmt: skip
    print(f"checks off: the same article in {off:.2f} s")
    print(f"ratio on / off: {on / off:.2f} (target: about 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
