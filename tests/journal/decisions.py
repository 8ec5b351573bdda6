"""Generated decisions for the journal tests: random condition sets (mappings, lists of
IDs, presets), each assessed and appended to a decision log as ``kzpolicy serve`` does."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import kzpolicy
from kzpolicy.journal.log import DecisionLog


def random_inputs(rng: random.Random, kb: kzpolicy.KnowledgeBase, n: int
                  ) -> list[dict[str, Any]]:
    """``n`` inputs over ``kb``'s conditions: mostly mappings, some lists of IDs, some on
    a preset."""
    ids = list(kb.condition_ids)
    presets = list(kb.presets)
    out: list[dict[str, Any]] = []
    for _ in range(n):
        chosen = rng.sample(ids, rng.randint(0, min(14, len(ids))))
        conditions: Any = {c: rng.random() < 0.65 for c in chosen}
        if rng.random() < 0.15:
            conditions = chosen
        preset = rng.choice(presets) if presets and rng.random() < 0.2 else None
        out.append({"conditions": conditions, "preset": preset})
    return out


def write_log(path: Path, kb: kzpolicy.KnowledgeBase, inputs: list[dict[str, Any]],
              operation: str = "assess") -> None:
    """Assess each input on ``kb`` and log the answer."""
    with DecisionLog(path) as log:
        for given in inputs:
            a = kzpolicy.assess(given["conditions"], preset=given["preset"], kb=kb,
                                engine="bitset")
            log.append(operation, given, a, kb_version=kb.version, reading=kb.reading)


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def direct_changes(path: Path, kb: kzpolicy.KnowledgeBase
                   ) -> tuple[dict[int, tuple[str, str, set[str], set[str]]], set[int]]:
    """The brute force: every logged decision re-assessed with ``assess`` on ``kb``, one
    at a time: the lines whose answer changes (scenario before, after, items added,
    cleared), and the lines that cannot be re-run on ``kb``."""
    changed: dict[int, tuple[str, str, set[str], set[str]]] = {}
    skipped: set[int] = set()
    for line, rec in enumerate(records(path), start=1):
        given = rec["input"]
        try:
            a = kzpolicy.assess(given["conditions"], preset=given["preset"], kb=kb)
        except kzpolicy.InputError:  # an unknown condition or preset
            skipped.add(line)
            continue
        except kzpolicy.UnknownIdError:
            skipped.add(line)
            continue
        now, then = a.flagged_ids(), set(rec["flagged"])
        if a.scenario.id != rec["scenario"] or now != then:
            changed[line] = (rec["scenario"], a.scenario.id, now - then, then - now)
    return changed, skipped
