#!/usr/bin/env bash
# Transfer learning from an ONNX model (manual ch. 8) on real Fashion-MNIST:
# the reference LeNet without its classifier (Ignore=), its convolutions
# frozen (BackPropagate=0 through [onnx:Conv_def]), a new Fc for a changed
# class mapping (tops / footwear / the rest, LabelsMapping=). The new head
# starts near chance; a short run must lift the test rate far above it.
set -euo pipefail
run=$1 models=$2 work=$3
if [ ! -e "$models/lenet_fmnist.onnx" ]; then echo "SKIPPED: no reference models in $models"; exit 77; fi
if [ ! -e /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] && [ -z "${N2D2_DATA:-}" ]; then
  echo "SKIPPED: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)"
  exit 77
fi
plugins=$("$run" --list-plugins 2>/dev/null || true)
if ! grep -q "importer .*ONNX" <<<"$plugins"; then
  echo "SKIPPED: the ONNX importer plugin is not built (needs protobuf-c and onnx.proto)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work" && cd "$work"
cat > groups.dat <<'MAP'
# tops, footwear, the rest
T-shirt/top 0
Pullover 0
Coat 0
Shirt 0
Sandal 1
Sneaker 1
Ankle+boot 1
default 2
MAP
cat > finetune.ini <<INI
DefaultModel=Frame
[database]
Type=Fashion_MNIST_IDX_Database
Validation=0.1
[sp]
SizeX=32
SizeY=32
BatchSize=64
[sp.Transformation_1]
Type=RescaleTransformation
Width=[sp]SizeX
Height=[sp]SizeY
[onnx]
Input=sp
Type=ONNX
File=$models/lenet_fmnist.onnx
Ignore=output
[onnx:Conv_def]
BackPropagate=0
[onnx:Fc_def]
ConfigSection=common.config
[fc_new]
Input=onnx,/Relu_3_output_0
Type=Fc
NbOutputs=3
WeightsFiller=XavierFiller
ConfigSection=common.config
[softmax]
Input=fc_new
Type=Softmax
NbOutputs=[fc_new]NbOutputs
WithLoss=1
[softmax.Target]
LabelsMapping=groups.dat
[common.config]
WeightsSolver.LearningRate=0.01
Solvers.Momentum=0.9
INI
rate() { sed -n 's/^Final recognition rate: \([0-9.]*\)%.*/\1/p' "$1" | tail -n 1; }
"$run" finetune.ini -test -w /dev/null -seed 1 > before.log
"$run" finetune.ini -learn 3200 -log 1600 -seed 1 > after.log
before=$(rate before.log) after=$(rate after.log)
echo "new head before fine-tuning: $before %, after 3200 stimuli: $after %"
awk -v a="$before" -v b="$after" 'BEGIN { exit !(b >= 90 && b >= a + 30) }'
echo "integration_onnx_finetune: ok"
