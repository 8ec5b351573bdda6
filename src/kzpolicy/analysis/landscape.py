"""The model over many inputs at once: the full landscape of factors, and Monte Carlo.

``landscape()`` accounts for all 2^F combinations of the F scenario factors (each
asserted true or false; the context conditions fixed by the caller): how many
combinations imply each scenario, how often each item is flagged, and each factor's
influence, the number of combinations in which switching that factor alone changes the
implied scenario. It counts them (``method="count"``, :mod:`kzpolicy.analysis.counting`:
the decision depends only on per-scenario factor counts, an item only on its cone of
rules) and evaluates them one by one (``method="enumerate"``) only where counting cannot
(an item whose rules read too many factors); the result says which it used.

``monte_carlo()`` draws each condition true with the probability the caller gives
(false otherwise) and estimates the probability of each scenario and each item, with
Wilson score confidence intervals and the seed that reproduces the run.

Both run on the compiled evaluator (``_compiled``), vectorised over inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt

from kzpolicy.analysis.counting import ConeTooLargeError, compiled, influence
from kzpolicy.engine.bitset import BitsetRules, Column, bitset, count
from kzpolicy.engine.conditions import ConditionInput, normalise, resolve
from kzpolicy.engine.results import ResultModel, trusted
from kzpolicy.errors import ArgumentTypeError, InputError, UnknownConditionError, expect
from kzpolicy.kb.kinds import ENGAGED_KINDS, FLAGGABLE, RISK_KINDS
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.schema import Locator

__all__ = [
    "MAX_FACTORS",
    "Estimate",
    "FactorInfluence",
    "ItemEstimate",
    "ItemFrequency",
    "Landscape",
    "MonteCarlo",
    "Progress",
    "enumerate_factors",
    "influence_counts",
    "landscape",
    "monte_carlo",
    "wilson",
]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each chunk of inputs."""
MAX_FACTORS = 26
"""Most factors a landscape enumerates (2^26 combinations, a 64 MB scenario array);
counting has no such limit."""
Method = Literal["auto", "count", "enumerate"]
_CHUNK_BITS = 18


class FactorInfluence(ResultModel):
    """How often switching one factor alone changes the implied scenario."""

    id: str
    scenario: str
    label: str
    locator: Locator
    changes: int
    """Combinations in which switching this factor alone changes the scenario."""
    share: float
    """``changes`` over all combinations."""


class ItemFrequency(ResultModel):
    """How many combinations flag (or engage) an item."""

    id: str
    kind: str
    label: str
    locator: Locator
    count: int
    share: float


class Landscape(ResultModel):
    """Every combination of the scenario factors, with the context held fixed."""

    kb_version: str
    context: dict[str, bool]
    factors: int
    combinations: int
    scenarios: dict[str, int]
    """Combinations implying each scenario."""
    scenario_shares: dict[str, float]
    influence: tuple[FactorInfluence, ...]
    items: tuple[ItemFrequency, ...]
    method: Literal["count", "enumerate"]
    """How the combinations were accounted for: counted, or evaluated one by one."""


class Estimate(ResultModel):
    """A probability estimated from samples, with its confidence interval."""

    probability: float
    low: float
    high: float
    count: int
    """Samples in which it held."""


class ItemEstimate(Estimate):
    """The estimated probability that an item is flagged (or engaged)."""

    id: str
    kind: str
    label: str
    locator: Locator


class MonteCarlo(ResultModel):
    """Scenario and item probabilities when conditions hold with given probabilities."""

    kb_version: str
    samples: int
    seed: int
    confidence: float
    probabilities: dict[str, float]
    fixed: dict[str, bool]
    scenarios: dict[str, Estimate]
    risks: tuple[ItemEstimate, ...]
    engaged: tuple[ItemEstimate, ...]


# ---------------------------------------------------------------------- landscape
def landscape_context(
    kb: KnowledgeBase, context: ConditionInput, preset: str | None
) -> dict[str, bool]:
    """The fixed context: a preset's context conditions overlaid with the caller's."""
    fixed = {c: v for c, v in resolve(kb, None, preset=preset).items() if c in kb.conditions}
    own = normalise(context, kb)
    for c in own:
        if c in kb.factors:
            raise InputError(
                f"{c!r} is a scenario factor; the landscape varies every factor, so fix only "
                f"context conditions (e.g. {next(iter(kb.conditions))!r})"
            )
    fixed.update(own)
    return fixed


def _literal_columns(
    context: Mapping[str, bool]
) -> tuple[dict[str, Column], dict[str, Column]]:
    true: dict[str, Column] = dict(context)
    false: dict[str, Column] = {c: not v for c, v in context.items()}
    return true, false


def enumerate_factors(
    engine: BitsetRules,
    fixed: Mapping[str, bool],
    free: list[str],
    *,
    chunk_bits: int = _CHUNK_BITS,
    progress: Progress | None = None,
) -> tuple[npt.NDArray[np.uint8], dict[str, int]]:
    """Evaluate all 2^len(free) combinations of the ``free`` conditions (true or false),
    with ``fixed`` asserted in each. Combination ``x`` has ``free[i]`` true exactly when
    bit ``i`` of ``x`` is set. Returns each combination's scenario index and how many
    combinations flag each flaggable item."""
    kb = engine.kb
    n = len(free)
    total = 1 << n
    low_bits = min(n, chunk_bits)
    chunk = 1 << low_bits
    x = np.arange(chunk, dtype=np.uint32)
    true, false = _literal_columns(fixed)
    for i in range(low_bits):  # the low conditions vary alike in every chunk
        col = ((x >> i) & 1).astype(np.bool_)
        true[free[i]], false[free[i]] = col, ~col
    flaggable = [i for i, info in kb.items.items() if info.kind in FLAGGABLE]
    item_counts = dict.fromkeys(flaggable, 0)
    scenario = np.empty(total, dtype=np.uint8)
    for start in range(0, total, chunk):
        for i in range(low_bits, n):  # the high conditions are constant within a chunk
            on = bool(start >> i & 1)
            true[free[i]], false[free[i]] = on, not on
        result = engine.evaluate(chunk, true, false)
        scenario[start:start + chunk] = result.scenario
        for item in flaggable:
            item_counts[item] += count(result.holds(item), chunk)
        if progress is not None:
            progress(start + chunk, total)
    return scenario, item_counts


def influence_counts(scenario: npt.NDArray[np.uint8], n: int) -> list[int]:
    """For each of ``n`` bits, the combinations in which flipping that bit alone changes
    the scenario (``scenario`` indexed by combination, as from ``enumerate_factors``)."""
    out = []
    for i in range(n):
        pairs = scenario.reshape(-1, 2, 1 << i)  # [:, 0, :] has bit i clear, [:, 1, :] set
        out.append(2 * int(np.count_nonzero(pairs[:, 0, :] != pairs[:, 1, :])))
    return out


def _counted(kb: KnowledgeBase, ctx: Mapping[str, bool], factors: list[str]
             ) -> tuple[list[int], list[int], dict[str, int]]:
    """Scenario counts, influence per factor and item counts, by counting."""
    counter = compiled(kb, tuple(factors), dict(ctx))
    ones = ([1] * len(factors), [1] * len(factors))
    scen = counter.scenarios(ones, exact=True, normalised=True)
    per_group = influence(counter)
    group_of = {f: n for n, g in enumerate(counter.groups) for f in
                (counter.uncertain[i] for i in g)}
    items = counter.items(ones, exact=True, scenarios=scen)
    return ([int(c) for c in scen], [int(per_group[group_of[f]]) for f in factors],
            {i: int(c) for i, c in items.items()})


def _enumerated(kb: KnowledgeBase, ctx: Mapping[str, bool], factors: list[str],
                progress: Progress | None) -> tuple[list[int], list[int], dict[str, int]]:
    n = len(factors)
    if n > MAX_FACTORS:
        raise InputError(f"the knowledge base has {n} factors; a landscape enumerates at most "
                         f"{MAX_FACTORS} (2^{MAX_FACTORS} combinations); use method='count'")
    engine = bitset(kb)
    scenario, item_counts = enumerate_factors(engine, ctx, factors, progress=progress)
    per_scenario = np.bincount(scenario, minlength=len(engine.scenario_ids))
    return ([int(c) for c in per_scenario], influence_counts(scenario, n), item_counts)


def landscape(
    context: ConditionInput = None,
    *,
    preset: str | None = None,
    kb: KnowledgeBase | None = None,
    progress: Progress | None = None,
    method: Method = "auto",
) -> Landscape:
    """Account for every combination of the scenario factors (each true or false).

    ``context`` fixes context conditions (not factors); ``preset`` contributes its
    context conditions (its factors vary like the others). ``method`` is ``"count"``
    (sum over factor counts and item cones), ``"enumerate"`` (evaluate each
    combination) or ``"auto"`` (count, enumerate only where counting cannot); both give
    the same numbers. ``progress(done, total)`` is called as combinations are
    accounted for.
    """
    expect("landscape", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    kb = knowledge_base("landscape", kb)
    if progress is not None and not callable(progress):
        raise ArgumentTypeError("landscape", "progress", "a callable progress(done, total)",
                                progress)
    expect("landscape", "method", method, str, "'auto', 'count' or 'enumerate'")
    if method not in ("auto", "count", "enumerate"):
        raise InputError(f"landscape: unknown method {method!r}; use 'auto', 'count' or "
                         "'enumerate'")
    ctx = landscape_context(kb, context, preset)
    factors = list(kb.factors)
    n = len(factors)
    total = 1 << n
    used: Literal["count", "enumerate"] = "enumerate"
    if method != "enumerate":
        try:
            per_scenario, changes, item_counts = _counted(kb, ctx, factors)
            used = "count"
            if progress is not None:
                progress(total // 2, total)
                progress(total, total)
        except ConeTooLargeError:
            if method == "count":
                raise
    if used == "enumerate":
        per_scenario, changes, item_counts = _enumerated(kb, ctx, factors, progress)
    influence_rows = []
    for f, c in zip(factors, changes, strict=True):
        info = kb.factors[f]
        influence_rows.append(trusted(FactorInfluence, id=f, scenario=info.scenario,
                                      label=info.factor.label, locator=info.factor.locator,
                                      changes=c, share=c / total))
    ids = tuple(kb.scenarios)
    return trusted(
        Landscape,
        kb_version=kb.version,
        context=dict(ctx),
        factors=n,
        combinations=total,
        scenarios=dict(zip(ids, per_scenario, strict=True)),
        scenario_shares={s: c / total for s, c in zip(ids, per_scenario, strict=True)},
        influence=tuple(influence_rows),
        items=tuple(
            trusted(ItemFrequency, id=i, kind=kb.items[i].kind, label=kb.items[i].label,
                    locator=kb.items[i].locator, count=c, share=c / total)
            for i, c in item_counts.items()
        ),
        method=used,
    )


# ---------------------------------------------------------------------- Monte Carlo
def _check_probabilities(kb: KnowledgeBase, probabilities: object) -> dict[str, float]:
    if not isinstance(probabilities, Mapping):
        raise InputError("probabilities must be a mapping {condition ID: probability}, not "
                         f"{type(probabilities).__name__}")
    out: dict[str, float] = {}
    for key, value in probabilities.items():
        if not isinstance(key, str):
            raise InputError(f"a condition ID must be a string, got {key!r}")
        if key not in kb.factors and key not in kb.conditions:
            raise UnknownConditionError(key, kb.condition_ids)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"the probability of {key!r} must be a number from 0 to 1, got "
                             f"{value!r} ({type(value).__name__})")
        if not 0.0 <= float(value) <= 1.0:  # also rejects NaN
            raise InputError(f"the probability of {key!r} must be from 0 to 1, got {value!r}")
        out[key] = float(value)
    return out


def wilson(hits: int, n: int, confidence: float) -> tuple[float, float]:
    """The Wilson score interval of ``hits`` successes in ``n`` trials."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == n else min(1.0, centre + half)
    return low, high


def _estimate(hits: int, n: int, confidence: float) -> Estimate:
    low, high = wilson(hits, n, confidence)
    return Estimate(probability=hits / n, low=low, high=high, count=hits)


def _sample(engine: BitsetRules, fixed: Mapping[str, bool], probs: Mapping[str, float],
            order: list[str], samples: int, rng: np.random.Generator,
            progress: Progress | None) -> tuple[npt.NDArray[np.int64], dict[str, int]]:
    kb = engine.kb
    flaggable = [i for i, info in kb.items.items() if info.kind in FLAGGABLE]
    hits = dict.fromkeys(flaggable, 0)
    scen = np.zeros(len(engine.scenario_ids), dtype=np.int64)
    true, false = _literal_columns(fixed)
    p = np.array([probs[c] for c in order], dtype=np.float64).reshape(-1, 1)
    size = 1 << _CHUNK_BITS
    for start in range(0, samples, size):
        n = min(size, samples - start)
        drawn = rng.random((len(order), n)) < p
        for j, c in enumerate(order):
            true[c], false[c] = drawn[j], ~drawn[j]
        result = engine.evaluate(n, true, false)
        scen += np.bincount(result.scenario, minlength=len(scen))
        for item in flaggable:
            hits[item] += count(result.holds(item), n)
        if progress is not None:
            progress(start + n, samples)
    return scen, hits


def monte_carlo(
    probabilities: Mapping[str, float],
    *,
    fixed: ConditionInput = None,
    preset: str | None = None,
    samples: int = 100_000,
    seed: int | None = None,
    confidence: float = 0.95,
    kb: KnowledgeBase | None = None,
    progress: Progress | None = None,
) -> MonteCarlo:
    """Estimate scenario and item probabilities by sampling.

    Each condition in ``probabilities`` is asserted true with its probability and
    false otherwise, independently per sample. ``fixed`` (overlaid on ``preset``)
    asserts conditions in every sample; a probability overrides a preset's value.
    Conditions in neither stay unknown. The result carries the ``seed`` (drawn at
    random when not given): the same seed, samples and inputs give the same result.
    """
    expect("monte_carlo", "preset", preset, str, "a preset ID (see 'kzpolicy list presets')",
           optional=True)
    kb = knowledge_base("monte_carlo", kb)
    expect("monte_carlo", "samples", samples, int, "a positive whole number")
    expect("monte_carlo", "seed", seed, int, "a whole number (or None for a random seed)",
           optional=True)
    expect("monte_carlo", "confidence", confidence, (int, float), "a number between 0 and 1")
    if progress is not None and not callable(progress):
        raise ArgumentTypeError("monte_carlo", "progress", "a callable progress(done, total)",
                                progress)
    probs = _check_probabilities(kb, probabilities)
    own = normalise(fixed, kb)
    clash = sorted(set(own) & set(probs))
    if clash:
        raise InputError(f"{clash[0]!r} is both fixed and given a probability; give one")
    base = {c: v for c, v in resolve(kb, own, preset=preset).items() if c not in probs}
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InputError(f"samples must be a positive whole number, got {samples!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not (
        0.0 < confidence < 1.0
    ):
        raise InputError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)
        seed = entropy % (1 << 63)
    elif isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"seed must be a non-negative whole number, got {seed!r}")
    engine = bitset(kb)
    order = [c for c in kb.condition_ids if c in probs]
    scen, hits = _sample(engine, base, probs, order, samples, np.random.default_rng(seed),
                         progress)

    def items(kinds: tuple[str, ...]) -> tuple[ItemEstimate, ...]:
        return tuple(
            ItemEstimate(id=i, kind=kb.items[i].kind, label=kb.items[i].label,
                         locator=kb.items[i].locator,
                         **_estimate(h, samples, confidence).model_dump())
            for i, h in hits.items() if kb.items[i].kind in kinds
        )

    return MonteCarlo(
        kb_version=kb.version,
        samples=samples,
        seed=seed,
        confidence=float(confidence),
        probabilities={c: probs[c] for c in order},
        fixed=base,
        scenarios={s: _estimate(int(c), samples, confidence)
                   for s, c in zip(engine.scenario_ids, scen, strict=True)},
        risks=items(RISK_KINDS),
        engaged=items(ENGAGED_KINDS),
    )
