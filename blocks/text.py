"""Safe mrkdwn: user text is escaped so that it can neither ping nor break a card."""

from __future__ import annotations

from urllib.parse import urlsplit


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters.

    After this, "<!channel>" or "<@U123>" in a title is shown, not acted on.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    # "|" and ">" end the URL part of <url|label>; percent-encoding keeps the address intact.
    safe_url = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    return f"<{safe_url}|{escape(label)}>"


def source_label(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def fallback(text: str) -> str:
    """A message's `text`: shown in notifications and by clients without blocks, and read by
    Slack as mrkdwn like the blocks, so the user text in it is escaped too."""
    return escape(shorten(text, 3000))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str, limit: int = 3000) -> dict:
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": True}


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}
