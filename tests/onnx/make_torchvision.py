#!/usr/bin/env python3
"""Writes torchvision's ResNet-18 and MobileNet-v2 (random weights, seeded)
as ONNX files (torch.onnx.export, opset 13) into <out>, with one random
224x224 input and PyTorch's output for it as raw float32 files
(MobileNet-v2 with its classifier's Dropout node put back):
<name>.onnx, <name>.in.f32, <name>.out.f32.

The BatchNorm layers are kept as BatchNormalization nodes (not folded into
the convolutions) so that the imported network has the published
parameter counts, and get random statistics so that they matter.

    make_torchvision.py <out>"""
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torchvision

MODELS = {"resnet18": torchvision.models.resnet18, "mobilenet_v2": torchvision.models.mobilenet_v2}


def keep_dropout(path):
    """torchvision's classifier is Dropout(0.2) -> Linear, but an eval-mode
    export drops the Dropout: put it back (inference form, as other
    exporters write it) so that the import of Dropout is covered."""
    model = onnx.load(path)
    g = model.graph
    gemm = [n for n in g.node if n.op_type == "Gemm"][0]
    g.initializer.append(onnx.numpy_helper.from_array(np.array(0.2, dtype=np.float32), "dropout_ratio"))
    drop = onnx.helper.make_node("Dropout", [gemm.input[0], "dropout_ratio"], ["dropout_out"], name="Dropout")
    gemm.input[0] = "dropout_out"
    g.node.insert(list(g.node).index(gemm), drop)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for name, ctor in MODELS.items():
        model = ctor().eval()
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.data.uniform_(0.5, 1.5)
                m.bias.data.uniform_(-0.1, 0.1)
        x = torch.rand(1, 3, 224, 224)
        with torch.no_grad():
            y = model(x)
        # PRESERVE + no constant folding: BatchNorm stays a node (EVAL would
        # fold it into the convolution's weights and bias).
        torch.onnx.export(model, x, os.path.join(out, name + ".onnx"), opset_version=13,
                          input_names=["input"], output_names=["output"],
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
        if name == "mobilenet_v2":
            keep_dropout(os.path.join(out, name + ".onnx"))
        x.numpy().astype(np.float32).tofile(os.path.join(out, name + ".in.f32"))
        y.numpy().astype(np.float32).tofile(os.path.join(out, name + ".out.f32"))
        print(name, sum(p.numel() for p in model.parameters()), "parameters")


if __name__ == "__main__":
    main()
