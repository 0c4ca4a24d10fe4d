"""Domain logic: what a schedule means, independent of Slack and of the database."""
