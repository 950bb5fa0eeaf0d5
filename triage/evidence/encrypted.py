"""Encrypted volumes (BitLocker, LUKS1 and LUKS2) unlocked with the examiner's credentials, read
as plain volumes through libbde-python, libluksde-python and, for LUKS2, which libluksde does
not read, `evidence/luks2.py`.

Credentials live only in memory, in a VolumeKeys handed from the command line or
the GUI to the walk and to the workers: they are never written to the case, the
audit log or any log (their repr hides them). What the case keeps is that a
volume was unlocked, with which kind of credential, by whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pybde
import pyluksde

from triage.evidence.base import EvidenceError, Source, SourceRange, reason
from triage.evidence.luks2 import Luks2Error, is_luks2, open_volume

BITLOCKER, LUKS = "BitLocker", "LUKS"
_TO_GO_GUID = bytes.fromhex("3bd66749292ed84a8399f6a339e3d001")  # BitLocker To Go wrapper


@dataclass(frozen=True)
class VolumeKeys:
    """The credentials given for one ingest or unlock; tried in turn on every encrypted
    volume of the evidence named with them."""

    passwords: tuple[str, ...] = ()
    recovery_keys: tuple[str, ...] = ()
    key_files: tuple[str, ...] = ()  # BitLocker startup keys (.BEK)

    def __bool__(self) -> bool:
        return bool(self.passwords or self.recovery_keys or self.key_files)

    def __repr__(self) -> str:  # never show a credential, even in a traceback
        return (f"VolumeKeys({len(self.passwords)} passwords, {len(self.recovery_keys)} "
                f"recovery keys, {len(self.key_files)} key files)")

    __str__ = __repr__


def encryption_of(head: bytes) -> str | None:
    """Which encrypted volume starts with `head`, if any."""
    if head[3:11] == b"-FVE-FS-" or head[0x1A8:0x1B8] == _TO_GO_GUID:
        return BITLOCKER
    if head.startswith(b"LUKS\xba\xbe"):
        return LUKS
    return None


def is_bitlocker_to_go(head: bytes) -> bool:
    """A To Go volume is a readable FAT wrapper around the encrypted data."""
    return head[0x1A8:0x1B8] == _TO_GO_GUID


class UnlockedVolume(Source):
    """The plain content of an unlocked volume: a source TSK reads like any image."""

    format = "unlocked-volume"

    def __init__(self, outer: Source, kind: str, handle: Any, credential: str):
        super().__init__(outer.paths)
        self.kind, self.credential, self._handle = kind, credential, handle
        self._size = int(handle.get_size())

    @property
    def size(self) -> int:
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        length = min(length, self._size - offset)
        if length <= 0:
            return b""
        try:
            return self._handle.read_buffer_at_offset(length, offset)
        except (OSError, IOError) as exc:
            raise EvidenceError(f"{self.kind} volume: cannot read {length} bytes at {offset}: "
                                f"{reason(exc)}") from exc

    def close(self) -> None:
        self._handle.close()


def unlock(source: Source, offset: int, length: int, kind: str,
           keys: VolumeKeys) -> UnlockedVolume | str:
    """The unlocked volume, or why it stays locked (never naming a credential)."""
    if not keys:
        return "no password, recovery key or key file given"
    if kind == LUKS and is_luks2(source.read(offset, 8)):
        return _unlock_luks2(source, offset, length, keys)
    attempts = _ATTEMPTS[kind](keys)
    problem = None
    for credential, configure in attempts:
        handle = pybde.volume() if kind == BITLOCKER else pyluksde.volume()
        try:
            configure(handle)
            handle.open_file_object(SourceRange(source, offset, length), "r")
        except (OSError, IOError, ValueError) as exc:
            problem = _open_problem(kind, reason(exc))
            continue
        if handle.is_locked():
            try:
                handle.unlock()
            except (OSError, IOError):
                pass
        if not handle.is_locked():
            return UnlockedVolume(source, kind, handle, credential)
        handle.close()
    return problem or "the credentials given do not unlock it"


def _unlock_luks2(source: Source, offset: int, length: int,
                  keys: VolumeKeys) -> UnlockedVolume | str:
    """LUKS2: passwords, and key files' bytes as passphrases (as cryptsetup reads them)."""
    passphrases = ([("password", p.encode()) for p in keys.passwords]
                   + [("key file", Path(f).read_bytes()) for f in keys.key_files])
    try:
        volume, credential = open_volume(lambda at, size: source.read(offset + at, size),
                                         length, passphrases)
    except Luks2Error as exc:
        return str(exc)
    return UnlockedVolume(source, f"{LUKS}2", volume, credential)


def _open_problem(kind: str, detail: str) -> str:
    if "metadata" in detail and "unable to read" in detail:
        return f"its {kind} metadata cannot be read: the image is cut short or damaged"
    return f"cannot open the {kind} volume: {detail}"


def _bitlocker_attempts(keys: VolumeKeys) -> list[tuple[str, Callable]]:
    return ([("password", lambda h, p=p: h.set_password(p)) for p in keys.passwords]
            + [("recovery key", lambda h, k=k: h.set_recovery_password(k.strip()))
               for k in keys.recovery_keys]
            + [("startup key file", lambda h, f=f: h.read_startup_key(str(Path(f))))
               for f in keys.key_files])


def _luks_attempts(keys: VolumeKeys) -> list[tuple[str, Callable]]:
    """LUKS has no recovery key; a key file's bytes are a passphrase, as cryptsetup reads it."""
    return ([("password", lambda h, p=p: h.set_password(p)) for p in keys.passwords]
            + [("key file", lambda h, f=f: h.set_password(
                Path(f).read_bytes().decode("latin-1"))) for f in keys.key_files])


_ATTEMPTS = {BITLOCKER: _bitlocker_attempts, LUKS: _luks_attempts}
