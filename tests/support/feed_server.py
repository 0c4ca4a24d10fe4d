"""A calendar host on 127.0.0.1 for the fetching and feed tests, with the ways a host can
misbehave: dripping a byte at a time, hanging without a word, a small gzip body that inflates
enormously, redirects, error statuses. It answers conditional requests as publishers do (ETag
and Last-Modified, 304). Optionally over TLS, with a certificate made for the occasion."""

from __future__ import annotations

import hashlib
import ssl
import subprocess
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# A dripping answer gives up after this long whatever the client does, so no test can hang on it.
DRIP_FOR_SECONDS = 30


def gzip_of_zeros(megabytes: int) -> bytes:
    """`megabytes` MB of zero bytes, gzip-compressed (about a thousandth of the size)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the openssl command."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class FeedServer:
    def __init__(self, *, certificate: tuple[Path, Path] | None = None):
        self.files: dict[str, bytes] = {}  # path -> body, served as text/calendar
        self.gzipped: dict[str, bytes] = {}  # path -> body sent as is, with Content-Encoding: gzip
        self.redirects: dict[str, str] = {}  # path -> Location of a 302
        self.drips: set[str] = set()  # paths answered a byte every half second
        # The ETag of every file; None: each file's own, from its body, so that it changes with
        # the body; "": none. A matching If-None-Match gets a 304.
        self.etag: str | None = '"v1"'
        self.delays: dict[str, float] = {}  # path -> seconds to think before answering
        self.gates: dict[str, threading.Event] = {}  # path -> answered once the test sets it
        self.last_modified: dict[str, str] = {}  # path -> Last-Modified; an equal If-Modified-Since gets a 304
        self.statuses: dict[str, int] = {}  # path -> an error status, answered with a short body
        self.hangs: set[str] = set()  # paths answered with nothing at all until the client gives up
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.scheme = "http"
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self.url = f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FeedServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # the test's output stays readable
                pass

            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                path = self.path
                feed.requests.append((path, dict(self.headers)))
                if path in feed.delays:
                    feed._stopping.wait(feed.delays[path])
                if path in feed.gates:
                    feed.gates[path].wait(DRIP_FOR_SECONDS)
                if path in feed.redirects:
                    self._head(302, {"Location": feed.redirects[path], "Content-Length": "0"})
                elif path in feed.statuses:
                    self._head(feed.statuses[path], {"Content-Type": "text/plain", "Content-Length": "5"})
                    self.wfile.write(b"oops\n")
                elif path in feed.hangs:
                    feed._stopping.wait(DRIP_FOR_SECONDS)
                elif path in feed.drips:
                    self._drip()
                elif path in feed.gzipped:
                    body = feed.gzipped[path]
                    self._head(200, {"Content-Encoding": "gzip", "Content-Length": str(len(body))})
                    self.wfile.write(body)
                elif path in feed.files:
                    body = feed.files[path]
                    etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"' if feed.etag is None else feed.etag
                    validators = {"ETag": etag} if etag else {}
                    if path in feed.last_modified:
                        validators["Last-Modified"] = feed.last_modified[path]
                    asked = self.headers.get("If-None-Match")
                    since = self.headers.get("If-Modified-Since")
                    if (asked is not None and asked == validators.get("ETag")) or (
                        asked is None and since is not None and since == validators.get("Last-Modified")
                    ):
                        self._head(304, validators)
                        return
                    self._head(200, {"Content-Type": "text/calendar", **validators, "Content-Length": str(len(body))})
                    self.wfile.write(body)
                else:
                    self._head(404, {"Content-Length": "0"})

            def _head(self, status: int, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()

            def _drip(self) -> None:
                self._head(200, {"Content-Type": "text/calendar", "Content-Length": str(10**6)})
                until = time.monotonic() + DRIP_FOR_SECONDS
                while time.monotonic() < until and not feed._stopping.is_set():
                    try:
                        self.wfile.write(b"B")
                        self.wfile.flush()
                    except OSError:
                        return  # the client gave up
                    time.sleep(0.5)

        return Handler

    def asked(self, path: str) -> list[dict[str, str]]:
        """The headers of each request for `path`, in order."""
        return [headers for asked, headers in self.requests if asked == path]
