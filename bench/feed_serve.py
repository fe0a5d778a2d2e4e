"""Serving a long show: the feed, a 304 and audio ranges, against a bare app and nginx.

Builds a show of 10,000 episodes (``feed.xml`` carries the newest 300), times adding one
episode and rebuilding the feed (target: under 300 ms), then starts the app under uvicorn
on 127.0.0.1 (one worker) beside a bare Starlette app that returns the same feed bytes,
and loads both with the same generator for a fixed time each (wrk when installed, else a
small keep-alive client here). Targets: GET /feed.xml at least 80% of the bare app's
requests/s; a conditional GET answering 304 at least as fast as that. When nginx is
installed, it serves the same directory and its range requests/s are printed beside ours.

    .venv/bin/python bench/feed_serve.py [--episodes 10000] [--seconds 5] [--connections 32]

Everything listens on 127.0.0.1 only; every server started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.local_nginx import stop, wait_listening  # noqa: E402
from narration.config import Settings  # noqa: E402
from narration.model import Episode  # noqa: E402
from narration.publish.feed import publish_feed  # noqa: E402
from narration.store.catalog import Catalog  # noqa: E402
from narration.store.database import Database  # noqa: E402
from narration.store.tables import episodes  # noqa: E402

HOST = "127.0.0.1"
START = dt.datetime(2020, 1, 1, 6, 0, tzinfo=dt.UTC)
AUDIO_BYTES = 1_000_000
MAX_SECONDS = 30.0
"""No single load run may last longer than this, whatever the flags say."""


# --- the show ------------------------------------------------------------------------------


def episode(n: int) -> Episode:
    stem = f"episodes/story-{n:05d}"
    return Episode(
        id=f"id-{n:05d}",
        guid=f"guid-{n:05d}",
        article_key=f"article-{n}",
        content_hash=f"{n:012x}",
        title=f"Story {n}: what happened today",
        author="News Desk",
        published=START + dt.timedelta(hours=n),
        description=f"Story number {n}, read aloud. " * 4,
        audio_name=stem + ".mp3",
        transcript_name=stem + ".vtt",
        chapters_name=stem + ".chapters.json",
        bytes=AUDIO_BYTES,
        duration_s=300.0 + n % 600,
        chapters=(),
        created_at=START,
        updated_at=START,
    )


def build_show(settings: Settings, count: int) -> Catalog:
    """A catalog of ``count`` episodes, inserted in one transaction."""
    catalog = Catalog(Database.open(settings))
    rows = []
    for n in range(count):
        values = dataclasses.asdict(episode(n))
        values.pop("image_name")
        values.pop("extra")
        values["chapters"] = ()
        rows.append(values)
    with catalog.db.begin() as conn:
        conn.execute(episodes.insert(), rows)
    # One real file to serve ranges from.
    audio = settings.out_dir / episode(count - 1).audio_name
    audio.parent.mkdir(parents=True, exist_ok=True)
    audio.write_bytes(os.urandom(AUDIO_BYTES))
    return catalog


def time_additions(catalog: Catalog, settings: Settings, first: int, runs: int) -> list[float]:
    """Seconds to save one new episode and bring the paged feed up to date, per run."""
    times = []
    for n in range(first, first + runs):
        start = time.perf_counter()
        catalog.save(episode(n))
        publish_feed(catalog, settings)
        times.append(time.perf_counter() - start)
    return times


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(cmd: list[str], port: int, cwd: Path = ROOT) -> Iterator[None]:
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_listening(port, proc)
        yield
    finally:
        stop(proc)


def ours(out_dir: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "api",
        "--host",
        HOST,
        "--port",
        str(port),
        "--out",
        str(out_dir),
        "--no-access-log",
    ]


def bare(feed: Path, port: int) -> list[str]:
    return [sys.executable, __file__, "--bare-feed", str(feed), "--port", str(port)]


def serve_bare(feed: Path, port: int) -> None:
    """The baseline: Starlette returning the feed's bytes from memory, nothing else."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    body = feed.read_bytes()

    async def handler(request: Request) -> Response:
        return Response(body, media_type="application/rss+xml; charset=utf-8")

    app = Starlette(routes=[Route("/feed.xml", handler, methods=["GET", "HEAD"])])
    uvicorn.run(app, host=HOST, port=port, access_log=False, log_level="warning")


NGINX_CONF = """daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen {host}:{port};
        root {root};
        location ~ /\\. {{ return 404; }}
    }}
}}
"""


def nginx(prefix: Path, root: Path, port: int) -> list[str] | None:
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        return None
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=prefix, host=HOST, port=port, root=root))
    return [binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]


# --- load ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Load:
    rps: float
    ok: int
    errors: int
    tool: str


def load(port: int, path: str, headers: dict[str, str], seconds: float, conns: int) -> Load:
    seconds = min(seconds, MAX_SECONDS)
    if shutil.which("wrk"):
        return wrk(port, path, headers, seconds, conns)
    return asyncio.run(pyload(port, path, headers, seconds, conns))


def wrk(port: int, path: str, headers: dict[str, str], seconds: float, conns: int) -> Load:
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds:g}s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(f"http://{HOST}:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Load(rps, total - (int(bad.group(1)) if bad else 0), errors, "wrk -t1")


async def pyload(port: int, path: str, headers: dict[str, str], seconds: float, conns: int) -> Load:
    """Keep-alive HTTP/1.1 GETs from ``conns`` connections for ``seconds``; bounded in time."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n{extra}\r\n".encode()
    deadline = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0}

    async def one() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while time.monotonic() < deadline:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if length and status != 304:
                    await reader.readexactly(int(length.group(1)))
                counts["ok" if status < 400 else "errors"] += 1
                if re.search(rb"(?i)\r\nconnection:\s*close", head):
                    # nginx closes a keep-alive connection after keepalive_requests.
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
        finally:
            writer.close()

    start = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(one() for _ in range(conns))), seconds + 30)
    elapsed = time.monotonic() - start
    return Load(counts["ok"] / elapsed, counts["ok"], counts["errors"], "python asyncio client")


def check(port: int, path: str, headers: dict[str, str], status: int) -> dict[str, str]:
    """One request before a load run: the server answers what the run assumes."""
    with socket.create_connection((HOST, port), timeout=10) as sock:
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(
            f"HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n".encode()
        )
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    lines = raw.decode("latin-1").split("\r\n")
    got = int(lines[0].split()[1])
    if got != status:
        raise RuntimeError(f"{path} {headers} answered {got}, expected {status}")
    return {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--additions", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--bare-feed", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_feed is not None:
        serve_bare(args.bare_feed, args.port)
        return

    with tempfile.TemporaryDirectory(prefix="feed-serve-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx workers run as another user
        out = work / "out"
        settings = Settings(
            out_dir=out, base_url="http://127.0.0.1:8000", feed_page_size=args.page_size
        )
        print(f"show: {args.episodes} episodes, feed page size {args.page_size}")
        start = time.perf_counter()
        catalog = build_show(settings, args.episodes)
        publish_feed(catalog, settings)
        first_build = time.perf_counter() - start
        pages = len(list(out.glob("feed*.xml")))
        print(f"  first build of {pages} feed documents (catalog included): {first_build:.2f} s")
        times = time_additions(catalog, settings, args.episodes, args.additions)
        catalog.db.close()
        ms = [t * 1000 for t in times]
        verdict = "ok" if max(ms) < 300 else "MISSED"
        print(
            f"  add one episode and rebuild the feed: median {statistics.median(ms):.0f} ms, "
            f"max {max(ms):.0f} ms over {len(ms)} runs (target < 300 ms: {verdict})"
        )
        for sub in (out, out / "episodes"):
            sub.chmod(0o755)
        feed = out / "feed.xml"
        audio = "/" + episode(args.episodes - 1).audio_name
        secs, conns = args.seconds, args.connections

        figures: dict[str, float] = {"add_episode_ms_max": max(ms)}
        ports = {"ours": free_port(), "bare": free_port(), "nginx": free_port()}

        def run(name: str, port: int, path: str, headers: dict[str, str], status: int) -> Load:
            check(port, path, headers, status)
            load(port, path, headers, 1.0, conns)  # warm up
            result = load(port, path, headers, secs, conns)
            figures[name] = result.rps
            errors = f", {result.errors} errors" if result.errors else ""
            print(f"  {name:<34} {result.rps:>9.0f} req/s{errors}")
            return result

        print(f"load: {secs:g} s per run, {conns} connections, one server process each")
        # Both apps run at once and take turns, best of two rounds each, so a burst of
        # other work on the machine does not land on one of them only.
        with (
            server(bare(feed, ports["bare"]), ports["bare"]),
            server(ours(out, ports["ours"]), ports["ours"]),
        ):
            bare_runs, ours_runs = [], []
            for _ in range(2):
                bare_runs.append(
                    run("bare Starlette GET /feed.xml", ports["bare"], "/feed.xml", {}, 200)
                )
                ours_runs.append(run("ours GET /feed.xml", ports["ours"], "/feed.xml", {}, 200))
            bare_feed = max(bare_runs, key=lambda r: r.rps)
            ours_feed = max(ours_runs, key=lambda r: r.rps)
            etag = check(ports["ours"], "/feed.xml", {}, 200)["etag"]
            cond = {"If-None-Match": etag}
            ours_304 = run("ours GET /feed.xml -> 304", ports["ours"], "/feed.xml", cond, 304)
            ranged = {"Range": "bytes=0-1"}
            ours_range = run("ours GET audio Range: bytes=0-1", ports["ours"], audio, ranged, 206)
        nginx_cmd = nginx(work / "nginx", out, ports["nginx"])
        nginx_range: Load | None = None
        if nginx_cmd is None:
            print("  nginx not installed: no nginx figures")
        else:
            with server(nginx_cmd, ports["nginx"], cwd=work):
                check(ports["nginx"], "/.narration/catalog.sqlite", {}, 404)
                run("nginx GET /feed.xml", ports["nginx"], "/feed.xml", {}, 200)
                nginx_range = run(
                    "nginx GET audio Range: bytes=0-1", ports["nginx"], audio, ranged, 206
                )
        print(f"generator: {ours_feed.tool}")
        share = ours_feed.rps / bare_feed.rps
        print(
            f"feed: ours {ours_feed.rps:.0f} vs bare {bare_feed.rps:.0f} req/s = {share:.0%} "
            f"(target >= 80%: {'ok' if share >= 0.8 else 'MISSED'})"
        )
        print(
            f"304: {ours_304.rps:.0f} req/s vs {ours_feed.rps:.0f} for the full feed "
            f"(target at least as fast: {'ok' if ours_304.rps >= ours_feed.rps else 'MISSED'})"
        )
        if nginx_range is not None:
            print(
                f"ranges: ours {ours_range.rps:.0f} vs nginx {nginx_range.rps:.0f} req/s "
                f"({ours_range.rps / nginx_range.rps:.0%})"
            )
        if args.json:
            print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
