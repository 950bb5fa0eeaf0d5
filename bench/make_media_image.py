"""Build (and cache) a raw disk image full of realistic media for the ingest bench.

The image is an MBR disk with one ext4 partition, populated without mounting
(``mkfs.ext4 -d DIR -E offset=...``), so no root is needed. It holds a mix
that looks like a seized home computer / phone dump:

* camera-size JPEGs (12-24 MP, 2-6 MB, with camera EXIF, in bursts of near
  duplicates) made from the photographs in Debian's plasma-workspace-wallpapers
  package, with a little sensor-like grain so their size is that of a real
  camera's;
* messenger / phone copies (1-2 MP), web images (JPEG, a few WebP and GIF),
  PNG screenshots;
* the BSDS500 photographs and the exif-samples camera files verbatim (read
  from /work/shared/testdata/photos, never copied into the repository);
* some non-media files (text, a .docx-like zip, PDF-like files, random
  binary), a few pictures hidden under a wrong extension, a few exact
  duplicates in other folders.

Everything is seeded, so the same size and seed give the same files. The
image, its manifest (path, size, MD5 of every file put in) and nothing else
stay in the cache folder (default ``~/.cache/triage-bench``); the staging
folder is removed once the image is built.

Run it alone to build or inspect the image::

    python bench/make_media_image.py --size-mb 520
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import hashlib
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1
SECTOR = 512
PARTITION_START_SECTOR = 2048  # 1 MiB alignment, as fdisk/sfdisk do
DEFAULT_CACHE = Path(os.environ.get("TRIAGE_BENCH_CACHE", Path.home() / ".cache" / "triage-bench"))
TESTDATA = Path(os.environ.get("TRIAGE_TESTDATA",
                               Path(__file__).resolve().parents[2] / "shared" / "testdata"))
WALLPAPER_PACKAGE = "plasma-workspace-wallpapers"

# Share of the target size given to each kind of content; "camera" fills the rest.
SHARES = {
    "exif_samples": 0.07,
    "bsds": 0.07,
    "web": 0.05,
    "phone": 0.15,
    "png": 0.06,
    "nonmedia": 0.03,
    "disguised": 0.01,
    "duplicates": 0.02,
}

CAMERAS = [
    ("Canon", "Canon EOS 80D", (6000, 4000), "100CANON", "IMG_{:04d}.JPG"),
    ("NIKON CORPORATION", "NIKON D7500", (5568, 3712), "100NIKON", "DSC_{:04d}.JPG"),
    ("Apple", "iPhone 11", (4032, 3024), "100APPLE", "IMG_{:04d}.JPG"),
    ("samsung", "SM-G973F", (4032, 3024), "Camera", "{date}_{time}.jpg"),
    ("Google", "Pixel 4a", (4032, 3024), "Camera", "PXL_{date}_{time}123.jpg"),
    ("SONY", "ILCE-6000", (6000, 4000), "100MSDCF", "DSC{:05d}.JPG"),
    ("OLYMPUS CORPORATION", "E-M10MarkII", (4608, 3456), "100OLYMP", "P{:07d}.JPG"),
    ("HUAWEI", "ELE-L29", (3648, 2736), "Camera", "IMG_{date}_{time}.jpg"),
]
USERS = ["alice", "bob", "chris"]
EVENTS = ["Holiday", "Birthday", "Garden", "Beach", "Hiking", "Wedding", "Christmas",
          "Paris trip", "New house", "Kids", "Dog", "Snow", "BBQ", "Concert", "Misc"]
WORDS = ("the of and to in is you that it he was for on are as with his they at be this "
         "from have or by one had not but what all were when we there can an your which "
         "their said if do will each about how up out them then she many some so these "
         "invoice meeting report draft budget notes password account order delivery").split()


@dataclass
class MediaImage:
    """A built bench image: where it is and what is inside."""

    path: Path
    manifest_path: Path
    sector_offset: int
    manifest: dict

    @property
    def files(self) -> list[dict]:
        return self.manifest["files"]

    @property
    def content_bytes(self) -> int:
        return sum(f["size"] for f in self.files)


# --------------------------------------------------------------------------- sources

def wallpaper_sources(cache_dir: Path) -> list[Path]:
    """One largest-size image per Plasma wallpaper, downloading the .deb if needed."""
    root = cache_dir / "sources" / WALLPAPER_PACKAGE
    wallpapers = root / "x" / "usr" / "share" / "wallpapers"
    if not wallpapers.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        print(f"[make_media_image] fetching {WALLPAPER_PACKAGE} with apt-get download "
              f"into {root} ...", file=sys.stderr)
        try:
            subprocess.run(["apt-get", "download", WALLPAPER_PACKAGE], cwd=root, check=True,
                           stdout=subprocess.DEVNULL)
            debs = sorted(root.glob("*.deb"))
            if not debs:
                raise RuntimeError("apt-get download produced no .deb")
            for deb in debs:
                subprocess.run(["dpkg", "-x", str(deb), str(root / "x")], check=True)
                deb.unlink()
        except (OSError, subprocess.CalledProcessError, RuntimeError) as exc:
            raise SystemExit(
                f"cannot get the Debian package {WALLPAPER_PACKAGE} ({exc}).\n"
                f"Needs apt-get and dpkg and access to a Debian mirror (run 'apt-get update' "
                f"first if the package is unknown). Alternatively unpack it by hand:\n"
                f"  mkdir -p {root} && cd {root} && apt-get download {WALLPAPER_PACKAGE} "
                f"&& dpkg -x *.deb x")
    picks = []
    for folder in sorted(p for p in wallpapers.iterdir() if p.is_dir()):
        images = [p for p in (folder / "contents" / "images").glob("*")
                  if p.suffix.lower() in (".jpg", ".jpeg", ".png")]
        if images:
            picks.append(max(images, key=lambda p: (_pixels(p.stem), p.stat().st_size)))
    if not picks:
        raise SystemExit(f"no wallpapers found under {wallpapers}")
    return picks


def _pixels(stem: str) -> int:
    try:
        w, h = stem.lower().split("x")
        return int(w) * int(h)
    except ValueError:
        return 0


def testdata_photos() -> tuple[list[Path], list[Path]]:
    bsds = sorted((TESTDATA / "photos" / "bsds500").glob("*.jpg"))
    exif_root = TESTDATA / "photos" / "exif-samples"
    exif = sorted(p for p in exif_root.rglob("*") if p.is_file()
                  and p.suffix.lower() in (".jpg", ".jpeg", ".tiff", ".tif", ".heic", ".heif", ".png"))
    if not bsds or not exif:
        raise SystemExit(f"test photographs not found under {TESTDATA / 'photos'} "
                         f"(set TRIAGE_TESTDATA to the shared testdata folder)")
    return bsds, exif


# --------------------------------------------------------------------------- rendering (workers)

@functools.lru_cache(maxsize=3)
def _load(path: str):
    from PIL import Image
    im = Image.open(path)
    im = im.convert("RGB")
    im.load()
    return im


@functools.lru_cache(maxsize=8)
def _noise(size: tuple[int, int], sigma: int):
    """Seeded luma grain centred on 128 (uniform, standard deviation `sigma`)."""
    from PIL import Image
    amp = sigma * math.sqrt(3)
    raw = Image.frombytes("L", size, random.Random(f"grain:{size}:{sigma}").randbytes(size[0] * size[1]))
    n = raw.point([max(0, min(255, round(128 + (v - 127.5) * amp / 127.5))) for v in range(256)])
    return Image.merge("RGB", (n, n, n))


def _exif_bytes(job: dict) -> bytes:
    from PIL import Image
    exif = Image.Exif()
    make, model, when = job["exif"]
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0112] = 1
    exif[0x0131] = "bench/make_media_image.py"
    exif[0x0132] = when
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = when
    sub[0x9004] = when
    return exif.tobytes()


def render(job: dict) -> tuple[str, int]:
    """Make one picture from a source photo as the job says; returns (relpath, size)."""
    from PIL import Image, ImageChops, ImageEnhance

    rnd = random.Random(job["seed"])
    src = _load(job["src"])
    sw, sh = src.size
    tw, th = job["size"]
    # Crop a region of the output's aspect ratio, 70-100 % of the largest that fits.
    aspect = tw / th
    cw = min(sw, int(sh * aspect))
    ch = int(cw / aspect)
    f = rnd.uniform(0.7, 1.0)
    cw, ch = max(16, int(cw * f)), max(16, int(ch * f))
    x = rnd.randint(0, sw - cw)
    y = rnd.randint(0, sh - ch)
    im = src.crop((x, y, x + cw, y + ch))
    resample = Image.LANCZOS if tw < cw else Image.BICUBIC
    im = im.resize((tw, th), resample)
    if rnd.random() < 0.3:
        im = im.transpose(Image.FLIP_LEFT_RIGHT)
    if rnd.random() < 0.5:
        im = ImageEnhance.Brightness(im).enhance(rnd.uniform(0.85, 1.15))
    if rnd.random() < 0.4:
        im = ImageEnhance.Contrast(im).enhance(rnd.uniform(0.85, 1.2))
    if job.get("grain"):
        noise = _noise((tw, th), job["grain"])
        im = ImageChops.add(im, noise, 1, -128)

    out = Path(job["out"])
    out.parent.mkdir(parents=True, exist_ok=True)
    fmt = job["format"]
    kw: dict = {}
    if fmt == "JPEG":
        kw = {"quality": job["quality"], "optimize": job.get("optimize", False),
              "progressive": job.get("progressive", False)}
        if job.get("exif"):
            kw["exif"] = _exif_bytes(job)
    elif fmt == "WEBP":
        kw = {"quality": job["quality"], "method": 3}
    elif fmt == "PNG":
        kw = {"compress_level": 6}
    elif fmt == "GIF":
        im = im.convert("P", palette=Image.ADAPTIVE, colors=128)
    im.save(out, fmt, **kw)
    os.utime(out, (job["mtime"], job["mtime"]))
    return job["rel"], out.stat().st_size


# --------------------------------------------------------------------------- planning

class Planner:
    """Deterministic job streams for every kind of content."""

    def __init__(self, seed: int, tree: Path, wallpapers: list[Path], bsds: list[Path], exif: list[Path]):
        self.seed = seed
        self.tree = tree
        self.wallpapers = wallpapers
        self.bsds = bsds
        self.exif = exif
        self.used: set[str] = set()

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    def unique(self, rel: str) -> str:
        base, dot, ext = rel.rpartition(".")
        if not dot:
            base, ext = rel, ""
        n, cand = 1, rel
        while cand.lower() in self.used:
            n += 1
            cand = f"{base}({n}){dot}{ext}"
        self.used.add(cand.lower())
        return cand

    @staticmethod
    def when(rnd: random.Random) -> _dt.datetime:
        start = _dt.datetime(2015, 1, 1)
        return start + _dt.timedelta(seconds=rnd.randint(0, 9 * 365 * 86400))

    def job(self, rnd, rel, src, size, fmt, quality=90, **extra) -> dict:
        rel = self.unique(rel)
        t = extra.pop("t", None) or self.when(rnd)
        return {"rel": rel, "out": str(self.tree / rel), "src": str(src), "size": size,
                "format": fmt, "quality": quality, "seed": rnd.getrandbits(32),
                "mtime": int(t.timestamp()), **extra}

    def camera(self):
        """Bursts of 1-4 shots of the same scene, as a camera roll has."""
        rnd = self.rng("camera")
        counters = {c[1]: rnd.randint(1, 3000) for c in CAMERAS}
        while True:
            make, model, (w, h), folder, pattern = rnd.choice(CAMERAS)
            owner = rnd.choice(USERS)
            src = rnd.choice(self.wallpapers)
            t = self.when(rnd)
            if rnd.random() < 0.5:
                top = f"DCIM/{folder}"
            else:
                top = f"Users/{owner}/Pictures/{t.year}/{rnd.choice(EVENTS)}"
            portrait = rnd.random() < 0.25
            grain = rnd.choice([3, 4, 5, 6])
            quality = rnd.choice([88, 90, 92, 95])
            for _ in range(rnd.choice([1, 1, 2, 3, 4])):
                counters[model] += 1
                name = pattern.format(counters[model] % 10000,
                                      date=t.strftime("%Y%m%d"), time=t.strftime("%H%M%S"))
                size = (h, w) if portrait else (w, h)
                yield self.job(rnd, f"{top}/{name}", src, size, "JPEG", quality, grain=grain,
                               exif=(make, model, t.strftime("%Y:%m:%d %H:%M:%S")), t=t)
                t += _dt.timedelta(seconds=rnd.randint(1, 20))

    def phone(self):
        """Messenger copies: 1-2 MP, no EXIF, lower quality."""
        rnd = self.rng("phone")
        n = 0
        while True:
            n += 1
            t = self.when(rnd)
            src = rnd.choice(self.wallpapers + self.bsds[:50])
            owner = rnd.choice(USERS)
            app = rnd.choice(["whatsapp", "telegram", "signal"])
            long_side = rnd.choice([1280, 1600, 2048])
            size = (long_side, long_side * 3 // 4)
            if rnd.random() < 0.4:
                size = size[::-1]
            if app == "whatsapp":
                rel = (f"Users/{owner}/Phone backup/WhatsApp/Media/WhatsApp Images/"
                       f"{'Sent/' if rnd.random() < 0.3 else ''}IMG-{t:%Y%m%d}-WA{n:04d}.jpg")
            elif app == "telegram":
                rel = f"Users/{owner}/Phone backup/Telegram/Telegram Images/{rnd.getrandbits(40)}_{n}.jpg"
            else:
                rel = f"Users/{owner}/Phone backup/Signal/signal-{t:%Y-%m-%d-%H%M%S}-{n}.jpg"
            yield self.job(rnd, rel, src, size, "JPEG", rnd.choice([70, 75, 80, 85]),
                           grain=rnd.choice([0, 2, 3]), t=t)

    def web(self):
        """Browser cache and downloads: small JPEGs, some WebP, a few GIFs."""
        rnd = self.rng("web")
        n = 0
        while True:
            n += 1
            src = rnd.choice(self.bsds + self.wallpapers)
            owner = rnd.choice(USERS)
            long_side = rnd.choice([480, 640, 800, 1024, 1280])
            size = (long_side, long_side * rnd.choice([9, 10, 12]) // 16)
            r = rnd.random()
            if r < 0.15:
                fmt, ext = "WEBP", "webp"
            elif r < 0.19:
                fmt, ext = "GIF", "gif"
                size = (size[0] // 2, size[1] // 2)
            else:
                fmt, ext = "JPEG", "jpg"
            if rnd.random() < 0.5:
                rel = (f"Users/{owner}/AppData/Local/Browser/Cache/{rnd.getrandbits(8):02x}/"
                       f"{rnd.getrandbits(64):016x}.{ext}")
            else:
                rel = f"Users/{owner}/Downloads/image_{n:04d}.{ext}"
            yield self.job(rnd, rel, src, size, fmt, rnd.choice([65, 75, 82, 90]),
                           progressive=rnd.random() < 0.3, optimize=rnd.random() < 0.3)

    def png(self):
        rnd = self.rng("png")
        n = 0
        while True:
            n += 1
            src = rnd.choice(self.wallpapers)
            owner = rnd.choice(USERS)
            t = self.when(rnd)
            size = rnd.choice([(1920, 1080), (1366, 768), (1280, 720), (1080, 1920)])
            rel = f"Users/{owner}/Pictures/Screenshots/Screenshot {t:%Y-%m-%d %H%M%S}.png"
            yield self.job(rnd, rel, src, size, "PNG", t=t)

    def disguised(self):
        """Pictures under a wrong or missing extension (content sniffing must find them)."""
        rnd = self.rng("disguised")
        n = 0
        while True:
            n += 1
            src = rnd.choice(self.wallpapers + self.bsds)
            owner = rnd.choice(USERS)
            rel = rnd.choice([f"Users/{owner}/AppData/Roaming/cache/{n:03d}.dat",
                              f"Users/{owner}/Documents/old/record_{n}.tmp",
                              f"Users/{owner}/.thumbnails/{rnd.getrandbits(64):016x}"])
            yield self.job(rnd, rel, src, (1600, 1200), "JPEG", 85, grain=3)


def _text(rnd: random.Random, nbytes: int) -> bytes:
    out, size = [], 0
    while size < nbytes:
        line = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 16))).capitalize() + ".\n"
        out.append(line)
        size += len(line)
    return "".join(out).encode()


def nonmedia_files(planner: Planner, budget: int) -> list[tuple[str, bytes, int]]:
    """Documents and binaries: (relpath, content, mtime) until the budget is used."""
    rnd = planner.rng("nonmedia")
    files, total, n = [], 0, 0
    while total < budget:
        n += 1
        owner = rnd.choice(USERS)
        t = int(planner.when(rnd).timestamp())
        kind = rnd.choice(["txt", "txt", "log", "docx", "pdf", "bin", "csv"])
        if kind in ("txt", "log"):
            rel = f"Users/{owner}/Documents/{rnd.choice(WORDS)}_{n}.{kind}"
            data = _text(rnd, rnd.randint(2_000, 200_000))
        elif kind == "csv":
            rel = f"Users/{owner}/Documents/export_{n}.csv"
            data = "\n".join(",".join(str(rnd.randint(0, 10**6)) for _ in range(8))
                             for _ in range(rnd.randint(100, 5000))).encode()
        elif kind == "docx":
            rel = f"Users/{owner}/Documents/{rnd.choice(WORDS)} {rnd.choice(WORDS)} {n}.docx"
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr(zipfile.ZipInfo("[Content_Types].xml", (2020, 1, 1, 0, 0, 0)), "<Types/>")
                z.writestr(zipfile.ZipInfo("word/document.xml", (2020, 1, 1, 0, 0, 0)),
                           b"<w:document><w:body>" + _text(rnd, rnd.randint(5_000, 80_000))
                           + b"</w:body></w:document>")
            data = buf.getvalue()
        elif kind == "pdf":
            rel = f"Users/{owner}/Downloads/{rnd.choice(WORDS)}_{n}.pdf"
            stream = rnd.randbytes(rnd.randint(20_000, 900_000))
            data = (b"%PDF-1.4\n1 0 obj<</Length " + str(len(stream)).encode()
                    + b">>stream\n" + stream + b"\nendstream endobj\ntrailer<<>>\n%%EOF\n")
        else:
            rel = rnd.choice([f"Users/{owner}/AppData/Local/Temp/~tmp{n:04d}.bin",
                              f"Program Files/App/data{n}.pak"])
            data = rnd.randbytes(rnd.randint(50_000, 3_000_000))
        files.append((planner.unique(rel), data, t))
        total += len(data)
    return files


# --------------------------------------------------------------------------- building

def _md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _run_stream(pool, jobs, budget: int, files: list, tree: Path, batch: int) -> int:
    """Render jobs in order until their sizes reach the budget; drop the overshoot."""
    total = 0
    while total < budget:
        chunk = [next(jobs) for _ in range(batch)]
        results = list(pool.map(render, chunk)) if pool else [render(j) for j in chunk]
        for job, (rel, size) in zip(chunk, results):
            if total >= budget:
                (tree / rel).unlink()
                continue
            src = Path(job["src"])
            source = src.parents[2].name if "wallpapers" in src.parts else "bsds500"
            files.append({"path": rel, "size": size, "origin": f"{job['format'].lower()}:{source}"})
            total += size
    return total


def populate(tree: Path, size_mb: int, seed: int, cache_dir: Path, workers: int) -> list[dict]:
    """Write the files into `tree`; returns manifest entries (path, size, origin)."""
    target = size_mb * 1_000_000
    wallpapers = wallpaper_sources(cache_dir)
    bsds, exif = testdata_photos()
    planner = Planner(seed, tree, wallpapers, bsds, exif)
    files: list[dict] = []
    rnd = planner.rng("verbatim")

    def copy(src: Path, rel: str, origin: str) -> int:
        rel = planner.unique(rel)
        dst = tree / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        t = int(planner.when(rnd).timestamp())
        os.utime(dst, (t, t))
        files.append({"path": rel, "size": dst.stat().st_size, "origin": origin})
        return files[-1]["size"]

    # Verbatim real camera files and the BSDS photographs, up to their share.
    used = 0
    exif_root = TESTDATA / "photos" / "exif-samples"
    for p in exif:
        if used >= SHARES["exif_samples"] * target:
            break
        used += copy(p, f"Users/{rnd.choice(USERS)}/Pictures/Camera samples/{p.relative_to(exif_root)}",
                     "exif-samples")
    used = 0
    bsds_order = bsds[:]
    rnd.shuffle(bsds_order)
    for i, p in enumerate(bsds_order):
        if used >= SHARES["bsds"] * target:
            break
        owner = rnd.choice(USERS)
        folder = rnd.choice(["Downloads/photos", "Pictures/Saved", "Desktop/pics/new", "Pictures/Saved/old"])
        used += copy(p, f"Users/{owner}/{folder}/{p.name}", "bsds500")

    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        batch = max(2, 2 * workers)
        for name, stream in [("web", planner.web()), ("phone", planner.phone()),
                             ("png", planner.png()), ("disguised", planner.disguised())]:
            t0 = time.monotonic()
            got = _run_stream(pool, stream, int(SHARES[name] * target), files, tree, batch)
            print(f"[make_media_image]   {name:10s} {got / 1e6:7.1f} MB  "
                  f"({time.monotonic() - t0:.0f} s)", file=sys.stderr)
        for rel, data, t in nonmedia_files(planner, int(SHARES["nonmedia"] * target)):
            dst = tree / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(data)
            os.utime(dst, (t, t))
            files.append({"path": rel, "size": len(data), "origin": "nonmedia"})
        # Exact duplicates: a few pictures copied to a second place.
        drnd = planner.rng("duplicates")
        pictures = [f for f in files if f["origin"] not in ("nonmedia",)]
        used = 0
        while used < SHARES["duplicates"] * target and pictures:
            f = drnd.choice(pictures)
            name = Path(f["path"]).name
            rel = planner.unique(f"Users/{drnd.choice(USERS)}/Desktop/copy of {name}")
            dst = tree / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(tree / f["path"], dst)
            files.append({"path": rel, "size": f["size"], "origin": "duplicate:" + f["path"]})
            used += f["size"]
        # Camera photos fill the rest.
        t0 = time.monotonic()
        have = sum(f["size"] for f in files)
        got = _run_stream(pool, planner.camera(), target - have, files, tree, batch)
        print(f"[make_media_image]   {'camera':10s} {got / 1e6:7.1f} MB  "
              f"({time.monotonic() - t0:.0f} s)", file=sys.stderr)
    finally:
        if pool:
            pool.shutdown()
    for f in files:
        f["md5"] = _md5(tree / f["path"])
    files.sort(key=lambda f: f["path"])
    return files


def _dir_bytes(tree: Path) -> tuple[int, int]:
    total, count = 0, 0
    for dirpath, dirnames, filenames in os.walk(tree):
        count += len(dirnames) + len(filenames)
        for n in filenames:
            total += os.path.getsize(os.path.join(dirpath, n))
    return total, count


def build_disk(tree: Path, image: Path, seed: int) -> int:
    """MBR + one ext4 partition filled from `tree`; returns the partition's sector offset."""
    data, entries = _dir_bytes(tree)
    # ext4 overhead: metadata, journal, inode tables, 4 KiB tail per file; start
    # generous and grow if mke2fs runs out of room.
    fs_bytes = int(data * 1.05) + entries * 4096 + 24 * 2**20
    rnd = random.Random(f"{seed}:disk")
    uuid = "%08x-%04x-%04x-%04x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16),
                                           0x4000 | rnd.getrandbits(12), 0x8000 | rnd.getrandbits(14),
                                           rnd.getrandbits(48))
    hash_seed = "%08x-%04x-%04x-%04x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16),
                                                0x4000 | rnd.getrandbits(12), 0x8000 | rnd.getrandbits(14),
                                                rnd.getrandbits(48))
    env = dict(os.environ, E2FSPROGS_FAKE_TIME="1600000000")
    for _attempt in range(4):
        fs_bytes = (fs_bytes + 2**20 - 1) // 2**20 * 2**20
        fs_sectors = fs_bytes // SECTOR
        total_sectors = PARTITION_START_SECTOR + fs_sectors
        if image.exists():
            image.unlink()
        with open(image, "wb") as f:
            f.truncate(total_sectors * SECTOR)
        table = (f"label: dos\nlabel-id: 0x{rnd.getrandbits(32):08x}\nunit: sectors\n\n"
                 f"start={PARTITION_START_SECTOR}, size={fs_sectors}, type=83\n")
        subprocess.run(["sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", str(image)],
                       input=table.encode(), check=True, stdout=subprocess.DEVNULL)
        proc = subprocess.run(
            ["mkfs.ext4", "-q", "-F", "-b", "4096", "-L", "BENCHDISK", "-U", uuid,
             "-E", f"offset={PARTITION_START_SECTOR * SECTOR},hash_seed={hash_seed}",
             "-d", str(tree), str(image), f"{fs_bytes // 1024}k"],
            capture_output=True, text=True, env=env)
        if proc.returncode == 0:
            return PARTITION_START_SECTOR
        if "No space" not in proc.stderr and "Could not allocate" not in proc.stderr:
            raise RuntimeError(f"mkfs.ext4 failed on {image}: {proc.stderr.strip()}")
        fs_bytes = int(fs_bytes * 1.15)
    raise RuntimeError(f"mkfs.ext4 ran out of space on {image} even at {fs_bytes} bytes")


def image_paths(cache_dir: Path, size_mb: int, seed: int) -> tuple[Path, Path]:
    stem = f"media-{size_mb}mb-seed{seed}-v{GENERATOR_VERSION}"
    return cache_dir / f"{stem}.img", cache_dir / f"{stem}.json"


def ensure_image(size_mb: int = 520, seed: int = 1, cache_dir: Path = DEFAULT_CACHE,
                 rebuild: bool = False, workers: int | None = None,
                 keep_tree: bool = False) -> MediaImage:
    """Return the cached bench image, building it first if missing or asked to."""
    cache_dir = Path(cache_dir).expanduser()
    cache_dir.mkdir(parents=True, exist_ok=True)
    image, manifest_path = image_paths(cache_dir, size_mb, seed)
    if not rebuild and image.exists() and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("image_size") == image.stat().st_size:
            return MediaImage(image, manifest_path, manifest["sector_offset"], manifest)
    for tool in ("sfdisk", "mkfs.ext4"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found: install fdisk and e2fsprogs")
    workers = workers or min(2, os.cpu_count() or 1)
    print(f"[make_media_image] building {image} ({size_mb} MB of media, seed {seed}, "
          f"{workers} workers) ...", file=sys.stderr)
    t0 = time.monotonic()
    manifest_path.unlink(missing_ok=True)
    tree = Path(tempfile.mkdtemp(prefix="tree-", dir=cache_dir))
    tmp_image = image.with_suffix(".img.tmp")
    try:
        files = populate(tree, size_mb, seed, cache_dir, workers)
        offset = build_disk(tree, tmp_image, seed)
        tmp_image.replace(image)
    finally:
        tmp_image.unlink(missing_ok=True)
        if keep_tree:
            print(f"[make_media_image] staging tree kept at {tree}", file=sys.stderr)
        else:
            shutil.rmtree(tree, ignore_errors=True)
    manifest = {"generator_version": GENERATOR_VERSION, "size_mb": size_mb, "seed": seed,
                "image": image.name, "image_size": image.stat().st_size,
                "sector_offset": offset, "filesystem": "ext4", "files": files}
    manifest_path.write_text(json.dumps(manifest, indent=1))
    built = MediaImage(image, manifest_path, offset, manifest)
    print(f"[make_media_image] built in {time.monotonic() - t0:.0f} s: {len(files)} files, "
          f"{built.content_bytes / 1e6:.1f} MB of content, image {image.stat().st_size / 1e6:.1f} MB",
          file=sys.stderr)
    return built


def summary(img: MediaImage) -> str:
    from collections import Counter
    kinds = Counter()
    sizes = Counter()
    for f in img.files:
        ext = Path(f["path"]).suffix.lower() or "(none)"
        kinds[ext] += 1
        sizes[ext] += f["size"]
    lines = [f"{img.path}  ({img.path.stat().st_size / 1e6:.1f} MB image, partition at sector "
             f"{img.sector_offset}, {len(img.files)} files, {img.content_bytes / 1e6:.1f} MB content)"]
    for ext, n in kinds.most_common():
        lines.append(f"  {ext:8s} {n:6d} files {sizes[ext] / 1e6:9.1f} MB")
    big = sorted(f["size"] for f in img.files)
    lines.append(f"  file size: min {big[0] / 1e3:.0f} KB, median {big[len(big) // 2] / 1e3:.0f} KB, "
                 f"max {big[-1] / 1e6:.1f} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=520, help="media content to put in (MB, 10^6 bytes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--rebuild", action="store_true", help="build again even if cached")
    ap.add_argument("--workers", type=int, default=None, help="processes for rendering (default 2)")
    ap.add_argument("--keep-tree", action="store_true", help="keep the staging folder (debugging)")
    args = ap.parse_args(argv)
    img = ensure_image(args.size_mb, args.seed, args.cache_dir, args.rebuild, args.workers, args.keep_tree)
    print(summary(img))
    return 0


if __name__ == "__main__":
    sys.exit(main())
