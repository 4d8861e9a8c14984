#!/usr/bin/env bash
# Sets up n2d2-c on a fresh Debian 12 machine and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${N2D2_BUILD_DIR:-$root/_build/release}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DN2D2_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
run="$build/apps/n2d2-run/n2d2-run"
export N2D2_PLUGIN_PATH="$build/plugins-out"

echo "== plugins =="
"$run" --list-plugins

echo
echo "== the out-of-tree example plugin, built against the installed SDK =="
prefix="$build/sdk-prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S "$root/sdk/examples/hello-plugin" -B "$build/hello" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$build/hello" >/dev/null
N2D2_PLUGIN_PATH="$build/hello:$N2D2_PLUGIN_PATH" "$prefix/bin/n2d2-run" \
  "$root/sdk/examples/hello-plugin/hello.ini" --dry-run

echo
echo "== a templated model, expanded =="
"$run" "$root/models/templates/inception-demo.ini" --expand
