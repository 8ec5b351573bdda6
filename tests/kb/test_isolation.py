"""Every assessment is isolated: several knowledge bases in one process, threads, memory."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import kzpolicy
from kzpolicy.kb.loading import stock_rules_path

KB = kzpolicy.load()
IDS = list(KB.condition_ids)


def random_inputs(n: int, seed: int) -> list[dict[str, bool]]:
    rnd = random.Random(seed)
    return [
        {c: rnd.random() < 0.6 for c in rnd.sample(IDS, rnd.randint(0, 12))} for _ in range(n)
    ]


def test_two_knowledge_bases_in_one_process(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(stock_rules_path(), copy)
    (copy / "extra.yaml").write_text(textwrap.dedent("""\
        rules:
          - id: extra_negation
            label: Without scarce information the image improves (test rule)
            when: {all: [cooperation_intensifies, {not: info_scarce}]}
            then: [S7]
            stance: interpretation
            reason: a rule used only to test a user's extended copy
            locator: {section: scenarios, list: strengths, item: 7}
    """))
    mine = kzpolicy.load(copy)
    assert mine.version != KB.version
    conditions = {"cooperation_intensifies": True, "info_scarce": False}
    for _ in range(3):  # interleaved
        stock = kzpolicy.assess(conditions)
        user = kzpolicy.assess(conditions, kb=mine)
        assert "S7" not in stock.flagged_ids()
        assert "S7" in user.flagged_ids()
        assert user.kb_version == mine.version and stock.kb_version == KB.version
    # unknown is not false: the negated condition must be asserted false
    assert "S7" not in kzpolicy.assess({"cooperation_intensifies": True}, kb=mine).flagged_ids()
    # the same folder loaded twice gives two independent, equal knowledge bases
    again = kzpolicy.load(copy)
    assert kzpolicy.assess(conditions, kb=again) == kzpolicy.assess(conditions, kb=mine)


def test_threads_equal_serial() -> None:
    inputs = random_inputs(1000, seed=7)
    serial = [kzpolicy.assess(c) for c in inputs]

    def work(offset: int) -> list[kzpolicy.Assessment]:
        order = inputs[offset:] + inputs[:offset]
        got = [kzpolicy.assess(c) for c in order]
        return got[len(inputs) - offset:] + got[: len(inputs) - offset]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, [0, 125, 250, 375, 500, 625, 750, 875]))
    for got in results:
        assert got == serial


def test_sessions_beyond_the_engine_limit() -> None:
    # durable-rules allows 1,024 live sessions per ruleset; every assessment frees its own
    for c in random_inputs(1500, seed=3):
        kzpolicy.assess(c)


def test_memory_is_flat_over_100000_assessments() -> None:
    script = textwrap.dedent("""
        import random, kzpolicy
        kb = kzpolicy.load()
        ids = list(kb.condition_ids)
        rnd = random.Random(11)
        inputs = [{c: rnd.random() < 0.6 for c in rnd.sample(ids, rnd.randint(0, 12))}
                  for _ in range(1000)]
        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        for c in inputs:
            kzpolicy.assess(c)
        first = rss()
        for i in range(99_000):
            kzpolicy.assess(inputs[i % 1000])
        print(first, rss())
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=1200).stdout.split()
    first, last = float(out[0]), float(out[1])
    assert last - first < 5.0, f"RSS grew from {first:.1f} MB to {last:.1f} MB"
