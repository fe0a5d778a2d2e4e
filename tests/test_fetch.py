"""Fetching articles by URL: real HTTP(S) against servers on 127.0.0.1 started by the tests.

Loopback is refused by default, so tests that fetch successfully allow 127.0.0.1 explicitly.
No test sends traffic anywhere but 127.0.0.0/8.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import certifi
import pytest

from narration.config import FetchLimits, Settings
from narration.episode.artwork import fetch_image
from narration.errors import BadInput, SourceError
from narration.ingest.fetch import fetch
from narration.ingest.sources import read_source
from narration.model import SourceKind
from narration.net.address import check_address
from narration.prepare.load import load_article

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (ROOT / "tests" / "fixtures" / "wordpress-post.html").read_bytes()
ARTICLE_TITLE = "Village Bakery Wins National Bread Award"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ALLOW = FetchLimits(allow=["127.0.0.1"])
_real_getaddrinfo = socket.getaddrinfo


class Handler(BaseHTTPRequestHandler):
    """One route per way a server can answer; HTTP/1.0, so bodies may end at close."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send(self, status: int, ctype: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Host", "")))  # type: ignore[attr-defined]
        port = self.server.server_address[1]
        path = self.path
        if path == "/article":
            self.send(200, "text/html; charset=utf-8", ARTICLE)
        elif path == "/plain":
            self.send(200, "text/plain", b"Plain words.\r\nSecond line.\r\n")
        elif path == "/latin1":
            body = "<html><body><p>Un café, s'il vous plaît.</p></body></html>"
            self.send(200, "text/html; charset=ISO-8859-1", body.encode("latin-1"))
        elif path == "/meta-charset":
            body = '<html><head><meta charset="windows-1252"></head><p>Caf\xe9 \u2019</p></html>'
            self.send(200, "text/html", body.encode("cp1252"))
        elif path == "/host":
            self.send(200, "text/plain", self.headers.get("Host", "").encode())
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])  # redirects still to come
            self.redirect(f"/hop/{left - 1}" if left > 1 else "/article")
        elif path == "/to-other-loopback":
            self.redirect(f"http://127.0.0.2:{port}/article")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/stream-big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"<p>" + b"x" * 4092 + b"</p>")
            except OSError:
                pass  # the client hung up once it had seen enough
        elif path == "/declared-big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "10000000")
            self.end_headers()
            self.wfile.write(b"<p>")
            self.wfile.flush()
            time.sleep(3)  # a client that reads the body would wait here
        elif path == "/pdf":
            self.send(200, "application/pdf", b"%PDF-1.4\n")
        elif path == "/json":
            self.send(200, "application/json", b"{}")
        elif path == "/slow":
            time.sleep(3)
            self.send(200, "text/html", ARTICLE)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        elif path == "/image.png":
            self.send(200, "image/png", PNG)
        elif path == "/not-really.png":
            self.send(200, "image/png", b"<html>gotcha</html>")
        else:
            self.send(404, "text/html", b"<p>not here</p>")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen: list[tuple[str, str]] = []
        if context is not None:
            self.socket = context.wrap_socket(self.socket, server_side=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


def _serve(server: Server) -> Iterator[Server]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    yield from _serve(Server())


@pytest.fixture
def base(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}"


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: Callable[[int], list[str]]) -> list[str]:
    """Resolve ``news.example`` to ``answers(n)`` on the n-th lookup; other names as usual."""
    lookups: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "news.example":
            return _real_getaddrinfo(host, port, *args, **kwargs)
        lookups.append(host)
        result = []
        for ip in answers(len(lookups)):
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            result.append((family, socket.SOCK_STREAM, 6, "", (ip, int(port or 0))))
        return result

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


# --- pages that are fetched ---------------------------------------------------------


def test_article_by_url_is_fetched_and_extracted(base: str) -> None:
    article = load_article(f"{base}/article", Settings(fetch_allow=["127.0.0.1"]))
    assert article.title.display == ARTICLE_TITLE


def test_read_source_names_the_final_url_and_kind(base: str, server: Server) -> None:
    raw = read_source(f"{base}/hop/2", limits=ALLOW)
    assert raw.url == raw.name == f"{base}/article"
    assert raw.kind is SourceKind.HTML
    assert server.seen[-1] == ("/article", f"127.0.0.1:{server.port}")

    plain = read_source(f"{base}/plain", limits=FetchLimits(allow=["127.0.0.0/8"]))
    assert plain.kind is SourceKind.TEXT
    assert plain.text == "Plain words.\nSecond line.\n"


def test_declared_charset_and_meta_charset_decode(base: str) -> None:
    page = fetch(f"{base}/latin1", ALLOW)
    assert "café, s'il vous plaît" in page.text
    assert page.charset == "iso8859-1"
    assert (page.status, page.content_type) == (200, "text/html")

    meta = fetch(f"{base}/meta-charset", ALLOW)
    assert "Café \u2019" in meta.text
    assert meta.charset == "cp1252"


def test_five_redirects_are_followed_six_are_refused(base: str) -> None:
    assert fetch(f"{base}/hop/5", ALLOW).url == f"{base}/article"
    with pytest.raises(SourceError, match="more than 5 redirects"):
        fetch(f"{base}/hop/6", ALLOW)


def test_decimal_ip_literal_is_resolved_and_checked(server: Server) -> None:
    url = f"http://2130706433:{server.port}/host"
    with pytest.raises(SourceError, match=re.escape("127.0.0.1 is a loopback address")):
        fetch(url, FetchLimits())
    assert fetch(url, ALLOW).text == f"2130706433:{server.port}"


# --- addresses that are refused -----------------------------------------------------


def test_loopback_is_refused_by_default(base: str, server: Server) -> None:
    before = len(server.seen)
    with pytest.raises(SourceError, match="loopback address") as info:
        fetch(f"{base}/article", FetchLimits())
    assert str(info.value).startswith(f"{base}/article: refused")
    assert "NARRATION_FETCH_ALLOW" in str(info.value)
    assert len(server.seen) == before  # refused before connecting


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("[::1]", "::1 is a loopback address"),
        ("[::ffff:127.0.0.1]", "leads to 127.0.0.1, a loopback address"),
        ("0x7f.0.0.1", "127.0.0.1 is a loopback address"),
        ("127.1", "127.0.0.1 is a loopback address"),
        ("localhost", "is a loopback address"),
        ("0177.0.0.1", "not a valid URL"),  # the URL parser already rejects octal
    ],
)
def test_other_spellings_of_loopback_are_refused(host: str, why: str) -> None:
    with pytest.raises(SourceError, match=re.escape(why)):
        fetch(f"http://{host}:9/x", FetchLimits())


def test_redirect_to_a_disallowed_address_is_refused(base: str, server: Server) -> None:
    with pytest.raises(SourceError) as info:
        fetch(f"{base}/to-other-loopback", ALLOW)
    message = str(info.value)
    assert "127.0.0.2 is a loopback address" in message
    assert f"redirected from {base}/to-other-loopback" in message
    assert server.seen[-1][0] == "/to-other-loopback"


def test_any_bad_address_of_a_host_refuses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, lambda n: ["127.0.0.1", "10.0.0.7"])
    with pytest.raises(SourceError, match=re.escape("10.0.0.7 is a private address")):
        fetch("http://news.example:9/x", ALLOW)


def test_connection_goes_to_the_address_that_was_checked(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rebinding resolver: the checked answer is allowed, any later one is not.
    lookups = fake_dns(monkeypatch, lambda n: ["127.0.0.1"] if n == 1 else ["127.0.0.2"])
    page = fetch(f"http://news.example:{server.port}/host", ALLOW)
    assert lookups == ["news.example"]
    assert page.text == f"news.example:{server.port}"
    assert page.url == f"http://news.example:{server.port}/host"


def test_allow_by_host_name(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, lambda n: ["127.0.0.1"])
    url = f"http://news.example:{server.port}/host"
    with pytest.raises(SourceError, match="loopback"):
        fetch(url, FetchLimits())
    assert fetch(url, FetchLimits(allow=["News.Example"])).status == 200


@pytest.mark.parametrize(
    ("ip", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not a public address"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "leads to 127.0.0.1, a loopback"),
        ("::ffff:10.0.0.1", "leads to 10.0.0.1, a private"),
        ("64:ff9b::7f00:1", "leads to 127.0.0.1, a loopback"),
        ("64:ff9b::a9fe:a9fe", "leads to 169.254.169.254, a link-local"),
        ("64:ff9b:1::a00:1", "local-use NAT64"),
        ("2002:7f00:1::1", "leads to 127.0.0.1, a loopback"),
    ],
)
def test_check_address_refuses_non_public_addresses(ip: str, why: str) -> None:
    problem = check_address(ip, [])
    assert problem is not None
    assert why in problem


@pytest.mark.parametrize(
    "ip", ["93.184.215.14", "2606:4700:4700::1111", "::ffff:93.184.215.14", "64:ff9b::5db8:d70e"]
)
def test_check_address_accepts_public_addresses(ip: str) -> None:
    assert check_address(ip) is None


def test_check_address_honours_the_allow_list() -> None:
    assert check_address("10.20.3.4", ["cms.internal", "10.20.0.0/16"]) is None
    assert check_address("10.21.3.4", ["cms.internal", "10.20.0.0/16"]) is not None
    assert check_address("::ffff:127.0.0.1", ["127.0.0.1"]) is None
    assert check_address("127.0.0.2", ["127.0.0.1"]) is not None


# --- URLs that are refused ----------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "javascript:1"]
)
def test_non_http_schemes_are_refused(url: str) -> None:
    with pytest.raises(SourceError, match="only http and https"):
        fetch(url, ALLOW)


def test_redirect_to_another_scheme_is_refused(base: str) -> None:
    with pytest.raises(SourceError, match=r"file:/+etc/passwd.*only http and https"):
        fetch(f"{base}/to-file", ALLOW)


def test_userinfo_is_refused_without_echoing_the_password(server: Server) -> None:
    with pytest.raises(SourceError, match="user name or password") as info:
        fetch(f"http://reader:s3cret@127.0.0.1:{server.port}/article", ALLOW)
    assert "s3cret" not in str(info.value)


# --- responses that are refused -----------------------------------------------------


def test_body_over_the_cap_is_refused_while_streaming(base: str) -> None:
    small = FetchLimits(allow=["127.0.0.1"], max_bytes=10_000)
    with pytest.raises(SourceError, match="larger than the 10000-byte limit"):
        fetch(f"{base}/stream-big", small)


def test_content_length_over_the_cap_is_refused_before_reading(base: str) -> None:
    small = FetchLimits(allow=["127.0.0.1"], max_bytes=10_000, timeout_s=5)
    started = time.monotonic()
    with pytest.raises(SourceError, match="10000000 bytes, larger than the 10000-byte limit"):
        fetch(f"{base}/declared-big", small)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("path", "ctype"), [("/pdf", "application/pdf"), ("/json", "application/json")]
)
def test_unsupported_content_types_are_refused(base: str, path: str, ctype: str) -> None:
    with pytest.raises(SourceError, match=rf"is {ctype}.*not a web page"):
        fetch(f"{base}{path}", ALLOW)


def test_http_error_names_the_status(base: str) -> None:
    with pytest.raises(SourceError, match="HTTP 404"):
        fetch(f"{base}/nowhere", ALLOW)


def test_slow_server_times_out(base: str) -> None:
    quick = FetchLimits(allow=["127.0.0.1"], timeout_s=0.5)
    with pytest.raises(SourceError, match=re.escape("timed out after 0.5 s")):
        fetch(f"{base}/slow", quick)


def test_trickling_body_hits_the_overall_deadline(base: str) -> None:
    # Each byte arrives well within the read timeout; only the overall deadline stops it.
    quick = FetchLimits(allow=["127.0.0.1"], timeout_s=1)
    started = time.monotonic()
    with pytest.raises(SourceError, match="timed out after 1 s"):
        fetch(f"{base}/drip", quick)
    assert time.monotonic() - started < 2.5


def test_fetch_image_accepts_png_only(base: str) -> None:
    assert fetch_image(f"{base}/image.png", ALLOW) == PNG
    with pytest.raises(SourceError, match="not a JPEG or PNG image"):
        fetch_image(f"{base}/article", ALLOW)
    with pytest.raises(SourceError, match="is not a JPEG or PNG"):
        fetch_image(f"{base}/not-really.png", ALLOW)
    with pytest.raises(SourceError, match="loopback"):
        fetch_image(f"{base}/image.png", FetchLimits())


def test_refusals_are_bad_input() -> None:
    assert issubclass(SourceError, BadInput)


# --- https: certificate and SNI for the host name, connection to the address ---------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    # `make install` installs Debian's openssl; without it this fixture fails, not skips.
    assert shutil.which("openssl"), "the openssl command is needed to make test certificates"
    d = tmp_path_factory.mktemp("tls")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
        "-keyout", "ca.key", "-out", "ca.pem")  # fmt: skip
    (d / "ext.cnf").write_text("subjectAltName=DNS:news.example\n")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=news.example",
        "-keyout", "leaf.key", "-out", "leaf.csr")  # fmt: skip
    run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "leaf.pem")  # fmt: skip
    return {"ca": d / "ca.pem", "cert": d / "leaf.pem", "key": d / "leaf.key"}


@pytest.fixture(scope="module")
def tls_server(tls_files: dict[str, Path]) -> Iterator[tuple[Server, list[str | None]]]:
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls_files["cert"], tls_files["key"])
    context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,func-returns-value]
    for server in _serve(Server(context)):
        yield server, names


def test_https_verifies_the_host_name_on_the_checked_address(
    tls_files: dict[str, Path],
    tls_server: tuple[Server, list[str | None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, names = tls_server
    monkeypatch.setattr(certifi, "where", lambda: str(tls_files["ca"]))
    lookups = fake_dns(monkeypatch, lambda n: ["127.0.0.1"] if n == 1 else ["127.0.0.2"])
    page = fetch(f"https://news.example:{server.port}/host", ALLOW)
    assert page.text == f"news.example:{server.port}"
    assert names[-1] == "news.example"
    assert lookups == ["news.example"]

    # The same server reached by its address has no certificate for that name.
    with pytest.raises(SourceError, match=r"could not fetch.*CERTIFICATE_VERIFY_FAILED"):
        fetch(f"https://127.0.0.1:{server.port}/host", ALLOW)


def test_https_refuses_an_untrusted_certificate(tls_server: tuple[Server, Any]) -> None:
    server, _ = tls_server
    with pytest.raises(SourceError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch(f"https://127.0.0.1:{server.port}/host", ALLOW)


# --- the command line -----------------------------------------------------------------


def run_cli(*args: str, allow: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NARRATION_FETCH_ALLOW"}
    if allow is not None:
        env["NARRATION_FETCH_ALLOW"] = allow
    return subprocess.run(
        [sys.executable, "-m", "narration.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_refuses_loopback_with_exit_code_2(base: str) -> None:
    done = run_cli("prepare", f"{base}/article")
    assert done.returncode == 2, done.stderr
    assert "loopback address" in done.stderr
    assert done.stdout == ""


def test_cli_prepares_an_allowed_url(base: str) -> None:
    done = run_cli("prepare", f"{base}/article", allow='["127.0.0.1"]')
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == ARTICLE_TITLE
