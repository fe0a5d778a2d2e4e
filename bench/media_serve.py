"""``Range: bytes=0-1`` on an episode's MP3 (what podcast apps send first): requests per
second from ``narration serve`` alone, through nginx with the shipped
``deploy/nginx.conf`` in front of it, and from a bare nginx serving the same file.

The output directory holds a show of ``--episodes`` episodes and a private show, so the
access check nginx makes (cached one second per path) reads the catalog as in use. One
app process and one nginx worker each; the same load generator as
``bench/feed_serve.py`` (wrk when installed, else its asyncio client).

    .venv/bin/python bench/media_serve.py [--episodes 200] [--seconds 5] [--connections 32]

Everything listens on 127.0.0.1 only; every server started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feed_serve import (  # noqa: E402
    HOST,
    Load,
    build_show,
    check,
    episode,
    free_port,
    load,
    nginx,
    ours,
    server,
)
from deploy import local_nginx  # noqa: E402
from narration.config import Settings  # noqa: E402
from narration.publish.feed import publish_feed  # noqa: E402
from narration.store.tokens import TokenStore  # noqa: E402

RANGE = {"Range": "bytes=0-1"}
SECRET = "media-serve-proxy-secret"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="media-serve-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # a bare nginx started as root reads it as another user
        out = work / "out"
        settings = Settings(out_dir=out, base_url="http://127.0.0.1:8000")
        catalog = build_show(settings, args.episodes)
        publish_feed(catalog, settings)
        TokenStore(catalog.db).set_private("members", True)  # the access check reads owners
        catalog.db.close()
        for sub in (out, out / "episodes"):
            sub.chmod(0o755)
        audio = "/" + episode(args.episodes - 1).audio_name
        # The app started below reads these: nginx's access checks carry the secret.
        os.environ["NARRATION_PROXY_SECRET"] = SECRET
        os.environ["NARRATION_TRUSTED_PROXIES"] = HOST
        ports = {name: free_port() for name in ("ours", "shipped", "bare")}
        app = f"{HOST}:{ports['ours']}"
        best: dict[str, Load] = {}

        def run(name: str, port: int) -> None:
            check(port, audio, RANGE, 206)
            load(port, audio, RANGE, 1.0, args.connections)  # warm up
            got = load(port, audio, RANGE, args.seconds, args.connections)
            errors = f", {got.errors} errors" if got.errors else ""
            print(f"  {name:<40} {got.rps:>9.0f} req/s{errors}")
            if name not in best or got.rps > best[name].rps:
                best[name] = got

        print(f"load: {args.seconds:g} s per run, {args.connections} connections, GET {audio}")
        with (
            server(ours(out, ports["ours"]), ports["ours"]),
            local_nginx.running(
                work / "shipped",
                out,
                app,
                HOST,
                ports["shipped"],
                proxy_secret=SECRET,
                access_log=False,
            ),
        ):
            bare_cmd = nginx(work / "bare", out, ports["bare"])
            if bare_cmd is None:
                raise SystemExit("nginx is not installed")
            with server(bare_cmd, ports["bare"], cwd=work):
                check(ports["shipped"], "/.narration/catalog.sqlite", {}, 404)
                # Taking turns, best of the rounds each: a burst of other work on the
                # machine does not land on one of them only.
                for _ in range(args.rounds):
                    run("narration serve alone", ports["ours"])
                    run("nginx, shipped config, in front of it", ports["shipped"])
                    run("bare nginx (static files only)", ports["bare"])
        print(f"generator: {best['bare nginx (static files only)'].tool}")
        bare = best["bare nginx (static files only)"].rps
        for name, got in best.items():
            print(f"{name:<40} {got.rps:>9.0f} req/s = {got.rps / bare:>5.0%} of bare nginx")


if __name__ == "__main__":
    main()
