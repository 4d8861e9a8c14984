#!/usr/bin/env bash
# Installs the Debian 12 packages n2d2-c needs to build and test.
# Skips apt entirely when everything is already present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libltdl-dev check libsubunit-dev
  libopenblas-openmp-dev zlib1g-dev
  dpkg-dev file
  dataset-fashion-mnist
  protobuf-c-compiler libprotobuf-c-dev libonnx-dev
  libopencv-dev
  python3-numpy python3-onnx python3-torch python3-torchvision
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
