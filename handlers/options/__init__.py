from slack_bolt import Ack, App

from blocks.event_form import zone_options
from domain.zones import all_zone_names
from tripdesk.context import AppContext


def register(app: App, ctx: AppContext) -> None:
    @app.options("tz")
    def time_zones(ack: Ack, payload: dict) -> None:
        ack(options=zone_options(payload.get("value", ""), all_zone_names(), newsroom_tz=ctx.settings.newsroom_tz))
