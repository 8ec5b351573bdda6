"""Cross-checks of a knowledge base: IDs, references, locators, list sizes, reachability.

``validate`` returns every problem found (an empty list means the knowledge base
is consistent); ``statistics`` reports what the rules reach, for ``kzpolicy check``.
Each problem names its file and line where known, the bad value, and the
closest valid ID.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from kzpolicy.errors import Problem, closest
from kzpolicy.kb import expr, schema
from kzpolicy.kb.folder import Origin, Sourced
from kzpolicy.kb.kinds import FLAGGABLE
from kzpolicy.kb.knowledge import KnowledgeBase

__all__ = ["Statistics", "statistics", "validate"]


def _hint(value: str, choices: Iterable[str]) -> str:
    near = closest(value, choices)
    return f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""


def _problem(check: str, message: str, origin: Origin | None) -> Problem:
    return Problem(check, message, file=origin.file if origin else None,
                   line=origin.line if origin else None)


def _locators(value: object, path: str = "") -> Iterator[tuple[str, schema.Locator]]:
    if isinstance(value, schema.Locator):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _locators(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _locators(v, f"{path}[{i}]")


def _entry_id(entry: object) -> str:
    return str(getattr(entry, "id", "") or type(entry).__name__)


_Namespace = dict[str, tuple[str, Origin]]
"""IDs by their case-folded form: the ID as written and where it was first used."""


def _check_duplicates(kb: KnowledgeBase) -> list[Problem]:
    raw = kb.raw
    out: list[Problem] = []
    fact_ns: _Namespace = {}

    def claim(ident: str, origin: Origin, ns: _Namespace, what: str) -> None:
        # IDs differing only in case (D1, d1) are refused: a reader cannot tell them
        # apart, nor can a case-insensitive file system or spreadsheet
        first = ns.get(ident.casefold())
        if first is None:
            ns[ident.casefold()] = (ident, origin)
        elif first[0] == ident:
            out.append(_problem("duplicate-id",
                                f"{what} ID {ident!r} is already used at {first[1]}; "
                                "IDs must be unique, rename one", origin))
        else:
            out.append(_problem("duplicate-id",
                                f"{what} ID {ident!r} differs only in case from "
                                f"{first[0]!r} at {first[1]}; IDs must be unique whatever "
                                "their case, rename one", origin))

    fact_keys = ["strengths", "weaknesses", "opportunities", "threats",
                 "rivalry_consequences", "stimuli", "conditions"]
    for key in fact_keys:
        for e in raw.lists.get(key, []):
            claim(e.value.id, e.origin, fact_ns, "item/condition")
    for e in raw.lists.get("scenarios", []):
        sc = e.value
        claim(sc.id, e.origin, fact_ns, "scenario")
        for f in sc.factors:
            claim(f.id, e.origin, fact_ns, "factor")
        for c in sc.consequences:
            claim(c.id, e.origin, fact_ns, "consequence")
    for key in ["rules", "presets", "stages", "doctrines", "programmes", "milestones",
                "findings", "states", "rows", "sections"]:
        ns: _Namespace = {}
        for e in raw.lists.get(key, []):
            claim(e.value.id, e.origin, ns, key.rstrip("s"))
    cells: _Namespace = {}
    for e in raw.lists.get("cells", []):
        claim(f"{e.value.state}/{e.value.row}", e.origin, cells, "cell")
    return out


def _all_entries(kb: KnowledgeBase) -> Iterator[Sourced[object]]:
    yield from kb.raw.singletons.values()
    for entries in kb.raw.lists.values():
        yield from entries


def _check_locators(kb: KnowledgeBase) -> list[Problem]:
    out: list[Problem] = []
    for e in _all_entries(kb):
        for path, loc in _locators(e.value):
            label = f"{_entry_id(e.value)}.{path}"
            sec = kb.sections.get(loc.section)
            if sec is None:
                out.append(_problem("locator", f"{label}: no section {loc.section!r}"
                                    f"{_hint(loc.section, kb.sections)}", e.origin))
                continue
            if loc.list is None:
                continue
            lists = {lst.id: lst for lst in sec.lists}
            lst = lists.get(loc.list)
            if lst is None:
                out.append(_problem("locator", f"{label}: section {sec.id!r} has no list "
                                    f"{loc.list!r}{_hint(loc.list, lists)}", e.origin))
            elif loc.item is not None and loc.item > lst.size:
                out.append(_problem("locator", f"{label}: item {loc.item} is past the end of "
                                    f"{sec.id}/{lst.id}, which has {lst.size} items", e.origin))
    return out


def _collection(kb: KnowledgeBase, name: str) -> list[Sourced[object]] | None:
    if name.startswith("factors:"):
        sid = name.split(":", 1)[1]
        for e in kb.raw.lists.get("scenarios", []):
            if e.value.id == sid:
                return [Sourced(f, e.origin) for f in e.value.factors]
        return []
    if name in kb.raw.lists or name in ("stimuli", "stages", "rows"):
        return list(kb.raw.lists.get(name, []))
    return None


def _check_list_sizes(kb: KnowledgeBase) -> list[Problem]:
    out: list[Problem] = []
    section_origin = {e.value.id: e.origin for e in kb.raw.lists.get("sections", [])}
    for sec in kb.sections.values():
        for lst in sec.lists:
            if lst.holds is None:
                continue
            entries = _collection(kb, lst.holds)
            where = f"{sec.id}/{lst.id}"
            if entries is None:
                choices = [*kb.raw.lists, *(f"factors:{s}" for s in kb.scenarios)]
                out.append(_problem("list-size", f"{where} holds unknown collection "
                                    f"{lst.holds!r}{_hint(lst.holds, choices)}",
                                    section_origin.get(sec.id)))
                continue
            if len(entries) != lst.size:
                origin = entries[-1].origin if entries else None
                out.append(_problem("list-size", f"{lst.holds} has {len(entries)} entries but "
                                    f"the article's list {where} has {lst.size}", origin))
            for n, e in enumerate(entries, 1):
                loc = getattr(e.value, "locator", None)
                if isinstance(loc, schema.Locator) and (
                    loc.section != sec.id or loc.list != lst.id or loc.item != n
                ):
                    out.append(_problem("list-size", f"{_entry_id(e.value)} is entry {n} of "
                                        f"{lst.holds} but its locator says {loc}; expected "
                                        f"{where} / item {n}", e.origin))
    return out


def _flaggable(kb: KnowledgeBase) -> set[str]:
    return {i for i, info in kb.items.items() if info.kind in FLAGGABLE}


def _check_rule_references(kb: KnowledgeBase) -> list[Problem]:
    """A rule's `when` names defined facts, negates only conditions; its `then` flags items."""
    out: list[Problem] = []
    whenable = set(kb.ids())
    conditions = set(kb.condition_ids)
    flaggable = _flaggable(kb)
    for rule in kb.rules:
        origin = kb.origins.get("rule:" + rule.id)
        for ref in sorted(expr.refs(rule.when)):
            if ref not in whenable:
                out.append(_problem("reference", f"rule {rule.id}: `when` names {ref!r}, which "
                                    f"is defined nowhere{_hint(ref, whenable)}", origin))
        for neg in sorted(expr.negated(rule.when)):
            if neg in whenable and neg not in conditions:
                out.append(_problem("reference", f"rule {rule.id}: `not` applies to conditions "
                                    f"only, but {neg!r} is a {kb.kind_or_none(neg)}", origin))
        for target in rule.then:
            if target not in flaggable:
                kind = kb.kind_or_none(target)
                what = f"a {kind}, which rules cannot flag" if kind else "defined nowhere"
                out.append(_problem("reference", f"rule {rule.id}: `then` names {target!r}, "
                                    f"{what}{_hint(target, flaggable)}", origin))
    return out


def _check_presuppositions(kb: KnowledgeBase) -> list[Problem]:
    """What an item presupposes are conditions; only flaggable items presuppose, and no
    rule reads an item that does (so a contested item never feeds another)."""
    out: list[Problem] = []
    conditions = set(kb.condition_ids)
    read = {ref: rule.id for rule in kb.rules
            for ref in sorted(expr.refs(rule.when) - expr.negated(rule.when))}
    flaggable = _flaggable(kb)
    for info in kb.items.values():
        for ref in info.presupposes:
            if ref not in conditions:
                out.append(_problem("reference", f"item {info.id}: `presupposes` names "
                                    f"{ref!r}, which is no condition"
                                    f"{_hint(ref, conditions)}", info.origin))
        if info.presupposes and info.id not in flaggable:
            out.append(_problem("reference", f"item {info.id}: only an item a rule can flag "
                                "may presuppose conditions", info.origin))
        if info.presupposes and info.id in read:
            out.append(_problem("reference", f"item {info.id} presupposes conditions and rule "
                                f"{read[info.id]} reads it: a contested item would feed "
                                "another (drop one of the two)", info.origin))
    return out


def _check_bears_on(kb: KnowledgeBase) -> list[Problem]:
    """A condition bears on items that exist."""
    out: list[Problem] = []
    for cond in kb.conditions.values():
        origin = kb.origins.get("condition:" + cond.id)
        for target in cond.bears_on:
            if target not in kb.items:
                out.append(_problem("reference", f"condition {cond.id}: bears_on names "
                                    f"{target!r}, which is defined nowhere"
                                    f"{_hint(target, kb.items)}", origin))
    return out


def _check_finding_concerns(kb: KnowledgeBase) -> list[Problem]:
    """A finding concerns something an assessment can show: an item, scenario or condition."""
    out: list[Problem] = []
    concernable = _flaggable(kb) | set(kb.scenarios) | set(kb.condition_ids)
    for e in kb.raw.lists.get("findings", []):
        for target in e.value.concerns:
            if target not in concernable:
                kind = kb.kind_or_none(target)
                what = (f"a {kind}, which no assessment flags, so the finding would never show"
                        if kind else "defined nowhere")
                out.append(_problem("reference", f"finding {e.value.id}: concerns names "
                                    f"{target!r}, {what}{_hint(target, concernable)}", e.origin))
    return out


def _check_presets(kb: KnowledgeBase) -> list[Problem]:
    """A preset takes factors of real scenarios and sets real conditions, each one way."""
    out: list[Problem] = []
    conditions = set(kb.condition_ids)
    for e in kb.raw.lists.get("presets", []):
        p = e.value
        seen: dict[str, bool] = {}
        for sid in p.factors_of:
            if sid not in kb.scenarios:
                out.append(_problem("reference", f"preset {p.id}: factors_of names {sid!r}, "
                                    f"not a scenario{_hint(sid, kb.scenarios)}", e.origin))
            else:
                for f in kb.scenarios[sid].factors:
                    seen[f.id] = True
        for entry in p.set:
            if entry.condition not in conditions:
                out.append(_problem("reference", f"preset {p.id}: {entry.condition!r} is not a "
                                    f"condition{_hint(entry.condition, conditions)}", e.origin))
            elif seen.get(entry.condition, entry.value) != entry.value:
                out.append(_problem("reference", f"preset {p.id}: {entry.condition!r} is set "
                                    "both true and false", e.origin))
            seen[entry.condition] = entry.value
    return out


def _check_table(kb: KnowledgeBase) -> list[Problem]:
    """The partnership table: a row's programme exists; a cell's state and row exist."""
    out: list[Problem] = []
    for e in kb.raw.lists.get("rows", []):
        prog = e.value.programme
        if prog is not None and prog not in kb.programmes:
            out.append(_problem("reference", f"row {e.value.id}: programme {prog!r} is defined "
                                f"nowhere{_hint(prog, kb.programmes)}", e.origin))
    for e in kb.raw.lists.get("cells", []):
        c = e.value
        if c.state not in kb.states:
            out.append(_problem("reference", f"cell {c.state}/{c.row}: no state {c.state!r}"
                                f"{_hint(c.state, kb.states)}", e.origin))
        if c.row not in kb.rows:
            out.append(_problem("reference", f"cell {c.state}/{c.row}: no table row {c.row!r}"
                                f"{_hint(c.row, kb.rows)}", e.origin))
    return out


def _check_doctrines(kb: KnowledgeBase) -> list[Problem]:
    """A doctrine belongs to a stage that exists."""
    out: list[Problem] = []
    stage_ids = {s.id for s in kb.stages}
    for e in kb.raw.lists.get("doctrines", []):
        if e.value.stage not in stage_ids:
            out.append(_problem("reference", f"doctrine {e.value.id}: no stage "
                                f"{e.value.stage!r}{_hint(e.value.stage, stage_ids)}", e.origin))
    return out


def _check_decision(kb: KnowledgeBase) -> list[Problem]:
    """The decision rule's poles and default are scenarios, and the default is no pole."""
    out: list[Problem] = []
    dec = kb.raw.singletons["decision"]
    for sid in [*dec.value.poles, dec.value.default]:
        if sid not in kb.scenarios:
            out.append(_problem("reference", f"decision: {sid!r} is not a scenario"
                                f"{_hint(sid, kb.scenarios)}", dec.origin))
    if dec.value.default in dec.value.poles:
        out.append(_problem("reference", "decision: the default scenario cannot also be a pole",
                            dec.origin))
    if schema.UNDECIDED in kb.scenarios:
        out.append(_problem("reference", f"scenario ID {schema.UNDECIDED!r} is reserved: a "
                            "result names it when no scenario is implied; rename the scenario",
                            dec.origin))
    if dec.value.form == "count":
        for sid in dec.value.poles:
            size = len(kb.scenarios[sid].factors) if sid in kb.scenarios else None
            if size is not None and dec.value.threshold > size:
                out.append(_problem("never-holds", f"decision: a threshold of "
                                    f"{int(dec.value.threshold)} factors can never be reached "
                                    f"by {sid!r}, which has {size}; lower it", dec.origin))
    return out


def _worlds(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """For every fact, the scenarios under which it can hold (empty: never).

    Conditions can hold under any scenario; a scenario only under itself; an item
    under the scenarios in which some rule that flags it can fire. This catches a
    rule that needs an outcome of one scenario together with another scenario.
    """
    universe = frozenset(kb.scenarios)
    worlds: dict[str, frozenset[str]] = dict.fromkeys(kb.condition_ids, universe)
    worlds.update({s: frozenset({s}) for s in kb.scenarios})
    changed = True
    while changed:
        changed = False
        for rule in kb.rules:
            possible = _when_worlds(rule.when, worlds, universe)
            for target in rule.then:
                before = worlds.get(target, frozenset())
                if not possible <= before:
                    worlds[target] = before | possible
                    changed = True
    return worlds


def _when_worlds(
    when: expr.Expr, worlds: dict[str, frozenset[str]], universe: frozenset[str]
) -> frozenset[str]:
    """The scenarios under which ``when`` can hold, given what each fact can do."""
    out: frozenset[str] = frozenset()
    for conj in expr.dnf(when):
        positives = {lit for lit in conj if not lit.startswith(expr.NEGATION_PREFIX)}
        negatives = {lit.removeprefix(expr.NEGATION_PREFIX) for lit in conj
                     if lit.startswith(expr.NEGATION_PREFIX)}
        if positives & negatives:
            continue  # X and not X
        here = universe
        for lit in positives:
            here &= worlds.get(lit, frozenset())
        out |= here
    return out


def _check_reachability(kb: KnowledgeBase) -> list[Problem]:
    out: list[Problem] = []
    worlds = _worlds(kb)
    universe = frozenset(kb.scenarios)
    whenable = set(kb.ids())
    for rule in kb.rules:
        if not expr.refs(rule.when) <= whenable:
            continue  # reported as a reference problem
        if not _when_worlds(rule.when, worlds, universe):
            out.append(_problem("never-holds", f"rule {rule.id}: its `when` can never hold "
                                "(it asks for X and not X, two scenarios at once, or an item "
                                "that cannot hold together with the rest)",
                                kb.origins.get("rule:" + rule.id)))
    flagged = {t for r in kb.rules for t in r.then}
    for info in kb.items.values():
        if info.kind in FLAGGABLE and info.id not in flagged:
            out.append(_problem("unreachable", f"{info.kind} {info.id} ({info.label}) is flagged "
                                "by no rule; add a rule whose `then` names it", info.origin))
    used = {ref for r in kb.rules for ref in expr.refs(r.when)}
    for cond in kb.conditions.values():
        if cond.id not in used:
            out.append(_problem("unreachable", f"condition {cond.id} is used by no rule, so "
                                "asserting it could change nothing; add a rule or remove it",
                                kb.origins.get("condition:" + cond.id)))
        for target in cond.bears_on:
            backed = any(
                cond.id in expr.refs(r.when) and target in r.then for r in kb.rules
            )
            if target in kb.items and not backed:
                out.append(_problem("unreachable", f"condition {cond.id} says it bears on "
                                    f"{target}, but no rule links them",
                                    kb.origins.get("condition:" + cond.id)))
    return out


def _check_stages(kb: KnowledgeBase) -> list[Problem]:
    out: list[Problem] = []
    entries = kb.raw.lists.get("stages", [])
    ordinals = Counter(e.value.ordinal for e in entries)
    for e in entries:
        st = e.value
        if ordinals[st.ordinal] > 1:
            out.append(_problem("stages", f"stage {st.id}: ordinal {st.ordinal} is used twice",
                                e.origin))
        if st.end is not None and st.end < st.start:
            out.append(_problem("stages", f"stage {st.id}: ends ({st.end}) before it starts "
                                f"({st.start})", e.origin))
    origin = {e.value.id: e.origin for e in entries}
    for a, b in zip(kb.stages, kb.stages[1:], strict=False):
        if a.end != b.start:
            out.append(_problem("stages", f"stage {a.id} ends in {a.end} but the next stage "
                                f"{b.id} starts in {b.start}; stages must meet",
                                origin.get(b.id)))
    return out


def _check_sides(kb: KnowledgeBase) -> list[Problem]:
    """Sides are declared once, each word names one side, and every scenario's
    advantage goes to a declared side."""
    out: list[Problem] = []
    named: dict[str, str] = {}  # a side's words (lower case, single spaces) -> its ID
    for e in kb.raw.lists.get("sides", []):
        side = e.value
        if side.id in named.values():
            out.append(_problem("duplicate-id", f"side ID {side.id!r} is declared twice; "
                                "IDs must be unique, rename one", e.origin))
            continue
        for words in (side.id, side.label, *side.synonyms):
            key = " ".join(words.lower().split())
            other = named.setdefault(key, side.id)
            if other != side.id:
                out.append(_problem("sides", f"side {side.id}: {words!r} already names side "
                                    f"{other!r}; the words of each side must be its own",
                                    e.origin))
    for e in kb.raw.lists.get("scenarios", []):
        sc = e.value
        if sc.advantage.side not in kb.sides:
            declared = ", ".join(kb.sides) or "none yet"
            out.append(_problem("sides", f"scenario {sc.id}: the advantage goes to "
                                f"{sc.advantage.side!r}, which is not a declared side"
                                f"{_hint(sc.advantage.side, kb.sides)}; declare it under "
                                f"`sides:` (declared: {declared})", e.origin))
    return out


def validate(kb: KnowledgeBase) -> list[Problem]:
    """Every cross-check; an empty list means the knowledge base is consistent."""
    return [
        *_check_duplicates(kb),
        *_check_locators(kb),
        *_check_list_sizes(kb),
        *_check_rule_references(kb),
        *_check_bears_on(kb),
        *_check_presuppositions(kb),
        *_check_finding_concerns(kb),
        *_check_presets(kb),
        *_check_table(kb),
        *_check_doctrines(kb),
        *_check_decision(kb),
        *_check_reachability(kb),
        *_check_stages(kb),
        *_check_sides(kb),
    ]


@dataclass(frozen=True)
class Statistics:
    """What the rules reach: counts, items no rule flags, factors no item rule uses."""

    counts: dict[str, int]
    lists: list[tuple[str, int, int]]  # (section/list, expected, found)
    uncovered_items: list[str]
    factors_without_item_rule: list[str]
    stances: dict[str, int]


def statistics(kb: KnowledgeBase) -> Statistics:
    """Counts and gaps of a knowledge base (valid or not)."""
    kinds = Counter(info.kind for info in kb.items.values())
    counts = {
        "strengths": kinds["strength"], "weaknesses": kinds["weakness"],
        "opportunities": kinds["opportunity"], "threats": kinds["threat"],
        "rivalry consequences": kinds["rivalry"], "scenario outcomes": kinds["consequence"],
        "stimuli": kinds["stimulus"], "scenarios": len(kb.scenarios),
        "factors": len(kb.factors), "context conditions": len(kb.conditions),
        "rules": len(kb.rules), "presets": len(kb.presets), "stages": len(kb.stages),
        "programmes": len(kb.programmes), "milestones": len(kb.milestones),
        "findings": len(kb.findings),
        "table cells known": len(kb.cells),
        "table cells unknown": len(kb.states) * len(kb.rows) - len(kb.cells),
    }
    lists = []
    for sec in kb.sections.values():
        for lst in sec.lists:
            if lst.holds:
                entries = _collection(kb, lst.holds) or []
                lists.append((f"{sec.id}/{lst.id}", lst.size, len(entries)))
    flagged = {t for r in kb.rules for t in r.then}
    uncovered = [i for i, info in kb.items.items() if info.kind in FLAGGABLE and i not in flagged]
    used = {ref for r in kb.rules for ref in expr.refs(r.when)}
    bare = [f for f in kb.factors if f not in used]
    stances: dict[str, int] = dict(Counter(str(r.stance) for r in kb.rules))
    return Statistics(counts, lists, uncovered, bare, stances)
