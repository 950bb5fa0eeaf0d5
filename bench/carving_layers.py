"""Carving through a decrypted layer against carving the same plain bytes, in one run.

One plain volume (random data with JPEGs written whole at 4 KiB-aligned offsets, as
deleted files leave them) is encrypted into a LUKS1 volume (read by libluksde) and a
LUKS2 one (read by Triage's own evidence/luks2.py), both aes-xts-plain64 with 512-byte
sectors; cryptsetup writes the headers. Triage's scan (signatures and structure walks,
no decode, one process) then reads the whole volume three ways: the plain bytes as a raw
image (the baseline), and each unlocked volume. The candidates found must be the same;
reading each volume alone, without the scan, says how much of the time is decryption.

    python bench/carving_layers.py                 # a 64 MiB volume
    python bench/carving_layers.py --size-mb 256 --keep /tmp/layers-bench

Needs cryptsetup (Debian cryptsetup-bin) and the `cryptography` package.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from triage.evidence import VolumeKeys, open_source  # noqa: E402
from triage.evidence.carving import Scanner  # noqa: E402
from triage.evidence.encrypted import LUKS, unlock  # noqa: E402

MIB = 1 << 20
SECTOR = 512
PASSWORD = "bench-PASS"
HEADER = {"luks1": 2 * MIB, "luks2": 16 * MIB}


def plain_volume(size: int, seed: int = 5) -> bytes:
    """Random data with a JPEG every 2 MiB or so: what a used, then freed, disk holds."""
    rnd = random.Random(seed)
    data = bytearray(rnd.randbytes(size))
    for offset in range(MIB, size - MIB, 2 * MIB):
        image = Image.frombytes("RGB", (320, 240), rnd.randbytes(320 * 240 * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        data[offset:offset + len(out.getvalue())] = out.getvalue()
    return bytes(data)


def luks_volume(folder: Path, kind: str, plain: bytes) -> Path:
    """`plain` encrypted as cryptsetup would (aes-xts-plain64, 512-byte sectors, the
    sector number as tweak) behind a header cryptsetup writes for the same volume key."""
    key = bytes(range(64))
    (folder / "volume.key").write_bytes(key)
    (folder / "pass").write_text(PASSWORD)
    path = folder / f"{kind}.raw"
    with open(path, "wb") as handle:
        handle.truncate(HEADER[kind] + len(plain))
    options = (["--align-payload", str(HEADER[kind] // SECTOR)] if kind == "luks1" else
               ["--pbkdf", "pbkdf2", "--sector-size", "512", "--offset",
                str(HEADER[kind] // SECTOR)])
    subprocess.run(["cryptsetup", "luksFormat", "-q", "--type", kind, "--cipher",
                    "aes-xts-plain64", "--key-size", "512", "--hash", "sha256",
                    "--pbkdf-force-iterations", "1000", "--volume-key-file",
                    str(folder / "volume.key"), "--key-file", str(folder / "pass"), *options,
                    str(path)], check=True, capture_output=True)
    with open(path, "r+b") as handle:
        handle.seek(HEADER[kind])
        for sector in range(len(plain) // SECTOR):
            tweak = sector.to_bytes(16, "little")
            encryptor = Cipher(algorithms.AES(key), modes.XTS(tweak)).encryptor()
            handle.write(encryptor.update(plain[sector * SECTOR:(sector + 1) * SECTOR]))
    return path


def scan(source, label: str, baseline: float | None) -> tuple[float, list[int]]:
    started = time.perf_counter()
    scanner = Scanner(source, [(0, source.size)], source.size)
    found = []
    for candidate in scanner.candidates():
        found.append(candidate.offset)
        scanner.skip_to(candidate.offset + candidate.length)
    seconds = time.perf_counter() - started
    speed = scanner.counts.bytes / MIB / seconds
    ratio = f", {baseline / speed:.2f}x slower than plain" if baseline else ""
    print(f"{label:34} {scanner.counts.bytes / MIB:.0f} MiB, {len(found)} candidates: "
          f"{seconds:.2f} s, {speed:.0f} MB/s{ratio}")
    return speed, found


def read_alone(volume) -> None:
    """The decryption's own speed: what the scan through the layer cannot beat."""
    started = time.perf_counter()
    for offset in range(0, volume.size, 16 * MIB):
        volume.read(offset, 16 * MIB)
    seconds = time.perf_counter() - started
    print(f"{'  decrypting alone, no scan':34} {volume.size / MIB / seconds:.0f} MB/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=64)
    parser.add_argument("--keep", type=Path, help="build the volumes here and keep them")
    args = parser.parse_args()
    if shutil.which("cryptsetup") is None:
        print("cryptsetup is not installed (Debian cryptsetup-bin)")
        return 1
    folder = args.keep or Path(tempfile.mkdtemp(prefix="carving-layers-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        plain = plain_volume(args.size_mb * MIB)
        (folder / "plain.raw").write_bytes(plain)
        volumes = {kind: luks_volume(folder, kind, plain) for kind in HEADER}
        raw = open_source("raw", [folder / "plain.raw"])
        baseline, expected = scan(raw, "plain bytes (raw image)", None)
        raw.close()
        keys = VolumeKeys(passwords=(PASSWORD,))
        for kind, path in volumes.items():
            outer = open_source("raw", [path])
            volume = unlock(outer, 0, outer.size, LUKS, keys)
            reader = "libluksde" if kind == "luks1" else "evidence/luks2.py"
            _, found = scan(volume, f"{kind.upper()} decrypted ({reader})", baseline)
            read_alone(volume)
            if found != expected:
                print(f"  {kind}: candidates differ from the plain scan's")
            volume.close()
            outer.close()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
