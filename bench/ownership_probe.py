"""Try a running ``narration serve`` as another key and a forging client would, and print
what each attempt did: a show taken private and its tokens managed by a key that does not
own it, downloads forged through ``/_narration/count``, ``X-Forwarded-For`` rotated with
no trusted proxy, and an episode's check read anonymously.

    .venv/bin/python bench/ownership_probe.py

Run it with ``PYTHONPATH`` set to another checkout to probe that checkout's code the same
way (its shows file then names no owners when its settings know none).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from narration.check.report import Check
from narration.config import Settings
from narration.keys import key_fingerprint
from narration.model import Episode
from narration.publish.feed import publish_feed
from narration.publish.shows import settings_for
from narration.store.catalog import Catalog
from narration.store.checks import CheckStore
from narration.store.database import Database

KEY_A, KEY_B = "probe-key-a", "probe-key-b"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _episode(settings: Settings, slug: str, show: str, owner: str, size: int) -> Episode:
    now = dt.datetime.now(dt.UTC)
    folder = settings.out_dir / "episodes"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.mp3").write_bytes(bytes(range(256)) * (size // 256))
    (folder / f"{slug}.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nA.\n")
    (folder / f"{slug}.chapters.json").write_text('{"version": "1.2.0", "chapters": []}')
    return Episode(
        id=(slug.encode().hex() + "0" * 32)[:32], guid=f"guid-{slug}", article_key=slug,
        content_hash=slug, title=f"Episode {slug}", author=None, published=now,
        description="An episode.", audio_name=f"episodes/{slug}.mp3",
        transcript_name=f"episodes/{slug}.vtt", chapters_name=f"episodes/{slug}.chapters.json",
        bytes=size // 256 * 256, duration_s=600.0, chapters=(), created_at=now, updated_at=now,
        show=show, owner=owner,
    )  # fmt: skip


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def _downloads(http: httpx.Client, episode: str, settle_s: float = 3.0) -> int:
    time.sleep(settle_s)  # the counter writes from its own thread
    answer = http.get("/v1/stats", params={"by": "episode"}, headers=_auth(KEY_A)).json()
    return sum(row["downloads"] for row in answer["rows"] if row["key"] == episode)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="narration-probe-"))
    owners = "show_owners" in Settings.model_fields
    shows = tmp / "shows.toml"
    owned = f'owners = ["{key_fingerprint(KEY_A)}"]\n' if owners else ""
    shows.write_text(f'[shows.alpha]\ntitle = "Alpha"\n{owned}')
    settings = Settings(out_dir=tmp / "out", shows_path=shows)
    alpha = _episode(settings, "a1", "alpha", key_fingerprint(KEY_A), 600_000)
    # The figures are probed on a public show that nobody makes private.
    open_ep = _episode(settings, "d1", "default", key_fingerprint(KEY_A), 600_000)
    db = Database.open(settings)
    try:
        for ep in (alpha, open_ep):
            Catalog(db).save(ep)
            publish_feed(Catalog(db), settings_for(settings, ep.show))
        check = Check(wer=0.3, language="en", sentences=())
        CheckStore(db).save(open_ep.id, open_ep.content_hash, check)
    finally:
        db.close()
    port = _port()
    env = {
        **os.environ,
        "NARRATION_OUT_DIR": str(settings.out_dir),
        "NARRATION_SHOWS_PATH": str(shows),
        "NARRATION_API_KEYS": f"{KEY_A},{KEY_B}",
        "NARRATION_BASE_URL": f"http://127.0.0.1:{port}",
        "NARRATION_CHECK": "false",
    }
    for name in ("NARRATION_TRUSTED_PROXIES", "NARRATION_PROXY_SECRET", "FORWARDED_ALLOW_IPS"):
        env.pop(name, None)
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "narration.cli", "serve", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
        cwd=tmp,  # -m puts the working directory first: PYTHONPATH's checkout is served
    )  # fmt: skip
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, trust_env=False)
    try:
        for _ in range(200):
            try:
                if http.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        public = ["/shows/alpha/feed.xml", f"/episodes/{alpha.id}", "/" + alpha.audio_name,
                  f"/v1/episodes/{alpha.id}"]  # fmt: skip

        def statuses() -> str:
            found = [http.get(p, headers={"range": "bytes=0-1"}).status_code for p in public]
            return " ".join(str(code) for code in found)

        print(f"code under test: {sys.modules['narration'].__file__}")
        print(f"1. alpha's public paths (feed, page, mp3, API) before: {statuses()}")
        labelled = {"label": "ana@example.org"}
        mine = http.post("/v1/shows/alpha/tokens", json=labelled, headers=_auth(KEY_A))
        print(f"   A makes a token on its own show: {mine.status_code}")
        theirs = http.post("/v1/shows/alpha/tokens", json={}, headers=_auth(KEY_B))
        print(f"   B makes a token on alpha: {theirs.status_code}")
        time.sleep(1.2)
        print(f"   alpha's public paths after: {statuses()}")
        listed = http.get("/v1/shows/alpha/tokens", headers=_auth(KEY_B))
        print(f"   B lists alpha's tokens: {listed.status_code}, label shown: "
              f"{'ana@example.org' in listed.text}")  # fmt: skip
        if mine.status_code == 201:
            gone = http.delete(f"/v1/tokens/{mine.json()['token']}", headers=_auth(KEY_B))
            print(f"   B revokes A's token: {gone.status_code}")
        if theirs.status_code == 201:
            http.delete(f"/v1/tokens/{theirs.json()['token']}", headers=_auth(KEY_B))
            time.sleep(1.2)
            print(f"   alpha's public paths after B revoked its token: {statuses()}")

        alpha = open_ep
        audio = "/" + alpha.audio_name
        http.get(audio, headers={"user-agent": "Overcast/3.0"})
        before = _downloads(http, alpha.id)
        forged = [
            http.get("/_narration/count", headers={
                "x-narration-access": "count", "x-narration-path": audio,
                "x-forwarded-for": f"203.0.113.{n}", "user-agent": "Overcast/3.0",
            }).status_code
            for n in range(120)
        ]  # fmt: skip
        after = _downloads(http, alpha.id)
        print(f"2. 120 forged /_narration/count requests: answers {sorted(set(forged))}, "
              f"downloads {before} -> {after}")  # fmt: skip

        for n in range(150):
            http.get(audio, headers={"user-agent": "AntennaPod/3.2.0",
                                     "x-forwarded-for": f"198.51.100.{n}"})  # fmt: skip
        rotated = _downloads(http, alpha.id) - after
        events = [
            http.post("/v1/events", json={"episode": alpha.id, "event": "play", "context": "page"},
                      headers={"user-agent": "Probe/1.0", "x-forwarded-for": f"192.0.2.{n}"},
                      ).status_code
            for n in range(100)
        ]  # fmt: skip
        print(f"3. 150 audio GETs, one agent, X-Forwarded-For rotated: {rotated} downloads; "
              f"100 player events: {events.count(202)} accepted")  # fmt: skip

        anonymous = http.get(f"/v1/episodes/{alpha.id}").json().get("check")
        print(f"6. the check in the anonymous episode JSON: {anonymous is not None}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        http.close()


if __name__ == "__main__":
    main()
