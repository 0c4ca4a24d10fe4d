"""What every process needs whatever it runs: settings, logging, and the reading of Slack
client failures.

These used to live in `tripdesk/` beside the wiring, but the listeners and the scheduled jobs
use them too, and they sit below both: a package that imports nothing of TripDesk's above
`domain/` (settings check the newsroom's zone), so that any layer may depend on it without a
cycle back to the wiring.
"""
