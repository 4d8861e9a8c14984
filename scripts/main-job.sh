#!/usr/bin/env bash
# Sets up n2d2-c on a fresh Debian 12 machine and runs the main job: the
# N2D2 manual's LeNet trained on Fashion-MNIST (Debian's
# dataset-fashion-mnist, no download) for 10 epochs, then tested.
# Outputs go to ./LeNet/ (weights, learning curves, confusion matrices).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${N2D2_BUILD_DIR:-$root/_build/release}
epochs=${N2D2_EPOCHS:-10}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DN2D2_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
export N2D2_PLUGIN_PATH="$build/plugins-out"
# These machines set them for old OpenBLAS builds; they halve its speed.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

"$build/apps/n2d2-run/n2d2-run" "$root/models/LeNet.ini" -learn-epoch "$epochs" -seed 1
