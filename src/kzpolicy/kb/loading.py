"""Loading a knowledge base: the stock rules/ shipped with kzpolicy, or a user's copy.

``load()`` returns the stock knowledge base (read once per process and shared);
``load(path)`` reads a user's folder, changed or extended. Both run every check.
``reading=`` (here and in every public call, through :func:`knowledge_base`) applies
readings to it (:mod:`kzpolicy.kb.reading`).
"""

from __future__ import annotations

import dataclasses
import functools
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from kzpolicy.errors import InputError, KzPolicyError, Problem, ValidationError, expect
from kzpolicy.kb import cache
from kzpolicy.kb.folder import read_folder
from kzpolicy.kb.gcpause import gc_paused
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.limits import DEFAULT_LIMITS, ReadingLimits, using

if TYPE_CHECKING:  # the readings (their models, the checks) load when one is asked for
    from kzpolicy.kb.reading import Reading, ReadingCheck, ReadingSpec

__all__ = ["available_readings", "check", "check_readings", "knowledge_base",
           "knowledge_base_of", "load", "read_as", "reading_problems", "stock_rules_path"]


def stock_rules_path() -> Path:
    """Where the stock rules/ lives: inside the installed wheel, or the source checkout."""
    packaged = Path(__file__).parent.parent / "_rules"  # as importlib.resources finds it
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "rules"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        "kzpolicy's stock rules/ folder is missing from this installation; reinstall kzpolicy"
    )


def load(path: str | Path | None = None, *, limits: ReadingLimits | None = None,
         reading: ReadingSpec = None) -> KnowledgeBase:
    """Load and validate a knowledge base; the stock one when ``path`` is None.

    ``limits`` bounds the reading of the files (file size, nesting depth, conjunctions per
    `when`); None means the defaults of :class:`~kzpolicy.ReadingLimits`. ``reading``
    applies readings to it (a name of its folder's ``readings/`` or the stock ones, names
    joined by ``+``, a reading file, a :class:`~kzpolicy.Reading`, or a list of these).
    Raises RulesFileError for an unreadable or too large file and ValidationError listing
    every problem otherwise.
    """
    expect("load", "path", path, (str, Path), "a path to a rules/ folder (str or Path)",
           optional=True)
    expect("load", "limits", limits, ReadingLimits, "a kzpolicy.ReadingLimits",
           optional=True)
    _not_empty("load", path)
    if path is None and limits in (None, DEFAULT_LIMITS):
        base = _stock()  # read once per process, with the default limits
    else:
        base = _load(stock_rules_path() if path is None else Path(path), limits)
    return read_as("load", base, reading)


def read_as(where: str, base: KnowledgeBase, reading: object) -> KnowledgeBase:
    """``base`` under the readings ``reading`` names (``where`` names the call in errors);
    the result is made once per base and reading, and found again by its version."""
    if reading is None:
        return base
    from kzpolicy.kb.reading import apply, resolve_readings

    found = resolve_readings(where, reading, _reading_folders(base))
    kb = apply(base, found)
    _register(kb)
    return kb


def available_readings(kb: KnowledgeBase) -> dict[str, Reading]:
    """The readings a name can pick for ``kb``, by ID: its folder's ``readings/``, then
    the stock ones."""
    from kzpolicy.kb.reading import stock_names

    return stock_names(_reading_folders(kb))


def _reading_folders(kb: KnowledgeBase) -> list[Path]:
    """Where reading names are looked up: the knowledge base's folder, then the stock one."""
    stock = stock_rules_path()
    return [kb.path] if kb.path.resolve() == stock.resolve() else [kb.path, stock]


def check(path: str | Path | None = None, *, limits: ReadingLimits | None = None,
          reading: ReadingSpec = None) -> list[Problem]:
    """Every problem of a rules/ folder (the stock one when ``path`` is None) and of the
    readings of its ``readings/``, without raising: an empty list means :func:`load` with
    the same ``limits`` would succeed, and so would each of its readings. ``reading``
    checks other readings too (names, files or :class:`~kzpolicy.Reading`).

    Only a folder that cannot be read at all (missing, or with no YAML file) raises
    :class:`~kzpolicy.RulesFileError`.
    """
    expect("check", "path", path, (str, Path), "a path to a rules/ folder (str or Path)",
           optional=True)
    expect("check", "limits", limits, ReadingLimits, "a kzpolicy.ReadingLimits",
           optional=True)
    _not_empty("check", path)
    root = stock_rules_path() if path is None else Path(path)
    from kzpolicy.kb.checks import validate

    with using(limits), gc_paused():  # as _load
        raw, problems = read_folder(root, collect=True)
        if problems:
            return list(problems)
        kb = KnowledgeBase(raw)
        found = list(validate(kb))
    return found or reading_problems(kb, reading)


def reading_problems(kb: KnowledgeBase, reading: ReadingSpec = None) -> list[Problem]:
    """The problems of the readings of ``kb``'s folder and of ``reading``, each reading
    checked against ``kb``."""
    checked, problems = check_readings(kb, reading)
    return [*problems, *(p for _, found in checked for p in found.problems)]


def check_readings(kb: KnowledgeBase, reading: ReadingSpec = None
                   ) -> tuple[list[tuple[Reading, ReadingCheck]], list[Problem]]:
    """Each reading of ``kb``'s folder (then those ``reading`` names) checked against
    ``kb``, and the problems of the reading files that do not read."""
    from kzpolicy.kb.reading import check_reading, readings_in, resolve_readings

    own, problems = readings_in(kb.path)
    more = resolve_readings("check", reading, _reading_folders(kb))
    return [(r, check_reading(kb, r)) for r in [*own.values(), *more]], list(problems)


def _not_empty(where: str, path: str | Path | None) -> None:
    """An empty path would read the working folder: refuse it (None is the stock one)."""
    if isinstance(path, str) and not path.strip():
        raise InputError(f"{where}: path is empty; give a rules/ folder, or None for the "
                         "stock rules")


def _load(root: Path, limits: ReadingLimits | None = None) -> KnowledgeBase:
    """Read and check folder ``root``, or find it read and checked in the cache
    (:mod:`kzpolicy.kb.cache`) when nothing in it has changed."""
    in_force = limits or DEFAULT_LIMITS
    key = cache.entry_key(root, in_force, in_force.file_bytes) if cache.enabled() else None
    found = cache.read(key) if key is not None else None
    if found is not None:  # read where it is now, under the name given now
        kb = KnowledgeBase(dataclasses.replace(found, root=root))
    else:
        from kzpolicy.kb.checks import validate

        # reading makes a million objects and few cycles: the collector, paused, would
        # otherwise walk them again and again (a third of the time of a large folder)
        with using(limits), gc_paused():
            raw, problems = read_folder(root)
            if problems:
                raise ValidationError(problems)
            kb = KnowledgeBase(raw)
            problems = validate(kb)
        if problems:
            raise ValidationError(problems)
        if key is not None:
            cache.write(key, raw)
    _register(kb)
    return kb


#: every knowledge base loaded in this process and still alive, by version: the same
#: rules loaded twice are two objects of one version, any of which serves a result (one
#: alone kept would be lost with it while the other is still in use). No lock: a dict's
#: setdefault and a WeakSet's add and iteration are each safe under threads.
_LOADED: dict[str, weakref.WeakSet[KnowledgeBase]] = {}


def _register(kb: KnowledgeBase) -> None:
    _LOADED.setdefault(kb.version, weakref.WeakSet()).add(kb)


def _loaded(version: str) -> KnowledgeBase | None:
    """A knowledge base of ``version`` loaded and still alive, if any."""
    found = _LOADED.get(version)
    return next(iter(found), None) if found else None  # the first alive, not a copy of all


def knowledge_base(where: str, kb: object, reading: object = None) -> KnowledgeBase:
    """The ``kb`` argument of a public call (a KnowledgeBase, or None for the stock one)
    under its ``reading`` argument (None: as it is)."""
    expect(where, "kb", kb, KnowledgeBase, "a KnowledgeBase (from kzpolicy.load)",
           optional=True)
    return read_as(where, kb if isinstance(kb, KnowledgeBase) else load(), reading)


def knowledge_base_of(version: str) -> KnowledgeBase:
    """The loaded knowledge base whose content hash is ``version`` (results carry it)."""
    found = _loaded(version)
    if found is not None:
        return found
    stock = load()
    if stock.version == version:
        return stock
    again = _stock_reading(stock, version)
    if again is not None:
        return again
    raise InputError(
        f"this result came from knowledge base {version}, which is not loaded in this "
        f"process (the stock one is {stock.version}); load its rules folder with "
        "kzpolicy.load(path) first"
    )


def _stock_reading(stock: KnowledgeBase, version: str) -> KnowledgeBase | None:
    """The stock knowledge base under the stock readings ``version`` names, if that makes
    ``version`` (a result made in another process travels by version)."""
    base, *parts = version.split("+")
    if base != stock.version or not parts:
        return None
    names = [p.split(".", 1)[0] for p in parts]
    try:
        kb = read_as("knowledge_base_of", stock, "+".join(names))
    except KzPolicyError:
        return None
    return kb if kb.version == version else None


@functools.lru_cache(maxsize=1)
def _stock() -> KnowledgeBase:
    return _load(stock_rules_path())
