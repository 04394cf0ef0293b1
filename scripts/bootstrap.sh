#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for eticket-desk: Qt's system libraries, poppler
# (PDF previews in docs), PostgreSQL (the central server's tests start a throwaway cluster
# from /usr/lib/postgresql/<version>/bin), and uv (which then installs the pinned Python
# packages itself).
set -euo pipefail

APT_PACKAGES=(
  libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libx11-xcb1
  fonts-dejavu-core poppler-utils
  postgresql
)

python3 -m pip --version >/dev/null 2>&1 || APT_PACKAGES+=(python3-pip python3-venv)

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
