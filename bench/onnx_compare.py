#!/usr/bin/env python3
"""Inference of imported ONNX models: n2d2-c (Type=ONNX, forward pass of
bench/infer_bench.c) against ONNX Runtime on the same .onnx file, in one
run on the same machine: throughput at batch 128 (images/s) and latency
at batch 1 (ms per image), with 2 threads for both, medians of --repeats
runs (n2d2 and ORT interleaved so that both see the same load). Prints
both and the n2d2/ORT ratio (> 1: n2d2 faster).

    bench/onnx_compare.py --build _build/release [--repeats 5] [--torchvision]

Models: the three reference models of ../shared/models (LeNet, mnist24,
the small ResNet; Fashion-MNIST sizes) and, with --torchvision, ResNet-18
from torchvision (random weights, exported with a dynamic batch by
Debian's /usr/bin/python3 with python3-torch/-torchvision; batch 16 for
throughput and fewer images: it needs 1.8 GMAC per image).

Both sides time the same loop: a pool of batches of uniform [0, 1) values
already in memory, one batch copied in and run per step, after warm-up
steps. ORT: CPUExecutionProvider, intra_op_num_threads=2,
inter_op_num_threads=1, sequential execution, all graph optimisations.
n2d2: OMP_NUM_THREADS=2. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset
for both (they slow OpenBLAS down on these machines).

On a loaded machine (more runnable threads than cores), n2d2's OpenMP
regions wait at their join barrier for a worker the scheduler has not run
yet, and libgomp's default spinning makes that worse: compare with
--omp-wait-policy passive, or --threads 1. ORT's thread pool lets the
calling thread take all the work when its workers are late.

onnxruntime comes from PyPI (pip install onnxruntime) into the Python that
runs this script; without it the script says so and exits with status 2."""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REFERENCE = ("lenet_fmnist", "mnist24_fmnist", "resnet_small_fmnist")

# Runs in a child process (the thread settings must be set before ORT
# starts): prints {"images_per_second": ...}.
ORT_RUN = r"""
import json, sys, time
import numpy as np
import onnxruntime as ort
path, batch, images, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
so = ort.SessionOptions()
so.intra_op_num_threads = threads
so.inter_op_num_threads = 1
so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
inp = sess.get_inputs()[0]
shape = [batch] + [int(d) for d in inp.shape[1:]]
rng = np.random.default_rng(1)
pool = [rng.random(shape, dtype=np.float32) for _ in range(8)]
steps = max(1, images // batch)
for s in range(5):
    sess.run(None, {inp.name: pool[s % 8]})
start = time.perf_counter()
for s in range(steps):
    sess.run(None, {inp.name: pool[s % 8]})
seconds = time.perf_counter() - start
print(json.dumps({"images_per_second": steps * batch / seconds}))
"""

TORCHVISION_EXPORT = r"""
import sys, torch, torchvision
torch.manual_seed(0)
m = torchvision.models.resnet18().eval()
x = torch.rand(1, 3, 224, 224)
torch.onnx.export(m, x, sys.argv[1], opset_version=13, input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
"""


def bench_env(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OMP_NUM_THREADS"] = str(threads)
    return env


def json_line(out):
    lines = [l for l in out.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError("no result line in:\n" + out[-2000:])
    return json.loads(lines[-1])


def run(cmd, env, cwd=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError("command failed: %s\n%s\n%s" % (" ".join(cmd), r.stdout[-3000:], r.stderr[-3000:]))
    return r.stdout


def build_infer_bench(build, workdir):
    """bench/infer_bench.c compiled against the build tree's libn2d2."""
    exe = os.path.join(workdir, "infer_bench")
    lib = os.path.join(os.path.abspath(build), "kernel")
    subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-O2", "-I", os.path.join(ROOT, "sdk", "include"),
                    os.path.join(HERE, "infer_bench.c"), "-o", exe, "-L", lib, "-ln2d2", "-Wl,-rpath," + lib],
                   check=True)
    return exe


def input_shape(path):
    import onnxruntime as ort
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    c, h, w = (int(d) for d in sess.get_inputs()[0].shape[1:])
    return c, h, w


def write_ini(workdir, name, path, batch):
    c, h, w = input_shape(path)
    ini = os.path.join(workdir, "%s_b%d.ini" % (name, batch))
    with open(ini, "w") as f:
        f.write("DefaultModel=Frame\n[sp]\nSize=%d %d %d\nBatchSize=%d\n"
                "[onnx]\nInput=sp\nType=ONNX\nFile=%s\n" % (w, h, c, batch, path))
    return ini


def n2d2_rate(args, ini, images):
    env = bench_env(args.threads)
    if args.omp_wait_policy:
        env["OMP_WAIT_POLICY"] = args.omp_wait_policy
    env["N2D2_PLUGIN_PATH"] = os.path.join(args.build, "plugins-out")
    return json_line(run([args.infer_bench, ini, str(images)], env))["images_per_second"]


def ort_rate(args, path, batch, images):
    out = run([sys.executable, "-c", ORT_RUN, path, str(batch), str(images), str(args.threads)],
              bench_env(args.threads))
    return json_line(out)["images_per_second"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "_build", "release"))
    ap.add_argument("--models", default=os.path.join(ROOT, "..", "shared", "models"))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--images", type=int, default=12800, help="images per throughput run (batch 128)")
    ap.add_argument("--latency-images", type=int, default=2000, help="images per latency run (batch 1)")
    ap.add_argument("--torchvision", action="store_true", help="also torchvision's ResNet-18 (slow)")
    ap.add_argument("--omp-wait-policy", choices=("active", "passive"),
                    help="OMP_WAIT_POLICY for n2d2 (default: the environment's); see --help")
    args = ap.parse_args()
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        sys.stderr.write("onnx_compare.py: onnxruntime is not installed for %s: "
                         "install it with `%s -m pip install onnxruntime`\n" % (sys.executable, sys.executable))
        sys.exit(2)
    if not os.path.isfile(os.path.join(args.build, "kernel", "libn2d2.so")):
        sys.stderr.write("onnx_compare.py: no build tree at %s (--build)\n" % args.build)
        sys.exit(2)
    workdir = tempfile.mkdtemp(prefix="n2d2-onnx-bench-")
    # (name, file, [(batch, images)])
    runs = [(128, args.images), (1, args.latency_images)]
    models = [(m, os.path.abspath(os.path.join(args.models, m + ".onnx")), runs) for m in REFERENCE]
    try:
        args.infer_bench = build_infer_bench(args.build, workdir)
        if args.torchvision:
            path = os.path.join(workdir, "resnet18.onnx")
            run(["/usr/bin/python3", "-W", "ignore", "-c", TORCHVISION_EXPORT, path], dict(os.environ))
            # 1.8 GMAC per image: batch 16 for throughput (infer_bench warms
            # up on 5 batches), and far fewer images
            models.append(("resnet18_tv", path, [(16, 64), (1, 24)]))
        rows = []
        for name, path, plan in models:
            if not os.path.isfile(path):
                raise RuntimeError("missing model %s (--models)" % path)
            for batch, images in plan:
                ini = write_ini(workdir, name, path, batch)
                ours, theirs = [], []
                for _ in range(args.repeats):
                    ours.append(n2d2_rate(args, ini, images))
                    theirs.append(ort_rate(args, path, batch, images))
                o, t = statistics.median(ours), statistics.median(theirs)
                rows.append((name, batch, o, t))
                sys.stderr.write("%s batch %d: n2d2 %s | ort %s\n" % (name, batch, " ".join("%.0f" % x for x in ours),
                                                                      " ".join("%.0f" % x for x in theirs)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load = os.getloadavg()
    print("%-20s %6s %14s %14s %14s %14s %7s" % ("model", "batch", "n2d2 img/s", "ORT img/s", "n2d2 ms/img",
                                                 "ORT ms/img", "ratio"))
    for name, batch, o, t in rows:
        print("%-20s %6d %14.0f %14.0f %14.3f %14.3f %7.2f" % (name, batch, o, t, 1e3 / o, 1e3 / t, o / t))
    print("(medians of %d runs, %d threads%s; batch 128 = throughput, batch 1 = latency; ratio = n2d2/ORT "
          "speed, > 1: n2d2 faster; load average %.2f %.2f %.2f)" %
          (args.repeats, args.threads,
           ", n2d2 OMP_WAIT_POLICY=" + args.omp_wait_policy if args.omp_wait_policy else "", *load))


if __name__ == "__main__":
    main()
