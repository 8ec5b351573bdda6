"""An independent evaluation of a rules folder under a reading, for the tests.

It reads the YAML files with PyYAML alone (not through kzpolicy's reader), applies a
reading's changes as the README describes them (drop by ID or stance, the decision rule
included; add; replace; change the decision's parameters), decides the scenario with its
own code for each form of the decision rule, and fires the rules to a fixpoint over the
asserted literals and the implied scenario. Nothing of kzpolicy runs here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ITEM_KEYS = ("strengths", "weaknesses", "opportunities", "threats", "rivalry_consequences")
UNDECIDED = "undecided"


@dataclass
class Rules:
    """A rules folder as plain data: rules, the decision, the scenarios' factors, what
    each item presupposes."""

    rules: list[dict[str, Any]]
    decision: dict[str, Any]
    scenarios: list[tuple[str, list[str]]]
    presupposes: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Rules:
        data: dict[str, Any] = {}
        for path in sorted(folder.glob("*.yaml")):
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for key, value in loaded.items():
                if isinstance(value, list):
                    data.setdefault(key, []).extend(value)
                else:
                    data[key] = value
        presupposes = {i["id"]: list(i.get("presupposes", ()))
                       for key in ITEM_KEYS for i in data.get(key, [])}
        scenarios = [(s["id"], [f["id"] for f in s["factors"]]) for s in data["scenarios"]]
        for s in data["scenarios"]:
            presupposes.update({c["id"]: list(c.get("presupposes", ()))
                                for c in s["consequences"]})
        return cls(list(data["rules"]), dict(data["decision"]), scenarios, presupposes)

    def read_as(self, reading: Mapping[str, Any]) -> Rules:
        """These rules under ``reading`` (a reading file's ``reading:`` mapping)."""
        rules = [dict(r) for r in self.rules]
        decision = dict(self.decision)
        for change in reading.get("changes", ()):
            if "drop" in change:
                ids = set(change["drop"].get("ids", ()))
                stance = change["drop"].get("stance")
                rules = [r for r in rules if r["id"] not in ids and r["stance"] != stance]
                if decision["id"] in ids or (decision.get("form") != "none"
                                             and decision["stance"] == stance):
                    decision["form"] = "none"
            elif "add" in change:
                rules += [dict(r) for r in change["add"]]
            elif "replace" in change:
                new = {r["id"]: dict(r) for r in change["replace"]}
                rules = [new.get(r["id"], r) for r in rules]
            else:
                decision.update({k: v for k, v in change["decision"].items()
                                 if k in ("form", "threshold", "strict")})
        return Rules(rules, decision, self.scenarios, self.presupposes)


def decide(d: Mapping[str, Any], counts: list[int], sizes: list[int],
           ids: list[str]) -> str:
    """The scenario the decision ``d`` implies for the factor ``counts`` (a share of each
    scenario's factors, or their count; strictly leading or not; none: undecided)."""
    form = d.get("form", "share")
    if form == "none":
        return UNDECIDED
    value = counts if form == "count" else [c / n for c, n in zip(counts, sizes, strict=True)]
    strict = d.get("strict", True)
    winner = str(d["default"])
    for pole in d["poles"]:
        p = ids.index(pole)
        ok = value[p] >= d["threshold"]
        for other in range(len(ids)):
            if other == p:
                continue
            if strict or ids[other] in d["poles"]:
                ok = ok and value[p] > value[other]
            else:
                ok = ok and value[p] >= value[other]
        if ok:
            winner = str(pole)
    return winner


def _holds(when: Any, facts: set[str]) -> bool:
    if isinstance(when, str):
        return when in facts
    ((key, value),) = when.items()
    if key == "not":
        return f"not:{value}" in facts
    parts = [_holds(v, facts) for v in value]
    return all(parts) if key == "all" else any(parts)


@dataclass(frozen=True)
class Answer:
    """What the rules give for one condition set."""

    scenario: str
    reached: frozenset[str]
    contested: frozenset[str]


def evaluate(r: Rules, asserted: Mapping[str, bool]) -> Answer:
    """The scenario and the items reached and contested for ``asserted``."""
    ids = [s for s, _ in r.scenarios]
    counts = [sum(1 for f in fs if asserted.get(f) is True) for _, fs in r.scenarios]
    scenario = decide(r.decision, counts, [len(fs) for _, fs in r.scenarios], ids)
    facts = {c if v else f"not:{c}" for c, v in asserted.items()} | {scenario}
    flagged: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in r.rules:
            if _holds(rule["when"], facts) and not set(rule["then"]) <= facts:
                facts |= set(rule["then"])
                flagged |= set(rule["then"])
                changed = True
    denied = {i for i in flagged
              if any(asserted.get(c) is False for c in r.presupposes.get(i, ()))}
    return Answer(scenario, frozenset(flagged - denied), frozenset(denied))
