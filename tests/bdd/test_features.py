"""The feature files in features/ run as tests, on the step library of the kzpolicy plugin.

No step is defined or imported here: the steps come from the plugin that the
installed package registers (``kzpolicy.bdd.plugin``), as in any user's project.
"""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("../../features")
