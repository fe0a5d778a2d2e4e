"""The spoken form: one table of (written, style, spoken) cases per rule family."""

from __future__ import annotations

import re

import pytest

from narration.prepare.spoken import FAMILIES, Style, speak
from tests import spoken_cases

CASES: list[tuple[str, Style, str]] = [
    # numbers
    ("5,385", "uk", "five thousand three hundred and eighty-five"),
    ("5,385", "us", "five thousand three hundred eighty-five"),
    ("105", "uk", "one hundred and five"),
    ("105", "us", "one hundred five"),
    ("3.5", "uk", "three point five"),
    ("−15", "uk", "minus fifteen"),
    ("-15 degrees", "uk", "minus fifteen degrees"),
    ("3–5", "uk", "three to five"),
    ("It costs 1,000,000.", "uk", "It costs one million."),
    ("0.05", "uk", "zero point zero five"),
    ("12", "uk", "twelve"),
    ("007", "uk", "zero zero seven"),
    ("version 2.0.1", "uk", "version two point zero point one"),
    ("5G", "uk", "five G"),
    ("COVID-19", "uk", "COVID-nineteen"),
    ("G7 leaders", "uk", "G seven leaders"),
    ("1,400", "uk", "one thousand four hundred"),
    ("3—4 weeks", "uk", "three to four weeks"),
    ("a 3-2 win", "uk", "a three-two win"),
    ("It was 5.", "uk", "It was five."),
    ("1.10", "uk", "one point one zero"),
    # money
    ("£2.3bn", "uk", "two point three billion pounds"),
    ("$3.5m", "uk", "three point five million dollars"),
    ("€15", "uk", "fifteen euros"),
    ("30p", "uk", "thirty pence"),
    ("£2.50", "uk", "two pounds fifty"),
    ("£5,385", "uk", "five thousand three hundred and eighty-five pounds"),
    ("£1", "uk", "one pound"),
    ("£150", "uk", "one hundred and fifty pounds"),
    ("£1.1 billion", "uk", "one point one billion pounds"),
    ("$2.50", "us", "two dollars and fifty cents"),
    ("$2.50", "uk", "two dollars fifty"),
    ("£0.50", "uk", "fifty pence"),
    ("1p", "uk", "one penny"),
    ("£2–3bn", "uk", "two to three billion pounds"),
    ("£100-£200", "uk", "one hundred to two hundred pounds"),
    ("£50k", "uk", "fifty thousand pounds"),
    ("$1", "us", "one dollar"),
    ("€1.5bn", "uk", "one point five billion euros"),
    ("£150", "us", "one hundred fifty pounds"),
    ("£1.05", "uk", "one pound five"),
    ("-£5", "uk", "minus five pounds"),
    ("£10 million", "uk", "ten million pounds"),
    ("$4tn", "uk", "four trillion dollars"),
    ("€1", "uk", "one euro"),
    ("£1.01", "uk", "one pound one"),
    # percentages
    ("8%", "uk", "eight per cent"),
    ("8%", "us", "eight percent"),
    ("0.5%", "uk", "zero point five per cent"),
    ("1,400 %", "uk", "one thousand four hundred per cent"),
    ("1,400 %", "us", "one thousand four hundred percent"),
    ("5–10%", "uk", "five to ten per cent"),
    ("+3%", "uk", "plus three per cent"),
    ("-2.5%", "uk", "minus two point five per cent"),
    ("100%", "us", "one hundred percent"),
    # dates
    ("27 Nov 2025", "uk", "the twenty-seventh of November twenty twenty-five"),
    ("27 Nov 2025", "us", "November twenty-seventh, twenty twenty-five"),
    ("Nov 27, 2025", "uk", "the twenty-seventh of November twenty twenty-five"),
    ("Nov 27, 2025", "us", "November twenty-seventh, twenty twenty-five"),
    ("Thursday 27 November", "uk", "Thursday the twenty-seventh of November"),
    ("Thursday 27 November", "us", "Thursday, November twenty-seventh"),
    ("Thursday, Nov 27, 2025", "uk", "Thursday the twenty-seventh of November twenty twenty-five"),
    ("Thursday, Nov 27, 2025", "us", "Thursday, November twenty-seventh, twenty twenty-five"),
    ("2025-11-27", "uk", "the twenty-seventh of November twenty twenty-five"),
    ("2025-11-27", "us", "November twenty-seventh, twenty twenty-five"),
    ("1 April 2026", "uk", "the first of April twenty twenty-six"),
    ("25 February", "uk", "the twenty-fifth of February"),
    ("the 25th of February", "uk", "the twenty-fifth of February"),
    ("March 3rd", "uk", "the third of March"),
    ("on Sept. 1 we", "uk", "on the first of September we"),
    ("32 March", "uk", "thirty-two March"),
    # years
    ("1066", "uk", "ten sixty-six"),
    ("in 1066", "uk", "in ten sixty-six"),
    ("2005", "uk", "two thousand and five"),
    ("2005", "us", "two thousand five"),
    ("2025", "uk", "twenty twenty-five"),
    ("1990s", "uk", "nineteen nineties"),
    ("the ’80s", "uk", "the eighties"),
    ("2000s", "uk", "two thousands"),
    ("2019–2024", "uk", "twenty nineteen to twenty twenty-four"),
    ("2020–21", "uk", "twenty twenty to twenty-one"),
    ("1999-2000", "uk", "nineteen ninety-nine to two thousand"),
    ("1905", "uk", "nineteen oh five"),
    ("1900", "uk", "nineteen hundred"),
    ("2010", "uk", "twenty ten"),
    ("in 2010.", "uk", "in twenty ten."),
    ("1500 people", "uk", "one thousand five hundred people"),
    ("2024–2019", "uk", "twenty twenty-four to twenty nineteen"),
    # times
    ("6am", "uk", "six A-M"),
    ("10:45 p.m.", "uk", "ten forty-five P-M."),
    ("18:30", "uk", "eighteen thirty"),
    ("6.30pm", "uk", "six thirty P-M"),
    ("10 AM", "uk", "ten A-M"),
    ("at 9 a.m. on Monday", "uk", "at nine A-M on Monday"),
    ("It starts at 9 a.m.", "uk", "It starts at nine A-M."),
    ("12pm", "uk", "twelve P-M"),
    ("07:05", "uk", "oh seven oh five"),
    ("18:00", "uk", "eighteen hundred"),
    ("10:00am", "uk", "ten A-M"),
    # ordinals
    ("1st", "uk", "first"),
    ("3rd", "uk", "third"),
    ("21st", "uk", "twenty-first"),
    ("100th", "uk", "one hundredth"),
    ("101st", "us", "one hundred first"),
    ("2nd", "uk", "second"),
    ("11th", "uk", "eleventh"),
    # abbreviations
    ("Dr. Smith", "uk", "Doctor Smith"),
    ("Dr Smith", "uk", "Doctor Smith"),
    ("Mr. Jones", "uk", "Mister Jones"),
    ("Mrs. Jones", "uk", "Missus Jones"),
    ("Ms. Lee", "uk", "Miz Lee"),
    ("St. Paul's", "uk", "Saint Paul's"),
    ("Downing St.", "uk", "Downing Street."),
    ("Downing St. in London", "uk", "Downing Street in London"),
    ("Visit St Paul's", "uk", "Visit Saint Paul's"),
    ("No. 10", "uk", "Number ten"),
    ("no. 5", "uk", "number five"),
    ("No, it is not.", "uk", "No, it is not."),
    ("Arsenal vs. Chelsea", "uk", "Arsenal versus Chelsea"),
    ("fruit, e.g. apples", "uk", "fruit, for example apples"),
    ("one, i.e. this", "uk", "one, that is this"),
    ("apples, pears, etc.", "uk", "apples, pears, et cetera."),
    ("approx. 5 km", "uk", "approximately five kilometres"),
    ("the U.S. Army", "uk", "the U-S Army"),
    ("in the U.S.", "uk", "in the U-S."),
    ("the UK", "uk", "the U-K"),
    ("Elm Dr.", "uk", "Elm Drive."),
    ("Gen. Smith", "uk", "General Smith"),
    ("Gen Z", "uk", "Gen Z"),
    ("Martin Luther King Jr. spoke", "uk", "Martin Luther King Junior spoke"),
    # units
    ("2,700 kWh", "uk", "two thousand seven hundred kilowatt hours"),
    ("50 km/h", "uk", "fifty kilometres per hour"),
    ("50 km/h", "us", "fifty kilometers per hour"),
    ("70mph", "uk", "seventy miles per hour"),
    ("−5°C", "uk", "minus five degrees Celsius"),
    ("64GB", "uk", "sixty-four gigabytes"),
    ("1 km", "uk", "one kilometre"),
    ("3 tonnes", "us", "three metric tons"),
    ("10km", "uk", "ten kilometres"),
    ("5 kg", "uk", "five kilograms"),
    ("45°", "uk", "forty-five degrees"),
    ("3–5 km", "uk", "three to five kilometres"),
    ("1.5 km", "uk", "one point five kilometres"),
    ("100 MW", "uk", "one hundred megawatts"),
    # symbols
    ("M&S", "uk", "M-and-S"),
    ("rock & roll", "uk", "rock and roll"),
    ("24/7", "uk", "twenty-four seven"),
    ("18+", "uk", "eighteen plus"),
    ("½", "uk", "a half"),
    ("2½ hours", "uk", "two and a half hours"),
    ("3/4 of voters", "uk", "three quarters of voters"),
    ("#1 hit", "uk", "number one hit"),
    ("~5 people", "uk", "about five people"),
    # addresses
    ("ofgem.gov.uk/price-cap", "uk", "ofgem dot gov dot uk slash price cap"),
    ("https://www.bbc.co.uk/news", "uk", "w w w dot bbc dot co dot uk slash news"),
    ("press@ofgem.gov.uk", "uk", "press at ofgem dot gov dot uk"),
    ("Amazon.com", "uk", "Amazon dot com"),
    ("see www.gov.uk.", "uk", "see w w w dot gov dot uk."),
    # no change
    ("She said no.", "uk", "She said no."),
    ("I think I can.", "uk", "I think I can."),
    ("“Yes, it’s true,” she confirmed.", "uk", "“Yes, it’s true,” she confirmed."),
    ("Mexico Says ‘No’ to Troops", "uk", "Mexico Says ‘No’ to Troops"),
    ("May I go?", "uk", "May I go?"),
    ("Is it I?", "uk", "Is it I?"),
    ("The Sun rose; Sat on it.", "uk", "The Sun rose; Sat on it."),
    (
        "A pest devastating to livestock — and more.",
        "uk",
        "A pest devastating to livestock — and more.",
    ),
    # more money, counts and dates
    ("US$5", "uk", "five U-S dollars"),
    ("A$2.5bn", "uk", "two point five billion Australian dollars"),
    ("1.5m people", "uk", "one point five million people"),
    ("2bn", "uk", "two billion"),
    ("the no. of people", "uk", "the number of people"),
    ("1–2 March 2026", "uk", "the first to the second of March twenty twenty-six"),
    ("1–2 March 2026", "us", "March first to second, twenty twenty-six"),
    ("11/12/2025", "uk", "the eleventh of December twenty twenty-five"),
    ("11/12/2025", "us", "November twelfth, twenty twenty-five"),
    # whole sentences mixing several forms
    ("The 4.5 km crossing", "uk", "The four point five kilometre crossing"),
    ("a 50 km/h limit", "us", "a fifty kilometer per hour limit"),
    ("open Mon–Fri.", "uk", "open Monday to Friday."),
    (
        "Lorries over 7.5 tonnes pay £18.",
        "uk",
        "Lorries over seven point five tonnes pay eighteen pounds.",
    ),
    (
        "Drivers will pay £6.50 each way between 7am and 10am, Mon–Fri, and £4.00 off-peak.",
        "uk",
        (
            "Drivers will pay six pounds fifty each way between seven A-M and ten A-M, "
            "Monday to Friday, and four pounds off-peak."
        ),
    ),
    (
        "From 1 April 2026 about £1.7bn a year of those costs moves to the Treasury.",
        "uk",
        (
            "From the first of April twenty twenty-six about one point seven billion pounds a "
            "year of those costs moves to the Treasury."
        ),
    ),
    (
        "bills are still about 40% higher than they were in winter 2020–21",
        "uk",
        (
            "bills are still about forty per cent higher than they were in winter twenty twenty "
            "to twenty-one"
        ),
    ),
    (
        (
            "A home using 2,700 kWh of electricity and 11,500 kWh of gas a year would save about "
            "£154, according to the regulator, Ofgem."
        ),
        "uk",
        (
            "A home using two thousand seven hundred kilowatt hours of electricity and eleven "
            "thousand five hundred kilowatt hours of gas a year would save about one hundred and "
            "fifty-four pounds, according to the regulator, Ofgem."
        ),
    ),
    (
        "Households gain slightly more, because standing charges fall by 6p a day.",
        "uk",
        "Households gain slightly more, because standing charges fall by six pence a day.",
    ),
    (
        'Roughly 8% of a typical dual-fuel bill today pays for "policy costs".',
        "uk",
        'Roughly eight per cent of a typical dual-fuel bill today pays for "policy costs".',
    ),
    (
        "The Energy Company Obligation, or ECO, is wound down by March 2027.",
        "uk",
        "The Energy Company Obligation, or ECO, is wound down by March twenty twenty-seven.",
    ),
    (
        "Dr. Smith arrived at 6am on Thursday, Nov 27, 2025 with $3.5m.",
        "us",
        (
            "Doctor Smith arrived at six A-M on Thursday, November twenty-seventh, twenty "
            "twenty-five with three point five million dollars."
        ),
    ),
    (
        "In the 1990s, 3.5% of 5,385 people paid £2.50 each.",
        "uk",
        (
            "In the nineteen nineties, three point five per cent of five thousand three hundred "
            "and eighty-five people paid two pounds fifty each."
        ),
    ),
    (
        "On 25 February at 10:45 p.m. the 3rd vote passed 52–48.",
        "uk",
        (
            "On the twenty-fifth of February at ten forty-five P-M the third vote passed "
            "fifty-two to forty-eight."
        ),
    ),
    (
        "What the £150 Energy Bill Cut Means for Your Household",
        "uk",
        "What the one hundred and fifty pound Energy Bill Cut Means for Your Household",
    ),
    ("a £5 note", "uk", "a five pound note"),
    ("the £150 is paid", "uk", "the one hundred and fifty pounds is paid"),
    ("the £2.3bn project", "us", "the two point three billion pound project"),
    (
        "In 2005, 2,005 people came.",
        "uk",
        "In two thousand and five, two thousand and five people came.",
    ),
    (
        "2025 was a year of 1,234 votes.",
        "uk",
        "twenty twenty-five was a year of one thousand two hundred and thirty-four votes.",
    ),
    ("He was born in 1905 at 11:05.", "us", "He was born in nineteen oh five at eleven oh five."),
    ("A 50% rise, i.e. double.", "uk", "A fifty per cent rise, that is double."),
    (
        "Temperatures fell to −15°C on 1 Jan 2024, approx. 3 km from St. Ives.",
        "uk",
        (
            "Temperatures fell to minus fifteen degrees Celsius on the first of January twenty "
            "twenty-four, approximately three kilometres from Saint Ives."
        ),
    ),
    # numbers (complete coverage)
    ("-15", "uk", "minus fifteen"),
    ("1,000,000", "uk", "one million"),
    ("12.75", "uk", "twelve point seven five"),
    ("0.5", "uk", "zero point five"),
    ("1234 votes", "uk", "one thousand two hundred and thirty-four votes"),
    ("1234 votes", "us", "one thousand two hundred thirty-four votes"),
    ("1050 jobs", "uk", "one thousand and fifty jobs"),
    ("1050 jobs", "us", "one thousand fifty jobs"),
    (
        "1999 people died in 1999",
        "uk",
        "one thousand nine hundred and ninety-nine people died in nineteen ninety-nine",
    ),
    (
        "1999 people died in 1999",
        "us",
        "one thousand nine hundred ninety-nine people died in nineteen ninety-nine",
    ),
    ("in 2024 prices rose", "uk", "in twenty twenty-four prices rose"),
    ("3–5 hours", "uk", "three to five hours"),
    ("3-5 hours", "uk", "three to five hours"),
    ("aged 18-24", "uk", "aged eighteen to twenty-four"),
    ("between 10-20", "uk", "between ten and twenty"),
    ("won 2-3 away", "uk", "won two-three away"),
    ("1 in 50", "uk", "one in fifty"),
    ("a 7-year-old boy", "uk", "a seven-year-old boy"),
    ("47-year-old", "uk", "forty-seven-year-old"),
    # money (complete coverage)
    ("its original £2.3bn budget", "uk", "its original two point three billion pound budget"),
    ("£400m over budget", "uk", "four hundred million pounds over budget"),
    ("£5,385", "us", "five thousand three hundred eighty-five pounds"),
    # percentages (complete coverage)
    ("0.5%", "us", "zero point five percent"),
    # ordinals (complete coverage)
    # dates (complete coverage)
    ("Sept. 3", "uk", "the third of September"),
    ("Sept. 3", "us", "September third"),
    ("on Sept. 3, 2025", "uk", "on the third of September twenty twenty-five"),
    ("on Sept. 3, 2025", "us", "on September third, twenty twenty-five"),
    ("1 January", "uk", "the first of January"),
    ("1 January", "us", "January first"),
    (
        "Thursday 27 November 2025",
        "uk",
        "Thursday the twenty-seventh of November twenty twenty-five",
    ),
    ("Thursday 27 November 2025", "us", "Thursday, November twenty-seventh, twenty twenty-five"),
    ("2028", "uk", "twenty twenty-eight"),
    # times (complete coverage)
    ("3 p.m.-5 p.m.", "uk", "three P-M to five P-M."),
    ("10am–2pm", "uk", "ten A-M to two P-M"),
    ("3-5pm", "uk", "three to five P-M"),
    ("09:00–17:30", "uk", "oh nine hundred to seventeen thirty"),
    # units (complete coverage)
    ("5 m", "uk", "five metres"),
    ("5 m", "us", "five meters"),
    ("100 km", "uk", "one hundred kilometres"),
    ("100 km", "us", "one hundred kilometers"),
    ("70 mph", "uk", "seventy miles per hour"),
    ("25°C", "uk", "twenty-five degrees Celsius"),
    ("3 tonnes", "uk", "three tonnes"),
    ("100m people", "uk", "one hundred million people"),
    ("100m pounds", "uk", "one hundred million pounds"),
    ("the 100m sprint", "uk", "the one hundred metre sprint"),
    ("the 100m sprint", "us", "the one hundred meter sprint"),
    ("the 400m hurdles", "uk", "the four hundred metre hurdles"),
    ("the 400m hurdles", "us", "the four hundred meter hurdles"),
    ("30m tall", "uk", "thirty metres tall"),
    ("30m tall", "us", "thirty meters tall"),
    ("a 30m-long wall", "uk", "a thirty metre-long wall"),
    ("a 30m-long wall", "us", "a thirty meter-long wall"),
    ("1.5m", "uk", "one point five million"),
    # fractions (complete coverage)
    ("¾", "uk", "three quarters"),
    ("1/2", "uk", "one half"),
    ("2½", "uk", "two and a half"),
    # numerals (complete coverage)
    ("Charles III", "uk", "Charles the third"),
    ("World War II", "uk", "World War two"),
    ("World War I", "uk", "World War one"),
    ("Henry VIII", "uk", "Henry the eighth"),
    ("Pope Leo XIV", "uk", "Pope Leo the fourteenth"),
    ("Elizabeth I", "uk", "Elizabeth the first"),
    ("Then I left", "uk", "Then I left"),
    ("King Charles III's reign", "uk", "King Charles the third's reign"),
    ("Super Bowl LIX", "uk", "Super Bowl fifty-nine"),
    ("MIX", "uk", "mix"),
    ("the MIX festival", "uk", "the mix festival"),
    ("CIVIL", "uk", "civil"),
    ("Washington DC", "uk", "Washington D-C"),
    # abbreviations (complete coverage)
    ("approx. 10", "uk", "approximately ten"),
    ("e.g. apples", "uk", "for example apples"),
    ("i.e. this", "uk", "that is this"),
    # symbols (complete coverage)
    ("R&D", "uk", "R-and-D"),
    ("A&E", "uk", "A-and-E"),
    ("#1", "uk", "number one"),
    ("@bbcnews", "uk", "at bbcnews"),
    ("C++", "uk", "C plus plus"),
    ("Follow @bbcnews for more.", "uk", "Follow at bbcnews for more."),
    ("#MeToo", "uk", "hashtag MeToo"),
    # addresses (complete coverage)
    ("ofgem.gov.uk", "uk", "ofgem dot gov dot uk"),
    ("Write to press@ofgem.gov.uk today.", "uk", "Write to press at ofgem dot gov dot uk today."),
    # acronyms (complete coverage)
    ("NATO", "uk", "NATO"),
    ("NASA", "uk", "NASA"),
    ("UNESCO", "uk", "UNESCO"),
    ("OPEC", "uk", "OPEC"),
    ("FIFA", "uk", "FIFA"),
    ("ECO", "uk", "ECO"),
    ("NHS", "uk", "N-H-S"),
    ("BBC", "uk", "B-B-C"),
    ("NCBA", "uk", "N-C-B-A"),
    ("CIA", "uk", "C-I-A"),
    ("the BBC's report", "uk", "the B-B-C's report"),
    ("MPs voted", "uk", "M-P's voted"),
    ("the FTSE 100", "uk", "the Footsie one hundred"),
    ("the LIV Golf tour", "uk", "the Liv Golf tour"),
    ("an IV drip", "uk", "an I-V drip"),
    ("UK-wide", "uk", "U-K-wide"),
    ("CO2", "uk", "C-O two"),
    ("NATO and the EU", "uk", "NATO and the E-U"),
    ("I think", "uk", "I think"),
    ("A cat", "uk", "A cat"),
    ("iPhone", "uk", "iPhone"),
    ("McDonald's", "uk", "McDonald's"),
    ("BREAKING NEWS FROM THE BBC", "uk", "BREAKING NEWS FROM THE BBC"),
    # whole sentences with the new forms
    (
        "The 100m sprint final drew 1050 fans, and R&D spending rose 3-5 years running.",
        "uk",
        (
            "The one hundred metre sprint final drew one thousand and fifty fans, and R-and-D "
            "spending rose three to five years running."
        ),
    ),
    (
        "King Charles III met NATO and BBC chiefs at 3 p.m.-5 p.m. on Sept. 3.",
        "us",
        (
            "King Charles the third met NATO and B-B-C chiefs at three P-M to five P-M on "
            "September third."
        ),
    ),
]

UNCHANGED = [written for written, _, spoken in CASES if written == spoken]
ALL_CASES = CASES + spoken_cases.CASES
IDS = [f"{style}:{written}" for written, style, _ in ALL_CASES]


@pytest.mark.parametrize(("written", "style", "spoken"), ALL_CASES, ids=IDS)
def test_speak(written: str, style: Style, spoken: str) -> None:
    assert speak(written, style) == spoken


def test_table_is_large_and_has_unchanged_cases() -> None:
    assert len(CASES) >= 260
    assert len(UNCHANGED) >= 8


def test_tables_hold_600_distinct_cases() -> None:
    rows = [(written, style) for written, style, _ in ALL_CASES]
    assert len(set(rows)) == len(rows)
    assert len(rows) >= 600


def test_styles_differ_where_the_table_says() -> None:
    differ = [
        written
        for table in spoken_cases.FAMILIES.values()
        for written, _, us in table
        if us != spoken_cases.SAME
    ]
    assert len(differ) >= 40
    for written in differ:
        assert speak(written, "uk") != speak(written, "us"), written


def test_default_style_is_uk() -> None:
    assert speak("105 and 8%") == "one hundred and five and eight per cent"


@pytest.mark.parametrize(("written", "style", "spoken"), ALL_CASES, ids=IDS)
def test_spoken_form_has_no_digits_or_double_spaces(
    written: str, style: Style, spoken: str
) -> None:
    result = speak(written, style)
    assert "  " not in result
    assert not re.search(r"\d", result)


@pytest.mark.parametrize(("written", "style", "spoken"), ALL_CASES, ids=IDS)
def test_spoken_form_is_stable(written: str, style: Style, spoken: str) -> None:
    # Speaking a spoken form again changes nothing: every rule writes plain words.
    once = speak(written, style)
    assert speak(once, style) == once


def test_rules_are_data() -> None:
    names = [rule.name for family in FAMILIES for rule in family]
    assert "percent" in names
    assert all(rule.pattern.pattern for family in FAMILIES for rule in family)


def test_paragraph_keeps_its_sentences() -> None:
    paragraph = "Prices rose 5%. Dr. Lee said so at 6pm. It was 1 April."
    assert speak(paragraph) == (
        "Prices rose five per cent. Doctor Lee said so at six P-M. It was the first of April."
    )
