"""Cases for the shapes news copy carries, one table per family, in both house styles.

Each entry is (written, UK spoken, US spoken); `SAME` stands for "as in UK style". Where the
two styles read a case differently both readings are written out, and a comment says why.
`tests/test_spoken.py` checks them with its own table.
"""

from __future__ import annotations

from narration.prepare.spoken import Style

SAME = "="

DURATIONS = [
    ("2:03:45", "two hours three minutes and forty-five seconds", SAME),
    ("1:01:01", "one hour one minute and one second", SAME),
    ("01:01:01", "one hour one minute and one second", SAME),
    ("14:10:30", "fourteen hours ten minutes and thirty seconds", SAME),
    (
        "He finished in 2:01:39.",
        "He finished in two hours one minute and thirty-nine seconds.",
        SAME,
    ),
    ("2:01:09.5", "two hours one minute and nine point five seconds", SAME),
    ("3:43.13", "three minutes and forty-three point one three seconds", SAME),
    ("a 1:59.40 lap", "a one minute and fifty-nine point four zero seconds lap", SAME),
    ("9.58 seconds", "nine point five eight seconds", SAME),
    ("in 9.58s", "in nine point five eight seconds", SAME),
    ("10:00:00 p.m.", "ten P-M.", SAME),
    ("at 6:30:15 am", "at six thirty A-M", SAME),
    # Minutes or seconds past 59 are no duration (a ratio or a reference).
    ("2:75:10", "two:seventy-five:ten", SAME),
]

CLOCK = [
    ("01:00", "one o'clock", SAME),
    ("1:00", "one o'clock", SAME),
    ("at 9:00 on Monday", "at nine o'clock on Monday", SAME),
    ("00:00", "midnight", SAME),
    ("12:00", "twelve o'clock", SAME),
    # A 24-hour time on the hour past noon is said in hundreds, as "18:00" is.
    ("23:00", "twenty-three hundred", SAME),
    ("13:00", "thirteen hundred", SAME),
    ("23:45", "twenty-three forty-five", SAME),
    ("01:59 p.m.", "one fifty-nine P-M.", SAME),
    ("1.59 p.m. on Friday", "one fifty-nine P-M on Friday", SAME),
    ("4:00 am - 8:12 pm", "four A-M to eight twelve P-M", SAME),
    ("2pm-5pm", "two P-M to five P-M", SAME),
    # A Bible verse reads as a clock time would; the reading keeps its numbers apart.
    ("John 3:16", "John three sixteen", SAME),
]

RATES = [
    ("$20/mo", "twenty dollars a month", SAME),
    ("£10/wk", "ten pounds a week", SAME),
    ("$0.5/hr", "fifty cents an hour", SAME),
    ("£9.50/hour", "nine pounds fifty an hour", "nine pounds and fifty pence an hour"),
    ("$60/barrel", "sixty dollars a barrel", SAME),
    ("€2/kg", "two euros a kilogram", SAME),
    ("$1,200/month rent", "one thousand two hundred dollars a month rent", SAME),
    ("£35k/yr", "thirty-five thousand pounds a year", SAME),
    ("45 km/h", "forty-five kilometres per hour", "forty-five kilometers per hour"),
    ("12 kg/m²", "twelve kilograms per square metre", "twelve kilograms per square meter"),
    ("3 m/s", "three metres per second", "three meters per second"),
    ("12/kg", "twelve per kilogram", SAME),
    ("12kg/kg", "twelve kilograms per kilogram", SAME),
    ("5 l/day", "five litres per day", "five liters per day"),
    ("400 mg/day", "four hundred milligrams per day", SAME),
    ("10 km/hr", "ten kilometres per hour", "ten kilometers per hour"),
    # "and/or" and "24/7" are no rates.
    ("and/or", "and or", SAME),
]

MONEY = [
    ("$50.00-$100.00", "fifty dollars to one hundred dollars", SAME),
    (
        "$150.25-$250.67",
        "one hundred and fifty dollars twenty-five to two hundred and fifty dollars sixty-seven",
        "one hundred fifty dollars and twenty-five cents to two hundred fifty dollars and "
        "sixty-seven cents",
    ),
    ("£2m-£3m", "two to three million pounds", SAME),
    ("£2bn-£3bn", "two to three billion pounds", SAME),
    ("$500m-$1bn", "five hundred million to one billion dollars", SAME),
    (
        "$250-$300",
        "two hundred and fifty to three hundred dollars",
        "two hundred fifty to three hundred dollars",
    ),
    # UK speech leaves the minor unit unsaid; US speech says it with "and".
    ("$20.50", "twenty dollars fifty", "twenty dollars and fifty cents"),
    ("£1.20", "one pound twenty", "one pound and twenty pence"),
    ("£2.01", "two pounds one", "two pounds and one penny"),
    (
        "$1,925.21",
        "one thousand nine hundred and twenty-five dollars twenty-one",
        "one thousand nine hundred twenty-five dollars and twenty-one cents",
    ),
    ("$20.5", "twenty dollars fifty", "twenty dollars and fifty cents"),
    ("$20.500", "twenty dollars fifty", "twenty dollars and fifty cents"),
    ("$2.00", "two dollars", SAME),
    ("$0.02", "two cents", SAME),
    ("$.01", "one cent", SAME),
    ("$.50", "fifty cents", SAME),
    ("$.506", "point five zero six dollars", SAME),
    ("$20.506", "twenty point five zero six dollars", SAME),
    ("¥30B", "thirty billion yen", SAME),
    ("¥30 b", "thirty billion yen", SAME),
    ("¥30 billion", "thirty billion yen", SAME),
    ("¥1,000", "one thousand yen", SAME),
    ("₩460 billion", "four hundred and sixty billion won", "four hundred sixty billion won"),
    ("₹500", "five hundred rupees", SAME),
    ("₹1", "one rupee", SAME),
    ("₹2.5 crore", "two point five crore rupees", SAME),
    ("₹50 lakh", "fifty lakh rupees", SAME),
    ("Rs 500", "five hundred rupees", SAME),
    ("CHF 20", "twenty Swiss francs", SAME),
    ("CHF1.5bn", "one point five billion Swiss francs", SAME),
    ("USD 5bn", "five billion U-S dollars", SAME),
    ("US$76.3 trillion", "seventy-six point three trillion U-S dollars", SAME),
    ("C$40", "forty Canadian dollars", SAME),
    ("HK$1.2m", "one point two million Hong Kong dollars", SAME),
    ("S$3", "three Singapore dollars", SAME),
    ("₽100", "one hundred roubles", "one hundred rubles"),
    ("$5M", "five million dollars", SAME),
    ("$2K", "two thousand dollars", SAME),
    ("£5 Million", "five million pounds", SAME),
    ("$1.2T", "one point two trillion dollars", SAME),
    ("a $5 bill", "a five dollar bill", SAME),
    (
        "Fares rise from $2.75 to $2.90 on Sunday.",
        "Fares rise from two dollars seventy-five to two dollars ninety on Sunday.",
        "Fares rise from two dollars and seventy-five cents to two dollars and ninety cents on "
        "Sunday.",
    ),
]

FRACTIONS = [
    ("2 1/2", "two and a half", SAME),
    ("4 1/2 lbs", "four and a half pounds", SAME),
    ("3 3/4 miles", "three and three quarters miles", SAME),
    ("1 1/3 cups", "one and a third cups", SAME),
    ("31/32", "thirty-one thirty-seconds", SAME),
    # Only a date in UK style (day first), only a fraction in US style (no month 22).
    ("22/3", "the twenty-second of March", "twenty-two thirds"),
    # Only a date in US style (month first).
    ("on 12/25", "on twelve twenty-fifths", "on December twenty-fifth"),
    ("a 5/16 inch bolt", "a five sixteenths inch bolt", SAME),
    ("3/4", "three quarters", SAME),
    ("1/3 of voters", "one third of voters", SAME),
    ("2/3 majority", "two thirds majority", SAME),
    ("5/8", "five eighths", SAME),
    ("1/4th", "one quarter", SAME),
    ("1/3RD", "one third", SAME),
    ("2/4", "two quarters", SAME),
    ("1/10", "one tenth", SAME),
    ("7/2", "seven halves", SAME),
    ("⅛", "an eighth", SAME),
    ("2⅛ inches", "two and an eighth inches", SAME),
    ("1⅓", "one and a third", SAME),
    # Names, not fractions.
    ("9/11", "nine eleven", SAME),
    ("the 7/7 bombings", "the seven seven bombings", SAME),
    ("a 50/50 chance", "a fifty-fifty chance", SAME),
    ("open 24/7 now", "open twenty-four seven now", SAME),
    # A slashed run and large numbers are no fraction; the slash is not read.
    ("1/2/3", "one two three", SAME),
    ("1795 / 1805", "seventeen ninety-five or eighteen oh five", SAME),
]

DECIMALS = [
    (".5", "point five", SAME),
    ("a .45 calibre gun", "a point four five calibre gun", SAME),
    (".1665", "point one six six five", SAME),
    (".1 trillion", "point one trillion", SAME),
    (".5%", "point five per cent", "point five percent"),
    ("-0.1", "minus zero point one", SAME),
    ("2.050", "two point zero five zero", SAME),
    ("0.1 billion", "zero point one billion", SAME),
    # An ellipsis before a number is no decimal point.
    ("and so...5 more", "and so...five more", SAME),
]

MONTHS = [
    ("Sept. 15", "the fifteenth of September", "September fifteenth"),
    ("SEPT. 15", "the fifteenth of September", "September fifteenth"),
    ("JAN 15 2020", "the fifteenth of January twenty twenty", "January fifteenth, twenty twenty"),
    ("JAN. 15 2020", "the fifteenth of January twenty twenty", "January fifteenth, twenty twenty"),
    ("jan. 15", "the fifteenth of January", "January fifteenth"),
    ("july 25 2012", "the twenty-fifth of July twenty twelve", "July twenty-fifth, twenty twelve"),
    ("jul 25 2012", "the twenty-fifth of July twenty twelve", "July twenty-fifth, twenty twelve"),
    ("25 sept.", "the twenty-fifth of September.", "September twenty-fifth."),
    ("17 may 2010", "the seventeenth of May twenty ten", "May seventeenth, twenty ten"),
    ("SEPTEMBER 15", "the fifteenth of September", "September fifteenth"),
    ("Jan-15-2020", "the fifteenth of January twenty twenty", "January fifteenth, twenty twenty"),
    ("Jan-15", "the fifteenth of January", "January fifteenth"),
    ("15-Jan-2020", "the fifteenth of January twenty twenty", "January fifteenth, twenty twenty"),
    ("on the 26th May", "on the twenty-sixth of May", "on May twenty-sixth"),
    ("june 30", "the thirtieth of June", "June thirtieth"),
    ("July 1506", "July fifteen oh six", SAME),
    # Lower-case "may" and "march" are verbs unless a year follows.
    ("It may 5 times", "It may five times", SAME),
    ("they march 15 miles", "they march fifteen miles", SAME),
    ("On the mar.", "On the mar.", SAME),
]

NUMERIC_DATES = [
    # Day first in UK style, month first in US style; an impossible reading falls back.
    (
        "03/04/2025",
        "the third of April twenty twenty-five",
        "March fourth, twenty twenty-five",
    ),
    ("11/17/05", "the seventeenth of November oh five", "November seventeenth, oh five"),
    ("01/07/98", "the first of July ninety-eight", "January seventh, ninety-eight"),
    ("10/06/2005", "the tenth of June two thousand and five", "October sixth, two thousand five"),
    ("15.01.2020", "the fifteenth of January twenty twenty", "January fifteenth, twenty twenty"),
    ("01.10.2010", "the first of October twenty ten", "January tenth, twenty ten"),
    ("15-01-2020", "the fifteenth of January twenty twenty", "January fifteenth, twenty twenty"),
    ("2016/07/03", "the third of July twenty sixteen", "July third, twenty sixteen"),
    (
        "2024-03-14",
        "the fourteenth of March twenty twenty-four",
        "March fourteenth, twenty twenty-four",
    ),
    ("2006-08-05", "the fifth of August two thousand and six", "August fifth, two thousand six"),
    (
        "1998/3/4",
        "the fourth of March nineteen ninety-eight",
        "March fourth, nineteen ninety-eight",
    ),
    # Not dates: a version, an impossible day, a longer slashed run.
    ("1.2.24", "one point two point two four", SAME),
    ("1998/2/30", "nineteen ninety-eight two thirty", SAME),
    ("29/02/2023", "twenty-nine zero two twenty twenty-three", SAME),
    (
        "29/02/2024",
        "the twenty-ninth of February twenty twenty-four",
        "February twenty-ninth, twenty twenty-four",
    ),
    ("12/31/100", "twelve thirty-one one hundred", SAME),
]

DECADES = [
    ("mid-80s", "mid-eighties", SAME),
    ("the '90s", "the nineties", SAME),
    ("the ’60s", "the sixties", SAME),
    ("in their 40s", "in their forties", SAME),
    ("1960s-80s", "nineteen sixties to eighties", SAME),
    ("1960s-1980s", "nineteen sixties to nineteen eighties", SAME),
    ("the 1990s–2000s", "the nineteen nineties to two thousands", SAME),
    ("mid-1980s", "mid-nineteen eighties", SAME),
    ("1910s", "nineteen tens", SAME),
    ("1980's", "nineteen eighties", SAME),
    ("10s of thousands", "tens of thousands", SAME),
    ("1960-80", "nineteen sixty to eighty", SAME),
]

UNITS = [
    ("12KG", "twelve kilograms", SAME),
    ("12kg.", "twelve kilograms.", SAME),
    ("3 mbps", "three megabits per second", SAME),
    ("1 Mbps", "one megabit per second", SAME),
    ("100 Gbps", "one hundred gigabits per second", SAME),
    ("70 MPH", "seventy miles per hour", SAME),
    ("41 km³", "forty-one cubic kilometres", "forty-one cubic kilometers"),
    (
        "41,459.00 km³",
        "forty-one thousand four hundred and fifty-nine point zero zero cubic kilometres",
        "forty-one thousand four hundred fifty-nine point zero zero cubic kilometers",
    ),
    ("20 m2", "twenty square metres", "twenty square meters"),
    ("20 m²", "twenty square metres", "twenty square meters"),
    ("5 m3", "five cubic metres", "five cubic meters"),
    ("1,500 sq ft", "one thousand five hundred square feet", SAME),
    ("1,500 SQ FT", "one thousand five hundred square feet", SAME),
    ("300 sq km", "three hundred square kilometres", "three hundred square kilometers"),
    ("40 ha", "forty hectares", SAME),
    ("2x8 m", "two by eight metres", "two by eight meters"),
    ("2x8 m2", "two by eight square metres", "two by eight square meters"),
    (
        "The box was 25 x 7 m.",
        "The box was twenty-five by seven metres.",
        "The box was twenty-five by seven meters.",
    ),
    ("2x8", "two by eight", SAME),
    ("a 4x4 truck", "a four by four truck", SAME),
    ("3 × 4", "three by four", SAME),
    ("100 million kg", "one hundred million kilograms", SAME),
    ("3 kgs", "three kilograms", SAME),
    ("5 mins", "five minutes", SAME),
    ("1 min", "one minute", SAME),
    ("2 hrs", "two hours", SAME),
    ("30 secs", "thirty seconds", SAME),
    ("2 wks", "two weeks", SAME),
    ("6 mos", "six months", SAME),
    ("5 yrs", "five years", SAME),
    ("2-3 mins", "two to three minutes", SAME),
    ("2-5lb", "two to five pounds", SAME),
    ("200 ms", "two hundred milliseconds", SAME),
    ("3 l", "three litres", "three liters"),
    ("2L bottle", "two litres bottle", "two liters bottle"),
    ("5 mi", "five miles", SAME),
    ("8 ppm", "eight parts per million", SAME),
    ("10 kHz", "ten kilohertz", SAME),
    ("400 kV", "four hundred kilovolts", SAME),
    ("2°C", "two degrees Celsius", SAME),
    ("1°C", "one degree Celsius", SAME),
    ("45º", "forty-five degrees", SAME),
    ("2½ miles", "two and a half miles", SAME),
    ("7.2-millimeter bullet", "seven point two-millimeter bullet", SAME),
    # Case tells these apart, so they are read only in their own case.
    ("5 MW", "five megawatts", SAME),
    ("5 mw", "five mw", SAME),
    ("5 Kv", "five Kv", SAME),
]

MULTIPLES = [
    ("4.4x", "four point four times", SAME),
    ("a 10x return", "a ten times return", SAME),
    ("2+3", "two plus three", SAME),
    ("1±2", "one plus or minus two", SAME),
    ("Xbox", "Xbox", SAME),
    ("the x factor", "the x factor", SAME),
]

QUARTERS = [
    ("2Q22", "the second quarter of twenty-two", SAME),
    (
        "We have seen growth in 2Q22",
        "We have seen growth in the second quarter of twenty-two",
        SAME,
    ),
    ("Q3 2024", "the third quarter of twenty twenty-four", SAME),
    ("in Q1", "in the first quarter", SAME),
    ("the Q3 figures", "the third-quarter figures", SAME),
    ("Q4'23", "the fourth quarter of twenty-three", SAME),
    ("Q2 FY25", "the second quarter of fiscal twenty-five", SAME),
    ("FY2025", "fiscal year twenty twenty-five", SAME),
    ("FY25", "fiscal year twenty-five", SAME),
    ("FY 2024/25", "fiscal year twenty twenty-four to twenty-five", SAME),
    ("FY2024-25", "fiscal year twenty twenty-four to twenty-five", SAME),
    ("H1 2025", "the first half of twenty twenty-five", SAME),
    ("1H 2024", "the first half of twenty twenty-four", SAME),
    # Names that look like periods.
    ("the Audi Q3", "the Audi Q three", SAME),
    ("H1N1", "H one N one", SAME),
    ("an H1 heading", "an H one heading", SAME),
    ("Q5", "Q five", SAME),
]

HEADINGS = [
    ("PART XL", "Part forty", SAME),
    ("CHAPTER IV", "Chapter four", SAME),
    ("ACT III", "Act three", SAME),
    ("Chapter IV", "Chapter four", SAME),
    ("Super Bowl XL", "Super Bowl forty", SAME),
    ("PHASE II", "Phase two", SAME),
    ("WORLD WAR II ENDS", "WORLD WAR two ENDS", SAME),
    # No counted word before it: a size or a name.
    ("Size XL shirts", "Size X-L shirts", SAME),
    ("the NFL XL", "the N-F-L X-L", SAME),
]

PHONES = [
    # Zero is "oh" in UK speech and "zero" in US speech.
    (
        "(202) 555-0143",
        "two oh two, five five five, oh one four three",
        "two zero two, five five five, zero one four three",
    ),
    ("123-123-5678", "one two three, one two three, five six seven eight", SAME),
    ("+1 123-123-5678", "plus one, one two three, one two three, five six seven eight", SAME),
    (
        "1-800-555-0199",
        "one, eight oh oh, five five five, oh one nine nine",
        "one, eight zero zero, five five five, zero one nine nine",
    ),
    (
        "Call 020 7946 0018 today.",
        "Call oh two oh, seven nine four six, oh oh one eight today.",
        "Call zero two zero, seven nine four six, zero zero one eight today.",
    ),
    (
        "+44 20 7946 0958",
        "plus four four, two oh, seven nine four six, oh nine five eight",
        "plus four four, two zero, seven nine four six, zero nine five eight",
    ),
    ("123-123-5678-1", "one two three, one two three, five six seven eight, one", SAME),
    # A score, a range and a date are no telephone numbers.
    ("they lost 3-1", "they lost three-one", SAME),
    ("the 1999-2000 season", "the nineteen ninety-nine to two thousand season", SAME),
]

PROSE = [
    (
        "The marathon winner crossed in 2:03:45, about 4 1/2 minutes ahead.",
        "The marathon winner crossed in two hours three minutes and forty-five seconds, about "
        "four and a half minutes ahead.",
        SAME,
    ),
    (
        "Broadband at 3 Mbps costs $20/mo, or £10/wk in the UK.",
        "Broadband at three megabits per second costs twenty dollars a month, or ten pounds a "
        "week in the U-K.",
        SAME,
    ),
    (
        "Revenue in Q3 2024 rose to ¥30B, up from ¥25B in FY2023.",
        "Revenue in the third quarter of twenty twenty-four rose to thirty billion yen, up from "
        "twenty-five billion yen in fiscal year twenty twenty-three.",
        SAME,
    ),
    (
        "Flats of 20 m2 let for £2m-£3m in the mid-80s.",
        "Flats of twenty square metres let for two to three million pounds in the mid-eighties.",
        "Flats of twenty square meters let for two to three million pounds in the mid-eighties.",
    ),
    (
        "The deadline is 11/12/2025 at 01:00.",
        "The deadline is the eleventh of December twenty twenty-five at one o'clock.",
        "The deadline is November twelfth, twenty twenty-five at one o'clock.",
    ),
    (
        "Only 1/3 of voters backed the 9/11 memorial plan, 24/7 coverage showed.",
        "Only one third of voters backed the nine eleven memorial plan, twenty-four seven "
        "coverage showed.",
        SAME,
    ),
]

ZONES = [
    # A clock time with seconds is said as the clock time; its time zone is read with it.
    ("10:00:00 p.m. e.s.t", "ten P-M Eastern Standard Time", SAME),
    ("10:00:00 p.m. E.S.T.", "ten P-M Eastern Standard Time.", SAME),
    ("at 10 pm EST on Monday", "at ten P-M Eastern Standard Time on Monday", SAME),
    ("14:30:15 GMT", "fourteen thirty G-M-T", SAME),
    ("14:30 UTC", "fourteen thirty U-T-C", SAME),
    ("at 6pm ET.", "at six P-M Eastern Time.", SAME),
    ("3-5pm PT", "three to five P-M Pacific Time", SAME),
    ("9:00 BST", "nine o'clock British Summer Time", SAME),
    ("09:00–17:30 CET", "oh nine hundred to seventeen thirty Central European Time", SAME),
    # Two letters are a zone only in capitals.
    ("at 6 pm et al.", "at six P-M et al.", SAME),
]

PER_UNITS = [
    ("$1/d", "one dollar a day", SAME),
    ("3 cc/s", "three cubic centimetres per second", "three cubic centimeters per second"),
    ("3 cc", "three cubic centimetres", "three cubic centimeters"),
    ("5 mg/l", "five milligrams per litre", "five milligrams per liter"),
    ("5 mg/L", "five milligrams per litre", "five milligrams per liter"),
    (
        "120 mg/dL",
        "one hundred and twenty milligrams per decilitre",
        "one hundred twenty milligrams per deciliter",
    ),
    ("2 mmol/L", "two millimoles per litre", "two millimoles per liter"),
    ("40 µg/m³", "forty micrograms per cubic metre", "forty micrograms per cubic meter"),
    ("500 mL", "five hundred millilitres", "five hundred milliliters"),
    ("$40,000/capita", "forty thousand dollars per capita", SAME),
    # A unit rate without an amount is said in full.
    ("speeds in km/h", "speeds in kilometres per hour", "speeds in kilometers per hour"),
    ("levels in mg/l", "levels in milligrams per litre", "levels in milligrams per liter"),
]

MARKS = [
    # Slashed words: one or the other; shorthand said in full.
    ("copy/move", "copy or move", SAME),
    ("Increases/decreases the speed", "Increases or decreases the speed", SAME),
    ("prams / pushchairs", "prams or pushchairs", SAME),
    ("he/she", "he or she", SAME),
    ("N/A", "not applicable", SAME),
    ("w/o sugar", "without sugar", SAME),
    ("tea w/ milk", "tea with milk", SAME),
    ("c/o the office", "care of the office", SAME),
    # Names and paths: the slash is no word.
    ("TCP/IP", "T-C-P I-P", SAME),
    ("the Israel/Gaza talks", "the Israel Gaza talks", SAME),
    ("copy /usr/local/bin", "copy usr local bin", SAME),
    ("Pale Blue Dot / Lift Off", "Pale Blue Dot, Lift Off", SAME),
    # Separators are pauses.
    ("Open Debate | Harper's Magazine", "Open Debate, Harper's Magazine", SAME),
    ("• The third quarter", "The third quarter", SAME),
    ("Settings > Security", "Settings, Security", SAME),
    ("-----", "—", SAME),
    ("he feared -- but", "he feared — but", SAME),
    # Marks with no meaning are dropped.
    ("name_of_tarball", "name of tarball", SAME),
    ("the __del__ method", "the del method", SAME),
    ("*Note that eggs", "Note that eggs", SAME),
    ("HyperBody®, an artist", "HyperBody, an artist", SAME),
    ("Copyright © 2019", "Copyright twenty nineteen", SAME),
    ("Touch Bar™ support", "Touch Bar support", SAME),
    ("line one\\r\\nline two", "line one line two", SAME),
    ("'Chili de <your name>'", "'Chili de your name'", SAME),
    ("What the $%#! and ??", "What the! and ??", SAME),
    ("the `which` command", "the which command", SAME),
    # Marks with a meaning are read.
    ("I sang the f*ck out of it", "I sang the bleep out of it", SAME),
    ("2^10", "two to the power of ten", SAME),
    ("3*4", "three times four", SAME),
    ("<5 people", "less than five people", SAME),
    ("> 100 km", "more than one hundred kilometres", "more than one hundred kilometers"),
    ("≥18", "at least eighteen", SAME),
    ("≤ £5", "at most five pounds", SAME),
]

FAMILIES: dict[str, list[tuple[str, str, str]]] = {
    "durations": DURATIONS,
    "clock": CLOCK,
    "rates": RATES,
    "money": MONEY,
    "fractions": FRACTIONS,
    "decimals": DECIMALS,
    "months": MONTHS,
    "numeric dates": NUMERIC_DATES,
    "decades": DECADES,
    "units": UNITS,
    "multiples": MULTIPLES,
    "quarters": QUARTERS,
    "headings": HEADINGS,
    "phones": PHONES,
    "zones": ZONES,
    "per units": PER_UNITS,
    "marks": MARKS,
    "prose": PROSE,
}


def _rows() -> list[tuple[str, Style, str]]:
    rows: list[tuple[str, Style, str]] = []
    for table in FAMILIES.values():
        for written, uk, us in table:
            rows.append((written, "uk", uk))
            rows.append((written, "us", uk if us == SAME else us))
    return rows


CASES = _rows()
