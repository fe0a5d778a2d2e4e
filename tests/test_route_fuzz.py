"""Random JSON bodies, headers and query strings sent to every route of the app, those
outside the OpenAPI schema too (the WebSub callback, the nginx endpoints, pages, media,
private feeds, player events), with and without a valid API key: no answer is a 5xx.

The routes and their parameters are read from ``app.routes``, so a new route is covered
without a change here; the values mix plausible ones (a queued job's id, a followed
source's id and URL with a WebSub request pending) with made-up, out-of-range and
unencodable ones (lone surrogates, NUL, dates in the year 1, 16-digit numbers).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from api import deps
from api.main import create_app
from api.schemas import EventIn
from narration.config import Settings
from narration.ingest.follow_rules import Rules
from narration.store.sources import SourceStore
from tests.api_fixtures import KEY, resolve_literals_only

pytestmark = pytest.mark.slow

ADMIN = "fuzz-admin-key"
PROXY = "fuzz-proxy-secret-0123456789"
_ROOT = Path(tempfile.mkdtemp(prefix="narration-route-fuzz-"))
app = create_app(
    Settings(
        out_dir=_ROOT / "out",
        voice="fake:tone",
        workers=1,
        api_keys=[KEY],
        admin_keys=[ADMIN],
        proxy_secret=PROXY,
        fetch_allow=["127.0.0.1"],
    )
)

# Bodies read by hand rather than declared (the route takes the Request).
_READ_BODIES: dict[str, type[BaseModel]] = {"/v1/events": EventIn}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")
# Every header the app reads, and the media types its bodies come in.
HEADERS = (
    "authorization",
    "accept",
    "accept-encoding",
    "content-type",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "range",
    "user-agent",
    "x-forwarded-for",
    "x-hub-signature",
    "x-narration-access",
    "x-narration-path",
    "x-narration-proxy",
    "x-request-id",
)


@dataclass(frozen=True)
class Target:
    """One method of one route, and the parameters it declares."""

    method: str
    path: str
    path_params: tuple[str, ...]
    query: tuple[str, ...]
    body_fields: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _flat(dependant: Any, kind: str) -> list[Any]:
    found = list(getattr(dependant, kind))
    for sub in dependant.dependencies:
        found += _flat(sub, kind)
    return found


def _targets() -> list[Target]:
    targets: list[Target] = []
    for route in iter_route_contexts(app.routes):
        path = route.path
        if path is None:
            continue
        query: tuple[str, ...] = ()
        fields: tuple[str, ...] = ()
        if isinstance(route.original_route, APIRoute):
            query = tuple(p.alias for p in _flat(route.dependant, "query_params"))
            body = route.body_field
            model = body.field_info.annotation if body is not None else _READ_BODIES.get(path)
            if isinstance(model, type) and issubclass(model, BaseModel):
                fields = tuple(f.alias or name for name, f in model.model_fields.items())
        for method in sorted(route.methods or ()):
            targets.append(Target(method, path, tuple(_PARAM.findall(path)), query, fields))
    return targets


TARGETS = _targets()
PATHS = {t.path for t in TARGETS}
PARAMETERS = {
    (t.path, kind, name)
    for t in TARGETS
    for kind, names in (("path", t.path_params), ("query", t.query), ("body", t.body_fields))
    for name in names
}

# Values known to the app once the fixture has made them.
SEEDS: dict[str, str] = {}

NASTY = (
    "",
    "0",
    "-1",
    "²",
    "٣",
    "9" * 16,
    "1e309",
    "NaN",
    "\ud800",
    "a\udc80b",
    "\x00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01",
    "2201-01-01",
    "1899-12-31T23:00:00-02:00",
    "bytes=0-",
    "bytes=-0",
    "bytes=99999999999999999999-",
    'W/"x", *',
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "Mon, 31 Dec 9999 23:59:59 GMT",
    "sha256=00",
    "../.narration/catalog.sqlite",
    "/episodes/a.mp3",
    "http://127.0.0.1:9/feed",
    "fake:tone",
    "default",
    "check",
    "count",
    "subscribe",
    "denied",
    "day",
    "csv",
    "dark",
)

numbers = st.one_of(
    st.integers().map(str),
    st.sampled_from(["²", "٣", "9" * 16, "1e309", "-0", "+5", "1_000", " 7", "0x10"]),
)
texts = st.text(st.characters(exclude_categories=()), max_size=40)
nasty = st.sampled_from(NASTY)
seeded = st.sampled_from(["job", "source", "source_url", "episode"]).map(
    lambda name: SEEDS.get(name, name)
)
values = st.one_of(nasty, seeded, texts, st.integers().map(str))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | values | st.lists(values, max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(values, inner, max_size=3),
    max_leaves=6,
)
header_values = st.one_of(
    nasty.filter(lambda v: v.isascii() and v.isprintable()),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")),
    st.sampled_from(
        [
            f"Bearer {KEY}",
            "Bearer wrong",
            "Basic eDp5",
            "Bearer ",
            PROXY,
            "application/json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/merge-patch+json",
        ]
    ),
)


# A request each route takes, which the generated ones start from and change a part of:
# its body, query and path parameters, by route path (``None``: a seed, by name).
VALID_BODIES: dict[str, dict[str, Any]] = {
    "/v1/articles": {"text": "One sentence here. And another one.", "title": "A title"},
    "/v1/episodes/{episode_id}": {"text": "One sentence here. And another one."},
    "/v1/shows/{slug}/sources": {"url": "http://127.0.0.1:9/other", "categories": ["news"]},
    "/v1/shows/{slug}/tokens": {"label": "a listener"},
    "/v1/shows/{slug}/access": {"private": True},
    "/v1/events": {"episode": "0" * 32, "event": "play", "context": "page"},
}
VALID_QUERIES: dict[str, dict[str, str | None]] = {
    "/v1/websub/{source_id}": {
        "hub.mode": "subscribe",
        "hub.topic": None,
        "hub.challenge": "c",
        "hub.lease_seconds": "3600",
    },
    "/v1/episodes": {"limit": "5", "offset": "0"},
    "/v1/stats": {"by": "day", "from": "2026-01-01", "to": "2026-12-31"},
    "/episodes/{episode_id:episode_id}/embed": {"theme": "dark", "accent": "#ff0000"},
}
VALID_PATH_PARAMS: dict[str, str | None] = {
    "source_id": None,
    "episode_id": None,
    "slug": "default",
    "name": "feed",
}
VALID_HEADERS = {
    "content-type": "application/json",
    "x-narration-proxy": PROXY,
    "x-narration-access": "check",
}
_SEED_OF = {"hub.topic": "source_url", "source_id": "source", "episode_id": "job"}


def _seed(name: str, value: str | None) -> str:
    return value if value is not None else SEEDS[_SEED_OF[name]]


def _poisoned(value: object) -> Any:
    """``value`` with a lone surrogate or a NUL in its text (every string of it)."""
    if isinstance(value, str):
        return st.sampled_from([value + "\ud800", "\udc80" + value, value + "\x00"])
    if isinstance(value, list):
        return st.tuples(*(_poisoned(item) for item in value)).map(list) if value else st.just([])
    if isinstance(value, dict):
        return st.fixed_dictionaries({k: _poisoned(v) for k, v in value.items()})
    return st.just(value)


def _changed(value: object) -> st.SearchStrategy[Any]:
    """A value to put where ``value`` was: ``value`` made unencodable, a number written
    oddly, a nasty one, or any JSON value."""
    return st.one_of(_poisoned(value if value is not None else "x"), numbers, nasty, json_values)


def _quote(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


def _valid_path_param(name: str) -> str:
    return _seed(name, None) if name in _SEED_OF else (VALID_PATH_PARAMS.get(name) or "x")


@st.composite
def requests(draw: st.DrawFn, target: Target, keyed: bool) -> dict[str, Any]:
    """A request to ``target``: its URL, headers and body. Each starts from a request the
    route takes and changes one part of it: a path parameter, a query parameter (or adds
    made-up ones), a body field (its text made unencodable, or another value), the
    headers; or makes all of them up."""
    parts = ["headers", "wild"]
    parts += ["path"] if target.path_params else []
    parts += ["query", "query"] if target.query else ["query"]
    parts += ["body", "body", "body"] if target.method in _WRITES else []
    focus = draw(st.sampled_from(parts))

    params = {name: _valid_path_param(name) for name in target.path_params}
    if focus in ("path", "wild") and params:
        changed = draw(st.sampled_from(sorted(params)))
        params[changed] = draw(st.one_of(seeded, nasty, numbers, texts.filter(bool)))
    path = target.path
    for name, value in params.items():
        path = re.sub(r"{" + re.escape(name) + r"(:[^}]+)?}", _quote(value), path, count=1)

    query_doc = {k: _seed(k, v) for k, v in VALID_QUERIES.get(target.path, {}).items()}
    pairs: list[tuple[str, str]] = []
    if focus == "query" and target.query and draw(st.booleans()):
        name = draw(st.sampled_from(target.query))
        # Most query parameters are numbers: those come twice as often.
        query_doc[name] = draw(
            st.one_of(numbers, numbers, _poisoned(query_doc.get(name, "1")), nasty, values)
        )
    elif focus in ("query", "wild"):
        names = st.one_of(st.sampled_from(target.query), texts) if target.query else texts
        pairs = draw(st.lists(st.tuples(names, values), min_size=1, max_size=4))
    pairs = [*query_doc.items(), *pairs]
    query = "&".join(f"{_quote(k)}={_quote(str(v))}" for k, v in pairs)

    headers = {k: v.encode() for k, v in VALID_HEADERS.items()}
    if focus in ("headers", "wild"):
        drawn = draw(st.dictionaries(st.sampled_from(HEADERS), header_values, max_size=4))
        headers.update({name: value.encode("latin-1") for name, value in drawn.items()})
    if keyed:
        headers["authorization"] = draw(st.sampled_from([f"Bearer {KEY}", f"Bearer {ADMIN}"]))
    elif focus not in ("headers", "wild"):
        headers.pop("authorization", None)

    body = b""
    if target.method in _WRITES:
        doc: Any = dict(VALID_BODIES.get(target.path, {}))
        if focus == "body":
            if doc and draw(st.booleans()):
                name = draw(st.sampled_from(sorted(doc)))
                doc[name] = draw(_poisoned(doc[name]))
            else:
                name = draw(st.sampled_from(target.body_fields or ("x",)))
                doc[name] = draw(_changed(doc.get(name)))
        body = json.dumps(doc).encode()
        if focus == "wild":
            wild = st.one_of(json_values.map(lambda d: json.dumps(d).encode()), st.binary())
            body = draw(wild)
    return {"url": path + (f"?{query}" if query else ""), "headers": headers, "body": body}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", resolve_literals_only)
        with TestClient(app, raise_server_exceptions=False) as test_client:
            _make_seeds(test_client)
            yield test_client
    if app.state.queue is not None:
        app.state.queue.close()
    shutil.rmtree(_ROOT, ignore_errors=True)


def _make_seeds(client: TestClient) -> None:
    """A queued job and a followed source with a WebSub request pending, for the
    generated requests to name."""
    answer = client.post(
        "/v1/articles",
        json={"markdown": "# Seed\n\nOne sentence here. And another one.\n"},
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert answer.status_code == 202, answer.text
    SEEDS["job"] = SEEDS["episode"] = answer.json()["id"]
    store = SourceStore(deps.db_of(app))
    source = store.add("default", "http://127.0.0.1:9/feed", Rules(), owner=None)
    store.record(
        source.id,
        hub="http://127.0.0.1:9/hub",
        websub_state="requested",
        websub_request_secret="0" * 64,
        websub_request_until=source.created_at.replace(year=2200),
    )
    SEEDS["source"], SEEDS["source_url"] = source.id, source.url


def test_every_route_is_covered() -> None:
    """Every route of the app is a target, the ones outside the OpenAPI schema included."""
    print(
        f"\nroute fuzz: {len(PATHS)} routes, {len(TARGETS)} route methods, "
        f"{len(PARAMETERS)} declared parameters (path, query, body fields) and "
        f"{len(HEADERS)} headers"
    )
    for path in (
        "/v1/websub/{source_id}",
        "/_narration/access",
        "/_narration/count",
        "/v1/events",
        "/private/{token}/feed.xml",
        "/episodes/{name}",
        "/{name}",
        "/",
    ):
        assert path in PATHS, path
    assert ("/v1/websub/{source_id}", "query", "hub.lease_seconds") in PARAMETERS
    assert ("/v1/articles", "body", "published") in PARAMETERS


@pytest.mark.parametrize("keyed", [False, True], ids=["no-key", "key"])
@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
def test_no_server_errors(client: TestClient, target: Target, keyed: bool) -> None:
    """Routes with parameters get more examples than those that take none."""
    declared = target.path_params or target.query or target.body_fields

    @settings(
        max_examples=40 if declared else 6,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=requests(target, keyed))
    def check(request: dict[str, Any]) -> None:
        answer = client.request(
            target.method, request["url"], headers=request["headers"], content=request["body"]
        )
        assert answer.status_code < 500, (target.id, request, answer.status_code, answer.text)

    check()
