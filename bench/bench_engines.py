"""kzpolicy against the engines beneath it and beside it, from 55 rules to 200 times as many.

    python bench/bench_engines.py [--quick] [--scales 10,50,200]     (part of `make bench`)

Every figure is a ratio of medians measured in this run, the paths interleaved input by
input, on inputs each path sees for the first time; no figure is a pass/fail test.

1. Stock rules, first-seen inputs (the targets' figures: inputs no path has seen, each
   path on a knowledge base of its own whose tables of result parts hold what 1,500 other
   inputs left), beside the same inputs with the tables emptied before every call (cold:
   a process's first call) and the same inputs again (repeat):
   ``assess()`` on durable / durable-rules driven straight through its C calls;
   ``assess(engine="bitset")`` / a hand-written bitmask; ``assess()`` / CLIPS (clipspy)
   on the same rules; and what reading the whole answer adds (``model_dump_json()``,
   ``explain()``).
2. Synthetic knowledge bases at 10x, 50x and 200x the stock rules (generated here):
   the bitset engine / CLIPS per input, ``assess(engine="bitset")`` / CLIPS, and
   ``load()`` seconds and megabytes per MB of rules YAML.
3. Cold start: ``import kzpolicy``, ``kzpolicy --help`` and ``kzpolicy assess --set D1``
   against ``python -c pass`` and ``python -c 'import pydantic, yaml'``.
"""

from __future__ import annotations

import argparse
import atexit
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from itertools import cycle
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _baselines import Clips, HandBitmask, StraightDurable, interleaved, make_inputs
from _synthetic import synthetic

import kzpolicy
from kzpolicy.engine.bitset import bitset
from kzpolicy.engine.build import _Builder
from kzpolicy.engine.decision import decide
from kzpolicy.engine.durable.limits import durable_limits
from kzpolicy.kb.knowledge import KnowledgeBase


def clear_memos(kb: KnowledgeBase) -> Callable[[], None]:
    """What empties kzpolicy's tables of result parts for ``kb`` (run before each cold
    call): every part that varies with the input; the fixed parts of the rules (a
    production's step, an item's JSON template) stay, as the compiled network does."""
    return kb.derived(_Builder).forget


def fired_rules(a: kzpolicy.Assessment, kb: KnowledgeBase) -> set[str]:
    return {t.rule for t in a.trace} - {kb.decision.id}


def check_equal(kb: KnowledgeBase, inputs: Sequence[dict[str, bool]],
                peers: dict[str, Callable[[dict[str, bool]], list[str]]],
                engine: str = "durable") -> None:
    """Every peer fires exactly the rules kzpolicy fires, before anything is timed."""
    for x in inputs:
        want = fired_rules(kzpolicy.assess(x, kb=kb, engine=engine), kb)  # type: ignore[arg-type]
        for name, fn in peers.items():
            got = set(fn(x))
            if got != want:
                raise SystemExit(f"{name} disagrees with kzpolicy on {x}: {got ^ want}")


def med(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def section_stock(n: int) -> None:
    kb = kzpolicy.load()
    fresh = make_inputs(kb, n, seed=9001)
    hand, straight, clips = HandBitmask(kb), StraightDurable(kb), Clips(kb)
    check_equal(kb, fresh[:500], {"hand bitmask": hand.evaluate,
                                  "durable straight": straight.evaluate,
                                  "CLIPS": clips.evaluate})
    check_equal(kb, fresh[:500], {"hand bitmask": hand.evaluate}, engine="bitset")
    kb_cold = kzpolicy.load(kb.path)  # its own memo tables, emptied before every call
    clear = clear_memos(kb_cold)

    def paths_on(kb_of: Callable[[str], KnowledgeBase]
                 ) -> list[tuple[str, Callable[[dict[str, bool]], object]]]:
        """Every path, each assessing on the knowledge base ``kb_of(its label)``."""
        d, b = kb_of("durable"), kb_of("bitset")
        dj, de, bj = kb_of("durable json"), kb_of("durable explain"), kb_of("bitset json")
        return [
            ("assess() durable, nothing read", lambda x: kzpolicy.assess(x, kb=d)),
            ("assess() durable + model_dump_json()",
             lambda x: kzpolicy.assess(x, kb=dj).model_dump_json()),
            ("assess() durable + explain()", lambda x: kzpolicy.assess(x, kb=de).explain()),
            ("durable-rules straight C calls", straight.evaluate),
            ("CLIPS (clipspy, lean)", clips.evaluate),
            ("assess(engine='bitset'), nothing read",
             lambda x: kzpolicy.assess(x, kb=b, engine="bitset")),
            ("assess(engine='bitset') + model_dump_json()",
             lambda x: kzpolicy.assess(x, kb=bj, engine="bitset").model_dump_json()),
            ("bitset engine alone (decide + run)",
             lambda x: bitset(b).run(x, decide(b, x).scenario)),
            ("hand-written bitmask (the floor)", hand.evaluate),
        ]

    paths = paths_on(lambda _: kb_cold)
    cold = interleaved([fn for _, fn in paths], fresh, before_each=clear, warm=0)
    # first-seen: every path on a knowledge base of its own, whose tables hold what
    # other inputs left in them (as in a process that has assessed before)
    own = {k: kzpolicy.load(kb.path) for k in ("durable", "bitset", "durable json",
                                               "durable explain", "bitset json")}
    seen = paths_on(own.__getitem__)
    for x in make_inputs(kb, max(n, 1500), seed=4242):
        for _, fn in seen:
            fn(x)
    first = interleaved([fn for _, fn in seen], fresh, warm=0)
    repeat = interleaved([fn for _, fn in seen], fresh, rounds=2, warm=0)
    c = {label: med(s) for (label, _), s in zip(paths, cold, strict=True)}
    f = {label: med(s) for (label, _), s in zip(paths, first, strict=True)}
    w = {label: med(s) for (label, _), s in zip(paths, repeat, strict=True)}
    print(f"1. stock rules: {len(kb.rules)} rules, {n} first-seen inputs of 10 asserted "
          "conditions. first-seen: inputs no path has seen, each path's tables holding what "
          f"{max(n, 1500)} other inputs left; cold: the tables emptied before every call "
          "(a process's first call); repeat: the same inputs again")
    print(f"   {'path':46} {'first-seen':>10} {'cold':>9} {'repeat':>9}")
    for label, _ in paths:
        print(f"   {label:46} {f[label] * 1e6:8.1f}us {c[label] * 1e6:7.1f}us "
              f"{w[label] * 1e6:7.1f}us")

    def ratio(label: str, num: str, den: str, target: str, less: float | None = None,
              minus: str | None = None) -> None:
        """One row: num / den first-seen (the target's figure), cold and repeat (``minus``
        taken off num first), with the nothing-read figure ``less`` / den beside it."""
        def r(t: dict[str, float], key: str) -> float:
            return (t[key] - (t[minus] if minus else 0.0)) / t[den]
        rf = r(f, num)
        bound = float(target.split()[-1].rstrip("x")) if target != "-" else None
        verdict = "" if bound is None else ("MET" if rf <= bound else "NOT MET")
        beside = "" if less is None else f"  (nothing read: {less:.2f}x)"
        print(f"   {label:52} {rf:5.2f}x  cold {r(c, num):5.2f}x  repeat {r(w, num):5.2f}x"
              f"  target {target:>7} {verdict}{beside}")

    print()
    ratio("assess() + model_dump_json(), durable / lean CLIPS",
          "assess() durable + model_dump_json()", "CLIPS (clipspy, lean)", "<= 1.2x",
          f["assess() durable, nothing read"] / f["CLIPS (clipspy, lean)"])
    ratio("assess(engine='bitset') + model_dump_json() / lean CLIPS",
          "assess(engine='bitset') + model_dump_json()", "CLIPS (clipspy, lean)", "<= 0.5x",
          f["assess(engine='bitset'), nothing read"] / f["CLIPS (clipspy, lean)"])
    ratio("explain() / assess() of the same input", "assess() durable + explain()",
          "assess() durable, nothing read", "<= 2.0x", minus="assess() durable, nothing read")
    ratio("assess() durable, nothing read / durable straight",
          "assess() durable, nothing read", "durable-rules straight C calls", "-")
    ratio("assess() + model_dump_json(), durable / durable straight",
          "assess() durable + model_dump_json()", "durable-rules straight C calls", "-")
    ratio("assess(engine='bitset') + model_dump_json() / hand bitmask",
          "assess(engine='bitset') + model_dump_json()", "hand-written bitmask (the floor)",
          "-", f["assess(engine='bitset'), nothing read"]
          / f["hand-written bitmask (the floor)"])
    ratio("bitset engine alone / hand bitmask", "bitset engine alone (decide + run)",
          "hand-written bitmask (the floor)", "-")
    print("   (explain() / assess(): the time of assess(x).explain() less that of assess(x),"
          " over assess(x))")


def _env(**more: str) -> dict[str, str]:
    """The environment of a child: bytecode written and read as an installed package's
    (no PYTHONDONTWRITEBYTECODE), the knowledge-base cache in the bench's own folder."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("KZPOLICY_CACHE_DIR", _CACHE)
    return {**env, **more}


_CACHE = tempfile.mkdtemp(prefix="kzpolicy-bench-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


def _load_cost(folder: Path) -> tuple[float, float, float]:
    """Seconds of ``kzpolicy.load(folder)`` uncached, the peak megabytes it allocates
    (traced by tracemalloc in a second run), and the seconds of a cached load, each in a
    fresh child process."""
    timing = ("import sys, time, kzpolicy, kzpolicy.kb.loading\n"  # imports not timed
              "t = time.perf_counter(); kzpolicy.load(sys.argv[1])\n"
              "print(time.perf_counter() - t)\n")
    memory = ("import sys, tracemalloc, kzpolicy, kzpolicy.kb.knowledge\n"
              "tracemalloc.start(); kzpolicy.load(sys.argv[1])\n"
              "print(tracemalloc.get_traced_memory()[1] / 1e6)\n")
    took, peak = (float(subprocess.run([sys.executable, "-c", code, str(folder)],
                                       capture_output=True, text=True, check=True,
                                       env=_env(KZPOLICY_NO_CACHE="1")).stdout.split()[0])
                  for code in (timing, memory))
    cached = [float(subprocess.run([sys.executable, "-c", timing, str(folder)],
                                   capture_output=True, text=True, check=True,
                                   env=_env()).stdout.split()[0]) for _ in range(3)]
    return took, peak, min(cached[1:])


def _blocks(kb: KnowledgeBase, inputs: Sequence[dict[str, bool]], stock: KnowledgeBase,
            stock_inputs: Sequence[dict[str, bool]]) -> float:
    """Median durable ``assess()`` on ``kb`` over that on ``stock``, each timed in blocks
    of 250 calls on one network, the blocks alternating (one network's caches warm, as
    in a process that uses one)."""
    times: dict[int, list[float]] = {0: [], 1: []}
    clock = time.perf_counter
    for r in range(4):
        for side, (k, xs) in enumerate(((stock, stock_inputs), (kb, inputs))):
            chunk = xs[(r * 250) % len(xs):][:250]
            for x in chunk[:20]:
                kzpolicy.assess(x, kb=k)
            for x in chunk:
                t0 = clock()
                kzpolicy.assess(x, kb=k)
                times[side].append(clock() - t0)
    return med(times[1]) / med(times[0])


def section_scale(scales: Sequence[int], n: int) -> None:
    print(f"\n2. synthetic knowledge bases ({n} first-seen inputs each, paths interleaved)")
    print(f"   {'scale':>5} {'rules':>6} {'MB':>5} {'load s/MB':>9} {'MB/MB':>6} "
          f"{'bitset':>8} {'CLIPS':>8} {'bitset/CLIPS':>12} {'assess/CLIPS':>12} "
          f"{'durable/CLIPS':>13}")
    stock = kzpolicy.load()
    stock_inputs = make_inputs(stock, n, seed=1)
    growth: list[tuple[int, float]] = []
    blocks: list[tuple[int, float]] = []
    loads: list[tuple[int, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            folder = synthetic(Path(tmp) / f"x{scale}", scale)
            size = sum(p.stat().st_size for p in folder.glob("*.yaml")) / 1e6
            took, peak, cached = _load_cost(folder)
            kb = kzpolicy.load(folder)
            inputs = make_inputs(kb, n, seed=scale)
            clips = Clips(kb)
            check_equal(kb, inputs[:100], {"CLIPS": clips.evaluate}, engine="bitset")
            engine = bitset(kb)
            paths: list[Callable[[dict[str, bool]], object]] = [
                lambda x, kb=kb, e=engine: e.run(x, decide(kb, x).scenario),
                clips.evaluate,
                lambda x, kb=kb: kzpolicy.assess(x, kb=kb, engine="bitset"),
            ]
            runs_durable = not durable_limits(kb)
            if runs_durable:
                at_one = cycle(stock_inputs)
                paths.append(lambda x, kb=kb: kzpolicy.assess(x, kb=kb))
                paths.append(lambda _, it=at_one: kzpolicy.assess(next(it), kb=stock))
            times = [med(s) for s in interleaved(paths, inputs, warm=50)]
            if runs_durable:
                blocks.append((scale, _blocks(kb, inputs, stock, stock_inputs)))
            d = f"{times[3] / times[1]:12.2f}x" if runs_durable else f"{'beyond limits':>13}"
            print(f"   {scale:>4}x {len(kb.rules):>6} {size:5.2f} {took / size:9.2f} "
                  f"{peak / size:6.1f} {times[0] * 1e6:6.1f}us {times[1] * 1e6:6.1f}us "
                  f"{times[0] / times[1]:11.2f}x {times[2] / times[1]:11.2f}x {d}")
            if runs_durable:
                growth.append((scale, times[3] / times[4]))
            loads.append((scale, took / size, cached / size))
    for (scale, g), (_, b) in zip(growth, blocks, strict=True):
        print(f"   durable assess() at {scale}x the rules / at 1x (10 facts asserted), in "
              f"blocks of 250 calls: {b:.2f}x   target <= 2.0x, or the cause stated "
              f"(docs/benchmark.md); alternating the two networks call by call: {g:.2f}x")
    for scale, s, c in loads:
        print(f"   load() at {scale}x: {s:.2f} s per MB of YAML uncached   target <= 1.0 s   "
              f"{'MET' if s <= 1 else 'NOT MET'};  cached {c:.3f} s per MB   target <= 0.1 s"
              f"   {'MET' if c <= 0.1 else 'NOT MET'}")
    print("   target at 200x: bitset / CLIPS <= 0.5x; load() <= 30 MB per MB")


def _seconds(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=_env())
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def section_start(runs: int) -> None:
    exe = sys.executable
    cli = str(Path(exe).with_name("kzpolicy"))
    kz = [cli] if os.path.exists(cli) else [exe, "-m", "kzpolicy"]
    bare, floor, imp = "python -c pass", "python -c 'import pydantic, yaml'", "import kzpolicy"
    assess = "kzpolicy assess --set D1"
    commands = {
        bare: [exe, "-c", "pass"],
        floor: [exe, "-c", "import pydantic, yaml"],
        imp: [exe, "-c", "import kzpolicy"],
        "kzpolicy --help": [*kz, "--help"],
        assess: [*kz, "assess", "--set", "D1"],
        assess + " --format json": [*kz, "assess", "--set", "D1", "--format", "json"],
        "kzpolicy --no-cache assess --set D1": [*kz, "--no-cache", "assess", "--set", "D1"],
    }
    took: dict[str, list[float]] = {k: [] for k in commands}
    cpu: dict[str, list[float]] = {k: [] for k in commands}
    # bytecode and the knowledge-base cache written once, as after an install and a first run
    subprocess.run(commands[assess], check=True, capture_output=True, env=_env())
    for _ in range(runs):  # interleaved, one run of each at a time
        for name, argv in commands.items():
            wall, used = _seconds(argv)
            took[name].append(wall)
            cpu[name].append(used)
    m = {k: med(v) for k, v in took.items()}
    u = {k: med(v) for k, v in cpu.items()}
    print(f"\n3. cold start, wall and CPU ({runs} runs each, interleaved; medians; bytecode "
          "compiled and the knowledge-base cache written by a first run)")
    for name in commands:
        print(f"   {name:42} {m[name] * 1e3:6.0f} ms  {m[name] / m[bare]:5.1f}x python -c pass"
              f"  {m[name] / m[floor]:5.2f}x import pydantic, yaml   (CPU {u[name] * 1e3:4.0f} ms,"
              f" {u[name] / u[floor]:4.2f}x)")
    r = m[assess] / m[floor]
    print(f"   {assess} / {floor}: {r:.2f}x wall   target <= 1.5x   "
          f"{'MET' if r <= 1.5 else 'NOT MET'}   (CPU {u[assess] / u[floor]:.2f}x)")
    print(f"   import kzpolicy over bare Python: {(m[imp] - m[bare]) * 1e3:.0f} ms   "
          "target <= 80 ms (issue 12)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer inputs, smaller scales")
    parser.add_argument("--scales", default=None, help="comma-separated multiples of the "
                        "stock rules (default 10,50,200; --quick: 10)")
    args = parser.parse_args(argv)
    scales = [int(s) for s in (args.scales or ("10" if args.quick else "10,50,200")).split(",")]
    print(f"kzpolicy engines benchmark: Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    section_stock(400 if args.quick else 3000)
    section_scale(scales, 100 if args.quick else 500)
    section_start(5 if args.quick else 15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
