"""Gherkin support: the pytest plugin, the step library and feature coverage.

``plugin`` (the pytest11 entry point), ``steps`` (the step library),
``registry`` (``STEP_LIBRARY``: every step, described, and the nearest ones to a
text), ``world`` (one scenario's state), ``fields`` (typed step fields),
``step_docs`` (the step list in docs/steps.md), ``feature_coverage``.
"""
