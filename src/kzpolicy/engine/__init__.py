"""Assessment: asserted conditions in, the implied scenario and flagged items out.

- ``conditions``: caller input, checked against the vocabulary;
- ``decision``: the scenario decision rule, once, for one input or arrays of them;
- ``network``: the rule network: productions (computed once), strata, firings;
- ``engines``: the engine names and the engine that runs a knowledge base's rules;
- ``durable/``: the durable-rules engine (the default): its limits, the adapter (the only
  module that touches durable-rules) and a knowledge base's rules on it;
- ``bitset``: the bitset engine (numpy for many inputs only; ``engine="bitset"``, alias
  ``"compiled"``);
- ``assess``: the entry point (resolve, decide, fire, build);
- ``build`` and ``results``: the Assessment built from firings, and the frozen result
  models with their deferred parts;
- ``batch/``: ``assess_many`` and its columnar ``Batch`` (inputs, export).

Imports only ``kzpolicy.kb`` and ``kzpolicy.errors``.
"""
