"""Gallery speed: time to the first painted thumbnails and frame times while scrolling,
on a synthetic case of a million media, against a small case in the same run.

Each size is built once into a cache folder (in a child process, so the
measuring process's peak RSS is the GUI's alone): bulk inserts of media
(one file each; stacks of four every tenth group, 1 % known-good, 0.5 %
alert, 5 % tagged), and real thumbnails (a handful of BSDS500 photographs
made into 256 px JPEGs by the ingest's own thumbnailer) stored for every
tile the scroll plan below will paint. The measurement opens the case in
the real MainWindow (offscreen) and:

* first thumbnails: from `open_case` to the first screen of tiles painted
  with their pictures (count, first page, thumbnails read and decoded on
  their threads, then a paint);
* continuous scroll: FRAMES steps of a quarter tile, each step a scroll,
  a synchronous repaint and the events that arrived (pages, thumbnails);
  median, 95th percentile, worst, and frames over 50 ms;
* jumps: the scroll bar dragged to JUMPS places from top to bottom; the
  frame time of each jump and the time until that screen was complete;
* peak RSS of the measuring process.

    python bench/gallery.py                   # 10,000 (baseline) and 1,000,000 media
    python bench/gallery.py --sizes 1000000   # only the big one
    python bench/gallery.py --rebuild         # build the cases again
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

CACHE = Path(os.environ.get("TRIAGE_BENCH_CACHE", "/tmp/triage-bench-gallery"))
WINDOW = (1400, 900)
FRAMES = 400
JUMPS = 25
SLOW_FRAME_S = 0.050
BATCH = 50_000
PHOTOS = 8


# -- building (child process) ----------------------------------------------------------


def _thumbnails() -> list[bytes]:
    from PIL import Image

    from testdata import PHOTOS as PHOTO_DIR
    from triage.media.thumbnail import thumbnail_jpeg

    photos = sorted((PHOTO_DIR / "bsds500").glob("*.jpg"))[:PHOTOS]
    if not photos:
        from PIL import ImageDraw

        pictures = []
        for i in range(PHOTOS):
            picture = Image.new("RGB", (320, 240), (30 * i, 120, 200 - 20 * i))
            ImageDraw.Draw(picture).ellipse((40 + 10 * i, 40, 200, 200), fill=(250, 200, 0))
            pictures.append(picture)
    else:
        pictures = [Image.open(p).convert("RGB") for p in photos]
    return [thumbnail_jpeg(p) for p in pictures]


def _rows(n: int):
    """Media, file, verdict and tag rows for n media, a batch at a time."""
    from triage.case.clock import utcnow
    from triage.case.models import EntryKind, TagSourceKind, TagState, WorkStatus

    now = utcnow()
    for start in range(1, n + 1, BATCH):
        media, files, verdicts, tags = [], [], [], []
        for i in range(start, min(n + 1, start + BATCH)):
            group = (i - 1) // 4
            stacked = group % 10 == 0
            stack_id = group * 4 + 1 if stacked else i
            media.append({
                "id": i, "sha256": f"{i:064x}", "sha1": f"{i:040x}", "md5": f"{i:032x}",
                "size": 50_000 + (i * 7919) % 3_000_000, "detected_type": "image/jpeg",
                "analysed": True, "width": 640, "height": 480, "stack_id": stack_id,
                "stack_representative": stack_id == i})
            files.append({
                "id": i, "evidence_id": 1, "partition_id": 1,
                "path": f"/DCIM/{i // 1000:04d}/IMG_{i:07d}.jpg", "name": f"IMG_{i:07d}.jpg",
                "kind": EntryKind.FILE, "deleted": i % 97 == 0, "size": 1000,
                "extension_mismatch": False, "media_id": i, "status": WorkStatus.DONE,
                "mtime": now})
            if i % 100 == 0:
                verdicts.append({"media_id": i, "sets": 1, "alert": False, "known_good": True,
                                 "conflicting": False, "category": None})
            elif i % 200 == 7:
                verdicts.append({"media_id": i, "sets": 1, "alert": True, "known_good": False,
                                 "conflicting": False, "category": "vics-us:1"})
            elif i % 20 == 3:
                tags.append({"media_id": i, "source_kind": TagSourceKind.EXAMINER,
                             "source_name": "", "scheme": "vics-us", "category": "0",
                             "examiner": "bench", "at": now, "state": TagState.CURRENT,
                             "working_category": "0", "version": 1})
        yield media, files, verdicts, tags


def build(folder: Path, n: int) -> None:
    """The synthetic case and the thumbnails of every tile the scroll plan paints."""
    from triage.review.gallery import GalleryFilter, gallery_page
    from triage.case.models import Evidence, File, HashSetVerdict, Media, Partition, Tag
    from triage.case.models import WorkStatus
    from triage.case.clock import utcnow
    from triage.case.store import open_case

    store = open_case(folder, create=True, examiner="bench")
    started = time.perf_counter()
    with store.session() as session:
        session.add(Evidence(id=1, name="synthetic.E01", format="ewf", paths=["/nowhere"],
                             added_at=utcnow(), added_by="bench", walk_status=WorkStatus.DONE,
                             hash_status=WorkStatus.DONE))
        session.add(Partition(id=1, evidence_id=1, index=0, offset=1048576, fs_type="ntfs"))
    for media, files, verdicts, tags in _rows(n):
        with store.session() as session:
            for model, rows in ((Media, media), (File, files), (HashSetVerdict, verdicts),
                                (Tag, tags)):
                if rows:
                    session.execute(model.__table__.insert(), rows)
    print(f"  built {n:,} media in {time.perf_counter() - started:.1f} s", flush=True)
    jpegs = _thumbnails()
    wanted: set[str] = set()
    with store.reading() as session:
        f = GalleryFilter(categories=("uncategorised",))  # the gallery's default view
        for offset, limit in plan_offsets(session, f):
            wanted.update(i.sha256 for i in gallery_page(session, f, offset, limit).items)
    store.thumbnails.put_many((sha, "thumbnail", jpegs[k % len(jpegs)])
                              for k, sha in enumerate(sorted(wanted)))
    print(f"  {len(wanted):,} thumbnails stored", flush=True)
    store.close()
    (folder / "built").write_text(str(n))


def plan_offsets(session, f):
    """(offset, count) of the tiles the scroll plan can show: the top and each jump."""
    from triage.review.gallery import count_media

    total = count_media(session, f)
    screen = 400  # tiles: more than one screen at any window size used here
    yield 0, 2500  # the continuous scroll from the top
    for k in range(JUMPS + 1):
        start = max(0, min(total - screen, total * k // JUMPS - screen // 2))
        yield start, screen


def ensure_case(n: int, rebuild: bool) -> Path:
    folder = CACHE / f"case-{n}"
    if rebuild or not (folder / "built").is_file():
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        print(f"building a case of {n:,} media in {folder} …", flush=True)
        subprocess.run([sys.executable, __file__, "--build-one", str(n), str(folder)],
                       check=True)
    return folder


# -- measuring -------------------------------------------------------------------------


def _screen_complete(gallery) -> bool:
    """Every tile on screen has its row and its picture (or is known to have none)."""
    view, model, cache = gallery.view, gallery.model, gallery.cache
    grid = gallery.grid
    top = view.rowAt(0)
    bottom = view.rowAt(view.viewport().height() - 1)
    if top < 0:
        return model.rowCount() == 0
    bottom = grid.rowCount() - 1 if bottom < 0 else bottom
    for row in range(top * grid.columns, min(model.rowCount(), (bottom + 1) * grid.columns)):
        item = model.item(row)
        if item is None or not cache.known(item.sha256):
            return False
    return True


def _pump_until(app, condition, timeout: float = 60.0) -> float:
    started = time.perf_counter()
    while not condition():
        app.processEvents()
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the gallery did not finish in time")
        time.sleep(0.0005)
    return time.perf_counter() - started


def measure(folder: Path) -> dict:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from triage.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    settings = QSettings(str(CACHE / "settings.ini"), QSettings.Format.IniFormat)
    settings.clear()
    window = MainWindow(settings=settings)
    window.resize(*WINDOW)
    window.show()
    app.processEvents()
    rss_before = _rss_mb()
    started = time.perf_counter()
    window.open_case(str(folder))
    _pump_until(app, lambda: window.case_view is not None)
    gallery = window.case_view.gallery
    _pump_until(app, lambda: gallery.model.rowCount() > 0)  # the first page, maybe uncounted
    gallery.view.viewport().repaint()
    _pump_until(app, lambda: _screen_complete(gallery))
    gallery.view.viewport().repaint()
    first = time.perf_counter() - started
    _pump_until(app, lambda: not gallery.model.loading)  # counted: the scroll bar is true

    bar = gallery.view.verticalScrollBar()
    frames = []
    for _ in range(FRAMES):
        t = time.perf_counter()
        bar.setValue(bar.value() + bar.singleStep())
        gallery.view.viewport().repaint()
        app.processEvents()
        frames.append(time.perf_counter() - t)
    jumps, settle = [], []
    for k in range(1, JUMPS + 1):
        t = time.perf_counter()
        bar.setValue(bar.maximum() * k // JUMPS)
        gallery.view.viewport().repaint()
        app.processEvents()
        jumps.append(time.perf_counter() - t)
        settle.append(_pump_until(app, lambda: _screen_complete(gallery)) + jumps[-1])
        gallery.view.viewport().repaint()
    reachable = min(gallery.model.rowCount(),
                    gallery.view.verticalHeader().count() * gallery.grid.columns)
    result = {"tiles": gallery.model.rowCount(), "first": first, "frames": frames,
              "jumps": jumps, "settle": settle, "rss_before": rss_before, "rss": _rss_mb(),
              "cache_mb": gallery.cache.bytes_held / 2**20, "reachable": reachable,
              "last_painted": _last_tile_painted(app, gallery)}
    window.close()
    app.processEvents()
    return result


def _last_tile_painted(app, gallery) -> bool:
    """Ctrl+End: the last tile of the case is current, on screen, and painted with its picture."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    view, grid, model = gallery.view, gallery.grid, gallery.model
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    view.viewport().repaint()
    _pump_until(app, lambda: _screen_complete(gallery))
    view.viewport().repaint()
    last = model.rowCount() - 1
    on_screen = view.viewport().rect().contains(view.visualRect(grid.to_cell(last)))
    return view.current_row() == last and on_screen and model.item(last) is not None


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def report(n: int, r: dict) -> None:
    frames, jumps, settle = r["frames"], r["jumps"], r["settle"]
    slow = sum(f > SLOW_FRAME_S for f in frames + jumps)
    p95 = statistics.quantiles(frames, n=20)[-1]
    print(f"{n:>10,} {r['tiles']:>10,} {_ms(r['first'])} {_ms(statistics.median(frames))} "
          f"{_ms(p95)} {_ms(max(frames))} {_ms(statistics.median(jumps))} "
          f"{_ms(max(jumps))} {_ms(statistics.median(settle))} {slow:>5} "
          f"{r['rss']:8.0f} {r['reachable']:>10,} {'yes' if r['last_painted'] else 'NO':>4}",
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-one", nargs=2, metavar=("N", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--measure-one", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_one:
        build(Path(args.build_one[1]), int(args.build_one[0]))
        return 0
    if args.measure_one:
        import json

        print(json.dumps(measure(Path(args.measure_one))))
        return 0
    folders = {n: ensure_case(n, args.rebuild) for n in args.sizes}
    print(f"\nwindow {WINDOW[0]}×{WINDOW[1]}, offscreen; {FRAMES} scroll frames of a quarter "
          f"tile, {JUMPS} scroll-bar jumps; times in ms; load average "
          f"{os.getloadavg()[0]:.2f}")
    print(f"{'media':>10} {'tiles':>10} {'first':>7} {'median':>7} {'p95':>7} {'worst':>7} "
          f"{'jump':>7} {'jumpmax':>7} {'settle':>7} {'>50ms':>5} {'RSS MB':>8} "
          f"{'reachable':>10} {'last':>4}")
    every_tile_reached = True
    for n, folder in folders.items():
        import json

        out = subprocess.run([sys.executable, __file__, "--measure-one", str(folder)],
                             check=True, capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        report(n, result)
        every_tile_reached &= result["last_painted"] and result["reachable"] == result["tiles"]
    print("first: open_case to the first screen painted with its thumbnails (goal < 1000 ms)."
          "\nmedian/p95/worst: continuous scroll frames (goal: median < 16 ms)."
          "\njump: the frame after a scroll-bar jump; settle: until that screen has its tiles"
          " and pictures.\n>50ms: frames (scroll and jump) over 50 ms. RSS: peak of the "
          "measuring process.\nreachable: tiles the view's rows can scroll to (must equal "
          "tiles); last: Ctrl+End made the case's last tile current, on screen and painted.")
    if not every_tile_reached:
        print("FAILED: some tiles of a case cannot be reached by scrolling")
    return 0 if every_tile_reached else 1


if __name__ == "__main__":
    sys.exit(main())
