# Shared set-up for tools/demo and tools/test: install what is missing from
# Debian, then configure and build with meson. Sourced, not run.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}

DEBIAN_PACKAGES=(
  meson ninja-build pkg-config gcc
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-nice gstreamer1.0-x
  python3 python3-gi python3-gst-1.0 gir1.2-gstreamer-1.0
  valgrind
  python3-aiohttp python3-aiortc openssl
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

# Only the test suite needs these: the real-browser tests.
TEST_PACKAGES=(chromium fonts-dejavu-core)
# ... tools/fuzz: libFuzzer and the sanitizers' runtime.
TEST_PACKAGES+=(clang libclang-rt-14-dev)
# ... and tools/deb: the Debian package's build, and the fresh root it is
# installed into for its check.
DEB_PACKAGES=(dpkg-dev debhelper fakeroot build-essential mmdebstrap)
TEST_PACKAGES+=("${DEB_PACKAGES[@]}")

# bench/run: its charts, and node for the websocket load generator (from
# Debian only when the machine has no node of its own).
BENCH_PACKAGES=(python3-matplotlib)
command -v node >/dev/null || BENCH_PACKAGES+=(nodejs)
command -v npm >/dev/null || BENCH_PACKAGES+=(npm)

# Every package the commands may install (tests/packages checks that each
# element and Python module the project uses comes from one of them).
all_packages() {
  printf '%s\n' "${DEBIAN_PACKAGES[@]}" "${TEST_PACKAGES[@]}" \
    "${BENCH_PACKAGES[@]}"
}

ensure_packages() {
  local missing=() pkg
  for pkg in "${DEBIAN_PACKAGES[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> Installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

build() {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    echo "==> Configuring $BUILD_DIR"
    meson setup "$BUILD_DIR" "$ROOT" "$@"
  else
    meson configure "$BUILD_DIR" "$@" >/dev/null
  fi
  echo "==> Building"
  ninja -C "$BUILD_DIR"
}

# The interpreter that can import Debian's gi (python3-gst-1.0): on Debian
# that is /usr/bin/python3, whatever else comes first on PATH.
GI_PYTHON=/usr/bin/python3
