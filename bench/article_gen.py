"""Seeded, realistic Markdown news articles whose sentences are all distinct.

The clip cache shares one clip between identical sentences, so a benchmark article must
not repeat itself: sentences are built from templates filled with names, places, sums of
money, percentages, numbers and dates, and a sentence already used is drawn again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass, replace

PEOPLE = (
    "Sarah Lin", "Tom Whitaker", "Priya Natarajan", "Owen Davies", "Grace Okafor",
    "Martin Keane", "Helen Mäkinen", "David Osei", "Laura Fitzgerald", "James Moreau",
    "Aisha Rahman", "Peter Lindqvist", "Rachel Cohen", "Daniel Ferreira", "Fiona Campbell",
    "Michael Adeyemi", "Sophie Laurent", "Ian McAllister", "Nadia Petrova", "Chris Holloway",
)  # fmt: skip
ROLES = (
    "chief executive", "finance director", "chief economist", "policy adviser",
    "regional manager", "spokesperson", "head of research", "council leader",
    "union representative", "senior analyst",
)  # fmt: skip
ORGS = (
    "the Treasury", "Ofgem", "the Resolution Foundation", "the Bank of England",
    "Network Rail", "the Local Government Association", "Citizens Advice",
    "the Institute for Fiscal Studies", "the Environment Agency", "the NHS Confederation",
    "the Federation of Small Businesses", "the Office for National Statistics",
)  # fmt: skip
PLACES = (
    "Leeds", "Cardiff", "Glasgow", "Bristol", "Norwich", "Belfast", "Plymouth", "Sheffield",
    "Aberdeen", "Swansea", "Newcastle", "Liverpool", "Exeter", "Hull", "Inverness", "York",
    "Derby", "Carlisle", "Brighton", "Stoke",
)  # fmt: skip
THINGS = (
    "the new rail line", "the flood defences", "the housing scheme", "the energy levy",
    "the bus franchise", "the school building programme", "the hospital expansion",
    "the broadband rollout", "the port upgrade", "the childcare subsidy",
    "the tidal power project", "the business rates relief",
)  # fmt: skip
HEADINGS = (
    "Where the money comes from", "Who gains most", "What the critics say",
    "How we got here", "The view from the regions", "What happens next",
    "The numbers behind the plan", "A long road to approval", "What it means for families",
)  # fmt: skip
TEMPLATES = (
    "{person}, the {role} of {org}, said {thing} would cost {money} over {n} years.",
    "In {place}, about {pct} of households said they had heard of {thing} by {date}.",
    "Officials in {place} expect {thing} to open in {month} {year}, later than planned.",
    "The budget for {thing} rose from {money} to {money2} between {year} and {year2}.",
    "According to {org}, {count} people in {place} could benefit within {n} months.",
    "{person} told reporters in {place} that a delay beyond {date} would be a mistake.",
    "Critics note that {pct} of the money for {thing} is still to be found.",
    "A report by {org} published on {date} put the shortfall at {money}.",
    "Local firms in {place} have so far won contracts worth {money}, or {pct} of the total.",
    "When the plan was first announced in {year}, it was meant to cost just {money}.",
    "\u201cWe cannot keep asking people in {place} to wait,\u201d said {person} of {org}.",
    "Around {count} jobs depend on {thing}, most of them in and around {place}.",
    "Spending per head in {place} is {pct} above the national average, at {money_small}.",
    "The regulator will review {thing} on {date}, and again {n} months later.",
    "{person} said the figure of {money} was \u201cnot a promise but a ceiling\u201d.",
    "Turnout at the {place} consultation was {pct}, with {count} written responses.",
    "By {month} {year}, {org} expects {thing} to save households {money_small} a year.",
    "Interest costs alone added {money} to the bill for {thing} last year.",
    "Residents in {place} will be able to comment on {thing} until {date}.",
    "Figures from {org} show that {count} homes in {place} are still waiting for work.",
    "Although ministers insist that {thing} remains on budget, {org} estimates that the real"
    " cost has climbed to {money}, and {person} warned on {date} that a further rise of"
    " {pct} could not be ruled out.",
    "For families in {place}, the change is worth roughly {money_small} a year, which {org}"
    " says is less than the rise in council tax that most of them have faced since {year}.",
    "The first phase of {thing} in {place} finished {n} weeks late and {pct} over budget,"
    " according to documents released under freedom of information rules in {month} {year}.",
    "Asked whether {thing} would go ahead if borrowing costs kept rising, {person} said the"
    " decision would be taken by {org} and not by politicians in {place}.",
    "Supporters point to a study by {org} suggesting that every pound spent on {thing}"
    " returns {money_small} to the economy of {place} within {n} years.",
)  # fmt: skip
MONTHS = tuple(calendar.month_name[1:])


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Article:
    title: str
    author: str
    date: dt.date
    lede: tuple[str, ...]
    sections: tuple[Section, ...]

    def sentences(self) -> list[str]:
        return [*self.lede, *(s for sec in self.sections for p in sec.paragraphs for s in p)]

    def words(self) -> int:
        return sum(len(s.split()) for s in self.sentences())

    def markdown(self) -> str:
        out = ["---", f'title: "{self.title}"', f'author: "{self.author}"']
        out += [f"date: {self.date.isoformat()}", "---", "", f"# {self.title}", ""]
        out += [" ".join(self.lede) + "\n"]
        for sec in self.sections:
            out += [f"## {sec.heading}", ""]
            out += [" ".join(p) + "\n" for p in sec.paragraphs]
        return "\n".join(out)


class Generator:
    """Distinct sentences from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seen: set[str] = set()

    def _money(self, small: bool = False) -> str:
        r = self.rng
        if small:
            return f"£{r.randint(2, 95) * 10:,}"
        if r.random() < 0.5:
            return f"£{r.randint(11, 98) / 10:.1f}bn"
        return f"£{r.randint(12, 950)}m"

    def sentence(self) -> str:
        r = self.rng
        while True:
            year = r.randint(2019, 2031)
            text = r.choice(TEMPLATES).format(
                person=r.choice(PEOPLE), role=r.choice(ROLES), org=r.choice(ORGS),
                place=r.choice(PLACES), thing=r.choice(THINGS), n=r.randint(2, 15),
                money=self._money(), money2=self._money(), money_small=self._money(True),
                pct=f"{r.randint(3, 92)}%", count=f"{r.randint(12, 480) * 100:,}",
                date=f"{r.randint(1, 28)} {r.choice(MONTHS)} {r.randint(2024, 2030)}",
                month=r.choice(MONTHS), year=year, year2=year + r.randint(1, 6),
            )  # fmt: skip
            if text not in self.seen:
                self.seen.add(text)
                return text[0].upper() + text[1:]

    def paragraph(self) -> tuple[str, ...]:
        return tuple(self.sentence() for _ in range(self.rng.randint(3, 6)))


def make_article(words: int, seed: int = 2025, sections: int = 6) -> Article:
    """An article of about ``words`` words in ``sections`` ``##`` sections."""
    gen = Generator(seed)
    headings = gen.rng.sample(HEADINGS, sections)
    lede = (gen.sentence(), gen.sentence())
    total = sum(len(s.split()) for s in lede)
    built = []
    for i, heading in enumerate(headings):
        paras: list[tuple[str, ...]] = []
        while total < words * (i + 1) / sections:
            paras.append(gen.paragraph())
            total += sum(len(s.split()) for s in paras[-1])
        built.append(Section(heading, tuple(paras)))
    title = f"Inside the £{gen.rng.randint(2, 9)}bn plan to rebuild Britain's regions"
    author = gen.rng.choice(PEOPLE)
    return Article(title, author, dt.date(2025, 11, 27), lede, tuple(built))


def edit_paragraph(article: Article, seed: int = 7) -> tuple[Article, int]:
    """The article with one paragraph rewritten; returns it and that paragraph's length."""
    gen = Generator(seed)
    gen.seen = set(article.sentences())
    index = len(article.sections) // 2
    sec = article.sections[index]
    new = gen.paragraph()
    paras = (sec.paragraphs[0], new, *sec.paragraphs[2:])
    sections = list(article.sections)
    sections[index] = replace(sec, paragraphs=paras)
    return replace(article, sections=tuple(sections)), len(new)
