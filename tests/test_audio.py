"""Audio stages on synthetic signals: levelling, trimming, the script, sidecars, tags."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from mutagen.id3 import ID3

from narration.audio.chime import CHIME_UNDER_VOICE_LU, chime_pcm
from narration.audio.encode import Mp3Writer
from narration.audio.levels import (
    float_to_pcm,
    level_clip,
    loudness_lufs,
    pcm_to_float,
    trim_silence,
    true_peak_db,
)
from narration.audio.script import Chime, Role, Silence, Speech, build_script, intro_display
from narration.episode.sidecars import chapters_json, webvtt
from narration.episode.tags import EpisodeTags, mp3_duration, write_tags
from narration.model import Article, Chapter, Cue, LevelTarget, Section, Sentence

SR = 22050


def _speechlike(seconds: float, amplitude: float, seed: int = 1) -> np.ndarray:
    """Noise bursts shaped like syllables: a crest factor close to real speech."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    envelope = np.clip(np.sin(2 * np.pi * 3.5 * t), 0, None) ** 2
    return (amplitude * envelope * rng.standard_normal(t.size)).astype(np.float32)


@pytest.mark.parametrize("amplitude", [0.01, 0.1, 0.6])
def test_level_clip_reaches_target_with_peaks_under_ceiling(amplitude: float) -> None:
    x = np.clip(_speechlike(4.0, amplitude), -1, 1)
    out = pcm_to_float(level_clip(float_to_pcm(x), SR, LevelTarget(-16.0, -1.5)))
    assert abs(loudness_lufs(out, SR) - (-16.0)) < 0.6
    assert abs(pyloudnorm.Meter(SR).integrated_loudness(out.astype(np.float64)) + 16.0) < 0.6
    assert true_peak_db(out, SR) <= -1.5 + 0.05
    assert out.size == x.size


def test_true_peak_sees_intersample_peaks() -> None:
    # A sine at a quarter of the sample rate, sampled 45 degrees off its crests.
    n = np.arange(4000)
    x = (0.5 * np.sin(np.pi / 2 * n + np.pi / 4)).astype(np.float32)
    sample_peak = 20 * np.log10(np.abs(x).max())
    assert true_peak_db(x, SR) > sample_peak + 2.5


def test_trim_silence_keeps_speech_and_a_little_margin() -> None:
    body = _speechlike(1.0, 0.3)
    x = np.concatenate([np.zeros(SR // 2, np.float32), body, np.zeros(SR, np.float32)])
    trimmed = pcm_to_float(trim_silence(float_to_pcm(x), SR))
    assert 0.95 * SR < trimmed.size < 1.1 * SR
    assert trim_silence(bytes(1000), SR) == bytes(1000)


def test_chime_is_short_and_levelled_under_the_voice() -> None:
    raw = chime_pcm(SR, False)
    assert 0.8 < len(raw) / 2 / SR < 1.5
    assert chime_pcm(SR, True) != raw
    quieter = LevelTarget(-16.0 - CHIME_UNDER_VOICE_LU, -1.5)
    chime = pcm_to_float(level_clip(raw, SR, quieter))
    assert abs(loudness_lufs(chime, SR) - quieter.lufs) < 0.6


def _article() -> Article:
    def s(text: str) -> Sentence:
        return Sentence(text, text.lower())

    return Article(
        title=s("Title"),
        sections=(
            Section(s("Title"), ((s("One."), s("Two.")), (s("Three."),)), heading_is_title=True),
            Section(s("Second part"), ((s("Four."),),)),
        ),
        language="en",
        author="A. Writer",
        published=dt.date(2025, 11, 27),
    )


def test_script_orders_speech_pauses_and_chapters() -> None:
    article = _article()
    intro = Speech("Intro.", "intro.", Role.INTRO)
    outro = Speech("Outro.", "outro.", Role.OUTRO)
    script = build_script(article, intro, outro)
    segs = script.segments
    assert isinstance(segs[0], Chime) and isinstance(segs[-1], Chime) and segs[-1].closing
    spoken = [s.display for s in script.speeches]
    # The first section's heading is the title, already read in the intro.
    assert spoken == ["Intro.", "One.", "Two.", "Three.", "Second part", "Four.", "Outro."]
    chapters = [s.chapter for s in script.speeches if s.chapter]
    assert chapters == ["Title", "Second part"]
    pauses = [s.seconds for s in segs if isinstance(s, Silence)]
    assert max(pauses) > min(pauses) * 3  # sections pause longer than sentences
    assert intro_display(article, "Show") == "Show. Title. By A. Writer. Thursday 27 November 2025."


def test_webvtt_cues_and_escaping() -> None:
    vtt = webvtt((Cue(0.5, 2.25, "Fish & chips <b>"), Cue(3661.0, 3662.5, "Hour\nlater")))
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.250\nFish &amp; chips &lt;b&gt;")
    assert "01:01:01.000 --> 01:01:02.500\nHour later" in vtt


def test_chapters_json_format() -> None:
    import json

    doc = json.loads(chapters_json((Chapter("A", 0.0), Chapter("B", 12.3456)), "T"))
    assert doc == {
        "version": "1.2.0",
        "title": "T",
        "chapters": [{"startTime": 0.0, "title": "A"}, {"startTime": 12.346, "title": "B"}],
    }


def test_tags_round_trip(tmp_path: Path) -> None:
    writer = Mp3Writer(tmp_path / "a.mp3", SR, 64)
    writer.write(float_to_pcm(_speechlike(6.0, 0.2)))
    path = writer.finish()
    assert not (tmp_path / "a.mp3").exists()  # only the temporary file so far
    duration = mp3_duration(path)
    assert abs(duration - 6.0) < 0.1
    chapters = (Chapter("Intro", 0.0), Chapter("Part two", 3.2))
    write_tags(
        path,
        EpisodeTags(
            "T",
            "Author",
            "Show",
            "2025-11-27",
            "About it.",
            "en",
            chapters,
            duration,
            cover=b"\x89PNG fake",
        ),
    )
    tags = ID3(str(path))
    assert tags.version == (2, 4, 0)
    assert str(tags["TIT2"]) == "T" and str(tags["TALB"]) == "Show"
    assert str(tags["COMM::eng"]) == "About it."
    assert tags.getall("APIC")[0].data == b"\x89PNG fake"
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time) for c in chaps] == [
        (0, 3200),
        (3200, round(duration * 1000)),
    ]
    (toc,) = tags.getall("CTOC")
    assert toc.child_element_ids == [c.element_id for c in chaps]


def _names(script: object) -> dict[int, str]:
    from narration.audio.script import Script

    assert isinstance(script, Script)
    return {
        i: f"clip-{getattr(seg, 'spoken', 'chime')}-{getattr(seg, 'closing', '')}"
        for i, seg in enumerate(script.segments)
        if isinstance(seg, Speech | Chime)
    }


def test_scripts_are_cut_into_parts_at_every_paragraph_and_section_pause() -> None:
    from narration.audio.encode import ENCODER_DELAY_SAMPLES
    from narration.audio.parts import lead_silence, plan_parts
    from narration.audio.script import PARAGRAPH_GAP_S, Script

    intro, outro = Speech("Intro.", "intro.", Role.INTRO), Speech("Outro.", "outro.", Role.OUTRO)
    script = build_script(_article(), intro, outro)
    parts = plan_parts(script, _names(script), SR, 64)
    ranges = [p.indices for p in parts]
    assert ranges[0].start == 0 and ranges[-1].stop == len(script.segments)
    assert all(a.stop == b.start for a, b in itertools.pairwise(ranges))
    for later in ranges[1:]:
        opening = script.segments[later.start]
        assert isinstance(opening, Silence) and opening.seconds >= PARAGRAPH_GAP_S
        # The encoder's delay stands in for the start of the pause a part opens with.
        full = round(opening.seconds * SR)
        assert lead_silence(script, later, SR)[later.start] == full - ENCODER_DELAY_SAMPLES
    # Intro; first paragraph; second paragraph; second section; outro.
    assert len(parts) == 5
    assert len({p.key for p in parts}) == len(parts)

    # Editing one paragraph changes that part's key alone.
    article = _article()
    first = article.sections[0]
    edited = dataclasses.replace(
        article,
        sections=(
            dataclasses.replace(first, paragraphs=(first.paragraphs[0], (Sentence("3!", "3!"),))),
            *article.sections[1:],
        ),
    )
    script2 = build_script(edited, intro, outro)
    parts2 = plan_parts(script2, _names(script2), SR, 64)
    changed = [i for i, (a, b) in enumerate(zip(parts, parts2, strict=True)) if a.key != b.key]
    assert changed == [2]
    # Another bitrate is other audio.
    assert not {p.key for p in plan_parts(script, _names(script), SR, 96)} & {p.key for p in parts}
    # Nothing to cut at: a single part.
    plain = Script((Chime(), Silence(0.3), Speech("A.", "a.", Role.SENTENCE), Chime(closing=True)))
    assert [p.indices for p in plan_parts(plain, _names(plain), SR, 64)] == [range(0, 4)]


def test_a_long_paragraph_is_cut_at_sentence_pauses_and_an_edit_stays_in_its_part() -> None:
    from narration.audio.parts import LONG_PART_WORDS, plan_parts
    from narration.audio.script import PARAGRAPH_GAP_S, SENTENCE_GAP_S, Script

    def paragraph(last: str) -> Script:
        segs: list[Chime | Silence | Speech] = [Chime(), Silence(PARAGRAPH_GAP_S)]
        for n in range(40):
            if n:
                segs.append(Silence(SENTENCE_GAP_S))
            text = last if n == 39 else f"sentence {n} has exactly ten words in it, no more."
            segs.append(Speech(text, text, Role.SENTENCE))
        return Script((*segs, Silence(PARAGRAPH_GAP_S), Chime(closing=True)))

    script = paragraph("and the last one ends the long paragraph here today.")
    parts = plan_parts(script, _names(script), SR, 64)
    inside = [p for p in parts if isinstance(script.segments[p.indices.start], Silence)
              and script.segments[p.indices.start].seconds == SENTENCE_GAP_S]  # fmt: skip
    assert len(inside) == 400 // LONG_PART_WORDS
    for part in parts[1:-1]:
        spoken = sum(
            len(seg.spoken.split())
            for seg in (script.segments[i] for i in part.indices)
            if isinstance(seg, Speech)
        )
        assert spoken <= LONG_PART_WORDS + 10
    edited = paragraph("and the last one ends the long paragraph somewhere else.")
    again = plan_parts(edited, _names(edited), SR, 64)
    assert [p.indices for p in again] == [p.indices for p in parts]
    assert [a.key == b.key for a, b in zip(parts, again, strict=True)].count(False) == 1
