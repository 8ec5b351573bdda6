"""The baselines kzpolicy is measured against, written here independently of kzpolicy.engine.

Each is written as lean as its author knows how, so that a ratio against it is a floor
and not a flattering straw man:

* ``LeanDecision``: the decision rule, precomputed (every baseline decides with it).
* ``HandBitmask``: the rules as plain-Python bitmasks built once (producers before
  consumers); per call one OR per asserted condition, the shares by ``int.bit_count``,
  one AND-compare per production; no generator, no string built.
* ``StraightDurable``: kzpolicy's productions on a bare durable-rules ruleset, driven
  straight through its C calls (facts in, firings out, nothing else).
* ``Clips``: the same rules in CLIPS through clipspy (a bench-only dependency), as a
  careful clipspy user drives it: every fact asserted in one call, the firings read in
  one call, no Python callback per firing.
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


def productions(kb: KnowledgeBase) -> list[tuple[str, frozenset[str], tuple[str, ...], int]]:
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


class LeanDecision:
    """The decision rule with everything precomputed: per call, one dict lookup per
    asserted condition and a loop over the scenarios (no generators)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        dec = kb.decision
        order = list(kb.scenarios)
        self.names = order
        self.factor_of = {f.id: k for k, s in enumerate(kb.scenarios.values())
                          for f in s.factors}
        self.sizes = [len(s.factors) for s in kb.scenarios.values()]
        self.threshold = dec.threshold
        self.poles = [(order.index(p), [j for j in range(len(order)) if order[j] != p])
                      for p in dec.poles]
        self.default = order.index(dec.default)

    def pick(self, shares: list[float]) -> int:
        """The index of the implied scenario, given every scenario's share."""
        for pi, others in self.poles:
            p = shares[pi]
            if p >= self.threshold:
                for j in others:
                    if shares[j] >= p:
                        break
                else:
                    return pi
        return self.default

    def of(self, asserted: dict[str, bool]) -> str:
        counts = [0] * len(self.sizes)
        factor_of = self.factor_of
        for c, v in asserted.items():
            if v:
                k = factor_of.get(c)
                if k is not None:
                    counts[k] += 1
        sizes = self.sizes
        return self.names[self.pick([counts[k] / sizes[k] for k in range(len(sizes))])]


class HandBitmask:
    """The floor: plain-Python bitmasks precomputed at build, one pass in depth order.

    Per call: one OR per asserted condition, the shares by ``int.bit_count`` of a
    precomputed mask per scenario, then one AND-compare per production."""

    def __init__(self, kb: KnowledgeBase) -> None:
        prods = sorted(productions(kb), key=lambda p: p[3])
        names = sorted({f for _, conj, then, _ in prods for f in (*conj, *then)}
                       | set(kb.scenarios) | set(kb.condition_ids)
                       | {expr.NEGATION_PREFIX + c for c in kb.condition_ids})
        bit = {f: 1 << i for i, f in enumerate(names)}
        self.bit = bit
        self.literal = {c: (bit[c], bit[expr.NEGATION_PREFIX + c]) for c in kb.condition_ids}
        self.rules = [(rid, sum(bit[f] for f in conj), sum(bit[f] for f in then))
                      for rid, conj, then, _ in prods]
        self.decision = LeanDecision(kb)
        self.masks = [sum(bit[f.id] for f in s.factors) for s in kb.scenarios.values()]
        self.scenario_bits = [bit[s] for s in kb.scenarios]

    def _facts(self, asserted: dict[str, bool]) -> tuple[int, int]:
        facts = 0
        literal = self.literal
        for c, v in asserted.items():
            pos, neg = literal[c]
            facts |= pos if v else neg
        d = self.decision
        sizes = d.sizes
        shares = [(facts & m).bit_count() / sizes[k] for k, m in enumerate(self.masks)]
        return facts, d.pick(shares)

    def scenario(self, asserted: dict[str, bool]) -> str:
        return self.decision.names[self._facts(asserted)[1]]

    def evaluate(self, asserted: dict[str, bool]) -> list[str]:
        facts, k = self._facts(asserted)
        facts |= self.scenario_bits[k]
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
        self.decision = LeanDecision(kb)
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
            scenario = self.decision.of(asserted)
            present.add(scenario)
            if scenario in self.handled:
                _, off = c.assert_facts(self.handle, f'[{{"sid":"{sid}","f":"{scenario}"}}]')
                self._drain(off, sid, present, fired)
        finally:
            c.delete_state(self.handle, sid)
        return [self.rule_of[n] for n in fired]


class Clips:
    """The same rules in CLIPS (clipspy), driven lean, as a careful clipspy user would.

    One ordered fact ``(xN)`` per literal; one defrule per conjunction (salience by
    depth) whose action asserts its conclusions and appends its name to a global. Per
    assessment: ``reset``, every fact (the literals and the implied scenario, decided in
    Python by :class:`LeanDecision`) asserted in one ``load_facts`` of one string,
    ``run``, and the firings read in one read of the global: four calls into CLIPS, no
    Python callback per firing.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        import clips

        prods = productions(kb)
        names = sorted({f for _, conj, then, _ in prods for f in (*conj, *then)}
                       | set(kb.scenarios))
        sym = {f: f"(x{i})" for i, f in enumerate(names)}
        deepest = max((p[3] for p in prods), default=0)
        self.rule_of = {f"p{n}": rid for n, (rid, *_) in enumerate(prods)}
        self.literal = {c: (sym.get(c, ""), sym.get(expr.NEGATION_PREFIX + c, ""))
                        for c in kb.condition_ids}
        self.scenario = [sym[s] for s in kb.scenarios]
        self.decision = LeanDecision(kb)
        self.env = env = clips.Environment()
        env.build("(defglobal ?*fired* = (create$))")
        for n, (_, conj, then, d) in enumerate(prods):
            env.build(
                f"(defrule p{n} (declare (salience {deepest - d})) "
                + " ".join(sym[c] for c in sorted(conj))
                + f" => (bind ?*fired* (create$ ?*fired* p{n}))"
                + (" (assert " + " ".join(sym[t] for t in then) + ")" if then else "")
                + ")")
        self.fired = env.find_global("fired")

    def evaluate(self, asserted: dict[str, bool]) -> list[str]:
        literal = self.literal
        d = self.decision
        counts = [0] * len(d.sizes)
        text = []
        for c, v in asserted.items():
            pos, neg = literal[c]
            if v:
                text.append(pos)
                k = d.factor_of.get(c)
                if k is not None:
                    counts[k] += 1
            else:
                text.append(neg)
        sizes = d.sizes
        text.append(self.scenario[d.pick([counts[k] / sizes[k] for k in range(len(sizes))])])
        env = self.env
        env.reset()
        env.load_facts(" ".join(text))
        env.run()
        rule_of = self.rule_of
        return [rule_of[str(s)] for s in self.fired.value]


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
