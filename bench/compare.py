#!/usr/bin/env python3
"""Benchmark n2d2-c against PyTorch (Debian python3-torch) on the same
machine in one invocation: training images/s of the manual's LeNet (32x32,
batch 128) and of N2D2's mnist24_16c4s2_24c5s2_150_10 (24x24, tanh),
inference images/s at batch 128, and the peak RSS of each process.
Reports medians over --repeats runs and the n2d2/PyTorch ratio.

    bench/compare.py --build _build/release [--images 30720] [--repeats 3]

What each row times (read the ratios with this in mind):

  train  n2d2-run -learn <images> -bench: the first <images> of a fresh
         run, so every image goes through the database and the static
         transformations (LeNet: RescaleTransformation 28->32) for the first
         time, on the provider's worker thread beside the two compute
         threads. PyTorch resizes/crops the whole set once before its timer
         starts: n2d2's figure carries the data preparation, PyTorch's not.
  infer  n2d2-run -test: the whole pass over the 10,000 test images, again
         a first pass (decoding and transformations on the worker thread),
         plus the targets' bookkeeping and report files. PyTorch: its
         TorchScript-frozen model on batches already in memory.
  fwd    bench/infer_bench.c (built here against the build tree): n2d2's
         forward pass only, on batches already in memory, copied into the
         network input at each step, initial weights: the same loop as
         PyTorch's inference figure, which is repeated in this row. This is
         the like-for-like inference comparison; `infer` is n2d2's
         end-to-end figure.

OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for the measured commands
(they halve OpenBLAS speed on these machines); PyTorch runs at its best:
2 intra-op threads with OPENBLAS_NUM_THREADS=1. n2d2 runs with 2 OpenMP
threads (its cells set OpenBLAS to one thread themselves). Runs of both
are interleaved so that both see the same machine load; on a shared
machine, compare medians of several --repeats."""
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
NETS = {"lenet": "LeNet.ini", "mnist24": "mnist24_16c4s2_24c5s2_150_10.ini"}
MEASURE = ("import resource, subprocess, sys\n"
           "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
           "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr)\n"
           "print('MAXRSS_KIB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
           "sys.exit(r.returncode)\n")


def bench_env(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OMP_NUM_THREADS"] = str(threads)
    return env


def measured(cmd, env, cwd=None):
    r = subprocess.run([sys.executable, "-c", MEASURE] + cmd, capture_output=True, text=True, env=env, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError("command failed: %s\n%s\n%s" % (" ".join(cmd), r.stdout[-3000:], r.stderr[-3000:]))
    rss = int(re.search(r"MAXRSS_KIB (\d+)", r.stdout).group(1)) / 1024.0
    return r.stdout, rss


def n2d2_model(net, workdir):
    """The model with Validation=0 so that timing covers learning only."""
    text = open(os.path.join(ROOT, "models", NETS[net])).read()
    text = re.sub(r"^Validation=.*$", "Validation=0.0", text, flags=re.M)
    path = os.path.join(workdir, NETS[net])
    with open(path, "w") as f:
        f.write(text)
    return path


def run_n2d2(args, net, mode, workdir):
    run = os.path.join(args.build, "apps", "n2d2-run", "n2d2-run")
    env = bench_env(args.threads)
    env["N2D2_PLUGIN_PATH"] = os.path.join(args.build, "plugins-out")
    model = n2d2_model(net, workdir)
    if mode == "train":
        out, rss = measured([run, model, "-learn", str(args.images), "-seed", "1", "-bench", "-log", "0"], env, workdir)
        m = re.search(r"bench: training .* \(([\d.]+) images/s", out)
    else:
        out, rss = measured([run, model, "-test", "-seed", "1"], env, workdir)
        m = re.search(r"tested \d+ stimuli in [\d.]+ s \(([\d.]+) images/s\)", out)
    if not m:
        raise RuntimeError("no throughput in n2d2-run output:\n" + out[-2000:])
    return float(m.group(1)), rss


def build_infer_bench(build, workdir):
    """bench/infer_bench.c compiled against the build tree's libn2d2."""
    exe = os.path.join(workdir, "infer_bench")
    lib = os.path.join(os.path.abspath(build), "kernel")
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-std=c11", "-O2", "-I", os.path.join(ROOT, "sdk", "include"),
                    os.path.join(HERE, "infer_bench.c"), "-o", exe, "-L", lib, "-ln2d2",
                    "-Wl,-rpath," + lib], check=True)
    return exe


def run_n2d2_fwd(args, net, workdir):
    env = bench_env(args.threads)
    env["N2D2_PLUGIN_PATH"] = os.path.join(args.build, "plugins-out")
    out, rss = measured([args.infer_bench, n2d2_model(net, workdir), str(args.images)], env, workdir)
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line)["images_per_second"], rss


def run_torch(args, net, mode):
    env = bench_env(args.threads)
    env["OPENBLAS_NUM_THREADS"] = "1"
    out, rss = measured(["/usr/bin/python3", os.path.join(HERE, "torch_reference.py"), "--net", net,
                         "--images", str(args.images), "--threads", str(args.threads), "--mode", mode], env)
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line)["images_per_second"], rss


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "_build", "release"))
    ap.add_argument("--images", type=int, default=30720)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--nets", default="lenet,mnist24")
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="n2d2-bench-")
    rows = []

    def row(net, mode, ours, theirs):
        o = statistics.median(x[0] for x in ours)
        t = statistics.median(x[0] for x in theirs)
        rows.append((net, mode, o, t, o / t, max(x[1] for x in ours), max(x[1] for x in theirs)))

    try:
        args.infer_bench = build_infer_bench(args.build, workdir)
        for net in args.nets.split(","):
            ours, theirs = [], []
            for _ in range(args.repeats):  # interleaved: both see the same machine state
                ours.append(run_n2d2(args, net, "train", workdir))
                theirs.append(run_torch(args, net, "train"))
            row(net, "train", ours, theirs)
            ours, fwd, theirs = [], [], []
            for _ in range(args.repeats):
                ours.append(run_n2d2(args, net, "infer", workdir))
                fwd.append(run_n2d2_fwd(args, net, workdir))
                theirs.append(run_torch(args, net, "infer"))
            row(net, "infer", ours, theirs)
            row(net, "fwd", fwd, theirs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("%-8s %-6s %14s %14s %7s %12s %12s" % ("net", "mode", "n2d2 img/s", "torch img/s", "ratio",
                                                "n2d2 RSS MiB", "torch RSS MiB"))
    for r in rows:
        print("%-8s %-6s %14.0f %14.0f %7.2f %12.1f %12.1f" % r)
    print("(medians of %d runs, %d threads, batch 128; torch infer = TorchScript frozen; n2d2 train and\n"
          " infer include a first pass of data preparation, fwd is n2d2's forward only: see --help)" %
          (args.repeats, args.threads))


if __name__ == "__main__":
    main()
