"""No article harms another, against a running ``narration serve`` with the espeak-ng voice:
one article under several URLs, same-titled and untitled articles from two keys, keys
that own their articles, errors kept for their submitter, dates, and deletion by any id
the API shows."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.running import RunningService

pytestmark = [pytest.mark.slow, pytest.mark.espeak]

K1 = {"Authorization": "Bearer key-one"}
K2 = {"Authorization": "Bearer key-two"}
ADMIN = {"Authorization": "Bearer the-admin"}
STORY = """<!doctype html><html lang="en"><head><title>Harbour ferry returns</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article>
<h1>Harbour ferry returns</h1>
<p>The harbour ferry returned to service on Monday after a winter of repairs to its hull.</p>
<p>Commuters queued along the quay before dawn, and the first crossing left on time.</p>
<p>The operator said the timetable would stay the same until the summer season begins.</p>
</article><footer>Copyright The Harbour Times</footer></body></html>"""


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = STORY.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def pages() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    env = {
        "NARRATION_VOICE": "pyttsx3:en",
        "NARRATION_API_KEYS": '["key-one", "key-two"]',
        "NARRATION_ADMIN_KEYS": '["the-admin"]',
        "NARRATION_WORKERS": "2",
        "NARRATION_FETCH_ALLOW": '["127.0.0.1"]',
    }
    running = RunningService(tmp_path_factory.mktemp("isolation"), env).start()
    try:
        yield running
    finally:
        running.close()


def feed_items(service: RunningService) -> list[ET.Element]:
    """The items of ``feed.xml``, which must be well-formed."""
    answer = service.http.get("/feed.xml")
    assert answer.status_code == 200
    channel = ET.fromstring(answer.content).find("channel")
    assert channel is not None
    return channel.findall("item")


def guids(service: RunningService) -> list[str]:
    return [item.findtext("guid") or "" for item in feed_items(service)]


def text_article(title: str | None, body: str) -> dict[str, object]:
    article: dict[str, object] = {"text": body}
    if title is not None:
        article["title"] = title
    return article


def test_one_page_under_many_urls_is_one_article_and_the_feed_keeps_publishing(
    service: RunningService, pages: int
) -> None:
    plain = f"http://127.0.0.1:{pages}/story"
    first = service.narrate({"url": plain}, K1)
    variants = [
        f"{plain}?utm_source=newsletter&utm_medium=email",
        f"http://localhost:{pages}/story",
        f"http://LOCALHOST:{pages}/story?fbclid=abc#comments",
    ]
    for url in variants:
        again = service.http.post("/v1/articles", json={"url": url}, headers=K1)
        assert again.status_code == 200, again.text
        assert again.json()["id"] == first["id"]
    # Another key's copy is refused with the episode it already is.
    other = service.http.post("/v1/articles", json={"url": variants[0]}, headers=K2)
    assert other.status_code == 409
    assert first["id"] in other.json()["error"]["message"] or (
        first["page_url"].rsplit("/", 1)[1] in other.json()["error"]["message"]
    )
    # Every later article publishes, and the feed lists each episode exactly once.
    done = [
        service.narrate(text_article(f"Unrelated {n}", f"Item {n} of the day. It is short."), K1)
        for n in range(20)
    ]
    listed = guids(service)
    assert len(listed) == len(set(listed))
    assert listed.count(first["guid"]) == 1
    assert all(listed.count(job["guid"]) == 1 for job in done)
    enclosures = [item.find("enclosure").get("url") for item in feed_items(service)]  # type: ignore[union-attr]
    assert len(enclosures) == len(set(enclosures))


def test_same_titles_and_untitled_articles_from_two_keys_are_separate_episodes(
    service: RunningService,
) -> None:
    submissions = [
        (K1, text_article("Council vote", "Councillors voted to close the pool.")),
        (K2, text_article("Council vote", "The council approved a new library.")),
        (K1, text_article(None, "Rain is expected across the north tonight.")),
        (K2, text_article(None, "The bridge reopens to traffic on Friday.")),
    ]
    jobs = [service.narrate(body, key) for key, body in submissions]
    assert len({job["guid"] for job in jobs}) == 4
    assert len({job["audio_url"] for job in jobs}) == 4
    for (_, body), job in zip(submissions, jobs, strict=True):
        # Each job serves its own article's transcript.
        transcript = service.http.get(job["transcript_url"].removeprefix(service.base_url))
        assert str(body["text"]).removesuffix(".") in transcript.text, (body, transcript.text)
    listed = guids(service)
    assert all(listed.count(job["guid"]) == 1 for job in jobs)


def test_a_key_changes_and_deletes_only_its_own_articles(service: RunningService) -> None:
    mine = service.narrate(text_article("Owned", "Only my key may delete this one."), K1)
    url = f"/v1/episodes/{mine['id']}"
    assert service.http.delete(url, headers=K2).status_code == 403
    put = service.http.put(url, json={"text": "Taken over. By another key."}, headers=K2)
    assert put.status_code == 403
    assert mine["guid"] in guids(service)
    # The same content from another key is one episode: refused, naming it.
    copy = service.http.post(
        "/v1/articles", json=text_article("Owned", "Only my key may delete this one."), headers=K2
    )
    assert copy.status_code == 409
    # An admin key may delete any article.
    assert service.http.delete(url, headers=ADMIN).status_code == 204
    assert mine["guid"] not in guids(service)


def test_every_episode_can_be_deleted_by_the_id_the_api_shows(service: RunningService) -> None:
    job = service.narrate(text_article("By page id", "Deleted by its page's id."), K1)
    catalog_id = job["page_url"].rsplit("/", 1)[1]
    assert service.http.get(f"/v1/episodes/{catalog_id}").json()["guid"] == job["guid"]
    assert service.http.delete(f"/v1/episodes/{catalog_id}", headers=K2).status_code == 403
    assert service.http.delete(f"/v1/episodes/{catalog_id}", headers=K1).status_code == 204
    assert job["guid"] not in guids(service)
    assert service.http.get(f"/v1/episodes/{catalog_id}").status_code == 404
    assert service.http.get(f"/v1/episodes/{job['id']}", headers=K1).status_code == 404


def test_errors_and_unfinished_jobs_are_for_their_submitter(service: RunningService) -> None:
    secret = "Subscribe to our newsletter for the insider secret word pelican"
    answer = service.http.post(
        "/v1/articles", json={"html": f"<nav><a href='/x'>{secret}</a></nav>"}, headers=K1
    )
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    failed = service.wait(job_id, K1)
    assert failed["status"] == "failed" and failed["error"]
    assert service.http.get(f"/v1/episodes/{job_id}").status_code == 404
    assert service.http.get(f"/v1/episodes/{job_id}", headers=K2).status_code == 404
    assert service.http.get(f"/v1/episodes/{job_id}", headers=ADMIN).json()["status"] == "failed"
    anonymous = service.http.get("/v1/episodes", params={"limit": 100}).json()
    assert anonymous["items"] and all(item["status"] == "done" for item in anonymous["items"])
    assert "pelican" not in service.http.get("/v1/episodes", params={"limit": 100}).text
    theirs = service.http.get("/v1/episodes", params={"limit": 100}, headers=K2).json()
    assert job_id not in {item["id"] for item in theirs["items"]}
    mine = service.http.get("/v1/episodes", params={"limit": 100}, headers=K1).json()
    assert job_id in {item["id"] for item in mine["items"]}


def test_publication_times_keep_their_offset_and_the_future_is_refused(
    service: RunningService,
) -> None:
    body = text_article("Offset", "Published at noon in Paris.")
    job = service.narrate({**body, "published": "2024-06-01T12:00:00+02:00"}, K1)
    assert job["published"].startswith("2024-06-01T10:00:00")
    item = next(i for i in feed_items(service) if i.findtext("guid") == job["guid"])
    published = parsedate_to_datetime(item.findtext("pubDate") or "")
    assert published.utcoffset() is not None
    assert (published.hour - published.utcoffset().total_seconds() / 3600) % 24 == 10  # type: ignore[union-attr]
    future = service.http.post(
        "/v1/articles",
        json={**text_article("Later", "Not yet."), "published": "2199-01-01T00:00:00Z"},
        headers=K1,
    )
    assert future.status_code == 422
    assert "future" in future.json()["error"]["message"]
    channel = ET.fromstring(service.http.get("/feed.xml").content).find("channel")
    assert channel is not None
    build = parsedate_to_datetime(channel.findtext("lastBuildDate") or "")
    assert build.year < 9999


def test_a_final_paragraph_without_a_full_stop_is_read(service: RunningService) -> None:
    job = service.narrate(text_article(None, "Markets fell sharply today"), K1)
    transcript = service.http.get(job["transcript_url"].removeprefix(service.base_url)).text
    assert "Markets fell sharply today" in transcript


def test_the_outputs_stay_where_the_catalog_says(service: RunningService) -> None:
    # Every episode in the feed has its audio on disk: nothing half-written is listed.
    for item in feed_items(service):
        enclosure = item.find("enclosure")
        assert enclosure is not None
        name = (enclosure.get("url") or "").removeprefix(service.base_url).lstrip("/")
        assert (Path(service.out) / name).is_file(), name
