"""The durable-rules adapter: positive forward chaining on the durable-rules 2.0.28 C engine.

This is the only module of kzpolicy that touches ``durable_rules_engine``. It compiles
conjunctive :class:`Production` objects into one durable ruleset and runs sessions on it
through the C API directly (no ``durable.lang``, no ``engine.Host`` and its timer threads).

The engine's sharp edges (measured; the tests in tests/engine/test_internal_durable_adapter.py
and test_engine_limits.py show each) are neutralised here, once:

* Durable never sees kzpolicy's names. Each fact some production needs becomes a token
  ``"0"``, ``"1"``, ... that is both the fact's ``id`` and what its pattern tests, and a
  session's sid is one of ``"0"`` .. ``"1023"``, reused once its state is deleted. Durable
  tells sids (and facts within a sid) apart by 32-bit FNV-1 hashes alone; these decimal
  strings all hash apart, so two facts or two live sessions are never confused. The
  rule names (``r0``, ``r1``, ... and ``end``) need no escaping, so the rule that fired is
  sliced straight off the action message (ten times cheaper than ``json.loads``).
* A fact goes to durable at most once per session, and only if some production needs it
  (durable refuses a fact nobody consumes and leaves the batch's actions pending); facts
  nobody needs, asserted or derived, are kept in Python only.
* Every session's first batch carries a sentinel fact, matched by a no-op rule at the lowest
  priority, so an action has always run before ``delete_state``, which otherwise frees
  uninitialised memory and crashes. A session that never sent a fact owns no durable state.
* At most 1,024 sids can live in one ruleset: one sid per session, its state deleted on exit.
* Durable's own size limits (``limits``) are checked when a network is built, with a clear error:
  past them it fails, or with too many facts even loops forever.
* One lock per network serialises the C calls, which hold the GIL anyway, and makes
  ``close()`` safe while other threads run sessions.
* A forked child gets fresh locks (a lock another thread held at the fork would never be
  released there). Sids in use at the fork stay taken in the child: their sessions' threads
  are gone, so those sids are never freed, and durable's state for them is never reused.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType

from kzpolicy.engine.durable.limits import (
    MAX_CONSUMERS,
    MAX_FACTS,
    MAX_NEEDS,
    MAX_PRODUCTIONS,
    MAX_SESSIONS,
    MAX_STRATUM,
)
from kzpolicy.errors import EngineError

try:
    import durable_rules_engine as _c
except ImportError as _exc:  # e.g. built on Python 3.13 without the define
    raise EngineError(
        f"durable-rules' C extension does not import ({_exc}); rebuild it with: "
        "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install --force-reinstall "
        "--no-cache-dir durable-rules==2.0.28"
    ) from None

__all__ = [
    "DurableNetwork",
    "DurableSession",
    "Firing",
    "Production",
]


_SENTINEL = "end"  # the no-op rule's name; a production's rule is "r<index>"
_NAMES = itertools.count(1)  # makes ruleset names unique in the process


@dataclass(frozen=True, slots=True)
class Production:
    """One conjunctive production: fires once when every fact in `needs` is present."""

    id: str
    needs: tuple[str, ...]
    then: tuple[str, ...]
    stratum: int = 0

    def __post_init__(self) -> None:
        for field in ("needs", "then"):
            value = getattr(self, field)
            if isinstance(value, str) or not all(isinstance(f, str) for f in value):
                raise EngineError(f"production {self.id!r}: {field} must be a tuple of names")
            object.__setattr__(self, field, tuple(value))
        if not self.needs:
            raise EngineError(f"production {self.id!r} needs no fact")
        if len(set(self.needs)) > MAX_NEEDS:
            raise EngineError(f"production {self.id!r} needs more than {MAX_NEEDS} facts")
        if not 0 <= self.stratum <= MAX_STRATUM:
            raise EngineError(f"production {self.id!r}: stratum must be in 0..{MAX_STRATUM}")


@dataclass(frozen=True, slots=True)
class Firing:
    """One firing of a production: its id and the facts of its `then` that were new."""

    production: str
    derived: tuple[str, ...]


class _Rule:
    """A compiled production, as the agenda loop needs it when durable fires it."""

    __slots__ = ("all_new", "id", "none_new", "then", "tokens")

    def __init__(self, p: Production, tokens: dict[str, str]) -> None:
        self.id = p.id
        self.then = tuple(dict.fromkeys(p.then))
        self.tokens = [tokens[f] for f in self.then if f in tokens]  # what goes to durable
        self.all_new = Firing(p.id, self.then)  # shared: Firing is immutable
        self.none_new = Firing(p.id, ())


class _Ruleset:
    """The C-side resources of one network: what ``close()`` and the finalizer free."""

    __slots__ = ("__weakref__", "closed", "free_sids", "handle", "live", "lock")

    def __init__(self, handle: int) -> None:
        self.handle = handle
        self.lock = threading.Lock()
        self.closed = False
        self.free_sids = [str(i) for i in reversed(range(MAX_SESSIONS))]
        self.live: set[str] = set()  # sids whose durable state can be deleted safely
        _RULESETS.add(self)


_RULESETS: weakref.WeakSet[_Ruleset] = weakref.WeakSet()  # every ruleset not yet collected


def _after_fork_in_child() -> None:
    """Give every ruleset a fresh lock in a forked child.

    A lock held at the fork belongs to a thread that does not exist in the child and would
    never be released, so the child's first session would block forever. The C calls hold
    the GIL, so the state the lock guards is whole at the fork, and a sid is only ever
    freed once durable holds no state for it; sids taken at the fork stay taken (their
    threads are gone). Only the session inside a held lock may have left an action
    pending, so then the inherited live sids are forgotten: their states leak in the
    child rather than be deleted mid-action.
    """
    for rs in list(_RULESETS):
        if rs.lock.locked():
            rs.live.clear()
        rs.lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _free(rs: _Ruleset) -> None:
    with rs.lock:
        if rs.closed:
            return
        rs.closed = True
        try:
            for sid in rs.live:  # sessions still open: delete_ruleset leaves their states
                _c.delete_state(rs.handle, sid)
            rs.live.clear()
            _c.delete_ruleset(rs.handle)
        except Exception as e:
            raise EngineError(f"durable could not free a ruleset: {e}") from e


class DurableNetwork:
    """Productions compiled into one durable ruleset; run them in sessions."""

    __slots__ = (
        "__weakref__",
        "_finalizer",
        "_handled",
        "_name",
        "_rs",
        "_rules",
        "_sentinel",
        "_tokens",
    )

    def __init__(self, productions: Sequence[Production], *, label: str = "kb") -> None:
        productions = tuple(productions)
        ids = [p.id for p in productions]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise EngineError(f"duplicate production ids: {dup}")
        needs = [tuple(dict.fromkeys(p.needs)) for p in productions]
        self._tokens: dict[str, str] = {}
        for fact in itertools.chain.from_iterable(needs):
            self._tokens.setdefault(fact, str(len(self._tokens)))
        if len(productions) > MAX_PRODUCTIONS:
            raise EngineError(f"{len(productions)} productions; at most {MAX_PRODUCTIONS}")
        if len(self._tokens) > MAX_FACTS:
            raise EngineError(f"{len(self._tokens)} distinct facts needed; at most {MAX_FACTS}")
        consumers = Counter(itertools.chain.from_iterable(needs))
        fact, count = max(consumers.items(), key=lambda kv: kv[1], default=("", 0))
        if count > MAX_CONSUMERS:
            raise EngineError(f"{count} productions need {fact!r}; at most {MAX_CONSUMERS}")
        self._sentinel = str(len(self._tokens))  # the token after the last needed fact
        self._handled = frozenset(self._tokens)

        self._rules: dict[str, _Rule | None] = {_SENTINEL: None}
        definition: dict[str, object] = {}
        for i, (p, ns) in enumerate(zip(productions, needs, strict=True)):
            self._rules[f"r{i}"] = _Rule(p, self._tokens)
            pats = [{f"a{j}": {"id": self._tokens[n]}} for j, n in enumerate(ns)]
            definition[f"r{i}"] = {"pri": p.stratum, "all": pats}
        top = max((p.stratum for p in productions), default=0)
        definition[_SENTINEL] = {"pri": top + 1, "all": [{"a0": {"id": self._sentinel}}]}

        self._name = f"{label}@{next(_NAMES)}"
        try:
            handle = _c.create_ruleset(self._name, json.dumps(definition))
        except Exception as e:
            raise EngineError(f"durable refused ruleset {self._name!r}: {e}") from e
        self._rs = _Ruleset(handle)
        self._finalizer = weakref.finalize(self, _free, self._rs)

    @property
    def handled(self) -> frozenset[str]:
        """Every fact name some production needs."""
        return self._handled

    @property
    def name(self) -> str:
        """The process-unique name of the durable ruleset (``label@n``)."""
        return self._name

    def __repr__(self) -> str:
        state = "closed" if self._rs.closed else f"{len(self._rules) - 1} productions"
        return f"<DurableNetwork {self._name} ({state})>"

    def session(self) -> DurableSession:
        """A session to use in a ``with`` block: one durable sid, deleted when it exits."""
        return DurableSession(self)

    def close(self) -> None:
        """Free the C ruleset, and the states of sessions still open. Idempotent."""
        self._finalizer()


class DurableSession:
    """One run of a network: assert facts, forward-chain to a fixpoint, read the firings.

    Use it as a context manager (``with network.session() as s:``); it is single-threaded.
    """

    __slots__ = ("_acted", "_fired", "_net", "_open", "_prefix", "_present", "_sent", "_sid")

    def __init__(self, network: DurableNetwork) -> None:
        self._net = network  # keeps the network (and its ruleset) alive while open
        self._sid = ""  # set by __enter__, cleared once its state is deleted
        self._prefix = ""  # '{"sid":"<sid>","id":"': every fact sent starts with it
        self._present: set[str] = set()
        self._fired: set[str] = set()
        self._open = False
        self._sent = False  # facts went to durable: it may hold a state for the sid
        self._acted = False  # an action ran in that state, so deleting it is safe

    def __enter__(self) -> DurableSession:
        rs = self._net._rs
        with rs.lock:
            if self._prefix:
                raise EngineError("a session can be entered only once")
            if rs.closed:
                raise EngineError(f"network {self._net._name} is closed")
            if not rs.free_sids:
                raise EngineError(f"{MAX_SESSIONS} sessions are open on {self._net._name}")
            self._sid = sid = rs.free_sids.pop()
        self._prefix = '{"sid":"' + sid + '","id":"'
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

    @property
    def present(self) -> frozenset[str]:
        """All facts asserted or derived so far in this session."""
        return frozenset(self._present)

    def assert_facts(self, facts: Iterable[str]) -> list[Firing]:
        """Assert facts, chain to quiescence, return this call's firings in firing order."""
        if not self._open:
            raise EngineError("session is not open (use it in a 'with' block)")
        if self._net._rs.closed:
            raise EngineError(f"network {self._net._name} is closed")
        if isinstance(facts, str):
            raise EngineError("assert_facts takes an iterable of fact names, not one string")
        present, tokens = self._present, self._net._tokens
        send = []
        for fact in facts:
            if fact not in present:
                present.add(fact)
                token = tokens.get(fact)
                if token is not None:
                    send.append(token)
        if not send:
            return []
        if not self._sent:
            send.append(self._net._sentinel)
        return self._run(send)

    def _run(self, send: list[str]) -> list[Firing]:
        """Send a batch and run the agenda: each action asserts its production's new facts."""
        rs, p = self._net._rs, self._prefix
        h = rs.handle
        firings: list[Firing] = []
        with rs.lock:
            try:
                if rs.closed:
                    raise EngineError(f"network {self._net._name} is closed")
                self._sent = True
                code, off = _c.assert_facts(h, "[" + ",".join([p + t + '"}' for t in send]) + "]")
                if code:
                    raise EngineError(f"durable refused facts {send} (code {code})")
                started = _c.start_action_for_state(h, off)
                if started is None:
                    return firings
                if not self._acted:
                    self._acted = True
                    rs.live.add(self._sid)
                msg: str | None = started[1]
                while msg is not None:  # msg is '{"<rule>":{<alias>:<fact>,...}}'
                    firing = self._act(msg[2 : msg.index('"', 2)])
                    if firing is not None:
                        firings.append(firing)
                    msg = _c.complete_and_start_action(h, off)
            except BaseException as e:
                self._open = False  # the agenda is in an unknown state: no further use
                if isinstance(e, Exception) and not isinstance(e, EngineError):
                    raise EngineError(f"durable failed in session {self._sid}: {e}") from e
                raise
        return firings

    def _act(self, name: str) -> Firing | None:
        """The action of rule ``name`` (under the lock): record the firing and assert the
        production's new facts that some production needs; None for the sentinel."""
        rule = self._net._rules[name]
        if rule is None:
            return None
        if name in self._fired:
            raise EngineError(f"production {rule.id!r} fired twice")
        self._fired.add(name)
        present, then = self._present, rule.then
        if present.isdisjoint(then):  # the usual case: all of it is new
            firing, new = rule.all_new, rule.tokens
        else:
            derived = tuple(f for f in then if f not in present)
            firing = Firing(rule.id, derived) if derived else rule.none_new
            tokens = self._net._tokens
            new = [tokens[f] for f in derived if f in tokens]
        present.update(firing.derived)
        if new:
            h, p = self._net._rs.handle, self._prefix
            if len(new) == 1:
                code, _ = _c.assert_fact(h, p + new[0] + '"}')
            else:
                code, _ = _c.assert_facts(h, "[" + ",".join([p + t + '"}' for t in new]) + "]")
            if code:
                raise EngineError(f"durable refused facts {new} (code {code})")
        return firing

    def _close(self) -> None:
        """Delete the sid's state and free the sid (a state in which no action ran leaks)."""
        self._open = False
        rs, sid = self._net._rs, self._sid
        with rs.lock:
            if rs.closed or not sid:
                return  # never entered, already closed, or freed by close()
            self._sid = ""
            if not self._sent:
                rs.free_sids.append(sid)
            elif self._acted:
                rs.live.discard(sid)
                try:
                    _c.delete_state(rs.handle, sid)
                except Exception as e:
                    raise EngineError(f"durable could not delete session {sid}: {e}") from e
                rs.free_sids.append(sid)
            # else: facts were sent but no action ran (only after an engine error): deleting
            # would crash and reusing the sid would join the stale state; retire the sid.
