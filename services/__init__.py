"""Use cases that combine the domain with storage and the outside world.

One rule for the database: every service function takes the `Engine` as its first argument
and opens its own unit of work — a session to read, a session and one transaction to change
something. Callers (listeners, the command line) never hold a session and never import
storage.

A service that changes the schedule in a way reminders depend on (saving, a new status,
deleting) takes `on_change` and calls it once the change is committed: in the bot it wakes the
reminder scheduler, so that it re-reads its next due time.

Services sit below the listeners and the jobs and above storage and the Block Kit builders;
they return rows and plain data (`domain.listing`), which the builders read through
`domain.records`.
"""
