"""The analyst's journal: what was believed and answered over time, kept and replayed.

- ``log``: the decision log, one JSON line per answer, appended whole and read back
  with a torn last line reported;
- ``replay``: every logged decision re-run against another knowledge base or reading,
  streamed and batched on the bitset engine, and the decisions whose answer changes.

Imports ``kzpolicy.analysis`` and below; ``kzpolicy.operations`` and the front ends
import it.
"""
