"""The Home buttons on xlwings' JSON-book engine, on Demoshire: assert the actions they return."""

from __future__ import annotations

from pathlib import Path

import jsonbook
import pytest

from laa_xl.excel import buttons, layout

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "workbook" / "LAA_Central.xlsm"


@pytest.fixture(autouse=True)
def licence(monkeypatch):
    jsonbook.enable(monkeypatch)


@pytest.fixture(scope="module")
def demoshire() -> dict:
    return jsonbook.payload_from_file(WORKBOOK)


def actions(book) -> list[dict]:
    return book.json()["actions"]


def alerts(book) -> list[str]:
    return [a["args"][0] for a in actions(book) if a["func"] == "alert"]


def written(book, payload, sheet: str) -> list[list]:
    pos = jsonbook.sheet_position(payload, sheet)
    blocks = [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == pos]
    assert len(blocks) == 1, f"expected one 2-D block on {sheet}, got {len(blocks)}"
    return blocks[0]["values"]


def issue_tuples(block: list[list]) -> set[tuple[str, str, str]]:
    head = block[0]
    s, c, code = head.index("Sheet"), head.index("Cell"), head.index("Code")
    return {(r[s], r[c], r[code]) for r in block[1:]}


def with_cell(payload: dict, sheet: str, row: int, col_header: str, value) -> dict:
    import copy

    p = copy.deepcopy(payload)
    values = jsonbook.sheet_values(p, sheet)
    values[row][values[0].index(col_header)] = value
    return p


@pytest.mark.parametrize("b", layout.BUTTONS, ids=lambda b: b.function)
def test_every_button_on_demoshire_ends_in_one_message_and_no_traceback(demoshire, b):
    book = jsonbook.book(demoshire)
    getattr(buttons, b.function)(book)  # must not raise
    assert len(alerts(book)) == 1


def test_a_register_error_becomes_issue_rows_and_a_message(demoshire):
    bad = with_cell(demoshire, "Targets", 3, "Polarity", "sideways")
    book = jsonbook.book(bad)
    buttons.consolidate(book)
    block = written(book, bad, "Issues")
    assert block[0] == list(layout.ISSUE_COLUMNS)
    assert ("Targets", "H4", "unknown-polarity") in issue_tuples(block)
    pos = jsonbook.sheet_position(bad, "Issues")
    colours = [a for a in actions(book) if a["func"] == "setRangeColor" and a["sheet_position"] == pos]
    assert colours and colours[0]["args"] == [buttons.ISSUE_FILLS["error"]] and colours[0]["start_row"] == 1
    [msg] = alerts(book)
    assert "Issues sheet" in msg


def test_missing_current_period_is_an_issue_at_settings(demoshire):
    settings = jsonbook.sheet_values(demoshire, "Settings")
    row = next(i for i, r in enumerate(settings) if r[0] == "Current period")
    bad = with_cell(demoshire, "Settings", row, "Value", "")
    book = jsonbook.book(bad)
    buttons.go_return(book)
    codes = {t[2] for t in issue_tuples(written(book, bad, "Issues"))}
    assert "missing-current-period" in codes or "missing-setting" in codes
    assert len(alerts(book)) == 1


def test_an_unexpected_failure_is_a_message_and_an_issue_row_never_a_traceback(demoshire, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(buttons, "load_register", boom)
    book = jsonbook.book(demoshire)
    buttons.psb_report(book)
    block = written(book, demoshire, "Issues")
    assert [r[1] for r in block[1:]] == ["unexpected-error"]
    assert "disk on fire" in alerts(book)[0]


def test_write_table_is_one_block_adds_a_missing_sheet_and_colours_runs(demoshire):
    book = jsonbook.book(demoshire)
    rows = [["NI 1", "Green"], ["NI 2", "Red"], ["NI 3", "Red"], ["NI 4", "=cmd|' /C calc'!A0"]]
    buttons.write_table(book, "Scratch", ["Ref", "RAG"], rows, buttons.rag_fills(rows, 1))
    acts = actions(book)
    assert acts[0]["func"] == "addSheet" and acts[0]["args"][1] == "Scratch"
    blocks = [a for a in acts if a["func"] == "setValues"]
    assert len(blocks) == 1
    assert blocks[0]["values"][0] == ["Ref", "RAG"]
    assert blocks[0]["values"][4][1].startswith("'=")  # a formula-looking text stays text
    colours = [(a["start_row"], a["row_count"], a["args"][0]) for a in acts if a["func"] == "setRangeColor"]
    assert colours == [(1, 1, "#C6EFCE"), (2, 2, "#FFC7CE")]


def test_live_register_reads_demoshire(demoshire):
    from laa_xl.core import demo

    reg, issues = buttons.load_live_register(jsonbook.book(demoshire))
    assert not [i for i in issues if i.severity == "error"]
    assert len(reg.targets) == len(demo.register_grids()["Targets"]) - 1
    assert str(buttons.current_period(reg)) == "2008/09 Q2"


def test_data_formulas_spill_one_formula_per_column():
    f = buttons.data_formulas(2, 400)
    assert f["% variance"] == "=LAA_VARIANCE(F2:F400,E2:E400)"
    assert f["RAG"].startswith("=LAA_RAG(F2:F400,E2:E400,XLOOKUP(A2:A400,TargetRegister[Ref],TargetRegister[Polarity]")
