"""Benchmark of the readings (issue 24): robustness and diff, against baselines measured in
the same run.

    make bench            (or: python bench/bench_readings.py [--quick])

* ``kzpolicy.robustness(x)`` over the stock readings against one ``kzpolicy.assess(x,
  reading=r)`` per reading (the same engine, durable-rules, each result's items read so
  both paths do the same work), the two interleaved input by input. Target: <= 5x.
* ``kzpolicy.diff(reading=r)``, the impact over all 2^22 factor combinations counted, for
  each stock reading, on a knowledge base loaded afresh every round (nothing it derives
  is cached), against enumerating the 2^22 combinations under both knowledge bases on the
  bitset engine (the brute force the tests check it against). Target: <= 1 s.

Every path is first checked to give the same answers. No figure here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "analysis"))

from _baselines import interleaved, make_inputs

import kzpolicy
from kzpolicy.kb.loading import available_readings


def _median_us(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1e6


def bench_robustness(quick: bool) -> None:
    kb = kzpolicy.load()
    names = list(available_readings(kb))
    names.insert(0, names.pop(names.index("article")))
    inputs = make_inputs(kb, 200 if quick else 1000, seed=24)

    def robust(x: dict[str, bool]) -> object:
        return kzpolicy.robustness(x)

    def one_per_reading(x: dict[str, bool]) -> object:
        return [kzpolicy.assess(x, reading=r).flagged_ids() for r in names]

    for x in inputs[:100]:  # both paths give the same answers
        r = kzpolicy.robustness(x)
        alone = [kzpolicy.assess(x, reading=n) for n in names]
        assert [o.scenario for o in r.readings] == [a.scenario.id for a in alone]
        assert [set(o.reached) for o in r.readings] == [a.flagged_ids() for a in alone]
    rounds = 2 if quick else 3
    robust_t, alone_t = interleaved([robust, one_per_reading], inputs, rounds)
    ours, theirs = _median_us(robust_t), _median_us(alone_t)
    ratio = ours / theirs
    print(f"robustness over the {len(names)} stock readings ({len(inputs)} inputs x "
          f"{rounds} rounds, durable-rules, Python {sys.version.split()[0]})")
    print(f"  robustness(x)                        {ours:9.1f}us")
    print(f"  assess(x, reading=r) for each reading {theirs:8.1f}us  "
          f"({theirs / len(names):.1f}us per reading)")
    print(f"  ratio {ratio:.2f}x   target <= 5x   {'MET' if ratio <= 5 else 'NOT MET'}")


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_diff(quick: bool) -> None:
    from test_diff import brute_force  # the tests' enumeration of every combination

    stock = kzpolicy.load()
    names = [n for n in available_readings(stock) if n != "article"]
    rounds = 2 if quick else 5
    print(f"\ndiff: the impact over all 2^{len(stock.factors)} factor combinations, counted "
          f"({rounds} rounds; a knowledge base loaded afresh each round)")
    print(f"  {'reading':16} {'diff()':>9} {'enumerating':>12} {'faster':>8}  target <= 1 s")
    for name in names:
        fresh = [kzpolicy.load(stock.path) for _ in range(rounds)]
        counted = kzpolicy.diff(reading=name)
        moves, _ = brute_force(stock, kzpolicy.load(reading=name), {})
        assert {(m.before, m.after): m.combinations for m in counted.moves} == dict(moves)
        ours = statistics.median(
            _timed(lambda kb=kb, r=name: kzpolicy.diff(kb, reading=r)) for kb in fresh)
        theirs = statistics.median(
            _timed(lambda r=name: brute_force(stock, kzpolicy.load(reading=r), {}))
            for _ in range(1 if quick else 2))
        print(f"  {name:16} {ours:8.3f}s {theirs:11.3f}s {theirs / ours:7.1f}x  "
              f"{'MET' if ours <= 1 else 'NOT MET'} ({counted.scenario_changed:,} "
              "combinations change their scenario)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer inputs and rounds")
    args = parser.parse_args(argv)
    bench_robustness(args.quick)
    bench_diff(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
