"""The kzpolicy pytest plugin: the step library for feature files (being written)."""
