"""The extractor against the desk's labelled set (bench/data/stories): a floor on quality.

The floors are the figures measured when they were set, less a hair; `python -m bench.drafts`
prints them all. A change that loses precision or recall fails here.
"""

from __future__ import annotations

from pathlib import Path

from bench.drafts import STORIES, evaluate

PRECISION_FLOOR = 0.82
RECALL_FLOOR = 0.78


def test_precision_and_recall_stay_above_their_floors():
    scores = evaluate(sorted(Path(STORIES).glob("*.txt")))
    assert scores.gold >= 200 and len(scores.seconds) >= 40
    assert scores.precision >= PRECISION_FLOOR, scores.summary()
    assert scores.recall >= RECALL_FLOOR, scores.summary()
