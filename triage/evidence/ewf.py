"""Expert Witness Format (E01, single or multi-segment) through libewf-python.

The pytsk3 wheel is built without libewf and would read an .E01 as raw
bytes, so EWF is decoded here and handed to TSK as an external image.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pyewf

from triage.evidence.base import DamageTolerantImage, EvidenceError, reason

SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"EVF2\x0d\x0a\x81\x00")

# ewfverify lists each run of chunks that fail their checksum as
# "at sector(s): FIRST - LAST (number: N)" (LAST included), in every libewf release since 2009.
_BAD_SECTORS = re.compile(rb"at sector\(s\): (\d+) - (\d+) \(number: \d+\)")
NO_EWFVERIFY = ("chunk checksums not verified: ewfverify (Debian package ewf-tools) is not "
                "installed, so files in damaged chunks cannot be told from intact ones")


def _cause(exc: BaseException) -> str:
    """The first cause in libewf's chain of errors, without the function names: libewf
    writes "pyewf_handle_open: unable to open handle. libewf_x: checksum does not match
    (...). libewf_y: unable to read section: volume. ..." on one line."""
    clauses = [c.strip() for c in reason(exc).split(". ") if c.strip()]
    causes = [c.split(": ", 1)[-1] for c in clauses if not c.startswith("pyewf_")]
    if not causes:
        return reason(exc)
    context = next((c for c in causes[1:] if "header" in c or "section" in c), "")
    return causes[0].rstrip(".") + (f"; {context.rstrip('.')}" if context else "")


def ewf_segments(path: Path) -> list[Path]:
    try:
        return [Path(p) for p in pyewf.glob(str(path))]
    except (OSError, IOError) as exc:
        raise EvidenceError(f"{path}: cannot find EWF segments: {exc}") from exc


class EwfImage(DamageTolerantImage):
    format = "ewf"

    def __init__(self, paths: list[Path]):
        super().__init__(paths)
        self._handle = pyewf.handle()
        try:
            self._handle.open([str(p) for p in paths], "r")
            self._size = self._handle.get_media_size()
        except (OSError, IOError) as exc:
            raise EvidenceError(f"{paths[0]}: not a readable EWF image: {_cause(exc)}") from exc

    @property
    def size(self) -> int:
        return self._size

    def read_at(self, offset: int, length: int) -> bytes:
        """Where a chunk cannot be read (a missing or damaged segment), `read` gives zeros
        and records the range: losing a whole partition because one segment of the set is
        missing would be worse."""
        return self._handle.read_buffer_at_offset(length, offset)

    def piece_size(self) -> int:
        return self._handle.get_chunk_size() or 32768

    def stored_md5(self) -> str | None:
        value = self._handle.get_hash_value("MD5")
        return value.lower() if value else None

    def start_checksum_check(self) -> ChecksumCheck:
        return ChecksumCheck(self.paths, self._handle.get_bytes_per_sector() or 512)

    def close(self) -> None:
        self._handle.close()



class ChecksumCheck:
    """`ewfverify` reading an EWF set alongside us, to learn which chunks fail their checksum.

    Why a separate tool: libewf gives zeros for a chunk whose checksum fails
    and says nothing, and libewf-python exposes neither its checksum-error
    list nor a way to make such a read fail. ewfverify is libewf's own
    verifier (read-only, packaged by Debian with the library) and prints the
    failing sector ranges. It runs as its own process while the image is
    hashed here, so on a machine with a spare core it costs no wall time.
    """

    def __init__(self, paths: list[Path | str], bytes_per_sector: int):
        self._sector = bytes_per_sector
        self._process: subprocess.Popen | None = None
        self._error: str | None = None
        tool = shutil.which("ewfverify")
        if tool is None:
            self._error = NO_EWFVERIFY
            return
        # --pdeathsig: the check stops with the worker that started it, never outlives a kill.
        command = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []
        try:
            self._process = subprocess.Popen(
                [*command, tool, "-q", *(str(p) for p in paths)], stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as exc:
            self._error = f"chunk checksums not verified: cannot run ewfverify: {exc.strerror}"

    def result(self) -> tuple[list[tuple[int, int]], str | None]:
        """The byte ranges [start, end) of chunks that fail their checksum, and why the
        check could not be made (None when it was)."""
        if self._process is None:
            return [], self._error
        out, err = self._process.communicate()
        ranges = [(int(first) * self._sector, (int(last) + 1) * self._sector)
                  for first, last in _BAD_SECTORS.findall(out)]
        if self._process.returncode not in (0, 1) or (self._process.returncode and not ranges
                                                      and b"MD5 hash calculated" not in out):
            detail = (err or out).decode("utf-8", "replace").strip().splitlines()
            return ranges, ("chunk checksums not verified: ewfverify failed"
                            + (f": {detail[-1]}" if detail else ""))
        return ranges, None

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
