"""Tests of `kzpolicy serve` (a package, so that its conftest has a module name of its own)."""
