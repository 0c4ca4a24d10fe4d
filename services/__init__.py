"""Use cases that combine the domain with storage and the outside world."""
