"""Sentence splitting: paragraphs in, sentences as written out."""

from __future__ import annotations

import pytest

from narration.ingest.sentences import is_quotation, split_sentences

CASES: list[tuple[str, list[str]]] = [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    ("Just one sentence without a stop", ["Just one sentence without a stop"]),
    (
        "Dr. Smith met Mr. Jones and Mrs. Lee. They talked.",
        ["Dr. Smith met Mr. Jones and Mrs. Lee.", "They talked."],
    ),
    ("He visited St. Paul's. It was shut.", ["He visited St. Paul's.", "It was shut."]),
    (
        "He lives at No. 10 Downing St. in London. Really.",
        ["He lives at No. 10 Downing St. in London.", "Really."],
    ),
    ("The U.S. Army came. It left.", ["The U.S. Army came.", "It left."]),
    (
        "They were extradited to the U.S. The border is calm.",
        ["They were extradited to the U.S.", "The border is calm."],
    ),
    ("The U.K. Government agreed. Fine.", ["The U.K. Government agreed.", "Fine."]),
    (
        "They were extradited to the U.S. Concern is mounting.",
        ["They were extradited to the U.S.", "Concern is mounting."],
    ),
    ("He met U.S. President Trump. Fine.", ["He met U.S. President Trump.", "Fine."]),
    (
        "The U.N. Secretary-General spoke. Fine.",
        ["The U.N. Secretary-General spoke.", "Fine."],
    ),
    ("Talks in Washington, D.C. Officials left.", ["Talks in Washington, D.C.", "Officials left."]),
    ("J.K. Rowling wrote it. Yes.", ["J.K. Rowling wrote it.", "Yes."]),
    ("It cost 3.5 m. Then 2.5 more.", ["It cost 3.5 m.", "Then 2.5 more."]),
    ("Fruit, e.g. Apples, is good. Yes.", ["Fruit, e.g. Apples, is good.", "Yes."]),
    ("That is, i.e. Nothing. Then more.", ["That is, i.e. Nothing.", "Then more."]),
    ("Arsenal vs. Chelsea ended 2-2. Fans left.", ["Arsenal vs. Chelsea ended 2-2.", "Fans left."]),
    ("Apples, pears, etc. are fruit. Yes.", ["Apples, pears, etc. are fruit.", "Yes."]),
    ("Bring pens, paper, etc. The shop is open.", ["Bring pens, paper, etc.", "The shop is open."]),
    ("J. K. Rowling wrote it. She is rich.", ["J. K. Rowling wrote it.", "She is rich."]),
    ("It grew 3.5 per cent. Then it fell.", ["It grew 3.5 per cent.", "Then it fell."]),
    (
        "“Yes, it’s true,” she confirmed. Then she left.",
        ["“Yes, it’s true,” she confirmed.", "Then she left."],
    ),
    ("He said: “No. Never.” Then he left.", ["He said: “No. Never.”", "Then he left."]),
    ("“I don’t know… Maybe.” He nodded.", ["“I don’t know… Maybe.”", "He nodded."]),
    (
        'He said "Wait... What?" and left. Then more.',
        ['He said "Wait... What?" and left.', "Then more."],
    ),
    ("“Why?” he asked. Nobody answered.", ["“Why?” he asked.", "Nobody answered."]),
    ("It rose (from £2.3bn.) Then it fell.", ["It rose (from £2.3bn.)", "Then it fell."]),
    ("The approx. cost is £5. That is fine.", ["The approx. cost is £5.", "That is fine."]),
    ("It opened at 10 a.m. Crowds came.", ["It opened at 10 a.m.", "Crowds came."]),
    ("It opened at 9 a.m. GMT on Monday. Fine.", ["It opened at 9 a.m. GMT on Monday.", "Fine."]),
    ("On Nov. 27, 2025 it rained. Oh.", ["On Nov. 27, 2025 it rained.", "Oh."]),
    ("He paused... Then he spoke.", ["He paused...", "Then he spoke."]),
    ("It was 2019. 2020 was worse.", ["It was 2019.", "2020 was worse."]),
    ("Is it true? Yes! Definitely.", ["Is it true?", "Yes!", "Definitely."]),
    ("  One.\n\n  Two.   Three  ", ["One.", "Two.", "Three"]),
    (
        "Martin Luther King Jr. spoke. Crowds cheered.",
        ["Martin Luther King Jr. spoke.", "Crowds cheered."],
    ),
    ("", []),
    (" \n\t ", []),
]


@pytest.mark.parametrize(("paragraph", "sentences"), CASES, ids=[c[0][:40] for c in CASES])
def test_split_sentences(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_unclosed_quote_does_not_swallow_the_paragraph() -> None:
    paragraph = "“We can collaborate. We can work together. He left."
    assert split_sentences(paragraph) == [
        "“We can collaborate.",
        "We can work together.",
        "He left.",
    ]


def test_sentences_rejoin_to_the_normalised_paragraph() -> None:
    paragraph = "Dr. Lee said “Go.” Then 5.5% fell. Why? Because."
    assert " ".join(split_sentences(paragraph)) == paragraph


SCRIPT_CASES = [
    ("今天天气很好。我们去公园散步。", ["今天天气很好。", "我们去公园散步。"]),
    ("真的吗？是的！我们走吧。", ["真的吗？", "是的！", "我们走吧。"]),
    ("今天天气很好。 我们去公园散步。", ["今天天气很好。", "我们去公园散步。"]),
    ("他说：“我会去。”随后离开了。", ["他说：“我会去。”", "随后离开了。"]),
    ("他说：“我会去。我保证。”随后离开了。", ["他说：“我会去。我保证。”", "随后离开了。"]),
    ("“好。”，他说。", ["“好。”，他说。"]),
    (
        "彼は「行きます。」と言った。それから帰った。",
        ["彼は「行きます。」と言った。", "それから帰った。"],
    ),
    ("『終わり。』次の章へ。", ["『終わり。』", "次の章へ。"]),
    ("円周率は３．１４です。次へ．終わり", ["円周率は３．１４です。", "次へ．", "終わり"]),
    ("政府は発表しました｡国民は歓迎した｡", ["政府は発表しました｡", "国民は歓迎した｡"]),
    ("I like Python。Python很好。", ["I like Python。", "Python很好。"]),
    ("정부는 발표했습니다. 국민은 환영했다.", ["정부는 발표했습니다.", "국민은 환영했다."]),
    (
        "सरकार ने आज नई नीति की घोषणा की। यह अच्छा है॥ ठीक है।",
        ["सरकार ने आज नई नीति की घोषणा की।", "यह अच्छा है॥", "ठीक है।"],
    ),
    ("هل هذا صحيح؟ نعم. هذا صحيح.", ["هل هذا صحيح؟", "نعم.", "هذا صحيح."]),
    ("یہ درست ہے۔ ہاں۔", ["یہ درست ہے۔", "ہاں۔"]),
    ("הממשלה הודיעה. היום על מדיניות.", ["הממשלה הודיעה.", "היום על מדיניות."]),
    ("He said 中国. 中国 is big.", ["He said 中国.", "中国 is big."]),
    ("Nothing. nothing more.", ["Nothing. nothing more."]),
    ("What‼ Yes.", ["What‼", "Yes."]),
]


@pytest.mark.parametrize(
    ("paragraph", "sentences"), SCRIPT_CASES, ids=[c[0][:20] for c in SCRIPT_CASES]
)
def test_sentences_end_at_the_stops_of_other_scripts(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_a_chinese_paragraph_rejoins_without_spaces() -> None:
    paragraph = "北京时间今天上午，政府宣布了新的经济政策。专家表示，这将促进就业！你怎么看？"
    sentences = split_sentences(paragraph)
    assert len(sentences) == 3
    assert "".join(sentences) == paragraph


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        # Repaired text has ASCII stops where the writer typed full-width ones.
        (
            "孩子们在草地上玩耍!你想一起去吗?好的.",
            ["孩子们在草地上玩耍!", "你想一起去吗?", "好的."],
        ),
        ("真的?!是的。", ["真的?!", "是的。"]),
        ("访问中国.com网站。", ["访问中国.com网站。"]),
        ("价格是3.5元。很好。", ["价格是3.5元。", "很好。"]),
        ("Is it 中国? Yes.", ["Is it 中国?", "Yes."]),
    ],
)
def test_ascii_stops_after_chinese_letters(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


@pytest.mark.parametrize(
    ("sentence", "quotation"),
    [
        ("“No. Never.”", True),
        ('"We will not back down."', True),
        ("«Jamais.»", True),
        ("‘It’s over.’", True),
        ("「行きます。」", True),
        ("“No,” she said.", False),
        ("“Go,” he said, “now.”", False),
        ('"We" and "they" differ.', False),
        ("“A” and “B”", False),
        ("The bank held rates.", False),
    ],
)
def test_a_quotation_is_a_sentence_all_inside_one_pair_of_quotation_marks(
    sentence: str, quotation: bool
) -> None:
    assert is_quotation(sentence) is quotation
