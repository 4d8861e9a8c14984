#!/usr/bin/env bash
# n2d2-run on an imported ONNX model with real Fashion-MNIST: mnist24 gives
# the accuracy of ../shared/models/README.md (83.18 %, within 0.1 %) on the
# 10,000 test images; --dry-run prints the parameter counts of all three.
set -euo pipefail
run=$1 inis=$2 models=$3 work=$4
if [ ! -d "$models" ]; then echo "SKIPPED: no reference models in $models"; exit 77; fi
if [ ! -e /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] && [ -z "${N2D2_DATA:-}" ]; then
  echo "SKIPPED: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work" && cd "$work"
for m in lenet_fmnist:61706 mnist24_fmnist:69156 resnet_small_fmnist:77754; do
  "$run" "$inis/${m%%:*}.ini" --dry-run > "${m%%:*}.dry"
  grep -q "total: .* ${m##*:} parameters" "${m%%:*}.dry" || { cat "${m%%:*}.dry"; exit 1; }
done
"$run" "$inis/mnist24_fmnist.ini" -test -w /dev/null -seed 1 | tee test.log
rate=$(sed -n 's/^Final recognition rate: \([0-9.]*\)%.*/\1/p' test.log | tail -n 1)
echo "mnist24_fmnist: $rate % (PyTorch: 83.18 %)"
awk -v r="$rate" 'BEGIN { exit !(r >= 83.08 && r <= 83.28) }'
echo "integration_onnx_fmnist: ok"
