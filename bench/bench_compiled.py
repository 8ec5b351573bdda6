"""kzpolicy benchmark of the compiled (bitset) engine: ratios measured in one run.

    python bench/bench_compiled.py [--quick]      (also run at the end of `make bench`)

Prints, for the same inputs and the same rules/:
  1. the compiled engine against a hand-written bitmask evaluation of the same rules
     (written here, independently of kzpolicy.engine.bitset): the evaluation alone (scenario
     and firings, target <= 2x) and the whole assess(engine="compiled") with its result;
  2. the compiled path against the durable-rules path: assess() and the engines alone;
  3. the full landscape of 2^F factor combinations (scenario counts, every factor's
     influence, item counts): its time (target <= 5 s on one core) and its cost per
     combination relative to one hand-bitmask evaluation.
No figure here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import kzpolicy
from kzpolicy.analysis.landscape import landscape
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.decision import decide
from kzpolicy.engine.durable_engine import durable_rules
from kzpolicy.kb import expr
from kzpolicy.kb.knowledge import KnowledgeBase

Inputs = list[dict[str, bool]]


def make_inputs(kb: KnowledgeBase, n: int, seed: int = 42) -> Inputs:
    """~10 asserted conditions per evaluation, 80% of them true (as bench.py)."""
    rnd = random.Random(seed)
    ids = list(kb.condition_ids)
    return [{c: rnd.random() < 0.8 for c in rnd.sample(ids, 10)} for _ in range(n)]


class HandBitmask:
    """The rules as plain-Python bitmasks, built here from the rules' `when` trees.

    Productions (one per conjunction) are ordered so that every producer of a fact comes
    before the productions that need it; the decision rule is inlined. One evaluation =
    the implied scenario plus the productions that fire.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        prods = [(r.id, conj, tuple(r.then)) for r in kb.rules for conj in expr.dnf(r.when)]
        depth = dict.fromkeys(range(len(prods)), 0)
        for _ in range(len(prods)):  # longest producer chain (the stock rules are acyclic)
            for n, (_, conj, _) in enumerate(prods):
                for m, (_, _, then) in enumerate(prods):
                    if m != n and conj.intersection(then):
                        depth[n] = max(depth[n], depth[m] + 1)
        order = sorted(range(len(prods)), key=depth.__getitem__)
        names = sorted({f for _, conj, then in prods for f in (*conj, *then)} | set(kb.scenarios))
        self.bit = {f: 1 << i for i, f in enumerate(names)}
        self.rules = [(prods[n][0], sum(self.bit[f] for f in prods[n][1]),
                       sum(self.bit[f] for f in prods[n][2])) for n in order]
        dec = kb.decision
        self.threshold, self.poles, self.default = dec.threshold, list(dec.poles), dec.default
        self.groups = [(s.id, [f.id for f in s.factors]) for s in kb.scenarios.values()]

    def scenario(self, asserted: dict[str, bool]) -> str:
        shares = {s: sum(asserted.get(f) is True for f in fs) / len(fs) for s, fs in self.groups}
        for pole in self.poles:
            p = shares[pole]
            if p >= self.threshold and all(p > v for k, v in shares.items() if k != pole):
                return pole
        return self.default

    def evaluate(self, asserted: dict[str, bool]) -> list[str]:
        bit = self.bit
        facts = bit[self.scenario(asserted)]
        for c, v in asserted.items():
            facts |= bit.get(c if v else "not:" + c, 0)
        fired = []
        for rid, need, then in self.rules:
            if facts & need == need:
                fired.append(rid)
                facts |= then
        return fired


def measure(fn: Callable[[dict[str, bool]], object], inputs: Inputs, rounds: int) -> float:
    """Median seconds per call."""
    for x in inputs[:200]:
        fn(x)
    samples: list[float] = []
    clock = time.perf_counter
    for _ in range(rounds):
        gc.collect()
        for x in inputs:
            t0 = clock()
            fn(x)
            samples.append(clock() - t0)
    return statistics.median(samples)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print the three figures of the compiled-engine issue."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer evaluations")
    args, _ = parser.parse_known_args(argv)
    kb = kzpolicy.load()
    n, rounds, repeats = (500, 2, 1) if args.quick else (2000, 5, 3)
    inputs = make_inputs(kb, n)
    hand, fast, slow = HandBitmask(kb), bitset(kb), durable_rules(kb)

    # cross-check: every path implies the same scenario and fires the same rules
    for x in inputs[:300]:
        scenario, firings = fast.evaluate_one(x)
        assert scenario == hand.scenario(x) == decide(kb, x).scenario, x
        assert sorted(f.rule.id for f in firings) == sorted(hand.evaluate(x)), x
        assert kzpolicy.assess(x, engine="compiled") == kzpolicy.assess(x), x

    def durable_engine(x: dict[str, bool]) -> object:
        return slow.run(x, decide(kb, x).scenario)

    def compiled_engine(x: dict[str, bool]) -> object:
        return fast.run(x, decide(kb, x).scenario)

    paths: list[tuple[str, Callable[[dict[str, bool]], object]]] = [
        ("hand-written bitmask (scenario + firings)", hand.evaluate),
        ("compiled evaluate_one (scenario + firings)", fast.evaluate_one),
        ("assess(engine='compiled')", lambda x: kzpolicy.assess(x, engine="compiled")),
        ("assess(engine='durable')", lambda x: kzpolicy.assess(x)),
        ("decide() + compiled run()", compiled_engine),
        ("decide() + durable run()", durable_engine),
    ]
    t = {label: measure(fn, inputs, rounds) for label, fn in paths}
    factors = len(kb.factors)
    combos = 2**factors
    times, cpu = [], []
    for _ in range(repeats):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        landscape()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    land = min(times)

    base = t["hand-written bitmask (scenario + firings)"]
    print(f"kzpolicy compiled-engine benchmark: {len(kb.rules)} rules, {n} inputs x {rounds} "
          f"rounds, 10 asserted conditions each, Python {sys.version.split()[0]}")
    print(f"{'path':44} {'median':>10} {'vs hand bitmask':>16}")
    for label, _ in paths:
        print(f"{label:44} {t[label] * 1e6:8.1f}us {t[label] / base:15.2f}x")

    def verdict(ok: bool) -> str:
        return "MET" if ok else "NOT MET"

    core = t["compiled evaluate_one (scenario + firings)"] / base
    full = t["assess(engine='compiled')"] / base
    print("\n1. compiled vs hand-written bitmask (same rules, same inputs)")
    print(f"   evaluation (scenario + firings): {core:6.2f}x   target <= 2.00x   "
          f"{verdict(core <= 2)}")
    print(f"   assess(engine='compiled'), full result with explanations: {full:6.2f}x")
    print("\n2. compiled vs durable-rules")
    ratio = t["assess(engine='compiled')"] / t["assess(engine='durable')"]
    print(f"   assess(): compiled / durable = {ratio:.3f}x")
    print(f"   engines (decide + run): compiled / durable = "
          f"{t['decide() + compiled run()'] / t['decide() + durable run()']:.3f}x")
    per_combo = land / combos
    print(f"\n3. full landscape: {combos} combinations of {factors} factors "
          f"(scenario counts, influence of every factor, item counts)")
    print(f"   time {land:.2f} s (best of {repeats}; CPU {min(cpu):.2f} s, one thread)   "
          f"target <= 5 s   {verdict(land <= 5)}")
    print(f"   per combination {per_combo * 1e9:.1f} ns = {per_combo / base:.4f}x one "
          f"hand-bitmask evaluation ({base / per_combo:.0f} combinations per bitmask "
          f"evaluation)")


if __name__ == "__main__":
    main()
