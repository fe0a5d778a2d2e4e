"""The one HTTP client against httpx.MockTransport: no server, no socket, no sleep.

Host names resolve through a table handed to the client, so every test knows which
address each name stands for; the handler sees the request as it would leave the
machine (to the checked address, with the host's name in ``Host`` and for TLS).
"""

from __future__ import annotations

import gzip
import ipaddress
import re
from collections.abc import Callable, Iterator

import httpx
import pytest

import narration.net.client
from narration.config import FetchLimits, Settings
from narration.episode.artwork import fetch_image
from narration.errors import SourceError
from narration.ingest.fetch import fetch, fetch_feed
from narration.net.address import IPAddress
from narration.net.client import USER_AGENT, Client

PUBLIC = "93.184.215.14"
OTHER_PUBLIC = "93.184.215.15"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = "text/html; charset=utf-8"

Handler = Callable[[httpx.Request], httpx.Response]


class Names:
    """A resolver from a table (address literals stand for themselves, as with
    getaddrinfo), counting its lookups."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append(host)
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        if host not in self.table:
            raise OSError(f"unknown host {host}")
        return [ipaddress.ip_address(ip) for ip in self.table[host]]


class Recorded:
    """A MockTransport that records the requests it answers."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return handler(request)

        self.transport = httpx.MockTransport(record)


def client(
    handler: Handler, names: dict[str, list[str]] | None = None, **limits: object
) -> tuple[Client, Recorded, Names]:
    recorded = Recorded(handler)
    resolve = Names(names if names is not None else {"news.example": [PUBLIC]})
    settings = Settings(**limits)  # type: ignore[arg-type]
    made = Client(
        settings.fetch, recorded.transport, resolve, post_timeout_s=settings.callback.timeout_s
    )
    return made, recorded, resolve


def page(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": HTML}, content=b"<p>Hello</p>")


def get_page(c: Client, url: str) -> narration.net.client.Response:
    return c.get(url, {"Accept": "text/html"}, frozenset({"text/html"}), "a web page")


# --- where the request goes ------------------------------------------------------------


def test_the_request_goes_to_the_checked_address_under_the_host_name() -> None:
    c, recorded, names = client(page)
    got = get_page(c, "https://news.example/a?b=1")
    (sent,) = recorded.requests
    assert sent.url.host == PUBLIC and sent.url.scheme == "https"
    assert sent.url.raw_path == b"/a?b=1"
    assert sent.headers["host"] == "news.example"
    assert sent.extensions["sni_hostname"] == "news.example"
    assert sent.headers["user-agent"] == USER_AGENT
    assert names.lookups == ["news.example"]
    assert (got.url, got.status, got.content_type, got.charset) == (
        "https://news.example/a?b=1",
        200,
        "text/html",
        "utf-8",
    )
    assert got.data == b"<p>Hello</p>"


def test_a_redirect_is_followed_and_each_hop_checked_and_resolved_again() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["host"] == "news.example":
            return httpx.Response(301, headers={"Location": "http://cdn.example/story"})
        return page(request)

    c, recorded, names = client(handler, {"news.example": [PUBLIC], "cdn.example": [OTHER_PUBLIC]})
    got = get_page(c, "http://news.example/old")
    assert got.url == "http://cdn.example/story"
    assert [r.url.host for r in recorded.requests] == [PUBLIC, OTHER_PUBLIC]
    assert names.lookups == ["news.example", "cdn.example"]


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("http://10.0.0.5/admin", "10.0.0.5 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[::ffff:127.0.0.1]/", "leads to 127.0.0.1, a loopback address"),
        ("http://intranet.example/", "10.1.2.3 is a private address"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_a_redirect_to_a_refused_address_is_not_followed(location: str, why: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": location})

    names = {"news.example": [PUBLIC], "intranet.example": ["10.1.2.3"]}
    c, recorded, _ = client(handler, names)
    with pytest.raises(SourceError, match=re.escape(why)) as info:
        get_page(c, "http://news.example/go")
    assert "redirected from http://news.example/go" in str(info.value)
    assert len(recorded.requests) == 1  # nothing was sent to the refused address


def test_a_host_with_any_private_address_is_refused_before_sending() -> None:
    c, recorded, _ = client(page, {"news.example": [PUBLIC, "192.168.0.9"]})
    with pytest.raises(SourceError, match=r"refused: 192\.168\.0\.9 is a private address"):
        get_page(c, "http://news.example/")
    assert recorded.requests == []


def test_the_allow_list_lets_a_private_address_through() -> None:
    c, recorded, _ = client(page, {"cms.internal": ["10.20.3.4"]}, fetch_allow=["10.20.0.0/16"])
    assert get_page(c, "http://cms.internal/").status == 200
    assert recorded.requests[0].url.host == "10.20.3.4"


def test_too_many_redirects_are_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "/again"})

    c, recorded, _ = client(handler, fetch_max_redirects=2)
    with pytest.raises(SourceError, match="more than 2 redirects"):
        get_page(c, "http://news.example/")
    assert len(recorded.requests) == 3


# --- what is read of the answer --------------------------------------------------------


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body() -> None:
    read: list[int] = []

    def body() -> Iterator[bytes]:
        read.append(1)
        yield b"x"

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": HTML, "Content-Length": "10000000"}
        return httpx.Response(200, headers=headers, content=body())

    c, _, _ = client(handler, fetch_max_bytes=10_000)
    with pytest.raises(SourceError, match="10000000 bytes, larger than the 10000-byte limit"):
        get_page(c, "http://news.example/")
    assert read == []


def test_a_streamed_body_is_cut_off_at_the_limit() -> None:
    sent: list[int] = []

    def body() -> Iterator[bytes]:
        for n in range(100):
            sent.append(n)
            yield b"x" * 1000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": HTML}, content=body())

    c, _, _ = client(handler, fetch_max_bytes=10_000)
    with pytest.raises(SourceError, match="larger than the 10000-byte limit"):
        get_page(c, "http://news.example/")
    assert len(sent) == 11  # stopped at the first chunk past the limit, not at the end


def test_a_gzip_bomb_is_counted_after_decompression() -> None:
    bomb = gzip.compress(b"\0" * 1_000_000)
    assert len(bomb) < 10_000

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": HTML, "Content-Encoding": "gzip"}
        return httpx.Response(200, headers=headers, content=bomb)

    c, _, _ = client(handler, fetch_max_bytes=10_000)
    with pytest.raises(SourceError, match="larger than the 10000-byte limit"):
        get_page(c, "http://news.example/")


def test_the_overall_deadline_stops_a_trickling_body(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return clock[0]

    def body() -> Iterator[bytes]:
        for _ in range(50):
            clock[0] += 0.1  # each byte well within any read timeout
            yield b"x"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": HTML}, content=body())

    monkeypatch.setattr(narration.net.client, "time", Clock)
    c, _, _ = client(handler, fetch_timeout_s=1)
    with pytest.raises(SourceError, match="timed out after 1 s"):
        get_page(c, "http://news.example/")
    assert clock[0] < 1001.2


@pytest.mark.parametrize(
    ("status", "headers", "content", "why"),
    [
        (404, {"Content-Type": HTML}, b"<p>gone</p>", "the server answered HTTP 404 Not Found"),
        (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4", "is application/pdf, not a"),
        (200, {}, b"<p>", "is no content type, not a"),
        (200, {"Content-Type": HTML}, b"", "the server sent an empty body"),
        (302, {}, b"", "the server answered HTTP 302"),  # a redirect with nowhere to go
    ],
)
def test_answers_that_are_refused(
    status: int, headers: dict[str, str], content: bytes, why: str
) -> None:
    c, _, _ = client(lambda request: httpx.Response(status, headers=headers, content=content))
    with pytest.raises(SourceError, match=re.escape(why)):
        get_page(c, "http://news.example/")


@pytest.mark.parametrize(
    ("error", "why"),
    [
        (httpx.ReadTimeout("slow"), "timed out after 10 s"),
        (httpx.ConnectError("refused"), "could not fetch (refused)"),
    ],
)
def test_transport_errors_are_source_errors(error: Exception, why: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    c, _, _ = client(handler)
    with pytest.raises(SourceError, match=re.escape(f"http://news.example/: {why}")):
        get_page(c, "http://news.example/")


# --- pages, feeds and images, through the client ----------------------------------------


def test_a_page_is_decoded_by_its_declared_charset() -> None:
    body = "<p>Un café, s'il vous plaît.</p>".encode("latin-1")

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept"].startswith("text/html")
        return httpx.Response(
            200, headers={"Content-Type": "text/html; charset=ISO-8859-1"}, content=body
        )

    allow = FetchLimits(allow=[PUBLIC])
    got = fetch(f"http://{PUBLIC}/p", allow, httpx.MockTransport(handler))
    assert "café, s'il vous plaît" in got.text
    assert got.charset == "iso8859-1"


def test_a_page_of_another_type_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, content=b"{}")

    with pytest.raises(SourceError, match="is application/json, not a web page"):
        fetch(f"http://{PUBLIC}/p", FetchLimits(), httpx.MockTransport(handler))


def test_a_feed_of_any_type_is_taken_and_its_validators_sent_and_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"', "Cache-Control": "max-age=60"})
        headers = {"Content-Type": "text/plain", "ETag": '"v1"', "Retry-After": "120"}
        return httpx.Response(200, headers=headers, content=b"<rss/>")

    transport = httpx.MockTransport(handler)
    first = fetch_feed(f"http://{PUBLIC}/feed", FetchLimits(), transport=transport)
    assert (first.status, first.data, first.content_type) == (200, b"<rss/>", "text/plain")
    assert (first.etag, first.retry_after) == ('"v1"', "120")
    again = fetch_feed(f"http://{PUBLIC}/feed", FetchLimits(), etag='"v1"', transport=transport)
    assert (again.status, again.data, again.content_type) == (304, b"", None)
    assert again.cache_control == "max-age=60"


def test_an_image_must_be_what_it_says() -> None:
    bodies = {"/ok.png": PNG, "/fake.png": b"<html>gotcha</html>"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"Content-Type": "image/png"}, content=bodies[request.url.path]
        )

    transport = httpx.MockTransport(handler)
    assert fetch_image(f"http://{PUBLIC}/ok.png", FetchLimits(), transport) == PNG
    with pytest.raises(SourceError, match="declared image/png but is not a JPEG or PNG"):
        fetch_image(f"http://{PUBLIC}/fake.png", FetchLimits(), transport)


# --- posts: callbacks and WebSub ---------------------------------------------------------


def test_a_post_sends_its_body_to_the_checked_address_and_follows_no_redirect() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(307, headers={"Location": "http://10.0.0.1/"})

    c, recorded, _ = client(handler)
    status = c.post("http://news.example/hook", b'{"a": 1}', {"Content-Type": "application/json"})
    assert status == 307
    (sent,) = recorded.requests
    assert (sent.method, sent.url.host, sent.headers["host"]) == ("POST", PUBLIC, "news.example")
    assert sent.headers["content-type"] == "application/json"
    assert sent.content == b'{"a": 1}'


def test_a_post_to_a_refused_address_is_not_sent() -> None:
    c, recorded, _ = client(page, {"hook.example": ["127.0.0.1"]})
    with pytest.raises(SourceError, match=r"127\.0\.0\.1 is a loopback address"):
        c.post("http://hook.example/", b"{}", {})
    assert recorded.requests == []


def test_a_post_that_times_out_names_the_callback_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.WriteTimeout("stuck")

    c, _, _ = client(handler, callback_timeout_s=3)
    with pytest.raises(SourceError, match="timed out after 3 s"):
        c.post("http://news.example/hook", b"{}", {})
