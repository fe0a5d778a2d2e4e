"""The show page, episode pages, the iframe player page and the player's files, as HTML
and headers (the browser tests drive the same pages in Chromium)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.config import Settings
from narration.service.queue import JobQueue
from tests.api_fixtures import article, local, make_settings, narrate

pytestmark = pytest.mark.slow

XSS = "</title><b>Bold</b> prices"
"""Markup in a title (a script would be dropped as code before it reached a page)."""


class _Tags(HTMLParser):
    """Start tags and their attributes, and the text, of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    return tags


def two_chapter_article(title: str = "Harbour tolls rise") -> str:
    body = (
        "The tunnel opened on Friday. Drivers queued for an hour.\n\n"
        "## Prices\n\nA trip costs six pounds. Lorries pay more.\n\n"
        "## Reactions\n\nCommuters were angry. The operator defended the price."
    )
    return article(title, body)


def csp_of(headers: object) -> dict[str, str]:
    assert hasattr(headers, "get")
    policy = headers.get("content-security-policy")
    assert policy, "no Content-Security-Policy"
    return {d.split()[0]: d.strip() for d in policy.split(";") if d.strip()}


def test_episode_page_has_player_transcript_chapters_and_links(
    client: TestClient, settings: Settings
) -> None:
    ep = narrate(client, {"markdown": two_chapter_article(), "author": "Ann Lee"})
    page_url = str(ep["page_url"])
    answer = client.get(page_url.removeprefix(settings.base_url))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    tags = parse(html)
    text = " ".join(" ".join(tags.text).split())
    assert "<h1>Harbour tolls rise</h1>" in html
    assert "By Ann Lee" in text
    # The player, its fallback audio and nothing that runs inline.
    players = [a for t, a in tags.tags if t == "narration-player"]
    assert len(players) == 1 and players[0]["src"] == "/v1/episodes/" + page_url[-32:]
    audios = [a for t, a in tags.tags if t == "audio"]
    assert len(audios) == 1 and audios[0]["src"] == ep["audio_url"] and "controls" in audios[0]
    scripts = [a for t, a in tags.tags if t == "script"]
    assert scripts and all(a.get("src") for a in scripts)
    assert not any("style" in a for t, a in tags.tags if t != "textarea")
    # Chapters and the whole transcript, as written.
    # Each heading twice: in the chapter list and over its part of the transcript, not
    # again as the sentence that reads it aloud.
    assert text.count("Prices") == 2 and text.count("Reactions") == 2
    for sentence in ("Drivers queued for an hour.", "Lorries pay more.", "defended the price."):
        assert sentence in text
    # Download, subscribe and embed code.
    links = {a.get("href") for t, a in tags.tags if t == "a"}
    assert ep["audio_url"] in links
    assert any(str(h).startswith("podcast://") for h in links)
    assert any(str(h).startswith("podcasts://") for h in links)
    feed_inputs = [a for t, a in tags.tags if t == "input" and a.get("id") == "feed-url"]
    assert feed_inputs[0]["value"] == settings.feed_url
    assert f'src="{ep["embed_url"]}"' in text  # the iframe snippet, shown as text
    assert "<narration-player src=" in text


def test_article_text_is_escaped_everywhere(client: TestClient, settings: Settings) -> None:
    ep = narrate(client, {"markdown": two_chapter_article(XSS), "author": '"><img src=x>'})
    assert ep["title"] == XSS
    for path in (
        str(ep["page_url"]).removeprefix(settings.base_url),
        str(ep["embed_url"]).removeprefix(settings.base_url),
        "/",
    ):
        html = client.get(path).text
        assert XSS not in html, path
        assert "<img src=x>" not in html, path
        assert "&lt;/title&gt;&lt;b&gt;Bold&lt;/b&gt; prices" in html, path
        # The title reaches the page as text: the parser finds it in the text nodes.
        assert XSS in "".join(parse(html).text), path


def test_pages_forbid_inline_script_and_only_the_player_may_be_framed(
    client: TestClient, settings: Settings
) -> None:
    ep = narrate(client, {"markdown": two_chapter_article()})
    page = client.get(str(ep["page_url"]).removeprefix(settings.base_url))
    embed = client.get(str(ep["embed_url"]).removeprefix(settings.base_url))
    show = client.get("/")
    for answer in (page, embed, show):
        csp = csp_of(answer.headers)
        assert csp["script-src"] == "script-src 'self'"
        assert csp["style-src"] == "style-src 'self'"
        assert csp["default-src"] == "default-src 'none'"
        assert "unsafe" not in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert csp_of(page.headers)["frame-ancestors"] == "frame-ancestors 'self'"
    assert csp_of(show.headers)["frame-ancestors"] == "frame-ancestors 'self'"
    assert csp_of(embed.headers)["frame-ancestors"] == "frame-ancestors *"


def test_the_player_may_be_framed_by_the_configured_site_origins_only(tmp_path: Path) -> None:
    sites = ["https://news.example", "https://*.example.org"]
    settings = make_settings(tmp_path, site_origins=sites)
    queue = JobQueue(settings, immediate=True)
    try:
        with TestClient(create_app(settings, queue)) as client:
            ep = narrate(client, {"markdown": two_chapter_article()})
            embed = client.get(str(ep["embed_url"]).removeprefix(settings.base_url))
            assert csp_of(embed.headers)["frame-ancestors"] == (
                "frame-ancestors https://news.example https://*.example.org"
            )
    finally:
        queue.close()


def test_a_site_origin_that_could_break_the_policy_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="site_origins"):
        make_settings(tmp_path, site_origins=["https://a.example; script-src *"])


def test_embed_page_is_the_player_alone_with_a_theme(
    client: TestClient, settings: Settings
) -> None:
    ep = narrate(client, {"markdown": two_chapter_article()})
    path = str(ep["embed_url"]).removeprefix(settings.base_url)
    tags = parse(client.get(path + "?theme=dark").text)
    html_attrs = next(a for t, a in tags.tags if t == "html")
    assert "data-narration-embed" in html_attrs and html_attrs["data-theme"] == "dark"
    player = next(a for t, a in tags.tags if t == "narration-player")
    assert player["theme"] == "dark"
    assert [t for t, _ in tags.tags].count("audio") == 1
    # Unknown themes fall back to the reader's own preference.
    tags = parse(client.get(path + "?theme=%22%3E").text)
    assert next(a for t, a in tags.tags if t == "narration-player")["theme"] == "auto"


def test_show_page_lists_the_latest_episodes_newest_first(
    client: TestClient, settings: Settings
) -> None:
    second = narrate(
        client, {"markdown": two_chapter_article("Second story"), "published": "2026-02-02"}
    )
    first = narrate(
        client, {"markdown": two_chapter_article("First story"), "published": "2026-01-01"}
    )
    answer = client.get("/")
    assert answer.status_code == 200
    tags = parse(answer.text)
    hrefs = [a["href"] for t, a in tags.tags if t == "a" and a.get("class") == "episode-link"]
    assert hrefs == [second["page_url"], first["page_url"]]
    assert f'href="{settings.feed_url}"' in answer.text
    # The default show also answers under /shows/default/, as every other show does.
    same = client.get("/shows/default/")
    assert same.status_code == 200
    assert [a["href"] for t, a in parse(same.text).tags if a.get("class") == "episode-link"] == [
        second["page_url"],
        first["page_url"],
    ]


def test_unknown_episode_and_show_pages_answer_404(client: TestClient) -> None:
    assert client.get("/episodes/" + "0" * 32).status_code == 404
    assert client.get("/episodes/" + "0" * 32 + "/embed").status_code == 404
    assert client.get("/shows/nope/").status_code == 404


def test_a_job_id_leads_to_its_episode_page(client: TestClient, settings: Settings) -> None:
    answer = client.post(
        "/v1/articles",
        json={"markdown": two_chapter_article()},
        headers={"Authorization": "Bearer " + settings.api_keys[0]},
    )
    job_id = answer.json()["id"]
    ep = client.get(f"/v1/episodes/{job_id}").json()
    moved = client.get(f"/episodes/{job_id}", follow_redirects=False)
    page = str(ep["page_url"]).removeprefix(settings.base_url)
    # Under the configured base URL, not the request's Host.
    assert moved.status_code == 308 and moved.headers["location"] == ep["page_url"]
    # The public episode JSON is also reachable by the episode's own id.
    by_episode = client.get(f"/v1/episodes/{page.rsplit('/', 1)[1]}")
    assert by_episode.status_code == 200
    assert by_episode.json()["audio_url"] == ep["audio_url"]
    assert by_episode.headers["access-control-allow-origin"] == "*"


def test_player_files_are_served_to_any_origin(client: TestClient) -> None:
    for name, kind in (
        ("player.js", "text/javascript"),
        ("player.css", "text/css"),
        ("site.js", "text/javascript"),
        ("site.css", "text/css"),
    ):
        answer = client.get(f"/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["content-type"].startswith(kind)
        assert answer.headers["access-control-allow-origin"] == "*"
        etag = answer.headers["etag"]
        assert client.get(f"/{name}", headers={"If-None-Match": etag}).status_code == 304
    assert "customElements.define" in client.get("/player.js").text


def test_episode_json_carries_what_the_player_reads(client: TestClient, settings: Settings) -> None:
    ep = narrate(client, {"markdown": two_chapter_article(), "author": "Ann Lee"})
    assert ep["author"] == "Ann Lee"
    assert ep["show_title"] == settings.show.title
    assert [c["title"] for c in ep["chapters"]] == ["Harbour tolls rise", "Prices", "Reactions"]
    for key in ("transcript_url", "chapters_url", "peaks_url"):
        url = str(ep[key])
        answer = client.get(url.removeprefix(settings.base_url))
        assert answer.status_code == 200, key
        assert answer.headers["access-control-allow-origin"] == "*"
    peaks = json.loads(local(settings, ep["peaks_url"]).read_text())
    assert peaks["version"] == 2 and peaks["bits"] == 8 and peaks["channels"] == 1
    assert len(peaks["data"]) == 2 * peaks["length"]
    covered = peaks["length"] * peaks["samples_per_pixel"] / peaks["sample_rate"]
    assert abs(covered - float(str(ep["duration_s"]))) < 0.2
    assert re.fullmatch(r".*/episodes/[0-9a-f]{32}", str(ep["page_url"]))


def test_embed_page_takes_a_brand_colour(client: TestClient, settings: Settings) -> None:
    ep = narrate(client, {"markdown": two_chapter_article()})
    path = str(ep["embed_url"]).removeprefix(settings.base_url)
    tags = parse(client.get(path + "?accent=C8102E").text)
    assert next(a for t, a in tags.tags if t == "narration-player")["accent"] == "#c8102e"
    for bad in ("red", "%23c8102e%22", "12345"):
        tags = parse(client.get(f"{path}?accent={bad}").text)
        assert "accent" not in next(a for t, a in tags.tags if t == "narration-player"), bad
