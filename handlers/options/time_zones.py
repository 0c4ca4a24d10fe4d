"""The form's time zone select: any IANA zone, found by what the user types."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext

from blocks.event_form import zone_options
from domain.zones import all_zone_names
from handlers.context import desk


def time_zones(ack: Ack, payload: dict, context: BoltContext) -> None:
    newsroom_tz = desk(context).settings.newsroom_tz
    ack(options=zone_options(payload.get("value", ""), all_zone_names(), newsroom_tz=newsroom_tz))
