#!/usr/bin/env bash
# Builds a release n2d2-c and prints bench/onnx_compare.py's table: the
# imported reference ONNX models, n2d2-c against ONNX Runtime (PyPI
# onnxruntime in the default python3; the script stops with a message
# without it). Extra arguments go to onnx_compare.py (--torchvision,
# --repeats N...).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${N2D2_BUILD_DIR:-$root/_build/release}
if ! python3 -c "import onnxruntime" 2>/dev/null; then
  echo "bench-onnx.sh: onnxruntime is missing: python3 -m pip install onnxruntime" >&2
  exit 2
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DN2D2_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
exec python3 "$root/bench/onnx_compare.py" --build "$build" "$@"
