#!/usr/bin/env bash
# torchvision's ResNet-18 and MobileNet-v2 (random weights, written by
# make_torchvision.py with Debian's python3-torch/-torchvision) imported
# with Type=ONNX: `n2d2-run --dry-run` prints the published parameter
# counts, and the test program matches PyTorch's output within 1e-4.
# Skipped (77) without torch/torchvision.
set -euo pipefail
run=$1 out=$2 test=$3
if ! /usr/bin/python3 -c 'import numpy, onnx, torch, torchvision' 2>/dev/null; then
  echo "SKIPPED: /usr/bin/python3 lacks numpy, onnx, torch or torchvision"; exit 77
fi
script=$(dirname "$0")/make_torchvision.py
# Written once per build tree (the script is the only input).
if [ ! -f "$out/mobilenet_v2.out.f32" ] || [ "$script" -nt "$out/mobilenet_v2.out.f32" ]; then
  rm -rf "$out" && mkdir -p "$out"
  /usr/bin/python3 -W ignore "$script" "$out" > "$out.log" 2>&1 || { cat "$out.log"; exit 1; }
fi
cd "$out"
for m in resnet18:11689512 mobilenet_v2:3504872; do
  name=${m%%:*} params=${m##*:}
  printf '[sp]\nSize=224 224 3\nBatchSize=1\n[onnx]\nInput=sp\nType=ONNX\nFile=%s.onnx\n' "$name" > "$name.ini"
  "$run" "$name.ini" --dry-run > "$name.dry" || { cat "$name.dry"; exit 1; }
  grep -q "total: .* $params parameters" "$name.dry" || { tail -n 3 "$name.dry"; echo "$name: expected $params parameters"; exit 1; }
  echo "$name: $params parameters"
done
N2D2_ONNX_FIXTURES=$out exec "$test"
