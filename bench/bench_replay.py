"""kzpolicy replay benchmark: ``replay`` of a decision log against ``assess_many`` of the
same inputs, time and peak memory of each, measured in the same run.

    python bench/bench_replay.py [--quick] [--n N] [--rounds R]     (make bench runs it)

The parent writes one decision log of N decisions (``_baselines.make_inputs``: ten of
the 36 conditions asserted per input, 80% of them true), each line as ``DecisionLog``
writes it, with the answer the stock rules give (checked first on 2,000 lines against
lines ``DecisionLog.append`` writes for the same inputs). Every measurement runs in a
child process of its own (its peak memory, ``VmHWM``, is its own) and the paths
alternate round by round, each against two targets, the same rules (nothing changes)
and the ``stated-only`` reading (every decision changes; 10,000 kept, the rest counted):

  * replay:       ``kzpolicy.replay(log, reading=...)``: the log read 10,000 lines at a
                  time, parsed, checked, assessed in batches, compared with what it logged;
  * parse floor:  the least work that reads the same log: ``json.loads`` of every line,
                  its conditions collected, then one ``assess_many`` (no checks, no
                  comparison, every input held at once);
  * assess_many:  the same N inputs as a list of dicts, made in the child before the
                  clock starts, through ``assess_many(rows, reading=...)``.

Before timing, replay of the first 2,000 lines under ``stated-only`` is checked to list
exactly the decisions ``assess`` changes, one at a time. "peak" is the child's whole peak
(``VmHWM``: the interpreter, numpy, kzpolicy, and for the other paths every input at
once).
Targets (issue 25): replay <= 2x assess_many's time, peak <= 300 MB. No figure here is a
pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from _baselines import make_inputs

import kzpolicy
from kzpolicy.journal.log import DecisionLog, encode

MODES = ("replay", "parse floor", "assess_many")
TARGETS = ("article", "stated-only")
SEED = 42
TIME = "2026-01-01T00:00:00.000000+00:00"


def write_log(path: Path, n: int) -> None:
    """N decisions on the stock rules, as ``DecisionLog`` writes them (a batch at a time)."""
    kb = kzpolicy.load()
    inputs = make_inputs(kb, n, seed=SEED)
    items = np.array(list(kb.items))
    with path.open("wb") as f:
        for start in range(0, n, 50_000):
            chunk = inputs[start:start + 50_000]
            batch = kzpolicy.assess_many(chunk, kb=kb)
            flagged = batch.flagged
            lines = [encode({
                "log": 1, "id": f"{start + k:032x}", "time": TIME, "operation": "assess",
                "input": {"conditions": given, "preset": None, "engine": "bitset"},
                "reading": kb.reading, "kb_version": kb.version,
                "scenario": batch.scenario_ids[batch.scenario[k]],
                "flagged": sorted(items[flagged[k]].tolist())})
                for k, given in enumerate(chunk)]
            f.write(b"".join(lines))


def check(path: Path, tmp: Path) -> None:
    """The log's lines are DecisionLog's (but for id and time), and replay lists what
    assess changes, one decision at a time."""
    kb = kzpolicy.load()
    inputs = make_inputs(kb, 2000, seed=SEED)
    mine = tmp / "check.jsonl"
    with DecisionLog(mine) as log:
        for given in inputs:
            log.append("assess", {"conditions": given, "preset": None, "engine": "bitset"},
                       kzpolicy.assess(given, kb=kb), kb_version=kb.version,
                       reading=kb.reading)
    ours = path.open("rb")
    for line, theirs in zip(ours, mine.open("rb"), strict=False):
        a, b = json.loads(line), json.loads(theirs)
        assert {**a, "id": 0, "time": 0} == {**b, "id": 0, "time": 0}, (a, b)
    ours.close()
    target = kzpolicy.load(reading="stated-only")
    logged = [json.loads(x) for x in mine.read_text().splitlines()]
    changed = []
    for n, (given, rec) in enumerate(zip(inputs, logged, strict=True), start=1):
        now = kzpolicy.assess(given, kb=target)
        if now.scenario.id != rec["scenario"] or now.flagged_ids() != set(rec["flagged"]):
            changed.append(n)
    r = kzpolicy.replay(mine, reading="stated-only")
    assert [c.line for c in r.changes] == changed and r.changed == len(changed)


def child(mode: str, target: str, n: int, log: str) -> dict[str, float]:
    """One measurement, in this (child) process."""
    reading = None if target == "article" else target
    kb = kzpolicy.load(reading=reading)
    kzpolicy.assess_many([[]], kb=kb)  # the engine compiled and its modules imported
    rows = make_inputs(kzpolicy.load(), n, seed=SEED) if mode == "assess_many" else []
    start, cpu = time.perf_counter(), time.process_time()
    if mode == "replay":
        result = kzpolicy.replay(log, kb=kb)
        changed = result.changed
    elif mode == "parse floor":
        with open(log, "rb") as f:
            given = [json.loads(line)["input"]["conditions"] for line in f]
        changed = len(kzpolicy.assess_many(given, kb=kb))
    else:
        batch = kzpolicy.assess_many(rows, kb=kb)
        changed = len(batch)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "changed": changed}


def _peak_mb() -> float:
    """This process's peak resident memory: VmHWM (Linux: this program's own, from its
    exec on), else ``ru_maxrss`` (which a child may inherit from its parent's at fork)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    line = next(x for x in text.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def run_child(mode: str, target: str, n: int, log: Path) -> dict[str, float]:
    """One measurement in a fresh process (its job given as JSON)."""
    job = json.dumps({"mode": mode, "target": target, "n": n, "log": str(log)})
    done = subprocess.run([sys.executable, __file__, "--child", job], check=True,
                          capture_output=True, text=True)
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 decisions, 1 round")
    parser.add_argument("--n", type=int, help="decisions (default 1,000,000)")
    parser.add_argument("--rounds", type=int, help="rounds (default 2)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # a job, as JSON
    args = parser.parse_args(argv)
    if args.child:
        job = json.loads(args.child)
        print(json.dumps(child(job["mode"], job["target"], job["n"], job["log"])))
        return 0
    n = args.n or (100_000 if args.quick else 1_000_000)
    rounds = args.rounds or (1 if args.quick else 2)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        log = tmp / "decisions.jsonl"
        write_log(log, n)
        check(log, tmp)
        print(f"kzpolicy replay benchmark: a log of {n:,} decisions "
              f"({log.stat().st_size / 1e6:,.0f} MB), {rounds} rounds interleaved, each path "
              f"in its own process; Python {platform.python_version()}, "
              f"{platform.machine()}, numpy {np.__version__}")
        print("checked first: the log's lines are DecisionLog's, and replay of 2,000 "
              "under stated-only lists exactly what assess changes")
        runs: dict[tuple[str, str], list[dict[str, float]]] = {
            (m, t): [] for m in MODES for t in TARGETS}
        for r in range(rounds):
            order = list(runs) if r % 2 == 0 else list(reversed(runs))
            for mode, target in order:
                runs[(mode, target)].append(run_child(mode, target, n, log))
    print(f"\n{'path':34} {'best s':>7} {'cpu s':>7} {'every run, s':>18} {'peak MB':>8}")
    for (mode, target), found in runs.items():
        every = " ".join(f"{x['seconds']:.2f}" for x in found)
        label = f"{mode} ({target})"
        print(f"{label:34} {min(x['seconds'] for x in found):7.2f} "
              f"{min(x['cpu'] for x in found):7.2f} {every:>18} "
              f"{max(x['peak_mb'] for x in found):8.0f}")
    for target in TARGETS:
        rep = runs[("replay", target)]
        for base in ("assess_many", "parse floor"):
            other = runs[(base, target)]
            ratio = min(x["seconds"] for x in rep) / min(x["seconds"] for x in other)
            cpu = min(x["cpu"] for x in rep) / min(x["cpu"] for x in other)
            print(f"replay / {base} ({target}): {ratio:.2f}x time, {cpu:.2f}x CPU"
                  + (" (target <= 2x)" if base == "assess_many" else ""))
        print(f"  replay's peak {max(x['peak_mb'] for x in rep):.0f} MB (target <= 300 MB); "
              f"{int(rep[0]['changed']):,} decisions changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
