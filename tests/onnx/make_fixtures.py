#!/usr/bin/python3
"""Test fixtures of the ONNX importer, written at test time (nothing is
committed but this script).

usage: make_fixtures.py <models dir> <out dir>

* <out>/<model>.in.f32 / .out.f32: the 16 inputs and PyTorch outputs of the
  reference models (<models dir>/*.npz), raw little-endian float32.
* <out>/op_<case>.onnx + .in.f32 + .out.f32: small PyTorch modules that use
  the operators the importer maps (exported at several opsets), with their
  PyTorch outputs; listed in <out>/cases.txt as
  "name batch C H W" (input shape); *_typed: the same with some
  initializers in float_data instead of raw_data.
* <out>/bad_<case>.onnx: broken models for the error tests.
"""
import io
import os
import sys

import numpy as np

models, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

for name in ("lenet_fmnist", "mnist24_fmnist", "resnet_small_fmnist"):
    path = os.path.join(models, name + ".npz")
    if os.path.exists(path):
        z = np.load(path)
        z["input"].astype("<f4").tofile(os.path.join(out, name + ".in.f32"))
        z["output"].astype("<f4").tofile(os.path.join(out, name + ".out.f32"))

import onnx
from onnx import helper, TensorProto, numpy_helper

# ---- broken models -------------------------------------------------------


def tiny(nodes, inits, opset=13, outputs=("y",)):
    g = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 4, 4])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs],
        inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    return m


def save(m, name):
    with open(os.path.join(out, name), "wb") as f:
        f.write(m.SerializeToString())


w = numpy_helper.from_array(np.ones((2, 1, 3, 3), np.float32), "w")
good = tiny([helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], [w])
save(good, "bad_none.onnx")
data = good.SerializeToString()
with open(os.path.join(out, "bad_truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
with open(os.path.join(out, "bad_text.onnx"), "wb") as f:
    f.write(b"this is not an ONNX model, just some text\n" * 4)
short = onnx.TensorProto()
short.CopyFrom(w)
short.raw_data = np.ones(17, np.float32).tobytes()  # 18 values needed
save(tiny([helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], [short]), "bad_size.onnx")
save(tiny([helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], [w], opset=99), "bad_opset.onnx")
save(tiny([helper.make_node("Add", ["x", "b"], ["a"], name="add1"),
           helper.make_node("Relu", ["a"], ["b"], name="relu1"),
           helper.make_node("Relu", ["a"], ["y"], name="relu2")], []), "bad_cycle.onnx")
save(tiny([helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
           helper.make_node("Hardmax", ["c"], ["y"], name="hm")], [w]), "bad_op.onnx")
ext = onnx.TensorProto()
ext.CopyFrom(w)
ext.ClearField("raw_data")
ext.data_location = TensorProto.EXTERNAL
e = ext.external_data.add()
e.key, e.value = "location", "weights.bin"
save(tiny([helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], [ext]), "bad_external.onnx")

# ---- operator cases from PyTorch -----------------------------------------

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class Ops1(nn.Module):  # group/dilated/asymmetric conv, pools, MatMul+Add, consts
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(2, 4, 3, padding=1, groups=2)
        self.c2 = nn.Conv2d(4, 6, 3, dilation=2, stride=(1, 2), bias=False)
        self.bn = nn.BatchNorm2d(6)
        self.lin = nn.Linear(6 * 4 * 2, 5)
        self.bn.running_mean.uniform_(-0.5, 0.5)
        self.bn.running_var.uniform_(0.5, 2.0)

    def forward(self, x):
        x = F.relu6(self.c1(x))
        x = F.pad(x, (1, 0, 2, 1))              # asymmetric, becomes Pad
        x = F.leaky_relu(self.c2(x), 0.1)
        x = self.bn(x) * 0.5 - 0.25
        x = F.avg_pool2d(x, 2, stride=2, padding=0)
        x = torch.sigmoid(x)
        x = x.view(x.size(0), -1)               # Shape/Gather/Unsqueeze/Concat/Reshape
        return torch.matmul(x, self.lin.weight.t()) + self.lin.bias


class Ops2(nn.Module):  # residual add/sub/mul, concat, transpose, softmax, resize
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 1)
        self.b = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        a, b = self.a(x), torch.tanh(self.b(x))
        y = torch.cat([a + b, a - b, a * b], 1)
        y = F.max_pool2d(y, 3, stride=2, padding=1)
        y = F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=False)
        y = F.interpolate(y, scale_factor=2, mode="nearest")
        y = y.transpose(2, 3)
        y = F.adaptive_avg_pool2d(y, 1)
        return F.softmax(y.flatten(1), dim=1)


cases = []
for name, mod, shape, opsets in (("ops1", Ops1(), (3, 2, 9, 11), (9, 11, 13, 17)),
                                 ("ops2", Ops2(), (2, 3, 5, 6), (11, 13, 17))):
    mod.eval()
    x = torch.rand(*shape)
    with torch.no_grad():
        y = mod(x)
    for opset in opsets:
        case = "op_%s_%d" % (name, opset)
        buf = io.BytesIO()
        torch.onnx.export(mod, x, buf, opset_version=opset, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "N"}})
        with open(os.path.join(out, case + ".onnx"), "wb") as f:
            f.write(buf.getvalue())
        x.numpy().astype("<f4").tofile(os.path.join(out, case + ".in.f32"))
        y.numpy().astype("<f4").tofile(os.path.join(out, case + ".out.f32"))
        cases.append("%s %d %d %d %d" % ((case,) + tuple(shape)))
        if opset == 13:
            # The same model with every other initializer typed (float_data,
            # no raw_data): the importer's file reader cuts raw_data out
            # before unpacking and must leave typed data alone.
            m = onnx.load_from_string(buf.getvalue())
            for k, t in enumerate(m.graph.initializer):
                if k % 2 == 0 and t.data_type == TensorProto.FLOAT:
                    a = numpy_helper.to_array(t)
                    t.ClearField("raw_data")
                    t.float_data.extend(a.flatten().tolist())
            typed = case + "_typed"
            with open(os.path.join(out, typed + ".onnx"), "wb") as f:
                f.write(m.SerializeToString())
            for ext in (".in.f32", ".out.f32"):
                with open(os.path.join(out, case + ext), "rb") as src, \
                        open(os.path.join(out, typed + ext), "wb") as dst:
                    dst.write(src.read())
            cases.append("%s %d %d %d %d" % ((typed,) + tuple(shape)))
with open(os.path.join(out, "cases.txt"), "w") as f:
    f.write("\n".join(cases) + "\n")
