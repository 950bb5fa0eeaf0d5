"""Where the shared test material is (read-only; see ../shared/testdata/README.md).

`$TRIAGE_TESTDATA` if set, else `shared/testdata` beside the checkout (where
CI puts it), else the developers' usual `/work/shared/testdata`.
"""

import os
from pathlib import Path


def _find() -> Path:
    if os.environ.get("TRIAGE_TESTDATA"):
        return Path(os.environ["TRIAGE_TESTDATA"])
    beside = Path(__file__).resolve().parents[2] / "shared" / "testdata"
    return beside if beside.is_dir() else Path("/work/shared/testdata")


TESTDATA = _find()
IMAGES = TESTDATA / "images"
PHOTOS = TESTDATA / "photos"
