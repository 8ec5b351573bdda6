"""kzpolicy batch benchmark: assess_many against numpy columns straight through the
bitset engine, time and peak memory of each, measured in the same run.

    python bench/bench_batch.py [--quick] [--n N] [--rounds R]     (make bench runs it)

Every measurement runs in a child process of its own (so its peak memory, the child's
``ru_maxrss``, is its own), on N inputs the child makes fresh from one seed (about ten
of the 36 conditions asserted per input, 80% of them true; the same inputs for every
path), and the paths alternate round by round:

  * floor:      the inputs as int8 columns through a packed-bit numpy evaluation
                written here, not kzpolicy's engine (``PackedFloor``: every fact 64
                inputs a machine word, one AND per production literal; the scenario
                and, per rule, where it fires);
  * columns:    ``assess_many(columns=...)`` on the same int8 columns -> a ``Batch``
                (the asserted bits and the implied scenario: the batch runs the rules
                when ``flagged`` or ``fired`` is first read);
  * columns read: the same, then ``batch.flagged_bits`` read: the rules run, which the
                floor's figure includes (what the fired rules cost is shown, not hidden);
  * rows floor: the inputs as a list of dicts, read into columns by a minimal loop with
                no checks, then the same floor;
  * rows:       ``assess_many(list of dicts)`` -> a ``Batch``.

Before timing, the paths are checked to give the same answers on 2,000 inputs (and
rows of the batch to equal ``assess(engine="bitset")``). "peak" is the child's whole
peak (``ru_maxrss``: the interpreter, numpy, kzpolicy and the inputs included); "the
call" is the peak during the call over the memory held just before it (Linux: the
kernel's peak mark reset before the call), which for the row paths leaves out the list
of dicts itself.
Then ``assess_many(columns)`` (then ``flagged_bits`` read, and not) and the floor once
each at 10,000,000 rows, for the peak.
Targets (issue 22), read on the path that computes what the floor computes (``columns
read``), the nothing-read figure beside: assess_many(columns) <= 1.5x the floor's CPU at
1,000,000 rows, and <= 550 MB peak at 10,000,000 rows (the input columns included). No
figure here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

import kzpolicy
from kzpolicy.engine.bitset import bitset
from kzpolicy.kb.expr import NEGATION_PREFIX as _NOT
from kzpolicy.kb.knowledge import KnowledgeBase

sys.path.insert(0, str(Path(__file__).parent))

from _baselines import productions

Columns = dict[str, npt.NDArray[np.int8]]
MODES = ("floor", "columns", "columns read", "rows floor", "rows")
LABELS = {
    "floor": "packed-bit numpy floor (written here)",
    "columns": "assess_many(columns=int8 columns)",
    "columns read": "the same, then flagged_bits read",
    "rows floor": "dicts -> columns (minimal loop) + floor",
    "rows": "assess_many(list of dicts)",
}


def make_columns(kb: KnowledgeBase, n: int, seed: int) -> Columns:
    """Per condition: asserted with probability 10/36, then true with probability 0.8."""
    rng = np.random.default_rng(seed)
    out: Columns = {}
    for c in kb.condition_ids:
        asserted = rng.random(n) < 10 / len(kb.condition_ids)
        true = rng.random(n) < 0.8
        out[c] = np.where(asserted, true.astype(np.int8), np.int8(-1)).astype(np.int8)
    return out


def make_rows(kb: KnowledgeBase, columns: Columns) -> list[dict[str, bool]]:
    ids = list(kb.condition_ids)
    matrix = np.stack([columns[c] for c in ids], axis=1).tolist()
    return [{ids[j]: v == 1 for j, v in enumerate(row) if v >= 0} for row in matrix]


class PackedFloor:
    """The floor, written here (not kzpolicy's engine): every fact a packed bit column
    (``np.packbits``, 64 inputs a machine word), each production one AND over its
    literals and one OR into its conclusions, in depth order; the decision on uint8
    counts of the factors asserted true. Out: the scenario index per input and, per
    rule, the packed inputs where it fires."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.prods = sorted(productions(kb), key=lambda p: p[3])
        self.ids = list(kb.scenarios)
        self.groups = [[f.id for f in s.factors] for s in kb.scenarios.values()]
        dec = kb.decision
        self.threshold = dec.threshold
        self.poles = [self.ids.index(p) for p in dec.poles]
        self.default = self.ids.index(dec.default)

    @staticmethod
    def _pack(column: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
        packed = np.packbits(column)
        pad = (-len(packed)) % 8
        if pad:
            packed = np.concatenate([packed, np.zeros(pad, np.uint8)])
        return packed.view(np.uint64)

    def __call__(self, columns: Columns) -> tuple[npt.NDArray[np.uint8],
                                                  dict[str, npt.NDArray[np.uint64]]]:
        n = len(next(iter(columns.values())))
        counts = []
        for group in self.groups:
            k = np.zeros(n, np.uint8)
            for f in group:
                k += columns[f] == 1
            counts.append(k)
        scenario = np.full(n, self.default, np.uint8)
        for p in reversed(self.poles):
            share = counts[p] / len(self.groups[p])
            wins = share >= self.threshold
            for q, other in enumerate(counts):
                if q != p:
                    wins &= share > other / len(self.groups[q])
            scenario[wins] = p
        facts: dict[str, npt.NDArray[np.uint64]] = {}
        for c, col in columns.items():
            facts[c] = self._pack(col == 1)
            facts[_NOT + c] = self._pack(col == 0)
        for k, s in enumerate(self.ids):
            facts[s] = self._pack(scenario == k)
        fired: dict[str, npt.NDArray[np.uint64]] = {}
        for rid, conj, then, _ in self.prods:
            lits = [facts.get(f) for f in conj]
            if any(x is None for x in lits):
                continue
            acc = lits[0].copy()
            for x in lits[1:]:
                acc &= x  # type: ignore[operator]
            fired[rid] = fired[rid] | acc if rid in fired else acc
            for t in then:
                facts[t] = facts[t] | acc if t in facts else acc
        return scenario, fired

    def unpack(self, bits: npt.NDArray[np.uint64], n: int) -> npt.NDArray[np.bool_]:
        return np.unpackbits(bits.view(np.uint8))[:n].astype(bool)


def floor(kb: KnowledgeBase, columns: Columns) -> tuple[npt.NDArray[np.uint8],
                                                        dict[str, npt.NDArray[np.uint64]]]:
    """The inputs as numpy columns through the packed-bit floor."""
    return PackedFloor(kb)(columns)


def rows_floor(kb: KnowledgeBase, rows: list[dict[str, bool]]) -> tuple[
        npt.NDArray[np.uint8], dict[str, npt.NDArray[np.uint64]]]:
    """Dicts read into int8 columns by the least Python there is, then ``floor``."""
    index = {c: n for n, c in enumerate(kb.condition_ids)}
    width = len(index)
    buf = bytearray(b"\xff" * (width * len(rows)))
    off = 0
    for row in rows:
        for c, v in row.items():
            buf[off + index[c]] = v
        off += width
    matrix = np.frombuffer(bytes(buf), dtype=np.int8).reshape(len(rows), width)
    return floor(kb, {c: matrix[:, n] for c, n in index.items()})


def check(kb: KnowledgeBase, n: int = 2000) -> None:
    """Every path gives the same answers (and the batch's rows those of assess)."""
    columns = make_columns(kb, n, seed=1)
    rows = make_rows(kb, columns)
    packed = PackedFloor(kb)
    scenario, fired = packed(columns)
    batch = kzpolicy.assess_many(columns=columns, kb=kb)
    assert batch == kzpolicy.assess_many(rows, kb=kb)
    assert np.array_equal(scenario, rows_floor(kb, rows)[0])
    ids = [batch.scenario_ids.index(s) for s in packed.ids]
    assert np.array_equal(batch.scenario, np.array(ids, np.uint8)[scenario])
    ref = bitset(kb).evaluate(n, {c: col == 1 for c, col in columns.items()},
                              {c: col == 0 for c, col in columns.items()})
    assert np.array_equal(batch.counts, ref.counts.T)
    for k, rule in enumerate(kb.rules):
        want = packed.unpack(fired[rule.id], n) if rule.id in fired else False
        assert np.array_equal(batch.fired[:, k], np.broadcast_to(want, (n,))), rule.id
    for k, item in enumerate(kb.items):
        want = ref.flagged(item)
        assert np.array_equal(batch.flagged[:, k], np.broadcast_to(want, (n,))), item
    for i in range(0, n, 10):
        assert batch[i] == kzpolicy.assess(rows[i], kb=kb, engine="bitset"), i


def _rss_mb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _status_mb(field: str) -> float | None:
    """VmRSS / VmHWM from /proc (Linux), None elsewhere."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    line = next((x for x in text.splitlines() if x.startswith(field + ":")), None)
    return int(line.split()[1]) / 1024 if line else None


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux), so the peak of the call alone shows."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def child(mode: str, n: int, seed: int) -> dict[str, float]:
    """One measurement, in this (child) process."""
    kb = kzpolicy.load()
    bitset(kb)  # compiled before timing, as every path shares it
    kzpolicy.assess_many([[]], kb=kb)  # and its modules imported
    columns = make_columns(kb, n, seed)
    rows = make_rows(kb, columns) if mode.startswith("rows") else []
    if rows:
        del columns
    before = _status_mb("VmRSS")
    reset = before is not None and _reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    if mode == "floor":
        floor(kb, columns)
    elif mode == "columns":
        kzpolicy.assess_many(columns=columns, kb=kb)
    elif mode == "columns read":
        _ = kzpolicy.assess_many(columns=columns, kb=kb).flagged_bits
    elif mode == "rows floor":
        rows_floor(kb, rows)
    else:
        kzpolicy.assess_many(rows, kb=kb)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    after = _status_mb("VmHWM") if reset else None
    peak = _rss_mb()
    over = after - before if after is not None and before is not None else float("nan")
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak, "before_mb": before or float("nan"),
            "call_mb": over}


def run_child(mode: str, n: int, seed: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--n", str(n),
                          "--seed", str(seed)], check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 inputs, 2 rounds")
    parser.add_argument("--n", type=int, default=None, help="inputs (default 1,000,000)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (default 4)")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=42, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n = args.n or (100_000 if args.quick else 1_000_000)
    if args.child:
        print(json.dumps(child(args.child, n, args.seed)))
        return 0
    rounds = args.rounds or (2 if args.quick else 4)
    kb = kzpolicy.load()
    check(kb)
    print(f"kzpolicy batch benchmark: {n:,} fresh inputs, {rounds} rounds interleaved, "
          f"each path in its own process; Python {platform.python_version()}, "
          f"{platform.machine()}, numpy {np.__version__}")
    print("checked equal first: every path on 2,000 inputs, and rows of the batch "
          "against assess(engine='bitset')")
    runs: dict[str, list[dict[str, float]]] = {m: [] for m in MODES}
    for r in range(rounds):
        order = MODES if r % 2 == 0 else tuple(reversed(MODES))
        for mode in order:
            runs[mode].append(run_child(mode, n, seed=42))
    best = {m: min(x["seconds"] for x in runs[m]) for m in MODES}
    cpu = {m: min(x["cpu"] for x in runs[m]) for m in MODES}
    peak = {m: max(x["peak_mb"] for x in runs[m]) for m in MODES}
    extra = {m: max(x["call_mb"] for x in runs[m]) for m in MODES}
    print(f"\n{'path':44} {'best s':>7} {'cpu s':>7} {'every run, s':>24} {'peak MB':>8} "
          f"{'the call':>11}")
    for m in MODES:
        every = " ".join(f"{x['seconds']:.2f}" for x in runs[m])
        print(f"{LABELS[m]:44} {best[m]:7.3f} {cpu[m]:7.3f} {every:>24} {peak[m]:8.0f} "
              f"{extra[m]:8.0f} MB")
    print("(best s: the fastest run's wall time; cpu s: the least CPU time of a run, "
          "steadier on a shared machine)")
    # the target's figure reads what the floor computes: the scenario and where each
    # rule fires (a Batch runs the rules when flagged_bits or fired_bits is first read)
    r = cpu["columns read"] / cpu["floor"]
    print(f"\nassess_many(columns), flagged_bits read / packed-bit floor: {r:.2f}x CPU   "
          f"target <= 1.5x   {'MET' if r <= 1.5 else 'NOT MET'}   "
          f"({best['columns read'] / best['floor']:.2f}x wall; the call "
          f"{extra['columns read']:.0f} MB vs {extra['floor']:.0f} MB)")
    r = cpu["columns"] / cpu["floor"]
    print(f"   nothing read (the scenario decided, the rules not yet run): {r:.2f}x CPU   "
          f"({best['columns'] / best['floor']:.2f}x wall; peak {peak['columns']:.0f} MB vs "
          f"{peak['floor']:.0f} MB; the call {extra['columns']:.0f} MB)")
    print(f"assess_many(rows) / rows floor:     {best['rows'] / best['rows floor']:.2f}x time, "
          f"{cpu['rows'] / cpu['rows floor']:.2f}x CPU; "
          f"the call {extra['rows']:.0f} MB vs {extra['rows floor']:.0f} MB over the "
          f"{runs['rows'][0]['before_mb']:.0f} MB held before it (the {n:,} dicts and the "
          f"interpreter); peak {peak['rows']:.0f} MB")
    print(f"assess_many(rows) / packed-bit floor: {best['rows'] / best['floor']:.2f}x time "
          "(reading Python dicts is the cost)")
    if not args.quick:
        big = 10_000_000
        at = {m: run_child(m, big, seed=42) for m in ("columns read", "columns", "floor")}
        p = at["columns read"]["peak_mb"]
        print(f"assess_many(columns) at {big:,} rows, flagged_bits read: peak {p:.0f} MB   "
              f"target <= 550 MB   {'MET' if p <= 550 else 'NOT MET'}   (nothing read: "
              f"{at['columns']['peak_mb']:.0f} MB; the floor: {at['floor']['peak_mb']:.0f} "
              f"MB; the input columns alone {big * len(kb.condition_ids) / 1e6:.0f} MB; "
              f"{at['columns read']['cpu']:.1f} s CPU vs {at['floor']['cpu']:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
