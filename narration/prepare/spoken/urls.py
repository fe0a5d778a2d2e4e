"""Web and e-mail addresses: "ofgem.gov.uk/price-cap" -> "ofgem dot gov dot uk slash price cap"."""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, pad

TLDS: tuple[str, ...] = (
    "com", "org", "net", "gov", "edu", "int", "mil", "info", "io", "co", "uk", "us", "eu",
    "ie", "fr", "de", "es", "it", "nl", "au", "nz", "ca", "in", "news", "tv", "me", "app", "dev",
)  # fmt: skip
"""Endings that mark a bare word.word as a domain; others need an explicit scheme."""

_TAIL = r"(?:/[^\s]*[^\s.,;:!?)\]”’\"'])?/?"
_HOST = r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*"
_URL = re.compile(
    rf"(?<![\w.@/-])(?:https?://{_HOST}|(?:www\.)?{_HOST}\.(?:{'|'.join(TLDS)})\b){_TAIL}"
)
_EMAIL = re.compile(rf"(?<![\w.@])[\w.+-]+@{_HOST}\.[A-Za-z]{{2,}}\b")

_SAID: dict[str, str] = {".": " dot ", "/": " slash ", "@": " at ", "-": " ", "_": " "}


def _say(address: str) -> str:
    for mark, spoken in _SAID.items():
        address = address.replace(mark, spoken)
    return " ".join(address.split())


def _url(match: re.Match[str], style: Style) -> str:
    address = re.sub(r"^https?://", "", match.group(0))
    # The query string and fragment are noise when read aloud.
    address = re.split(r"[?#]", address)[0].rstrip("/")
    if address.startswith("www."):
        address = "w w w." + address[4:]
    return pad(match, _say(address))


def _email(match: re.Match[str], style: Style) -> str:
    return pad(match, _say(match.group(0)))


RULES: tuple[Rule, ...] = (
    Rule("email", _EMAIL, _email),
    Rule("url", _URL, _url),
)
