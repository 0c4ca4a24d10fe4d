"""Who may change the schedule: TRIPDESK_EDITORS lists users and user groups; empty, everyone."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from infra.slack_failures import SLACK_FAILURES

log = logging.getLogger(__name__)
GROUP_CACHE_SECONDS = 300


class Editors:
    def __init__(self, ids: Iterable[str], *, clock: Callable[[], float] = time.monotonic):
        ids = set(ids)
        self.users = {i for i in ids if i[0] in "UW"}
        self.groups = {i for i in ids if i[0] == "S"}
        self._clock = clock
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @property
    def everyone(self) -> bool:
        return not self.users and not self.groups

    def allows(self, user_id: str, members_of: Callable[[str], Iterable[str]]) -> bool:
        """`members_of(group_id)` lists a user group's members (usergroups.users.list)."""
        if self.everyone or user_id in self.users:
            return True
        return any(user_id in self._group(group, members_of) for group in sorted(self.groups))

    def _group(self, group: str, members_of: Callable[[str], Iterable[str]]) -> frozenset[str]:
        now = self._clock()
        with self._lock:
            cached = self._members.get(group)
        if cached and now - cached[0] < GROUP_CACHE_SECONDS:
            return cached[1]
        try:
            members = frozenset(members_of(group))
        except SLACK_FAILURES:  # a Slack failure must not grant access, nor crash the request
            log.exception("could not read members of user group %s; treating as empty", group)
            return cached[1] if cached else frozenset()
        with self._lock:
            self._members[group] = (now, members)
        return members
