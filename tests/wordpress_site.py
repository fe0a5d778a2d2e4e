"""A WordPress site with the Narration plugin, as a publisher would run one: Debian's
``wordpress`` package (copied, so that it gets a ``wp-config.php`` of its own), PHP's
built-in server, a database of its own on the MariaDB server on 127.0.0.1:3306 (made
and dropped by the test), installed through WordPress's own ``wp_install()``.

WP-Cron is left on (as on any site), and the tests also run it by requesting
``wp-cron.php``, so that nothing waits on a visitor to come by.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import httpx

from tests.helpers import ROOT, stop
from tests.running import free_port

WORDPRESS = Path("/usr/share/wordpress")
HERE = Path(__file__).resolve().parent / "wordpress"
PLUGIN = ROOT / "integrations" / "wordpress" / "narration"
PHP_TESTS = ROOT / "integrations" / "wordpress" / "tests"
ADMIN = "admin"
ADMIN_PASSWORD = "narration-admin-password"
EDITOR = "editor"
EDITOR_PASSWORD = "narration-editor-password"
DB_HOST = "127.0.0.1"
DB_PORT = 3306
# What PHP or WordPress says of our code that a publisher would find in the log.
PROBLEMS = re.compile(r"PHP (Notice|Warning|Fatal error|Parse error)|^(Notice|Warning): ", re.M)


def mysql(sql: str) -> str:
    """Run ``sql`` as root on the MariaDB server; its output."""
    done = subprocess.run(
        ["mysql", "-h", DB_HOST, "-P", str(DB_PORT), "-u", "root", "-N", "-B", "-e", sql],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def mariadb_answers() -> bool:
    try:
        mysql("SELECT 1")
    except (AssertionError, FileNotFoundError, subprocess.TimeoutExpired):
        return False
    return True


def php_available() -> bool:
    return shutil.which("php") is not None and (WORDPRESS / "wp-settings.php").exists()


class WordPressSite:
    """A WordPress site on a free port of 127.0.0.1, under ``workdir``."""

    def __init__(self, workdir: Path, retry_base_s: int = 2):
        self.workdir = workdir
        self.root = workdir / "wordpress"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = f"narration_wp_{uuid.uuid4().hex[:12]}"
        self.debug_log = workdir / "wp-debug.log"
        self.server_log = workdir / "php-server.log"
        self.callbacks_log = workdir / "callbacks.jsonl"
        self.retry_base_s = retry_base_s
        self.proc: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.url, timeout=60, trust_env=False)

    def install(self) -> WordPressSite:
        # Debian's package links to its own copies of libraries by relative links, which
        # would lead nowhere from the copy: the files they point to are copied instead.
        shutil.copytree(WORDPRESS, self.root, symlinks=False)
        content = self.root / "wp-content"
        (content / "plugins" / "narration").symlink_to(PLUGIN)
        (content / "mu-plugins").mkdir()
        shutil.copy(HERE / "mu-plugin.php", content / "mu-plugins" / "narration-test-site.php")
        salts = "\n".join(
            f"define( '{name}', '{secrets.token_hex(32)}' );"
            for name in ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
                         "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
        )  # fmt: skip
        values = {
            "@DB_NAME@": self.db,
            "@DB_HOST@": f"{DB_HOST}:{DB_PORT}",
            "@SALTS@": salts,
            "@DEBUG_LOG@": str(self.debug_log),
            "@RETRY_BASE_S@": str(self.retry_base_s),
            "@CALLBACKS_LOG@": str(self.callbacks_log),
        }
        config = (HERE / "wp-config.php.in").read_text()
        for name, value in values.items():
            config = config.replace(name, value)
        (self.root / "wp-config.php").write_text(config)
        mysql(f"CREATE DATABASE `{self.db}` CHARACTER SET utf8mb4")
        done = self.php(
            HERE / "install.php", self.url, ADMIN, ADMIN_PASSWORD, EDITOR, EDITOR_PASSWORD
        )
        assert "installed" in done.stdout, done.stdout + done.stderr
        return self

    def php(
        self, script: Path, *args: str, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run a PHP script with the CLI, in the site's directory."""
        return subprocess.run(
            ["php", str(script), *args], cwd=self.root, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip

    def eval(self, code: str) -> str:
        """Run PHP ``code`` inside WordPress (loaded as for a request to the site); what
        it prints."""
        script = self.workdir / f"eval-{uuid.uuid4().hex}.php"
        script.write_text(
            "<?php\n"
            f"$_SERVER['HTTP_HOST'] = '127.0.0.1:{self.port}';\n"
            "$_SERVER['REQUEST_URI'] = '/';\n"
            f"require '{self.root}/wp-load.php';\n" + code
        )
        try:
            done = self.php(script)
        finally:
            script.unlink()
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start(self) -> WordPressSite:
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
        with self.server_log.open("ab") as log:
            self.proc = subprocess.Popen(
                ["php", "-d", "display_errors=stderr", "-d", "log_errors=On", "-S",
                 f"127.0.0.1:{self.port}", "-t", str(self.root)],
                cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            assert self.proc.poll() is None, self.server_log.read_text()
            try:
                if self.http.get("/wp-login.php").status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the PHP server did not start"
            time.sleep(0.2)

    def run_cron(self) -> None:
        """Run WP-Cron's due events now, as a request to ``wp-cron.php`` does."""
        self.http.get("/wp-cron.php")

    def problems(self, since: tuple[int, int] = (0, 0)) -> list[str]:
        """Notices, warnings and errors PHP logged (after ``since``, from ``log_marks``)."""
        found = []
        for log, start in zip((self.debug_log, self.server_log), since, strict=True):
            if log.exists():
                with log.open("rb") as f:
                    f.seek(start)
                    text = f.read().decode(errors="replace")
                found += [line for line in text.splitlines() if PROBLEMS.search(line)]
        return found

    def deprecations_in_plugin(self, since: tuple[int, int] = (0, 0)) -> list[str]:
        """PHP's deprecation notices about the plugin's own files."""
        found = []
        for log, start in zip((self.debug_log, self.server_log), since, strict=True):
            if log.exists():
                with log.open("rb") as f:
                    f.seek(start)
                    text = f.read().decode(errors="replace")
                found += [
                    line for line in text.splitlines()
                    if "Deprecated" in line
                    and ("plugins/narration/" in line or str(PLUGIN) in line)
                ]  # fmt: skip
        return found

    def callbacks(self) -> list[dict]:
        """The callbacks the site received, in order: route, query, signature, body."""
        if not self.callbacks_log.exists():
            return []
        found = []
        for line in self.callbacks_log.read_text().splitlines():
            entry = json.loads(line)
            entry["body"] = base64.b64decode(entry["body"])
            found.append(entry)
        return found

    def log_marks(self) -> tuple[int, int]:
        """Where the logs end now (see ``problems``)."""
        return tuple(  # type: ignore[return-value]
            log.stat().st_size if log.exists() else 0 for log in (self.debug_log, self.server_log)
        )

    def close(self) -> None:
        try:
            if self.proc is not None:
                # The server's workers are its children, in its own process group: all go.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGTERM)
                stop(self.proc, timeout_s=10)
                self.proc = None
        finally:
            self.http.close()
            try:
                mysql(f"DROP DATABASE IF EXISTS `{self.db}`")
            finally:
                shutil.rmtree(self.root, ignore_errors=True)
