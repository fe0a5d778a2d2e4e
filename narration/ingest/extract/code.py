"""Program text is never read: scripts, style sheets, templates and their text.

An HTML page loses its ``script``, ``style`` and ``template`` elements, its ``noscript``
elements (tracking pixels, "please enable JavaScript") and its inline event handlers
before any reading of it, so that no text taken from an
element (a standfirst, a removed element, a table) carries code. Whatever still looks
like code once an article is extracted, whatever the source (a script's text pasted into
a text or Markdown file, a script cut short by the HTML parser), is taken out sentence
by sentence by :func:`without_code`.

A ``noscript`` element that holds paragraphs of prose is the page's article for readers
without scripts (a blog that renders its posts with a script, or loads its images
lazily): it stays, as part of the page, and only its own scripts and styles go.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from narration.ingest.extract.prose import UNSPACED, prose_words
from narration.ingest.sentences import split_sentences

if TYPE_CHECKING:
    from lxml import html as lxml_html

CODE_TAGS = ("script", "style", "template")
# Signs of program text that prose does not have.
_CODE = re.compile(
    r"\bfunction\s*[\w$]*\s*\("  # function( / function name(
    r"|=>"
    r"|\b(?:var|const|let)\s+[A-Za-z_$][\w$]*\s*(?:=|;|,\s*[A-Za-z_$][\w$]*\s*=)"
    r"|\b(?:window|document|console|navigator|localStorage|googletag)\.[A-Za-z_$]"
    r"|<!\[CDATA\[|\]\]>"
    r"|\b[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*\([^()]*\)\s*[;,)]"  # obj.method(...);
    r"|\b(?:if|for|while|switch)\s*\([^()]*\)\s*\{"
    r"|^\s*[\w.#:\[\]=\"'-]+\s*\{\s*[\w-]+\s*:"  # a CSS rule: .name { colour: ...
)
_BRACES = re.compile(r"[{}]")
_BRACE_COMPANIONS = re.compile(r"[;=()]|[\w\"']\s*:\s*[\w\"'#.-]")
_LONG_RUN = 50
_URL = re.compile(r"^[(\[<\"']?(?:https?://|www\.)|^[\w.+-]+@[\w-]+\.", re.I)
# A long compound of words ("accidental-deletion-of-list-items-while-iterating") is prose.
_COMPOUND = re.compile(r"^[\"“‘'(]*[^\W_]+(?:[-'’/][^\W_]+)*[.,;:!?)\"”’]*$")
# Where code run into a sentence may end and prose resume: "...}(document); The council".
_CODE_END = re.compile(r"(?<=[.!?;}>])\s+")
# A script or style sheet pasted with its tags into a text or Markdown source.
_TAGGED = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?(?:</\1\s*>|$)", re.I | re.S)


def strip_code(page: lxml_html.HtmlElement) -> None:
    """Remove scripts, style sheets, ``noscript`` and templates and inline event
    handlers from ``page`` (in place); the text that follows each stays."""
    # Here, not at the top: text and Markdown sources use this module without lxml.
    from lxml import etree

    etree.strip_elements(page, *CODE_TAGS, with_tail=False)
    for element in list(page.iter("noscript")):
        if element.getparent() is None:
            continue
        if any(prose_words([p.text_content()], 1) for p in element.iter("p")):
            element.drop_tag()
        else:
            element.drop_tree()
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        for name in [a for a in element.attrib if a.lower().startswith("on")]:
            del element.attrib[name]


def looks_like_code(text: str) -> bool:
    """``text`` has the marks of program text: a function, an arrow, a declaration, a
    browser object, braces with statements in them, or a long run of symbols without a
    space in a script that puts spaces between words."""
    if _CODE.search(text):
        return True
    if _BRACES.search(text) and _BRACE_COMPANIONS.search(text):
        return True
    if UNSPACED.search(text):
        return False
    return any(
        len(run) >= _LONG_RUN and not _URL.match(run) and not _COMPOUND.match(run)
        for run in text.split()
    )


def without_code(text: str) -> str:
    """``text`` without the sentences, or pieces of a sentence, that look like code."""
    if not looks_like_code(text) and not _TAGGED.search(text):
        return text
    text = " ".join(_TAGGED.sub(" ", text).split())
    kept: list[str] = []
    for sentence in split_sentences(text):
        if not looks_like_code(sentence):
            kept.append(sentence)
            continue
        kept += [p for p in _CODE_END.split(sentence) if p and not looks_like_code(p)]
    joiner = "" if UNSPACED.search(text) else " "
    return joiner.join(kept).strip()
