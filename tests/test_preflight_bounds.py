"""The preflight's cheap pass over a sheet (``_within_limits``) refuses exactly what the exact pass refuses (issue 8).

Most sheets are proved safe by bounds (no reference with four digits or three letters, at most as many cells as
``<c`` tags); anything else goes to the exact pass (``_extent``), as before. Each case runs ``_check_extent``
twice, with the cheap pass and with it switched off, and compares the refusal (code, sheet, cell, message) and
the sheet XML kept for the return scan.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laa_xl.io import preflight as pf
from laa_xl.io.preflight import CENTRAL_LIMITS, LIMITS, Limits, UnsafeFile

PART = "xl/worksheets/sheet1.xml"


def _zip(xml: bytes) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(PART, xml)
    return zipfile.ZipFile(buf)


def _outcome(xml: bytes, limits: Limits = LIMITS) -> tuple[tuple[str, str, str, str] | None, dict[str, bytes]]:
    keep: dict[str, bytes] = {}
    try:
        pf._check_extent(_zip(xml), "f.xlsx", limits, keep)
    except UnsafeFile as e:
        return (e.code, e.sheet, e.cell, str(e)), keep
    return None, keep


def _both(xml: bytes, monkeypatch: pytest.MonkeyPatch, limits: Limits = LIMITS):
    cheap = _outcome(xml, limits)
    with monkeypatch.context() as m:
        m.setattr(pf, "_within_limits", lambda *a, **k: False)  # the exact pass alone, as before the cheap one
        exact = _outcome(xml, limits)
    assert cheap == exact
    with monkeypatch.context() as m:  # keeping nothing, the cheap pass lets chunks go (here: each one as read)
        held = _cheap_answer(xml, limits)
        m.setattr(pf, "_HELD_MAX", 0)
        assert _cheap_answer(xml, limits) == held  # and answers exactly as when it holds them all
    return cheap[0]


def _cheap_answer(xml: bytes, limits: Limits) -> bool | tuple[str, str, str, str]:
    """The cheap pass's answer for a sheet when nothing is kept: proved (True), ask the exact pass, or a refusal."""
    z = _zip(xml)
    try:
        return pf._within_limits(z, z.getinfo(PART), "f.xlsx", "Sheet1", limits)
    except UnsafeFile as e:
        return (e.code, e.sheet, e.cell, str(e))


def _sheet(body: bytes, dim: bytes = b"") -> bytes:
    return b"<worksheet>" + dim + b"<sheetData>" + body + b"</sheetData></worksheet>"


def _padding(n: int) -> bytes:
    """n bytes of cells with nothing far in them."""
    unit = b'<c r="B2" t="inlineStr"><is><t>' + b"x" * 60 + b"</t></is></c>"
    cells = unit * (n // len(unit))
    return cells + b" " * (n - len(cells))


def test_a_far_cell_split_across_two_chunks_is_refused_the_same(monkeypatch):
    head = b'<worksheet><sheetData><row r="2">'
    far = b'<c r="XFD1048576"><v>1</v></c>'
    for cut in (2, 6, 10, 14):  # the first chunk (1 MB) ends inside <c r="XFD1048576"> at several places
        pad = _padding((1 << 20) - len(head) - len(b"</row>") - cut)
        xml = head + pad + b"</row>" + far + b"</sheetData></worksheet>"
        start = xml.index(far)
        assert start < (1 << 20) < start + len(far)
        refusal = _both(xml, monkeypatch)
        # the exact pass misses a cell split across chunks when counting cells with a position, so it may call it
        # a sheet that could reach too far rather than a far cell: refused either way, and alike
        assert refusal is not None and refusal[0] in ("far-cell", "too-many-rows"), refusal


def test_the_sheet_is_kept_without_formula_text_even_where_a_formula_spans_two_chunks(monkeypatch):
    head = b'<worksheet><sheetData><row r="2">'
    formula = b'<c r="H2"><f>IF(AND(ISNUMBER(S2),ISNUMBER(F2)),"",(S2-F2)/ABS(F2))</f><v>0.5</v></c>'
    for cut in (12, 30, 62):  # the first chunk (1 MB) ends inside the formula at several places
        pad = _padding((1 << 20) - len(head) - cut)
        xml = head + pad + formula + b"</row></sheetData></worksheet>"
        assert _both(xml, monkeypatch) is None  # the kept XML is compared too
        kept = _outcome(xml)[1][PART]
        assert kept == xml.replace(formula, b'<c r="H2"><f/><v>0.5</v></c>')


def test_cells_without_a_position_are_bounded_the_same(monkeypatch):
    many = b'<row r="40">' + b"<c><v>1</v></c>" * 6_000 + b'</row><row r="990"><c r="A990"><v>1</v></c></row>'
    assert _both(_sheet(many), monkeypatch)[0] == "too-many-rows"  # 990+2 rows by 6,000 columns: refused
    few = b'<row r="40">' + b"<c><v>1</v></c>" * 20 + b"</row>"
    assert _both(_sheet(few), monkeypatch) is None


def test_four_digit_rows_and_three_letter_columns_go_to_the_exact_pass(monkeypatch):
    seen = []
    real = pf._extent
    monkeypatch.setattr(pf, "_extent", lambda *a, **k: seen.append(1) or real(*a, **k))
    assert _both(_sheet(b'<row r="1500"><c r="A1500"><v>1</v></c></row>'), monkeypatch) is None  # within the limits
    assert _both(_sheet(b'<row r="5"><c r="AAA5"><v>1</v></c></row>'), monkeypatch) is None
    assert _both(_sheet(b'<row r="5"><c r="ALM5"><v>1</v></c></row>'), monkeypatch)[0] == "far-cell"  # column 1,001
    assert _both(_sheet(b'<row r="100001"><c r="A100001"/></row>'), monkeypatch)[0] == "far-cell"
    n = len(seen)
    assert _both(_sheet(b'<row r="999"><c r="ZZ999"><v>1</v></c></row>'), monkeypatch) is None
    assert len(seen) == n + 1  # the cheap pass proved it (only the run with it switched off asked the exact pass)


def test_a_far_dimension_and_a_dde_formula_are_refused_the_same(monkeypatch):
    far_dim = _sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<dimension ref="A1:XFD1048576"/>')
    assert _both(far_dim, monkeypatch)[0] == "far-cell"
    near_dim = _sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<dimension ref="A1:AB52"/>')
    assert _both(near_dim, monkeypatch) is None
    dde = _sheet(b'<row r="3"><c r="L3"><f>cmd|\'/c calc\'!A0</f></c></row>')
    assert _both(dde, monkeypatch)[:3] == ("dde-formula", PART, "L3")


def test_too_many_rows_is_refused_at_the_same_point(monkeypatch):
    rows = b"".join(b'<row r="%d"><c r="A%d"/></row>' % (r, r) for r in range(1, 400))
    assert _both(_sheet(rows), monkeypatch, Limits(max_rows=300))[0] == "too-many-rows"
    assert _both(_sheet(rows), monkeypatch, Limits(max_cells=350))[0] == "too-many-rows"


_letters = st.text(alphabet="ABCXYZ", min_size=1, max_size=4)
_ref = st.tuples(_letters, st.integers(1, 200_000)).map(lambda t: f"{t[0]}{t[1]}")
_cell = st.one_of(
    _ref.map(lambda r: f'<c r="{r}"><v>1</v></c>'),
    st.sampled_from(["<c><v>1</v></c>", "<c/>", '<x:c r="ZZZ9"/>', '<c s="1" r="A9"/>', '<c\tr="ZZ12"/>']),
)
_row = st.builds(lambda r, cells: f'<row r="{r}">{"".join(cells)}</row>', st.integers(1, 200_000),
                 st.lists(_cell, max_size=5))  # fmt: skip
_noise = st.sampled_from(["", "<row>", "<c>", '<v>r="AAAA1"</v>', '<f>"x"&amp;"|"</f>', '<selection sqref="A9999"/>'])
_dim = st.one_of(st.just(""), _ref.map(lambda r: f'<dimension ref="A1:{r}"/>'))
_bulk = st.integers(0, 9_000)


@settings(max_examples=200, deadline=None)
@given(
    _dim, st.lists(st.one_of(_row, _noise), max_size=10), _bulk, st.sampled_from([LIMITS, Limits(max_cells=200_000), CENTRAL_LIMITS])
)
def test_cheap_and_exact_passes_refuse_alike(dim: str, parts: list[str], bulk: int, limits: Limits) -> None:
    xml = f"<worksheet>{dim}<sheetData>{''.join(parts)}<row>{'<c/>' * bulk}</row></sheetData></worksheet>".encode()
    with pytest.MonkeyPatch.context() as mp:
        _both(xml, mp, limits)


def test_a_register_sized_sheet_is_proved_by_the_cheap_pass(monkeypatch):
    """Thousands of rows (four or five digits) and columns up to Z or ZZ: bounds, not the exact pass."""
    seen = []
    real = pf._extent
    monkeypatch.setattr(pf, "_extent", lambda *a, **k: seen.append(1) or real(*a, **k))
    for last_row, cols in ((6_001, "ABCDEFGHIJKLMNOPQRSTU"), (60_001, "ABCDEFG"), (700, ["A", "AB", "ZZ"])):
        body = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c.encode(), r) for c in cols)
                        + b"</row>" for r in range(last_row - 50, last_row + 1))  # fmt: skip
        n = len(seen)
        assert _both(_sheet(body, b'<dimension ref="A1:%s%d"/>' % (cols[-1].encode(), last_row)), monkeypatch) is None
        assert len(seen) == n + 1, last_row  # only the run with the cheap pass switched off asked the exact pass
    n = len(seen)
    assert _both(_sheet(b'<row r="5000"><c r="A5000"><v>1</v></c><c r="AB5000"><v>2</v></c></row>'), monkeypatch) is None
    assert len(seen) == n + 2  # 9,999 rows by 702 columns could be too many: the exact pass decided


def test_a_national_data_sheet_is_proved_by_the_cheap_pass_under_the_output_limits(monkeypatch):
    """Our own outputs may have six-digit rows (a national Data sheet: 240,001): proved by bounds (999,999 rows
    by Z) under CENTRAL_LIMITS; a seven-digit row goes to the exact pass, which refuses it as before."""
    seen = []
    real = pf._extent
    monkeypatch.setattr(pf, "_extent", lambda *a, **k: seen.append(1) or real(*a, **k))
    body = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, r) for c in (b"A", b"M"))
                    + b"</row>" for r in range(239_950, 240_002))  # fmt: skip
    xml = _sheet(body, b'<dimension ref="A1:M240001"/>')
    assert _both(xml, monkeypatch, CENTRAL_LIMITS) is None
    assert len(seen) == 1  # only the run with the cheap pass switched off asked the exact pass
    assert _both(xml, monkeypatch)[0] == "far-cell"  # a return's limits: 100,000 rows
    far = xml.replace(b"</sheetData>", b'<row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>')
    assert _both(far, monkeypatch, CENTRAL_LIMITS)[0] == "far-cell"
    assert len(seen) == 5  # both refusals came from the exact pass, in both runs


def test_a_big_sheet_cut_into_chunks_inside_references_is_still_proved(monkeypatch):
    """A sheet of many 1 MB chunks, each cut inside a cell's reference: counted as the exact pass counts them."""
    seen = []
    real = pf._extent
    monkeypatch.setattr(pf, "_extent", lambda *a, **k: seen.append(1) or real(*a, **k))
    body = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (c, r, r) for c in (b"A", b"B", b"C", b"D", b"E", b"F", b"G", b"H", b"I", b"J"))
                    + b"</row>" for r in range(1, 60_001))  # fmt: skip
    xml = _sheet(body)
    ends = range(1 << 20, len(xml), 1 << 20)  # where the chunks end
    assert any(xml.startswith(b'<c r="', xml.rfind(b"<", 0, k)) and k - xml.rfind(b"<", 0, k) < 12 for k in ends)
    assert _both(xml, monkeypatch) is None
    assert len(seen) == 1  # proved by the cheap pass; the exact pass ran only when switched to
    odd = xml.replace(b'<row r="7">', b'<row r="7"><c r="a7"><v>0</v></c>')  # a reference the exact pass ignores
    assert _both(odd, monkeypatch) is None
    assert len(seen) == 3  # so the cheap pass cannot count the cells without one: the exact pass decided


def test_a_column_in_chunks_let_go_still_bounds_the_sheet(monkeypatch):
    """Keeping nothing, the cheap pass lets go of chunks past ``_HELD_MAX``: a two-letter column in them, before the
    first four-digit row, still bounds the sheet's columns by ZZ (not Z), as when it holds them all."""
    pad = b'<c r="B%d" t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c>"
    early = b"".join(b'<row r="%d">' % r + pad % r + (b'<c r="AB%d"><v>1</v></c>' % r if r <= 500 else b"") + b"</row>"
                     for r in range(1, 1000))  # fmt: skip
    late = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(1000, 5001))
    xml = _sheet(early + late)
    first = xml[: 1 << 20]  # the first chunk: every AB cell; the second: the first four-digit row, and no AB
    assert first.count(b'r="AB') == 500 and b'r="A1000"' not in first and b'r="A1000"' in xml[1 << 20 : 2 << 20]
    monkeypatch.setattr(pf, "_HELD_MAX", 0)
    assert _cheap_answer(xml, LIMITS) is False  # 9,999 rows by 702 columns could be too many: the exact pass decides
    assert _both(xml, monkeypatch) is None
