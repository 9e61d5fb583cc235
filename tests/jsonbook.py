"""A payload for xlwings' JSON-book engine (``xw.Book(json=...)``) made from a real workbook file.

The engine is what xlwings Server and Lite run on: a script reads the payload and
records what it would do to the book as ``book.json()["actions"]``.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import xlwings as xw
from python_calamine import CalamineWorkbook


def _json_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, dt.date):
        return f"{v.isoformat()}T00:00:00.000Z"
    return v


def payload_from_file(path: Path, name: str = "LAA_Central.xlsm") -> dict[str, Any]:
    wb = CalamineWorkbook.from_path(str(path))
    sheets = []
    for sheet_name in wb.sheet_names:
        rows = wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False) or [[""]]
        sheets.append({"name": sheet_name, "values": [[_json_value(v) for v in r] for r in rows],
                       "pictures": [], "tables": []})  # fmt: skip
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}  # fmt: skip


def book(payload: dict[str, Any]) -> Any:
    return xw.Book(json=copy.deepcopy(payload))  # Book(json=) mutates its payload


def sheet_values(payload: dict[str, Any], name: str) -> list[list[Any]]:
    return next(s["values"] for s in payload["sheets"] if s["name"] == name)


def sheet_position(payload: dict[str, Any], name: str) -> int:
    return [s["name"] for s in payload["sheets"]].index(name)


def enable(monkeypatch: Any) -> None:
    """Turn the JSON-book engine on for one test: the noncommercial licence key in this test's environment only.

    xlwings registers the engine when it is first imported, which happened before the key was set, so
    register it now if it is missing.
    """
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    if "remote" not in [e.name for e in xw.engines]:
        from xlwings.main import Engine
        from xlwings.pro import _xlremote

        xw.engines.add(Engine(impl=_xlremote.engine))
