"""The one HTTP client: every outbound request (pages, images, feeds, callbacks, WebSub)
is sent by :class:`Client`, under the rules of :mod:`narration.net.address`.

Every hop of a redirect chain is checked from scratch, the host is resolved once per hop
and the request is sent to exactly the address that was checked; bodies are read under a
size limit (after decompression) and an overall deadline. The transport is a parameter,
as in httpx's own ``Client(transport=...)``: tests hand in ``httpx.MockTransport``.
"""

from __future__ import annotations

import functools
import ssl
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from narration.config import FetchLimits
from narration.errors import SourceError
from narration.net.address import IPAddress, Resolve, parse_url, system_resolve, target

USER_AGENT = "Narration/0.1 (+article fetcher)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Response:
    """A response as the client read it."""

    url: str
    """The final URL, after redirects."""
    status: int
    content_type: str
    """The media type the server declared, lower-case, without parameters."""
    charset: str | None
    """The charset the server declared, if any."""
    data: bytes
    """The body, decompressed (empty for a status in ``passed``)."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """The response's headers, names lower-case."""


class Client:
    """Sends requests to the addresses the fetch rules allow, within ``limits``; a POST
    (a callback) waits ``post_timeout_s`` for its answer. ``transport`` replaces the
    network (its maker closes it; when None, a real transport is made and closed for each
    hop); ``resolve`` replaces the system's resolver."""

    def __init__(
        self,
        limits: FetchLimits,
        transport: httpx.BaseTransport | None = None,
        resolve: Resolve = system_resolve,
        *,
        post_timeout_s: float = 10.0,
    ) -> None:
        self.allow = tuple(limits.allow)
        self.timeout_s = limits.timeout_s
        self.max_bytes = limits.max_bytes
        self.max_redirects = limits.max_redirects
        self.post_timeout_s = post_timeout_s
        self._transport = transport
        self._resolve = resolve

    def get(
        self,
        url: str,
        headers: Mapping[str, str],
        types: frozenset[str] | None,
        wanted: str,
        passed: frozenset[int] = frozenset(),
    ) -> Response:
        """GET ``url`` following checked redirects. The body must be of a media type in
        ``types`` (any when None; ``wanted`` says what was expected). A status in
        ``passed`` is answered with an empty body, any other one from 300 up refused."""
        deadline = time.monotonic() + self.timeout_s
        current, given = parse_url(url)
        for hop in range(self.max_redirects + 1):
            label = (
                given
                if hop == 0
                else f"{current.copy_with(userinfo=b'')} (redirected from {given})"
            )
            ip = target(current, self.allow, label, self._resolve)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SourceError(f"{label}: timed out after {self.timeout_s:g} s")
            with (
                self._client() as client,
                _http_errors(label, self.timeout_s, "could not fetch"),
            ):
                request = _pinned_request(
                    client, "GET", current, ip, headers, min(self.timeout_s, remaining)
                )
                response = client.send(request, stream=True)
                try:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        current = current.join(response.headers["location"])
                        continue
                    if response.status_code in passed:
                        status, given_headers = response.status_code, dict(response.headers)
                        return Response(str(current), status, "", None, b"", given_headers)
                    return self._read(response, str(current), label, types, wanted, deadline)
                finally:
                    response.close()
        raise SourceError(f"{given}: more than {self.max_redirects} redirects")

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """POST ``body`` to ``url``, checked as a GET's first hop is, within the callback
        timeout. Redirects are not followed. The status the server answered;
        :class:`SourceError` when the URL is refused or the server cannot be reached."""
        parsed, label = parse_url(url)
        ip = target(parsed, self.allow, label, self._resolve)
        with (
            self._client() as client,
            _http_errors(label, self.post_timeout_s, "could not send"),
        ):
            request = _pinned_request(
                client, "POST", parsed, ip, headers, self.post_timeout_s, content=body
            )
            # Only the status matters: the answer's body is never read.
            response = client.send(request, stream=True)
            response.close()
        return response.status_code

    @contextmanager
    def _client(self) -> Iterator[httpx.Client]:
        # trust_env=False: a proxy from the environment would resolve the host itself and
        # undo the address check. Redirects are followed by get(), each hop checked.
        if self._transport is not None:
            # A transport handed in outlives the request: whoever made it closes it.
            yield httpx.Client(transport=self._transport, trust_env=False, follow_redirects=False)
            return
        # One client per hop: pooled connections are keyed by address, and a reused one
        # could carry another host's TLS session.
        transport = httpx.HTTPTransport(verify=_tls(), trust_env=False)
        with httpx.Client(transport=transport, trust_env=False, follow_redirects=False) as client:
            yield client

    def _read(
        self,
        response: httpx.Response,
        final: str,
        label: str,
        types: frozenset[str] | None,
        wanted: str,
        deadline: float,
    ) -> Response:
        if response.status_code >= 300:
            phrase = response.reason_phrase or "error"
            raise SourceError(f"{label}: the server answered HTTP {response.status_code} {phrase}")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if types is not None and content_type not in types:
            declared = content_type or "no content type"
            raise SourceError(f"{label}: is {declared}, not {wanted}")
        limit = self.max_bytes
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise SourceError(f"{label}: is {length} bytes, larger than the {limit}-byte limit")
        chunks: list[bytes] = []
        size = 0
        # Counted after decompression, so a small gzip bomb cannot exceed the limit either.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise SourceError(f"{label}: is larger than the {limit}-byte limit")
            if time.monotonic() > deadline:
                raise SourceError(f"{label}: timed out after {self.timeout_s:g} s")
            chunks.append(chunk)
        data = b"".join(chunks)
        if not data:
            raise SourceError(f"{label}: the server sent an empty body")
        return Response(
            final,
            response.status_code,
            content_type,
            response.charset_encoding,
            data,
            dict(response.headers),
        )


def _pinned_request(
    client: httpx.Client,
    method: str,
    url: httpx.URL,
    ip: IPAddress,
    headers: Mapping[str, str],
    timeout_s: float,
    content: bytes | None = None,
) -> httpx.Request:
    """A request to ``url`` sent to the address ``ip`` that was checked: the Host header,
    the TLS server name and the certificate check are the host's, not the address's."""
    return client.build_request(
        method,
        url.copy_with(host=str(ip)),
        content=content,
        headers={**headers, "Host": url.netloc.decode("ascii"), "User-Agent": USER_AGENT},
        timeout=httpx.Timeout(timeout_s),
        extensions={"sni_hostname": url.raw_host.decode("ascii")},
    )


@contextmanager
def _http_errors(label: str, timeout_s: float, failed: str) -> Iterator[None]:
    """httpx's errors as :class:`SourceError` naming ``label``: a timeout, or ``failed``."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise SourceError(f"{label}: timed out after {timeout_s:g} s") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise SourceError(f"{label}: {failed} ({exc})") from exc


def _tls() -> ssl.SSLContext:
    """The TLS settings of a request, made once per CA bundle (certifi's, as httpx's
    clients without the environment use): loading it takes 50 ms, more than a
    conditional GET of a feed."""
    # Lazy: certifi (~9 ms) only when a TLS context is first made; the server imports this.
    import certifi

    return _tls_for(certifi.where())


@functools.lru_cache(maxsize=4)
def _tls_for(cafile: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)
