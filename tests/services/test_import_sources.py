"""`read_source` on a URL: the limits of a fetch, against a real server on 127.0.0.1."""

from __future__ import annotations

import tracemalloc

import pytest

from services.importing import ImportFailed, read_source
from tests.support.samples import SAMPLE

MB = 1024 * 1024


def test_a_gzip_bomb_is_refused_without_inflating_it(feeds, bomb):
    """100 MB of zeros in 100 KB: refused once 20 MB have come out, not after all of it."""
    feeds.gzipped["/bomb.ics"] = bomb
    tracemalloc.start()
    try:
        with pytest.raises(ImportFailed, match="larger than 20 MB"):
            read_source(f"{feeds.url}/bomb.ics")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * MB, f"peak {peak / MB:.0f} MB"


def test_a_long_chain_of_redirects_is_refused(feeds):
    for n in range(1, 6):
        feeds.redirects[f"/r{n}"] = f"/r{n + 1}" if n < 5 else "/feed.ics"
    assert read_source(f"{feeds.url}/r4") == SAMPLE.read_bytes()  # two redirects
    with pytest.raises(ImportFailed, match="redirects"):
        read_source(f"{feeds.url}/r1")


def test_a_redirect_from_https_to_http_is_refused(tls_feeds, feeds):
    tls_feeds.redirects["/down.ics"] = f"{feeds.url}/feed.ics"
    with pytest.raises(ImportFailed, match="from https to plain http"):
        read_source(f"{tls_feeds.url}/down.ics")
    assert feeds.requests == []


def test_failures_do_not_show_the_credentials_in_the_url(feeds):
    port = feeds.url.rsplit(":", 1)[1]
    with pytest.raises(ImportFailed) as failure:
        read_source(f"http://desk:pa55word@127.0.0.1:{port}/gone.ics?token=t0ken-value")
    assert "HTTP 404" in str(failure.value)
    assert "pa55word" not in str(failure.value) and "t0ken-value" not in str(failure.value)
