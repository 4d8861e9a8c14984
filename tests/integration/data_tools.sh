#!/usr/bin/env bash
# Seeing the data with n2d2-run on a miniature MNIST written here (40 learn
# + 10 test images of 28x28): frames/, -pre-samples N, -log-db-stats, and
# StimuliData MeanData feeding AffineTransformation (manual 20.2). Checks
# file counts, PNG signatures and IHDR sizes, and the statistics.
set -euo pipefail
run=$1 work=$2
rm -rf "$work" && mkdir -p "$work/mnist" && cd "$work"

python3 - <<'PY'
import gzip, struct
def images(n, first):
    b = struct.pack(">IIII", 0x803, n, 28, 28)
    return b + bytes(((first + i) * 7 + y * 6 + x * 3) % 256
                     for i in range(n) for y in range(28) for x in range(28))
def labels(n, first):
    return struct.pack(">II", 0x801, n) + bytes((first + i) % 10 for i in range(n))
for name, data in [("train-images-idx3-ubyte", images(40, 0)), ("train-labels-idx1-ubyte", labels(40, 0)),
                   ("t10k-images-idx3-ubyte", images(10, 1000)), ("t10k-labels-idx1-ubyte", labels(10, 1000))]:
    with gzip.open("mnist/" + name + ".gz", "wb") as f:
        f.write(data)
PY

cat > tiny.ini <<INI
[database]
Type=MNIST_IDX_Database
DataPath=$work/mnist
Validation=0.25

[sp]
SizeX=28
SizeY=28
BatchSize=4

[sp.StimuliData-meanData]
ApplyTo=LearnOnly
MeanData=1

[sp.Transformation-mean]
Type=AffineTransformation
FirstOperator=Minus
FirstValue=[sp.StimuliData-meanData]_MeanData

[sp.OnTheFlyTransformation-flip]
Type=FlipTransformation
RandomHorizontalFlip=1
ApplyTo=LearnOnly

[fc]
Input=sp
Type=Fc
NbOutputs=10

[softmax]
Input=fc
Type=Softmax
NbOutputs=10
WithLoss=1

[softmax.Target]
INI

# No -learn/-test: only the data tools run.
"$run" tiny.ini -pre-samples 3 -log-db-stats -seed 1 | tee run.log

fail() { echo "FAIL: $*"; exit 1; }
# png FILE WIDTH HEIGHT COLOR: signature, IHDR first, size and color type.
png() {
  python3 - "$@" <<'PY' || fail "bad PNG $1"
import struct, sys, zlib
path, w, h, color = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
b = open(path, "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "signature"
n, kind = struct.unpack(">I4s", b[8:16])
assert kind == b"IHDR" and n == 13, "IHDR first"
W, H, depth, ctype = struct.unpack(">IIBB", b[16:26])
assert (W, H, depth, ctype) == (w, h, 8, color), (W, H, depth, ctype)
pos, idat = 8, b""
while pos < len(b):
    n, kind = struct.unpack(">I4s", b[pos:pos + 8])
    assert zlib.crc32(b[pos + 4:pos + 8 + n]) == struct.unpack(">I", b[pos + 8 + n:pos + 12 + n])[0]
    if kind == b"IDAT":
        idat += b[pos + 8:pos + 8 + n]
    pos += 12 + n
assert len(zlib.decompress(idat)) == (w + 1) * h if color == 0 else True
PY
}

# -pre-samples 3: 100 PNG samples of learn stimulus 3, 28x28 gray; the
# random flip makes some of them differ.
n=$(ls tiny/pre_samples_3 | grep -c '^sample_[0-9]*\.png$')
[ "$n" -eq 100 ] || fail "pre_samples_3 holds $n samples, want 100"
for i in 0 1 50 99; do png tiny/pre_samples_3/sample_$i.png 28 28 0; done
distinct=$(md5sum tiny/pre_samples_3/*.png | cut -d' ' -f1 | sort -u | wc -l)
[ "$distinct" -eq 2 ] || fail "$distinct distinct pre-samples, want 2 (flipped or not)"

# frames/: the first 16 learn frames, 10 test ones, 10 validation ones (.png + .dat), listed.
for set in "frame" "test_frame" "validation_frame"; do
  want=16; [ "$set" = frame ] || want=10
  n=$(ls tiny/frames | grep -c "^${set}_[0-9]*\.png$")
  [ "$n" -eq "$want" ] || fail "frames/: $n ${set} PNGs, want $want"
  n=$(ls tiny/frames | grep -c "^${set}_[0-9]*\.dat$")
  [ "$n" -eq "$want" ] || fail "frames/: $n ${set} .dat, want $want"
done
png tiny/frames/frame_0.png 28 28 0
png tiny/frames/test_frame_9.png 28 28 0
[ "$(grep -vc '^#' tiny/frames/frames.txt)" -eq 36 ] || fail "frames.txt does not list 36 frames"
# A .dat holds 28 rows of 28 values after its two comment lines.
[ "$(grep -vc '^#' tiny/frames/frame_0.dat)" -eq 28 ] || fail "frame_0.dat rows"
[ "$(awk '!/^#/ { print NF }' tiny/frames/frame_0.dat | sort -u)" = 28 ] || fail "frame_0.dat columns"

# MeanData: the mean image files of the section, in the run folder.
png tiny/sp.StimuliData-meanData/meanData.bin.png 28 28 0
[ "$(stat -c %s tiny/sp.StimuliData-meanData/meanData.bin)" -eq $((24 + 8 * 28 * 28)) ] ||
  fail "meanData.bin size"
[ "$(wc -l < tiny/sp.StimuliData-meanData/meanData.txt)" -eq 28 ] || fail "meanData.txt rows"

# -log-db-stats: 10 labels; 30 learn, 10 validation, 10 test stimuli of 28x28x1.
labels=tiny/dbstats/labels.dat sizes=tiny/dbstats/sizes.dat
[ "$(grep -vc '^#' $labels)" -eq 10 ] || fail "labels.dat should have 10 label rows"
awk '!/^#/ { l += $3; v += $4; t += $5; all += $7 } END { exit !(l == 30 && v == 10 && t == 10 && all == 50) }' $labels ||
  fail "labels.dat counts: $(cat $labels)"
grep -q '^Learn 30 28 28 28 28 28 28 1 1 1$' $sizes || fail "sizes.dat learn line: $(cat $sizes)"
grep -q '^Test 10 28 28 28 28 28 28 1 1 1$' $sizes || fail "sizes.dat test line: $(cat $sizes)"
grep -q 'database: 50 stimuli, 10 labels' run.log || fail "no database summary on stdout"

# Out of range stimulus: a clear error.
if "$run" tiny.ini -pre-samples 30 -seed 1 > bad.log 2>&1; then fail "-pre-samples 30 succeeded"; fi
grep -q "the learn set holds 30 stimuli" bad.log || fail "unclear error: $(cat bad.log)"
echo "data_tools: all checks passed"
