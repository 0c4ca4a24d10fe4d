"""Who a story names: full names for surname-only mentions, the traveller the story follows, and
who takes part in one event (not the spokesperson who said so)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from domain.places import country_code, find_city
from domain.search import fold
from domain.stories.clauses import Region

GROUP_SUBJECT = re.compile(
    r"^\s*(?:The (?:two|three|four) (?:leaders|ministers|presidents|sides)|The leaders|They|Both)\b"
)


_SAY_VERBS = {
    "say",
    "tell",
    "announce",
    "confirm",
    "state",
    "add",
    "report",
    "note",
    "write",
    "claim",
    "insist",
    "urge",
    "warn",
}


_TITLE_WORDS = re.compile(
    r"\b(?:President|Prime Minister|Premier|Chancellor|Foreign Minister|Minister|Secretary(?: of State| General)?"
    r"|King|Queen|Crown Prince|Prince|Emir|Sheikh|Vice President|Vice Premier|Pope|Commissioner"
    r"|Director-General|Envoy)\b"
)


@dataclass
class _Person:
    name: str
    mentions: int = 0
    first_seen: int = 0


class People:
    """Everyone the story names, with their full name for later surname-only mentions."""

    def __init__(self, docs: list[Any]):
        self.by_name: dict[str, _Person] = {}
        subjects: Counter[str] = Counter()
        for ent in (ent for doc in docs for ent in doc.ents):
            if ent.label_ != "PERSON":
                continue
            name = person_name(ent.text)
            if not name or any(ch.isdigit() for ch in name):
                continue  # "10:00 Meeting": a programme line read as a name
            if len(name.split()) == 1 and (find_city(name) or country_code(name)):
                continue  # a dateline in capitals ("VILNIUS") read as a name
            full = self.full(name) or name
            if len(name.split()) > len(full.split()):
                full = name
            person = self.by_name.setdefault(full, _Person(full, 0, len(self.by_name)))
            person.mentions += 1
            if ent.root.dep_ in ("nsubj", "nsubjpass"):
                subjects[full] += 1
        # Surnames the small model did not tag ("Rubio is due to…") still make the traveller.
        for token in (token for doc in docs for token in doc):
            if token.pos_ == "PROPN" and token.ent_type_ != "PERSON" and token.dep_ in ("nsubj", "nsubjpass"):
                known = self.surname(token.text)
                if known:
                    subjects[known] += 1
                    self.by_name[known].mentions += 1
        self.principal = self._principal(subjects)

    def full(self, name: str) -> str | None:
        """The full name a partial mention ("Macron", "Sejourne") refers to."""
        key = fold(name)
        for full in self.by_name:
            folded = fold(full)
            if folded == key or folded.endswith(" " + key) or folded.startswith(key + " "):
                return full
        return None

    def surname(self, word: str) -> str | None:
        """The full name of someone the story names, from their surname alone."""
        key = fold(word)
        matches = [full for full in self.by_name if len(full.split()) > 1 and fold(full).split()[-1] == key]
        return matches[0] if len(matches) == 1 else None

    def _principal(self, subjects: Counter[str]) -> str | None:
        if not self.by_name:
            return None
        # The traveller: most often the subject; ties go to who is named first.
        return max(self.by_name.values(), key=lambda p: (subjects[p.name] * 2 + p.mentions, -p.first_seen)).name


_HONORIFICS = re.compile(r"^(?:(?:Shri|Smt\.?|H\.E\.|His Majesty|Her Majesty|Dr\.?|Mr\.?|Mrs\.?|Ms\.?)\s+)+")


def person_name(text: str) -> str:
    text = re.sub(r"['’]s$", "", text.strip())
    text = _HONORIFICS.sub("", text)
    text = _TITLE_WORDS.sub("", text).strip(" ,")
    return " ".join(text.split())


def participants_in(sent: Any, region: Region, people: People, last_group: tuple[str, ...] = ()) -> list[str]:
    names: list[str] = []
    subject_found = False
    pronoun: str | None = None
    group = False
    for ent in sent.ents:
        if ent.root.i not in region.ids or ent.label_ not in ("PERSON", "ORG", "GPE", "NORP"):
            continue
        known = people.full(person_name(ent.text))
        if ent.label_ != "PERSON" and known is None:
            continue  # an organisation or a place, not someone the story names
        full = known or person_name(ent.text)
        if not full or len(full) < 3 or any(ch.isdigit() for ch in full):
            continue
        head = ent.root.head
        if ent.root.dep_ == "nsubj" and head.lemma_ in _SAY_VERBS:
            continue  # the source of the story, not someone at the event
        if head.lemma_ in _SAY_VERBS and ent.root.dep_ in ("pobj", "agent"):
            continue
        if ent.root.dep_ == "pobj" and head.lower_ in ("to", "by") and head.head.lemma_ in ("accord", "say"):
            continue
        if ent.root.dep_ in ("nsubj", "nsubjpass"):
            subject_found = True
        if full not in names:
            names.append(full)
    for token in region.tokens:
        # Surnames the small model did not tag as people ("Rubio is due to meet…").
        if token.pos_ == "PROPN" and token.ent_type_ != "PERSON" and token.head.lemma_ not in _SAY_VERBS:
            known = people.surname(token.text)
            if known and known not in names:
                names.append(known)
                subject_found = subject_found or token.dep_.startswith("nsubj")
        if token.dep_ in ("nsubj", "nsubjpass") and token.lower_ in ("he", "she"):
            # The nearest person named before the pronoun in this sentence, else the traveller.
            earlier = [e for e in sent.ents if e.label_ == "PERSON" and e.end <= token.i]
            pronoun = people.full(person_name(earlier[-1].text)) if earlier else people.principal
        elif token.dep_ in ("nsubj", "nsubjpass") and token.lower_ in ("they", "we"):
            pronoun = people.principal
            group = True
    if group and not subject_found and len(last_group) > 1:
        names = [*last_group, *(n for n in names if n not in last_group)]
    elif pronoun and pronoun not in names and not subject_found:
        names.insert(0, pronoun)
    principal = people.principal
    if principal in names:
        names.remove(principal)
        names.insert(0, principal)
    return names
