"""docs/notebook.ipynb runs as written in a real Jupyter kernel (nbclient and ipykernel,
the dev extra), and every result in it shows itself as a notebook shows it: HTML (the
report's page in a frame of its own, no script) and Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import nbformat
import pytest
from nbclient import NotebookClient

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOTEBOOK = DOCS / "notebook.ipynb"


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    """The notebook, run top to bottom in a fresh kernel, in docs/ (as Jupyter runs a
    notebook in its own folder)."""
    nb = _read()
    # ipykernel's own "python3" kernel is this Python (sys.executable), where kzpolicy is
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(DOCS)}})
    client.execute()
    return nb


def _read() -> nbformat.NotebookNode:
    return cast(nbformat.NotebookNode,
                nbformat.read(NOTEBOOK, as_version=4))  # type: ignore[no-untyped-call]


def test_the_notebook_is_stored_without_outputs() -> None:
    nb = _read()
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_every_cell_runs_and_each_result_shows_as_html_and_markdown(
        executed: nbformat.NotebookNode) -> None:
    code = [c for c in executed.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    for cell in code:
        shown = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(shown) == 1, cell.source
        data = shown[0].data
        html, markdown = data["text/html"], data["text/markdown"]
        assert html.startswith("<iframe") and "srcdoc=" in html, cell.source
        assert "<script" not in html.lower() and "&lt;script" not in html.lower()
        assert markdown.lstrip().startswith("#") and "|---|" in markdown, cell.source
