"""Buttons under a `/trip` reply: share it, page through it, follow a suggestion.

Slack shows nothing a click's acknowledgement says: the listing is built and posted through the
response_url after it (handlers/afterwards.py)."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from blocks.help import notice_message
from domain.listing import ListingRequest
from handlers.afterwards import afterwards
from handlers.replies import listing_reply, tell

EXPIRED = "That button no longer works. Run `/trip` again for a fresh list."


def share(ack: Ack, action: dict, body: dict, context: BoltContext, respond: Respond) -> None:
    ack()
    afterwards(context, _share, action, body, context, respond)


def _share(action: dict, body: dict, context: BoltContext, respond: Respond) -> None:
    request = ListingRequest.decode(action.get("value", ""))
    if request is None:
        tell(respond, notice_message(EXPIRED), replace_original=False)
        return
    user_id = body["user"]["id"]
    reply = listing_reply(context, user_id=user_id, request=request, shared_by=user_id)
    tell(respond, reply, response_type="in_channel", replace_original=False)


def show(ack: Ack, action: dict, body: dict, context: BoltContext, respond: Respond) -> None:
    """Show more, or search for a suggested name: the listing replaces the one under the button."""
    ack()
    afterwards(context, _show, action, body, context, respond)


def _show(action: dict, body: dict, context: BoltContext, respond: Respond) -> None:
    request = ListingRequest.decode(action.get("value", ""))
    if request is None:
        tell(respond, notice_message(EXPIRED), replace_original=False)
        return
    tell(respond, listing_reply(context, user_id=body["user"]["id"], request=request), replace_original=True)
