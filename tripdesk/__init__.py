"""Wiring: the Bolt app and its middleware, the HTTP server (Starlette + uvicorn), the console
and its local stand-in for Slack.

The top of the layering below `bot.py`: it builds the app from `handlers/` and serves it,
and nothing else of TripDesk imports it. Settings, logging and the reading of Slack failures,
which listeners and jobs need too, live lower, in `infra/`.
"""
