"""The ``kzpolicy`` command line: one module per command family.

``main`` (the parser and exit codes), ``options`` (input shared by every
command), ``kb_commands`` (list, check, schema), ``assess_command``,
``report_commands`` (report, graph), ``analysis_commands`` (what-if,
tipping-points, landscape, monte-carlo), ``coverage_commands`` (coverage, steps).
"""
