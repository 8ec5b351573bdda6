"""Many assessments at once on the bitset engine: ``assess_many`` and its ``Batch``.

- ``many``: ``assess_many``, chunked evaluation of an int8 matrix of inputs;
- ``inputs``: rows (condition sets) or columns (one array per condition) into that matrix;
- ``columns``: the columnar :class:`~kzpolicy.Batch`, rows built as Assessments on access;
- ``export``: a batch as an Arrow table or a pandas frame.

This ``__init__`` imports nothing (numpy loads with the module that needs it).
"""
