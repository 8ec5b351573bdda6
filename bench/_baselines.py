"""The baselines kzpolicy is measured against, written here independently of kzpolicy.engine.

* ``HandBitmask``: the rules as plain-Python bitmasks (producers before consumers), the
  decision rule inlined; one evaluation = the implied scenario plus what fires.
* ``StraightDurable``: kzpolicy's productions on a bare durable-rules ruleset, driven
  straight through its C calls (facts in, firings out, nothing else).
* ``Clips``: the same rules in CLIPS through clipspy (a bench-only dependency), as a peer
  rule engine: one defrule per conjunction, salience by depth, the input asserted, run,
  the scenario asserted, run again.
* ``interleaved``: per-call times of several paths, input by input, so machine noise hits
  every path alike.

Every baseline is checked to fire the same rules as ``kzpolicy.assess`` before it is timed.
"""

from __future__ import annotations

import gc
import json
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from kzpolicy.kb import expr
from kzpolicy.kb.knowledge import KnowledgeBase

Inputs = list[dict[str, bool]]


def make_inputs(kb: KnowledgeBase, n: int, seed: int = 42, size: int = 10) -> Inputs:
    """``size`` asserted conditions per input (80% of them true), distinct inputs."""
    rnd = random.Random(seed)
    ids = list(kb.condition_ids)
    size = min(size, len(ids))
    return [{c: rnd.random() < 0.8 for c in rnd.sample(ids, size)} for _ in range(n)]


def decide_plain(kb: KnowledgeBase, asserted: dict[str, bool]) -> str:
    """The decision rule, inlined (every baseline does the same logical work)."""
    dec = kb.decision
    shares = {s.id: sum(asserted.get(f.id) is True for f in s.factors) / len(s.factors)
              for s in kb.scenarios.values()}
    for pole in dec.poles:
        if shares[pole] >= dec.threshold and all(
            shares[pole] > v for k, v in shares.items() if k != pole
        ):
            return pole
    return dec.default


def _productions(kb: KnowledgeBase) -> list[tuple[str, frozenset[str], tuple[str, ...], int]]:
    """(rule, conjunction, then, depth) for every conjunction of every rule, depth being the
    longest chain of producers before it (the rules are acyclic)."""
    prods = [(r.id, conj, tuple(r.then)) for r in kb.rules for conj in expr.dnf(r.when)]
    producers: dict[str, list[int]] = {}
    for n, (_, _, then) in enumerate(prods):
        for t in then:
            producers.setdefault(t, []).append(n)
    depth: dict[int, int] = {}

    def level(n: int, seen: frozenset[int] = frozenset()) -> int:
        if n not in depth:
            if n in seen:
                raise ValueError("the baselines need acyclic rules")
            below = [level(m, seen | {n}) for f in prods[n][1] for m in producers.get(f, ())]
            depth[n] = 1 + max(below, default=-1)
        return depth[n]

    return [(rid, conj, then, level(n)) for n, (rid, conj, then) in enumerate(prods)]


class HandBitmask:
    """Plain-Python bitmasks, one pass in depth order."""

    def __init__(self, kb: KnowledgeBase) -> None:
        prods = sorted(_productions(kb), key=lambda p: p[3])
        names = sorted({f for _, conj, then, _ in prods for f in (*conj, *then)}
                       | set(kb.scenarios))
        self.bit = {f: 1 << i for i, f in enumerate(names)}
        self.rules = [(rid, sum(self.bit[f] for f in conj), sum(self.bit[f] for f in then))
                      for rid, conj, then, _ in prods]
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


class StraightDurable:
    """kzpolicy's productions on a bare durable ruleset: facts in, firings out."""

    def __init__(self, kb: KnowledgeBase) -> None:
        import durable_rules_engine as c_engine

        from kzpolicy.engine.durable.rules import DurableRules

        self.c = c_engine
        self.kb = kb
        prods = DurableRules(kb).productions  # the same productions kzpolicy compiles
        self.then: dict[str, tuple[str, ...]] = {}
        self.rule_of: dict[str, str] = {}
        definition: dict[str, object] = {}
        for i, p in enumerate(prods):
            name = f"r{i}"
            self.then[name] = p.then
            self.rule_of[name] = p.id.split("#")[0]
            definition[name] = {"pri": p.stratum,
                                "all": [{f"m{j}": {"f": f}} for j, f in enumerate(p.needs)]}
        definition["end"] = {"pri": 60000, "all": [{"m": {"f": "$end"}}]}
        self.handled = {f for p in prods for f in p.needs}
        self.handle = c_engine.create_ruleset(f"bench{id(self)}", json.dumps(definition))
        self.sid = 0

    def _drain(self, off: int, sid: str, present: set[str], fired: list[str]) -> None:
        c = self.c
        r = c.start_action_for_state(self.handle, off)
        msg = r[1] if r else None
        while msg:
            name = msg[2 : msg.index('"', 2)]
            if name != "end":
                fired.append(name)
                for t in self.then[name]:
                    if t not in present:
                        present.add(t)
                        if t in self.handled:
                            c.assert_fact(self.handle, f'{{"sid":"{sid}","f":"{t}"}}')
            msg = c.complete_and_start_action(self.handle, off)

    def evaluate(self, asserted: dict[str, bool]) -> list[str]:
        c = self.c
        self.sid = (self.sid + 1) % 1000
        sid = str(self.sid)
        present = {k if v else "not:" + k for k, v in asserted.items()}
        fired: list[str] = []
        facts = [f for f in present if f in self.handled] + ["$end"]
        batch = "[" + ",".join(f'{{"sid":"{sid}","f":"{f}"}}' for f in facts) + "]"
        try:
            _, off = c.assert_facts(self.handle, batch)
            self._drain(off, sid, present, fired)
            scenario = decide_plain(self.kb, asserted)
            present.add(scenario)
            if scenario in self.handled:
                _, off = c.assert_facts(self.handle, f'[{{"sid":"{sid}","f":"{scenario}"}}]')
                self._drain(off, sid, present, fired)
        finally:
            c.delete_state(self.handle, sid)
        return [self.rule_of[n] for n in fired]


class Clips:
    """The same rules in CLIPS (clipspy): a peer rule engine on the same inputs.

    Facts are ``(f (n SYMBOL))`` template facts asserted through clipspy's fact API (its
    fastest path); a rule's action records its firing through a Python callback. The
    environment is reset before every assessment and rebuilt every ``REBUILD`` of them
    (a long-lived one slows down; the old ones are kept, as CLIPS reports their teardown).
    """

    REBUILD = 1000

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.calls = 0
        self.retired: list[object] = []
        self._build()

    def _build(self) -> None:
        import clips

        kb = self.kb
        prods = _productions(kb)
        names = sorted({f for _, conj, then, _ in prods for f in (*conj, *then)}
                       | set(kb.scenarios))
        self.sym = {f: clips.Symbol(f"x{i}") for i, f in enumerate(names)}
        deepest = max((p[3] for p in prods), default=0)
        self.rule_names = {f"p{n}": rid for n, (rid, *_) in enumerate(prods)}
        if hasattr(self, "env"):
            self.retired.append(self.env)
        self.env = env = clips.Environment()
        self.fired: list[str] = []
        names_of = self.rule_names
        record = self.fired.append

        def fired(name: object) -> None:
            record(names_of[str(name)])

        env.define_function(fired, name="fired")
        env.build("(deftemplate f (slot n))")
        for n, (_, conj, then, d) in enumerate(prods):
            env.build(
                f"(defrule p{n} (declare (salience {deepest - d})) "
                + " ".join(f"(f (n {self.sym[c]}))" for c in sorted(conj))
                + " => " + " ".join(f"(assert (f (n {self.sym[t]})))" for t in then)
                + f" (fired p{n}))")
        self.template = env.find_template("f")

    def evaluate(self, asserted: dict[str, bool]) -> list[str]:
        self.calls += 1
        if self.calls % self.REBUILD == 0:
            self._build()
        env, sym, put = self.env, self.sym, self.template.assert_fact
        self.fired.clear()
        env.reset()
        for k, v in asserted.items():
            s = sym.get(k if v else "not:" + k)
            if s is not None:
                put(n=s)
        env.run()
        scenario = sym.get(decide_plain(self.kb, asserted))
        if scenario is not None:
            put(n=scenario)
            env.run()
        return list(self.fired)


def interleaved(paths: Sequence[Callable[[Any], object]], inputs: Sequence[Any],
                rounds: int = 1, *, before_each: Callable[[], None] | None = None,
                warm: int = 200) -> list[list[float]]:
    """Per-call seconds of each path, input by input; ``before_each`` (say, clearing memo
    tables) runs before every timed call, outside the timing."""
    for x in inputs[:warm]:
        for fn in paths:
            fn(x)
    samples: list[list[float]] = [[] for _ in paths]
    clock = time.perf_counter
    for _ in range(rounds):
        gc.collect()  # the collector stays on: it is part of what a caller pays
        for x in inputs:
            for fn, out in zip(paths, samples, strict=True):
                if before_each is not None:
                    before_each()
                t0 = clock()
                fn(x)
                out.append(clock() - t0)
    return samples
