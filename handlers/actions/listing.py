"""Buttons under a `/trip` reply: share it, page through it, follow a suggestion."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext, Respond

from blocks.help import notice_message
from blocks.listing import MORE_ACTION, SHARE_ACTION, SUGGEST_ACTION_PREFIX
from handlers.replies import listing_reply
from handlers.slack_helpers import tell
from services.itinerary import ListingRequest
from tripdesk.context import AppContext

EXPIRED = "That button no longer works. Run `/trip` again for a fresh list."


def register(app: App, ctx: AppContext) -> None:
    def rerun(action: dict, context: BoltContext) -> tuple[ListingRequest | None, str]:
        return ListingRequest.decode(action.get("value", "")), context.team_id

    @app.action(SHARE_ACTION)
    def share(ack: Ack, action: dict, body: dict, context: BoltContext, respond: Respond) -> None:
        ack()
        request, team_id = rerun(action, context)
        if request is None:
            tell(respond, notice_message(EXPIRED), replace_original=False)
            return
        user_id = body["user"]["id"]
        reply = listing_reply(ctx, team_id=team_id, user_id=user_id, request=request, shared_by=user_id)
        tell(respond, reply, response_type="in_channel", replace_original=False)

    @app.action(MORE_ACTION)
    @app.action(re.compile(f"^{SUGGEST_ACTION_PREFIX}\\d+$"))
    def show(ack: Ack, action: dict, body: dict, context: BoltContext, respond: Respond) -> None:
        ack()
        request, team_id = rerun(action, context)
        if request is None:
            tell(respond, notice_message(EXPIRED), replace_original=False)
            return
        tell(
            respond,
            listing_reply(ctx, team_id=team_id, user_id=body["user"]["id"], request=request),
            replace_original=True,
        )
