"""kzpolicy benchmark, issue 23: why-not, stability and counterfactuals against assess().

    make bench            (or: python bench/bench_reasoning.py [--quick])

The rows of the issue's Targets table, each baseline measured in the same run with the
calls interleaved input by input (bench/_baselines.py ``interleaved``):

  * ``why_not`` of one item / ``assess`` of the same input (target <= 2x);
  * ``stability`` of the scenario and every item, 22 unknowns / one ``assess``
    (target <= 20x);
  * ``counterfactuals`` "imply distancing" from the situation of 2010, every minimal set
    of changes, compact: its time (target <= 1 s) and its text (target <= 50 lines);
  * and, beside them, ``tipping_points(max_size=8)`` from 2010, which the issue found at
    39 s before.

The inputs are the situation of 2010 (22 unknown conditions) with some of its 14
asserted conditions flipped, so that every call sees a varied input; ``assess`` is the
default engine (durable-rules) and returns its result with the explanation parts built
on first read, so it is the cheaper side of each ratio. No figure here is a pass/fail
test; the numbers are for docs/benchmark.md and the issue notes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _baselines import interleaved

import kzpolicy


def _inputs(kb: kzpolicy.KnowledgeBase, n: int, seed: int = 23) -> list[dict[str, bool]]:
    """The situation of 2010 with up to four of its asserted conditions flipped: 22
    unknowns each."""
    from kzpolicy.engine.conditions import resolve

    base = resolve(kb, None, preset="article-2010")
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        x = dict(base)
        for c in rng.sample(sorted(base), rng.randint(0, 4)):
            x[c] = not x[c]
        out.append(x)
    return out


def _row(label: str, ours: float, base: float, target: float, note: str) -> str:
    ratio = ours / base
    verdict = "MET" if ratio <= target else "NOT MET"
    return (f"{label:46} {ours * 1e3:9.3f}ms {base * 1e3:9.3f}ms {ratio:7.2f}x "
            f"{f'<={target:g}x':>7}  {verdict}; {note}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer inputs and rounds")
    args = parser.parse_args(argv)
    kb = kzpolicy.load()
    n, rounds = (40, 2) if args.quick else (200, 3)
    inputs = _inputs(kb, n)
    assert all(len(kzpolicy.assess(x).unknown) == 22 for x in inputs)
    items = [i for i, info in kb.items.items() if info.kind == "threat"]
    turn = iter(range(10**9))

    def why(x: dict[str, bool]) -> object:
        return kzpolicy.why_not(x, items[next(turn) % len(items)])

    def assess(x: dict[str, bool]) -> object:
        return kzpolicy.assess(x)

    def assess_built(x: dict[str, bool]) -> object:
        return kzpolicy.assess(x).model_dump()

    def stable(x: dict[str, bool]) -> object:
        return kzpolicy.stability(x)

    samples = interleaved([why, assess, assess_built, stable], inputs, rounds, warm=20)
    t_why, t_assess, t_built, t_stab = (statistics.median(s) for s in samples)
    # the same with stability's verdicts forgotten before every call: each computed anew
    from kzpolicy.analysis.stability import _Memo

    memo = kb.derived(_Memo)
    cold = interleaved([assess, stable], inputs, 1, warm=5,
                       before_each=memo.found.clear)
    t_assess_cold, t_stab_cold = (statistics.median(s) for s in cold)

    # counterfactuals from 2010: every minimal set, compact; and its text
    from kzpolicy.report.reasoning_text import text

    times = []
    for _ in range(5 if args.quick else 20):
        t0 = time.perf_counter()
        c = kzpolicy.counterfactuals("article-2010", "imply distancing")
        times.append(time.perf_counter() - t0)
    lines = len(text(c).splitlines())
    t_cf = statistics.median(times)
    t0 = time.perf_counter()
    tp = kzpolicy.tipping_points("article-2010", max_size=8, all_minimal=True)
    t_tp = time.perf_counter() - t0
    tp_lines = len(kzpolicy.render(tp).splitlines())

    print(f"issue 23: why-not, stability, counterfactuals (Python {sys.version.split()[0]}, "
          f"{n} inputs x {rounds} interleaved rounds, 22 unknowns each)")
    print(f"{'figure':46} {'kzpolicy':>11} {'assess':>11} {'ratio':>8} {'target':>7}")
    print(_row("why_not of one threat / assess, same input", t_why, t_assess, 2,
               f"{t_why / t_built:.2f}x assess with its result built"))
    print(_row("stability, scenario and 51 items / assess", t_stab, t_assess, 20,
               f"{t_stab / t_built:.2f}x assess with its result built; verdicts memoised"))
    print(_row("stability, every verdict computed anew / assess", t_stab_cold,
               t_assess_cold, 20, "the memo of verdicts cleared before each call "
               "(the windows of the decision over counts kept, as the count table)"))
    print(f"{'counterfactuals imply distancing, 2010':46} {t_cf * 1e3:9.3f}ms {'':>11} "
          f"{'':>8} {'<=1 s':>7}  {'MET' if t_cf <= 1 else 'NOT MET'}; {len(c.sets)} ways "
          f"({c.total:,} sets), text {lines} lines (target <= 50: "
          f"{'MET' if lines <= 50 else 'NOT MET'})")
    print(f"{'tipping_points(max_size=8, all) from 2010':46} {t_tp * 1e3:9.3f}ms {'':>11} "
          f"{'':>8} {'<=1 s':>7}  {'MET' if t_tp <= 1 else 'NOT MET'}; {len(tp.sets)} ways "
          f"({tp.total:,} sets), text {tp_lines} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
