"""The one exception tree of the core.

    NarrationError                 anything the core raises on purpose
    ├── BadInput                   the caller's input cannot be narrated (exit code 2)
    │   ├── SourceError            missing, unreadable, binary, too large or unsupported source
    │   ├── ExtractionError        nothing readable left after extraction
    │   ├── ConflictError          the article is already an episode that is not the caller's
    │   └── CheckFailed            the episode failed the listening check before publishing
    ├── SettingsError              a setting (flag or NARRATION_* variable) cannot be used
    ├── SynthesisError             the voice failed to read a sentence
    ├── AudioError                 decoding, loudness or encoding failed
    ├── PublishError               files or feed could not be written
    ├── CheckError                 the listening check cannot run (extra or model missing)
    ├── StoreError                 the database (catalog, jobs, tokens) could not be used
    └── Refused                    a use case will not do what the caller asked (API: 4xx)
        ├── NotFound               no such episode, or none the caller may see
        ├── Forbidden              it belongs to another key
        └── WrongState             not in its present state (queued, running, another show)

Third-party exceptions are converted at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations


class NarrationError(Exception):
    """Base class of every error the core raises on purpose."""


class BadInput(NarrationError):
    """The input cannot be narrated; the message tells the user what to fix."""


class SourceError(BadInput):
    """The source is missing, unreadable, binary, too large or of an unsupported type."""


class ExtractionError(BadInput):
    """Nothing readable is left after extraction."""


class ConflictError(BadInput):
    """The article (by its key or its content) is already an episode the caller may not
    change: it names that episode."""

    def __init__(self, message: str, episode_id: str) -> None:
        super().__init__(message)
        self.episode_id = episode_id

    def __reduce__(self) -> tuple[type[ConflictError], tuple[str, str]]:
        # Raised in a worker process and pickled back: both arguments travel.
        return (type(self), (str(self), self.episode_id))


class CheckFailed(BadInput):
    """The episode's audio was heard back and differs too much from the article: it is
    not published. The message lists the flagged sentences."""


class SettingsError(NarrationError):
    """A setting has a value that cannot be used; the message names its variable."""


class SynthesisError(NarrationError):
    """The text-to-speech backend failed to read a sentence."""


class AudioError(NarrationError):
    """Audio could not be decoded, measured, normalised or encoded."""


class PublishError(NarrationError):
    """The episode files, the catalog or the feed could not be written."""


class StoreError(NarrationError):
    """The database that holds the catalog, the jobs and the tokens could not be used.
    The message never carries the database URL's password."""


class CheckError(NarrationError):
    """The listening check cannot run: the ``check`` extra is not installed, or the
    speech recogniser's model is missing or damaged."""


class Refused(NarrationError):
    """A use case of ``narration.app`` will not do what the caller asked; the message
    says why, in words a client can show."""


class NotFound(Refused):
    """What the caller names does not exist, or is not one the caller may see."""


class Forbidden(Refused):
    """What the caller names belongs to another key."""


class WrongState(Refused):
    """What the caller names cannot be changed so in its present state (a job still
    queued or running, an episode of another show)."""
