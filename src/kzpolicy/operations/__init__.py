"""The operations: each computation kzpolicy offers a caller, listed once.

- ``table``: the list of operations (name, summary, the schema names of its results,
  what it answers) and the names ``kzpolicy schema`` gives; each operation's models load
  on first use, so reading the table imports nothing heavy;
- ``bodies``: each operation's input as a pydantic model (the web API's request body)
  and the library call it makes.

The web API's POST routes and their OpenAPI entries (``kzpolicy.serve``), the JSON
Schemas of ``kzpolicy.schemas()`` (``kzpolicy.report.render``) and the names of
``kzpolicy schema --which`` (``kzpolicy.cli``) are derived from the table.

Imports only ``kzpolicy.journal`` and below; ``kzpolicy.report`` and the front ends
import it.
"""
