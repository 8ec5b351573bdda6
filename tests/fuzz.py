"""The fuzz cases behind tests/test_fuzz.py and ``make fuzz``.

Two kinds of case, each with an outcome that is either right or a kzpolicy error:

- **knowledge bases**: the stock rules plus random rules (negation, chains through
  flagged items, cycles, scenario triggers), each assessed on random inputs by both
  engines and by an independent fixpoint oracle written here (it reads the rules'
  ``when`` as plain data, not through kzpolicy's evaluator);
- **malformed rules files**: stock files with random edits, which must load or be
  refused with a ``KzPolicyError``, never anything else.

``python tests/fuzz.py --kbs 200 --inputs 500 --mutations 2000`` prints the counts:
cases, wrong answers, non-kzpolicy exceptions and hangs (a case over its time limit).
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kzpolicy
from kzpolicy.kb.expr import to_data
from kzpolicy.kb.loading import stock_rules_path

STOCK = kzpolicy.load()
CONDITIONS = list(STOCK.condition_ids)
ITEMS = sorted(i for i, info in STOCK.items.items() if info.kind != "stimulus")
#: items a rule may read: not those that presuppose conditions (``kzpolicy check`` refuses
#: a rule that reads one, so that a contested item never feeds another)
READABLE = [i for i in ITEMS if not STOCK.items[i].presupposes]
SCENARIOS = list(STOCK.scenarios)


# ------------------------------------------------------------------ the oracle
def holds(when: Any, facts: set[str]) -> bool:
    """A `when` (as YAML data) over a set of facts: ``X`` true, ``not:X`` false."""
    if isinstance(when, str):
        return when in facts
    ((key, value),) = when.items()
    if key == "not":
        return f"not:{value}" in facts
    parts = [holds(v, facts) for v in value]
    return all(parts) if key == "all" else any(parts)


def reported(kb: kzpolicy.KnowledgeBase, asserted: Mapping[str, bool], scenario: str
             ) -> set[str]:
    """The items an assessment reports as reached (``flagged_ids()``): the rules' items
    (:func:`oracle`) less the contested ones, whose presupposed conditions the caller
    asserted false."""
    return {i for i in oracle(kb, asserted, scenario)
            if not any(asserted.get(c) is False for c in kb.items[i].presupposes)}


def oracle(kb: kzpolicy.KnowledgeBase, asserted: Mapping[str, bool], scenario: str
           ) -> set[str]:
    """Every item the rules flag: fire rules to a fixpoint over the asserted literals and
    the implied scenario (the decision rule is not what this oracle checks)."""
    facts = {c if v else f"not:{c}" for c, v in asserted.items()} | {scenario}
    rules = [(to_data(r.when), r.then) for r in kb.rules]
    flagged: set[str] = set()
    changed = True
    while changed:
        changed = False
        for when, then in rules:
            if holds(when, facts) and not set(then) <= facts:
                facts |= set(then)
                flagged |= set(then)
                changed = True
    return flagged


# ------------------------------------------------------------------ random knowledge bases
def _literal(rng: random.Random, used: set[str]) -> Any:
    pool = rng.choice(["condition", "condition", "item", "scenario"])
    if pool == "scenario" and not used & set(SCENARIOS):
        ident = rng.choice(SCENARIOS)
    elif pool == "item":
        ident = rng.choice(READABLE)
    else:
        ident = rng.choice(CONDITIONS)
    if ident in used or f"not:{ident}" in used:
        return None
    if ident in STOCK.condition_ids and rng.random() < 0.3:
        used.add(f"not:{ident}")
        return {"not": ident}
    used.add(ident)
    return ident


def random_rules(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """``n`` rules over the stock vocabulary; some chain on items, some form cycles."""
    rules = []
    for i in range(n):
        used: set[str] = set()
        parts = [p for p in (_literal(rng, used) for _ in range(rng.randint(1, 4))) if p]
        if not parts:
            parts = [rng.choice(CONDITIONS)]
        if rng.random() < 0.3 and len(parts) >= 2:
            when: Any = {"all": [parts[0], {"any": parts[1:]}]}
        else:
            when = parts[0] if len(parts) == 1 else {"all": parts}
        stance = {"stance": "stated"} if rng.random() < 0.4 else {
            "stance": "interpretation", "reason": "a random rule of the fuzz suite"}
        rules.append({
            "id": f"fuzz_{i}", "label": f"Fuzz rule {i}", "when": when,
            "then": rng.sample(ITEMS, rng.randint(1, 2)), **stance,
            "locator": {"section": "scenarios", "list": "threats", "item": 1},
        })
    return rules


def write_kb(folder: Path, rules: list[dict[str, Any]]) -> Path:
    import yaml

    shutil.copytree(stock_rules_path(), folder, dirs_exist_ok=True)
    (folder / "zz_fuzz.yaml").write_text(yaml.safe_dump({"rules": rules}), encoding="utf-8")
    return folder


def loadable_kbs(folder: Path, count: int, seed: int = 0) -> list[kzpolicy.KnowledgeBase]:
    """The first ``count`` random rule sets from ``seed`` on that load (negation, chains
    through items, cycles, scenario triggers over the stock vocabulary)."""
    found: list[kzpolicy.KnowledgeBase] = []
    while len(found) < count:
        rng = random.Random(seed)
        written = write_kb(folder / f"kb{seed}", random_rules(rng, rng.randint(5, 40)))
        seed += 1
        try:
            found.append(kzpolicy.load(written))
        except kzpolicy.KzPolicyError:
            continue
    return found


def random_inputs(rng: random.Random, n: int) -> Iterator[dict[str, bool]]:
    for _ in range(n):
        yield {c: rng.random() < 0.6 for c in rng.sample(CONDITIONS, rng.randint(0, 14))}


# ------------------------------------------------------------------ counting
@dataclass
class Counts:
    """What a fuzz run saw."""

    cases: int = 0
    refused: int = 0  # a KzPolicyError: a right answer for a bad case
    wrong: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # an exception that is not kzpolicy's
    hangs: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"cases {self.cases:,}; refused with a kzpolicy error {self.refused:,}; "
                f"wrong answers {len(self.wrong)}; non-kzpolicy exceptions "
                f"{len(self.foreign)}; hangs {len(self.hangs)}")


class _HangError(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise _HangError

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def check_kb(seed: int, inputs: int, counts: Counts, tmp: Path) -> None:
    """One random knowledge base, assessed on ``inputs`` random inputs three ways."""
    rng = random.Random(seed)
    folder = write_kb(tmp / f"kb{seed}", random_rules(rng, rng.randint(5, 40)))
    try:
        with time_limit(60):
            try:
                kb = kzpolicy.load(folder)
            except kzpolicy.KzPolicyError:
                counts.cases += 1
                counts.refused += 1
                return
            for given in random_inputs(rng, inputs):
                counts.cases += 1
                durable = kzpolicy.assess(given, kb=kb)
                bitset = kzpolicy.assess(given, kb=kb, engine="bitset")
                expected = reported(kb, given, durable.scenario.id)
                if durable != bitset or durable.flagged_ids() != expected:
                    counts.wrong.append(f"kb seed {seed}, input {given}")
    except _HangError:
        counts.hangs.append(f"kb seed {seed}")
    except kzpolicy.KzPolicyError:
        counts.refused += 1
    except Exception as exc:  # the fuzz suite's whole point: count what escapes
        counts.foreign.append(f"kb seed {seed}: {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_TOKENS = [":", "-", " ", "\n", "[", "]", "{", "}", "&a", "*a", "!!int", "!!bool", "'", '"',
           "#", "?", "|", ">", "\t", "9" * 40, "not", "all", "any", "id", "when", "\\x1b"]


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(chars) + 1)
        if rng.random() < 0.5 and chars:
            del chars[at - 1:at + rng.randint(0, 8)]
        else:
            chars[at:at] = rng.choice(_TOKENS)
    return "".join(chars)


def check_mutation(seed: int, counts: Counts, tmp: Path) -> None:
    """A stock file with random edits: it loads, or kzpolicy refuses it."""
    rng = random.Random(seed)
    folder = tmp / f"m{seed}"
    shutil.copytree(stock_rules_path(), folder)
    target = rng.choice(sorted(folder.glob("*.yaml")))
    target.write_text(mutate(rng, target.read_text(encoding="utf-8")), encoding="utf-8")
    counts.cases += 1
    try:
        with time_limit(30):
            kzpolicy.load(folder)
            kzpolicy.check(folder)
    except _HangError:
        counts.hangs.append(f"mutation seed {seed} ({target.name})")
    except kzpolicy.KzPolicyError:
        counts.refused += 1
    except Exception as exc:
        counts.foreign.append(f"mutation seed {seed} ({target.name}): "
                              f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(kbs: int, inputs: int, mutations: int, seed: int = 0) -> Counts:
    counts = Counts()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(kbs):
            check_kb(seed + i, inputs, counts, Path(tmp))
        for i in range(mutations):
            check_mutation(seed + i, counts, Path(tmp))
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kbs", type=int, default=200, help="random knowledge bases")
    p.add_argument("--inputs", type=int, default=500, help="inputs per knowledge base")
    p.add_argument("--mutations", type=int, default=2000, help="mutated rules folders")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    start = time.monotonic()
    counts = run(args.kbs, args.inputs, args.mutations, args.seed)
    print(counts.line() + f"; {time.monotonic() - start:.0f} s")
    for what in (*counts.wrong[:10], *counts.foreign[:10], *counts.hangs[:10]):
        print("  " + what)
    return 0 if not (counts.wrong or counts.foreign or counts.hangs) else 1


if __name__ == "__main__":
    sys.exit(main())
