"""The analyst's journal: beliefs with their evidence, dated, the situations over time,
and what was answered, kept and replayed.

- ``situation``: a situation file (YAML or JSON: a title, an ``as_of`` date and beliefs,
  each a bare value or a value with its source, date and note), its model and its reader,
  with errors naming file, line and the fix;
- ``evidence``: a situation assessed (its certain beliefs to ``assess``, its uncertain ones
  to ``probabilities``), with the caller's evidence beside the conclusions it supports;
- ``timeline``: several situations in date order, what changed from one date to the next
  and which changed beliefs caused each difference;
- ``log``: the decision log, one JSON line per answer, appended whole and read back
  with a torn last line reported;
- ``replay``: every logged decision re-run against another knowledge base or reading,
  streamed and batched on the bitset engine, and the decisions whose answer changes.

Imports ``kzpolicy.analysis`` and below; ``kzpolicy.operations``, the report and the front
ends import it. Nothing about the article is here: the condition IDs are the knowledge
base's, the beliefs the caller's.
"""
