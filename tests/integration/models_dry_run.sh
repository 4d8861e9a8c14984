#!/usr/bin/env bash
# --dry-run of the reference architectures prints the published sizes:
# learnable parameters (total line) and multiply-accumulates of the Conv and
# Fc cells (summed from the table; the total also counts BatchNorm, pooling
# and LRN). The expected numbers come from torch models of the same
# networks (models_reference.py, also run here when torch is installed).
set -euo pipefail
run=$1 models=$2 work=$3 here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work" && cd "$work"
status=0
check() { # model params conv_fc_macs
  "$run" "$models/$1.ini" --dry-run > "$1.txt"
  local p m
  p=$(sed -n 's/^total: [0-9]* cells, \([0-9]*\) parameters.*/\1/p' "$1.txt")
  m=$(awk 'NF == 6 && ($2 == "Conv" || $2 == "Fc") && $6 ~ /^[0-9]+$/ { s += $6 } END { printf "%d", s }' "$1.txt")
  echo "$1: $p parameters (want $2), $m Conv/Fc MACs (want $3)"
  [ "$p" = "$2" ] && [ "$m" = "$3" ] || status=1
  if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    /usr/bin/python3 "$here/models_reference.py" --check "$1.txt" "$1" || status=1
  fi
}
# MobileNet v1 1.0-224: 4.2 M parameters, 569 M MACs (Howard et al. 2017)
check MobileNet_v1 4231976 568740352
# GoogLeNet: about 7 M parameters, 1.5 G MACs (Szegedy et al. 2014)
check Inception_v1 6998552 1582671872
# the depthwise convolutions are grouped, not masked dense weights: 3x3x1
# per channel
grep -Eq '^block13_dw +Conv +Frame +1024x7x7 +9216 +451584$' MobileNet_v1.txt || { echo "depthwise count"; status=1; }
# --dry-run -fuse shows the network as tested with -fuse: the 27
# BatchNorms folded, their 2 x 10,944 scales and biases replaced by 10,944
# convolution biases, the same Conv/Fc MACs
"$run" "$models/MobileNet_v1.ini" --dry-run -fuse > fused.txt
grep -q -- "-fuse: 27 BatchNorm cells folded" fused.txt || { echo "-fuse count"; status=1; }
grep -q "^total: 30 cells, 4221032 parameters" fused.txt || { echo "-fuse total"; status=1; }
! grep -Eq "^[^ ]+ +BatchNorm +Frame" fused.txt || { echo "BatchNorm left after -fuse"; status=1; }
exit $status
