"""Whether a reminder may have been posted is a column of its own, not a prefix of its last error.

Until now a post that got no answer, or a server error, was marked by starting `last_error`
with "uncertain: " (or, once the deliverer gave up, by "gave up after N attempts: uncertain: ").
Those rows get `may_have_posted` and keep only the error text.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UNCERTAIN = "uncertain: "
# The text the deliverer wrote when it stopped retrying, before the error it last met.
_GAVE_UP = re.compile(r"^(gave up after \d+ attempts: )(.*)$", re.DOTALL)

reminders = sa.table(
    "reminders",
    sa.column("id", sa.Integer()),
    sa.column("last_error", sa.String(500)),
    sa.column("may_have_posted", sa.Boolean()),
)


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("may_have_posted", sa.Boolean(), nullable=False, server_default=sa.false()))
    connection = op.get_bind()
    marked = connection.execute(
        sa.select(reminders.c.id, reminders.c.last_error).where(reminders.c.last_error.contains(UNCERTAIN))
    )
    for row_id, text in marked.all():
        gave_up = _GAVE_UP.match(text)
        head, rest = (gave_up.group(1), gave_up.group(2)) if gave_up else ("", text)
        if rest.startswith(UNCERTAIN):
            _set(connection, row_id, last_error=head + rest.removeprefix(UNCERTAIN), may_have_posted=True)


def downgrade() -> None:
    connection = op.get_bind()
    marked = connection.execute(
        sa.select(reminders.c.id, reminders.c.last_error).where(reminders.c.may_have_posted == sa.true())
    )
    for row_id, text in marked.all():
        gave_up = _GAVE_UP.match(text or "")
        head, rest = (gave_up.group(1), gave_up.group(2)) if gave_up else ("", text or "")
        _set(connection, row_id, last_error=(head + UNCERTAIN + rest)[:500])
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("may_have_posted")


def _set(connection, row_id: int, **values) -> None:
    connection.execute(reminders.update().where(reminders.c.id == row_id).values(**values))
