"""The command line's layout: each command module imports what commands share from
``cli.options`` (and the belief options from ``cli.beliefs``) and never a sibling command
module (only ``cli.main`` gathers them)."""

from __future__ import annotations

import grimp

GRAPH = grimp.build_graph("kzpolicy", exclude_type_checking_imports=False)
CLI = sorted(m for m in GRAPH.modules if m.startswith("kzpolicy.cli."))
SHARED = {"kzpolicy.cli.main", "kzpolicy.cli.options", "kzpolicy.cli.beliefs"}


def test_the_command_modules_are_seen() -> None:
    commands = [m for m in CLI if m not in SHARED]
    assert {"kzpolicy.cli.assess_command", "kzpolicy.cli.report_commands",
            "kzpolicy.cli.analysis_commands", "kzpolicy.cli.probability_commands"} <= set(
        commands)


def test_no_command_module_imports_another() -> None:
    found = sorted(
        (m, n) for m in CLI if m not in SHARED
        for n in GRAPH.find_modules_directly_imported_by(m)
        if n.startswith("kzpolicy.cli.") and n not in SHARED - {"kzpolicy.cli.main"}
    )
    assert found == []


def test_options_imports_no_command_module() -> None:
    found = [n for n in GRAPH.find_modules_directly_imported_by("kzpolicy.cli.options")
             if n.startswith("kzpolicy.cli.")]
    assert found == []
