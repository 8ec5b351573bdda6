"""The ``kzpolicy`` command line: one module per command family.

``main`` (the parser and exit codes), ``options`` (what every command shares: one
parser per kind of option, the one rule for an ID given twice, reading files, writing
the output), ``kb_commands`` (list, check, schema), ``assess_command``,
``report_commands`` (report, graph), ``analysis_commands`` (what-if, tipping-points,
landscape, monte-carlo), ``probability_commands`` (probabilities), ``serve_command``
(serve), ``coverage_commands`` (coverage, steps). A command module imports ``options``,
never another command module.
"""
