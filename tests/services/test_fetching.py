"""Fetching a feed within limits, against a real HTTP(S) server on 127.0.0.1 that misbehaves."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from services.fetching import FetchFailed, fetch, shown_url
from tests.support.feed_server import FeedServer, gzip_of_zeros
from tests.support.samples import SAMPLE

MB = 1024 * 1024


def test_a_feed_comes_with_its_etag_and_a_304_is_an_answer(feeds):
    fetched = fetch(f"{feeds.url}/feed.ics", max_bytes=MB, deadline=10)
    assert fetched.status == 200 and fetched.content == SAMPLE.read_bytes()
    assert fetched.headers["etag"] == feeds.etag
    again = fetch(f"{feeds.url}/feed.ics", max_bytes=MB, deadline=10, headers={"If-None-Match": feeds.etag})
    assert again.status == 304 and again.content == b""


def test_a_server_dripping_bytes_is_given_up_at_the_deadline(feeds):
    """A byte every half second never trips a per-read timeout; the deadline is for the whole."""
    feeds.drips.add("/drip.ics")
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="no complete answer within 2 seconds"):
        fetch(f"{feeds.url}/drip.ics", max_bytes=MB, deadline=2)
    assert time.monotonic() - started < 3.5


def test_a_gzip_bomb_is_stopped_at_the_limit_without_being_inflated(feeds, bomb):
    feeds.gzipped["/bomb.ics"] = bomb
    tracemalloc.start()
    try:
        with pytest.raises(FetchFailed, match="larger than 1 MB"):
            fetch(f"{feeds.url}/bomb.ics", max_bytes=MB, deadline=10)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MB, f"peak {peak / MB:.0f} MB"


def test_gzip_within_the_limit_is_decoded(feeds):
    feeds.gzipped["/small.ics"] = gzip_of_zeros(1)
    assert fetch(f"{feeds.url}/small.ics", max_bytes=2 * MB, deadline=10).content == bytes(MB)


def test_a_body_declared_over_the_limit_is_refused(feeds):
    feeds.files["/big.ics"] = b"x" * (2 * MB)
    with pytest.raises(FetchFailed, match="larger than 1 MB"):
        fetch(f"{feeds.url}/big.ics", max_bytes=MB, deadline=10)
    assert fetch(f"{feeds.url}/big.ics", max_bytes=2 * MB, deadline=10).content == b"x" * (2 * MB)


def test_a_few_redirects_are_followed_and_no_more(feeds):
    for n in range(1, 5):
        feeds.redirects[f"/r{n}"] = f"/r{n + 1}" if n < 4 else "/feed.ics"
    # /r2 -> /r3 -> /r4 -> /feed.ics: three redirects
    fetched = fetch(f"{feeds.url}/r2", max_bytes=MB, deadline=10, max_redirects=3)
    assert fetched.content == SAMPLE.read_bytes() and fetched.url == f"{feeds.url}/feed.ics"
    with pytest.raises(FetchFailed, match="more than 3 redirects"):
        fetch(f"{feeds.url}/r1", max_bytes=MB, deadline=10, max_redirects=3)


def test_a_redirect_from_https_to_http_is_refused(tls_feeds, feeds):
    tls_feeds.redirects["/same.ics"] = "/feed.ics"
    assert fetch(f"{tls_feeds.url}/same.ics", max_bytes=MB, deadline=10).content == SAMPLE.read_bytes()
    tls_feeds.redirects["/down.ics"] = f"{feeds.url}/feed.ics"
    with pytest.raises(FetchFailed, match="redirected from https to plain http"):
        fetch(f"{tls_feeds.url}/down.ics", max_bytes=MB, deadline=10)
    assert feeds.requests == []  # nothing was asked over plain http


def test_a_redirect_to_another_kind_of_url_is_refused(feeds):
    feeds.redirects["/local.ics"] = "file:///etc/passwd"
    with pytest.raises(FetchFailed, match="redirected to a file: URL"):
        fetch(f"{feeds.url}/local.ics", max_bytes=MB, deadline=10)


def test_credentials_do_not_follow_a_redirect_to_another_host(feeds):
    other = FeedServer().start()
    try:
        other.files["/feed.ics"] = SAMPLE.read_bytes()
        feeds.redirects["/moved.ics"] = f"{other.url}/feed.ics"
        fetch(f"{feeds.url}/moved.ics", max_bytes=MB, deadline=10, headers={"Authorization": "Bearer s3cret"})
    finally:
        other.stop()
    assert feeds.requests[0][1]["Authorization"] == "Bearer s3cret"
    assert "Authorization" not in other.requests[0][1]


def test_failures_are_one_line_with_the_url_masked(feeds):
    url = f"http://desk:pa55word@127.0.0.1:{feeds.url.rsplit(':', 1)[1]}/gone.ics?key=k3y&lang=en"
    with pytest.raises(FetchFailed) as failure:
        fetch(url, max_bytes=MB, deadline=10)
    message = str(failure.value)
    assert message.endswith("HTTP 404") and "\n" not in message
    assert (
        "pa55word" not in message
        and "desk" not in message
        and "k3y" not in message
        and "en" not in message.split("?")[1]
    )
    for bad in ("ftp://host/x.ics", "http://[::1/x", "https://"):
        with pytest.raises(FetchFailed, match="URL"):
            fetch(bad, max_bytes=MB, deadline=10)


def test_shown_url_masks_credentials_and_query_values():
    assert (
        shown_url("https://user:secret@feeds.example/cal.ics?token=abc&lang=en#top")
        == "https://[redacted]@feeds.example/cal.ics?token=[redacted]&lang=[redacted]#top"
    )
    assert shown_url("webcal://feeds.example/cal.ics") == "webcal://feeds.example/cal.ics"
    assert shown_url("samples/trip.ics") == "samples/trip.ics"
    # Keys in the path: Google's private address, Outlook's published calendar.
    assert (
        shown_url("https://calendar.google.com/calendar/ical/desk%40example.org/private-0123456789abcdef/basic.ics")
        == "https://calendar.google.com/calendar/ical/[redacted]/[redacted]/basic.ics"
    )
    assert (
        shown_url("https://outlook.office365.com/owa/calendar/4f1c2e3d9a8b7c6d/5e6f7a8b9c0d1e2f/calendar.ics")
        == "https://outlook.office365.com/owa/calendar/[redacted]/[redacted]/calendar.ics"
    )
