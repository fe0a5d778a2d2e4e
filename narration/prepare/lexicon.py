"""A show's pronunciation lexicon: names and words mapped to respellings the voice reads well.

The lexicon is a TOML file with one table::

    [words]
    Sheinbaum = "Shane-bowm"
    "Ofgem" = "Off-jem"
    "Pope Leo" = "Pope Lay-oh"

A key in lower case matches the word in any case ("ofgem", "Ofgem", "OFGEM"); a key with
capitals matches only that spelling ("US" but not "us"). Keys match whole words (never
inside another word), may span several words, and the longest key wins where several
start at the same place. The lexicon is applied to the text before its spoken forms, so a
respelling meets the same rules as any text: write stress in mixed case ("Shane-bowm"),
since a syllable of two to five capitals ("SHAYN") would be spelled out as letters.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from narration.errors import BadInput

__all__ = ["Lexicon"]


def _key_pattern(key: str) -> str:
    words = (re.escape(word) for word in key.split())
    body = r"\s+".join(words)
    return f"(?i:{body})" if key == key.lower() else body


def _ordered(entries: Mapping[str, str]) -> list[str]:
    # Longest first so "Pope Leo" wins over "Leo"; an exact-case key before a caseless one
    # of the same length so "US" is not taken by "us".
    return sorted(entries, key=lambda k: (-len(k), k == k.lower(), k))


def _compile(entries: Mapping[str, str]) -> re.Pattern[str] | None:
    if not entries:
        return None
    keys = _ordered(entries)
    alternatives = "|".join(f"(?P<k{index}>{_key_pattern(key)})" for index, key in enumerate(keys))
    # Whole words only; a hyphen ("Sheinbaum-led") or a possessive ("Ofgem's") is a boundary.
    return re.compile(rf"(?<![\w'’])(?:{alternatives})(?!\w|['’](?!s\b)\w)")


@dataclass(frozen=True)
class Lexicon:
    """Respellings by written form; build with `Lexicon.load` or from a mapping."""

    entries: Mapping[str, str] = field(default_factory=dict)
    """Written form -> respelling."""
    source: str = ""
    """Where the entries came from (a path), for messages."""
    _keys: list[str] = field(init=False, repr=False, compare=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", _ordered(self.entries))
        object.__setattr__(self, "_pattern", _compile(self.entries))

    @classmethod
    def load(cls, path: Path | str) -> Lexicon:
        """Read a TOML lexicon; raises BadInput naming the file and the problem."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BadInput(f"{path}: cannot read the lexicon: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise BadInput(f"{path}: the lexicon is not UTF-8 text") from exc
        except tomllib.TOMLDecodeError as exc:
            raise BadInput(f"{path}: invalid TOML: {exc}") from exc
        return cls(entries=_entries(data, path), source=str(path))

    @property
    def fingerprint(self) -> str:
        """A hash of the entries: equal for equal content, whatever the file's layout."""
        canonical = json.dumps(sorted(self.entries.items()), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def __len__(self) -> int:
        return len(self.entries)

    def apply(self, text: str) -> str:
        """`text` with every listed word or phrase replaced by its respelling."""
        pattern, keys = self._pattern, self._keys
        if pattern is None:
            return text

        def replace(match: re.Match[str]) -> str:
            key = keys[int(str(match.lastgroup)[1:])]
            spoken = self.entries[key]
            written = match.group(0)
            # A caseless key at the start of a sentence keeps the capital: "gif" -> "Jif".
            if key == key.lower() and written[:1].isupper() and spoken[:1].islower():
                spoken = spoken[0].upper() + spoken[1:]
            return spoken

        return pattern.sub(replace, text)


def _entries(data: Mapping[str, object], path: Path) -> dict[str, str]:
    unknown = sorted(set(data) - {"words"})
    if unknown:
        raise BadInput(f"{path}: unknown table or key {unknown[0]!r}; expected only [words]")
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise BadInput(f"{path}: 'words' must be a table of word = \"respelling\"")
    entries: dict[str, str] = {}
    for key, value in words.items():
        if not isinstance(value, str):
            kind = type(value).__name__
            raise BadInput(f"{path}: words.{key!r} must be a string, not {kind}")
        written = " ".join(str(key).split())
        if not written or not value.strip():
            raise BadInput(f"{path}: words.{key!r}: empty word or respelling")
        if written in entries:
            raise BadInput(f"{path}: words.{key!r} is listed twice")
        entries[written] = " ".join(value.split())
    return entries
