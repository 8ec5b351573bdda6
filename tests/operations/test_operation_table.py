"""The list of operations (kzpolicy.operations.table): light to read, each row's parts
load and agree with it, and each operation is a command, a public result and a schema."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

import kzpolicy
from kzpolicy.cli.main import main
from kzpolicy.operations.bodies import Body
from kzpolicy.operations.table import OPERATIONS, SCHEMA_NAMES, Operation


def test_reading_the_table_loads_no_model_and_no_engine() -> None:
    code = ("import sys\n"
            "from kzpolicy.operations.table import OPERATIONS, SCHEMA_NAMES\n"
            "rows = [(o.name, o.path, o.summary, o.results, o.answer) for o in OPERATIONS]\n"
            "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'numpy', "
            "'durable', 'kzpolicy.engine', 'kzpolicy.kb', 'kzpolicy.analysis', "
            "'kzpolicy.report', 'kzpolicy.operations.bodies'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_names_and_schema_names_are_unique() -> None:
    names = [op.name for op in OPERATIONS]
    assert len(set(names)) == len(names)
    assert len(set(SCHEMA_NAMES)) == len(SCHEMA_NAMES)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_each_row_loads_its_parts_as_it_names_them(op: Operation) -> None:
    body, results = op.parts()
    assert len(results) == len(op.results)
    assert body is None or issubclass(body, Body)
    assert op.answer == "json" or body is not None  # an HTML answer is an API route's
    for model in results:  # every result type is public, under its own name
        assert getattr(kzpolicy, model.__name__) is model


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_each_operation_is_a_command_of_the_same_name(
        op: Operation, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([op.name, "--help"], out=io.StringIO())
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: kzpolicy {op.name} ")


def test_the_schemas_are_the_tables() -> None:
    schemas = kzpolicy.schemas()
    assert tuple(schemas) == SCHEMA_NAMES
    for op in OPERATIONS:
        for name, model in zip(op.results, op.parts().results, strict=True):
            assert schemas[name] == model.model_json_schema()
