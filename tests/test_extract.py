"""Extraction on the sample corpus and on small pages with known furniture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from narration.errors import ExtractionError
from narration.ingest.extract import extract
from narration.ingest.sources import read_source
from narration.model import BlockKind, Document, RawSource, SourceKind

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "samples"
FIXTURES = HERE / "fixtures"


def load(path: Path) -> Document:
    return extract(read_source(str(path)))


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks]


def headings(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if b.kind is BlockKind.HEADING]


def paragraphs(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if b.kind is BlockKind.PARAGRAPH]


def assert_absent(doc: Document, *needles: str) -> None:
    for block in doc.blocks:
        for needle in needles:
            assert needle not in block.text, f"{needle!r} read in {block.text!r}"


def count_containing(doc: Document, needle: str) -> int:
    return sum(needle in b.text for b in doc.blocks)


# --- samples -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sheinbaum() -> Document:
    return load(SAMPLES / "london-daily-sheinbaum.txt")


def test_text_dump_title_and_date(sheinbaum: Document) -> None:
    assert sheinbaum.title == (
        "Mexico Says ‘No’ to U.S. Troops: "
        "President Sheinbaum Rejects Trump’s Offer to Fight Cartels"
    )
    assert sheinbaum.published == dt.date(2025, 11, 27)


def test_text_dump_body(sheinbaum: Document) -> None:
    body = paragraphs(sheinbaum)
    assert body[0].startswith("Mexican President Claudia Sheinbaum has made it unequivocally clear")
    assert body[-1].startswith("With Sheinbaum’s hard stance now public")
    assert headings(sheinbaum) == [
        "A Sovereign Stand: Sheinbaum’s Categorical Rejection",
        "Trump’s Push for Results — and Tougher Action",
        "The Drone Strategy and Cartel Terror Designation",
        "Pressure From the Ground: U.S. Ranchers Sound the Alarm",
        "Heritage Report: Military May Be Inevitable",
    ]
    assert sheinbaum.blocks[0].kind is BlockKind.HEADING


def test_text_dump_chrome_is_gone(sheinbaum: Document) -> None:
    assert_absent(
        sheinbaum,
        "London Daily",
        "Focus on the big picture",
        "Thursday, Nov 27",
        "Newsletter",
        "Related Articles",
        "0:00",
        "Close",
        "×",
        "UK to Slash Key Pension Tax Perk",
        "Lamine Yamal",
        "Taylor Swift",
        "HP to Cut up to 6,000 Jobs",
        "UK Low-Traffic Neighbourhoods",
    )
    assert len(sheinbaum.blocks) == 19


def test_text_dump_pull_quote_read_once(sheinbaum: Document) -> None:
    assert count_containing(sheinbaum, "we will never accept the presence") == 1


@pytest.fixture(scope="module")
def tunnel() -> Document:
    return load(SAMPLES / "harbour-tunnel.html")


def test_html_metadata(tunnel: Document) -> None:
    assert tunnel.title == "Harbour Tunnel Opens Two Years Late and £400m Over Budget"
    assert tunnel.author == "Priya Raman"
    assert tunnel.published == dt.datetime(2026, 3, 14, 7, 30, tzinfo=dt.UTC)
    assert tunnel.language == "en"
    assert tunnel.standfirst == (
        "The 4.5 km crossing carries its first cars after a decade of delays, "
        "but tolls of £6.50 a trip have angered commuters."
    )


def test_html_body(tunnel: Document) -> None:
    body = paragraphs(tunnel)
    assert body[0].startswith("The Harbour Tunnel opened to traffic at 6am on Friday")
    assert body[-1].startswith("The Department for Transport said the tolls would be reviewed")
    assert headings(tunnel) == ["A Decade of Delays", "Commuters Balk at Tolls"]
    assert count_containing(tunnel, "We warned in 2019") == 1
    assert any(p.startswith("Mr. Javed Iqbal, 47") for p in body)
    assert len(body) == 8


def test_html_furniture_is_gone(tunnel: Document) -> None:
    assert_absent(
        tunnel,
        "cookies",
        "Accept all",
        "Business",
        "Sport",
        "Subscribe",
        "Share on",
        "Copy link",
        "Listen to this article",
        "0:00",
        "5:12",
        "Photograph",
        "first vehicles entered",
        "Advertisement",
        "Read more",
        "Tunnel contractor fined",
        "Newsletter",
        "morning briefing",
        "Most read",
        "UK Economy Stalls",
        "All rights reserved",
        "Privacy policy",
        "Infrastructure",
        "Transport Correspondent",
        "decade of delays, but tolls",
    )


@pytest.fixture(scope="module")
def energy() -> Document:
    return load(SAMPLES / "energy-bills-explainer.md")


def test_markdown_metadata(energy: Document) -> None:
    assert energy.title == "What the £150 Energy Bill Cut Means for Your Household"
    assert energy.author == "Tom Whitaker"
    assert energy.published == dt.date(2025, 11, 26)


def test_markdown_body(energy: Document) -> None:
    assert headings(energy) == ["Where the money comes from", "Who gains most", "What happens next"]
    assert count_containing(energy, "What the £150 Energy Bill Cut") == 0
    body = paragraphs(energy)
    assert body[0].startswith("The government says the average household")
    assert "The Warm Home Discount stays, and will still be worth £150 to eligible homes." in body
    assert "Older renewable subsidies are paid from taxation rather than by bill payers." in body
    assert count_containing(energy, "It is a welcome step") == 1
    # The closing author note belongs to the article and is read.
    assert body[-1] == "Tom Whitaker is London Daily's consumer affairs editor."
    assert_absent(energy, "*", "#", ">", "Business")


# --- fixtures ------------------------------------------------------------------------


def test_wordpress_post() -> None:
    doc = load(FIXTURES / "wordpress-post.html")
    assert doc.title == "Village Bakery Wins National Bread Award"
    assert doc.author == "Mark Ellison"
    assert isinstance(doc.published, dt.datetime)
    assert doc.published.date() == dt.date(2025, 10, 2)
    assert doc.language == "en"
    assert doc.url == "https://valleygazette.example/2025/10/02/village-bakery-award/"
    assert doc.image_url is not None and doc.image_url.endswith("bakery.jpg")
    # The description repeats the lead: it becomes the standfirst and is read once.
    assert doc.standfirst is not None and doc.standfirst.startswith("A two-person bakery")
    assert count_containing(doc, "A two-person bakery") == 0
    assert headings(doc) == ["Queues out of the door"]
    body = paragraphs(doc)
    assert body[0].startswith("Owners Ruth and Daniel Price")
    assert body[-1].startswith("The judges praised the loaf")
    assert len(body) == 4
    assert_absent(
        doc, "Skip to content", "Local news since", "What's On", "Posted on", "Loaves cooling",
        "Photo:", "Customers queue", "Credit:", "Share this", "Twitter", "Related",
        "Farmers market", "thoughts on", "Best bread", "Recent Posts", "cycle path",
        "Proudly powered", "Business",
    )  # fmt: skip


def test_json_ld_page() -> None:
    doc = load(FIXTURES / "jsonld-article.html")
    assert doc.title == "Rail strike called off after late-night talks"
    assert doc.author == "Aisha Karim"
    assert doc.published == dt.datetime(2026, 1, 19, 6, 45, tzinfo=dt.UTC)
    assert doc.language == "en"
    assert doc.image_url == "https://courier.example/images/rail.jpg"
    body = paragraphs(doc)
    assert body[0].startswith("A strike that would have halted trains")
    assert "a 5.5% pay rise spread over two years;" in body
    assert "no compulsory redundancies until 2028." in body
    assert body[-1].startswith("The union's general secretary")
    assert_absent(
        doc, "cookies", "Route", "Leeds to York", "212", "refunds@", "Advertisement",
        "Sign up", "newsletter", "Trending", "Snow warning",
    )  # fmt: skip


def test_text_page_dump() -> None:
    doc = load(FIXTURES / "page-dump.txt")
    assert doc.title == "Ferry Operator Orders Two Electric Ships for Island Route"
    assert doc.author == "Joanna Pike"
    assert doc.published == dt.date(2026, 3, 3)
    assert headings(doc) == ["A Cleaner Crossing"]
    body = paragraphs(doc)
    assert body[0].startswith("The island ferry operator has ordered two battery-powered ships")
    assert body[-1].startswith("Local councillors welcomed the order")
    assert len(body) == 4
    assert_absent(
        doc, "Harbour Herald", "Menu", "Sign in", "Published", "Joanna Pike", "min read",
        "Listen", "0:00", "4:51", "Facebook", "Copy link", "Advertisement", "Photo:",
        "comments", "Most Read", "Council Tax", "Lifeboat", "©", "Privacy", "Terms",
    )  # fmt: skip


def test_markdown_with_code_tables_and_footnotes() -> None:
    doc = load(FIXTURES / "notes-with-code.md")
    # No front matter: the leading H1 is the title and is not read again.
    assert doc.title == "How We Tested the New Broadband Speeds"
    assert doc.author is None and doc.published is None
    assert headings(doc) == ["The results", "A Note on Method"]
    body = paragraphs(doc)
    assert body[0] == (
        "We ran more than 2,000 speed tests over six weeks across four providers and three "
        "kinds of connection. Here is what we found."
    )
    assert "Full fibre averaged 512 Mbit/s." in body
    assert "Copper averaged 54 Mbit/s." in body
    assert count_containing(doc, "Our advice is simple") == 1
    assert body[-1] == (
        "Tests were run on wired connections to avoid Wi-Fi effects. "
        "The test server was in Manchester."
    )
    assert_absent(
        doc, "Chart of average", "Provider", "Alpha", "71 Mbit", "print(", "indented code",
        "Raw HTML", "[^", "^method", "Full fibre, cable and copper", "footnote continues",
        "in London", "**", "](",
    )  # fmt: skip


def test_hard_wrapped_text_is_rejoined() -> None:
    doc = load(FIXTURES / "hard-wrapped.txt")
    assert doc.title == "Library Opening Hours to Be Extended"
    assert headings(doc) == ["What changes"]
    body = paragraphs(doc)
    assert len(body) == 3
    assert body[0].startswith(
        "The county council will keep its eleven libraries open until eight in the"
    )
    assert body[0].endswith("drew more than 4,000 responses.")


@pytest.mark.parametrize("name", ["chrome-only.html", "chrome-only.txt"])
def test_nothing_but_chrome(name: str) -> None:
    with pytest.raises(
        ExtractionError, match=r"^chrome-only: no article text found after removing page furniture"
    ):
        load(FIXTURES / name)


# --- fallbacks and small cases ---------------------------------------------------------


def test_title_falls_back_to_source_name() -> None:
    text = (
        "The council met on Tuesday and agreed the budget for next year after a long debate.\n\n"
        "Residents will see their bills rise by a little under five per cent from April."
    )
    doc = extract(RawSource(name="council-budget_2026", text=text, kind=SourceKind.TEXT))
    assert doc.title == "Council Budget 2026"
    assert len(doc.blocks) == 2


def test_markdown_title_from_first_heading_when_not_leading() -> None:
    text = (
        "Intro paragraph that says a few things here.\n\n## The Real Heading\n\nMore text here.\n"
    )
    doc = extract(RawSource(name="x", text=text, kind=SourceKind.MARKDOWN))
    assert doc.title == "The Real Heading"
    assert headings(doc) == []


def test_markdown_front_matter_fields() -> None:
    text = (
        "---\ntitle: Bins\nauthors:\n  - name: Ann Lee\n  - Bo Chan\n"
        "published: '2026-02-01T08:00:00Z'\n"
        "lang: fr-FR\ndescription: Collections change in March.\nurl: https://x.example/bins\n"
        "image: https://x.example/bins.jpg\n---\n\n# Bins\n\nCollections change in March.\n\n"
        "Green bins go fortnightly.\n\n# Another top heading\n\nIt is read as a heading.\n"
    )
    doc = extract(RawSource(name="bins", text=text, kind=SourceKind.MARKDOWN))
    assert doc.title == "Bins"
    assert doc.author == "Ann Lee and Bo Chan"
    assert doc.published == dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
    assert doc.language == "fr"
    assert doc.standfirst == "Collections change in March."
    assert doc.url == "https://x.example/bins"
    assert doc.image_url == "https://x.example/bins.jpg"
    assert texts(doc) == [
        "Green bins go fortnightly.",
        "Another top heading",
        "It is read as a heading.",
    ]


def test_markdown_broken_front_matter_still_reads_body() -> None:
    text = "---\ntitle: [unclosed\n---\n\n# Heading Title\n\nA paragraph of text.\n"
    doc = extract(RawSource(name="x", text=text, kind=SourceKind.MARKDOWN))
    assert doc.title == "Heading Title"
    assert paragraphs(doc) == ["A paragraph of text."]


def test_empty_html_body_is_an_extraction_error() -> None:
    source = RawSource(
        name="blank", text="<html><body><nav>Home</nav></body></html>", kind=SourceKind.HTML
    )
    with pytest.raises(ExtractionError, match=r"^blank: no article text found"):
        extract(source)


def test_very_short_text_is_still_read() -> None:
    text = "Short Headline Here\n\nA brief note.\nAnother one."
    doc = extract(RawSource(name="brief", text=text, kind=SourceKind.TEXT))
    assert doc.title == "Short Headline Here"
    assert paragraphs(doc) == ["A brief note.", "Another one."]


# --- never read, read once, lists and tables ---------------------------------------------


def test_html_table_note_with_caption_and_code_dropped() -> None:
    doc = load(FIXTURES / "data-table-code.html")
    assert (
        "A table follows in the text version: Median days to repair a pothole, by road type."
        in (paragraphs(doc))
    )
    assert_absent(doc, "A roads", "5,870", "curl", "jq")


def test_inline_code_stays_in_its_sentence() -> None:
    html = (
        "<html><body><article><h1>Shell tips</h1><p>Type <code>ls</code> to list the files in "
        "the folder you are in, and press enter.</p><pre><code>ls -la</code></pre>"
        "<p>That is all there is to it, really, for most people.</p></article></body></html>"
    )
    doc = extract(RawSource(name="tips", text=html, kind=SourceKind.HTML))
    assert any("Type ls to list the files" in p for p in paragraphs(doc))
    assert_absent(doc, "ls -la")


def test_markdown_table_caption_lists_references_and_pull_quote() -> None:
    doc = load(FIXTURES / "recycling-results.md")
    body = paragraphs(doc)
    assert "A table follows in the text version: Food waste collected in March, by week." in body
    assert "Put the caddy out by 7am on collection day." in body
    assert count_containing(doc, "faster than we dared hope") == 1
    assert "References" not in headings(doc)
    assert_absent(
        doc, "Council waste strategy", "approved by the cabinet", "[^1]", "Photo:", "curl"
    )


def test_footnote_markers_are_not_read() -> None:
    doc = load(FIXTURES / "substack-post.html")
    assert any(p.endswith("in 2019.") for p in paragraphs(doc))
    assert_absent(doc, "2019.1", "litre.2", "Rural Energy Survey", "appendix")
    text = (
        "# Title\n\nGrowth was strong last year.¹ Prices rose [2] and fell again.[^a]\n\n"
        "10 km² of land.\n"
    )
    doc = extract(RawSource(name="n", text=text, kind=SourceKind.MARKDOWN))
    assert paragraphs(doc) == [
        "Growth was strong last year. Prices rose and fell again.",
        "10 km² of land.",
    ]


def test_plain_text_table_and_bullets() -> None:
    text = (
        "Bus Fares Frozen for Another Year\n\n"
        "The county will keep bus fares at their current level until next April, it said today.\n\n"
        "Table 1: Fares by zone\n"
        "Zone\tSingle\tReturn\n"
        "A\t£2.00\t£3.50\n"
        "B\t£2.50\t£4.20\n\n"
        "- Children travel free\n"
        "- Pensioners travel free after 9am\n\n"
        "The freeze will cost the county about £1.4m, which it will take from its reserves.\n"
    )
    doc = extract(RawSource(name="fares", text=text, kind=SourceKind.TEXT))
    assert paragraphs(doc) == [
        "The county will keep bus fares at their current level until next April, it said today.",
        "A table follows in the text version: Fares by zone.",
        "Children travel free.",
        "Pensioners travel free after 9am.",
        "The freeze will cost the county about £1.4m, which it will take from its reserves.",
    ]


# --- refused: not prose ----------------------------------------------------------------------


def test_table_dump_is_refused() -> None:
    rows = "\n".join(f"Route {i}\t{100 + i}\t{i}%" for i in range(12))
    source = RawSource(name="routes", text=f"Route\tTrains\tShare\n{rows}\n", kind=SourceKind.TEXT)
    with pytest.raises(
        ExtractionError, match=r"^routes: this looks like a table of data, not an article"
    ):
        extract(source)


def test_list_of_links_is_refused() -> None:
    links = "\n".join(
        f"- [Story number {i} about the news today](https://x.example/{i})" for i in range(8)
    )
    source = RawSource(name="links", text=f"# Latest\n\n{links}\n", kind=SourceKind.MARKDOWN)
    with pytest.raises(
        ExtractionError, match=r"^links: this looks like a list of links, not an article"
    ):
        extract(source)


def test_gallery_of_captions_is_refused() -> None:
    figures = "".join(
        f'<figure><img src="{i}.jpg" alt="Crowd {i}"><figcaption>Crowds on the seafront for the '
        f"festival parade on Saturday afternoon, picture {i}.</figcaption></figure>"
        for i in range(6)
    )
    html = (
        "<html><head><title>In pictures</title></head><body><h1>In pictures</h1>"
        f"{figures}</body></html>"
    )
    source = RawSource(name="gallery", text=html, kind=SourceKind.HTML)
    with pytest.raises(ExtractionError, match=r"^gallery: this looks like an image gallery"):
        extract(source)


# --- characters ------------------------------------------------------------------------------


def test_invisible_characters_and_emoji() -> None:
    from narration.prepare.article import prepare

    text = (
        "Cafe\u200b News\n\nThe caf\u00e9 re\u00adopens on Monday "
        "\u202ewith\u202c a party \U0001f389.\x07 "
        "Everyone is welcome \U0001f469\u200d\U0001f469\u200d\U0001f467.\n"
    )
    article = prepare(extract(RawSource(name="cafe", text=text, kind=SourceKind.TEXT)))
    sentences = article.sections[0].sentences
    for s in sentences:
        for ch in "\u200b\u00ad\u202e\u202c\x07":
            assert ch not in s.display and ch not in s.spoken
        assert "\U0001f389" not in s.spoken and "\u200d" not in s.spoken
    assert sentences[0].display == "The caf\u00e9 reopens on Monday with a party \U0001f389."
    assert sentences[0].spoken.endswith("with a party.")
    assert "\U0001f469\u200d\U0001f469\u200d\U0001f467" in sentences[1].display


def test_only_emoji_sentence_is_not_read() -> None:
    from narration.prepare.article import prepare

    text = (
        "Match Report\n\nThe home side won by two goals to one on Saturday afternoon.\n\n"
        "\u26bd\U0001f525\n"
    )
    article = prepare(extract(RawSource(name="m", text=text, kind=SourceKind.TEXT)))
    assert [s.display for s in article.sections[0].sentences] == [
        "The home side won by two goals to one on Saturday afternoon."
    ]


@pytest.mark.parametrize("kind", [SourceKind.TEXT, SourceKind.MARKDOWN, SourceKind.HTML])
def test_right_to_left_text(kind: SourceKind) -> None:
    from narration.prepare.article import prepare

    title = "\u0627\u0644\u0645\u062c\u0644\u0633 \u064a\u0648\u0627\u0641\u0642"
    body = (
        "\u0648\u0627\u0641\u0642 \u0627\u0644\u0645\u062c\u0644\u0633 \u0639\u0644\u0649 "
        "\u0627\u0644\u0645\u064a\u0632\u0627\u0646\u064a\u0629 \u0668\u0665 "
        "\u0645\u0644\u064a\u0648\u0646 "
        "\u200f\u062f\u0648\u0644\u0627\u0631 \u0641\u064a \u0639\u0627\u0645 2026. "
        "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd."
    )
    text = {
        SourceKind.TEXT: f"{title}\n\n{body}\n",
        SourceKind.MARKDOWN: f"# {title}\n\n{body}\n",
        SourceKind.HTML: f"<html dir='rtl' lang='ar'><body><article><h1>{title}</h1><p>{body}</p>"
        "</article></body></html>",
    }[kind]
    article = prepare(extract(RawSource(name="rtl", text=text, kind=kind)))
    spoken = " ".join(s.spoken for s in article.sections[0].sentences)
    assert "\u0627\u0644\u0645\u064a\u0632\u0627\u0646\u064a\u0629" in spoken
    assert "\u200f" not in spoken


# --- a last paragraph without a full stop ------------------------------------------------


def test_one_line_without_a_full_stop_is_an_article() -> None:
    doc = extract(
        RawSource(name="markets", text="Markets fell sharply today\n", kind=SourceKind.TEXT)
    )
    assert paragraphs(doc) == ["Markets fell sharply today"]


def test_last_paragraph_without_a_full_stop_is_read() -> None:
    text = (
        "Stocks slump\n\nMarkets fell sharply today as investors sold shares.\n\n"
        "More falls are expected tomorrow\n"
    )
    doc = extract(RawSource(name="m", text=text, kind=SourceKind.TEXT))
    assert doc.title == "Stocks slump"
    assert paragraphs(doc)[-1] == "More falls are expected tomorrow"


# -- what is never read, what is never refused, lists that are the article ------------

from narration.ingest.extract.code import looks_like_code  # noqa: E402
from narration.ingest.extract.lists import spoken_list  # noqa: E402
from narration.ingest.extract.prose import words  # noqa: E402


@pytest.mark.parametrize(
    "text",
    [
        "!function(n){if(!window.cnx){window.cnx={},window.cnx.cmd=[]}}(document);",
        "/*<![CDATA[*/ function initRegLinks() { return 1; } /*]]>*/",
        "if (AD_DESIGN == 'gpt') { loadGPTAd('div-gpt-ad-mid', [300, 250]); }",
        "const el = document.querySelector('#player');",
        "items.forEach(item => render(item));",
        ".article-body p{font-size:18px;line-height:1.6}",
        '{"@context":"https://schema.org","@type":"NewsArticle"}',
        "googletag.cmd.push(function() { googletag.display('ad'); });",
        "a" * 30 + "(" + "b" * 30 + ")",
    ],
)
def test_code_is_recognised(text: str) -> None:
    assert looks_like_code(text)


@pytest.mark.parametrize(
    "text",
    [
        "The VAR review took four minutes, and the goal stood.",
        "She threw the phone out of the window. The police arrived soon after.",
        "The set {1, 2, 3} has three members.",
        "Read it at https://www.example.org/reports/2025/harbour-tunnel-vote-results.pdf now.",
        "杭州市交通运输局的负责人表示，到二〇二七年，杭州地铁的运营里程将超过六百公里。",
        "Let the record show that the vote was close.",
    ],
)
def test_prose_is_not_code(text: str) -> None:
    assert not looks_like_code(text)


def test_words_of_unspaced_scripts_are_counted_in_characters() -> None:
    assert words("The council voted on Tuesday.") == 5
    assert words("先週末、三年ぶりに金沢へ行ってきました。") == 9  # 17 letters, two a word
    assert words("The BBC said 中国 today.") == 5


def test_short_items_are_joined_into_one_sentence() -> None:
    assert spoken_list(["4 chicken thighs", "2 lemons", "1 tbsp olive oil"]) == [
        "4 chicken thighs, 2 lemons, 1 tbsp olive oil."
    ]
    assert spoken_list(["1 onion, chopped", "2 garlic cloves"]) == [
        "1 onion, chopped; 2 garlic cloves."
    ]
    assert spoken_list(["Sony WH-1000XM5: $298 at Amazon", "Dell XPS 13: $799 at Dell"]) == [
        "Sony WH-1000XM5: $298 at Amazon.",
        "Dell XPS 13: $799 at Dell.",
    ]


def _html(text: str) -> Document:
    return extract(RawSource(name="page", text=text, kind=SourceKind.HTML))


def test_an_article_our_furniture_removal_empties_is_read_as_trafilatura_reads_it() -> None:
    body = "".join(
        f"<p>The council met on Tuesday evening to decide the future of harbour tunnel {i},"
        " and the vote was close in the end.</p>"
        for i in range(6)
    )
    links = "".join(
        f"<li><a href=/s/{j}>Section {j} of the site archive</a></li>" for j in range(80)
    )
    page = (
        "<html><head><title>Tunnel vote</title></head><body>"
        f"<div class='player'>{body}</div><footer><ul>{links}</ul></footer></body></html>"
    )
    assert len(paragraphs(_html(page))) == 6


def test_scripts_in_a_lead_are_not_read() -> None:
    page = (
        "<html><head><title>Library hours</title></head><body><article><h1>Library hours</h1>"
        "<div class='story-lede'><p>The county board voted last month to cut library hours by a"
        " third, and the savings were presented as simple arithmetic.</p>"
        "<script>!function(n){if(!window.cnx){window.cnx={}}}(document);</script>"
        "<noscript><img src='/pixel.gif'></noscript><template><p>var x = 1;</p></template></div>"
        "<p>But the arithmetic leaves out what the library does in a town like ours, where it is"
        " the only free indoor public space.</p></article></body></html>"
    )
    doc = _html(page)
    assert_absent(doc, "function", "cnx", "var x")
    assert doc.standfirst is None or "function" not in doc.standfirst


def test_a_japanese_article_among_many_links_is_read() -> None:
    doc = load(HERE / "realpages" / "made" / "japanese-blog.html")
    assert "先週末、三年ぶりに金沢へ行ってきました。" in " ".join(paragraphs(doc))


def test_ingredients_under_headings_are_read() -> None:
    doc = load(HERE / "realpages" / "made" / "recipe-week-plan.html")
    assert "4 chicken thighs, 2 lemons, 500g new potatoes, 1 tbsp olive oil." in paragraphs(doc)
