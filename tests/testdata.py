"""Where the shared test material is (read-only; see ../shared/testdata/README.md).

`$TRIAGE_TESTDATA` if set, else `shared/testdata` beside the checkout (where
CI puts it), else the developers' usual `/work/shared/testdata`.
"""

import os
from pathlib import Path
from typing import NoReturn

import pytest


def _find() -> Path:
    if os.environ.get("TRIAGE_TESTDATA"):
        return Path(os.environ["TRIAGE_TESTDATA"])
    beside = Path(__file__).resolve().parents[2] / "shared" / "testdata"
    return beside if beside.is_dir() else Path("/work/shared/testdata")


TESTDATA = _find()
IMAGES = TESTDATA / "images"
PHOTOS = TESTDATA / "photos"


def missing(reason: str) -> NoReturn:
    """Test material or a tool the suite needs is not here: a failure under CI (`CI=true`,
    which installs every tool and has the shared material), a skip on a developer's machine."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)
