"""Reading sources: kinds, decoding and every way a source can be refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from narration.errors import BadInput, SourceError
from narration.ingest.sources import read_source, sniff_kind
from narration.model import SourceKind

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.html", SourceKind.HTML),
        ("a.HTM", SourceKind.HTML),
        ("a.xhtml", SourceKind.HTML),
        ("a.md", SourceKind.MARKDOWN),
        ("a.markdown", SourceKind.MARKDOWN),
        ("a.txt", SourceKind.TEXT),
    ],
)
def test_kind_from_extension_wins_over_content(tmp_path: Path, name: str, kind: SourceKind) -> None:
    source = read_source(write(tmp_path, name, "# Looks like markdown\n\nBut see the extension."))
    assert source.kind is kind
    assert source.name == "a"
    assert source.path == tmp_path / name


def test_samples_are_read_with_their_kinds() -> None:
    assert read_source(str(SAMPLES / "harbour-tunnel.html")).kind is SourceKind.HTML
    assert read_source(str(SAMPLES / "energy-bills-explainer.md")).kind is SourceKind.MARKDOWN
    text = read_source(str(SAMPLES / "london-daily-sheinbaum.txt"))
    assert text.kind is SourceKind.TEXT
    assert text.name == "london-daily-sheinbaum"
    assert "Sheinbaum" in text.text


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("<!DOCTYPE html><html><body><p>Hi</p></body></html>", SourceKind.HTML),
        ("  <html lang='en'><p>Hi</p></html>", SourceKind.HTML),
        ("<div><p>One</p><p>Two</p><p>Three</p></div>", SourceKind.HTML),
        ("---\ntitle: X\n---\n\nBody text.\n", SourceKind.MARKDOWN),
        ("Intro line\n\n## A heading\n\nBody.\n", SourceKind.MARKDOWN),
        ("# Title\n\nBody.\n", SourceKind.MARKDOWN),
        ("Just a plain article.\n\nWith two paragraphs, 3 < 4.\n", SourceKind.TEXT),
        ("#hashtag is not a heading\n", SourceKind.TEXT),
    ],
)
def test_sniffing_without_extension(tmp_path: Path, content: str, kind: SourceKind) -> None:
    assert sniff_kind(content) is kind
    source = read_source(write(tmp_path, "article", content))
    assert source.kind is kind
    assert source.name == "article"


def test_dotted_name_without_real_extension_is_sniffed(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "story.2025-11-27", "# Title\n\nBody text.\n"))
    assert source.kind is SourceKind.MARKDOWN


def test_stdin_is_read_and_sniffed() -> None:
    stream = io.BytesIO(b"<!doctype html><html><body><p>Hello</p></body></html>")
    source = read_source("-", stdin=stream)
    assert source.name == "stdin"
    assert source.kind is SourceKind.HTML
    assert source.path is None


def test_stdin_plain_text() -> None:
    source = read_source("-", stdin=io.BytesIO("Caf\u00e9 news.\r\nSecond line.\r\n".encode()))
    assert source.kind is SourceKind.TEXT
    assert source.text == "Caf\u00e9 news.\nSecond line.\n"


def test_stdin_too_large_reads_at_most_one_byte_over() -> None:
    stream = io.BytesIO(b"a" * 5000)
    with pytest.raises(SourceError, match=r"^stdin: .*larger than"):
        read_source("-", stdin=stream, max_bytes=100)
    assert stream.tell() == 101


def test_stdin_empty() -> None:
    with pytest.raises(SourceError, match=r"^stdin: is empty"):
        read_source("-", stdin=io.BytesIO(b""))


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.html")
    with pytest.raises(SourceError, match=r"nope\.html: no such file"):
        read_source(path)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="is a directory"):
        read_source(str(tmp_path))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"empty.txt: is empty"):
        read_source(write(tmp_path, "empty.txt", b""))


def test_whitespace_only_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"blank.md: contains only whitespace"):
        read_source(write(tmp_path, "blank.md", " \n\t\r\n  \n"))


def test_too_large_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "big.txt", "word " * 100)

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_open)
    with pytest.raises(SourceError, match=r"big.txt: file is 500 bytes, larger than the 100 bytes"):
        read_source(path, max_bytes=100)


def test_default_limit_is_two_megabytes(tmp_path: Path) -> None:
    path = write(tmp_path, "huge.txt", b"a" * (2 * 1024 * 1024 + 1))
    with pytest.raises(SourceError, match=r"larger than the 2.0 MB limit"):
        read_source(path)


def test_binary_with_nul_bytes(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"data.txt: looks like binary data"):
        read_source(write(tmp_path, "data.txt", b"Hello\x00\x01\x02world" * 10))


def test_random_bytes_without_extension(tmp_path: Path) -> None:
    data = bytes(range(128, 256)) * 4 + bytes(range(1, 32))
    with pytest.raises(SourceError, match="looks like binary data"):
        read_source(write(tmp_path, "blob", data))


@pytest.mark.parametrize("name", ["report.pdf", "letter.docx", "episode.mp3", "chart.png"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, b"%PDF-1.7 whatever")
    suffix = Path(name).suffix
    expected = rf"{name}: unsupported file type '\{suffix}' \(use HTML, Markdown or plain text\)"
    with pytest.raises(SourceError, match=expected):
        read_source(path)


def test_unsupported_extension_checked_even_if_missing() -> None:
    with pytest.raises(SourceError, match=r"samples/x.pdf: unsupported file type '.pdf'"):
        read_source("samples/x.pdf")


def test_utf8_bom_is_removed(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "bom.txt", b"\xef\xbb\xbfHello there."))
    assert source.text == "Hello there."


def test_utf16_with_bom(tmp_path: Path) -> None:
    data = "\ufeffTitle\n\nCaf\u00e9 society returns.".encode("utf-16-le")
    source = read_source(write(tmp_path, "wide.txt", data))
    assert source.text == "Title\n\nCaf\u00e9 society returns."


def test_charset_declared_in_html_meta(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="iso-8859-7"></head>'
        "<body><p>\u0391\u03b8\u03ae\u03bd\u03b1</p></body></html>"
    )
    source = read_source(write(tmp_path, "greek.html", html.encode("iso-8859-7")))
    assert "\u0391\u03b8\u03ae\u03bd\u03b1" in source.text


def test_cp1252_fallback(tmp_path: Path) -> None:
    source = read_source(
        write(tmp_path, "old.txt", "It\u2019s \u00a35 \u2013 cheap.".encode("cp1252"))
    )
    assert source.text == "It\u2019s \u00a35 \u2013 cheap."


def test_cp1252_with_control_characters_is_binary(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="binary"):
        read_source(write(tmp_path, "odd.txt", b"Price \x80 5\x07\x1b here \xff"))


def test_errors_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        read_source(str(tmp_path / "missing.txt"))


def test_permission_error_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "locked.txt", "Some words.")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(SourceError, match=r"locked.txt: cannot read file \(permission denied\)"):
        read_source(path)


def test_mojibake_is_repaired(tmp_path: Path) -> None:
    text = "We don\u00e2\u20ac\u2122t know, said the caf\u00c3\u00a9 owner."
    source = read_source(write(tmp_path, "moji.txt", text))
    assert source.text == "We don\u2019t know, said the caf\u00e9 owner."


def test_mixed_utf8_and_cp1252_bytes(tmp_path: Path) -> None:
    data = "Caf\u00e9 \u2013 ".encode() + b"the owner\x92s view, \x93quoted\x94."
    source = read_source(write(tmp_path, "mixed.txt", data))
    assert source.text == "Caf\u00e9 \u2013 the owner\u2019s view, \u201cquoted\u201d."


def test_curly_quotes_and_entities_are_left_alone(tmp_path: Path) -> None:
    html = "<p>\u201cIt\u2019s fine,\u201d she said &amp; left.</p>" * 3
    source = read_source(write(tmp_path, "q.html", html))
    assert source.text == html


def test_stray_control_characters_are_removed(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "c.txt", "Bell\x07 rings " + "word " * 2000))
    assert "\x07" not in source.text
