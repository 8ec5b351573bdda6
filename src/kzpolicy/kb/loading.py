"""Loading a knowledge base: the stock rules/ shipped with kzpolicy, or a user's copy.

``load()`` returns the stock knowledge base (read once per process and shared);
``load(path)`` reads a user's folder, changed or extended. Both run every check.
"""

from __future__ import annotations

import functools
import weakref
from importlib import resources
from pathlib import Path

from kzpolicy.errors import InputError, Problem, ValidationError, expect
from kzpolicy.kb.checks import validate
from kzpolicy.kb.folder import read_folder
from kzpolicy.kb.knowledge import KnowledgeBase
from kzpolicy.kb.limits import DEFAULT_LIMITS, ReadingLimits, using

__all__ = ["check", "knowledge_base", "knowledge_base_of", "load", "stock_rules_path"]


def stock_rules_path() -> Path:
    """Where the stock rules/ lives: inside the installed wheel, or the source checkout."""
    packaged = resources.files("kzpolicy") / "_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / "rules"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        "kzpolicy's stock rules/ folder is missing from this installation; reinstall kzpolicy"
    )


def load(path: str | Path | None = None, *, limits: ReadingLimits | None = None
         ) -> KnowledgeBase:
    """Load and validate a knowledge base; the stock one when ``path`` is None.

    ``limits`` bounds the reading (file size, nesting depth, conjunctions per `when`);
    None means the defaults of :class:`~kzpolicy.ReadingLimits`. Raises RulesFileError
    for an unreadable or too large file and ValidationError listing every problem
    otherwise.
    """
    expect("load", "path", path, (str, Path), "a path to a rules/ folder (str or Path)",
           optional=True)
    expect("load", "limits", limits, ReadingLimits, "a kzpolicy.ReadingLimits",
           optional=True)
    _not_empty("load", path)
    if path is None and limits in (None, DEFAULT_LIMITS):
        return _stock()  # read once per process, with the default limits
    return _load(stock_rules_path() if path is None else Path(path), limits)


def check(path: str | Path | None = None, *, limits: ReadingLimits | None = None
          ) -> list[Problem]:
    """Every problem of a rules/ folder (the stock one when ``path`` is None), without
    raising: an empty list means :func:`load` with the same ``limits`` would succeed.

    Only a folder that cannot be read at all (missing, or with no YAML file) raises
    :class:`~kzpolicy.RulesFileError`.
    """
    expect("check", "path", path, (str, Path), "a path to a rules/ folder (str or Path)",
           optional=True)
    expect("check", "limits", limits, ReadingLimits, "a kzpolicy.ReadingLimits",
           optional=True)
    _not_empty("check", path)
    root = stock_rules_path() if path is None else Path(path)
    with using(limits):
        raw, problems = read_folder(root, collect=True)
    if problems:
        return list(problems)
    return list(validate(KnowledgeBase(raw)))


def _not_empty(where: str, path: str | Path | None) -> None:
    """An empty path would read the working folder: refuse it (None is the stock one)."""
    if isinstance(path, str) and not path.strip():
        raise InputError(f"{where}: path is empty; give a rules/ folder, or None for the "
                         "stock rules")


def _load(root: Path, limits: ReadingLimits | None = None) -> KnowledgeBase:
    with using(limits):
        raw, problems = read_folder(root)
    if problems:
        raise ValidationError(problems)
    kb = KnowledgeBase(raw)
    problems = validate(kb)
    if problems:
        raise ValidationError(problems)
    _LOADED[kb.version] = kb
    return kb


#: every knowledge base loaded in this process and still alive, by version
_LOADED: weakref.WeakValueDictionary[str, KnowledgeBase] = weakref.WeakValueDictionary()


def knowledge_base(where: str, kb: object) -> KnowledgeBase:
    """The ``kb`` argument of a public call: a KnowledgeBase, or None for the stock one."""
    expect(where, "kb", kb, KnowledgeBase, "a KnowledgeBase (from kzpolicy.load)",
           optional=True)
    return kb if isinstance(kb, KnowledgeBase) else load()


def knowledge_base_of(version: str) -> KnowledgeBase:
    """The loaded knowledge base whose content hash is ``version`` (results carry it)."""
    found = _LOADED.get(version)
    if found is not None:
        return found
    stock = load()
    if stock.version == version:
        return stock
    raise InputError(
        f"this result came from knowledge base {version}, which is not loaded in this "
        f"process (the stock one is {stock.version}); load its rules folder with "
        "kzpolicy.load(path) first"
    )


@functools.lru_cache(maxsize=1)
def _stock() -> KnowledgeBase:
    return _load(stock_rules_path())
