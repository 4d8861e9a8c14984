#!/usr/bin/env bash
# End to end: a DIR_Database of PNG files (3 classes of stripe patterns,
# written here) trains an Fc + Softmax network with n2d2-run -learn; the
# test-set recognition rate must be far above chance (33 %), and the
# learn/validation/test counts must follow the per-label partition.
set -euo pipefail
run=$1
. "$(dirname "$0")/train_check.sh"
# A fresh folder per run: CI may run the suite several times at once.
mkdir -p "$(dirname "$2")"
work=$(mktemp -d "$2-XXXXXX")
cd "$work"

/usr/bin/python3 - <<'PY'
import os, random, struct, zlib

def png(path, rows):
    h, w = len(rows), len(rows[0])
    raw = b"".join(b"\0" + bytes(r) for r in rows)
    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

rng = random.Random(5)
patterns = {
    "horizontal": lambda y, x: 220 if y % 4 < 2 else 30,
    "vertical": lambda y, x: 220 if x % 4 < 2 else 30,
    "Diagonal": lambda y, x: 220 if (x + y) % 4 < 2 else 30,
}
for name, f in patterns.items():
    os.makedirs(f"data/{name}")
    for i in range(20):
        rows = [[max(0, min(255, f(y, x) + rng.randint(-40, 40))) for x in range(8)]
                for y in range(8)]
        png(f"data/{name}/{i:02d}.png", rows)
open("data/horizontal/README.txt", "w").write("not an image: ValidExtensions skips it\n")
PY

cat > dir.ini <<'INI'
DefaultModel=Frame

[database]
Type=DIR_Database
DataPath=data
ValidExtensions=png
Learn=0.6
Validation=0.2

[sp]
SizeX=8
SizeY=8
BatchSize=6
INI
fc_softmax_ini 0.05 >> dir.ini

"$run" dir.ini -learn 200 -log 100 -seed 1 | tee learn.log
# 20 images per label: 12 learn, 4 validation, 4 test each.
check_learn learn.log 36 12 db_dir_train
