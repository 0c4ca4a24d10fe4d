"""Hosts for the fetching and importing tests: plain HTTP and HTTPS, on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.support.feed_server import FeedServer, gzip_of_zeros, self_signed_certificate
from tests.support.samples import SAMPLE


@pytest.fixture
def feeds():
    server = FeedServer().start()
    server.files["/feed.ics"] = SAMPLE.read_bytes()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_feeds(certificate, monkeypatch):
    # httpx trusts the certificates in SSL_CERT_FILE, as an operator behind a company CA would.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    server = FeedServer(certificate=certificate).start()
    server.files["/feed.ics"] = SAMPLE.read_bytes()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def bomb() -> bytes:
    """100 MB of zeros in about 100 KB of gzip."""
    return gzip_of_zeros(100)
