"""Block Kit builders: pure functions from schedule data to Slack messages and views.

They take plain data — rows read through the shapes of `domain.records`, a `domain.listing`
page — and import neither services nor storage, so a message can be built and checked
without a database.
"""
