#!/usr/bin/env bash
# End to end: n2d2-run learns from an Actitracker_Database (a
# WISDM_at_v2.0_raw.txt written here: three activities whose windows
# differ by the axis carrying the signal). The windows must be counted as
# the driver documents and the test-set recognition rate must be far above
# chance (33 %).
set -euo pipefail
run=$1
. "$(dirname "$0")/../databases/train_check.sh"
mkdir -p "$(dirname "$2")"
work=$(mktemp -d "$2-XXXXXX")
cd "$work"
mkdir data

/usr/bin/python3 - <<'PY'
import random
rng = random.Random(3)
rows = []
# 20 blocks of 16 samples per activity, interleaved: 60 windows of 16.
for block in range(20):
    for act, axis in (("Walking", 0), ("Jogging", 1), ("Sitting", 2)):
        for i in range(16):
            v = [rng.uniform(-1, 1) for _ in range(3)]
            v[axis] += 8.0 + 3.0 * ((i % 4) - 1.5)
            rows.append(f"{block},{act},{len(rows) * 50},{v[0]:.4f},{v[1]:.4f},{v[2]:.4f};")
rows.insert(5, "579,,;")  # a record without activity: skipped
open("data/WISDM_at_v2.0_raw.txt", "w").write("\n".join(rows) + "\n")
PY

cat > acti.ini <<'INI'
DefaultModel=Frame

[database]
Type=Actitracker_Database
DataPath=data
WindowSize=16
Overlapping=1.0
Learn=0.6
Validation=0.2

[sp]
SizeX=16
SizeY=3
BatchSize=6
INI
fc_softmax_ini 0.01 >> acti.ini

"$run" acti.ini -learn 300 -log 100 -seed 1 | tee learn.log
# 60 windows: 36 learn, 12 validation, 12 test.
check_learn learn.log 36 12 db_acti_train
