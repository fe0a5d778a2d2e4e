"""Markdown with optional YAML front matter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from narration.ingest.extract import normalise_space, same_text
from narration.ingest.extract.tidy import as_list_item, table_note
from narration.model import Block, BlockKind, Document, RawSource

# Front-matter keys in the order they are preferred; static site generators disagree.
TITLE_KEYS = ("title", "headline", "name")
AUTHOR_KEYS = ("author", "authors", "byline", "creator")
DATE_KEYS = ("date", "published", "pubDate", "publishDate", "published_at", "created")
LANGUAGE_KEYS = ("language", "lang", "locale")
STANDFIRST_KEYS = ("standfirst", "description", "summary", "subtitle", "dek", "excerpt", "lede")
URL_KEYS = ("url", "canonical_url", "canonical", "link", "permalink")
IMAGE_KEYS = ("image", "cover", "cover_image", "og_image", "featured_image", "thumbnail")

# Blocks that are not read aloud: their tokens are skipped up to the matching close.
_SKIPPED_BLOCKS = frozenset({"table_open"})
# "[^1]" footnote references left in the text once their definitions are dropped.
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
# A footnote definition and its indented continuation lines.
_FOOTNOTE_DEF = re.compile(r"^\[\^[^\]\s]+\]:[^\n]*(?:\n[ \t]+[^\n]*)*", re.M)
# Pandoc's table captions: "Table: Average speeds" or ": Average speeds" beside the table.
_TABLE_CAPTION = re.compile(r"^(?:Table(?:\s+\d+)?\s*[:.]|:)\s*(?P<caption>\S.*)$")
_CODE_TAG = re.compile(r"</?(?:script|style|noscript|template)\b", re.I)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def extract_markdown(source: RawSource) -> Document:
    metadata, body = _split(source.text)
    title = _string(metadata, TITLE_KEYS) or ""
    found = _blocks(body)
    # A leading H1 is the headline: the title when the front matter has none, and not
    # read twice when it has one. Any other H1 is an ordinary heading.
    if found and found[0][1] and (not title or same_text(found[0][0].text, title)):
        title = title or found.pop(0)[0].text
    blocks = [block for block, _ in found]
    return Document(
        title=title,
        blocks=tuple(blocks),
        author=_author(metadata),
        published=_date(metadata),
        language=front_matter_language(metadata),
        standfirst=_string(metadata, STANDFIRST_KEYS),
        url=_string(metadata, URL_KEYS),
        image_url=_string(metadata, IMAGE_KEYS),
    )


def _split(text: str) -> tuple[Mapping[str, Any], str]:
    read = read_front_matter(text)
    if read is None:
        # Broken front matter is not worth refusing the article for: read the body.
        return {}, _FRONT_MATTER.sub("", text, count=1)
    return read


def read_front_matter(text: str) -> tuple[Mapping[str, Any], str] | None:
    """The front matter (empty when there is none) and the body; None when the front
    matter is broken."""
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError, TypeError):
        return None
    metadata = post.metadata if isinstance(post.metadata, Mapping) else {}
    return metadata, post.content


def _blocks(body: str) -> list[tuple[Block, bool]]:
    """Headings and paragraphs, each with whether it is an H1."""
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    tokens = parser.parse(_FOOTNOTE_DEF.sub("", body))
    found: list[tuple[Block, bool]] = []
    skip_until: str | None = None
    in_list = 0
    for i, token in enumerate(tokens):
        if skip_until is not None:
            if token.type == skip_until:
                skip_until = None
            continue
        if token.type in _SKIPPED_BLOCKS:
            skip_until = token.type.replace("_open", "_close")
            found.append((table_note(), False))
        elif token.type == "list_item_open":
            in_list += 1
        elif token.type == "list_item_close":
            in_list -= 1
        elif token.type in {"heading_open", "paragraph_open"}:
            text = _inline_text(tokens[i + 1])
            kind = BlockKind.HEADING if token.type == "heading_open" else BlockKind.PARAGRAPH
            if text and kind is BlockKind.PARAGRAPH and in_list:
                text = as_list_item(text)
            if text:
                found.append((Block(kind, text), token.tag == "h1"))
    return _caption_tables(found)


def _caption_tables(found: list[tuple[Block, bool]]) -> list[tuple[Block, bool]]:
    """A "Table: ..." paragraph next to a table is its caption, read in the table's note."""
    out = list(found)
    for i, (block, _) in enumerate(out):
        if block.text != table_note().text:
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(out) and out[j][0].kind is BlockKind.PARAGRAPH:
                match = _TABLE_CAPTION.match(out[j][0].text)
                if match:
                    out[i] = (table_note(match.group("caption")), False)
                    out[j] = (Block(BlockKind.PARAGRAPH, ""), False)
                    break
    return [(b, h1) for b, h1 in out if b.text]


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    hidden = 0
    for child in token.children or ():
        if child.type == "html_inline" and _CODE_TAG.match(child.content):
            # Text between <script> and </script> written inline is program text.
            hidden += -1 if child.content.startswith("</") else 1
        elif child.type == "s_open":
            hidden += 1
        elif child.type == "s_close":
            hidden -= 1
        elif hidden:
            continue
        elif child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return normalise_space(_FOOTNOTE_REF.sub("", "".join(parts)))


def _string(metadata: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        value = metadata.get(key)
        if isinstance(value, str | int | float) and normalise_space(str(value)):
            return normalise_space(str(value))
    return None


def _author(metadata: Mapping[str, Any]) -> str | None:
    for key in AUTHOR_KEYS:
        value = metadata.get(key)
        names = value if isinstance(value, list) else [value]
        found = [_name(v) for v in names]
        clean = [n for n in found if n]
        if clean:
            return ", ".join(clean[:-1]) + (" and " if len(clean) > 1 else "") + clean[-1]
    return None


def _name(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("name")
    return normalise_space(value) or None if isinstance(value, str) else None


def _date(metadata: Mapping[str, Any]) -> dt.datetime | dt.date | None:
    for key in DATE_KEYS:
        value = metadata.get(key)
        if isinstance(value, dt.date):  # YAML already parsed it (datetime is a date too)
            return value
        if isinstance(value, str):
            text = value.strip().replace("Z", "+00:00")
            try:
                if len(text) <= len("2025-11-26"):
                    return dt.date.fromisoformat(text)
                return dt.datetime.fromisoformat(text)
            except ValueError:
                continue
    return None


def front_matter_language(metadata: Mapping[str, Any]) -> str | None:
    """The language the front matter declares, as a two-letter code."""
    value = _string(metadata, LANGUAGE_KEYS)
    if value is None:
        return None
    code = value.replace("_", "-").split("-")[0].lower()
    return code if len(code) == 2 and code.isalpha() else None
