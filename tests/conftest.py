from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from laa_xl.core import demo
from laa_xl.io.register_io import read_register, write_register
from laa_xl.io.returns_writer import issue_returns


@pytest.fixture(scope="session")
def register_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_register(tmp_path_factory.mktemp("reg") / "register.xlsx", demo.register_grids())


@pytest.fixture(scope="session")
def register(register_path: Path):
    reg, issues = read_register(register_path)
    assert not [i for i in issues if i.is_error]
    return reg


@pytest.fixture(scope="session")
def issued_dir(tmp_path_factory: pytest.TempPathFactory, register) -> Path:
    out = tmp_path_factory.mktemp("issued")
    issue_returns(register, "2008/09", out)
    return out


@pytest.fixture
def cyp_return(issued_dir: Path, tmp_path: Path) -> Path:
    """A fresh copy of the issued CYP return for one test to fill."""
    return Path(shutil.copy(issued_dir / "CYP_2008-09.xlsx", tmp_path / "CYP_2008-09.xlsx"))
