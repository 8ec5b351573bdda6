"""The knowledge base: rules/ read strictly, checked, and queried.

``schema`` (the pydantic models of rules/ entries), ``expr`` (the ``when``
language), ``strict_yaml`` (YAML with line marks and no duplicate keys),
``kinds`` (the item kinds and their roles), ``folder`` (a rules/ folder read into
raw entries), ``knowledge`` (``KnowledgeBase``), ``loading`` (``load``: the stock
or a user's folder, read and checked), ``checks`` (the whole-base checks),
``limits`` (what the engines can hold), ``listing`` (entries as rows). Imports
nothing above it.
"""
