"""Monte Carlo: scenario and item probabilities estimated by sampling.

``monte_carlo()`` draws each believed condition true with its probability (false
otherwise, independently per sample; beliefs as in :mod:`kzpolicy.analysis.beliefs`),
evaluates the samples on the bitset engine in chunks, and estimates the probability of
each scenario and each item with Wilson score confidence intervals (:func:`wilson`). The
result carries the seed that reproduces the run. For the exact probabilities of the same
model, see :mod:`kzpolicy.analysis.probabilities`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from kzpolicy.analysis.beliefs import Beliefs, check_beliefs, fixed_beside, in_condition_order
from kzpolicy.analysis.budget import checkpoint
from kzpolicy.analysis.landscape import CHUNK_BITS, Progress, literal_columns
from kzpolicy.engine.bitset import BitsetRules, bitset, count
from kzpolicy.engine.conditions import ConditionInput
from kzpolicy.engine.display import Displayed
from kzpolicy.engine.results import ResultModel
from kzpolicy.errors import ArgumentTypeError, InputError, expect
from kzpolicy.kb.kinds import ENGAGED_KINDS, FLAGGABLE, OUTCOME_KINDS, RISK_KINDS
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.loading import knowledge_base
from kzpolicy.kb.reading import ReadingSpec
from kzpolicy.kb.schema import Locator

__all__ = ["Estimate", "ItemEstimate", "MonteCarlo", "monte_carlo", "wilson"]


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


class MonteCarlo(ResultModel, Displayed):
    """Scenario and item probabilities when conditions hold with given probabilities."""

    kb_version: str
    reading: str
    """The reading it was made under (``article``: the knowledge base as written)."""
    samples: int
    seed: int
    confidence: float
    probabilities: dict[str, float]
    fixed: dict[str, bool]
    scenarios: dict[str, Estimate]
    outcomes: tuple[ItemEstimate, ...]
    """The scenarios' outcomes: each is reached when its scenario is implied."""
    risks: tuple[ItemEstimate, ...]
    engaged: tuple[ItemEstimate, ...]


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
            order: tuple[str, ...], samples: int, rng: np.random.Generator,
            progress: Progress | None) -> tuple[npt.NDArray[np.int64], dict[str, int]]:
    """Per scenario, the samples implying it; per flaggable item, the samples flagging it."""
    kb = engine.kb
    flaggable = [i for i, info in kb.items.items() if info.kind in FLAGGABLE]
    hits = dict.fromkeys(flaggable, 0)
    scen = np.zeros(len(engine.scenario_ids), dtype=np.int64)
    true, false = literal_columns(fixed)
    p = np.array([probs[c] for c in order], dtype=np.float64).reshape(-1, 1)
    size = 1 << CHUNK_BITS
    for start in range(0, samples, size):
        checkpoint()  # a quarter of a million samples between checks
        n = min(size, samples - start)
        drawn = rng.random((len(order), n)) < p
        for j, c in enumerate(order):
            true[c], false[c] = drawn[j], ~drawn[j]
        result = engine.evaluate(n, true, false)
        scen += np.bincount(result.scenario, minlength=len(scen))
        for item in flaggable:
            hits[item] += count(result.flagged(item), n)
        if progress is not None:
            progress(start + n, samples)
    return scen, hits


def _expect_run(samples: object, seed: object, confidence: object, progress: object) -> None:
    """The types of the run's arguments."""
    expect("monte_carlo", "samples", samples, int, "a positive whole number")
    expect("monte_carlo", "seed", seed, int, "a whole number (or None for a random seed)",
           optional=True)
    expect("monte_carlo", "confidence", confidence, (int, float), "a number between 0 and 1")
    if progress is not None and not callable(progress):
        raise ArgumentTypeError("monte_carlo", "progress", "a callable progress(done, total)",
                                progress)


def _run_seed(samples: int, seed: int | None, confidence: float) -> int:
    """The values of the run's arguments checked (their types are); the seed to run
    with, drawn at random when not given."""
    if samples < 1:
        raise InputError(f"samples must be a positive whole number, got {samples!r}")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)
        return entropy % (1 << 63)
    if seed < 0:
        raise InputError(f"seed must be a non-negative whole number, got {seed!r}")
    return seed


def _item_estimates(kb: KnowledgeBase, hits: Mapping[str, int], samples: int,
                    confidence: float, kinds: tuple[str, ...]) -> tuple[ItemEstimate, ...]:
    """The estimates of the items of ``kinds``, in the knowledge base's order."""
    return tuple(
        ItemEstimate(id=i, kind=kb.items[i].kind, label=kb.items[i].label,
                     locator=kb.items[i].locator,
                     **_estimate(h, samples, confidence).model_dump())
        for i, h in hits.items() if kb.items[i].kind in kinds
    )


def monte_carlo(
    probabilities: Beliefs,
    *,
    fixed: ConditionInput = None,
    preset: str | None = None,
    samples: int = 100_000,
    seed: int | None = None,
    confidence: float = 0.95,
    kb: KnowledgeBase | None = None,
    progress: Progress | None = None,
    reading: ReadingSpec = None,
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
    kb = knowledge_base("monte_carlo", kb, reading)
    _expect_run(samples, seed, confidence, progress)
    beliefs = check_beliefs("monte_carlo", "probabilities", kb, probabilities)
    base = fixed_beside(kb, beliefs, fixed, preset)
    seed = _run_seed(samples, seed, confidence)
    order = in_condition_order(kb, beliefs)
    probs = {c: float(beliefs[c]) for c in order}
    engine = bitset(kb)
    scen, hits = _sample(engine, base, probs, order, samples, np.random.default_rng(seed),
                         progress)
    return MonteCarlo(
        kb_version=kb.version,
        reading=kb.reading,
        samples=samples,
        seed=seed,
        confidence=float(confidence),
        probabilities=probs,
        fixed=base,
        scenarios={s: _estimate(int(c), samples, confidence)
                   for s, c in zip(engine.scenario_ids, scen, strict=True)},
        outcomes=_item_estimates(kb, hits, samples, confidence, OUTCOME_KINDS),
        risks=_item_estimates(kb, hits, samples, confidence, RISK_KINDS),
        engaged=_item_estimates(kb, hits, samples, confidence, ENGAGED_KINDS),
    )
