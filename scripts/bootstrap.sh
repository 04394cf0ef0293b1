#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for eticket-desk: Qt's system libraries, poppler
# (PDF previews in docs), PostgreSQL (the central server's tests start a throwaway cluster
# from /usr/lib/postgresql/<version>/bin), chromium and its driver with npm (the portal's
# browser tests, tests/browser: axe-core is fetched once by `npm pack` into build/), and uv
# (which then installs the pinned Python packages itself).
set -euo pipefail

APT_PACKAGES=(
  libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libx11-xcb1
  fonts-dejavu-core poppler-utils
  postgresql
  chromium chromium-driver
)

python3 -m pip --version >/dev/null 2>&1 || APT_PACKAGES+=(python3-pip python3-venv)
# npm from Debian, unless a nodejs that bundles its own npm is there (the two conflict).
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installation des bibliothèques système : ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -m uv --version >/dev/null 2>&1; then
  echo "Installation de uv"
  # Debian's own Python refuses user installs (PEP 668) unless told: uv is a standalone tool.
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv
fi
python3 -m uv --version

# axe-core, the accessibility engine the browser tests inject in each page (tests/browser):
# the npm package at a pinned version, unpacked once into build/ (kept between runs).
AXE_VERSION=4.14.1
AXE_DIR="$(cd "$(dirname "$0")/.." && pwd)/build/axe-core-$AXE_VERSION"
if [ ! -s "$AXE_DIR/axe.min.js" ]; then
  echo "Récupération d'axe-core $AXE_VERSION (npm pack)"
  mkdir -p "$AXE_DIR"
  (cd "$AXE_DIR" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null \
    && tar -xzf "axe-core-$AXE_VERSION.tgz" package/axe.min.js \
    && mv package/axe.min.js axe.min.js && rmdir package && rm "axe-core-$AXE_VERSION.tgz")
fi
