"""LUKS2 volumes (the default of cryptsetup since 2.1: every recent Linux), opened read-only.

Written here because no maintained library reads them: libluksde (our LUKS1 path) stops at
version 2, and cryptsetup opens volumes through the kernel's device mapper, which needs root
and writes nothing to the evidence only if used with care. The format is public and small
(cryptsetup's docs/on-disk-format-luks2.pdf): a binary header, JSON metadata naming the
key slots, their key derivation (PBKDF2 or Argon2) and anti-forensic stripes, the digest
that checks a master key, and the encrypted data segment. The cryptography itself is
`cryptography`'s AES-XTS and `argon2-cffi`'s Argon2. Tested against volumes cryptsetup
encrypts itself (tests).

Supported: `luks2` key slots with PBKDF2 or Argon2i/Argon2id, AF stripes with SHA-1/256/512,
`aes-xts-plain64` segments with 512- or 4096-byte sectors. Anything else is named, locked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct

import numpy as np
from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MAGIC = b"LUKS\xba\xbe"
_HEADER = struct.Struct(">6sHQ")  # magic, version, header size (binary + JSON)
_BINARY = 4096
_CIPHER = "aes-xts-plain64"
# What cryptsetup makes (lib/luks2, lib/utils_pbkdf.c): a header asking for more is damaged
# or hostile, and is not allowed to make a worker allocate or read without bound.
_XTS_KEYS = (32, 64)  # AES-128-XTS or AES-256-XTS: two keys of 16 or 32 bytes
_STRIPES = 4000  # LUKS's anti-forensic split is always 4000 stripes
_ARGON2_MAX_KIB, _ARGON2_MAX_CPUS = 4 * 1024 * 1024, 4
# Work a key derivation may ask for: about a minute or two here, far above what cryptsetup's
# benchmark picks even for a long --iter-time (PBKDF2 ~2-4 million iterations for its 2 s
# default; Argon2 a time cost of 4-10 over 1 GiB), so that a header made to stall the
# ingest (2^32 iterations: hours, per key slot) is refused as damaged.
_PBKDF2_MAX_ITERATIONS = 1 << 28
_ARGON2_MAX_WORK = 64 * _ARGON2_MAX_KIB  # time cost x memory in KiB
_MAX_KEYSLOTS = 32  # LUKS2_KEYSLOTS_MAX


class Luks2Error(Exception):
    """A LUKS2 volume that cannot be opened as asked (said without any credential)."""


def is_luks2(head: bytes) -> bool:
    return head.startswith(MAGIC) and head[6:8] == b"\x00\x02"


class Luks2Volume:
    """The plain data segment of an unlocked LUKS2 volume, with the calls `UnlockedVolume`
    makes of a libyal handle (`get_size`, `read_buffer_at_offset`, `close`)."""

    def __init__(self, read, size: int, metadata: dict, master_key: bytes):
        segment = metadata["segments"]["0"]
        self._read = read  # (offset, length) -> bytes of the whole LUKS device
        self._offset = int(segment["offset"])
        self._size = (size - self._offset if segment["size"] == "dynamic"
                      else int(segment["size"]))
        self._sector = int(segment.get("sector_size", 512))
        self._tweak = int(segment.get("iv_tweak", "0"))
        self._key = master_key

    def get_size(self) -> int:
        return self._size

    def read_buffer_at_offset(self, length: int, offset: int) -> bytes:
        length = min(length, self._size - offset)
        if length <= 0:
            return b""
        first = offset // self._sector
        last = (offset + length - 1) // self._sector
        data = self._read(self._offset + first * self._sector, (last - first + 1) * self._sector)
        # plain64 counts 512-byte units whatever the sector size (cryptsetup sets no
        # iv_large_sectors for LUKS2; checked on volumes it encrypted with 4096-byte sectors)
        plain = xts_decrypt(self._key, data, first * (self._sector // 512) + self._tweak,
                            self._sector)
        start = offset - first * self._sector
        return plain[start:start + length]

    def close(self) -> None:
        pass


def open_volume(read, size: int, passphrases: list[tuple[str, bytes]]
                ) -> tuple[Luks2Volume, str]:
    """The volume unlocked with the first passphrase that opens a key slot, and which kind
    of credential it was; Luks2Error saying why none did."""
    metadata = read_metadata(read)
    segment = metadata["segments"].get("0", {})
    if segment.get("encryption") != _CIPHER:
        raise Luks2Error(f"LUKS2 data encrypted with {segment.get('encryption')!r}: only "
                         f"{_CIPHER} is read")
    damaged = None
    for kind, passphrase in passphrases:
        for slot_id, slot in sorted(metadata["keyslots"].items())[:_MAX_KEYSLOTS]:
            try:
                key = _try_slot(read, slot, passphrase)
                if key is not None and _digest_ok(metadata, slot_id, key):
                    return Luks2Volume(read, size, metadata, key), kind
            except (KeyError, TypeError, ValueError, OverflowError, HashingError,
                    AttributeError) as exc:  # a damaged or hostile header: that slot only
                damaged = damaged or f"LUKS2 key slot {slot_id} cannot be used: {exc!r}"
    raise Luks2Error(damaged or "the credentials given do not unlock it")


def read_metadata(read) -> dict:
    head = read(0, _HEADER.size)
    if len(head) < _HEADER.size:
        raise Luks2Error("not a LUKS2 header: the volume is shorter than one")
    magic, version, header_size = _HEADER.unpack(head)
    if magic != MAGIC or version != 2:
        raise Luks2Error("not a LUKS2 header")
    if not _BINARY < header_size <= 4 << 20:
        raise Luks2Error(f"LUKS2 header size {header_size} is not plausible")
    text = read(_BINARY, header_size - _BINARY).split(b"\0", 1)[0]
    try:
        metadata = json.loads(text)
    except ValueError as exc:
        raise Luks2Error(f"LUKS2 metadata cannot be read: {exc}") from exc
    if not isinstance(metadata, dict) or not all(
            isinstance(metadata.get(part), dict) for part in ("segments", "keyslots", "digests")) \
            or not isinstance(metadata["segments"].get("0", {}), dict):
        raise Luks2Error("LUKS2 metadata cannot be read: not the objects LUKS2 writes "
                         "(segments, keyslots, digests)")
    return metadata


def _try_slot(read, slot: dict, passphrase: bytes) -> bytes | None:
    """The master key candidate a key slot gives for `passphrase`, or None if unsupported."""
    area, af = slot.get("area", {}), slot.get("af", {})
    if slot.get("type") != "luks2" or area.get("encryption") != _CIPHER \
            or af.get("type") != "luks1":
        return None
    key_size, stripes = int(slot["key_size"]), int(af["stripes"])
    if key_size not in _XTS_KEYS or int(area["key_size"]) not in _XTS_KEYS \
            or not 0 < stripes <= _STRIPES:
        raise ValueError(f"key size {key_size}, area key size {area['key_size']}, "
                         f"{stripes} stripes")
    derived = _derive(slot["kdf"], passphrase, int(area["key_size"]))
    if derived is None:
        return None
    material = read(int(area["offset"]), -(-key_size * stripes // 512) * 512)
    split = xts_decrypt(derived, material, 0, 512)
    return af_merge(split[:key_size * stripes], key_size, stripes, af["hash"])


def _derive(kdf: dict, passphrase: bytes, size: int) -> bytes | None:
    salt = base64.b64decode(kdf["salt"])
    if kdf["type"] == "pbkdf2":
        return hashlib.pbkdf2_hmac(kdf["hash"], passphrase, salt,
                                   _iterations(kdf["iterations"]), size)
    if kdf["type"] in ("argon2i", "argon2id"):
        if int(kdf["memory"]) > _ARGON2_MAX_KIB or not 0 < int(kdf["cpus"]) <= _ARGON2_MAX_CPUS \
                or int(kdf["time"]) * int(kdf["memory"]) > _ARGON2_MAX_WORK:
            raise ValueError(f"Argon2 asks for {kdf['time']} passes over {kdf['memory']} KiB "
                             f"on {kdf['cpus']} threads")
        return hash_secret_raw(passphrase, salt, int(kdf["time"]), int(kdf["memory"]),
                               int(kdf["cpus"]), size,
                               Type.ID if kdf["type"] == "argon2id" else Type.I)
    return None


def _iterations(value) -> int:
    if not 0 < int(value) <= _PBKDF2_MAX_ITERATIONS:
        raise ValueError(f"PBKDF2 asks for {value} iterations")
    return int(value)


def _digest_ok(metadata: dict, slot_id: str, key: bytes) -> bool:
    for digest in metadata["digests"].values():
        if slot_id not in digest.get("keyslots", []) or digest.get("type") != "pbkdf2":
            continue
        expected = base64.b64decode(digest["digest"])
        found = hashlib.pbkdf2_hmac(digest["hash"], key, base64.b64decode(digest["salt"]),
                                    _iterations(digest["iterations"]), len(expected))
        if hmac.compare_digest(found, expected):
            return True
    return False


def af_merge(split: bytes, key_size: int, stripes: int, hash_name: str) -> bytes:
    """LUKS's anti-forensic merge: the stripes XORed, each but the last diffused by `hash`."""
    block = np.zeros(key_size, np.uint8)
    for stripe in range(stripes - 1):
        block ^= np.frombuffer(split, np.uint8, key_size, stripe * key_size)
        block = np.frombuffer(_diffuse(block.tobytes(), hash_name), np.uint8).copy()
    block ^= np.frombuffer(split, np.uint8, key_size, (stripes - 1) * key_size)
    return block.tobytes()


def _diffuse(data: bytes, hash_name: str) -> bytes:
    size = hashlib.new(hash_name).digest_size
    out = []
    for number, start in enumerate(range(0, len(data), size)):
        piece = data[start:start + size]
        out.append(hashlib.new(hash_name, struct.pack(">I", number) + piece).digest()[:len(piece)])
    return b"".join(out)


def xts_decrypt(key: bytes, data: bytes, first_iv: int, sector_size: int) -> bytes:
    """AES-XTS decryption of whole sectors of `sector_size` (`key`: the data key, then the
    tweak key), plain64 IVs: the first sector's is `first_iv`, each next one's
    `sector_size // 512` more (little-endian, 128 bits). One cipher object a sector is what
    `cryptography` allows (one tweak each): 150 MB/s here, faster than computing XTS's
    tweaks for every sector at once with numpy (106 MB/s, measured)."""
    count = len(data) // sector_size
    if count * sector_size != len(data):
        raise Luks2Error("XTS: whole sectors are needed")
    aes, step, out = algorithms.AES(key), sector_size // 512, []
    for number in range(count):
        tweak = (first_iv + number * step).to_bytes(16, "little")
        out.append(Cipher(aes, modes.XTS(tweak)).decryptor().update(
            data[number * sector_size:(number + 1) * sector_size]))
    return b"".join(out)
