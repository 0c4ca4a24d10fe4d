"""How well drafts from stories match the desk's labelled set: `python -m bench.drafts`.

A draft matches a gold event when it comes from the same sentence (the evidence) and, among
the events of that sentence, is the closest in kind of thing, place, day and people; each
gold event is matched at most once. Precision is matched drafts over drafts, recall matched
gold events over gold events. Date, place and participant figures are over matched pairs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from domain.places import country_code
from domain.search import fold, words
from domain.stories.extract import extract
from domain.stories.nlp import pipeline

STORIES = Path(__file__).parent / "data" / "stories"


@dataclass
class Scores:
    drafts: int = 0
    gold: int = 0
    matched: int = 0
    dates_right: int = 0
    places_right: int = 0
    status_right: int = 0
    participant_f1: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.drafts if self.drafts else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    def summary(self) -> dict:
        pairs = max(self.matched, 1)
        return {
            "stories": len(self.seconds),
            "gold_events": self.gold,
            "drafts": self.drafts,
            "matched": self.matched,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "date_accuracy": round(self.dates_right / pairs, 3),
            "place_accuracy": round(self.places_right / pairs, 3),
            "status_accuracy": round(self.status_right / pairs, 3),
            "participant_f1": round(statistics.mean(self.participant_f1), 3) if self.participant_f1 else 0.0,
            "median_ms": round(statistics.median(self.seconds) * 1000, 1) if self.seconds else 0.0,
            "max_ms": round(max(self.seconds) * 1000, 1) if self.seconds else 0.0,
        }


def _overlap(a: str, b: str) -> float:
    wa, wb = set(words(a)), set(words(b))
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


def _surnames(names: list[str]) -> set[str]:
    return {fold(n).split()[-1] for n in names if n.strip()}


def _f1(got: list[str], want: list[str]) -> float:
    a, b = _surnames(got), _surnames(want)
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    hit = len(a & b)
    if not hit:
        return 0.0
    p, r = hit / len(a), hit / len(b)
    return 2 * p * r / (p + r)


def _same_place(draft: dict, gold: dict) -> bool:
    if fold(draft["city"] or "") != fold(gold["city"] or ""):
        return False
    a, b = draft["country"], gold["country"]
    return (a is None and b is None) or (a is not None and b is not None and country_code(a) == country_code(b))


def _score(draft: dict, gold: dict) -> float:
    score = 0.0
    score += 2 * _f1(draft["participants"], gold["participants"])
    score += 1.0 if fold(draft["city"] or "") == fold(gold["city"] or "") else 0.0
    score += 1.0 if draft["start"] == gold["start"] else 0.0
    conference = "conference" in fold(gold["title"]) or "press" in fold(gold["title"])
    score += 1.0 if conference == draft["title"].startswith("Press conference") else 0.0
    return score


def evaluate(paths: list[Path]) -> Scores:
    scores = Scores()
    pipeline()  # loaded once, outside the timings
    for path in paths:
        gold_file = json.loads(path.with_suffix(".json").read_text())
        text = path.read_text()
        started = time.perf_counter()
        extraction = extract(text, published=date.fromisoformat(gold_file["published"]), today=date.today())
        scores.seconds.append(time.perf_counter() - started)
        drafts = [d.as_json() for d in extraction.drafts]
        golds = gold_file["events"]
        scores.drafts += len(drafts)
        scores.gold += len(golds)
        pairs = []
        for i, draft in enumerate(drafts):
            for j, gold in enumerate(golds):
                if _overlap(draft["evidence"], gold["evidence"]) >= 0.6:
                    pairs.append((_score(draft, gold), i, j))
        used_d, used_g = set(), set()
        for _score_value, i, j in sorted(pairs, reverse=True):
            if i in used_d or j in used_g:
                continue
            used_d.add(i)
            used_g.add(j)
            draft, gold = drafts[i], golds[j]
            scores.matched += 1
            scores.dates_right += draft["start"] == gold["start"] and draft["end"] == gold["end"]
            scores.places_right += _same_place(draft, gold)
            scores.status_right += draft["status"] == gold["status"]
            scores.participant_f1.append(_f1(draft["participants"], gold["participants"]))
            for key in ("start", "end", "city", "country", "participants", "status"):
                if draft[key] != gold[key]:
                    scores.wrong.append(f"{path.stem} {key}: {draft[key]} ≠ {gold[key]} | {gold['evidence'][:60]}")
        scores.misses += [f"{path.stem}: {golds[j]['evidence'][:110]}" for j in range(len(golds)) if j not in used_g]
        scores.extras += [f"{path.stem}: {drafts[i]['evidence'][:110]}" for i in range(len(drafts)) if i not in used_d]
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.drafts", description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list missed gold events and extra drafts")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    scores = evaluate(sorted(STORIES.glob("*.txt")))
    figures = scores.summary()
    for key, value in figures.items():
        print(f"{key:>16}: {value}")
    if args.verbose:
        print("\nMissed:", *scores.misses, sep="\n  ")
        print("\nExtra:", *scores.extras, sep="\n  ")
        print("\nDiffering fields:", *scores.wrong, sep="\n  ")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
