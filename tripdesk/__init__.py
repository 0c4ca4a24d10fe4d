"""Wiring: configuration, the Bolt app, the HTTP server and the console."""
