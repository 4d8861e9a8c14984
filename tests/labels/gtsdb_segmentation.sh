#!/usr/bin/env bash
# End to end with ROIs: a miniature GTSDB (FullIJCNN2013/ with .ppm images
# and gt.txt, as distributed) written here, 40 images of 16x16 with red
# (class 1) and blue (class 2) square signs on a noisy grey background.
# GTSDB_DIR_Database gives each image label -1 and one ROI per sign;
# CompositeLabel=Auto with DefaultLabel=bg builds the pixel-wise maps;
# a fully-convolutional net (conv 3x3, conv 1x1, softmax) learns them
# with n2d2-run -learn and the per-pixel recognition rate must rise from
# the untrained one to above 95 %.
set -euo pipefail
run=$1 work=$2
rm -rf "$work" && mkdir -p "$work/FullIJCNN2013/00" && cd "$work"

python3 - <<'PY'
import random
random.seed(5)
W = H = 16
gt = []
for i in range(40):
    px = [[[random.randint(90, 150) for _ in range(3)] for _ in range(W)] for _ in range(H)]
    for k in range(random.randint(1, 2)):
        cls = random.choice([1, 2])
        s = random.randint(4, 6)
        x, y = random.randint(0, W - s), random.randint(0, H - s)
        rgb = (230, 30, 30) if cls == 1 else (30, 30, 230)
        for yy in range(y, y + s):
            for xx in range(x, x + s):
                px[yy][xx] = list(rgb)
        gt.append("%05d.ppm;%d;%d;%d;%d;%d" % (i, x, y, x + s - 1, y + s - 1, cls))
    with open("FullIJCNN2013/%05d.ppm" % i, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (W, H))
        f.write(bytes(v for row in px for p in row for v in p))
with open("FullIJCNN2013/gt.txt", "w") as f:
    f.write("\n".join(gt) + "\n")
# a per-class crop folder, as in the real archive: not read by the driver
with open("FullIJCNN2013/00/00000.ppm", "wb") as f:
    f.write(b"P6\n1 1\n255\n\x00\x00\x00")
PY

cat > seg.ini <<INI
[database]
Type=GTSDB_DIR_Database
DataPath=$work/FullIJCNN2013
Learn=0.75
Validation=0.125
DefaultLabel=bg

[sp]
SizeX=16
SizeY=16
NbChannels=3
BatchSize=4
CompositeStimuli=1

[conv1]
Input=sp
Type=Conv
KernelWidth=3
KernelHeight=3
PaddingX=1
PaddingY=1
NbOutputs=8
ActivationFunction=Rectifier
WeightsFiller=HeFiller
ConfigSection=common

[conv2]
Input=conv1
Type=Conv
KernelWidth=1
KernelHeight=1
NbOutputs=3
ActivationFunction=Linear
WeightsFiller=HeFiller
ConfigSection=common

[softmax]
Input=conv2
Type=Softmax
NbOutputs=3
WithLoss=1

[softmax.Target]

[common]
Solvers.LearningRate=0.002
Solvers.Momentum=0.9
INI

rate_of() { sed -n 's/^Final recognition rate: \([0-9.]*\)%.*/\1/p' "$1" | tail -n 1; }

# Untrained (filler weights) on the test set.
"$run" seg.ini -test -w /dev/null -seed 2 | tee untrained.log
before=$(rate_of untrained.log)
# -learn ends with a test pass on the best validation weights.
"$run" seg.ini -learn 800 -log 400 -seed 2 | tee learn.log
after=$(rate_of learn.log)
echo "pixel recognition rate: untrained $before %, after learning $after %"
[ -n "$before" ] && [ -n "$after" ] || { echo "FAIL: no recognition rate"; exit 1; }
awk -v a="$after" -v b="$before" 'BEGIN { exit !(a > 95.0 && a > b + 10.0) }' ||
  { echo "FAIL: the pixel recognition rate did not rise enough"; exit 1; }
# The confusion matrix counts pixels: 5 test images x 256 pixels.
grep -q "^# counted 1280," seg/softmax.Target/ConfusionMatrix_test.dat ||
  { echo "FAIL: the test confusion matrix does not count 1280 pixels"; exit 1; }
echo "gtsdb_segmentation: ok"
