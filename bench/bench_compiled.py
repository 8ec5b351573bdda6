"""kzpolicy benchmark of the compiled (bitset) engine: ratios measured in one run.

    python bench/bench_compiled.py [--quick]      (also run at the end of `make bench`)

Prints, for the same inputs and the same rules/:
  1. the compiled engine against a hand-written bitmask evaluation of the same rules
     (written here, independently of kzpolicy.engine.bitset): the evaluation alone (scenario
     and firings, target <= 2x) and the whole assess(engine="bitset") with its result;
  2. the compiled path against the durable-rules path: assess() and the engines alone;
  3. the full landscape of 2^F factor combinations (scenario counts, every factor's
     influence, item counts): its time (target <= 5 s on one core).
No figure here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import kzpolicy
from kzpolicy.analysis.landscape import landscape
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.decision import decide
from kzpolicy.engine.durable.rules import durable_rules

sys.path.insert(0, str(Path(__file__).parent))

from _baselines import HandBitmask, interleaved, make_inputs


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
        assert kzpolicy.assess(x, engine="bitset") == kzpolicy.assess(x), x

    def durable_engine(x: dict[str, bool]) -> object:
        return slow.run(x, decide(kb, x).scenario)

    def compiled_engine(x: dict[str, bool]) -> object:
        return fast.run(x, decide(kb, x).scenario)

    paths: list[tuple[str, Callable[[dict[str, bool]], object]]] = [
        ("hand-written bitmask (scenario + firings)", hand.evaluate),
        ("compiled evaluate_one (scenario + firings)", fast.evaluate_one),
        ("assess(engine='bitset')", lambda x: kzpolicy.assess(x, engine="bitset")),
        ("assess(engine='durable')", lambda x: kzpolicy.assess(x)),
        ("assess(engine='bitset') + model_dump_json()",
         lambda x: kzpolicy.assess(x, engine="bitset").model_dump_json()),
        ("decide() + compiled run()", compiled_engine),
        ("decide() + durable run()", durable_engine),
    ]
    # interleaved input by input, so that machine noise hits every path alike
    samples = interleaved([fn for _, fn in paths], inputs, rounds)
    t = {label: statistics.median(s) for (label, _), s in zip(paths, samples, strict=True)}
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
    full = t["assess(engine='bitset')"] / base
    print("\n1. compiled vs hand-written bitmask (same rules, same inputs)")
    print(f"   evaluation (scenario + firings): {core:6.2f}x   target <= 2.00x   "
          f"{verdict(core <= 2)}")
    whole = t["assess(engine='bitset') + model_dump_json()"] / base
    print(f"   assess(engine='bitset') + model_dump_json(): {whole:6.2f}x   "
          f"(nothing read: {full:.2f}x; the explanation is built when first read)")
    print("\n2. compiled vs durable-rules")
    ratio = t["assess(engine='bitset')"] / t["assess(engine='durable')"]
    print(f"   assess(): compiled / durable = {ratio:.3f}x")
    print(f"   engines (decide + run): compiled / durable = "
          f"{t['decide() + compiled run()'] / t['decide() + durable run()']:.3f}x")
    print(f"\n3. full landscape: {combos} combinations of {factors} factors "
          f"(scenario counts, influence of every factor, item counts)")
    print(f"   time {land:.2f} s (best of {repeats}; CPU {min(cpu):.2f} s, one thread)   "
          f"target <= 5 s   {verdict(land <= 5)}")
    print("   (the landscape counts the combinations, it does not enumerate them: a time per "
          "combination means nothing; bench.py times it against enumerating, a new context "
          "each call)")


if __name__ == "__main__":
    main()
