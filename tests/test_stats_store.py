"""The counting path below HTTP: user agents, listener hashes, the roll-up (the same on
SQLite and PostgreSQL, and the same when run twice), the 48-hour purge, the country from
an offline GeoIP database, and the player's events with their flood flag."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet
from sqlalchemy import func, select

from narration.config import Settings
from narration.errors import SettingsError
from narration.model import Episode
from narration.service.stats.agents import DATA, classify
from narration.service.stats.counter import KEEP, AudioRequest, Counter
from narration.service.stats.events import Outcome, PlayerEvent, PlayerEvents
from narration.service.stats.figures import read_figures
from narration.service.stats.listeners import client_address, listener_hash, network_of
from narration.store.database import Database
from narration.store.stats import Filter, Hit, need_for
from narration.store.tables import stats_daily, stats_events, stats_hits, stats_salts
from tests.stats_fixtures import add_episode, sized
from tests.test_scaleout import postgres_url

__all__ = ["postgres_url"]  # the fixture, for the PostgreSQL roll-up

NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
WATCH_PODCASTS = "atc/1.0 watchOS/7.1 model/Watch4,2 hwp/t8006 build/18R590 (6; dt:191)"
WATCH_MEDIA = "AppleCoreMedia/1.0.0.18R590 (Apple Watch; U; CPU OS 7_1 like Mac OS X; en_us)"
WATCH_OVERCAST = "Overcast/3.0 (+http://overcast.fm/; Apple Watch podcast app) watchOS/9.1"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.mark.parametrize(
    ("agent", "app", "bot", "watch"),
    [
        ("Podcasts/1650.20 CFNetwork/1410.0.3 Darwin/22.6.0", "Apple Podcasts", False, False),
        (OVERCAST, "Overcast", False, False),
        ("Spotify/8.8.0 iOS/17.0 (iPhone15,2)", "Spotify", False, False),
        ("AntennaPod/3.2.0", "AntennaPod", False, False),
        (GOOGLEBOT, "other", True, False),
        ("curl/8.5.0", "other", True, False),
        ("Mozilla/5.0 (compatible; Yeti/1.1; +http://naver.me/spd)", "other", True, False),
        ("", "other", True, False),
        (WATCH_PODCASTS, "other", True, True),
        (WATCH_MEDIA, "other", False, True),
        (WATCH_OVERCAST, "Overcast", False, True),
        (CHROME, "other", False, False),
    ],
)  # fmt: skip
def test_user_agents_are_told_apart(agent: str, app: str, bot: bool, watch: bool) -> None:
    found = classify(agent)
    assert (found.app, found.bot, found.watch) == (app, bot, watch)


def test_the_vendored_lists_load_with_their_licence() -> None:
    assert "Open Podcast Analytics Working Group" in (DATA / "LICENSE").read_text()
    for name in ("apps.json", "bots.json"):
        entries = json.loads((DATA / name).read_text(encoding="utf-8"))["entries"]
        assert len(entries) > 200
        for entry in entries:
            re.compile(entry["pattern"])


def test_ipv6_addresses_are_one_listener_per_64() -> None:
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:ffff:1:2:3")
    assert network_of("2001:db8:1:2::1") != network_of("2001:db8:1:3::1")
    assert network_of("::ffff:192.0.2.7") == "192.0.2.7"
    assert network_of("192.0.2.7") != network_of("192.0.2.8")
    same = listener_hash("salt", "2001:db8:1:2::1", "A") == listener_hash(
        "salt", "2001:db8:1:2::9", "A"
    )
    assert same
    assert listener_hash("salt", "2001:db8:1:2::1", "A") != listener_hash(
        "salt", "2001:db8:1:2::1", "B"
    )
    assert listener_hash("salt", "192.0.2.7", "A") != listener_hash("other", "192.0.2.7", "A")
    assert "192.0.2.7" not in listener_hash("salt", "192.0.2.7", "A")


def test_forwarded_for_is_taken_from_trusted_proxies_only() -> None:
    assert client_address("10.0.0.1", "192.0.2.1", []) == "10.0.0.1"
    assert client_address("10.0.0.1", "192.0.2.1", ["10.0.0.1"]) == "192.0.2.1"
    # A client cannot pass itself off as another by sending its own header first.
    assert client_address("10.0.0.1", "6.6.6.6, 192.0.2.1", ["10.0.0.1"]) == "192.0.2.1"
    assert (
        client_address("10.0.0.1", "192.0.2.1, 10.0.0.2", ["10.0.0.1", "10.0.0.2"]) == "192.0.2.1"
    )


def test_one_minute_of_audio_in_bytes() -> None:
    assert need_for(600_000, 600.0) == 60_000
    assert need_for(30_000, 30.0) == 30_000
    assert need_for(48_000, 60.0) == 48_000


def _feed(counter: Counter, ep: Episode, clock: Clock) -> None:
    """Hits for one day: 3 downloads of ``ep`` (one a flood) and 3 that do not count."""

    def hit(address: str, agent: str, first: int, last: int, minutes: int = 0) -> None:
        at = clock.at + dt.timedelta(minutes=minutes)
        counter.hit(AudioRequest(at, ep.audio_name, address, agent, first, last))

    hit("192.0.2.1", OVERCAST, 0, 1)
    hit("192.0.2.1", OVERCAST, 0, 599_999, minutes=1)  # 1
    hit("192.0.2.1", OVERCAST, 0, 599_999, minutes=90)  # the same listener: still 1
    hit("192.0.2.2", OVERCAST, 0, 1)  # a probe: 0
    hit("192.0.2.3", OVERCAST, 0, 59_998)  # a byte short of a minute: 0
    hit("192.0.2.4", OVERCAST, 0, 59_999)  # exactly a minute: 1
    hit("192.0.2.5", "curl/8.5.0", 0, 599_999)  # a bot: 0
    for n in range(12):  # over the hourly limit of 10: 1, flagged
        hit("192.0.2.6", OVERCAST, 0, 599_999, minutes=n)


def _counter(settings: Settings, db: Database, clock: Clock) -> Counter:
    return Counter(settings, db, clock=clock)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "out", stats_hourly_limit=10)


def _totals(db: Database) -> list[tuple[object, ...]]:
    d = stats_daily.c
    with db.begin() as conn:
        rows = conn.execute(
            select(d.day, d.app, d.downloads, d.flagged).order_by(d.day, d.app)
        ).all()
    return [tuple(row) for row in rows]


def _roll_up_twice(settings: Settings) -> list[tuple[object, ...]]:
    ep = add_episode(settings, "a", duration_s=600, audio=sized(600_000))
    clock = Clock(NOON)
    db = Database.open(settings)
    counter = _counter(settings, db, clock)
    try:
        _feed(counter, ep, clock)
        counter.roll_up()
        first = _totals(db)
        counter.roll_up()
        assert _totals(db) == first
        return first
    finally:
        counter.close()
        db.close()


def test_the_roll_up_is_idempotent_and_the_same_on_sqlite_and_postgresql(
    sqlite_settings: Settings, tmp_path: Path, postgres_url: str
) -> None:
    on_sqlite = _roll_up_twice(sqlite_settings)
    # 192.0.2.1, 192.0.2.4 and the flood (flagged) from 192.0.2.6.
    assert on_sqlite == [("2026-03-10", "Overcast", 3, 1)]
    pg_settings = Settings(
        out_dir=tmp_path / "pg", database_url=postgres_url, stats_hourly_limit=10
    )
    assert _roll_up_twice(pg_settings) == on_sqlite


def test_hashes_go_after_48_hours_and_the_totals_stay(sqlite_settings: Settings) -> None:
    ep = add_episode(sqlite_settings, "a", duration_s=600, audio=sized(600_000))
    clock = Clock(NOON)
    db = Database.open(sqlite_settings)
    counter = _counter(sqlite_settings, db, clock)
    try:
        _feed(counter, ep, clock)
        counter.roll_up()
        with db.begin() as conn:
            assert conn.execute(select(func.count()).select_from(stats_hits)).scalar_one() == 19
        clock.at = NOON + dt.timedelta(days=1)
        counter.roll_up()  # yesterday again, from hits still kept: the same totals
        clock.at = NOON + KEEP + dt.timedelta(days=1)
        assert counter.purge() == (19, 0)
        with db.begin() as conn:
            assert conn.execute(select(func.count()).select_from(stats_hits)).scalar_one() == 0
            salts = conn.execute(select(stats_salts.c.day)).scalars().all()
        assert "2026-03-10" not in salts
        figures = read_figures(counter, Filter(), "day")
        assert figures.downloads == 3
        assert [(r.key, r.downloads) for r in figures.rows] == [("2026-03-10", 3)]
    finally:
        counter.close()
        db.close()


def test_each_day_has_its_own_salt(sqlite_settings: Settings) -> None:
    db = Database.open(sqlite_settings)
    counter = _counter(sqlite_settings, db, Clock(NOON))
    try:
        first = counter.salts.of("2026-03-10")
        assert counter.salts.of("2026-03-10") == first
        assert counter.store.salt("2026-03-10") == first
        assert counter.salts.of("2026-03-11") != first
    finally:
        counter.close()
        db.close()


def test_the_country_comes_from_an_offline_geoip_database(tmp_path: Path) -> None:
    mmdb = tmp_path / "countries.mmdb"
    writer = MMDBWriter(ip_version=6, database_type="GeoIP2-Country", ipv4_compatible=True)
    writer.insert_network(IPSet(["192.0.2.0/24"]), {"country": {"iso_code": "NL"}})
    writer.insert_network(IPSet(["2001:db8::/32"]), {"country": {"iso_code": "FR"}})
    writer.to_db_file(str(mmdb))
    settings = Settings(out_dir=tmp_path / "out", stats_geoip_path=mmdb)
    ep = add_episode(settings, "a", duration_s=600, audio=sized(600_000))
    db = Database.open(settings)
    clock = Clock(NOON)
    counter = _counter(settings, db, clock)
    try:
        for address in ("192.0.2.1", "2001:db8::5", "198.51.100.1"):
            counter.hit(AudioRequest(NOON, ep.audio_name, address, OVERCAST, 0, 599_999))
        figures = read_figures(counter, Filter(), "country")
        assert {r.key: r.downloads for r in figures.rows} == {"NL": 1, "FR": 1, "unknown": 1}
    finally:
        counter.close()
        db.close()
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    with pytest.raises(SettingsError, match=r"broken\.mmdb"):
        Counter(Settings(out_dir=tmp_path / "out", stats_geoip_path=broken), db)


def test_player_events_count_once_per_listener_and_floods_are_flagged(tmp_path: Path) -> None:
    settings = Settings(out_dir=tmp_path / "out", stats_events_per_minute=5)
    ep = add_episode(settings, "a", duration_s=600, audio=sized(600_000))
    db = Database.open(settings)
    clock = Clock(NOON)
    counter = _counter(settings, db, clock)
    events = PlayerEvents(settings.stats, counter.store, counter.salts, clock=clock)
    origin = "https://news.example"

    def send(kind: str, address: str, rate: float = 1.0) -> Outcome:
        event = PlayerEvent(ep.id, kind, rate, "embed", origin)  # type: ignore[arg-type]
        return events.take(event, address, "Mozilla/5.0 Firefox/120.0")

    try:
        for kind in ("play", "25", "50"):
            assert send(kind, "192.0.2.1", rate=1.5) is Outcome.TAKEN
        assert send("play", "192.0.2.1", rate=1.5) is Outcome.TAKEN  # played again: once
        assert send("play", "192.0.2.2") is Outcome.TAKEN
        missing = PlayerEvent("f" * 32, "play", 1.0, "page", "")
        assert events.take(missing, "192.0.2.3", "x") is Outcome.UNKNOWN_EPISODE
        # A flood from one hash: 5 a minute are taken, the 6th is refused and flagged, the
        # rest refused unrecorded; that listener's events count for nothing that day.
        outcomes = [send(kind, "192.0.2.9") for kind in ["play", "25", "50", "75", "95"] * 4]
        assert outcomes[:5] == [Outcome.TAKEN] * 5 and set(outcomes[5:]) == {Outcome.LIMITED}
        with db.begin() as conn:
            flagged = conn.execute(
                select(func.count()).select_from(stats_events).where(stats_events.c.flagged)
            ).scalar_one()
        assert flagged == 1
        player = read_figures(counter, Filter(episode_id=ep.id), "day").player
        assert player.plays == 2
        assert player.reached == {25: 1, 50: 1, 75: 0, 95: 0}
        assert player.embed == 2 and player.page == 0
        assert player.average_rate == 1.25
        assert player.flagged == 1
    finally:
        counter.close()
        db.close()


def test_the_stats_command_rolls_up_and_purges(
    sqlite_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from narration.cli import main

    ep = add_episode(sqlite_settings, "a", duration_s=600, audio=sized(600_000))
    db = Database.open(sqlite_settings)
    old = Clock(dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    counter = _counter(sqlite_settings, db, old)
    try:
        counter.hit(AudioRequest(old.at, ep.audio_name, "192.0.2.1", OVERCAST, 0, 599_999))
        assert counter.flush() == 1
    finally:
        counter.close()
        db.close()
    assert main(["stats", "--out", str(sqlite_settings.out_dir)]) == 0
    assert "deleted 1 raw hits and 0 player events" in capsys.readouterr().out


def test_a_raw_hit_names_the_columns_in_their_order() -> None:
    assert Hit._fields == tuple(c.name for c in stats_hits.columns if c.name != "id")


def test_a_day_is_rolled_up_for_good_once_it_is_well_over(sqlite_settings: Settings) -> None:
    ep = add_episode(sqlite_settings, "a", duration_s=600, audio=sized(600_000))
    clock = Clock(NOON)
    db = Database.open(sqlite_settings)
    counter = _counter(sqlite_settings, db, clock)
    rolled: list[str] = []
    roll_up = counter.store.roll_up

    def tracked(day: str, hourly_limit: int) -> None:
        rolled.append(day)
        roll_up(day, hourly_limit)

    counter.store.roll_up = tracked  # type: ignore[method-assign]
    try:
        _feed(counter, ep, clock)
        counter.roll_up()
        assert rolled == ["2026-03-09", "2026-03-10"]
        # Two minutes past midnight: the day before is rolled up again (a process may
        # still have written its last requests)...
        clock.at = dt.datetime(2026, 3, 11, 0, 2, tzinfo=dt.UTC)
        rolled.clear()
        counter.roll_up()
        assert rolled == ["2026-03-10", "2026-03-11"]
        # ...and once it is well over, for the last time.
        clock.at = dt.datetime(2026, 3, 11, 0, 10, tzinfo=dt.UTC)
        rolled.clear()
        counter.roll_up()
        counter.roll_up()
        assert rolled == ["2026-03-10", "2026-03-11", "2026-03-11"]
        assert read_figures(counter, Filter(), "day").downloads == 3
    finally:
        counter.close()
        db.close()
