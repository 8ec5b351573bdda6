"""Assessment: asserted conditions in, the implied scenario and flagged items out.

- ``conditions``: caller input, checked against the vocabulary;
- ``decision``: the scenario decision rule;
- ``network``: the rule network in strata, and what a firing is;
- ``durable``: the adapter, the only module that touches durable-rules;
- ``durable_engine``: a knowledge base's rules on it (the default engine);
- ``bitset``: the bitset engine (numpy; ``engine="bitset"``, alias ``"compiled"``);
- ``assess`` and ``batch``: the entry points;
- ``results``: the frozen result models and their explanation.

Imports only ``kzpolicy.kb`` and ``kzpolicy.errors``.
"""
