#!/usr/bin/env bash
# Runs the ONNX importer suite: writes its fixtures with make_fixtures.py
# (system Python with numpy, onnx, torch), then runs the test program.
# Skipped (77) without the reference models or those Python modules.
set -eu
models=$1 out=$2 test=$3
if [ ! -d "$models" ]; then echo "SKIPPED: no reference models in $models"; exit 77; fi
if ! /usr/bin/python3 -c 'import numpy, onnx, torch' 2>/dev/null; then
  echo "SKIPPED: /usr/bin/python3 lacks numpy, onnx or torch"; exit 77
fi
script=$(dirname "$0")/make_fixtures.py
# Written once per build tree (the script is the only input besides the models).
if [ ! -f "$out/cases.txt" ] || [ "$script" -nt "$out/cases.txt" ]; then
  rm -rf "$out"
  /usr/bin/python3 -W ignore "$script" "$models" "$out" > "$out.log" 2>&1 || { cat "$out.log"; exit 1; }
fi
N2D2_MODELS_DIR=$models N2D2_ONNX_FIXTURES=$out exec "$test"
