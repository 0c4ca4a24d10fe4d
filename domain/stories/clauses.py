"""The part of a parsed sentence that speaks of one event, and how words attach to an event word."""

from __future__ import annotations

from typing import Any


class Region:
    """The part of a sentence that speaks of one event: a trigger's words, without the
    relative clauses that describe someone ("…that it rejoined last year") and without the
    other events the sentence names."""

    def __init__(self, sent: Any, root: Any | None, cut: list[Any], *, keep_relative: bool = False, extra: Any = ()):
        base = sent.start_char
        tokens = list(sent) if root is None or root.dep_ == "ROOT" else list(root.subtree)
        tokens += [sent.doc[i] for i in extra if sent.doc[i] not in tokens]
        removed: set[int] = set()
        for token in sent:
            if token.dep_ == "relcl" and not (keep_relative and root is not None and token.i == root.i):
                removed.update(t.i for t in token.subtree)
        for other in cut:
            removed.update(t.i for t in other.subtree)
            removed.update(trailing(sent, other))
        self.tokens = [t for t in tokens if t.i not in removed]
        self.ids = {t.i for t in self.tokens}
        self.ranges = [(t.idx - base, t.idx - base + len(t.text)) for t in self.tokens]

    def holds(self, span: tuple[int, int]) -> bool:
        return any(start <= span[0] < end or span[0] <= start < span[1] for start, end in self.ranges)

    def text(self, sentence: str) -> str:
        return " ".join(sentence[start:end] for start, end in self.ranges)


def token_at(sent: Any, offset: int) -> Any | None:
    """The main word of a date found at `offset` in the sentence: "July" in "in July"."""
    span = sent.doc.char_span(sent.start_char + offset, sent.start_char + offset + 1, alignment_mode="expand")
    if span is None or not len(span):
        return None
    token = span[0]
    if token.pos_ == "ADP" and token.i + 1 < sent.end:
        token = token.nbor()
    return token


def trailing(sent: Any, noun: Any) -> list[int]:
    """The words right after an event noun that say where and when: "in Washington in July"."""
    taken: list[int] = []
    i = noun.i + 1
    while i + 1 < sent.end and sent.doc[i].lower_ in ("in", "at", "on") and sent.doc[i + 1].pos_ in ("PROPN", "DET"):
        j = i + 1
        while j < sent.end and (sent.doc[j].pos_ == "PROPN" or sent.doc[j].lower_ == "the"):
            j += 1
        taken += list(range(i, j))
        i = j
    return taken


def right_after(sent: Any, noun: Any, place_ids: set[int], date_tokens: list[Any]) -> bool:
    """Whether a place or date follows the noun at once ("a NATO summit in Washington in July"),
    however the parser attached it."""
    dated = {t.i for t in date_tokens if t is not None}
    i = noun.i + 1
    while i + 1 < sent.end and sent.doc[i].lower_ in ("in", "at", "on"):
        j = i + 1
        while j < sent.end and sent.doc[j].lower_ == "the":
            j += 1
        if j in place_ids or j in dated:
            return True
        i = j + 1
    return False


def attached(token: Any, noun: Any) -> bool:
    """Whether `token` qualifies `noun` directly: "summit in Washington", "July summit"."""
    head = token.head
    if head.i == noun.i:
        return True
    return head.pos_ == "ADP" and head.head.i == noun.i


def where_clause(token: Any) -> bool:
    return any(child.lower_ in ("where", "when") for child in token.children)
