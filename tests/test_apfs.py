"""APFS (libfsapfs): apfs.raw, a dfVFS test image TSK cannot read, lists the files its
container holds, with their content hashed, their times and the volume's name."""

from __future__ import annotations

import hashlib

import pyfsapfs
import pytest

from conftest import has_traceback


def _expected(path) -> dict[str, tuple[str, int, str | None]]:
    """path -> (kind, size, md5 of the content for files), read with libfsapfs directly."""
    container = pyfsapfs.container()
    container.open(str(path))
    volume = container.get_volume(0)
    found = {}
    stack = [(volume.get_root_directory(), "")]
    while stack:
        directory, parent = stack.pop()
        for entry in directory.sub_file_entries:
            path_in = f"{parent}/{entry.name}"
            mode = entry.file_mode & 0o170000
            kind = {0o100000: "file", 0o040000: "dir", 0o120000: "link"}[mode]
            md5 = hashlib.md5(entry.read() if entry.size else b"").hexdigest() \
                if kind == "file" else None
            found[path_in] = (kind, entry.size, md5)
            if kind == "dir":
                stack.append((entry, path_in))
    container.close()
    return found


@pytest.fixture(scope="module")
def apfs_ingest(shared_image, triage):
    image = shared_image("apfs.raw")
    return image, triage.ingest_cached(image)


def test_apfs_lists_every_entry_with_its_md5(apfs_ingest):
    image, result = apfs_ingest
    assert result.proc.returncode == 0 and not has_traceback(result.proc.stderr), \
        result.describe()
    rows = {r["path"]: r for r in result.rows if not r.get("container_path")}
    expected = _expected(image)
    assert set(rows) == set(expected)
    for path, (kind, size, md5) in expected.items():
        assert rows[path]["kind"] == kind, path
        if kind == "file":
            assert rows[path]["md5"] == md5 and rows[path]["size"] == str(size), path
    assert rows["/passwords.txt"]["mtime"].startswith("2022-01-14 07:19:41")


def test_apfs_layers_in_info(apfs_ingest, triage):
    _, result = apfs_ingest
    info = triage.run("info", result.case_dir).stdout
    assert "APFS volume 'apfs_test' › APFS" in info, info


def test_apfs_free_space_not_carved_is_said(apfs_ingest, triage):
    """libfsapfs gives no allocation map: the volume's free space is not carved, and the
    partition says so rather than nothing."""
    _, result = apfs_ingest
    info = triage.run("info", result.case_dir).stdout
    assert "note: free space not carved: its allocation is not read" in info, info
