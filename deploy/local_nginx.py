"""Run nginx with ``deploy/nginx.conf`` as the current user, everything under one
directory: for the tests and the benchmarks, and to try the configuration locally.

    NARRATION_PROXY_SECRET=... python deploy/local_nginx.py --out audio_out \
        --app 127.0.0.1:8000 --listen 127.0.0.1:8080

The app must run with the same ``NARRATION_PROXY_SECRET`` (and ``127.0.0.1`` in
``NARRATION_TRUSTED_PROXIES``).

The shipped file is filled in (``render``) and included in a main configuration whose
pid file, temporary directories and logs live under ``prefix``; nginx stays in the
foreground and stops with the process.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"

MAIN = """{user}daemon off;
master_process on;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {access_log};
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


def binary() -> str | None:
    """The nginx executable, or None when nginx is not installed."""
    found = shutil.which("nginx")
    if found is None and Path("/usr/sbin/nginx").exists():
        found = "/usr/sbin/nginx"
    return found


def render(values: Mapping[str, str], template: Path = TEMPLATE) -> str:
    """``template`` with each ``@NAME@`` replaced by ``values[NAME]``; every one given."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    directives = "\n".join(line.partition("#")[0] for line in text.splitlines())
    left = re.findall(r"@[A-Z_]+@", directives)
    if left:
        raise ValueError(f"values of the nginx template not filled in: {sorted(set(left))}")
    return text


def write_config(
    prefix: Path,
    out_dir: Path,
    app: str,
    listen: str,
    *,
    proxy_secret: str,
    workers: int = 1,
    access_log: bool = True,
) -> Path:
    """The main configuration under ``prefix`` with the shipped server filled in; its path."""
    prefix.mkdir(parents=True, exist_ok=True)
    site = prefix / "narration.conf"
    values = {
        "LISTEN": listen,
        "SERVER_NAME": "localhost",
        "OUT_DIR": str(out_dir.resolve()),
        "APP": app,
        "CACHE_DIR": str(prefix / "access-cache"),
        "PROXY_SECRET": proxy_secret,
    }
    site.write_text(render(values))
    main = prefix / "nginx.conf"
    log = f"{prefix}/access.log" if access_log else "off"
    # Workers run as the current user (as root, nginx would otherwise switch to nobody).
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    main.write_text(
        MAIN.format(user=user, prefix=prefix, site=site, workers=workers, access_log=log)
    )
    return main


def command(prefix: Path, config: Path) -> list[str]:
    found = binary()
    if found is None:
        raise RuntimeError("nginx is not installed")
    return [found, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")]


def wait_listening(
    port: int, proc: subprocess.Popen[bytes], timeout: float = 20.0, host: str = "127.0.0.1"
) -> None:
    """Return once something listens on ``host:port``; fail if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout} s")


def stop(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Ask ``proc`` to stop (SIGTERM: nginx's fast shutdown); kill it after ``timeout``."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def running(
    prefix: Path,
    out_dir: Path,
    app: str,
    host: str,
    port: int,
    *,
    proxy_secret: str,
    workers: int = 1,
    access_log: bool = True,
) -> Iterator[subprocess.Popen[bytes]]:
    """nginx serving ``out_dir`` on ``host:port`` in front of the app at ``app`` (which
    runs with ``proxy_secret`` as its ``NARRATION_PROXY_SECRET``), until the block ends
    (then stopped, and its error log checked for crashes)."""
    listen = f"{host}:{port}"
    config = write_config(
        prefix,
        out_dir,
        app,
        listen,
        proxy_secret=proxy_secret,
        workers=workers,
        access_log=access_log,
    )
    check = subprocess.run([*command(prefix, config), "-t", "-q"], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx rejects the configuration: {check.stderr}")
    proc = subprocess.Popen(command(prefix, config), stdin=subprocess.DEVNULL)
    try:
        wait_listening(port, proc, timeout=10, host=host)
        yield proc
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the output directory")
    parser.add_argument("--app", default="127.0.0.1:8000", help="where narration serve listens")
    parser.add_argument("--listen", default="127.0.0.1:8080", help="host:port for nginx")
    default_prefix = Path(tempfile.gettempdir()) / "narration-nginx"
    parser.add_argument("--prefix", type=Path, default=default_prefix, help="nginx's own files")
    args = parser.parse_args()
    secret = os.environ.get("NARRATION_PROXY_SECRET", "")
    if len(secret) < 16:
        parser.error("set NARRATION_PROXY_SECRET (16 characters or more), as for the app")
    host, _, port = args.listen.rpartition(":")
    prefix = args.prefix.resolve()
    with running(
        prefix, args.out, args.app, host or "127.0.0.1", int(port), proxy_secret=secret
    ) as proc:
        print(f"nginx on http://{args.listen}/ in front of {args.app} (Ctrl-C stops)")
        with suppress(KeyboardInterrupt):
            proc.wait()


if __name__ == "__main__":
    main()
