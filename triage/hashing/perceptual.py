"""Perceptual hashes of a decoded picture: pHash, dHash and PDQ.

Each hasher declares what it is (name, bit length, distance metric) and
implements one ``_compute(grey)`` on the greyscale picture; the base class
owns conversion and the hex form. :func:`hash_picture` converts a picture to
greyscale once and runs every hasher on it.

pHash and dHash are imagehash's algorithms (64 bits, same bit order, same hex
strings as ``str(imagehash.phash(im))``): given the same picture the values
are bit-identical to imagehash's, which ``tests/test_perceptual.py`` checks.
They differ from imagehash on the full-size file only where the caller hands
in a reduced decode (see ``triage.media.decode``).

PDQ is Meta's algorithm from its 64x64 luma stage on: the DCT, median
threshold and quality score are bit-identical to ``pdqhash.compute`` on a
64x64 input (for which pdqhash, like the reference C++, skips its own
downscaling). The 64x64 luma is an area average of the picture instead of
PDQ's Jarosz tent filter on the full-size image: it costs a fraction, and it
is steadier when the same picture comes at another size (PDQ's own filter
aliases on pictures of a few hundred pixels). Measured against
``pdqhash.compute`` on the full-size decode it differs by a few bits out of
256 (figures in ``bench/hashing.py --equivalence``), well inside PDQ's usual
match radius of 31.

Imports nothing else of ours.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.fftpack
from PIL import Image

__all__ = [
    "DHash", "Hasher", "PDQ", "PHash", "PictureHashes",
    "hamming", "hash_picture", "pdq_from_luma64", "to_grey",
]

LANCZOS = Image.Resampling.LANCZOS
BOX = Image.Resampling.BOX


class Hasher(ABC):
    """A perceptual hash: declare what it is, then compute bits from a greyscale picture."""

    name: ClassVar[str]
    hash_length: ClassVar[int]
    dtype: ClassVar[str] = "bool"
    distance_metric: ClassVar[str] = "hamming"

    def compute(self, picture: Image.Image) -> str:
        """The hash of a picture in any mode, as lower-case hex (most significant bit first)."""
        return bits_to_hex(self._compute(to_grey(picture)))

    @abstractmethod
    def _compute(self, grey: Image.Image) -> np.ndarray:
        """`hash_length` booleans, most significant first, from a mode "L" picture."""

    @classmethod
    def distance(cls, a: str, b: str) -> int:
        return hamming(a, b)


class PHash(Hasher):
    """imagehash.phash: DCT of a 32x32 Lanczos greyscale, low 8x8 block above its median."""

    name = "phash"
    hash_length = 64

    def _compute(self, grey: Image.Image) -> np.ndarray:
        pixels = np.asarray(grey.resize((32, 32), LANCZOS))
        # scipy.fftpack exactly as imagehash calls it, so ties at the median fall the same way.
        dct = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)
        low = dct[:8, :8]
        return (low > np.median(low)).ravel()


class DHash(Hasher):
    """imagehash.dhash: 9x8 Lanczos greyscale, is each pixel brighter than its left neighbour."""

    name = "dhash"
    hash_length = 64

    def _compute(self, grey: Image.Image) -> np.ndarray:
        pixels = np.asarray(grey.resize((9, 8), LANCZOS))
        return (pixels[:, 1:] > pixels[:, :-1]).ravel()


# PDQ's 16x64 DCT matrix as the reference builds it: float scale times double cosine, stored as float.
_PDQ_DCT = (np.float64(np.float32(np.sqrt(2.0 / 64)))
            * np.cos((np.pi / 2.0 / 64) * (np.arange(16)[:, None] + 1.0)
                     * (2.0 * np.arange(64)[None, :] + 1.0))).astype(np.float32)


class PDQ(Hasher):
    """Meta's PDQ from a 64x64 area-averaged luma; also yields PDQ's 0-100 quality score."""

    name = "pdq"
    hash_length = 256

    def _compute(self, grey: Image.Image) -> np.ndarray:
        return self._compute_with_quality(grey)[0]

    def compute_with_quality(self, picture: Image.Image) -> tuple[str, int]:
        bits, quality = self._compute_with_quality(to_grey(picture))
        return bits_to_hex(bits), quality

    def _compute_with_quality(self, grey: Image.Image) -> tuple[np.ndarray, int]:
        luma = np.asarray(grey.resize((64, 64), BOX) if grey.size != (64, 64) else grey)
        return pdq_from_luma64(luma)


def pdq_from_luma64(luma: np.ndarray) -> tuple[np.ndarray, int]:
    """PDQ bits (most significant first) and quality from a 64x64 luma buffer.

    The reference's steps after its downscale: 16x16 block of a 64x64 DCT
    (frequencies 1-16), each coefficient above the median (Torben's: the 128th
    smallest of 256) sets a bit; quality counts large neighbour differences.
    """
    a = np.asarray(luma, dtype=np.float32)
    if a.shape != (64, 64):
        raise ValueError(f"PDQ needs a 64x64 luma buffer, got {a.shape}")
    coeffs = ((_PDQ_DCT @ a) @ _PDQ_DCT.T).ravel()
    median = np.partition(coeffs, 127)[127]
    bits = (coeffs > median)[::-1]  # the reference's bit i*16+j is coefficient [i][j]; hex starts at bit 255
    return bits, _pdq_quality(a)


def _pdq_quality(a: np.ndarray) -> int:
    """The reference's integer gradient score: sum of |trunc((u - v) * 100 / 255)| / 90, at most 100."""
    hundred, full = np.float32(100), np.float32(255)
    down = np.trunc((a[:-1, :] - a[1:, :]) * hundred / full).astype(np.int64)
    right = np.trunc((a[:, :-1] - a[:, 1:]) * hundred / full).astype(np.int64)
    return min(100, int((np.abs(down).sum() + np.abs(right).sum()) // 90))


def to_grey(picture: Image.Image) -> Image.Image:
    """Mode "L" as imagehash gets it (``convert("L")``); 16-bit and float pictures scaled, not clipped."""
    if picture.mode == "L":
        return picture
    if picture.mode.startswith("I;16") or picture.mode == "I":
        values = np.asarray(picture.convert("I") if picture.mode != "I" else picture)
        top = 65535 if picture.mode.startswith("I;16") or values.max(initial=0) > 255 else 255
        return Image.fromarray((np.clip(values, 0, top) * (255 / top)).astype(np.uint8))
    if picture.mode == "F":
        return Image.fromarray(np.clip(np.asarray(picture), 0, 255).astype(np.uint8))
    return picture.convert("L")


def bits_to_hex(bits: np.ndarray) -> str:
    return np.packbits(np.asarray(bits, dtype=bool)).tobytes().hex()


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hashes of the same kind given as hex."""
    if len(a) != len(b):
        raise ValueError(f"hashes of different lengths: {len(a) * 4} and {len(b) * 4} bits")
    return (int(a, 16) ^ int(b, 16)).bit_count()


@dataclass(frozen=True)
class PictureHashes:
    phash: str
    dhash: str
    pdq: str
    pdq_quality: int


_PHASH, _DHASH, _PDQ = PHash(), DHash(), PDQ()


def hash_picture(picture: Image.Image) -> PictureHashes:
    """All three hashes from one greyscale conversion of `picture`."""
    grey = to_grey(picture)
    pdq_bits, quality = _PDQ._compute_with_quality(grey)
    return PictureHashes(
        phash=bits_to_hex(_PHASH._compute(grey)),
        dhash=bits_to_hex(_DHASH._compute(grey)),
        pdq=bits_to_hex(pdq_bits),
        pdq_quality=quality,
    )
