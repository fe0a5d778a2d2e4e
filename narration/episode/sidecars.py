"""Files beside the audio: a WebVTT transcript, Podcasting 2.0 chapters JSON and the
waveform peaks the player draws (BBC audiowaveform JSON, version 2)."""

from __future__ import annotations

import json

from narration.model import Chapter, Cue, Waveform


def _timestamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _cue_text(text: str) -> str:
    # A cue's payload may not contain "-->" or a blank line; & and < must be escaped.
    text = " ".join(text.split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(cues: tuple[Cue, ...]) -> str:
    lines = ["WEBVTT", ""]
    for i, cue in enumerate(cues, 1):
        lines += [
            str(i),
            f"{_timestamp(cue.start_s)} --> {_timestamp(cue.end_s)}",
            _cue_text(cue.text),
            "",
        ]
    return "\n".join(lines)


def chapters_json(chapters: tuple[Chapter, ...], title: str) -> str:
    """The Podcasting 2.0 JSON chapters format, version 1.2.0."""
    doc = {
        "version": "1.2.0",
        "title": title,
        "chapters": [{"startTime": round(c.start_s, 3), "title": c.title} for c in chapters],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def peaks_json(wave: Waveform) -> str:
    """The waveform in the JSON format of BBC audiowaveform (read by peaks.js and others)."""
    doc = {
        "version": 2,
        "channels": 1,
        "sample_rate": wave.sample_rate,
        "samples_per_pixel": wave.samples_per_pixel,
        "bits": 8,
        "length": len(wave.data) // 2,
        "data": list(wave.data),
    }
    return json.dumps(doc, separators=(",", ":")) + "\n"
