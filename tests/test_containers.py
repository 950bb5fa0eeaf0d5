"""Pictures inside containers (issue 18): archives, nested, given as evidence, hostile ones.

Every fixture is built here with zipfile, tarfile, libarchive and Pillow; the
third-party archives come from the shared test data (dfVFS).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from concurrent.futures import Future
from pathlib import Path

import libarchive
import pytest
from PIL import Image
from sqlalchemy import func, select

from triage.case.models import File, Media, WorkStatus
from triage.review.queries import iter_files
from triage.case.store import open_case
from triage.pipeline.content import media_reader
from triage.pipeline.expand import ContainerLimits
from triage.pipeline.ingest import Ingest, IngestOptions

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the evidence-tree test opens Qt

SHARED = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "containers"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/testdata/containers")


def picture(colour: tuple[int, int, int], kind: str = "JPEG", size=(48, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED, **kw) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method, **kw) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_bytes(members: dict[str, bytes], mode="w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_600_000_000
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class InProcessExecutor:
    """The per-file work in this process: quick, and the same functions a pool runs."""

    workers = 1

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed over as a worker would
            future.set_exception(exc)
        return future

    def shutdown(self, cancel: bool = False) -> None:
        pass


def ingest(case: Path, *evidence: Path, **options):
    from triage.pipeline.work import forget_analysed

    forget_analysed()  # as a new run's workers would: this process ran other cases
    store = open_case(case, create=True)
    run = Ingest(store, "tester", IngestOptions(**options), executor=InProcessExecutor())
    for path in evidence:
        run.add(path)
    summary = run.run()
    return store, summary


def listing(store) -> dict[str, object]:
    with store.reading() as session:
        return {item.path: item for item in iter_files(session)}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def nested(tmp_path):
    """A folder with pack.zip » inner.zip » n0.jpg, a tar.gz, odd member names and a PNG."""
    folder = tmp_path / "evidence"
    downloads = folder / "Users" / "x" / "Downloads"
    downloads.mkdir(parents=True)
    pictures = {name: picture(colour) for name, colour in
                (("n0", (200, 10, 10)), ("a", (10, 200, 10)), ("evil", (10, 10, 200)),
                 ("abs", (90, 90, 10)), ("g", (0, 90, 90)))}
    inner = zip_bytes({"n0.jpg": pictures["n0"]}, zipfile.ZIP_STORED)
    (downloads / "pack.zip").write_bytes(zip_bytes({
        "inner.zip": inner, "dir/": b"", "dir/a.jpg": pictures["a"],
        "../../etc/evil.jpg": pictures["evil"], "/etc/abs.jpg": pictures["abs"]}))
    (folder / "Users" / "x" / "t.tar.gz").write_bytes(tar_bytes({"pics/g.jpg": pictures["g"]}))
    return folder, pictures


def test_items_inside_nested_archives_are_files_with_their_whole_chain(tmp_path, nested):
    folder, pictures = nested
    store, summary = ingest(tmp_path / "case", folder)
    rows = listing(store)
    pack = "/Users/x/Downloads/pack.zip"
    n0 = rows[f"{pack} » inner.zip » n0.jpg"]
    assert n0.sha256 == sha256(pictures["n0"]) and n0.detected_type == "image/jpeg"
    assert n0.md5 == hashlib.md5(pictures["n0"]).hexdigest()
    assert n0.width == 48 and n0.phash  # decoded once, like a file
    assert n0.container_path == "n0.jpg" and n0.container_kind == "zip"
    assert n0.parent_id == rows[f"{pack} » inner.zip"].file_id
    assert rows[f"{pack} » inner.zip"].parent_id == rows[pack].file_id
    assert rows[pack].parent_id is None and rows[pack].container_path is None
    # names as the archive gives them: shown, never used as a place to write
    assert rows[f"{pack} » ../../etc/evil.jpg"].sha256 == sha256(pictures["evil"])
    assert rows[f"{pack} » /etc/abs.jpg"].sha256 == sha256(pictures["abs"])
    assert rows[f"{pack} » dir"].kind == "dir"
    assert rows[f"{pack} » dir/a.jpg"].sha256 == sha256(pictures["a"])
    tar = rows["/Users/x/t.tar.gz » pics/g.jpg"]
    assert tar.sha256 == sha256(pictures["g"]) and tar.mtime.year == 2020
    assert summary.file_errors == 0
    assert not (tmp_path / "etc").exists() and not (tmp_path.parent / "etc" / "evil.jpg").exists()


def test_every_item_is_read_again_through_its_chain(tmp_path, nested):
    folder, pictures = nested
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False)
    read = media_reader(store)
    for data in pictures.values():
        assert b"".join(read(sha256(data))) == data


def run_triage(*args):
    return subprocess.run([sys.executable, "-m", "triage", *map(str, args)],
                          capture_output=True, text=True)


def test_cli_lists_the_chain_and_counts_containers(tmp_path, nested):
    folder, _ = nested
    case = tmp_path / "case"
    assert run_triage("ingest", case, folder, "--workers", "2").returncode == 0
    import csv

    result = run_triage("files", case, "--csv")
    rows = {r["path"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    item = rows["/Users/x/Downloads/pack.zip » inner.zip » n0.jpg"]
    assert item["container_path"] == "n0.jpg" and item["container_kind"] == "zip"
    assert item["parent_id"] == rows["/Users/x/Downloads/pack.zip » inner.zip"]["file_id"]
    info = run_triage("info", case).stdout
    assert "Inside:    gzip 1, zip 6" in info


def test_vics_media_files_carry_the_chain(tmp_path, nested):
    from triage.export import ExportOptions, export_case

    folder, pictures = nested
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False)
    out = tmp_path / "vics.json"
    export_case(store, "vics", out, ExportOptions(scheme="vics-us", selection="all"),
                examiner="bob")
    [case] = json.loads(out.read_bytes())["value"]
    md5 = hashlib.md5(pictures["n0"]).hexdigest().upper()
    [media] = [m for m in case["Media"] if m["MD5"] == md5]
    [where] = media["MediaFiles"]
    assert where["FileName"] == "n0.jpg"
    assert where["FilePath"].endswith("Users\\x\\Downloads\\pack.zip » inner.zip\\")


def test_third_party_archives_streams_and_a_damaged_gzip(tmp_path):
    store, summary = ingest(tmp_path / "case", SHARED, analyse_media=False)
    rows = listing(store)
    syslog = hashlib.sha256()
    for name in ("syslog.gz", "syslog.bz2", "syslog.xz"):
        assert rows[f"/{name} » syslog"].size == 1247, name
    assert rows["/syslog.tgz » syslog"].sha256 == rows["/syslog.gz » syslog"].sha256
    assert rows["/zip_absolute_paths.zip » /folder/syslog"].size == 1247
    assert rows["/tar_absolute_paths.tar » /folder/wtmp.1"].size == 1537
    assert rows["/zip_with_directory.zip » folder"].kind == "dir"
    damaged = rows["/corrupt1.gz » corrupt1"]
    assert damaged.error and "damaged" in damaged.error and damaged.sha256 is None
    assert rows["/corrupt1.gz"].sha256  # the stream itself is still a hashed file
    assert syslog and summary.file_errors == 1  # only the damaged stream's content


def test_an_archive_given_as_evidence_is_read_as_a_file_system(tmp_path, nested):
    _, pictures = nested
    extraction = tmp_path / "extraction.zip"
    extraction.write_bytes(zip_bytes({
        "DCIM/": b"", "DCIM/one.jpg": pictures["a"],
        "Download/inner.zip": zip_bytes({"n0.jpg": pictures["n0"]})}))
    store, summary = ingest(tmp_path / "case", extraction)
    rows = listing(store)
    assert rows["/DCIM/one.jpg"].sha256 == sha256(pictures["a"])
    assert rows["/DCIM"].kind == "dir"
    assert rows["/Download/inner.zip » n0.jpg"].sha256 == sha256(pictures["n0"])
    assert rows["/DCIM/one.jpg"].evidence == "extraction.zip"
    read = media_reader(store)
    assert b"".join(read(sha256(pictures["n0"]))) == pictures["n0"]
    with store.reading() as session:
        evidence = session.execute(select(File.evidence_id)).first()
    assert evidence and summary.file_errors == 0


def test_seven_zip(tmp_path):
    data = picture((1, 2, 3))
    folder = tmp_path / "evidence"
    folder.mkdir()
    with libarchive.file_writer(str(folder / "x.7z"), "7zip") as writer:
        writer.add_file_from_memory("p/a.jpg", len(data), data)
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False)
    assert listing(store)["/x.7z » p/a.jpg"].sha256 == sha256(data)


# -- hostile containers -------------------------------------------------------------------


def test_a_zip_bomb_is_stopped_and_the_rest_goes_on(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    ok = picture((5, 5, 5))
    (folder / "bomb.zip").write_bytes(zip_bytes({"zeros.bin": bytes(40 << 20), "z.jpg": ok}))
    (folder / "after.jpg").write_bytes(ok)
    limits = ContainerLimits(min_budget=1 << 20, max_ratio=20)
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False, containers=limits)
    rows = listing(store)
    assert "expansion stopped" in rows["/bomb.zip » zeros.bin"].error
    assert "expansion stopped" in rows["/bomb.zip"].error and rows["/bomb.zip"].sha256
    assert rows["/after.jpg"].sha256 == sha256(ok)


def test_nesting_is_cut_at_the_depth_limit(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    data = zip_bytes({"deep.jpg": picture((1, 1, 1))})
    for level in range(6):
        data = zip_bytes({f"level{level}.zip": data} | {f"copy{n}.zip": data for n in range(2)})
    (folder / "42.zip").write_bytes(data)
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False,
                      containers=ContainerLimits(max_depth=3))
    rows = listing(store)
    deepest = max(rows, key=lambda p: p.count(" » "))
    assert deepest.count(" » ") == 3
    assert "nested deeper than 3" in rows[deepest].error
    assert not any(p.endswith("deep.jpg") for p in rows)


def test_a_damaged_member_is_an_error_and_the_others_are_read(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    first, last = picture((1, 50, 1)), picture((1, 1, 50))
    data = bytearray(zip_bytes({"one.jpg": first, "two.bin": bytes(range(256)) * 100,
                                "three.jpg": last}))
    start = data.find(b"two.bin") + len("two.bin") + 5  # into its deflated data
    data[start:start + 30] = bytes(b ^ 0x55 for b in data[start:start + 30])
    (folder / "damaged.zip").write_bytes(bytes(data))
    (folder / "truncated.zip").write_bytes(zip_bytes({"one.jpg": first, "two.jpg": last},
                                                     zipfile.ZIP_STORED)[:len(first) + 200])
    stored = bytearray(zip_bytes({"crc.bin": b"x" * 1000}, zipfile.ZIP_STORED))
    stored[stored.find(b"x" * 1000) + 500] = ord("y")  # read whole, but not what was stored
    (folder / "crc.zip").write_bytes(bytes(stored))
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False)
    rows = listing(store)
    crc = rows["/crc.zip » crc.bin"]
    assert crc.sha256 and "damaged" in crc.error and "CRC" in crc.error
    assert rows["/damaged.zip » one.jpg"].sha256 == sha256(first)
    assert rows["/damaged.zip » two.bin"].error
    assert rows["/damaged.zip » three.jpg"].sha256 == sha256(last)
    assert rows["/truncated.zip » one.jpg"].sha256 == sha256(first)
    assert rows["/truncated.zip"].error  # why the listing stopped


def _encrypted_zip(path: Path, members: dict[str, bytes], password: str) -> None:
    with libarchive.file_writer(str(path), "zip", options="encryption=zipcrypt",
                                passphrase=password) as writer:
        for name, data in members.items():
            writer.add_file_from_memory(name, len(data), data)


def test_encrypted_items_are_flagged_then_read_with_the_password(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    secret = picture((77, 0, 77))
    _encrypted_zip(folder / "locked.zip", {"secret.jpg": secret, "other.txt": b"x" * 10}, "pw1")
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False)
    rows = listing(store)
    locked = rows["/locked.zip » secret.jpg"]
    assert locked.encrypted and locked.sha256 is None and locked.size == len(secret)
    assert "encrypted" in locked.error and "password" in rows["/locked.zip"].error
    store.close()

    store, _ = ingest(tmp_path / "case", folder, analyse_media=False,
                      passwords=("wrong", "pw1"))
    rows = listing(store)
    opened = rows["/locked.zip » secret.jpg"]
    assert opened.sha256 == sha256(secret) and opened.error is None and opened.encrypted
    assert rows["/locked.zip"].error is None
    assert sum(1 for p in rows if p.endswith("secret.jpg")) == 1  # read again, not doubled
    assert b"".join(media_reader(store)(sha256(secret))) == secret


# -- resume ------------------------------------------------------------------------------


def _noise_jpeg(seed: int) -> bytes:
    import numpy as np

    pixels = np.random.default_rng(seed).integers(0, 256, (160, 160, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _csv_without_ids(case: Path) -> list[tuple]:
    import csv

    result = run_triage("files", case, "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # row ids (and stack ids, a media row's id) follow the order results were written in:
    # not part of what was found
    ids = ("file_id", "parent_id", "stack_id")
    return sorted(tuple(v for k, v in row.items() if k not in ids) for row in rows)


def _status_of(case: Path, name: str) -> str | None:
    import sqlite3

    if not (case / "case.sqlite").exists():
        return None
    with sqlite3.connect(case / "case.sqlite") as connection:
        try:
            row = connection.execute("SELECT status FROM file WHERE name = ?",
                                     (name,)).fetchone()
        except sqlite3.OperationalError:  # killed before the tables were made
            return None
    return row and row[0]


def _mid_archive(case: Path) -> bool:
    """The archive not read yet, or listed for the pool with some of its files still to do."""
    import sqlite3

    if _status_of(case, "big.zip") == "PENDING":
        return True
    with sqlite3.connect(case / "case.sqlite") as connection:
        pending = connection.execute(
            "SELECT count(*) FROM file WHERE parent_id IS NOT NULL AND status = 'PENDING'"
        ).fetchone()[0]
    return pending > 0


@pytest.mark.slow
def test_sigkill_in_the_middle_of_an_archive_then_resume_gives_the_same_case(tmp_path):
    import signal
    import time

    folder = tmp_path / "evidence"
    folder.mkdir()
    pictures = {f"p{i:03}.jpg": _noise_jpeg(i) for i in range(300)}  # listed for the pool
    (folder / "big.zip").write_bytes(zip_bytes(
        pictures | {"inner.zip": zip_bytes({"n0.jpg": picture((3, 3, 3))})}))
    for i in range(20):
        (folder / f"loose{i}.jpg").write_bytes(_noise_jpeg(1000 + i))
    reference = tmp_path / "reference"
    assert run_triage("ingest", reference, folder, "--workers", "2").returncode == 0

    case = tmp_path / "case"
    killed_mid_archive = 0
    for delay in (0.2, 0.5, 1.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "triage", "ingest", str(case), str(folder), "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if _status_of(case, "big.zip") == "PENDING":
                break
            time.sleep(0.01)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        killed_mid_archive += _mid_archive(case)
    assert killed_mid_archive, "no kill landed while the archive was being read"
    assert run_triage("ingest", case, folder, "--workers", "2").returncode == 0
    listed, expected = _csv_without_ids(case), _csv_without_ids(reference)
    differ = [(a, b) for a, b in zip(listed, expected) if a != b]
    assert not differ, [[(i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]
                        for a, b in differ[:3]]
    assert len(listed) == len(expected)
    assert sum(1 for row in listed if " » " in row[3]) == 302


# -- documents, mail, databases ------------------------------------------------------------


def _docx(pictures: dict[str, bytes]) -> bytes:
    parts = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    return zip_bytes(parts | {f"word/media/{n}": d for n, d in pictures.items()})


def _odt(pictures: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        for name, data in pictures.items():
            archive.writestr(f"Pictures/{name}", data)
    return buffer.getvalue()


def _pdf(jpeg: bytes, password: str | None = None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    one = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(one, "PDF")
    writer = PdfWriter()
    for page in list(PdfReader(io.BytesIO(one.getvalue())).pages) * 2:  # on two pages
        writer.add_page(page)
    if password:
        writer.encrypt(password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _eml(attachments: dict[str, bytes], subject="holiday") -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", subject
    message["Date"] = "Tue, 01 Sep 2020 10:00:00 +0000"
    message.set_content("see attached")
    for name, data in attachments.items():
        message.add_attachment(data, maintype="image", subtype="jpeg", filename=name)
    return message.as_bytes()


def _sqlite(blobs: dict[int, bytes], path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, text TEXT, "
                           "thumbnail BLOB, key BLOB)")
        for rowid, data in blobs.items():
            connection.execute("INSERT INTO messages VALUES (?, 'hi', ?, ?)",
                               (rowid, data, os.urandom(200)))
    connection.close()


def test_documents_mail_and_databases_give_their_pictures(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    p = {n: picture(c) for n, c in (("docx", (1, 9, 9)), ("odt", (9, 1, 9)), ("pdf", (9, 9, 1)),
                                    ("eml", (50, 9, 9)), ("mbox", (9, 50, 9)),
                                    ("db", (9, 9, 50)), ("dbzip", (90, 9, 9)))}
    (folder / "report.docx").write_bytes(_docx({"image1.jpeg": p["docx"]}))
    (folder / "letter.odt").write_bytes(_odt({"photo.jpg": p["odt"]}))
    (folder / "scan.pdf").write_bytes(_pdf(p["pdf"]))
    (folder / "mail.eml").write_bytes(_eml({"holiday.jpg": p["eml"]}))
    mbox = b"".join(b"From a@example.org Tue Sep  1 10:00:00 2020\n" + _eml(a, s) + b"\n"
                    for a, s in (({}, "one"), ({"beach.jpg": p["mbox"]}, "two")))
    (folder / "Inbox").write_bytes(mbox)
    _sqlite({7: p["db"], 8: zip_bytes({"z.jpg": p["dbzip"]})}, folder / "chat.db")
    store, summary = ingest(tmp_path / "case", folder, analyse_media=False)
    rows = listing(store)
    expected = {
        "/report.docx » word/media/image1.jpeg": ("docx", "ooxml"),
        "/letter.odt » Pictures/photo.jpg": ("odt", "odf"),
        "/scan.pdf » page 1/image.jpg": ("pdf", "pdf"),
        "/mail.eml » holiday.jpg": ("eml", "eml"),
        "/Inbox » message 2/beach.jpg": ("mbox", "mbox"),
        "/chat.db » messages/thumbnail/rowid 7": ("db", "sqlite"),
        "/chat.db » messages/thumbnail/rowid 8 » z.jpg": ("dbzip", "zip"),
    }
    for path, (key, kind) in expected.items():
        assert rows[path].sha256 == sha256(p[key]), path  # a PDF's JPEG byte for byte
        assert rows[path].container_kind == kind, path
    assert not any(path.startswith("/scan.pdf » page 2") for path in rows)  # one picture
    assert not any("/key/" in path for path in rows)  # random BLOBs are not items
    assert rows["/mail.eml » holiday.jpg"].mtime.year == 2020
    assert summary.file_errors == 0


def test_an_encrypted_pdf_is_flagged_then_opened_with_the_password(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    jpeg = picture((40, 40, 90))
    (folder / "locked.pdf").write_bytes(_pdf(jpeg, password="pdfpw"))
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False)
    locked = listing(store)["/locked.pdf"]
    assert locked.encrypted and "password" in locked.error and locked.sha256
    store.close()
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False, passwords=("pdfpw",))
    rows = listing(store)
    assert rows["/locked.pdf » page 1/image.jpg"].sha256 == sha256(jpeg)
    assert rows["/locked.pdf"].error is None


def test_items_read_back_in_any_order_from_one_open_archive(tmp_path):
    from triage.evidence import ContentReader
    from triage.pipeline.content import locator, locator_query

    folder = tmp_path / "evidence"
    folder.mkdir()
    members = {f"m{i}.bin": os.urandom(100 + i) for i in range(30)}
    members["inner.zip"] = zip_bytes({"deep.bin": b"deep" * 50})
    (folder / "many.tgz").write_bytes(tar_bytes(members))
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False)
    with store.reading() as session:
        rows = session.execute(locator_query(File.name, Media.sha256)
                               .join(Media, File.media_id == Media.id)
                               .where(File.parent_id.is_not(None))).all()
    assert len(rows) == 32
    reader = ContentReader()
    for row in rows + rows[::-1]:  # forward (one pass), then backward (from the top each)
        assert sha256(b"".join(reader.chunks(locator(row)))) == row.sha256
    reader.close()


def _thumbcache(version: int, thumbnails: dict[int, bytes]) -> bytes:
    """A thumbcache_*.db as the format documents it (header, then CMMM entries)."""
    import struct

    first = 24 if version < 30 else 28
    if version < 30:
        header = struct.pack("<4sIIIII", b"CMMM", version, 1, first, 0, len(thumbnails))
    else:
        header = struct.pack("<4sIIIIII", b"CMMM", version, 1, 0, first, 0, len(thumbnails))
    entries = b""
    for cache_id, data in [(0x1234, b"")] + list(thumbnails.items()):  # an empty entry first
        identifier = f"{cache_id:016x}".encode("utf-16-le")
        fields = struct.pack("<III", len(identifier), 0, len(data))
        if version >= 30:
            fields += struct.pack("<II", 96, 64)
        fields += struct.pack("<IQQ", 0, 0, 0)
        extension = b"j\0p\0g\0\0\0" if version == 20 else b""
        body = extension + fields + identifier + data
        entries += struct.pack("<4sIQ", b"CMMM", 16 + len(body), cache_id) + body
    return header + entries


@pytest.mark.parametrize("version", [20, 21, 32])
def test_thumbnail_cache_entries_are_items(tmp_path, version):
    folder = tmp_path / "evidence"
    folder.mkdir()
    thumbs = {0xDEADBEEF00000001: picture((1, 1, 1), size=(96, 64)),
              0x00000000CAFE0002: picture((2, 2, 2), "PNG", size=(32, 32))}
    (folder / "thumbcache_96.db").write_bytes(_thumbcache(version, thumbs))
    store, summary = ingest(tmp_path / "case", folder, analyse_media=False)
    rows = listing(store)
    first = rows["/thumbcache_96.db » deadbeef00000001"]
    assert first.sha256 == sha256(thumbs[0xDEADBEEF00000001])
    assert rows["/thumbcache_96.db » 00000000cafe0002"].detected_type == "image/png"
    assert rows["/thumbcache_96.db » 00000000cafe0002"].container_kind == "thumbcache"
    assert len([p for p in rows if " » " in p]) == 2 and summary.file_errors == 0


def _chromium_entry(url: str, body: bytes, key_sha256: bool = True) -> bytes:
    """A simple-cache entry file (`<hash>_0`) as Chromium writes it."""
    import struct
    import zlib

    key = f"1/0/_dk_https://example.org https://example.org {url}".encode()
    headers = b"HTTP/1.1 200\0content-type: image/jpeg\0\0"
    eof = struct.Struct("<QIII4x")
    out = struct.pack("<QIII4x", 0xFCFB6D1BA7725C30, 5, len(key), 0) + key
    out += body + eof.pack(0xF4FA6F45970D41D8, 0, zlib.crc32(body), len(body))
    out += headers + (hashlib.sha256(key).digest() if key_sha256 else b"")
    return out + eof.pack(0xF4FA6F45970D41D8, 2 if key_sha256 else 0, 0, len(headers))


def test_chromium_cache_bodies_are_items_named_by_url(tmp_path):
    folder = tmp_path / "evidence" / "Cache_Data"
    folder.mkdir(parents=True)
    jpeg = picture((3, 60, 120))
    (folder / "0a1b2c3d4e5f6071_0").write_bytes(_chromium_entry("https://cdn.example/p.jpg",
                                                                  jpeg))
    (folder / "1111111111111111_0").write_bytes(_chromium_entry("https://x.example/", b"<html>",
                                                                  key_sha256=False))
    (folder / "2222222222222222_0").write_bytes(_chromium_entry("https://y.example/", jpeg)[:-10])
    store, _ = ingest(tmp_path / "case", folder.parent, analyse_media=False)
    rows = listing(store)
    item = rows["/Cache_Data/0a1b2c3d4e5f6071_0 » https://cdn.example/p.jpg"]
    assert item.sha256 == sha256(jpeg) and item.container_kind == "chromium-cache"
    assert rows["/Cache_Data/1111111111111111_0 » https://x.example/"].size == 6
    assert "truncated" in rows["/Cache_Data/2222222222222222_0"].error


def _blockfile(number: int, block: int, bodies: dict[int, bytes], blocks: int = 16) -> bytes:
    """A Chromium blockfile cache's `data_N` (8 KB header, then `blocks` blocks), with each
    body at its block."""
    import struct

    header = struct.pack("<IIhhi", 0xC104CAC3, 0x30000, number, 0, block)
    data = bytearray(header.ljust(8192, b"\0") + bytes(block * blocks))
    for index, body in bodies.items():
        data[8192 + index * block:8192 + index * block + len(body)] = body
    return bytes(data)


def test_chromium_blockfile_bodies_are_items_named_by_their_block(tmp_path):
    """Bodies of the older cache kept in block files; the entry's length is in another file,
    so each is measured by its own structure; other data and the rankings file give nothing."""
    folder = tmp_path / "evidence" / "Cache"
    folder.mkdir(parents=True)
    jpeg, png = picture((200, 30, 30), size=(40, 24)), picture((1, 2, 3), "PNG", size=(20, 20))
    assert len(jpeg) <= 4 * 1024 and len(png) <= 1024
    noise = bytes(range(256)) * 4
    (folder / "data_2").write_bytes(_blockfile(2, 1024, {1: jpeg, 6: noise, 9: png}))
    (folder / "data_0").write_bytes(_blockfile(0, 36, {0: png[:36]}))
    store, summary = ingest(tmp_path / "case", folder.parent, analyse_media=False)
    rows = listing(store)
    items = {path: row for path, row in rows.items() if " » " in path}
    assert set(items) == {"/Cache/data_2 » data_2 block 0x1.jpg",
                          "/Cache/data_2 » data_2 block 0x9.png"}
    assert items["/Cache/data_2 » data_2 block 0x1.jpg"].sha256 == sha256(jpeg)
    assert items["/Cache/data_2 » data_2 block 0x9.png"].sha256 == sha256(png)
    assert {row.container_kind for row in items.values()} == {"chromium-blockfile"}
    assert summary.file_errors == 0


CRASHING_PARSER = """
import os
import triage.evidence.containers.archive as archive

_real = archive.Archive.members


def _crashing(self):
    if "crash" in self.name:
        os._exit(70)
    return _real(self)


archive.Archive.members = _crashing
"""


@pytest.mark.slow
def test_a_container_whose_parser_kills_its_worker_is_hashed_unopened(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(CRASHING_PARSER)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(site)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    folder = tmp_path / "evidence"
    folder.mkdir()
    jpeg = picture((8, 8, 8))
    (folder / "crash.zip").write_bytes(zip_bytes({"a.jpg": jpeg}))
    (folder / "fine.zip").write_bytes(zip_bytes({"b.jpg": jpeg}))
    store = open_case(tmp_path / "case", create=True)
    run = Ingest(store, "tester", IngestOptions(workers=1))
    run.add(folder)
    run.run()
    rows = listing(store)
    assert "killed the worker" in rows["/crash.zip"].error and rows["/crash.zip"].sha256
    assert rows["/fine.zip » b.jpg"].sha256 == sha256(jpeg)
    assert not any(p.startswith("/crash.zip » ") for p in rows)


def test_pictures_written_into_html_and_rtf(tmp_path):
    import base64

    folder = tmp_path / "evidence"
    folder.mkdir()
    png, jpeg = picture((1, 80, 1), "PNG"), picture((80, 1, 1))
    (folder / "page.html").write_text(
        "<!DOCTYPE html><html><body><p>hi</p><img src=\"data:image/png;base64,"
        + base64.b64encode(png).decode() + "\"><img src=\"data:image/svg+xml;base64,AAAA\">"
        "</body></html>")
    hexed = jpeg.hex()
    rtf = ("{\\rtf1\\ansi{\\fonttbl\\f0 Arial;}\\pard Hello "
           "{\\pict{\\*\\picprop}\\jpegblip\\picw48\\pich32\n"
           + "\n".join(hexed[i:i + 128] for i in range(0, len(hexed), 128)) + "}\\par}")
    (folder / "letter.rtf").write_text(rtf)
    store, summary = ingest(tmp_path / "case", folder, analyse_media=False)
    rows = listing(store)
    [html_item] = [r for p, r in rows.items() if p.startswith("/page.html » ")]
    assert html_item.sha256 == sha256(png) and html_item.container_kind == "html"
    assert html_item.container_path.endswith("/data URI 1.png") and html_item.name.endswith("png")
    [rtf_item] = [r for p, r in rows.items() if p.startswith("/letter.rtf » ")]
    assert rtf_item.sha256 == sha256(jpeg) and rtf_item.name == "picture 1.jpg"
    assert summary.file_errors == 0


def _found(store) -> set[tuple]:
    with store.reading() as session:
        rows = list(iter_files(session))
    by_id = {r.file_id: r.path for r in rows}
    return {(r.path, r.kind, r.sha256, r.detected_type, r.container_path, r.container_kind,
             r.error, by_id.get(r.parent_id)) for r in rows}


def test_a_large_archive_fanned_out_to_the_pool_gives_the_same_case(tmp_path, nested):
    folder, pictures = nested
    (folder / "many.zip").write_bytes(zip_bytes(
        {f"d/{i}.jpg": picture((i, 0, 0)) for i in range(40)}
        | {"inner.zip": zip_bytes({"x.jpg": pictures["g"]})}))
    in_place, _ = ingest(tmp_path / "a", folder)
    fanned, summary = ingest(tmp_path / "b", folder, containers=ContainerLimits(fan_out_items=1))
    assert _found(fanned) == _found(in_place)
    rows = listing(fanned)
    assert rows["/many.zip » d/7.jpg"].width == 48  # decoded in its own job
    with fanned.reading() as session:
        assert session.scalar(select(func.count()).select_from(File)
                              .where(File.status == WorkStatus.PENDING)) == 0
    for data in pictures.values():
        assert b"".join(media_reader(fanned)(sha256(data))) == data


def test_a_bomb_inside_a_fanned_out_archive_is_stopped(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    ok = picture((4, 4, 4))
    bomb = zip_bytes({"zeros.bin": bytes(8 << 20), "ok.jpg": ok})
    (folder / "many.zip").write_bytes(zip_bytes({"bomb.zip": bomb, "a.jpg": ok}))
    (folder / "declared.zip").write_bytes(zip_bytes({"zeros.bin": bytes(8 << 20), "b.jpg": ok}))
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False, containers=ContainerLimits(
        min_budget=1 << 20, max_ratio=20, fan_out_items=1))
    rows = listing(store)
    assert "expansion stopped" in rows["/many.zip » bomb.zip » zeros.bin"].error
    assert rows["/many.zip » a.jpg"].sha256 == sha256(ok)
    assert rows["/many.zip"].error is None  # fanned out: each item has its own budget
    # listed sizes beyond the limits: not fanned out, read in place and metered
    assert "expansion stopped" in rows["/declared.zip"].error


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3) holding `streams` ("storage/stream" paths).

    Every stream is padded to 4096 bytes, so all live in ordinary sectors (no mini
    stream); siblings are chained to the right, which readers accept.
    """
    import struct

    sector, end, free, nostream = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
    tree: dict = {}
    for path, data in streams.items():
        node = tree
        *storages, leaf = path.split("/")
        for name in storages:
            node = node.setdefault(name, {})
        node[leaf] = data + bytes(max(0, 4096 - len(data)))
    entries: list[list] = []

    def add(name, node):
        index = len(entries)
        entries.append([name, 5 if not index else 1 if isinstance(node, dict) else 2, node, []])
        if isinstance(node, dict):
            entries[index][3] = [add(n, child) for n, child in node.items()]
        return index

    add("Root Entry", tree)
    sectors: list[bytes] = []
    fat: list[int] = []
    starts: dict[int, int] = {}

    def chain(blob: bytes) -> int:
        blob += bytes(-len(blob) % sector)
        first = len(sectors)
        for k in range(len(blob) // sector):
            sectors.append(blob[k * sector:(k + 1) * sector])
            fat.append(len(sectors) if k < len(blob) // sector - 1 else end)
        return first

    for index, entry in enumerate(entries):
        if entry[1] == 2:
            starts[index] = chain(entry[2])
    right = {kids[i]: kids[i + 1] for e in entries for kids in [e[3]] for i in range(len(kids) - 1)}
    directory = b""
    for index, (name, kind, node, kids) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\0\0"
        size = len(node) if kind == 2 else 0
        directory += struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, nostream,
                                 right.get(index, nostream), kids[0] if kids else nostream,
                                 bytes(16), 0, 0, 0, starts.get(index, end), size)
    first_directory = chain(directory)
    count = 1
    while count * 128 < len(sectors) + count:
        count += 1
    fat_sectors = list(range(len(sectors), len(sectors) + count))
    fat += [0xFFFFFFFD] * count
    fat += [free] * (count * 128 - len(fat))
    table = struct.pack(f"<{len(fat)}I", *fat)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                         bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, count, first_directory,
                         0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", *(fat_sectors + [free] * (109 - count)))
    return header + b"".join(sectors) + table


def test_thumbs_db_and_outlook_msg(tmp_path):
    import struct

    folder = tmp_path / "evidence"
    folder.mkdir()
    thumb, attached = picture((20, 30, 40), size=(96, 96)), _noise_jpeg(5)
    name = "holiday.jpg".encode("utf-16-le") + b"\0\0"
    catalog = struct.pack("<HHIII", 16, 7, 1, 96, 96)
    filetime = 132_000_000_000_000_000  # 2019
    catalog += struct.pack("<IIQ", 16 + len(name) + 4, 12, filetime) + name + bytes(4)
    (folder / "Thumbs.db").write_bytes(_cfb({
        "Catalog": catalog, "21": struct.pack("<III", 12, 12, len(thumb)) + thumb}))
    (folder / "mail.msg").write_bytes(_cfb({
        "__properties_version1.0": b"\0" * 32,
        "__substg1.0_0037001F": "a subject".encode("utf-16-le"),
        "__attach_version1.0_#00000000/__substg1.0_3707001F": "beach.jpg".encode("utf-16-le"),
        "__attach_version1.0_#00000000/__substg1.0_37010102": attached}))
    (folder / "other.doc").write_bytes(_cfb({"WordDocument": b"\xec\xa5" * 100,
                                            "Pictures": attached}))
    store, summary = ingest(tmp_path / "case", folder, analyse_media=False)
    rows = listing(store)
    cached = rows["/Thumbs.db » entry 21/holiday.jpg"]
    assert cached.sha256 == sha256(thumb) and cached.container_kind == "thumbs.db"
    assert cached.mtime.year == 2019
    item = rows["/mail.msg » attachment 1/beach.jpg"]
    assert item.sha256 == sha256(attached) and item.container_kind == "msg"
    assert rows["/other.doc » Pictures"].sha256 == sha256(attached)
    assert not any(p.startswith("/other.doc » WordDocument") for p in rows)


# -- Outlook PST/OST mail stores (pypff) ------------------------------------------------------

PST_SAMPLE = Path(__file__).resolve().parent / "data" / "dist-list.pst"  # see data/README.md
needs_pst_sample = pytest.mark.skipif(not PST_SAMPLE.is_file(), reason="no sample PST here")


def _members(kind: str, data: bytes) -> list:
    """(member, bytes or None) of a container, every member read whole."""
    from triage.evidence.containers import open_container

    return [(member, None if chunks is None else b"".join(chunks))
            for member, chunks in open_container(kind, io.BytesIO(data), "store").members()]


def test_pst_signature_is_sniffed():
    from triage.evidence.containers import container_kind

    header = b"!BDN" + bytes(4)
    assert container_kind(header + b"SM" + bytes(500)) == "pst"
    assert container_kind(header + b"SO" + bytes(500)) == "ost"
    assert container_kind(b"xBDN" + bytes(500)) != "pst"


@needs_pst_sample
def test_outlook_pst_attachments_are_named_by_folder_and_message(tmp_path):
    found = _members("pst", PST_SAMPLE.read_bytes())
    paths = [member.path for member, _ in found]
    prefix = "Top of Personal Folders/Calendar/Test appointment (message 1)/"
    assert paths == [prefix + "Untitled", prefix + "attachment 2/Untitled"]
    for member, data in found:  # the appointment's exceptions: messages embedded in it
        assert member.kind == "other" and "embedded message" in member.error and data is None
        assert (member.mtime.year, member.crtime.year) == (2016, 2016)  # delivery, creation
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "outlook.pst").write_bytes(PST_SAMPLE.read_bytes())
    store, summary = ingest(tmp_path / "case", folder, analyse_media=False)
    rows = listing(store)
    assert rows["/outlook.pst"].sha256 == sha256(PST_SAMPLE.read_bytes())
    assert rows[f"/outlook.pst » {prefix}Untitled"].container_kind == "pst"


class _FakeAttachment:
    """What pypff gives for one attachment: a name, a size, its data read in blocks."""

    def __init__(self, name, data: bytes, method=1, broken=False):
        self.name, self.data, self.method, self.broken, self.at = name, data, method, broken, 0

    def get_long_filename(self):
        return self.name

    def get_size(self):
        return len(self.data)

    def get_number_of_record_sets(self):
        return 1

    def get_record_set(self, index):
        class Entry:
            def __init__(self, kind, value_type, data):
                self.get_entry_type = lambda: kind
                self.get_value_type = lambda: value_type
                self.get_data = lambda: data

        class RecordSet:
            entries = [Entry(0x3705, 3, self.method.to_bytes(4, "little")),
                       Entry(0x3704, 0x1E, b"SHORT.JPG\0")]
        return RecordSet()

    def seek_offset(self, offset):
        self.at = offset

    def read_buffer(self, size):
        if self.broken and self.at:
            raise OSError("pypff_attachment_read_buffer: unable to read buffer")
        block = self.data[self.at:self.at + size]
        self.at += len(block)
        return block


class _FakeMessage:
    def __init__(self, attachments):
        self.attachments = attachments

    def get_delivery_time(self):
        from datetime import datetime
        return datetime(2021, 3, 4, 5, 6, 7)

    def get_creation_time(self):
        from datetime import datetime
        return datetime(2021, 3, 1)

    def get_number_of_attachments(self):
        return len(self.attachments)

    def get_attachment(self, index):
        item = self.attachments[index]
        if isinstance(item, Exception):
            raise item
        return item


def test_pst_attachment_data_names_times_and_damage(monkeypatch):
    """The data path no public sample small enough to ship covers: pypff's interface faked."""
    from triage.evidence.containers import pst
    from triage.evidence.containers.base import ContainerError

    monkeypatch.setattr(pst, "BLOCK", 1000)
    photo, big = picture((1, 2, 3)), os.urandom(2500)
    message = _FakeMessage([
        _FakeAttachment("photo.jpg", photo), _FakeAttachment(None, big),
        OSError("pypff_message_get_attachment_by_index: unable to retrieve attachment"),
        _FakeAttachment("photo.jpg", photo), _FakeAttachment("fwd", b"node", method=5),
        _FakeAttachment("cut.bin", big, broken=True), _FakeAttachment("a/b\\c.jpg", b"x")])
    found = list(pst._attachments(message, "Inbox/hello (message 3)/"))
    names = [member.path.removeprefix("Inbox/hello (message 3)/") for member, _ in found]
    assert names == ["photo.jpg", "SHORT.JPG", "attachment 3", "attachment 4/photo.jpg",
                     "fwd", "cut.bin", "a_b_c.jpg"]
    (first, chunks), (second, blocks) = found[0], found[1]
    assert b"".join(chunks) == photo and first.size == len(photo)
    assert first.mtime.year == 2021 and first.crtime.day == 1 and first.error is None
    assert [len(block) for block in blocks] == [1000, 1000, 500]
    assert found[2][1] is None and "damaged attachment" in found[2][0].error
    assert found[4][0].kind == "other" and found[4][1] is None
    with pytest.raises(ContainerError, match="cut.bin: damaged"):
        b"".join(found[5][1])

    class Odd(_FakeMessage):  # pypff's binding once raised SystemError on a damaged time
        def get_delivery_time(self):
            raise SystemError("get_delivery_time returned a result with an exception set")

    ((member, _),) = pst._attachments(Odd([_FakeAttachment("x.jpg", b"x")]), "")
    assert member.mtime.day == 1  # the creation time instead


def test_a_damaged_pst_gives_errors_not_exceptions():
    import random

    from triage.evidence.containers.base import ContainerError

    rng = random.Random(7)
    stores = [b"!BDN", b"!BDN" + bytes(600)]
    stores += [b"!BDN" + rng.randbytes(rng.choice((20, 600, 70_000))) for _ in range(30)]
    if PST_SAMPLE.is_file():  # bytes overwritten in place: offsets stay, so members suffer
        base = PST_SAMPLE.read_bytes()
        for _ in range(60):
            data = bytearray(base)
            for _ in range(rng.randint(1, 200)):
                at, size = rng.randrange(len(data)), rng.randint(1, 8)
                data[at:at + size] = rng.randbytes(size)
            stores.append(bytes(data))
    errors = opened = 0
    for data in stores:
        try:
            found = _members("pst", data)
        except ContainerError:
            errors += 1
            continue
        opened += 1
        assert all(member.error or read is not None for member, read in found)
    assert errors >= 32  # random bytes after the signature are never a store
    assert opened or not PST_SAMPLE.is_file()


def _firefox_entry(url: str, body: bytes, version: int = 3) -> bytes:
    """A cache2 entry as Firefox writes it: body, chunk hashes, header, key, elements."""
    import struct

    key = f"a,:{url}".encode() + b"\0"
    chunks = -(-len(body) // (256 << 10))
    fields = [version, 1, 1_600_000_000, 1_600_000_000, 0, 0, len(key) - 1]
    if version >= 2:
        fields.append(0)
    record = struct.pack(">I", 0) + bytes(2 * chunks) + struct.pack(f">{len(fields)}I", *fields)
    record += key + b"response-head\0HTTP/1.1 200 OK\0"
    return body + record + struct.pack(">I", len(body))


def test_firefox_cache_bodies_are_items_named_by_url(tmp_path):
    folder = tmp_path / "evidence" / "profile" / "cache2" / "entries"
    folder.mkdir(parents=True)
    jpeg = picture((120, 60, 3))
    (folder / "A1B2C3").write_bytes(_firefox_entry("https://img.example/cat.jpg", jpeg))
    (folder / "D4E5F6").write_bytes(_firefox_entry("https://img.example/old.jpg", jpeg, 1))
    elsewhere = tmp_path / "evidence" / "not-a-cache.jpg"
    elsewhere.write_bytes(_firefox_entry("https://img.example/x.jpg", jpeg))
    store, summary = ingest(tmp_path / "case", tmp_path / "evidence", analyse_media=False)
    rows = listing(store)
    item = rows["/profile/cache2/entries/A1B2C3 » https://img.example/cat.jpg"]
    assert item.sha256 == sha256(jpeg) and item.container_kind == "firefox-cache"
    assert item.mtime.year == 2020
    old = rows["/profile/cache2/entries/D4E5F6 » https://img.example/old.jpg"]
    assert old.sha256 == sha256(jpeg)
    assert not any(p.startswith("/not-a-cache.jpg » ") for p in rows)
    assert rows["/profile/cache2/entries/A1B2C3"].detected_type == "image/jpeg"


def test_the_gallery_filters_items_found_inside_a_container(tmp_path, nested):
    from triage.review.gallery import GalleryFilter, count_media

    folder, pictures = nested
    (folder / "loose.jpg").write_bytes(picture((250, 250, 0)))
    (folder / "also-loose.jpg").write_bytes(pictures["n0"])  # inside and outside
    store, _ = ingest(tmp_path / "case", folder)
    with store.reading() as session:
        inside = count_media(session, GalleryFilter(inside="inside", stacks=False))
        outside = count_media(session, GalleryFilter(inside="not-inside", stacks=False))
        every = count_media(session, GalleryFilter(stacks=False))
    assert (inside, outside, every) == (5, 2, 6)


# -- damaged input of every kind: an error on the item, never an exception ------------------


def container_samples() -> dict[str, bytes]:
    """One small container of every kind, each holding a picture (also the fuzzer's seeds)."""
    jpeg = picture((9, 99, 9))
    return {
        "zip": zip_bytes({"a.jpg": jpeg, "b/c.jpg": jpeg}),
        "tgz": tar_bytes({"a.jpg": jpeg}),
        "tar": tar_bytes({"a.jpg": jpeg}, mode="w"),
        "pdf": _pdf(jpeg),
        "eml": _eml({"a.jpg": jpeg}),
        "rtf": ("{\\rtf1{\\pict\\pngblip " + jpeg.hex() + "}}").encode(),
        "thumbcache": _thumbcache(32, {1: jpeg}),
        "chromium": _chromium_entry("https://x/", jpeg),
        "blockfile": _blockfile(1, 256, {0: jpeg}, blocks=8),
        "ole": _cfb({"Catalog": b"\x10\0" + bytes(14), "1": bytes(12) + jpeg}),
        **({"pst": PST_SAMPLE.read_bytes()} if PST_SAMPLE.is_file() else {}),
    }


def _damage(data: bytes, seed: int) -> bytes:
    import random

    rng = random.Random(seed)
    data = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        position = rng.randrange(len(data))
        data[position:position + rng.randint(1, 8)] = rng.randbytes(rng.randint(0, 8))
    if rng.random() < 0.3:
        data = data[:rng.randrange(1, len(data))]
    return bytes(data)


SEEDS = int(os.environ.get("TRIAGE_DAMAGE_SEEDS", "25"))


def test_damaged_containers_of_every_kind_give_errors_not_exceptions(tmp_path):
    from triage.evidence import Locator
    from triage.pipeline.work import FileJob, process_files

    folder = tmp_path / "damaged"
    folder.mkdir()
    jobs = []
    for kind, data in container_samples().items():
        for seed in range(SEEDS):
            name = f"{kind}-{seed}"
            (folder / name).write_bytes(data if seed == 0 else _damage(data, seed))
            where = Locator("folder", (str(folder),), None, None, f"/{name}")
            jobs.append(FileJob(len(jobs) + 1, where))
    results = process_files(jobs, analyse_media=True)
    assert len(results) == len(jobs)
    assert all(r.sha256 for r in results)  # every file hashed, whatever its container
    intact = [r for r, job in zip(results, jobs) if job.where.path.endswith("-0")]
    assert all(r.items and not r.note for r in intact), [(r.items, r.note) for r in intact]


def test_links_in_a_text_file_inside_an_archive_are_found(tmp_path):
    from triage.case.models import Link

    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "notes.tgz").write_bytes(tar_bytes({
        "notes/where.txt": b"the rest is at https://files.example.org/album/42 ok\n"}))
    store, _ = ingest(tmp_path / "case", folder)
    with store.reading() as session:
        found = session.execute(select(Link.url, File.path)
                                .join(File, Link.file_id == File.id)).all()
    assert ("https://files.example.org/album/42", "/notes.tgz » notes/where.txt") in [
        tuple(row) for row in found]


def test_an_encrypted_archive_given_as_evidence_opens_with_the_password(tmp_path):
    secret = picture((66, 0, 66))
    evidence = tmp_path / "extraction.zip"
    _encrypted_zip(evidence, {"DCIM/secret.jpg": secret}, "pw2")
    store, _ = ingest(tmp_path / "case", evidence, analyse_media=False)
    row = listing(store)["/DCIM/secret.jpg"]
    assert row.encrypted and row.error.startswith("encrypted") and row.sha256 is None
    store.close()
    store, _ = ingest(tmp_path / "case", evidence, analyse_media=False, passwords=("pw2",))
    row = listing(store)["/DCIM/secret.jpg"]
    assert row.sha256 == sha256(secret) and row.error is None


def _scene(seed: int, size=(480, 320)) -> Image.Image:
    """A generated picture with structure (shapes on a gradient), not noise."""
    import random

    from PIL import ImageDraw

    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        box = (x, y, x + rng.randrange(20, 160), y + rng.randrange(20, 120))
        draw.ellipse(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


def test_a_cached_thumbnail_is_stacked_with_the_picture_it_was_made_from(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    pictures = [_scene(seed) for seed in (1, 2)]
    for number, image in enumerate(pictures):
        image.save(folder / f"photo{number}.jpg", quality=92)
    thumbnails = {}
    for number, image in enumerate(pictures):
        small = io.BytesIO()
        image.resize((96, 64)).save(small, "JPEG", quality=80)
        thumbnails[0xABC0 + number] = small.getvalue()
    (folder / "thumbcache_96.db").write_bytes(_thumbcache(32, thumbnails))
    store, _ = ingest(tmp_path / "case", folder)
    rows = listing(store)
    for number in range(2):
        thumbnail = rows[f"/thumbcache_96.db » {0xABC0 + number:016x}"]
        assert thumbnail.stack_id is not None
        assert thumbnail.stack_id == rows[f"/photo{number}.jpg"].stack_id
    assert rows["/photo0.jpg"].stack_id != rows["/photo1.jpg"].stack_id


def test_the_evidence_tree_shows_containers_inside_their_containers(tmp_path, nested, qtbot):
    from triage.gui.case_view import EvidencePanel
    from triage.gui.data import load_snapshot

    folder, _ = nested
    store, _ = ingest(tmp_path / "case", folder, analyse_media=False)
    with store.reading() as session:
        snapshot = load_snapshot(session)
    panel = EvidencePanel()
    qtbot.addWidget(panel)
    panel.show_snapshot(snapshot)
    partition = panel.tree.topLevelItem(0).child(0)
    nodes = {partition.child(i).text(0): partition.child(i) for i in range(partition.childCount())}
    assert set(nodes) == {"pack.zip", "t.tar.gz"}
    pack = nodes["pack.zip"]
    assert pack.text(1) == "zip" and pack.text(3) == "5"  # inner.zip, dir, 3 pictures
    [inner] = [pack.child(i) for i in range(pack.childCount())]
    assert inner.text(0) == "inner.zip" and inner.text(3) == "1"
    panel.tree.setCurrentItem(inner)
    assert "pack.zip » inner.zip" in panel.details.toPlainText()


def test_member_names_show_as_file_names_do_never_two_alike(tmp_path):
    """A member named with the byte 0xFF and one named with the text \\xff are two paths."""
    from triage.evidence.containers.base import text

    assert text(b"a\xff.jpg") == "a\\xff.jpg"
    assert text(b"a\\xff.jpg") == "a\\\\xff.jpg"
