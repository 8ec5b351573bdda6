"""``python -m kzpolicy``: the same command line as the ``kzpolicy`` script."""

from kzpolicy.cli.main import run

run()
