"""Marks no rule gave a meaning: dropped, or made a pause, before the voice reads them.

The voice (espeak-ng, under Piper) says some marks by their names: "/" "slash", "\\"
"backslash", "~" "tilde", "*" "asterisk", "#" "hash", "©" "copyright"; others ("|", "^",
"_", "•", "<", ">") it skips or pauses on at random. None of that is the article. What
it reads, and what may therefore stay in a spoken form:

- words for marks, each alone: "+" (plus), "=" (equals), "%" (per cent), "@" (at),
  "&" (and), currency signs, "°" (degrees);
- punctuation it reads as pauses and intonation, alone or together: . , ; : ! ? … quotes,
  brackets and dashes, as in `."`, `?!`, `...”` or `),`.

`unread` finds what may not stay: any of `UNREAD`, and stray clusters (a run of dashes
such as "--" or "-----", "::", empty brackets, two word marks together such as "+=" or
"$%", "=" against other marks as in `="`). A web address keeps its spoken form ("bbc dot
co dot uk slash news", from the urls family): "slash" there is a word. The rules here run
last, in every language: they need no English (`quiet`).
"""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, apply_rules

UNREAD = "/\\|^~_*`{}<>#•·・¦©®™†‡"
"""Marks a spoken form may not hold: the voice says their names, or they are noise."""

WORD_MARKS = "+=%@&$£€¥"
"""Marks the voice reads as a word; each may stand alone."""

_RUN = re.compile(r"(?:[^\w\s]|_)+")
_STRAY = re.compile(r"[-–—‐]{2,}|::|\(\)|\[\]|[+=%@&$£€¥]{2,}")


def unread(text: str) -> list[str]:
    """The runs of marks in `text` the voice would read by name or as noise."""
    return [run for run in _RUN.findall(text) if _is_unread(run)]


def _is_unread(run: str) -> bool:
    if any(mark in UNREAD for mark in run):
        return True
    return len(run) > 1 and bool(_STRAY.search(run) or "=" in run)


_PAUSES = ".,;:!?…—–-"


def _pause(match: re.Match[str], style: Style) -> str:
    """A comma where the text had a mark, unless a pause already stands beside it."""
    before = match.string[: match.start()].rstrip()
    after = match.string[match.end() :].lstrip()
    if not before or not after or before[-1] in _PAUSES or after[0] in _PAUSES:
        return " "
    return ", "


def _space(match: re.Match[str], style: Style) -> str:
    return " "


def _between_words(match: re.Match[str], style: Style) -> str:
    """A space between two words ("a<b"), nothing against a quote or a space ("<name>'")."""
    text = match.string
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    return " " if before.isalnum() and after.isalnum() else ""


def _nothing(match: re.Match[str], style: Style) -> str:
    return ""


def _colon(match: re.Match[str], style: Style) -> str:
    return ":"


def _dash(match: re.Match[str], style: Style) -> str:
    return " — "


RULES: tuple[Rule, ...] = (
    # Escapes in quoted code ("\r\n") and the scheme of an address left unread.
    Rule("escape", re.compile(r"\\[nrt]"), _space),
    Rule("scheme", re.compile(r"\b(?:https?|ftp)://"), _nothing),
    Rule("path-start", re.compile(r"(?<!\S)(?:\.{1,2}|~)?/(?=\w)"), _nothing),
    # "--prefix": a command option is read by its name.
    Rule("option", re.compile(r"(?<!\S)-{2,}(?=\w)"), _nothing),
    # "-----", "————", "____", "a -- b": a rule line or a typed dash is a dash.
    Rule("dashes", re.compile(r"\s*(?:[-–—‐]{2,}|[_=~#*]{3,})\s*"), _dash),
    # "name_of_tarball" -> "name of tarball"; "__del__" -> "del".
    Rule("underscore-between", re.compile(r"(?<=[^\W_])_+(?=[^\W_])"), _space),
    Rule("underscore", re.compile(r"_+"), _nothing),
    # "Title | Site", "• item", "Settings > Security", "Pale Blue Dot / Lift Off".
    Rule("pause", re.compile(r"(?:\s*[|•·・¦])+\s*|\s[<>/]+(?=\s)"), _pause),
    Rule("slash", re.compile(r"/+"), _space),
    Rule("dropped", re.compile(r"[*^~`{}©®™†‡]"), _nothing),
    Rule("spaced", re.compile(r"[<>#\\]"), _between_words),
    Rule("word-marks", re.compile(r"[+=%@&$£€¥]{2,}|=(?=[^\w\s])|(?<=[^\w\s])="), _nothing),
    Rule("colons", re.compile(r"::+"), _colon),
    Rule("empty-brackets", re.compile(r"\(\s*\)|\[\s*\]"), _nothing),
)

_SPACES = re.compile(r"\s{2,}")
_SPACE_BEFORE_STOP = re.compile(r"(?<=\w) +(?=[,.;:?!](?:\s|$))")


def quiet(text: str) -> str:
    """`text` without the marks the voice would read by name, in any language."""
    spoken = apply_rules(text, RULES, "uk")
    if spoken == text:
        return text
    return _SPACE_BEFORE_STOP.sub("", _SPACES.sub(" ", spoken)).strip()
