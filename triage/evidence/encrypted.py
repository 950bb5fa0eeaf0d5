"""Encrypted volumes (BitLocker, LUKS1 and LUKS2, FileVault 2) unlocked with the examiner's
credentials, read as plain volumes through libbde-python, libluksde-python, libfvde-python
and, for LUKS2, which libluksde does not read, `evidence/luks2.py`.

FileVault 2 (a Core Storage volume) is built the same way as BitLocker, but no FileVault
image can be made on Linux and none is in the test data: what is tested is its recognition,
the locked and wrong-credential paths on a fabricated header libfvde rejects, and that
credentials are never stored. Opening a real volume (its first logical volume, unlocked with
a password or the recovery key) has NOT been tried on a real image.

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
import pyfvde
import pyluksde

from triage.evidence.base import OpenedVolume, Source, SourceRange, reason
from triage.evidence.luks2 import Luks2Error, is_luks2, open_volume

BITLOCKER, LUKS, FILEVAULT = "BitLocker", "LUKS", "FileVault"
_TO_GO_GUID = bytes.fromhex("3bd66749292ed84a8399f6a339e3d001")  # BitLocker To Go wrapper


@dataclass(frozen=True)
class VolumeKeys:
    """The credentials given for one ingest or unlock; tried in turn on every encrypted
    volume of the evidence named with them."""

    passwords: tuple[str, ...] = ()
    recovery_keys: tuple[str, ...] = ()
    key_files: tuple[str, ...] = ()  # BitLocker .BEK, LUKS key file, FileVault .wipekey

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
    if is_core_storage(head):
        return FILEVAULT
    return None


def is_core_storage(head: bytes) -> bool:
    """A Core Storage physical volume header: "CS" at byte 88, format version 1 at byte 8
    (the version check keeps a stray "CS" in some other boot sector from matching)."""
    return head[88:90] == b"CS" and head[8:10] == b"\x01\x00"


_UNLOCKED = "(unlocked with a "  # in a partition's layers: it is read through this volume


def unlocked_description(kind: str, credential: str) -> str:
    """The layer an unlocked volume adds to its partition's description, for people; the
    case store knows it by the partition's `unlocked_with` (a description holds names the
    suspect chose, and is never parsed)."""
    return f" › {kind} {_UNLOCKED}{credential})"


def is_bitlocker_to_go(head: bytes) -> bool:
    """A To Go volume is a readable FAT wrapper around the encrypted data."""
    return head[0x1A8:0x1B8] == _TO_GO_GUID


class UnlockedVolume(OpenedVolume):
    """The plain content of an unlocked volume: a source TSK reads like any image."""

    format = "unlocked-volume"

    def __init__(self, outer: Source, kind: str, handle: Any, credential: str,
                 plain: Any = None):
        """`plain` reads the unlocked content where it is not `handle` itself (FileVault:
        the Core Storage volume's first logical volume)."""
        plain = plain if plain is not None else handle
        super().__init__(outer.paths, plain, plain.get_size(), f"{kind} volume")
        self.kind, self.credential, self._handle = kind, credential, handle

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
    if not attempts:
        return f"no credential a {kind} volume takes was given (a password or recovery key)"
    problem = None
    for credential, configure in attempts:
        handle = _HANDLES[kind]()
        try:
            configure(handle)
            handle.open_file_object(SourceRange(source, offset, length), "r")
        except (OSError, IOError, ValueError) as exc:
            problem = _open_problem(kind, reason(exc))
            continue
        plain = _opened(kind, handle, configure)
        if plain is not None:
            return UnlockedVolume(source, kind, handle, credential, plain)
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


def _opened(kind: str, handle: Any, configure: Callable) -> Any:
    """What reads the plain content once the credential is set, or None if still locked."""
    if kind == FILEVAULT:
        return _filevault_logical_volume(handle, configure)
    if handle.is_locked():
        try:
            handle.unlock()
        except (OSError, IOError):
            pass
    return None if handle.is_locked() else handle


def _filevault_logical_volume(handle: Any, configure: Callable) -> Any:
    """The first logical volume of a Core Storage volume group, unlocked (libfvde unlocks
    per logical volume; a FileVault Mac has one). Not tried on a real image: none here."""
    try:
        group = handle.get_volume_group()
        if group.get_number_of_logical_volumes() < 1:
            return None
        logical = group.get_logical_volume(0)
        if logical.is_locked():
            configure(logical)
            logical.unlock()
        return None if logical.is_locked() else logical
    except (OSError, IOError, ValueError, AttributeError):
        return None


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


def _filevault_attempts(keys: VolumeKeys) -> list[tuple[str, Callable]]:
    """FileVault: the user's password or the 24-character recovery key. A key file is not
    a credential here: it is an EncryptedRoot.plist.wipekey (from the Recovery HD partition)
    libfvde reads before each attempt, for volumes whose own copy cannot be read."""
    def configure(set_credential: Callable) -> Callable:
        def apply(handle: Any) -> None:
            if hasattr(handle, "read_encrypted_root_plist"):  # the volume, not a logical one
                for plist in keys.key_files:
                    handle.read_encrypted_root_plist(str(Path(plist)))
            set_credential(handle)
        return apply
    return ([("password", configure(lambda h, p=p: h.set_password(p)))
             for p in keys.passwords]
            + [("recovery key", configure(lambda h, k=k: h.set_recovery_password(k.strip())))
               for k in keys.recovery_keys])


_ATTEMPTS = {BITLOCKER: _bitlocker_attempts, LUKS: _luks_attempts,
             FILEVAULT: _filevault_attempts}
_HANDLES = {BITLOCKER: pybde.volume, LUKS: pyluksde.volume, FILEVAULT: pyfvde.volume}
