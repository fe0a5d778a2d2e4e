"""Whether words written differently sound the same: "fares" and "fairs", "rail fares" and
"railfares", "Whitaker" and "Whittaker". A recogniser that hears the right sounds and
writes another spelling has heard the voice say the right thing.

Words are compared by their phonemes as espeak-ng gives them (``espeak-ng -q -x --ipa``,
the phonemiser the espeak-ng voice itself speaks with), stress and spaces left out, so a
compound written as one word or as two sounds alike. Words heard as other words ("Adeyemi"
heard as "a name") have other phonemes and stay errors. Without espeak-ng no two different
spellings are alike.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterable, Sequence

log = logging.getLogger(__name__)

_IGNORED = str.maketrans("", "", "ˈˌ ‿-")
"""Stress marks, spaces and links between words: a compound is one word or two."""
_CLAUSE = ".\n"
"""Between words given to espeak-ng at once: each comes back on its own line."""


class Sounds:
    """Phonemes of words in one language, looked up in batches and kept."""

    def __init__(self, language: str, program: str | None = None) -> None:
        self.voice = language.replace("_", "-").split("-")[0].lower() or "en"
        self.program = program if program is not None else _espeak()
        self._known: dict[str, str] = {}

    def learn(self, words: Iterable[str]) -> None:
        """Look up the phonemes of ``words`` not known yet, in one run of espeak-ng."""
        wanted = sorted({w for w in words if w and w not in self._known})
        if not wanted or not self.program:
            return
        found = self._run(wanted)
        if found is None or len(found) != len(wanted):
            # One run per word when the batch does not come back a line a word.
            found = [(self._run([w]) or [""])[0] if len(wanted) > 1 else "" for w in wanted]
        for word, phonemes in zip(wanted, found, strict=True):
            self._known[word] = phonemes.translate(_IGNORED)

    def _run(self, words: Sequence[str]) -> list[str] | None:
        assert self.program
        text = _CLAUSE.join(_plain(w) for w in words) + _CLAUSE
        try:
            done = subprocess.run(
                [self.program, "-q", "-x", "--ipa", "-v", self.voice],
                input=text, capture_output=True, text=True, timeout=30, check=False,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("espeak-ng cannot give phonemes: %s", exc)
            self.program = ""
            return None
        if done.returncode != 0:
            log.warning("espeak-ng cannot give phonemes in %r: %s", self.voice, done.stderr)
            self.program = ""
            return None
        return [line.strip() for line in done.stdout.splitlines() if line.strip()]

    def of(self, words: Sequence[str]) -> str:
        """The phonemes of ``words`` said one after another ("" if any is unknown)."""
        self.learn(words)
        found = [self._known.get(w, "") for w in words]
        return "".join(found) if all(found) else ""

    def alike(self, first: Sequence[str], second: Sequence[str]) -> bool:
        """Whether the two runs of words sound the same (and are not both silent)."""
        if list(first) == list(second):
            return True
        ours = self.of(first)
        return bool(ours) and ours == self.of(second)


def _plain(word: str) -> str:
    # A stop or a line break inside a word would split it into two lines of phonemes.
    return word.replace(".", " point ").replace("\n", " ").strip() or word


def _espeak() -> str:
    return shutil.which("espeak-ng") or shutil.which("espeak") or ""
