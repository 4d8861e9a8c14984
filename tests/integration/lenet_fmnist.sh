#!/usr/bin/env bash
# Trains the manual's LeNet on real Fashion-MNIST for a short run, then
# tests it: the recognition rate must be far above chance (10 %), the
# outputs must be where N2D2 puts them, and -test must reload the weights.
set -euo pipefail
run=$1 model=$2 work=$3
if [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] && [ -z "${N2D2_DATA:-}" ]; then
  echo "SKIPPED: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work" && cd "$work"

"$run" "$model" -learn 19200 -log 9600 -seed 1 -nb-test 2000 | tee learn.log
grep -q "+++ BEST" learn.log
rate=$(sed -n 's/^Final recognition rate: \([0-9.]*\)%.*/\1/p' learn.log | tail -n 1)
echo "recognition rate after 19200 stimuli: $rate %"
awk -v r="$rate" 'BEGIN { exit !(r > 70.0) }'
for f in LeNet/weights/conv1.n2d2w LeNet/weights_validation/fc2.n2d2w LeNet/learning.dat \
         LeNet/validation.dat LeNet/seed.dat LeNet/softmax.Target/ConfusionMatrix_test.dat; do
  [ -s "$f" ] || { echo "missing output $f"; exit 1; }
done

# -test alone reloads the best validation weights and gives the same rate.
"$run" "$model" -test -seed 1 -nb-test 2000 | tee test.log
grep -q "loading weights from LeNet/weights_validation" test.log
again=$(sed -n 's/^Final recognition rate: \([0-9.]*\)%.*/\1/p' test.log | tail -n 1)
[ "$again" = "$rate" ] || { echo "test-only rate $again differs from $rate"; exit 1; }

# -seed reproduces a run bit for bit (same thread count).
mkdir -p repeat && cd repeat
"$run" "$model" -learn 2560 -log 2560 -seed 7 -nb-test 500 > a.log
mv LeNet/weights w1
"$run" "$model" -learn 2560 -log 2560 -seed 7 -nb-test 500 > b.log
cmp w1/conv1.n2d2w LeNet/weights/conv1.n2d2w
cmp w1/fc2.n2d2w LeNet/weights/fc2.n2d2w

# -l resumes from LeNet/state (weights, solver state, random streams, data
# passes): stopping at 2560 and resuming to 5120 equals one 5120 run.
cd .. && mkdir -p resume && cd resume
"$run" "$model" -learn 5120 -log 2560 -seed 4 -nb-test 200 > full.log
mv LeNet/weights w_full && rm -rf LeNet
"$run" "$model" -learn 2560 -log 2560 -seed 4 -nb-test 200 > first.log
"$run" "$model" -learn 5120 -log 2560 -seed 4 -nb-test 200 -l LeNet/state > second.log
grep -q "resumed at 2560 stimuli" second.log
for c in conv1 conv2 conv3 fc1 fc2; do cmp "w_full/$c.n2d2w" "LeNet/weights/$c.n2d2w"; done
echo "integration_lenet_fmnist: ok"
