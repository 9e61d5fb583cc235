"""An issued return prints: LibreOffice converts it to PDF (one page per sheet) and the pages render to PNG."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from laa_xl.core.returns import RETURN_SHEETS
from tests.return_helpers import have_soffice, soffice_convert

pytestmark = [pytest.mark.libreoffice, pytest.mark.skipif(not have_soffice(), reason="needs LibreOffice")]


def test_issued_return_converts_to_pdf_and_png(issued_dir: Path, tmp_path: Path) -> None:
    (pdf,) = soffice_convert([issued_dir / "CYP_2008-09.xlsx"], tmp_path, "pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        assert pages == len(RETURN_SHEETS)  # each sheet fits one A4 page across (print area, fit to width)
        assert "(A4)" in info
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "q1")],
                       check=True, capture_output=True)  # fmt: skip
        (png,) = tmp_path.glob("q1*.png")
        assert png.stat().st_size > 2_000
