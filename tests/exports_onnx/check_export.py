"""Checks an n2d2 ONNX export: onnx.checker (full check), then the model's
outputs on n2d2's input against n2d2's own outputs (written by
onnx_export_ref). The model runs on onnxruntime when it is installed,
otherwise on the small evaluator below (PyTorch functional ops, float64),
which knows the operators the exporter emits.

    check_export.py [--tol 1e-4] model.onnx ref_dir [model.onnx ref_dir ...]
N2D2_ONNX_ENGINE=torch forces the evaluator. Exit 0 when every output of every model matches within the tolerance."""
import math
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

try:  # the evaluator's arithmetic; not needed when onnxruntime runs the model
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None


def attrs(node):
    def text(v):
        return v.decode() if isinstance(v, bytes) else v
    return {a.name: text(onnx.helper.get_attribute_value(a)) for a in node.attribute}


def pad_nchw(x, pads, value=0.0):
    # ONNX 2-D pads are (top, left, bottom, right); F.pad wants (l, r, t, b)
    t, l, b, r = pads
    return F.pad(x, (l, r, t, b), value=value)


def resize_axis(x, axis, out, mode, ctm):
    n = x.shape[axis]
    d = torch.arange(out, dtype=torch.float64)
    if mode == "nearest":  # asymmetric + floor, the only form the exporter emits
        idx = torch.clamp(torch.floor(d * n / out).long(), max=n - 1)
        return torch.index_select(x, axis, idx)
    if ctm == "half_pixel":
        src = (d + 0.5) * n / out - 0.5
    elif ctm == "align_corners":
        src = d * (n - 1) / (out - 1) if out > 1 else torch.zeros(out, dtype=torch.float64)
    else:  # asymmetric
        src = d * n / out
    src = torch.clamp(src, 0, n - 1)
    lo = torch.floor(src).long()
    hi = torch.clamp(lo + 1, max=n - 1)
    frac = (src - lo).reshape([-1 if i == axis else 1 for i in range(x.dim())])
    a = torch.index_select(x, axis, lo)
    b = torch.index_select(x, axis, hi)
    return a + frac * (b - a)


def run_node(node, v):
    op, a = node.op_type, attrs(node)
    x = [v[i] if i else None for i in node.input]
    if op == "Conv":
        y = pad_nchw(x[0], a.get("pads", [0, 0, 0, 0]))
        return F.conv2d(y, x[1], x[2] if len(x) > 2 else None, stride=a.get("strides", [1, 1]),
                        dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))
    if op == "MaxPool":
        y = pad_nchw(x[0], a.get("pads", [0, 0, 0, 0]), -math.inf)
        return F.max_pool2d(y, a["kernel_shape"], a.get("strides", [1, 1]))
    if op == "AveragePool":  # count_include_pad=0: divide by the real elements
        k, s, p = a["kernel_shape"], a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0])
        total = F.avg_pool2d(pad_nchw(x[0], p), k, s) * (k[0] * k[1])
        ones = torch.ones_like(x[0][:1, :1])
        count = F.avg_pool2d(pad_nchw(ones, p), k, s) * (k[0] * k[1])
        return total / count
    if op == "GlobalMaxPool":
        return torch.amax(x[0], dim=(2, 3), keepdim=True)
    if op == "GlobalAveragePool":
        return torch.mean(x[0], dim=(2, 3), keepdim=True)
    if op == "Flatten":
        return x[0].reshape(x[0].shape[0], -1)
    if op == "Gemm":
        assert a.get("transB", 0) == 1 and a.get("transA", 0) == 0
        y = x[0] @ x[1].T
        return y + x[2] if len(x) > 2 and x[2] is not None else y
    if op == "BatchNormalization":
        sh = [1, -1] + [1] * (x[0].dim() - 2)
        inv = x[1].reshape(sh) / torch.sqrt(x[4].reshape(sh) + a.get("epsilon", 1e-5))
        return (x[0] - x[3].reshape(sh)) * inv + x[2].reshape(sh)
    if op == "Relu":
        return torch.relu(x[0])
    if op == "LeakyRelu":
        return torch.where(x[0] > 0, x[0], x[0] * a.get("alpha", 0.01))
    if op == "Tanh":
        return torch.tanh(x[0])
    if op == "Sigmoid":
        return torch.sigmoid(x[0])
    if op == "Softplus":
        return F.softplus(x[0])
    if op == "Clip":
        lo = x[1] if len(x) > 1 and x[1] is not None else None
        hi = x[2] if len(x) > 2 and x[2] is not None else None
        y = x[0]
        if lo is not None:
            y = torch.maximum(y, lo)
        if hi is not None:
            y = torch.minimum(y, hi)
        return y
    if op == "Abs":
        return torch.abs(x[0])
    if op == "Sqrt":
        return torch.sqrt(x[0])
    if op in ("Mul", "Add"):
        return x[0] * x[1] if op == "Mul" else x[0] + x[1]
    if op == "Sum":
        return sum(x[1:], x[0])
    if op == "Max":
        y = x[0]
        for t in x[1:]:
            y = torch.maximum(y, t)
        return y
    if op == "Softmax":
        return torch.softmax(x[0], dim=a.get("axis", -1))
    if op == "Concat":
        return torch.cat(x, dim=a["axis"])
    if op == "Reshape":
        shape = [int(s) if s != 0 else x[0].shape[i] for i, s in enumerate(x[1].tolist())]
        return x[0].reshape(shape)
    if op == "Transpose":
        return x[0].permute(*a["perm"])
    if op == "Pad":
        p = [int(s) for s in x[1].tolist()]
        r = len(p) // 2
        fp = []
        for i in reversed(range(r)):
            fp += [p[i], p[i + r]]
        return F.pad(x[0], fp)
    if op == "Identity":
        return x[0]
    if op == "Shape":
        return torch.tensor(list(x[0].shape), dtype=torch.int64)
    if op == "Slice":
        return x[0][int(x[1][0]):int(x[2][0])]
    if op == "Resize":
        sizes = [int(s) for s in x[3].tolist()]
        y = x[0]
        for axis in (2, 3):
            if sizes[axis] != y.shape[axis] or a.get("mode") != "nearest":
                y = resize_axis(y, axis, sizes[axis], a.get("mode", "nearest"),
                                a.get("coordinate_transformation_mode", "half_pixel"))
        return y
    raise NotImplementedError("evaluator: operator %s" % op)


def evaluate(model, feeds):
    v = {}
    for t in model.graph.initializer:
        arr = numpy_helper.to_array(t)
        v[t.name] = torch.from_numpy(arr.astype(np.float64) if arr.dtype == np.float32 else arr)
    for k, arr in feeds.items():
        v[k] = torch.from_numpy(arr.astype(np.float64))
    for node in model.graph.node:
        v[node.output[0]] = run_node(node, v)
    return {o.name: v[o.name].numpy() for o in model.graph.output}


def run_model(path, model, feeds):
    try:
        if os.environ.get("N2D2_ONNX_ENGINE") == "torch":
            raise ImportError("evaluator forced")
        import onnxruntime  # noqa: F401
    except ImportError:
        if torch is None:
            raise SystemExit("neither onnxruntime nor torch: cannot run the model")
        return evaluate(model, feeds), "torch evaluator"
    sess = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, feeds))), "onnxruntime"


def check(path, ref, tol):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    feeds, expected = {}, {}
    for line in open(ref + "/outputs.txt"):
        f = line.split()
        if f[0] == "input":
            shape = [int(s) for s in f[2:]]
            feeds[f[1]] = np.fromfile(ref + "/input.bin", dtype=np.float32).reshape(shape)
        else:
            expected[f[1]] = np.fromfile(ref + "/" + f[2], dtype=np.float32).reshape(
                [int(s) for s in f[3:]])
    got, engine = run_model(path, model, feeds)
    if set(got) != set(expected):
        print("FAIL: ONNX outputs %s, n2d2 outputs %s" % (sorted(got), sorted(expected)))
        return False
    worst = 0.0
    for name, want in expected.items():
        have = np.asarray(got[name], dtype=np.float64)
        if have.size != want.size:
            print("FAIL: output %s has %d values, n2d2 has %d" % (name, have.size, want.size))
            return False
        diff = float(np.max(np.abs(have.reshape(-1) - want.reshape(-1).astype(np.float64))))
        spread = float(np.max(np.abs(want))) if want.size else 0.0
        print("%s: max |onnx - n2d2| = %.3g (outputs up to %.3g) [%s]" % (name, diff, spread, engine))
        if not diff <= tol:
            print("FAIL: %s differs by %.3g > %g" % (name, diff, tol))
            return False
        if spread == 0.0:
            print("FAIL: %s is all zeros: the comparison would prove nothing" % name)
            return False
        worst = max(worst, diff)
    print("OK: %d output(s) match within %g (worst %.3g)" % (len(expected), tol, worst))
    return True


def main():
    args = sys.argv[1:]
    tol = 1e-4
    if args[:1] == ["--tol"]:
        tol, args = float(args[1]), args[2:]
    if not args or len(args) % 2:
        print(__doc__)
        return 2
    failed = []
    for path, ref in zip(args[0::2], args[1::2]):
        print("== %s" % path)
        try:
            ok = check(path, ref, tol)
        except Exception as e:  # a checker or runtime refusal is a failure of this model
            print("FAIL: %s: %s" % (type(e).__name__, e))
            ok = False
        if not ok:
            failed.append(path)
    if failed:
        print("FAILED: %s" % ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
