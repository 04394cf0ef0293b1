#!/usr/bin/env bash
# Builds the Windows bundle (build/windows/dist/eticket-desk/eticket-desk.exe) from
# installer.spec with PyInstaller running on Windows' own Python under Wine, then runs the
# bundle's self-test under Wine. The Python is the embeddable one of scripts/windows_suite.sh
# (scripts/windows/python.sh), in its own folder with the `build` extra (PyInstaller and its
# hooks) instead of the tests'. Prints the time of each stage and the bundle's size.
#
# Usage: bash scripts/windows_bundle.sh        (needs scripts/bootstrap.sh first)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD="$ROOT/build/windows"
PYDIR="$BUILD/python-build"
DIST="$BUILD/dist"
source scripts/windows/python.sh

started=$(date +%s)
windows_wine "$BUILD/prefix-bundle" # its own: the suite's has no ICU
windows_python "$PYDIR" build
# Qt6Core.dll imports Windows' system ICU (icuuc.dll, in System32 since Windows 10 1903),
# which Wine 8 lacks. PyInstaller's Qt hooks import QtCore while building, and the
# self-test's Qt steps need it too: the stand-in of scripts/windows/icuuc.c goes where Windows
# has the real one, in this prefix's System32. PyInstaller never collects a DLL of the
# Windows folder, so the stand-in cannot end up in the bundle (checked below).
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/icuuc.dll" \
  scripts/windows/icuuc.c
cleanup() { wineserver -k 2>/dev/null || true; }
trap cleanup EXIT
prepared=$(date +%s)

# 1. The bundle. Under Wine, Python cannot start when one of its standard streams is a
#    regular file: stdin is /dev/null, stdout and stderr a pipe.
export PYTHONIOENCODING=utf-8
echo "Construction du paquet Windows (PyInstaller sous Wine, installer.spec)…"
rm -rf "$BUILD/work" # --clean alone once kept a stale module of the previous build
set +e
# Windows 10 has its API sets (api-ms-win-*.dll, the UCRT among them) built in, and
# PyInstaller says nothing of them there; under Wine it warns for each DLL that imports one
# (hundreds of lines): left out.
"$WINE" "$PYDIR/python.exe" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath build/windows/dist --workpath build/windows/work installer.spec </dev/null 2>&1 \
  | grep -v "could not resolve 'api-ms-win-"
status=${PIPESTATUS[0]}
set -e
built=$(date +%s)
bundle="$DIST/eticket-desk"
if [ "$status" -ne 0 ] || [ ! -f "$bundle/eticket-desk.exe" ]; then
  echo "Le paquet Windows n'a pas été construit (PyInstaller : code $status)." >&2
  exit 1
fi
size=$(du -sh "$bundle" | cut -f1)
files=$(find "$bundle" -type f | wc -l)
echo "Paquet : build/windows/dist/eticket-desk — $size, $files fichiers"

# 2. The self-test, under Wine, of a copy of the bundle (build/windows/selftest/): the built
#    one stays as PyInstaller made it. What the Wine run changes, and why:
#    - ICU: the stand-in is in the prefix's System32 (above), as Windows' own is; the bundle
#      must not carry an icuuc.dll of its own (nor the stand-in): checked here.
#    - `_wmi.pyd` is left out of the copy: Python's `platform` asks WMI for the Windows
#      version through propsys.VariantToString, which Wine 8 lacks and aborts on (the
#      suite's Python sets `platform._wmi = None` in sitecustomize.py, which a bundle never
#      reads); without it `platform` falls back on what Windows reports, as it does anywhere
#      WMI is unavailable.
#    - `--selftest-skip invoice-run`: the invoice run's worker processes do start from the
#      bundle (multiprocessing.freeze_support) but a process pool's zero-length wake-up
#      message blocks its reader under Wine 8, so they never get work (the suite's
#      sitecustomize.py works around it; a bundle has none). The step's line and the last
#      line say it was not run.
if found=$(find "$bundle" -iname 'icuuc*.dll' | grep .); then
  echo "Le paquet contient sa propre ICU, qui n'a rien à y faire : $found" >&2
  exit 1
fi
rm -rf "$BUILD/selftest" && mkdir -p "$BUILD/selftest"
cp -r "$bundle" "$BUILD/selftest/"
rm "$BUILD/selftest/eticket-desk/_internal/_wmi.pyd"
echo "Auto-test du paquet sous Wine : eticket-desk.exe --selftest --selftest-skip invoice-run"
set +e
"$WINE" "$BUILD/selftest/eticket-desk/eticket-desk.exe" --selftest --selftest-skip invoice-run \
  </dev/null 2>&1 | cat
status=${PIPESTATUS[0]}
set -e
finished=$(date +%s)
echo "Durée : préparation $((prepared - started)) s, construction $((built - prepared)) s," \
  "auto-test $((finished - built)) s, total $((finished - started)) s"
if [ "$status" -ne 0 ]; then
  echo "L'auto-test du paquet Windows a échoué (code $status)." >&2
  exit 1
fi
