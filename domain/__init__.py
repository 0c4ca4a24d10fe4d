"""Domain logic: what a schedule means, independent of Slack and of the database.

The bottom layer: it imports nothing else of TripDesk's, and every other package may import it.
"""
