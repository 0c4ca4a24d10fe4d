"""Forms and dialogs submitted."""

from slack_bolt import App

from blocks.drafts import DRAFTS_CALLBACK, PASTE_CALLBACK, REVIEW_CALLBACK
from blocks.event_form import CALLBACK_ID
from blocks.notices import ASSIGN_CALLBACK, CONFIRM_CALLBACK
from handlers.views import drafts, event_dialogs, event_form


def register(app: App) -> None:
    app.view(CALLBACK_ID)(event_form.submit)
    app.view(CONFIRM_CALLBACK)(event_dialogs.confirm)
    app.view(ASSIGN_CALLBACK)(event_dialogs.assign_coverage)
    app.view(PASTE_CALLBACK)(drafts.read_pasted)
    app.view(DRAFTS_CALLBACK)(drafts.add_selected)
    app.view(REVIEW_CALLBACK)(drafts.save_reviewed)
