"""The kzpolicy pytest plugin: the step library for Gherkin feature files.

Registered through ``[project.entry-points.pytest11]``, so a project with
``kzpolicy[bdd]`` installed can run feature files with kzpolicy's steps
(``kzpolicy.bdd.steps``) without a ``conftest.py``. Loading it costs nothing until a
step runs: it imports no engine and no model, and registers no marker (register the
tags your features use in your own pytest configuration).

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
