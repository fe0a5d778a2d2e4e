"""The pronunciation lexicon: loading, matching rules, errors, and its place in `prepare`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from narration.errors import BadInput
from narration.model import Block, BlockKind, Document
from narration.prepare.article import prepare
from narration.prepare.lexicon import Lexicon
from tests.helpers import ROOT

LEXICON = Lexicon(
    {
        "Sheinbaum": "Shane-bowm",
        "Wehrbein": "Wear-bine",
        "ofgem": "Off-jem",
        "gif": "jif",
        "Leo": "Lee-oh",
        "Pope Leo": "Pope Lay-oh",
        "Buck Wehrbein": "Buck Wear-bine senior",
        "US": "you ess",
        "us": "uhs",
    }
)


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # a key with capitals matches that spelling only
        ("Sheinbaum said no.", "Shane-bowm said no."),
        ("sheinbaum said no.", "sheinbaum said no."),
        ("SHEINBAUM said no.", "SHEINBAUM said no."),
        # a lower-case key matches any case
        ("ofgem, Ofgem and OFGEM", "Off-jem, Off-jem and Off-jem"),
        ("Gif files", "Jif files"),
        ("a gif file", "a jif file"),
        # whole words only
        ("Ofgemite rules", "Ofgemite rules"),
        ("Leopard and Leonard", "Leopard and Leonard"),
        ("the Sheinbaums", "the Sheinbaums"),
        ("Sheinbaum's plan", "Shane-bowm's plan"),
        ("a Sheinbaum-led government", "a Shane-bowm-led government"),
        ("O'Leo", "O'Leo"),
        # longest match first, multi-word keys, any whitespace between their words
        ("Pope Leo spoke", "Pope Lay-oh spoke"),
        ("Pope  Leo spoke", "Pope Lay-oh spoke"),
        ("Leo spoke", "Lee-oh spoke"),
        ("Buck Wehrbein and Wehrbein", "Buck Wear-bine senior and Wear-bine"),
        # an exact-case key wins over a caseless one of the same length
        ("US and us", "you ess and uhs"),
        ("Us", "Uhs"),
        ("Nothing to change here.", "Nothing to change here."),
    ],
)
def test_apply(written: str, spoken: str) -> None:
    assert LEXICON.apply(written) == spoken


def test_empty_lexicon_changes_nothing() -> None:
    assert Lexicon().apply("Sheinbaum said") == "Sheinbaum said"
    assert len(Lexicon()) == 0


def test_special_characters_in_keys_are_literal() -> None:
    lexicon = Lexicon({"C.E.O": "chief executive", "a+b": "a plus b"})
    assert lexicon.apply("The C.E.O said a+b.") == "The chief executive said a plus b."
    assert lexicon.apply("CxEyO") == "CxEyO"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[words]\nSheinbaum = "Shane-bowm"\nWehrbein = "Wear-bine"\n"Ofgem" = "Off-jem"\n'
        '"Pope Leo" = "Pope Lay-oh"\n',
    )
    lexicon = Lexicon.load(path)
    assert len(lexicon) == 4
    assert lexicon.source == str(path)
    assert lexicon.apply("Sheinbaum met Ofgem") == "Shane-bowm met Off-jem"


def test_fingerprint_follows_content_not_layout(tmp_path: Path) -> None:
    one = Lexicon.load(_write(tmp_path, '[words]\na = "x"\nb = "y"\n'))
    two = Lexicon({"b": "y", "a": "x"})
    three = Lexicon({"a": "x", "b": "z"})
    assert one.fingerprint == two.fingerprint
    assert one.fingerprint != three.fingerprint
    assert len(one.fingerprint) == 64


def test_a_file_without_words_is_empty(tmp_path: Path) -> None:
    assert len(Lexicon.load(_write(tmp_path, "# nothing yet\n"))) == 0


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[words]\nSheinbaum = ", "invalid TOML"),
        ('[words]\nSheinbaum = "a"\nSheinbaum = "b"\n', "invalid TOML"),
        ("[words]\nSheinbaum = 5\n", "must be a string, not int"),
        ('[words]\nSheinbaum = ["a"]\n', "must be a string, not list"),
        ('[words]\n"Pope Leo" = { a = "b" }\n', "must be a string, not dict"),
        ('words = "Sheinbaum"\n', "'words' must be a table"),
        ('[names]\nSheinbaum = "a"\n', "unknown table or key 'names'"),
        ('[words]\nSheinbaum = "  "\n', "empty word or respelling"),
        ('[words]\n"" = "a"\n', "empty word or respelling"),
    ],
)
def test_bad_lexicon_names_the_file_and_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(BadInput) as caught:
        Lexicon.load(path)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_missing_or_binary_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read the lexicon"):
        Lexicon.load(tmp_path / "missing.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00words")
    with pytest.raises(BadInput, match="not UTF-8"):
        Lexicon.load(binary)


def _doc() -> Document:
    return Document(
        title="Sheinbaum stands firm",
        blocks=(
            Block(BlockKind.HEADING, "What Sheinbaum said"),
            Block(BlockKind.PARAGRAPH, "Sheinbaum met Buck Wehrbein of the NCBA on 3 March."),
        ),
    )


def test_prepare_respells_the_spoken_form_only() -> None:
    article = prepare(_doc(), lexicon=Lexicon({"Sheinbaum": "Shane-bowm", "Wehrbein": "Wear-bine"}))
    assert article.title.display == "Sheinbaum stands firm"
    assert article.title.spoken == "Shane-bowm stands firm"
    section = article.sections[-1]
    assert section.heading.spoken == "What Shane-bowm said"
    (only,) = section.paragraphs[0]
    assert only.display == "Sheinbaum met Buck Wehrbein of the NCBA on 3 March."
    # The lexicon comes first; the spoken-form rules still apply around it.
    assert only.spoken == "Shane-bowm met Buck Wear-bine of the N-C-B-A on the third of March."


def test_prepare_without_lexicon_is_unchanged() -> None:
    (only,) = prepare(_doc()).sections[-1].paragraphs[0]
    assert only.spoken == "Sheinbaum met Buck Wehrbein of the N-C-B-A on the third of March."


def test_lexicon_entries_reach_the_voice_by_the_spoken_text() -> None:
    # The clip cache is keyed by the spoken text: an edit changes exactly those sentences.
    before = Lexicon({"Sheinbaum": "Shane-bowm"})
    after = Lexicon({"Sheinbaum": "Shine-bowm"})
    texts = ["Sheinbaum spoke.", "Nobody else did."]
    changed = [before.apply(t) != after.apply(t) for t in texts]
    assert changed == [True, False]


def _prepare_json(source: Path, lexicon_path: Path | None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATION_")}
    if lexicon_path is not None:
        env["NARRATION_LEXICON_PATH"] = str(lexicon_path)
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", "prepare", str(source), "--json"],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _sentences(article: dict[str, object]) -> list[dict[str, str]]:
    sections = article["sections"]
    assert isinstance(sections, list)
    return [s for section in sections for s in section["sentences"]]


@pytest.mark.slow
def test_cli_prepare_json_uses_the_lexicon_from_the_environment(tmp_path: Path) -> None:
    source = tmp_path / "story.txt"
    source.write_text(
        "Sheinbaum Stands Firm\n\nPresident Sheinbaum met Buck Wehrbein on Monday. "
        "Nobody else spoke.\n",
        encoding="utf-8",
    )
    lexicon = _write(tmp_path, '[words]\nSheinbaum = "Shane-bowm"\nWehrbein = "Wear-bine"\n')
    plain = _sentences(_prepare_json(source, None))
    respelled = _sentences(_prepare_json(source, lexicon))
    first = next(s for s in respelled if "Sheinbaum" in s["display"])
    assert "Shane-bowm" in first["spoken"] and "Wear-bine" in first["spoken"]
    assert "Shane-bowm" not in first["display"] and "Sheinbaum" in first["display"]
    assert all("Shane-bowm" not in s["spoken"] for s in plain)
    other = [s["spoken"] for s in respelled if "Sheinbaum" not in s["display"]]
    assert other == [s["spoken"] for s in plain if "Sheinbaum" not in s["display"]]


@pytest.mark.slow
def test_cli_refuses_a_broken_lexicon_with_exit_code_2(tmp_path: Path) -> None:
    source = tmp_path / "story.txt"
    source.write_text("A Title\n\nSheinbaum spoke today.\n", encoding="utf-8")
    lexicon = _write(tmp_path, "[words]\nSheinbaum = 5\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATION_")}
    env["NARRATION_LEXICON_PATH"] = str(lexicon)
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", "prepare", str(source), "--json"],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert done.returncode == 2
    assert str(lexicon) in done.stderr.decode()
    assert not done.stdout
