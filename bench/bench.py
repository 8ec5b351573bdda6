"""kzpolicy benchmark: assess() against baselines measured in the same run.

    make bench            (or: python bench/bench.py [--quick])

Prints, for the same inputs and the same rules (compiled from rules/):
  * kzpolicy.assess() (durable-rules engine), the whole result read
    (``model_dump_json()``), and beside it the figure with nothing read;
  * the same rules driven straight through durable-rules' C calls, no kzpolicy layer
    (a minimal agenda loop in bench/_baselines.py, independent of kzpolicy's adapter);
  * a plain-Python bitmask evaluation of the same rules (bench/_baselines.py);
and the ratios between them. Target (issue 12): <= 1.5x the straight durable path.
Then (issue 13; alone with ``--only exact``): exact probabilities against
monte_carlo with 20,000 samples, the counting landscape (a new context every call)
against the enumerating one,
and a generated knowledge base of 200 factors in 3 scenarios, ratios measured in the
same run with the calls interleaved.
No figure here is a pass/fail test; the numbers are for docs/benchmark.md and the issue notes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _baselines import HandBitmask, StraightDurable, make_inputs
from _baselines import interleaved as measure

import kzpolicy


def pct(xs: Sequence[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round((len(s) - 1) * p))]


def interleaved(fns: Sequence[Callable[[], object]], rounds: int) -> list[float]:
    """Median seconds per call of each function, the calls interleaved round by round
    so that machine noise hits every path alike."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    clock = time.perf_counter
    for _ in range(rounds):
        for fn, out in zip(fns, times, strict=True):
            t0 = clock()
            fn()
            out.append(clock() - t0)
    return [statistics.median(t) for t in times]


README_BELIEFS = {"D1": 0.7, "D2": 0.5, "D3": 0.4, "D4": 0.3, "I1": 0.5}


def bench_exact(quick: bool) -> None:
    """Issue 13: exact probabilities against Monte Carlo, the counting landscape against
    the enumerating one, and a generated knowledge base of 200 factors."""
    import tempfile
    from fractions import Fraction

    from kzpolicy.analysis.probabilities import situation

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "analysis"))
    import kbgen

    kb = kzpolicy.load()
    rounds = 30 if quick else 200
    rows: list[tuple[str, float, float, str, float, str]] = []

    def mc() -> object:
        return kzpolicy.monte_carlo(README_BELIEFS, samples=20_000, seed=7)

    def scenarios_only() -> object:
        s = situation("bench", README_BELIEFS, None, None, kb, False)
        return s.counter.scenarios(*[evaluate_weights(s)], normalised=True)

    def evaluate_weights(s: object) -> tuple[list[float], list[float]]:
        t = [float(README_BELIEFS[c]) for c in s.counter.uncertain]  # type: ignore[attr-defined]
        return t, [1.0 - x for x in t]

    def items_all() -> object:
        return kzpolicy.probabilities(README_BELIEFS)

    exact = kzpolicy.probabilities(README_BELIEFS, exact=True)
    sampled = mc()
    assert isinstance(sampled, kzpolicy.MonteCarlo)
    floats = kzpolicy.probabilities(README_BELIEFS)
    err_exact = max(abs(floats.scenarios[s].probability - float(p.exact or 0))
                    for s, p in exact.scenarios.items())
    err_mc = max(abs(sampled.scenarios[s].probability - float(p.exact or 0))
                 for s, p in exact.scenarios.items())
    ex_items = {i.id: float(i.exact or 0) for i in (*exact.risks, *exact.engaged)}
    err_mc_items = max(abs(e.probability - ex_items[e.id])
                       for e in (*sampled.risks, *sampled.engaged))
    t_scen, t_items, t_mc = interleaved([scenarios_only, items_all, mc], rounds)
    rows.append(("exact scenario distribution, README example", t_scen, t_mc,
                 "monte_carlo 20,000", 20.0, f"error {err_exact:.0e} (MC {err_mc:.4f})"))
    rows.append(("exact item probabilities, all items", t_items, t_mc,
                 "monte_carlo 20,000", 5.0, f"MC max item error {err_mc_items:.4f}"))

    # the stock landscape: counting (compiled once per context, then reused; and a new
    # context every call, compiling included) against enumerating every combination
    contexts = [dict(zip(["tough_rivalry", "china_suspicion_grows",
                          "russia_uzbekistan_crisis", "region_relations_cool",
                          "nato_demonstrative_partnership", "peacekeeping_participation"],
                         (bool(n >> i & 1) for i in range(6)), strict=True))
                for n in range(64)]
    turn = iter(range(10**9))
    assert kzpolicy.landscape().model_dump(exclude={"method"}) == \
        kzpolicy.landscape(method="enumerate").model_dump(exclude={"method"})
    land_rounds = 5 if quick else 15
    t_count, t_fresh, t_enum = interleaved([
        lambda: kzpolicy.landscape(),
        lambda: kzpolicy.landscape(contexts[next(turn) % 64]),  # 64 > the 32 kept
        lambda: kzpolicy.landscape(method="enumerate"),
    ], land_rounds)
    rows.append(("stock landscape(), counting, new context", t_fresh, t_enum,
                 "landscape(method='enumerate')", 100.0,
                 "a context not seen before each call, compilation included"))
    rows.append(("  (the same context again: compilation reused)", t_count, t_enum,
                 "landscape(method='enumerate')", 0.0, "not what a new question costs"))

    # a generated knowledge base: 200 factors in 3 scenarios (2^200 combinations)
    with tempfile.TemporaryDirectory() as tmp:
        big = kzpolicy.load(kbgen.many_factors(Path(tmp) / "rules", 200))
    rnd = random.Random(200)
    beliefs = {f: rnd.randint(1, 9) / 10 for f in big.factors}
    t0 = time.perf_counter()
    big_land = kzpolicy.landscape(kb=big)
    t_land_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    kzpolicy.probabilities(beliefs, kb=big)
    t_prob_first = time.perf_counter() - t0
    t_land, t_prob = interleaved([lambda: kzpolicy.landscape(kb=big),
                                  lambda: kzpolicy.probabilities(beliefs, kb=big)],
                                 3 if quick else 7)
    half = kzpolicy.probabilities(dict.fromkeys(big.factors, Fraction(1, 2)), kb=big,
                                  exact=True)
    assert all(half.scenarios[s].exact == Fraction(c, 2**200)
               for s, c in big_land.scenarios.items())

    print(f"issue 13: exact probabilities and counting (Python {sys.version.split()[0]}, "
          f"{rounds} interleaved rounds; landscape {land_rounds})")
    print(f"{'figure':44} {'kzpolicy':>11} {'baseline':>11} {'faster':>8} "
          f"{'target':>8}  note")
    for label, ours, theirs, _base, target, note in rows:
        ratio = theirs / ours
        verdict = ("MET" if ratio >= target else "NOT MET") if target else "(no target)"
        shown = f">={target:g}x" if target else "-"
        print(f"{label:44} {ours * 1e3:9.3f}ms {theirs * 1e3:9.3f}ms {ratio:7.1f}x "
              f"{shown:>8}  {verdict}; {note}")
    print(f"{'200 factors: landscape() (first call)':44} {t_land_first:9.3f}s "
          f"{'':>11} {'':>8} {'<= 1 s':>8}  {'MET' if t_land_first <= 1 else 'NOT MET'}; "
          f"again {t_land:.3f}s, method {big_land.method}, 2^200 combinations")
    print(f"{'200 factors: probabilities(), 200 beliefs':44} {t_prob_first:9.3f}s "
          f"{'':>11} {'':>8} {'<= 1 s':>8}  {'MET' if t_prob_first <= 1 else 'NOT MET'}; "
          f"again {t_prob:.3f}s; scenarios checked against the landscape's counts")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer evaluations")
    parser.add_argument("--only", choices=["all", "assess", "exact"], default="all",
                        help="run one part: assess() against its baselines, or the exact "
                        "probabilities and counting of issue 13 (default: all)")
    args = parser.parse_args(argv)
    if args.only == "exact":
        bench_exact(args.quick)
        return 0
    kb = kzpolicy.load()
    n, rounds = (500, 2) if args.quick else (2000, 5)
    inputs = make_inputs(kb, n)
    straight, bitmask = StraightDurable(kb), HandBitmask(kb)

    # cross-check: every path fires the same rules
    for x in inputs[:300]:
        got = {t.rule for t in kzpolicy.assess(x).trace} - {kb.decision.id}
        assert set(straight.evaluate(x)) == got, x
        assert set(bitmask.evaluate(x)) == got, x

    paths: list[tuple[str, Callable[[dict[str, bool]], object]]] = [
        ("kzpolicy.assess() + model_dump_json()", lambda x: kzpolicy.assess(x).model_dump_json()),
        ("durable-rules, straight C calls", straight.evaluate),
        ("plain-Python bitmask (the floor)", bitmask.evaluate),
        ("kzpolicy.assess(), nothing read", lambda x: kzpolicy.assess(x)),
    ]
    samples = measure([fn for _, fn in paths], inputs, rounds)
    rows = [(label, statistics.median(s) * 1e6, pct(s, 0.95) * 1e6)
            for (label, _), s in zip(paths, samples, strict=True)]
    # the same, but every input new to kzpolicy (no memoised result parts to reuse)
    fresh_kb = kzpolicy.load(kb.path)  # a separate knowledge base: empty memo tables
    fresh = make_inputs(kb, n, seed=4242)
    cold = measure([lambda x: kzpolicy.assess(x, kb=fresh_kb).model_dump_json(),
                    straight.evaluate, lambda x: kzpolicy.assess(x, kb=fresh_kb)],
                   fresh, 1)
    base = rows[1][1]
    print(f"kzpolicy benchmark: {len(kb.rules)} rules ({len(straight.then)} productions), "
          f"{n} inputs x {rounds} rounds, 10 asserted conditions each, "
          f"Python {sys.version.split()[0]}")
    print(f"{'path':34} {'median':>10} {'p95':>10} {'vs straight':>12}")
    for label, med, p95 in rows:
        print(f"{label:34} {med:8.1f}us {p95:8.1f}us {med / base:11.2f}x")
    ratio, bare = rows[0][1] / base, rows[3][1] / base
    cold_ratio = statistics.median(cold[0]) / statistics.median(cold[1])
    cold_bare = statistics.median(cold[2]) / statistics.median(cold[1])
    print(f"\nassess() + model_dump_json() / straight durable (median): {ratio:.2f}x   "
          f"target <= 1.50x   {'MET' if ratio <= 1.5 else 'NOT MET'}   "
          f"(nothing read: {bare:.2f}x)")
    print(f"  (inputs repeated over {rounds} rounds: the result assembly of a firing pattern "
          "seen before is memoised; the Rete session and the decision run every time)")
    print(f"the same, every input seen for the first time: {cold_ratio:.2f}x   "
          f"target <= 1.50x   {'MET' if cold_ratio <= 1.5 else 'NOT MET'}   "
          f"(nothing read: {cold_bare:.2f}x)")
    extra = Path(__file__).with_name("bench_compiled.py")
    if extra.exists():
        print()
        import runpy

        runpy.run_path(str(extra), run_name="__main__")
    if args.only == "all":
        print()
        bench_exact(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
