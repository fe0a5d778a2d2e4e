"""How many database engines the app makes while serving mixed requests.

Narrates two articles (one to a private show) into a temporary directory with the CLI,
then serves 1,000 requests in process through the app (show and episode pages, the feed,
the episode JSON and list, audio ranges, the private feed and file, token listing, and a
few submissions), counting every ``sqlalchemy.create_engine`` call.

    .venv/bin/python bench/db_engines.py [--requests 1000]

Run it from a checkout of any version of the project to compare (it only uses the app
factory and HTTP).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import sqlalchemy

ROOT = Path.cwd()
made: Counter[str] = Counter()
_real_create_engine = sqlalchemy.create_engine


def counting_create_engine(*args: object, **kwargs: object) -> sqlalchemy.Engine:
    made["engines"] += 1
    return _real_create_engine(*args, **kwargs)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    sqlalchemy.create_engine = counting_create_engine  # type: ignore[assignment]
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        shows = Path(tmp) / "shows.toml"
        shows.write_text('[shows.members]\ntitle = "Members"\n')
        env = {
            **os.environ,
            "NARRATION_VOICE": "pyttsx3:en",
            "NARRATION_SHOWS_PATH": str(shows),
            "NARRATION_API_KEYS": '["bench"]',
            "NARRATION_ADMIN_KEYS": '["bench-admin"]',
        }
        article = Path(tmp) / "a.md"
        ids = []
        for show, title in (("default", "Open"), ("members", "Closed")):
            article.write_text(f"---\ntitle: {title}\n---\n\nThe ferry runs. People cheered.\n")
            chosen = [] if show == "default" else ["--show", show]
            done = subprocess.run(
                [sys.executable, "-m", "narration.cli", "narrate", str(article), "--out",
                 str(out), *chosen, "--json"],
                cwd=ROOT, env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            ids.append(json.loads(done.stdout.splitlines()[-1]))
        os.environ.update(env)
        from fastapi.testclient import TestClient

        from api.main import create_app
        from narration.config import Settings

        settings = Settings(out_dir=out)
        auth = {"Authorization": "Bearer bench"}
        before_app = made["engines"]
        with TestClient(create_app(settings)) as client:
            admin = {"Authorization": "Bearer bench-admin"}
            token = client.post("/v1/shows/members/tokens", json={}, headers=admin).json()["token"]
            client.put("/v1/shows/members/access", json={"private": True}, headers=admin)
            public = ids[0]
            episode_id = public["id"]
            audio = public["audio_url"].split("/", 3)[3]
            private_audio = ids[1]["audio_url"].split("/", 3)[3]
            paths = [
                ("GET", "/", {}),
                ("GET", "/feed.xml", {}),
                ("GET", f"/episodes/{episode_id}", {}),
                ("GET", f"/v1/episodes/{episode_id}", {}),
                ("GET", "/v1/episodes", auth),
                ("GET", f"/{audio}", {"Range": "bytes=0-1"}),
                ("GET", f"/private/{token}/feed.xml", {}),
                ("GET", f"/private/{token}/{private_audio}", {"Range": "bytes=0-1"}),
                ("GET", "/v1/shows/members/tokens", admin),
                ("POST", "/v1/articles", auth),
            ]
            statuses: Counter[int] = Counter()
            for n in range(args.requests):
                method, path, headers = paths[n % len(paths)]
                if method == "POST":
                    body = {"text": f"Submission {n} for the queue. It waits there."}
                    answer = client.post(path, json=body, headers=headers)
                else:
                    answer = client.get(path, headers=headers)
                statuses[answer.status_code] += 1
    print(f"requests: {args.requests}; answers by status: {dict(sorted(statuses.items()))}")
    print(f"database engines made while serving: {made['engines'] - before_app}")


if __name__ == "__main__":
    main()
