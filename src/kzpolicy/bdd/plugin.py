"""The kzpolicy pytest plugin: the step library for Gherkin feature files.

Registered through ``[project.entry-points.pytest11]``, so a project with
``kzpolicy[bdd]`` installed can run feature files with kzpolicy's steps
(``kzpolicy.bdd.steps``) without a ``conftest.py``. Loading it costs nothing until a
step runs: it imports no engine and no model.

It registers kzpolicy's feature tags (:mod:`kzpolicy.bdd.tags`, the tags of
docs/steps.md) as pytest markers, so ``--strict-markers`` (or ``strict = true``) stays
on for features that use them; it does so only in a run that collects a test module
using pytest-bdd, just before that module is imported, so a project without feature
files sees no marker of kzpolicy's (``pytest --markers``) and pays nothing. Register any
other tag your features use in your own pytest configuration.

- ``pytest -p no:kzpolicy`` switches it off;
- a step with the same text in a project's ``conftest.py`` or test module
  overrides kzpolicy's (pytest's usual fixture overriding);
- without pytest-bdd (kzpolicy installed without the ``bdd`` extra) it adds only
  two fixtures, ``kzpolicy_kb`` and ``kzpolicy_world``, which fail with the
  install command when a test asks for them; pytest itself runs as usual.

With plugin autoloading disabled (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``), load it
with ``-p kzpolicy.bdd.plugin``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

MISSING = (
    "kzpolicy's step library needs pytest-bdd, which is not installed: "
    "pip install 'kzpolicy[bdd]'"
)


def _have_pytest_bdd() -> bool:
    try:
        return importlib.util.find_spec("pytest_bdd") is not None
    except (ImportError, ValueError):
        return False


if _have_pytest_bdd():
    #: the step library, registered as a plugin next to this one
    pytest_plugins = ["kzpolicy.bdd.steps", "kzpolicy.bdd.reasoning_steps"]
else:

    @pytest.fixture
    def kzpolicy_kb() -> None:
        """Stands in for the step library's fixture: says what to install."""
        pytest.fail(MISSING, pytrace=False)

    @pytest.fixture
    def kzpolicy_world() -> None:
        """Stands in for the step library's fixture: says what to install."""
        pytest.fail(MISSING, pytrace=False)


#: set in a configuration once its markers include kzpolicy's tags
_REGISTERED = pytest.StashKey[bool]()


def _uses_pytest_bdd(path: Path) -> bool:
    try:
        return "pytest_bdd" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Before the first test module that uses pytest-bdd is imported (its scenarios mark
    their tests with the features' tags), register kzpolicy's tags as markers."""
    config = collector.config
    if config.stash.get(_REGISTERED, False) or not isinstance(collector, pytest.Module):
        return
    if not _uses_pytest_bdd(collector.path):
        return
    from kzpolicy.bdd.tags import TAGS

    config.stash[_REGISTERED] = True
    known = {line.split(":")[0].strip() for line in config.getini("markers")}
    for tag, meaning in TAGS.items():
        if tag not in known:
            config.addinivalue_line("markers", f"{tag}: {meaning} (kzpolicy's feature tag)")
