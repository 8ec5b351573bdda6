"""Analysis over many assessments, one method per module:

- :mod:`~kzpolicy.analysis.whatif`: ``what_if`` (before and after a change) and
  ``tipping_points`` (the fewest factor changes that switch the scenario);
- :mod:`~kzpolicy.analysis.landscape`: ``landscape``, every combination of the scenario
  factors, counted or enumerated;
- :mod:`~kzpolicy.analysis.montecarlo`: ``monte_carlo``, probabilities estimated by
  sampling, with Wilson intervals (``wilson``);
- :mod:`~kzpolicy.analysis.probabilities`: ``probabilities``, the exact probabilities;
- :mod:`~kzpolicy.analysis.sensitivity`: ``sensitivity``, how much each belief moves them.

Beside them: :mod:`~kzpolicy.analysis.beliefs` reads the beliefs (a probability per
condition) of the last three, and :mod:`~kzpolicy.analysis.counting` is the weighted
model counting (``FactorCounter``) behind the exact methods and the counting landscape.

Built on the bitset engine (numpy); loaded only when one of them is first used.
"""
