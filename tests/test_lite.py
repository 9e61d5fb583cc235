"""xlwings Lite entry points: the same functions and scripts as the desktop workbook."""

from __future__ import annotations

import ast
from pathlib import Path

import jsonbook
import pytest

from laa_xl.excel import buttons, layout, lite, udfs

ROOT = Path(__file__).resolve().parents[1]


def test_lite_functions_are_the_udfs():
    assert [f.__name__ for f in lite.FUNCS] == [f.__name__ for f in udfs.UDFS]
    block = [[96.0], [94.0], [None]]
    assert lite.LAA_RAG(block, 100, "higher") == udfs.LAA_RAG(block, 100, "higher")
    assert lite.LAA_VARIANCE(block, 100) == udfs.LAA_VARIANCE(block, 100)
    assert lite.LAA_DIRECTION(block, 95, "lower") == udfs.LAA_DIRECTION(block, 95, "lower")
    assert lite.LAA_REWARD(113, 100, 120, 1e6) == udfs.LAA_REWARD(113, 100, 120, 1e6)
    assert lite.LAA_RISK_SCORE(3, 3) == [[9]]


def test_lite_has_a_script_per_button():
    assert [s.__name__ for s in lite.SCRIPTS] == [b.function for b in layout.BUTTONS]


def test_lite_main_imports_every_function_and_script():
    tree = ast.parse((ROOT / "lite" / "main.py").read_text())
    names = {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for a in node.names}
    assert names == {f.__name__ for f in lite.FUNCS} | {s.__name__ for s in lite.SCRIPTS}


def test_a_lite_script_runs_on_the_json_book(monkeypatch):
    jsonbook.enable(monkeypatch)
    payload = jsonbook.payload_from_file(ROOT / "workbook" / "LAA_Central.xlsm")
    book = jsonbook.book(payload)
    lite.consolidate(book)
    assert [a["func"] for a in book.json()["actions"]].count("alert") == 1


@pytest.mark.parametrize("name", [b.function for b in layout.BUTTONS])
def test_lite_script_calls_the_button(name, monkeypatch):
    called = []
    monkeypatch.setattr(buttons, name, lambda book: called.append(book))
    getattr(lite, name)("BOOK")
    assert called == ["BOOK"]
