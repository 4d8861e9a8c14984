#!/bin/sh
# Issue 5 target: Fashion-MNIST as 70,000 PNG files through DIR_Database
# (models/LeNet_DIR.ini). Measures, on this machine:
#   1. the loader alone (bench_stimuli --ini): learn passes of 48,000
#      images, the first decodes the PNGs and fills the cache, the later
#      ones (median, min, max) read the cache — without and with an
#      on-the-fly DistortionTransformation (the manual's MNIST values,
#      lines 6137-6141, LearnOnly);
#   2. loader + training (n2d2-run -bench) with the distortion: 1 and 3
#      epochs; the rate after the first epoch is (N3 - N1) / (T3 - T1).
# Load averages are printed before and after (the machine may be shared).
#
#   bench/data/fmnist_dir_bench.sh BUILD_DIR [WORK_DIR]
#
# BUILD_DIR holds n2d2-run, bench_stimuli (tests/data) and plugins-out/.
# The PNG folder is /tmp/fmnist_png (written by fmnist_png.py if absent).
set -eu
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [WORK_DIR]}" && pwd)
WORK=${2:-/tmp/n2d2-fmnist-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export N2D2_PLUGIN_PATH="$BUILD/plugins-out"
mkdir -p "$WORK"
[ -d /tmp/fmnist_png ] || python3 "$HERE/fmnist_png.py"

PLAIN="$WORK/LeNet_DIR.ini"
DIST="$WORK/LeNet_DIR_distortion.ini"
cp "$ROOT/models/LeNet_DIR.ini" "$PLAIN"
cp "$ROOT/models/LeNet_DIR.ini" "$DIST"
cat >> "$DIST" <<'INI'

[sp.OnTheFlyTransformation-distortion]
Type=DistortionTransformation
ApplyTo=LearnOnly
ElasticGaussianSize=21
ElasticSigma=6.0
ElasticScaling=20.0
Scaling=15.0
Rotation=15.0
INI

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "== loader alone (5 learn passes) =="
"$BUILD/tests/data/bench_stimuli" --ini "$PLAIN" 5
"$BUILD/tests/data/bench_stimuli" --ini "$DIST" 5

echo "== loader + training, DistortionTransformation on the fly =="
cd "$WORK"
n1=0; t1=0
for e in 1 3; do
    line=$("$BUILD/apps/n2d2-run/n2d2-run" "$DIST" -learn-epoch $e -bench 2>/dev/null | grep '^bench:')
    echo "$e epoch(s): $line"
    n=$(echo "$line" | sed 's/bench: training \([0-9]*\) images in \([0-9.]*\) s.*/\1/')
    t=$(echo "$line" | sed 's/bench: training \([0-9]*\) images in \([0-9.]*\) s.*/\2/')
    if [ "$e" = 1 ]; then n1=$n; t1=$t; fi
done
echo "after the first epoch: $(echo "$n $n1 $t $t1" |
    awk '{ printf "%.0f images/s (loader + training)", ($1 - $2) / ($3 - $4) }')"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
