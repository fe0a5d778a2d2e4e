"""``python -m api [--host H] [--port P] [--out DIR]``: serve an output directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from api.main import run
from narration import logs
from narration.config import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--out", type=Path, help="output directory (NARRATION_OUT_DIR)")
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args(argv)
    logs.configure()
    settings = Settings(out_dir=args.out) if args.out is not None else Settings()
    run(settings, args.host, args.port, access_log=not args.no_access_log)


if __name__ == "__main__":
    main()
