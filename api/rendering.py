"""The HTML pages listeners see: the show page, an episode's page and the player page made
for an ``<iframe>``. Rendered with Jinja2, every value escaped; no inline script or
style, so the Content-Security-Policy can forbid both.

The data comes from the catalog (the source of truth) and the transcript file beside the
audio; nothing here knows HTTP beyond the security headers the routes send with a page.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
import markupsafe
import webvtt

from narration.config import Settings
from narration.episode.cover import cover_name
from narration.model import Episode
from narration.publish.shows import published_settings
from narration.service.views import EpisodeView, episode_view, page_url

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
THEMES = ("auto", "light", "dark")
SHOW_PAGE_EPISODES = 50


@dataclass(frozen=True)
class TranscriptPart:
    """The sentences heard in one chapter."""

    title: str
    start_s: float
    sentences: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class Subscribe:
    """Ways to follow a show: its feed URL and the links podcast apps open."""

    feed_url: str
    links: tuple[tuple[str, str], ...]
    """(app name, URL) pairs."""


def subscribe_links(settings: Settings) -> Subscribe:
    feed = settings.feed_url
    parts = urlsplit(feed)
    bare = parts.netloc + parts.path + (f"?{parts.query}" if parts.query else "")
    apple = settings.show.apple_podcasts_url or f"podcasts://{bare}"
    links = (
        ("Apple Podcasts", apple),
        ("Overcast", "overcast://x-callback-url/add?url=" + quote(feed, safe="")),
        ("Pocket Casts", f"pktc://subscribe/{bare}"),
        ("AntennaPod", f"antennapod-subscribe://{bare}"),
        ("Other podcast apps", f"podcast://{bare}"),
    )
    return Subscribe(feed, links)


def read_transcript(path: Path, ep: Episode) -> tuple[TranscriptPart, ...]:
    """The episode's transcript sentences grouped by chapter; empty when the file is gone."""
    try:
        cues = _cues(path)
    except (OSError, UnicodeDecodeError, webvtt.errors.MalformedFileError):
        return ()
    chapters = list(ep.chapters)
    groups: list[list[tuple[float, str]]] = [[] for _ in chapters] or [[]]
    for start, text in cues:
        index = 0
        for i, chapter in enumerate(chapters):
            if chapter.start_s <= start + 0.001:
                index = i
        groups[index].append((start, text))
    if not chapters:
        return (TranscriptPart(ep.title, 0.0, tuple(groups[0])),)
    # A section heading is read aloud as its chapter's first sentence: shown once, as the
    # heading.
    for chapter, group in zip(chapters, groups, strict=True):
        if group and _bare(group[0][1]) == _bare(chapter.title):
            group.pop(0)
    return tuple(
        TranscriptPart(c.title, c.start_s, tuple(g)) for c, g in zip(chapters, groups, strict=True)
    )


def _bare(text: str) -> str:
    return " ".join(text.replace(".", " ").split())


@functools.lru_cache(maxsize=256)
def _cues(path: Path) -> tuple[tuple[float, str], ...]:
    """(start in seconds, text) of each cue. Cached by path: an episode's files are never
    rewritten in place (a new version gets new names); a failed read is not cached."""
    captions = webvtt.from_buffer(io.StringIO(path.read_text(encoding="utf-8"))).captions
    # The cue payload keeps its escapes (&amp; &lt; &gt;); the template escapes again.
    return tuple((c.start_time.in_milliseconds() / 1000, html.unescape(c.text)) for c in captions)


def clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss``."""
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def long_date(value: dt.datetime | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def accent_of(value: str | None) -> str | None:
    """A brand colour asked for in the query string (``rrggbb``, with or without ``#``)."""
    if value and re.fullmatch(r"#?[0-9a-fA-F]{6}", value):
        return "#" + value.lstrip("#").lower()
    return None


def theme_of(value: str | None) -> str:
    """A theme asked for in the query string; unknown values fall back to ``auto``."""
    return value if value in THEMES else "auto"


def security_headers(settings: Settings, *, embed: bool) -> dict[str, str]:
    """Content-Security-Policy and friends for a page. Scripts and styles come from this
    origin only (no inline ones); audio, images and episode data may also come from the
    published base URL. Only the player page may be framed, by the configured site
    origins (any when none are configured)."""
    base = urlsplit(settings.base_url)
    origin = f"{base.scheme}://{base.netloc}" if base.scheme and base.netloc else ""
    extra = f" {origin}" if origin else ""
    ancestors = (" ".join(settings.site_origins) or "*") if embed else "'self'"
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data:{extra}",
            f"media-src 'self'{extra}",
            f"connect-src 'self'{extra}",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )
    return {
        "content-security-policy": policy,
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "cache-control": "public, max-age=60",
    }


class Pages:
    """Renders the pages from the templates directory."""

    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["clock"] = clock
        self.env.filters["long_date"] = long_date

    def render(self, name: str, show: Settings, **context: Any) -> str:
        """Render ``name`` for a page of ``show``; its cover is also the page's icon."""
        cover_url = show.url_for(cover_name(show))
        return self.env.get_template(name).render(show=show, cover_url=cover_url, **context)

    def show(self, settings: Settings, slug: str, episodes: list[Episode], theme: str) -> str:
        show = published_settings(settings, slug)
        items = [(ep, page_url(settings, ep)) for ep in episodes]
        return self.render(
            "show.html", show, items=items, subscribe=subscribe_links(show), theme=theme
        )

    def episode(self, settings: Settings, ep: Episode, theme: str) -> str:
        show = published_settings(settings, ep.show)
        view = episode_view(None, ep, settings)
        embed_snippet, component_snippet = snippets(settings, view)
        return self.render(
            "episode.html",
            show,
            ep=ep,
            view=view,
            api_path=f"/v1/episodes/{ep.id}",
            transcript=read_transcript(settings.out_dir / ep.transcript_name, ep),
            subscribe=subscribe_links(show),
            embed_snippet=embed_snippet,
            component_snippet=component_snippet,
            show_url=show_page_url(settings, show.show.slug),
            theme=theme,
        )

    def embed(self, settings: Settings, ep: Episode, theme: str, accent: str | None = None) -> str:
        return self.render(
            "embed.html",
            published_settings(settings, ep.show),
            ep=ep,
            view=episode_view(None, ep, settings),
            api_path=f"/v1/episodes/{ep.id}",
            theme=theme,
            accent=accent,
        )


def show_page_url(settings: Settings, slug: str) -> str:
    return settings.url_for("/" if slug == "default" else f"shows/{slug}/")


def snippets(settings: Settings, view: EpisodeView) -> tuple[str, str]:
    """The HTML a publisher pastes: an ``<iframe>`` (with the script that fits its height
    to the player), and the web component."""
    script = settings.url_for("player.js")
    title = markupsafe.escape(f"Listen: {view.title}")
    embed = (
        f'<iframe src="{view.embed_url}" title="{title}" width="100%" height="250"'
        ' style="border:0;max-width:720px" loading="lazy" allow="autoplay"></iframe>\n'
        f'<script type="module" src="{script}"></script>'
    )
    component = (
        f'<script type="module" src="{script}"></script>\n'
        f'<narration-player src="{settings.url_for("v1/episodes/" + view.id)}">'
        "</narration-player>"
    )
    return embed, component
