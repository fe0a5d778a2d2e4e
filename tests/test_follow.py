"""Following a site on 127.0.0.1: new, edited, removed, duplicated and malformed entries,
conditional GETs, throttling and failures, limits, and dedupe across restarts."""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from narration.config import Settings
from narration.errors import BadInput
from narration.ingest.follow_rules import Rules
from narration.service import submission
from narration.service.follow import Follower, PollResult
from narration.service.queue import JobQueue
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.store.jobs import JobStore, Submission
from narration.store.sources import Source, SourceStore
from narration.store.tables import jobs
from tests.follow_site import Item, Site, serving

pytestmark = pytest.mark.slow


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        out_dir=tmp_path / "out",
        voice="fake:tone",
        workers=1,
        clip_timeout_s=10,
        fetch_allow=["127.0.0.1"],
        follow_min_interval_s=0,
        follow_interval_s=600,
        follow_jitter=0,
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database.open(settings)
    yield database
    database.close()


class Recorder:
    """Queues jobs in the catalog as the service does, without narrating them."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.store = JobStore(db)
        self.subs: list[Submission] = []

    def __call__(self, sub: Submission) -> str:
        submission.check(sub, self.settings)
        job, new = self.store.enqueue(sub)
        if new:
            self.subs.append(sub)
        return job.id


def poll(follower: Follower, source: Source) -> PollResult:
    fresh = follower.store.get(source.id)
    assert fresh is not None
    return follower.poll(fresh)


def job_count(db: Database) -> int:
    with db.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(jobs)).scalar_one())


@pytest.mark.parametrize("kind", ["rss", "atom", "json_feed", "news_sitemap"])
def test_new_duplicated_and_malformed_entries_are_queued_once(
    site: Site, settings: Settings, db: Database, kind: str
) -> None:
    items = [Item("a1", "Alpha"), Item("a2", "Beta", full=False)]
    getattr(site, kind)("/feed", [*items, items[0]])  # the first listed twice
    recorder = Recorder(settings, db)
    follower = Follower(settings, db, recorder)
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    first = poll(follower, source)
    assert first.result == "new entries"
    assert len(first.queued) == 2 and first.duplicates == 1
    assert {s.title for s in recorder.subs} == {"Alpha", "Beta"}
    again = poll(follower, source)
    assert again.result == "not modified" and again.queued == []
    assert site.hits("/feed")[-1].get("if-none-match")  # the validator was sent
    assert job_count(db) == 2
    counts = follower.store.counts(source.id)
    assert (counts.seen, counts.queued, counts.failed) == (2, 2, 0)


def test_an_edited_entry_is_a_new_version_of_the_same_episode(
    site: Site, settings: Settings, db: Database
) -> None:
    queue = JobQueue(settings, immediate=True, db=db)
    follower = Follower(settings, db, lambda sub: queue.submit(sub)[0])
    story = Item("s1", "Budget day", body="The budget was read today. Markets rose.")
    site.rss("/feed", [story, Item("s2", "Weather", body="Rain is expected. Then sun.")])
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    assert len(poll(follower, source).queued) == 2
    catalog = Catalog(db)
    before = catalog.find("default", f"{site.base}/articles/s1")
    assert before is not None
    # The same text under a new date only: no new audio.
    site.rss(
        "/feed",
        [story, Item("s2", "Weather", body="Rain is expected. Then sun.")],
        extra="<lastBuildDate>Sat, 21 Nov 2026 10:00:00 GMT</lastBuildDate>",
    )
    assert poll(follower, source).queued == []
    story.body = "The budget was read today. Markets fell sharply."
    site.rss("/feed", [story, Item("s2", "Weather", body="Rain is expected. Then sun.")])
    changed = poll(follower, source)
    assert changed.changed == 1 and [key for key, _ in changed.queued] == ["s1"]
    after = catalog.find("default", f"{site.base}/articles/s1")
    assert after is not None
    assert after.guid == before.guid and after.id == before.id
    assert after.audio_name != before.audio_name
    assert len(catalog.list("default")) == 2
    feed = ET.parse(settings.out_dir / "feed.xml").getroot()
    guids = [g.text for g in feed.iter("guid")]
    assert sorted(guids) == sorted({g for g in guids}) and before.guid in guids
    queue.close()


def test_removed_entries_stay_unless_a_sitemap_says_remove_missing(
    site: Site, settings: Settings, db: Database
) -> None:
    queue = JobQueue(settings, immediate=True, db=db)
    follower = Follower(settings, db, lambda sub: queue.submit(sub)[0])
    one, two = Item("r1", "Kept story"), Item("r2", "Withdrawn story")
    site.news_sitemap("/kept.xml", [one, two])
    site.rss("/feed", [one, two])
    sitemap = follower.store.add("default", f"{site.base}/kept.xml", Rules(remove_missing=True))
    feed_source = follower.store.add("default", f"{site.base}/feed", Rules())
    assert len(poll(follower, sitemap).queued) == 2
    assert len(poll(follower, feed_source).queued) == 2  # the same pages, the same episodes
    catalog = Catalog(db)
    assert len(catalog.list("default")) == 2
    site.rss("/feed", [one])
    assert poll(follower, feed_source).removed == 0
    assert len(catalog.list("default")) == 2  # a feed drops old entries: they stay
    site.news_sitemap("/kept.xml", [one])
    assert poll(follower, sitemap).removed == 1
    titles = [e.title for e in catalog.list("default")]
    assert titles == ["Kept story"]
    feed = (settings.out_dir / "feed.xml").read_text()
    assert "Withdrawn story" not in feed and "Kept story" in feed
    queue.close()


def test_304_429_and_500_are_polite_and_recorded(
    site: Site, settings: Settings, db: Database
) -> None:
    site.rss("/feed", [Item("p1", "One")])
    site.put("/broken", b"oops", "text/plain", status=500)
    follower = Follower(settings, db, Recorder(settings, db))
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    broken = follower.store.add("default", f"{site.base}/broken", Rules())
    results = {r.source.url: r for r in follower.poll_due()}
    assert results[source.url].result == "new entries"  # the broken one stops nothing
    assert results[broken.url].result == "failed"
    state = follower.store.get(broken.id)
    assert state is not None and state.failures == 1 and "HTTP 500" in (state.last_error or "")
    wait = (state.next_poll_at - dt.datetime.now(dt.UTC)).total_seconds()
    assert 600 * 2 - 5 < wait <= 600 * 2  # backed off: twice the interval after one failure
    again = poll(follower, broken)
    state = follower.store.get(broken.id)
    assert again.result == "failed" and state is not None and state.failures == 2
    assert (state.next_poll_at - dt.datetime.now(dt.UTC)).total_seconds() > 600 * 4 - 5
    # 429 with Retry-After: nothing read, the wait asked for honoured.
    site.put("/feed", b"slow down", "text/plain", status=429, headers={"Retry-After": "7200"})
    throttled = poll(follower, source)
    state = follower.store.get(source.id)
    assert throttled.result == "throttled" and state is not None
    assert "HTTP 429" in (state.last_error or "")
    assert (state.next_poll_at - dt.datetime.now(dt.UTC)).total_seconds() > 7190
    # Cache-Control max-age and ttl lengthen the interval.
    site.rss("/feed", [Item("p1", "One")], channel="<ttl>30</ttl>")
    ok = poll(follower, source)
    state = follower.store.get(source.id)
    assert ok.result == "no changes" and state is not None and state.failures == 0
    assert (state.next_poll_at - dt.datetime.now(dt.UTC)).total_seconds() > 1790
    site.rss("/feed", [Item("p1", "One")], channel="<title>x</title>")
    site.files["/feed"][3]["Cache-Control"] = "public, max-age=3000"
    poll(follower, source)
    state = follower.store.get(source.id)
    assert state is not None
    assert (state.next_poll_at - dt.datetime.now(dt.UTC)).total_seconds() > 2990
    # Without max-age, Expires (read against the server's Date) says as much.
    site.rss("/feed", [Item("p1", "One")], channel="<title>y</title>")
    site.files["/feed"][3]["Expires"] = email.utils.format_datetime(
        dt.datetime.now(dt.UTC) + dt.timedelta(seconds=4000), usegmt=True
    )
    poll(follower, source)
    state = follower.store.get(source.id)
    assert state is not None
    assert 3990 < (state.next_poll_at - dt.datetime.now(dt.UTC)).total_seconds() < 4000 * 1.2


def test_a_feed_grown_to_5000_items_queues_max_new_per_poll(
    site: Site, settings: Settings, db: Database
) -> None:
    items = [
        Item(
            f"n{n}", f"Story {n}", published=f"2026-11-{1 + n // 300:02d}T{n % 24:02d}:00:00+00:00"
        )
        for n in range(5000)
    ]
    site.json_feed("/feed", items[:10])
    recorder = Recorder(settings, db)
    follower = Follower(settings, db, recorder)
    source = follower.store.add("default", f"{site.base}/feed", Rules(max_new_per_poll=25))
    assert len(poll(follower, source).queued) == 10
    site.json_feed("/feed", items)
    grown = poll(follower, source)
    assert len(grown.queued) == 25 and grown.waiting == 4965
    newest = sorted(items[10:], key=lambda i: i.published, reverse=True)[:25]
    assert {s.title for s in recorder.subs[10:]} == {i.title for i in newest}
    # The feed is unchanged, but what waits is read on the next polls, 25 at a time,
    # newest first (no conditional GET while entries wait).
    following = poll(follower, source)
    assert len(following.queued) == 25 and following.waiting == 4940
    after = sorted(items[10:], key=lambda i: i.published, reverse=True)[25:50]
    assert {s.title for s in recorder.subs[35:]} == {i.title for i in after}
    assert job_count(db) == 60


def test_not_before_and_filters_decide_what_is_queued(
    site: Site, settings: Settings, db: Database
) -> None:
    site.atom(
        "/feed",
        [
            Item("f1", "Old", published="2020-01-01T00:00:00+00:00"),
            Item("f2", "Sport", categories=("Sport",)),
            Item("f3", "Politics", categories=("Politics",), path="/politics/f3"),
            Item("f4", "By Bo", categories=("Politics",), author="Bo", path="/politics/f4"),
        ],
    )
    recorder = Recorder(settings, db)
    follower = Follower(settings, db, recorder)
    rules = Rules(
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        categories=("politics",),
        authors=("Ann Writer",),
        url_pattern=r"^https?://[^/]+/politics/",
    )
    source = follower.store.add("default", f"{site.base}/feed", rules)
    result = poll(follower, source)
    assert [s.title for s in recorder.subs] == ["Politics"] and result.filtered == 3


def test_an_entry_pointing_inside_the_network_is_refused_and_recorded(
    site: Site, settings: Settings, db: Database
) -> None:
    closed = settings.replaced(fetch_allow=[])
    feed = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
        "<item><title>Metadata</title><link>http://169.254.169.254/latest/meta-data/</link>"
        "<guid>m1</guid></item>"
        "<item><title>Loopback</title><link>http://127.0.0.1:9/admin</link>"
        "<guid>m2</guid></item></channel></rss>"
    )
    site.put("/feed", feed, "application/rss+xml")
    # The feed itself is fetched from the test server (allowed), its entries under the
    # service's own rules, where loopback is not allowed.
    follower = Follower(settings, db, Recorder(closed, db))
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    result = poll(follower, source)
    assert result.failed == 2 and result.queued == []
    state = follower.store.get(source.id)
    assert state is not None and state.last_error is not None
    assert "refused" in state.last_error
    assert follower.store.counts(source.id).failed == 2
    assert job_count(db) == 0
    # A source that is itself inside the network is refused before anything is sent.
    inside = Follower(closed, db, Recorder(closed, db))
    metadata = inside.poll(inside.store.add("default", "http://169.254.169.254/feed", Rules()))
    assert metadata.result == "failed" and "link-local" in (metadata.error or "")


def test_a_restart_in_the_middle_of_a_poll_loses_and_duplicates_nothing(
    site: Site, settings: Settings
) -> None:
    site.rss("/feed", [Item(f"c{n}", f"Crash {n}") for n in range(6)])

    class Crash(BaseException):
        pass

    first_db = Database.open(settings)
    recorder = Recorder(settings, first_db)
    calls = 0

    def crashing(sub: Submission) -> str:
        nonlocal calls
        calls += 1
        if calls == 3:
            # The job is in the catalog but the entry not yet marked queued: the process
            # dies between the two.
            recorder(sub)
            raise Crash
        return recorder(sub)

    follower = Follower(settings.replaced(follow_lease_s=0.5), first_db, crashing)
    source = follower.store.add("default", f"{site.base}/feed", Rules())
    with pytest.raises(Crash):
        follower.poll_due()
    first_db.close()

    # A new process: the source's lease runs out, the poll runs again.
    second_db = Database.open(settings)
    again = Recorder(settings, second_db)
    restarted = Follower(settings, second_db, again)
    threading.Event().wait(0.6)
    [result] = restarted.poll_due()
    assert result.result == "new entries"
    with second_db.begin() as conn:
        rows = conn.execute(select(jobs.c.payload)).scalars().all()
    titles = sorted(row["title"] for row in rows)
    assert titles == sorted(f"Crash {n}" for n in range(6))  # each once
    counts = restarted.store.counts(source.id)
    assert (counts.seen, counts.queued) == (6, 6)
    assert restarted.poll_due() == []  # nothing due: polled just now
    second_db.close()


def test_sources_from_the_shows_file_are_kept_in_step(
    tmp_path: Path, settings: Settings, db: Database
) -> None:
    shows = tmp_path / "shows.toml"
    shows.write_text(
        "[shows.tech]\ntitle = 'Tech'\n"
        "[[shows.tech.follow]]\nurl = 'https://a.example/feed'\nmax_new_per_poll = 3\n"
        "[[shows.tech.follow]]\nurl = 'https://b.example/sitemap.xml'\nremove_missing = true\n"
        "not_before = 2026-01-01\n"
    )
    configured = settings.replaced(shows_path=shows)
    follower = Follower(configured, db, Recorder(configured, db))
    follower.sync()
    listed = {s.url: s for s in SourceStore(db).list("tech")}
    assert listed["https://a.example/feed"].rules.max_new_per_poll == 3
    assert listed["https://b.example/sitemap.xml"].rules.remove_missing
    assert listed["https://b.example/sitemap.xml"].rules.not_before == dt.datetime(
        2026, 1, 1, tzinfo=dt.UTC
    )
    shows.write_text(
        "[shows.tech]\ntitle = 'Tech'\n[[shows.tech.follow]]\nurl = 'https://a.example/feed'\n"
    )
    follower.sync()
    assert [s.url for s in SourceStore(db).list("tech")] == ["https://a.example/feed"]
    shows.write_text(
        "[shows.tech]\ntitle = 'Tech'\n[[shows.tech.follow]]\n"
        "url = 'https://a.example/feed'\nurl_pattern = '(['\n"
    )
    with pytest.raises(BadInput, match="url_pattern"):
        follower.sync()


def test_a_sitemap_index_is_followed_one_level_and_malformed_parts_are_counted(
    site: Site, settings: Settings, db: Database
) -> None:
    site.news_sitemap("/news-1.xml", [Item("i1", "Index one"), Item("i2", "Index two")])
    site.news_sitemap("/news-2.xml", [Item("i3", "Index three")])
    site.put(
        "/index.xml",
        "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<sitemap><loc>{site.base}/news-1.xml</loc></sitemap>"
        f"<sitemap><loc>{site.base}/news-2.xml</loc></sitemap></sitemapindex>",
    )
    recorder = Recorder(settings, db)
    follower = Follower(settings, db, recorder)
    index = follower.store.add("default", f"{site.base}/index.xml", Rules())
    result = poll(follower, index)
    assert sorted(s.title or "" for s in recorder.subs) == ["Index one", "Index three", "Index two"]
    assert result.result == "new entries"
    state = follower.store.get(index.id)
    assert state is not None and state.kind == "sitemapindex"

    # Malformed entries are skipped and counted; a malformed document is its source's error.
    site.put(
        "/feed",
        "<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
        f"<item><title>Good</title><link>{site.base}/articles/ok</link><guid>ok</guid></item>"
        "<item><title>No link, no guid</title></item>"
        "<item><title>Bad link</title><link>javascript:void(0)</link></item>"
        "</channel></rss>",
        "application/rss+xml",
    )
    site.page(Item("ok", "Good"))
    site.put("/garbage", "<html><body>not a feed</body></html>", "text/html")
    feed = follower.store.add("default", f"{site.base}/feed", Rules())
    garbage = follower.store.add("default", f"{site.base}/garbage", Rules())
    results = {r.source.url: r for r in follower.poll_due()}
    assert results[feed.url].malformed == 2 and len(results[feed.url].queued) == 1
    assert results[garbage.url].result == "failed"
    broken = follower.store.get(garbage.id)
    assert broken is not None and "cannot read the feed" in (broken.last_error or "")


def test_next_polls_are_jittered_and_retry_after_dates_are_read(
    site: Site, settings: Settings, db: Database
) -> None:
    from narration.service.follow import retry_after_s

    jittery = settings.replaced(follow_jitter=0.5, follow_interval_s=1000)
    follower = Follower(jittery, db, Recorder(jittery, db))
    site.rss("/feed", [Item("j1", "Jitter")])
    waits = []
    for n in range(6):
        source = follower.store.add("default", f"{site.base}/feed?n={n}", Rules())
        poll(follower, source)
        state = follower.store.get(source.id)
        assert state is not None
        waits.append((state.next_poll_at - dt.datetime.now(dt.UTC)).total_seconds())
    assert all(995 < wait <= 1500 for wait in waits)
    assert len({round(wait) for wait in waits}) > 1  # not all the same
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    assert retry_after_s("Fri, 20 Nov 2026 10:02:00 GMT", now) == 120
    assert retry_after_s("30", now) == 30
    assert retry_after_s("soon", now) is None


def test_a_broken_shows_file_does_not_stop_the_polling(
    tmp_path: Path, site: Site, settings: Settings, db: Database
) -> None:
    shows = tmp_path / "broken.toml"
    shows.write_text("[shows.tech]\ntitle = 'Tech'\n[[shows.tech.follow]]\nurl = 'x'\n")
    broken = settings.replaced(shows_path=shows, follow_tick_s=0.05)
    site.rss("/feed", [Item("b1", "Still polled")])
    recorder = Recorder(broken, db)
    follower = Follower(broken, db, recorder)
    follower.store.add("default", f"{site.base}/feed", Rules())
    stop = threading.Event()
    runner = threading.Thread(target=follower.run, args=(stop,))
    runner.start()
    try:
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
        while not recorder.subs and dt.datetime.now(dt.UTC) < deadline:
            threading.Event().wait(0.05)
    finally:
        stop.set()
        runner.join(10)
    assert [s.title for s in recorder.subs] == ["Still polled"]
