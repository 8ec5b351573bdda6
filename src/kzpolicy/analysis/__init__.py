"""Analysis over many assessments, one method per module:

- :mod:`~kzpolicy.analysis.whatif`: ``what_if`` (before and after a change);
- :mod:`~kzpolicy.analysis.tipping`: ``tipping_points`` (the fewest factor changes that
  switch the scenario, compactly);
- :mod:`~kzpolicy.analysis.landscape`: ``landscape``, every combination of the scenario
  factors, counted or enumerated;
- :mod:`~kzpolicy.analysis.montecarlo`: ``monte_carlo``, probabilities estimated by
  sampling, with Wilson intervals (``wilson``);
- :mod:`~kzpolicy.analysis.probabilities`: ``probabilities``, the exact probabilities;
- :mod:`~kzpolicy.analysis.sensitivity`: ``sensitivity``, how much each belief moves them;
- :mod:`~kzpolicy.analysis.whynot`: ``why_not``, every route that could bring an item;
- :mod:`~kzpolicy.analysis.counterfactuals`: ``counterfactuals``, the minimal sets of
  changes that flag or clear an item, imply or leave a scenario;
- :mod:`~kzpolicy.analysis.stability`: ``stability``, what is settled, what is open on
  which unknowns, and what to find out next.

Beside them: :mod:`~kzpolicy.analysis.beliefs` reads the beliefs (a probability per
condition) of the probabilistic methods, :mod:`~kzpolicy.analysis.cones` is what an
item's status depends on (its cone) and that status over a grid of cells,
:mod:`~kzpolicy.analysis.counting` the weighted model counting (``FactorCounter``) behind
the exact methods and the counting landscape, and :mod:`~kzpolicy.analysis.bounds` the
budget every search runs under.

Built on the bitset engine (numpy); loaded only when one of them is first used.
"""
