"""Assessment: asserted conditions in, the implied scenario and flagged items out.

- ``conditions``: caller input, checked against the vocabulary;
- ``decision``: the scenario decision rule;
- ``network``: the rule network in strata, and what a firing is;
- ``durable``: the adapter, the only module that touches durable-rules;
- ``durable_engine``: a knowledge base's rules on it (the default engine);
- ``bitset``: the bitset engine (numpy; ``engine="bitset"``, alias ``"compiled"``);
- ``assess`` and ``batch``: the entry points;
- ``columns``, ``batch_input``, ``batch_export``: the columnar ``Batch`` of
  ``assess_many``, its input as rows or columns, its Arrow / pandas export;
- ``results``: the frozen result models and their explanation.

Imports only ``kzpolicy.kb`` and ``kzpolicy.errors``.
"""
