"""The summary of a batch of assessments (:func:`kzpolicy.assess_many`): how many rows,
how often each scenario is implied and each item flagged, never the rows themselves;
what a notebook shows of a batch of a million rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kzpolicy.report.source_kb import made_with
from kzpolicy.report.table import md_escape, md_table

if TYPE_CHECKING:
    from kzpolicy.engine.batch.columns import Batch

__all__ = ["markdown", "sections"]

Section = tuple[str, list[str], list[list[object]]]
#: rows unpacked at a time when counting the flagged items
_CHUNK = 1 << 16


def _share(count: int, rows: int) -> str:
    return f"{100 * count / rows:.2f}%" if rows else "-"


def _item_counts(batch: Batch) -> list[int]:
    """How many rows flag each item, counted a chunk of rows at a time."""
    bits = batch.flagged_bits
    width = len(batch.item_ids)
    total = np.zeros(width, dtype=np.int64)
    for start in range(0, bits.shape[0], _CHUNK):
        chunk = np.unpackbits(bits[start:start + _CHUNK], axis=1, count=width,
                              bitorder="little")
        total += chunk.sum(axis=0, dtype=np.int64)
    return [int(x) for x in total]


def sections(batch: Batch) -> tuple[list[str], list[Section]]:
    """The head lines and the tables (title, headers, rows) of a batch's summary."""
    rows = len(batch)
    kb = made_with(batch)
    scenarios = np.bincount(batch.scenario, minlength=len(batch.scenario_ids))
    head = [f"A batch of {rows:,} assessments (knowledge base {batch.kb_version}, reading "
            f"{batch.reading}); row i is batch[i]"]
    items: list[list[object]] = [[i, kb.kind_of(i) if kb else "", f"{n:,}", _share(n, rows),
              kb.label_of(i) if kb else ""]
             for i, n in zip(batch.item_ids, _item_counts(batch), strict=True) if n]
    return head, [
        ("Implied scenario", ["scenario", "rows", "share"],
         [[s, f"{int(n):,}", _share(int(n), rows)]
          for s, n in zip(batch.scenario_ids, scenarios, strict=True)]),
        ("Items flagged or engaged in some row", ["id", "kind", "rows", "share", "label"],
         items),
    ]


def markdown(batch: Batch) -> str:
    """The summary as Markdown."""
    head, tables = sections(batch)
    out = [f"## {md_escape(head[0])}"]
    for title, headers, rows in tables:
        out += ["", f"### {title}", "", *(md_table(rows, headers) if rows else ["None."])]
    return "\n".join(out) + "\n"
