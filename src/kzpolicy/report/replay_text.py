"""Text and Markdown of a replay: the counts, the decisions whose answer changes (the
scenario from and to, the items added and cleared) and the decisions skipped, with why."""

from __future__ import annotations

from kzpolicy.journal.replay import Replay
from kzpolicy.report.table import Section, sections_markdown, sections_text

__all__ = ["markdown", "sections", "text"]


def _head(r: Replay) -> list[str]:
    head = [f"Replay of {r.log} against {r.kb_version} ({r.reading})",
            f"{r.lines:,} lines: {r.replayed:,} decisions replayed, {r.changed:,} changed, "
            f"{r.unchanged:,} unchanged, {r.skipped:,} skipped"]
    if r.capped:
        head.append(f"Only the first {len(r.changes):,} of the {r.changed:,} changed "
                    f"decisions are listed (the limit is {r.max_changes:,}; raise it with "
                    "--max-changes or max_changes=)")
    return head + [f"Warning: {w}" for w in r.warnings]


def _scenario(before: str, after: str) -> str:
    return after if before == after else f"{before} -> {after}"


def sections(r: Replay) -> tuple[list[str], list[Section]]:
    """The head lines and the tables (title, headers, rows) of a replay."""
    changes: list[list[object]] = [
        [f"{c.line:,}", c.id, c.time, _scenario(c.scenario_before, c.scenario_after),
         ", ".join(c.added) or "-", ", ".join(c.cleared) or "-"] for c in r.changes]
    skips: list[list[object]] = [
        [s.reason, f"{s.count:,}", f"{s.first_line:,}", s.example] for s in r.skips]
    return _head(r), [
        ("Decisions whose answer changes", ["line", "id", "time", "scenario", "added",
                                            "cleared"], changes),
        ("Decisions skipped", ["reason", "count", "first line", "for example"], skips),
    ]


def text(r: Replay) -> str:
    """A plain-text report of a replay."""
    return sections_text(*sections(r))


def markdown(r: Replay) -> str:
    """The same report as Markdown."""
    return sections_markdown(*sections(r))
