"""Tests of the durable-rules adapter (kzpolicy.engine.durable) against a naive Python fixpoint.

Cases that could crash the interpreter (a segfault in durable's C code) run in a
subprocess, so a crash fails the test instead of killing pytest.
"""

from __future__ import annotations

import gc
import os
import random
import subprocess
import sys
import textwrap
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from kzpolicy.engine.durable import adapter as _durable
from kzpolicy.engine.durable.adapter import DurableNetwork, Firing, Production
from kzpolicy.engine.durable.limits import MAX_CONSUMERS, MAX_FACTS, MAX_NEEDS, MAX_SESSIONS
from kzpolicy.errors import EngineError

SRC = Path(_durable.__file__).resolve().parents[3]  # src/, holding kzpolicy/
TESTS = Path(__file__).resolve().parent

P = Production


# --------------------------------------------------------------------------- helpers


def naive(
    productions: Sequence[Production], facts: Iterable[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """The oracle: fire every production whose needs are present, until nothing changes."""
    present = set(facts)
    fired: set[str] = set()
    changed = True
    while changed:
        changed = False
        for p in productions:
            if p.id not in fired and present.issuperset(p.needs):
                fired.add(p.id)
                present.update(p.then)
                changed = True
    return frozenset(fired), frozenset(present)


def run(net: DurableNetwork, *batches: Iterable[str]) -> tuple[list[Firing], frozenset[str]]:
    """One session: assert each batch in turn; all firings and the final facts."""
    firings: list[Firing] = []
    with net.session() as s:
        for batch in batches:
            firings += s.assert_facts(batch)
        return firings, s.present


def random_network(seed: int, n_productions: int = 40, n_facts: int = 30) -> list[Production]:
    """~40 productions over ~30 facts in 3 strata, some deriving facts nobody needs."""
    rnd = random.Random(seed)
    facts = [f"F{i}" for i in range(n_facts)]
    terminal = [f"T{i}" for i in range(5)]
    out = []
    for i in range(n_productions):
        needs = tuple(rnd.sample(facts, rnd.choice((1, 1, 2, 2, 3))))
        then = tuple(rnd.sample(facts + terminal, rnd.choice((0, 1, 1, 1, 2))))
        out.append(P(f"r_{i}#{rnd.randrange(3)}", needs, then, rnd.randrange(3)))
    return out


def random_inputs(seed: int, n: int, n_facts: int = 30) -> list[list[str]]:
    rnd = random.Random(seed)
    facts = [f"F{i}" for i in range(n_facts)] + ["unknown", "not:F1"]
    return [rnd.sample(facts, rnd.randrange(0, 12)) for _ in range(n)]


def run_python(code: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter that can import kzpolicy and this test module."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), str(TESTS)]))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def fnv1_32(s: str) -> int:
    """The hash durable identifies sids and facts by (FNV-1, 32 bits)."""
    h = 0x811C9DC5
    for byte in s.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


@pytest.fixture
def chain() -> Iterator[DurableNetwork]:
    """A -> B -> C -> D, with a terminal fact and a production needing two facts."""
    net = DurableNetwork(
        [
            P("r1", ("A",), ("B",), 0),
            P("r2", ("B",), ("C",), 1),
            P("r3", ("C",), ("D", "done"), 2),
            P("both", ("B", "X"), ("BX",), 1),
        ]
    )
    yield net
    net.close()


# --------------------------------------------------------------------------- semantics


def test_chains_over_three_levels(chain: DurableNetwork) -> None:
    firings, present = run(chain, ["A"])
    assert firings == [
        Firing("r1", ("B",)),
        Firing("r2", ("C",)),
        Firing("r3", ("D", "done")),
    ]
    assert present == {"A", "B", "C", "D", "done"}


def test_production_with_several_needs_fires_only_when_all_are_present(
    chain: DurableNetwork,
) -> None:
    assert "both" not in {f.production for f in run(chain, ["X"])[0]}
    firings, present = run(chain, ["A", "X"])
    assert [f.production for f in firings].count("both") == 1
    assert "BX" in present


def test_fact_derived_by_two_routes_is_recorded_once() -> None:
    net = DurableNetwork(
        [
            P("via_a", ("A",), ("X",)),
            P("via_b", ("B",), ("X", "Y"), 1),
            P("use_x", ("X",), ("Z",), 2),
        ]
    )
    firings, present = run(net, ["A", "B"])
    assert firings == [
        Firing("via_a", ("X",)),
        Firing("via_b", ("Y",)),  # X was already there
        Firing("use_x", ("Z",)),
    ]
    assert present == {"A", "B", "X", "Y", "Z"}


def test_terminal_and_unneeded_facts_are_present(chain: DurableNetwork) -> None:
    assert "done" not in chain.handled
    assert "nobody-needs-me" not in chain.handled
    _, present = run(chain, ["A", "nobody-needs-me"])
    assert {"done", "nobody-needs-me"} <= present


def test_two_calls_on_one_session_chain_across_calls(chain: DurableNetwork) -> None:
    with chain.session() as s:
        first = s.assert_facts(["A"])
        assert "BX" not in s.present
        assert s.assert_facts(["X"]) == [Firing("both", ("BX",))]
        assert s.assert_facts(["X", "A"]) == []  # already present: skipped
        assert s.present == {"A", "B", "C", "D", "done", "X", "BX"}
    assert [f.production for f in first] == ["r1", "r2", "r3"]


def test_lower_stratum_fires_first() -> None:
    net = DurableNetwork([P("late", ("A",), ("L",), 2), P("early", ("A",), ("E",), 0)])
    assert [f.production for f in run(net, ["A"])[0]] == ["early", "late"]


def test_each_production_fires_once_even_in_cycles_and_with_repeated_needs() -> None:
    net = DurableNetwork(
        [
            P("ab", ("A",), ("B",)),
            P("ba", ("B",), ("A",)),
            P("aa", ("A", "A"), ("C", "C")),
        ]
    )
    firings, present = run(net, ["A", "A"], ["A", "B"])
    assert sorted(f.production for f in firings) == ["aa", "ab", "ba"]
    assert Firing("ba", ()) in firings
    assert Firing("aa", ("C",)) in firings
    assert present == {"A", "B", "C"}


def test_any_names_and_ids_are_safe() -> None:
    odd = ['quo"te', "back\\slash", "ünï cödé", "end", "0", "r0", "{}", ""]
    prods = [P(f"id:{i}#-.{name}", (name,), (f"{name}!",)) for i, name in enumerate(odd)]
    net = DurableNetwork(prods, label='weird "label" \\ ü')
    firings, present = run(net, odd)
    assert {f.production for f in firings} == {p.id for p in prods}
    assert present == set(odd) | {f"{n}!" for n in odd}


def test_network_without_productions() -> None:
    net = DurableNetwork([])
    assert net.handled == frozenset()
    assert run(net, ["A"]) == ([], frozenset({"A"}))


def test_sixteen_needs_work_seventeen_are_refused() -> None:
    names = [f"N{i}" for i in range(MAX_NEEDS + 1)]
    net = DurableNetwork([P("wide", tuple(names[:MAX_NEEDS]), ("W",))])
    assert run(net, names[:MAX_NEEDS])[0] == [Firing("wide", ("W",))]
    assert run(net, names[: MAX_NEEDS - 1])[0] == []
    with pytest.raises(EngineError, match="more than 16"):
        P("too_wide", tuple(names), ())


LARGEST = """
from kzpolicy.engine.durable.adapter import DurableNetwork, Production as P
from kzpolicy.engine.durable.limits import MAX_FACTS
net = DurableNetwork([P(f"p{i}", (f"F{i}",), (f"T{i}",)) for i in range(MAX_FACTS)])
with net.session() as s:
    print(len(s.assert_facts(["F0", f"F{MAX_FACTS - 1}", "unknown"])))
"""


def test_largest_network_durable_can_run() -> None:
    result = run_python(LARGEST, timeout=60)  # one fact more and durable loops forever
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "2"


def test_networks_beyond_durable_limits_are_refused() -> None:
    with pytest.raises(EngineError, match=f"at most {MAX_FACTS}"):
        DurableNetwork([P(f"p{i}", (f"F{i}",), ()) for i in range(MAX_FACTS + 1)])
    with pytest.raises(EngineError, match=f"at most {MAX_CONSUMERS}"):
        DurableNetwork([P(f"p{i}", ("A",), ()) for i in range(MAX_CONSUMERS + 1)])
    assert DurableNetwork([P(f"p{i}", ("A",), ()) for i in range(MAX_CONSUMERS)]).handled


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"needs": ()}, "needs no fact"),
        ({"needs": "AB"}, "tuple of names"),
        ({"then": ("A", 1)}, "tuple of names"),
        ({"stratum": -1}, "stratum"),
        ({"stratum": 70000}, "stratum"),
    ],
)
def test_invalid_productions_are_refused(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"id": "p", "needs": ("A",), "then": ("B",)} | kwargs
    with pytest.raises(EngineError, match=message):
        Production(**args)


def test_duplicate_production_ids_are_refused() -> None:
    with pytest.raises(EngineError, match="duplicate"):
        DurableNetwork([P("same", ("A",), ()), P("same", ("B",), ())])


def test_misuse_of_a_session_raises_engine_error(chain: DurableNetwork) -> None:
    s = chain.session()
    with pytest.raises(EngineError, match="not open"):
        s.assert_facts(["A"])
    with s:
        with pytest.raises(EngineError, match="not one string"):
            s.assert_facts("A")
        with pytest.raises(EngineError, match="only once"), s:
            pass
    with pytest.raises(EngineError, match="not open"):
        s.assert_facts(["A"])


def test_sids_and_fact_tokens_have_distinct_durable_hashes() -> None:
    """Sids and fact ids are decimal strings below 1,024: durable must tell them apart."""
    assert MAX_FACTS < MAX_SESSIONS
    assert len({fnv1_32(str(i)) for i in range(MAX_SESSIONS)}) == MAX_SESSIONS


# --------------------------------------------------------------------------- against the oracle


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_networks_match_the_naive_fixpoint(seed: int) -> None:
    prods = random_network(seed)
    net = DurableNetwork(prods, label=f"random{seed}")
    rnd = random.Random(seed)
    for facts in random_inputs(seed, 500):
        fired, present = naive(prods, facts)
        firings, got_present = run(net, facts)
        assert {f.production for f in firings} == fired
        assert len(firings) == len(fired)
        assert got_present == present
        derived = [d for f in firings for d in f.derived]
        assert len(derived) == len(set(derived))
        assert set(derived) == present - set(facts)
        # the same facts in two calls reach the same fixpoint
        cut = rnd.randrange(len(facts) + 1)
        firings2, present2 = run(net, facts[:cut], facts[cut:])
        assert {f.production for f in firings2} == fired
        assert present2 == present
    net.close()


# ------------------------------------------------------------------ engine limits and safety


CRASH_CASES = """
from kzpolicy.engine.durable.adapter import DurableNetwork, Production as P
net = DurableNetwork([P("ab", ("A", "B"), ("C",)), P("c", ("C",), ("D",), 1)])
for i in range(3000):
    with net.session():                 # nothing asserted at all
        pass
    with net.session() as s:            # only facts nobody needs
        assert s.assert_facts(["X", "Y"]) == []
    with net.session() as s:            # facts sent, no production completes
        assert s.assert_facts(["A"]) == []
        assert s.assert_facts(["A"]) == []
    with net.session() as s:            # a second call in which nothing fires
        assert len(s.assert_facts(["A", "B"])) == 2
        assert s.assert_facts(["B", "Z"]) == []
    try:
        with net.session() as s:        # an exception inside the block
            s.assert_facts(["A"])
            raise KeyError("boom")
    except KeyError:
        pass
print("survived")
"""


def test_sessions_in_which_nothing_fires_close_without_crashing() -> None:
    result = run_python(CRASH_CASES)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"


def test_more_sessions_than_durable_has_sids(chain: DurableNetwork) -> None:
    for i in range(3000):
        facts = ["A", "X"] if i % 2 else ["X"]
        firings, _ = run(chain, facts)
        assert len(firings) == (4 if i % 2 else 0)


MANY_OPEN = """
from kzpolicy.engine.durable.adapter import DurableNetwork, Production as P
from kzpolicy.engine.durable.limits import MAX_SESSIONS
from kzpolicy.errors import EngineError
net = DurableNetwork([P("r1", ("A",), ("B",)), P("r2", ("B", "X"), ("C",), 1)])
sessions = [net.session() for _ in range(MAX_SESSIONS + 1)]
for s in sessions[:MAX_SESSIONS]:   # each one holds a durable state (~150 KB here)
    s.__enter__()
    assert len(s.assert_facts(["A"])) == 1
try:
    sessions[-1].__enter__()
except EngineError as e:
    print(e)
for s in sessions[:MAX_SESSIONS]:
    assert len(s.assert_facts(["X"])) == 1
    s.__exit__(None, None, None)
with net.session() as s:
    assert len(s.assert_facts(["A", "X"])) == 2
"""


def test_at_most_max_sessions_open_at_once() -> None:
    result = run_python(MANY_OPEN)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1024 sessions are open" in result.stdout


def test_identical_networks_are_independent() -> None:
    prods = [P("r1", ("A",), ("B",)), P("r2", ("B",), ("C",), 1)]
    one, two = DurableNetwork(prods, label="same"), DurableNetwork(prods, label="same")
    assert one.name != two.name
    with one.session() as s1, two.session() as s2:
        assert [f.production for f in s1.assert_facts(["A"])] == ["r1", "r2"]
        assert s2.assert_facts(["B"]) == [Firing("r2", ("C",))]
        assert s1.present == {"A", "B", "C"}
        assert s2.present == {"B", "C"}
        one.close()
        with pytest.raises(EngineError, match="closed"):
            s1.assert_facts(["Z"])
        assert s2.assert_facts(["A"]) == [Firing("r1", ())]
    with pytest.raises(EngineError, match="closed"), one.session():
        pass
    assert run(two, ["A"])[1] == {"A", "B", "C"}
    two.close()


def test_close_is_idempotent_and_gc_is_safe() -> None:
    prods = [P("r1", ("A",), ("B",))]
    closed = DurableNetwork(prods)
    run(closed, ["A"])
    closed.close()
    closed.close()
    survivor = DurableNetwork(prods)  # may reuse the freed C handle
    dropped = DurableNetwork(prods)  # never closed: freed by the finalizer
    ref = weakref.ref(dropped)
    run(dropped, ["A"])
    del closed, dropped
    gc.collect()
    assert ref() is None
    assert run(survivor, ["A"])[0] == [Firing("r1", ("B",))]
    survivor.close()


def test_close_frees_sessions_still_open() -> None:
    net = DurableNetwork([P("r1", ("A",), ("B",))])
    with net.session() as s:
        s.assert_facts(["A"])
        net.close()
    with pytest.raises(EngineError, match="closed"), net.session():
        pass


class FaultyEngine:
    """The C module, with one function failing (raising, or returning an error code)."""

    def __init__(self, real: Any, name: str, *, after: int = 0, code: bool = False) -> None:
        self.real, self.name, self.after, self.code = real, name, after, code
        self.deleted = 0  # successful delete_state calls

    def __getattr__(self, attr: str) -> Callable[..., Any]:
        fn: Callable[..., Any] = getattr(self.real, attr)

        def call(*args: Any) -> Any:
            if attr == self.name:
                if self.after:
                    self.after -= 1
                elif self.code:
                    return (2, fn(*args)[1])  # as if durable had seen the fact already
                else:
                    raise RuntimeError("injected failure")
            result = fn(*args)
            self.deleted += attr == "delete_state"
            return result

        return call


@pytest.mark.parametrize(
    ("name", "after", "code", "deleted"),
    [
        ("assert_facts", 0, False, False),  # first batch: no action ran, the sid is retired
        ("assert_facts", 0, True, False),
        ("start_action_for_state", 0, False, False),
        ("complete_and_start_action", 1, False, True),  # mid-agenda: the sid is deleted
        ("assert_fact", 0, False, True),
        ("assert_fact", 0, True, True),
        ("delete_state", 0, False, False),
    ],
)
def test_engine_failures_become_engine_error(
    monkeypatch: pytest.MonkeyPatch, name: str, after: int, code: bool, deleted: bool
) -> None:
    net = DurableNetwork([P("r1", ("A",), ("B",)), P("r2", ("B",), ("C",), 1)])
    free = len(net._rs.free_sids)
    faulty = FaultyEngine(vars(_durable)["_c"], name, after=after, code=code)
    monkeypatch.setattr(_durable, "_c", faulty)
    with pytest.raises(EngineError) as caught, net.session() as s:
        s.assert_facts(["A"])
    if not code:
        assert isinstance(caught.value.__cause__, RuntimeError)
    assert faulty.deleted == deleted
    monkeypatch.undo()
    # the sid went back only if its state was deleted; the network still works
    assert len(net._rs.free_sids) == free - (not deleted)
    assert not net._rs.live
    assert [f.production for f in run(net, ["A"])[0]] == ["r1", "r2"]
    net.close()


def test_threads_give_the_serial_results() -> None:
    prods = random_network(7)
    net = DurableNetwork(prods)
    inputs = random_inputs(7, 1000)
    serial = [run(net, x[:3], x[3:]) for x in inputs]
    mismatches: list[int] = []
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(1000):
                j = (i * 7 + k * 131) % len(inputs)
                if run(net, inputs[j][:3], inputs[j][3:]) != serial[j]:
                    mismatches.append(j)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, between any two C calls
    try:
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors
    assert not mismatches
    assert len(net._rs.free_sids) == MAX_SESSIONS
    assert not net._rs.live
    net.close()


MEMORY = """
import test_internal_durable_adapter as t
from kzpolicy.engine.durable.adapter import DurableNetwork

def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

net = DurableNetwork(t.random_network(11))
inputs = t.random_inputs(11, 1000)
for i in range(1000):
    t.run(net, inputs[i])
before = rss_kb()
for i in range(99_000):
    t.run(net, inputs[i % 1000])
print(before, rss_kb())
"""


def test_memory_is_flat_over_100k_sessions() -> None:
    result = run_python(MEMORY)
    assert result.returncode == 0, result.stderr[-2000:]
    before, after = map(int, result.stdout.split())
    assert abs(after - before) <= 5 * 1024, (before, after)
