"""The installed kzpolicy's version: one reader for the package, the CLI, the HTML report
and the web application.

It reads the distribution's metadata when called, never at import: the metadata scan
costs tens of milliseconds that ``import kzpolicy`` and ``kzpolicy --help`` would pay.
"""

from __future__ import annotations

__all__ = ["UNKNOWN", "installed_version"]

#: what a source tree that was never installed reports (a valid PEP 440 local version)
UNKNOWN = "0+unknown"


def installed_version() -> str:
    """The version of the installed ``kzpolicy`` distribution, or :data:`UNKNOWN`."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kzpolicy")
    except PackageNotFoundError:  # pragma: no cover - a source tree never installed
        return UNKNOWN
