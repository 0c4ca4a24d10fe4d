"""Fetching one document over HTTP(S) within limits the caller sets: a size counted after
decompression, one deadline for the whole exchange, and a few redirects followed by hand.

A server can otherwise hold a fetch for ever (a byte every few seconds resets any per-read
timeout), fill the memory (a small gzip body that inflates to gigabytes), or send it elsewhere
(a redirect from https to http, or on and on).
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit, urlunsplit

if TYPE_CHECKING:
    import httpx

CONNECT_TIMEOUT = 10.0
MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)
# Sent on every request: the decoding below knows these, and only these.
ACCEPT_ENCODING = "gzip, deflate"
# Headers that must not follow a redirect to another host.
_CREDENTIALS = ("authorization", "cookie", "proxy-authorization")
MASK = "[redacted]"


class FetchFailed(Exception):
    """The document could not be had within the limits; the message says why in one line, with
    the URL shown by `shown_url`."""


@dataclass(frozen=True)
class Fetched:
    url: str  # where the document was found, after any redirects
    status: int  # 200, or 304 when the caller's If-None-Match or If-Modified-Since still holds
    headers: httpx.Headers  # ETag and Last-Modified among them, for the next conditional fetch
    content: bytes  # decompressed; empty for a 304


def shown_url(source: str) -> str:
    """`source` fit to print or log: a URL's user and password, its query values and the path
    segments that look like keys (16 characters or more with a digit: Google's
    `private-<hex>`, Outlook's hex tokens) masked; anything else (a file's path) unchanged."""
    try:
        parts = urlsplit(source)
    except ValueError:
        return MASK
    if not parts.scheme or not parts.netloc:
        return source
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rpartition("@")[2]
    query = "&".join(f"{name}={MASK}" for name, _ in parse_qsl(parts.query, keep_blank_values=True))
    path = "/".join(MASK if _looks_like_key(segment) else segment for segment in parts.path.split("/"))
    return urlunsplit((parts.scheme, netloc, path, query, parts.fragment))


def _looks_like_key(segment: str) -> bool:
    return len(segment) >= 16 and any(character.isdigit() for character in segment)


def fetch(
    url: str,
    *,
    max_bytes: int,
    deadline: float,
    max_redirects: int = MAX_REDIRECTS,
    headers: Mapping[str, str] | None = None,
    public_only: bool = False,
) -> Fetched:
    """GET `url` (http or https): at most `max_bytes` once decompressed, connecting, redirects
    and body all within `deadline` seconds, at most `max_redirects` redirects and never from
    https to http. `headers` are sent with each request (If-None-Match, If-Modified-Since…).

    `public_only`: an address a workspace's user typed must not reach what only the bot's host
    can (a cloud's metadata service, an internal admin page, the database): loopback, private,
    link-local and reserved addresses are refused, for the URL and every redirect, by name
    before connecting and by the address actually connected to before anything is read (a
    name that resolved to a public address for the check and to a private one for the
    connection gets nothing either).

    Raises FetchFailed; a 304 is a result, any other status but 2xx a failure.
    """
    # Imported here, not at the top: `import httpx` also loads its command line (rich, pygments),
    # a twentieth of a second of every start, for a fetch that comes later if at all.
    import httpx

    shown = shown_url(url)
    ends = time.monotonic() + deadline
    current = _target(url, shown)
    sent = {**(headers or {}), "Accept-Encoding": ACCEPT_ENCODING}
    with httpx.Client(follow_redirects=False) as client:
        for _hop in range(max_redirects + 1):
            remaining = ends - time.monotonic()
            if remaining <= 0:
                raise FetchFailed(f"could not fetch {shown}: no complete answer within {deadline:g} seconds")
            timeout = httpx.Timeout(remaining, connect=min(remaining, CONNECT_TIMEOUT))
            if public_only:
                _refuse_private(current.host, current.port or (443 if current.scheme == "https" else 80), shown)
            try:
                with client.stream("GET", current, headers=sent, timeout=timeout) as response:
                    if public_only:
                        _refuse_private_peer(response, shown)
                    if response.status_code in REDIRECTS and "location" in response.headers:
                        following = _redirect(current, response.headers["location"], shown)
                        if _origin(following) != _origin(current):
                            sent = {k: v for k, v in sent.items() if k.lower() not in _CREDENTIALS}
                        current = following
                        continue
                    if response.status_code == 304:
                        return Fetched(url=str(current), status=304, headers=response.headers, content=b"")
                    if not response.is_success:
                        raise FetchFailed(f"could not fetch {shown}: HTTP {response.status_code}")
                    content = _read(response, max_bytes=max_bytes, ends=ends, shown=shown, deadline=deadline)
                    return Fetched(
                        url=str(current), status=response.status_code, headers=response.headers, content=content
                    )
            except httpx.TimeoutException:
                raise FetchFailed(f"could not fetch {shown}: no complete answer within {deadline:g} seconds") from None
            except httpx.HTTPError as error:
                raise FetchFailed(f"could not fetch {shown}: {error or type(error).__name__}") from None
    raise FetchFailed(f"could not fetch {shown}: more than {max_redirects} redirects")


def _refuse_private(host: str, port: int, shown: str) -> None:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchFailed(f"could not fetch {shown}: its host name could not be resolved") from None
    for *_rest, address in found:
        _check_address(str(address[0]), shown)


def _refuse_private_peer(response: httpx.Response, shown: str) -> None:
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer:
        _check_address(str(peer[0]), shown)


def _check_address(text: str, shown: str) -> None:
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if not address.is_global or address.is_multicast:
        raise FetchFailed(
            f"could not fetch {shown}: it leads to a private or local network address, "
            "which TripDesk does not fetch (see TRIPDESK_FEEDS_PRIVATE)"
        )


def _target(url: str, shown: str) -> httpx.URL:
    import httpx  # see fetch

    try:
        target = httpx.URL(url)
    except httpx.InvalidURL:
        raise FetchFailed(f"{shown} is not a valid URL") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchFailed(f"{shown} is not an http(s) URL")
    return target


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _redirect(current: httpx.URL, location: str, shown: str) -> httpx.URL:
    import httpx  # see fetch

    try:
        following = current.join(location)
    except httpx.InvalidURL:
        raise FetchFailed(f"could not fetch {shown}: redirected to an invalid URL") from None
    if following.scheme not in ("http", "https"):
        raise FetchFailed(f"could not fetch {shown}: redirected to a {following.scheme}: URL")
    if current.scheme == "https" and following.scheme == "http":
        # What was asked for over an encrypted connection would come back over a plain one,
        # where anyone on the way can read or change it.
        raise FetchFailed(f"could not fetch {shown}: redirected from https to plain http")
    return following


def _read(response: httpx.Response, *, max_bytes: int, ends: float, shown: str, deadline: float) -> bytes:
    too_large = FetchFailed(f"{shown} is larger than {_size(max_bytes)}")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    declared = response.headers.get("content-length", "")
    if encoding == "identity" and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    decoder = _Decoder(encoding, shown)
    chunks: list[bytes] = []
    size = 0
    for raw in response.iter_raw():
        for piece in decoder.decode(raw):
            size += len(piece)
            if size > max_bytes:
                raise too_large
            chunks.append(piece)
        if time.monotonic() > ends:
            raise FetchFailed(f"could not fetch {shown}: no complete answer within {deadline:g} seconds")
    decoder.finish()
    return b"".join(chunks)


class _Decoder:
    """Undoes gzip or deflate in pieces of at most PIECE bytes: however much the input inflates
    (a thousandfold for zeros), the caller can stop after the piece that passes its limit."""

    PIECE = 256 * 1024

    def __init__(self, encoding: str, shown: str):
        self._shown = shown
        self._started = False
        if encoding in ("gzip", "x-gzip"):
            self._inflate: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding == "identity":
            self._inflate = None
        else:
            raise FetchFailed(f"could not fetch {shown}: unsupported Content-Encoding {encoding!r}")
        self._encoding = encoding

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._inflate is None:
            yield data
            return
        while True:
            try:
                piece = self._inflate.decompress(data, self.PIECE)
            except zlib.error:
                if self._encoding == "deflate" and not self._started:
                    # "deflate" should be zlib-wrapped; some servers send the bare stream.
                    self._started = True
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchFailed(f"could not fetch {self._shown}: the {self._encoding} body is corrupt") from None
            self._started = True
            if piece:
                yield piece
            # The input that did not fit in this piece; once it is all used, a full piece may
            # still leave output inside zlib, which the next call (with no input) gives.
            data = self._inflate.unconsumed_tail
            if not data and len(piece) < self.PIECE:
                return

    def finish(self) -> None:
        if self._inflate is not None and not self._inflate.eof:
            raise FetchFailed(f"could not fetch {self._shown}: the {self._encoding} body was cut short")


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MB" if count >= 1024 * 1024 else f"{count} bytes"
