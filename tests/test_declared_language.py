"""The language a source declares: the quick look a submission takes reads what
extraction reads, from the same places, for every kind of source."""

from __future__ import annotations

import pytest

from narration.ingest.extract import extract
from narration.ingest.extract.declared import declared_language
from narration.model import RawSource, SourceKind
from narration.prepare.language import script_languages

BODY = " ".join(
    f"Sentence {n} of the council's report on the new ferry timetable." for n in range(12)
)
ARABIC = "أعلنت الحكومة اليوم عن سياسة اقتصادية جديدة. وقال الوزير إن الخطة ستبدأ الشهر المقبل."


def _page(head: str = "", html_attrs: str = "") -> str:
    return (
        f"<!doctype html><html{html_attrs}><head><title>Ferry</title>{head}</head><body>"
        f"<article><h1>Ferry</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>"
    )


SOURCES = [
    (SourceKind.HTML, _page(html_attrs=' lang="fr-CA"'), "fr"),
    (SourceKind.HTML, _page('<meta http-equiv="Content-Language" content="nl">'), "nl"),
    (SourceKind.HTML, _page('<meta property="og:locale" content="pt_BR">'), "pt"),
    (
        SourceKind.HTML,
        _page(
            '<script type="application/ld+json">'
            '{"@type": "NewsArticle", "inLanguage": "es-ES"}</script>'
        ),
        "es",
    ),
    (SourceKind.HTML, _page(html_attrs=' lang="english"'), None),
    (SourceKind.HTML, _page(), None),
    (SourceKind.MARKDOWN, f"---\ntitle: Ferry\nlang: it\n---\n\n{BODY}\n", "it"),
    (SourceKind.MARKDOWN, f"---\ntitle: Ferry\nlocale: sv_SE\n---\n\n{BODY}\n", "sv"),
    (SourceKind.MARKDOWN, f"---\ntitle: Ferry\nlanguage: english\n---\n\n{BODY}\n", None),
    (SourceKind.MARKDOWN, f"# Ferry\n\n{BODY}\n", None),
    (SourceKind.TEXT, f"Ferry\n\n{BODY}\n", None),
]


@pytest.mark.parametrize(("kind", "text", "language"), SOURCES)
def test_the_quick_look_reads_what_extraction_reads(
    kind: SourceKind, text: str, language: str | None
) -> None:
    look = declared_language(kind, text)
    assert look is not None
    assert look.language == language
    assert extract(RawSource("source", text, kind)).language == language


def test_a_language_named_but_unreadable_is_still_named() -> None:
    look = declared_language(SourceKind.MARKDOWN, f"---\nlanguage: english\n---\n\n{BODY}\n")
    assert look is not None and look.named and look.language is None


def test_the_text_left_to_look_at_is_what_a_reader_sees() -> None:
    page = (
        "<html><head><style>p {}</style></head>"
        f"<body><script>var x;</script><p>{ARABIC}</p></body></html>"
    )
    look = declared_language(SourceKind.HTML, page)
    assert look is not None and not look.named
    assert look.text.strip() == ARABIC
    markdown = declared_language(SourceKind.MARKDOWN, f"---\ntitle: News\n---\n\n{ARABIC}\n")
    assert markdown is not None and markdown.text.strip() == ARABIC


def test_broken_front_matter_tells_nothing() -> None:
    assert declared_language(SourceKind.MARKDOWN, "---\ntitle: [unclosed\n---\n\nBody.\n") is None


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        (ARABIC, ("ar", "fa", "ur", "ps", "ug", "ku", "sdh")),
        ("הממשלה הודיעה היום על מדיניות כלכלית חדשה.", ("he",)),
        (BODY, ()),  # Latin: statistics decide, not the script
        ("首页 新闻 体育 财经 科技 娱乐\n\n" + BODY * 20, ()),  # a menu in another script
        ("", ()),
    ],
)
def test_script_languages_need_one_script_throughout(text: str, languages: tuple[str, ...]) -> None:
    assert script_languages(text) == languages
