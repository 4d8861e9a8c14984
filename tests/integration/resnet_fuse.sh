#!/usr/bin/env bash
# -fuse on a real network: ResNet_FMNIST learns briefly, then is tested
# with and without its BatchNorms folded into the convolutions. Every
# BatchNorm qualifies (each follows a Conv without activation that nothing
# else reads), so all nine must be folded, and the recognition rate must be
# the same.
set -euo pipefail
run=$1 model=$2 work=$3
if [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] && [ -z "${N2D2_DATA:-}" ]; then
  echo "SKIPPED: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# the model with a small validation set (1.2 k images), for speed
sed 's/^Validation=.*/Validation=0.02/' "$model" > ResNet_FMNIST.ini
ln -s "$(dirname "$model")/templates" templates
model=$work/ResNet_FMNIST.ini
rate() { sed -n 's/^Final recognition rate: \([0-9.]*\)%.*/\1/p' "$1" | tail -n 1; }

"$run" "$model" -learn 1280 -log 1280 -seed 2 -nb-test 64 > learn.log
"$run" "$model" -test -seed 2 -nb-test 600 | tee plain.log
"$run" "$model" -test -fuse -seed 2 -nb-test 600 | tee fused.log
grep -q -- "-fuse: 9 BatchNorm cells folded" fused.log
a=$(rate plain.log) b=$(rate fused.log)
echo "recognition rate: $a % without -fuse, $b % with"
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "-fuse changed the recognition rate ($a -> $b)"; exit 1; }
awk -v r="$a" 'BEGIN { exit !(r > 20.0) }' || { echo "rate $a %: the network did not learn"; exit 1; }
echo "integration_resnet_fuse: ok"
