#!/usr/bin/env bash
# Builds the one-folder bundle dist/eticket-desk/ with PyInstaller (installer.spec), then runs
# the bundle's self-test offscreen; fails when either fails. Prints the time and the size.
# The same spec builds the Windows bundle on a Windows machine: see docs/windows.md.
#
# Usage: bash scripts/build_bundle.sh        (from anywhere; needs uv: scripts/bootstrap.sh)
set -euo pipefail

cd "$(dirname "$0")/.."
started=$(date +%s)

echo "Construction du paquet autonome (PyInstaller, installer.spec)…"
python3 -m uv run --extra build pyinstaller --noconfirm --clean --log-level WARN installer.spec
built=$(date +%s)

bundle=dist/eticket-desk
executable="$bundle/eticket-desk"
if [ ! -x "$executable" ]; then
  echo "Le paquet n'a pas été construit : $executable est absent." >&2
  exit 1
fi

echo "Auto-test du paquet : $executable --selftest"
if ! QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$executable" --selftest; then
  echo "L'auto-test du paquet a échoué." >&2
  exit 1
fi
finished=$(date +%s)

size=$(du -sh "$bundle" | cut -f1)
files=$(find "$bundle" -type f | wc -l)
echo "Paquet : $bundle — $size, $files fichiers"
echo "Durée : construction $((built - started)) s, auto-test $((finished - built)) s, total $((finished - started)) s"
