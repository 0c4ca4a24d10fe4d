"""HTTP/1.1 written by hand on a socket, for what a well-behaved client (httpx) will not send: a
length it never delivers, a chunked body without an end, a body the server stops reading."""

from __future__ import annotations

import socket
import time


def request_head(port: int, *, headers: dict[str, str], path: str = "/slack/events") -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def send_and_read_status(
    port: int, *, headers: dict[str, str], parts: list[bytes] = (), timeout: float = 5.0
) -> tuple[int | None, float]:
    """Send the head and then `parts`, and read the status line; returns (status or None when
    the server closed the connection without one, seconds taken). Raises TimeoutError when the
    server says nothing for `timeout` seconds: it is still waiting for the body."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        try:
            connection.sendall(request_head(port, headers=headers))
            for part in parts:
                connection.sendall(part)
            received = b""
            while b"\r\n" not in received:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                received += chunk
        except (BrokenPipeError, ConnectionResetError):
            # The server answered and closed while the rest was still being sent.
            return None, time.monotonic() - started
    if not received.startswith(b"HTTP/1.1 "):
        return None, time.monotonic() - started
    return int(received.split(b" ", 2)[1]), time.monotonic() - started


def chunked(data: bytes, size: int = 64 * 1024) -> list[bytes]:
    """`data` as HTTP chunks, without the final empty chunk: a body that never ends."""
    return [
        f"{len(data[i : i + size]):x}\r\n".encode() + data[i : i + size] + b"\r\n" for i in range(0, len(data), size)
    ]
