"""The process settings in groups: every ``NARRATION_*`` variable still sets its setting,
flags (flat names) beat variables, a bad value names the variable or flag it came from,
and a show's file keys are the fields of ``Show``."""

from __future__ import annotations

from pathlib import Path

import pytest

from narration.config import FLAT_NAMES, GROUPS, Settings, Show, load_settings
from narration.errors import SettingsError
from narration.publish.shows import ShowFile, settings_for, show_for


def test_each_flat_name_is_one_field_of_one_group() -> None:
    places = list(FLAT_NAMES.values())
    assert len(places) == len(set(places)) == sum(len(g.model_fields) for g in GROUPS.values())
    top = set(Settings.model_fields) - set(GROUPS)
    assert not top & set(FLAT_NAMES), "a flat name is both a field and a grouped setting"


@pytest.mark.parametrize(
    ("variable", "value", "group", "field", "expected"),
    [
        ("NARRATION_FOLLOW_INTERVAL_S", "120", "follow", "interval_s", 120.0),
        ("NARRATION_CHECK", "1", "check", "enabled", True),
        ("NARRATION_CHECK_MAX_WER", "0.2", "check", "max_wer", 0.2),
        ("NARRATION_STATS", "false", "stats", "enabled", False),
        ("NARRATION_VOICE", "piper:en_US-joe-medium", "show", "voice", "piper:en_US-joe-medium"),
        ("NARRATION_SHOW_TITLE", "Harbour Daily", "show", "title", "Harbour Daily"),
        (
            "NARRATION_LEXICON_PATH",
            "/srv/lexicon.toml",
            "show",
            "lexicon_path",
            Path("/srv/lexicon.toml"),
        ),
        (
            "NARRATION_FETCH_ALLOW",
            "cms.internal, 10.20.0.0/16",
            "fetch",
            "allow",
            ["cms.internal", "10.20.0.0/16"],
        ),
        ("NARRATION_SHOW_OWNERS", '["' + "a" * 32 + '"]', "show", "owners", ["a" * 32]),
        ("NARRATION_QUEUE_NAME", "newsroom", "jobs", "queue_name", "newsroom"),
        ("NARRATION_BITRATE_KBPS", "96", "audio", "bitrate_kbps", 96),
        ("NARRATION_CALLBACK_ATTEMPTS", "3", "callback", "attempts", 3),
    ],
)
def test_a_variable_sets_its_setting_in_its_group(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, group: str, field: str,
    expected: object,
) -> None:  # fmt: skip
    monkeypatch.setenv(variable, value)
    assert getattr(getattr(load_settings(), group), field) == expected


def test_flags_beat_variables_and_keep_the_rest_of_the_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NARRATION_FOLLOW_THREADS", "8")
    monkeypatch.setenv("NARRATION_FOLLOW_TICK_S", "2")
    monkeypatch.setenv("NARRATION_CHECK", "")  # empty is unset
    settings = load_settings(follow_threads=3)
    assert (settings.follow.threads, settings.follow.tick_s) == (3, 2.0)
    assert settings.check.enabled is None
    copy = settings.replaced(follow_jitter=0.5, check=False)
    assert (copy.follow.threads, copy.follow.jitter, copy.check.enabled) == (3, 0.5, False)
    assert settings.follow.jitter == 0.1  # the original is unchanged


def test_a_bad_value_names_the_variable_or_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARRATION_RATE_WPM", "2")
    with pytest.raises(SettingsError, match=r"^NARRATION_RATE_WPM: .*greater than or equal to 80"):
        load_settings()
    monkeypatch.delenv("NARRATION_RATE_WPM")
    with pytest.raises(SettingsError, match=r"^follow_threads: .*less than or equal to 32"):
        load_settings(follow_threads=99)
    monkeypatch.setenv("NARRATION_FETCH_ALLOW", "[not json")
    with pytest.raises(SettingsError, match=r"^NARRATION_FETCH_ALLOW: .*not a JSON list"):
        load_settings()


def test_a_shows_file_key_is_the_show_field_of_that_name() -> None:
    renamed = {"lexicon": "lexicon_path"}
    keys = {renamed.get(k, k) for k in ShowFile.model_fields} - {"follow"}
    assert keys == set(Show.model_fields) - {"slug"}


def test_a_show_lays_its_own_values_over_the_default_shows(tmp_path: Path) -> None:
    shows = tmp_path / "shows.toml"
    shows.write_text(
        '[shows.business]\ntitle = "Business"\nvoice = "piper:en_US-joe-medium"\n'
        'lexicon = "lex/business.toml"\nrate_wpm = 190\n',
        encoding="utf-8",
    )
    base = Settings(
        out_dir=tmp_path, shows_path=shows, show_author="Harbour Daily", show_owners=["b" * 32]
    )
    show = show_for(base, "business")
    assert (show.slug, show.title, show.description) == ("business", "Business", "Business")
    assert (show.voice, show.rate_wpm) == ("piper:en_US-joe-medium", 190)
    assert show.lexicon_path == tmp_path / "lex" / "business.toml"
    assert show.author == "Harbour Daily"  # the default show's, not given by the file
    assert show.owners == []  # owners are never inherited from the default show
    made = settings_for(base, "business")
    assert made.show == show and made.feed_url.endswith("/shows/business/feed.xml")
    assert made.follow == base.follow and made.out_dir == base.out_dir
