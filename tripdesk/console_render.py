"""Block Kit as terminal text, for the console."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

_EMOJI = {
    "airplane": "✈️",
    "round_pushpin": "📍",
    "busts_in_silhouette": "👥",
    "link": "🔗",
    "white_check_mark": "✅",
    "grey_question": "❔",
    "x": "❌",
    "double_vertical_bar": "⏸️",
    "spiral_calendar_pad": "🗓️",
}
_DATE_TOKEN = re.compile(r"<!date\^(\d+)\^[^|>]*\|[^>]*>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_MENTION = re.compile(r"<@([A-Z0-9]+)>")
_EMOJI_CODE = re.compile(r":([a-z0-9_+-]+):")


def render_message(message: dict, reader_tz: ZoneInfo) -> str:
    blocks = message.get("blocks")
    if not blocks:
        return _mrkdwn(message.get("text", ""), reader_tz)
    return _blocks(blocks, reader_tz)


def render_view(view: dict, reader_tz: ZoneInfo) -> str:
    title = (view.get("title") or {}).get("text")
    body = _blocks(view.get("blocks", []), reader_tz)
    return f"== {title} ==\n{body}" if title else body


def _blocks(blocks: list[dict], reader_tz: ZoneInfo) -> str:
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            out.append(f"\n=== {block['text']['text']} ===")
        elif kind == "section":
            out.append(_mrkdwn(block.get("text", {}).get("text", ""), reader_tz))
        elif kind == "context":
            out.append("   " + "  ".join(_mrkdwn(e.get("text", ""), reader_tz) for e in block.get("elements", [])))
        elif kind == "divider":
            out.append("-" * 60)
        elif kind == "actions":
            out.append("   " + " ".join(f"[{e.get('text', {}).get('text', '')}]" for e in block.get("elements", [])))
    return "\n".join(out)


def _mrkdwn(text: str, reader_tz: ZoneInfo) -> str:
    text = _DATE_TOKEN.sub(lambda m: _reader_time(int(m.group(1)), reader_tz), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _MENTION.sub(lambda m: f"@{m.group(1)}", text)
    text = _EMOJI_CODE.sub(lambda m: _EMOJI.get(m.group(1), m.group(0)), text)
    text = text.replace("*", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _reader_time(timestamp: int, reader_tz: ZoneInfo) -> str:
    moment = datetime.fromtimestamp(timestamp, reader_tz)
    return f"{moment:%a} {moment.day} {moment:%b %H:%M %Z}"
