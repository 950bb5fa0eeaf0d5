"""Volumes a library opens inside an image (unlocked encrypted volumes, VSS snapshots) read
the same bytes whatever the alignment of the read."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import diskimages as D
from testdata import missing
from triage.evidence import VolumeKeys, open_evidence, open_source
from triage.evidence.encrypted import LUKS, unlock
from triage.evidence.shadow import ShadowVolume

VSS_SAMPLE = Path(__file__).resolve().parent / "data" / "vsstest.qcow2"  # see data/README.md
needs_vss_sample = pytest.mark.skipif(not VSS_SAMPLE.is_file(), reason="no VSS sample here")
KEYS = VolumeKeys(passwords=(D.LUKS_PASSWORD,))


@pytest.fixture(scope="module", params=["luks1", "luks2"])
def luks(request, tmp_path_factory):
    try:
        return D.make_luks_fat(tmp_path_factory.mktemp("luks"), request.param)
    except D.MissingTool as exc:
        missing(f"cannot build test image: {exc}")


def _decrypted(disk: Path) -> bytes:
    source = open_source("raw", [disk])
    volume = unlock(source, 0, source.size, LUKS, KEYS)
    try:
        return volume.read(0, volume.size)
    finally:
        volume.close()
        source.close()



def test_reads_inside_a_sector_match_whole_sector_reads(luks):
    """libluksde and libvshadow give wrong bytes for a read that starts inside a sector and
    runs past it; every read of an opened volume is made whole sectors, then cut."""
    plain = _decrypted(luks.path)
    source = open_source("raw", [luks.path])
    volume = unlock(source, 0, source.size, LUKS, KEYS)
    try:
        draw = random.Random(7)
        for _ in range(300):
            offset, length = draw.randrange(0, 200_000), draw.randrange(1, 9000)
            assert volume.read(offset, length) == plain[offset:offset + length], (offset, length)
        assert volume.read(volume.size - 3, 100) == plain[-3:]
        assert volume.read(volume.size, 10) == b""
    finally:
        volume.close()
        source.close()


@needs_vss_sample
def test_snapshot_reads_inside_a_sector_match_whole_sector_reads():
    source = open_evidence(VSS_SAMPLE)
    shadows = ShadowVolume(source, 0, source.size)
    try:
        snapshot = shadows.snapshot(1)
        whole = snapshot.read(0, 1 << 20)
        draw = random.Random(1)
        for _ in range(300):
            offset, length = draw.randrange(0, 900_000), draw.randrange(1, 9000)
            assert snapshot.read(offset, length) == whole[offset:offset + length], offset
    finally:
        shadows.close()
        source.close()
