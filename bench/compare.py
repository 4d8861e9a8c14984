#!/usr/bin/env python3
"""Benchmark n2d2-c against PyTorch (Debian python3-torch) on the same
machine in one invocation: training images/s of the manual's LeNet (32x32,
batch 128) and of N2D2's mnist24_16c4s2_24c5s2_150_10 (24x24, tanh),
inference images/s at batch 128, and the peak RSS of each process; and
training of the CIFAR-style models/ResNet_FMNIST.ini (batch 64), a
compute-bound network, with the GFLOP/s n2d2 achieves (the MACs per image
that `n2d2-run --dry-run` reports, x3 for forward and backward, x2 flops
per MAC) beside the machine's SGEMM peak (bench/sgemm_peak.c: OpenBLAS on
the same threads). Reports medians over --repeats runs and the
n2d2/PyTorch ratio, and the load average before and after.

    bench/compare.py --build _build/release [--images 30720] [--repeats 3]
                     [--baseline OTHER_BUILD] [--nets lenet,mnist24,resnet]

--baseline adds the rows of a second n2d2-c build (an earlier version),
its runs interleaved with the others so that both see the same load.

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

Train rows stop the final test after 128 stimuli (-nb-test): only the
learning is timed, and each run stays short. ResNet runs --resnet-images
(default 3200) training images, only in train mode.

Wait policy: libgomp's idle threads spin for milliseconds after each
parallel region by default; on a machine loaded by other jobs that steals
the CPU from the threads with work (ResNet trained 3-5x slower in n2d2,
~9x in PyTorch). n2d2-run sets
OMP_WAIT_POLICY=passive itself when the user has not chosen; PyTorch is
run with OMP_WAIT_POLICY=passive (its best on a loaded machine).

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
NETS = {"lenet": "LeNet.ini", "mnist24": "mnist24_16c4s2_24c5s2_150_10.ini", "resnet": "ResNet_FMNIST.ini"}
BATCH = {"lenet": 128, "mnist24": 128, "resnet": 64}
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
    templates = os.path.join(workdir, "templates")  # ResNet's block template
    if not os.path.exists(templates):
        shutil.copytree(os.path.join(ROOT, "models", "templates"), templates)
    return path


def n2d2_macs(build, net, workdir):
    """Multiply-accumulates per image of the forward pass (--dry-run)."""
    env = bench_env(1)
    env["N2D2_PLUGIN_PATH"] = os.path.join(build, "plugins-out")
    r = subprocess.run([os.path.join(build, "apps", "n2d2-run", "n2d2-run"), n2d2_model(net, workdir),
                        "--dry-run"], capture_output=True, text=True, env=env, cwd=workdir)
    m = re.search(r"(\d+) MACs per input", r.stdout)
    if not m:
        raise RuntimeError("no MACs in --dry-run output:\n" + r.stdout[-2000:] + r.stderr[-2000:])
    return int(m.group(1))


def sgemm_peak(args, workdir):
    """GFLOP/s of bench/sgemm_peak.c on args.threads threads (JSON)."""
    exe = os.path.join(workdir, "sgemm_peak")
    cc = os.environ.get("CC", "cc")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "openblas"], capture_output=True,
                           text=True).stdout.split() or ["-lopenblas"]
    subprocess.run([cc, "-std=c11", "-O2", "-fopenmp", os.path.join(HERE, "sgemm_peak.c"), "-o", exe] + flags,
                   check=True)
    env = bench_env(args.threads)
    env["OMP_WAIT_POLICY"] = "passive"
    runs = [json.loads(subprocess.run([exe, str(args.threads), "512"], capture_output=True, text=True,
                                      env=env, check=True).stdout) for _ in range(3)]
    return {k: statistics.median(r[k] for r in runs) for k in ("blas_gflops", "omp_gflops")}


def run_n2d2(args, net, mode, workdir, build=None):
    run = os.path.join(build or args.build, "apps", "n2d2-run", "n2d2-run")
    env = bench_env(args.threads)
    env["N2D2_PLUGIN_PATH"] = os.path.join(build or args.build, "plugins-out")
    model = n2d2_model(net, workdir)
    if mode == "train":
        out, rss = measured([run, model, "-learn", str(images(args, net)), "-seed", "1", "-bench", "-log", "0",
                             "-nb-test", "128"], env, workdir)
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
    env.setdefault("OMP_WAIT_POLICY", "passive")  # as n2d2-run sets for itself
    env["N2D2_PLUGIN_PATH"] = os.path.join(args.build, "plugins-out")
    out, rss = measured([args.infer_bench, n2d2_model(net, workdir), str(args.images)], env, workdir)
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line)["images_per_second"], rss


def images(args, net):
    return args.resnet_images if net == "resnet" else args.images


def run_torch(args, net, mode):
    env = bench_env(args.threads)
    env["OPENBLAS_NUM_THREADS"] = "1"
    env.setdefault("OMP_WAIT_POLICY", "passive")
    out, rss = measured(["/usr/bin/python3", os.path.join(HERE, "torch_reference.py"), "--net", net,
                         "--images", str(images(args, net)), "--batch", str(BATCH[net]),
                         "--threads", str(args.threads), "--mode", mode], env)
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line)["images_per_second"], rss


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "_build", "release"))
    ap.add_argument("--images", type=int, default=30720)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resnet-images", type=int, default=3200)
    ap.add_argument("--nets", default="lenet,mnist24,resnet")
    ap.add_argument("--baseline", help="a second n2d2-c build to compare (rows marked 'before')")
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="n2d2-bench-")
    rows = []
    load = [os.getloadavg()[0]]

    def row(net, mode, ours, theirs, label=""):
        o = statistics.median(x[0] for x in ours)
        t = statistics.median(x[0] for x in theirs)
        gflops = ""
        if mode == "train":  # forward + backward: 3 x the forward MACs, 2 flops each
            gflops = "%.1f" % (o * macs[net] * 3 * 2 * 1e-9)
        rows.append((net + label, mode, o, t, o / t, max(x[1] for x in ours), max(x[1] for x in theirs),
                     gflops))

    try:
        args.infer_bench = build_infer_bench(args.build, workdir)
        peak = sgemm_peak(args, workdir)
        macs = {net: n2d2_macs(args.build, net, workdir) for net in args.nets.split(",")}
        for net in args.nets.split(","):
            ours, before, theirs = [], [], []
            for _ in range(args.repeats):  # interleaved: both see the same machine state
                ours.append(run_n2d2(args, net, "train", workdir))
                if args.baseline:
                    before.append(run_n2d2(args, net, "train", workdir, args.baseline))
                theirs.append(run_torch(args, net, "train"))
            if args.baseline:
                row(net, "train", before, theirs, " before")
            row(net, "train", ours, theirs)
            if net == "resnet":  # the training target only
                continue
            ours, fwd, theirs = [], [], []
            for _ in range(args.repeats):
                ours.append(run_n2d2(args, net, "infer", workdir))
                fwd.append(run_n2d2_fwd(args, net, workdir))
                theirs.append(run_torch(args, net, "infer"))
            row(net, "infer", ours, theirs)
            row(net, "fwd", fwd, theirs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load.append(os.getloadavg()[0])
    print("%-15s %-6s %11s %11s %6s %9s %9s %9s" % ("net", "mode", "n2d2 img/s", "torch img/s", "ratio",
                                                 "n2d2 RSS", "torch RSS", "n2d2 GF/s"))
    for r in rows:
        print("%-15s %-6s %11.0f %11.0f %6.2f %8.1fM %8.1fM %9s" % r)
    print("SGEMM peak on %d threads (bench/sgemm_peak.c, 512^3): %.1f GFLOP/s with OpenBLAS threads, "
          "%.1f GFLOP/s as %d single-threaded products side by side (how the cells use BLAS)" %
          (args.threads, peak["blas_gflops"], peak["omp_gflops"], args.threads))
    print("(medians of %d runs, %d threads, batch 128, ResNet 64; load average %.1f before, %.1f after;\n"
          " torch infer = TorchScript frozen; n2d2 train and infer include a first pass of data\n"
          " preparation, fwd is n2d2's forward only: see --help)" %
          (args.repeats, args.threads, load[0], load[1]))


if __name__ == "__main__":
    main()
