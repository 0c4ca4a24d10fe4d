"""Scheduled work (APScheduler): what runs on a clock rather than on a Slack request."""
