"""The durable-rules engine (the Rete engine, ``engine="durable"``), all of it in one place.

- ``limits``: what durable-rules 2.0.28 can run correctly, and which of those limits a
  knowledge base exceeds (importing it loads no C extension: ``kzpolicy check`` uses it);
- ``adapter``: the only module of kzpolicy that imports ``durable_rules_engine``;
- ``rules``: a knowledge base's productions on the adapter, run per assessment.

This ``__init__`` imports nothing, so reading the limits never loads the C extension.
"""
