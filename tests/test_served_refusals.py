"""A running ``narration serve`` refuses at submission what its worker cannot handle
(dates outside the years 1900 to 2200, text with lone surrogates), answers bad
parameters with 422 and never 500, and takes the WebSub hub's verification or denial
only as the answer to a subscription request it has pending."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from narration.store.database import Database, default_url
from narration.store.sources import Source, SourceStore
from tests.follow_site import Item, Site, serving
from tests.running import RunningService
from tests.test_follow_websub import Hub, hub_link

pytestmark = pytest.mark.slow

KEY = "served-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
JSON = {**AUTH, "Content-Type": "application/json"}
ADMIN = "served-admin-key"
# Sources are added with an admin key, which manages every show.
ADMIN_AUTH = {"Authorization": f"Bearer {ADMIN}"}
ADMIN_JSON = {**ADMIN_AUTH, "Content-Type": "application/json"}
ARTICLE = "One sentence here. And another one."


@dataclass
class Served:
    service: RunningService
    http: httpx.Client
    site: Site
    hub: Hub

    def source(self, source_id: str) -> Source:
        db = Database(default_url(self.service.out / ".narration"))
        try:
            found = SourceStore(db).get(source_id)
        finally:
            db.close()
        assert found is not None
        return found


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp("served-refusals")
    hub = Hub()
    env = {
        "NARRATION_VOICE": "fake:tone",
        "NARRATION_WORKERS": "1",
        "NARRATION_API_KEYS": f'["{KEY}"]',
        "NARRATION_ADMIN_KEYS": f'["{ADMIN}"]',
        "NARRATION_FETCH_ALLOW": "127.0.0.1",
        "NARRATION_FOLLOW_MIN_INTERVAL_S": "0",
        "NARRATION_FOLLOW_TICK_S": "0.2",
    }
    # A public base URL: the service subscribes to the hub a followed feed names.
    with serving() as site:
        service = RunningService(workdir, env, "https://pod.example.org", "tests.run_with_fake")
        service.start()
        try:
            yield Served(service, service.http, site, hub)
        finally:
            service.close()
            hub.close()


def _message(answer: httpx.Response) -> str:
    message: str = answer.json()["error"]["message"]
    return message


def test_dates_the_worker_cannot_handle_are_refused_at_submission(served: Served) -> None:
    for published in ("0001-01-01T00:00:00+14:00", "2201-01-01", "1899-12-31T23:00:00-02:00"):
        body = {"text": ARTICLE, "published": published}
        answer = served.http.post("/v1/articles", json=body, headers=AUTH)
        assert answer.status_code == 422, answer.text
        assert "published" in _message(answer) and published[:4] in _message(answer)
        # A new version of an article is held to the same rule, before anything is done.
        again = served.http.put("/v1/episodes/" + "0" * 32, json=body, headers=AUTH)
        assert again.status_code == 422 and "published" in _message(again), again.text
    follow = {"url": f"{served.site.base}/dated", "not_before": "0001-01-01T00:00:00+14:00"}
    refused = served.http.post("/v1/shows/default/sources", json=follow, headers=ADMIN_AUTH)
    assert refused.status_code == 422 and "not_before" in _message(refused), refused.text

    # A date in range is narrated; one the article's own front matter makes up is dropped.
    dated = {"text": ARTICLE + " Dated.", "published": "2020-01-01T00:00:00+14:00"}
    done = served.service.narrate(dated, AUTH)
    assert done["published"].startswith("2019-12-31T10:00:00"), done
    made_up = "---\ntitle: Made up\ndate: 0001-01-01T00:00:00+14:00\n---\n\n" + ARTICLE
    assert served.service.narrate({"markdown": made_up}, AUTH)["status"] == "done"


def test_unencodable_text_and_bad_parameters_are_422_not_500(served: Served) -> None:
    lone = b'{"text": "One sentence here. \\ud800 And another one."}'
    answer = served.http.post("/v1/articles", content=lone, headers=JSON)
    assert answer.status_code == 422 and _message(answer).startswith("text:"), answer.text
    nul = b'{"markdown": "One sentence here.\\u0000 And another one."}'
    assert served.http.post("/v1/articles", content=nul, headers=JSON).status_code == 422
    paired = b'{"text": "One sentence here, \\ud83d\\ude00. And another one."}'
    assert served.http.post("/v1/articles", content=paired, headers=JSON).status_code == 202
    category = f'{{"url": "{served.site.base}/other", "categories": ["\\udc80"]}}'.encode()
    answer = served.http.post("/v1/shows/default/sources", content=category, headers=ADMIN_JSON)
    assert answer.status_code == 422 and "categories.0" in _message(answer), answer.text

    source, check = _pending_subscription(served, "/lease-feed")
    before = served.source(source["id"])
    for lease in ("²", "1234567890123456", "-1", "1e3"):
        answer = served.http.get(
            f"/v1/websub/{source['id']}", params={**check, "hub.lease_seconds": lease}
        )
        assert answer.status_code == 422 and "lease_seconds" in _message(answer), answer.text
    assert served.source(source["id"]) == before


def test_websub_denial_and_lease_are_taken_only_from_the_hub_answering_us(
    served: Served,
) -> None:
    source, check = _pending_subscription(served, "/websub-feed")
    callback = f"/v1/websub/{source['id']}"
    verified = served.http.get(callback, params={**check, "hub.lease_seconds": "86400"})
    assert verified.status_code == 200 and verified.text == check["hub.challenge"]
    assert verified.headers["x-content-type-options"] == "nosniff"
    assert verified.headers["content-type"].startswith("text/plain")
    state = served.source(source["id"])
    assert state.websub_state == "verified" and state.websub_expires_at is not None
    assert state.websub_request_until is None  # answered: nothing pending any more

    # Anyone who knows the source's id and URL: nothing they send changes anything.
    forged = [
        {"hub.mode": "denied", "hub.topic": source["url"]},
        {**check, "hub.mode": "denied"},
        {**check, "hub.lease_seconds": "0"},
        {**check, "hub.lease_seconds": "999999999"},
        {**check, "hub.challenge": "<script>alert(1)</script>"},
    ]
    for params in forged:
        answer = served.http.get(callback, params=params)
        assert answer.status_code == 404, (params, answer.text)
        assert served.source(source["id"]) == state, params


def _pending_subscription(served: Served, path: str) -> tuple[dict[str, str], dict[str, str]]:
    """A source of a feed naming the hub, once the service has asked the hub for it; the
    source's JSON and the hub's verification of that request."""
    served.site.rss(path, [Item(path.strip("/"), "Story")], channel=hub_link(served.hub))
    url = f"{served.site.base}{path}"
    made = served.http.post("/v1/shows/default/sources", json={"url": url}, headers=ADMIN_AUTH)
    assert made.status_code == 201, made.text
    deadline = time.monotonic() + 60
    while not any(r["hub.topic"] == url for r in served.hub.requests):
        assert time.monotonic() < deadline, served.service.log()
        time.sleep(0.1)
    assert served.source(made.json()["id"]).websub_request_until is not None
    check = {"hub.mode": "subscribe", "hub.topic": url, "hub.challenge": "challenge-1"}
    return made.json(), check
