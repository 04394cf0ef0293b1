#!/usr/bin/env bash
# Checks that the Windows bundle can be installed from wheels alone: every run-time dependency
# of pyproject.toml and of its `build` extra (PyInstaller), direct at its pinned version and
# transitive, with those only Windows needs (tzdata, pywin32-ctypes), has a win_amd64 wheel
# for each Python the build machine may use (docs/windows.md). uv resolves for 64-bit
# Windows without building anything (--only-binary :all:): a package without such a wheel
# stops the resolution, and uv names it. Reads the indexes' metadata only (a few seconds).
#
# Usage: bash scripts/check_windows_wheels.sh      (needs uv: scripts/bootstrap.sh)
set -euo pipefail

cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
PYTHONS=(3.11 3.12 3.13)
PLATFORM=x86_64-pc-windows-msvc # win_amd64
resolved=$(mktemp -d)
trap 'rm -rf "$resolved"' EXIT

for version in "${PYTHONS[@]}"; do
  list="$resolved/windows-$version.txt"
  if ! python3 -m uv pip compile pyproject.toml --extra build --quiet --no-header \
    --no-annotate --python-platform "$PLATFORM" --python-version "$version" \
    --only-binary :all: --output-file "$list"; then
    echo "ÉCHEC : sous Windows 64 bits avec Python $version, une dépendance n'a pas de wheel" \
      "win_amd64 (voir le message de uv ci-dessus) : le paquet Windows ne s'installerait pas." >&2
    exit 1
  fi
  for needed in tzdata pywin32-ctypes pyside6-essentials pyinstaller; do
    if ! grep -qi "^$needed==" "$list"; then
      echo "ÉCHEC : $needed manque à la résolution pour Windows (Python $version)." >&2
      exit 1
    fi
  done
  count=$(grep -c "==" "$list")
  echo "Windows 64 bits, Python $version : $count paquets, chacun en wheel pour Windows 64 bits" \
    "($(grep -i -m1 '^pyside6-essentials==' "$list"), $(grep -i -m1 '^tzdata==' "$list"))."
done
