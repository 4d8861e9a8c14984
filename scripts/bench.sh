#!/usr/bin/env bash
# Builds a release n2d2-c, installs the PyTorch reference (Debian's
# python3-torch) and prints the benchmark table of bench/compare.py.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${N2D2_BUILD_DIR:-$root/_build/release}
"$root/scripts/install-deps.sh"
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch python3-numpy
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DN2D2_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
exec /usr/bin/python3 "$root/bench/compare.py" --build "$build" "$@"
