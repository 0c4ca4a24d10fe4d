"""Block Kit builders: pure functions from schedule data to Slack messages and views."""
