#!/usr/bin/env python3
"""Benchmark n2d2-c against PyTorch (Debian python3-torch) on the same
machine in one invocation: training images/s of the manual's LeNet (32x32,
batch 128) and of N2D2's mnist24_16c4s2_24c5s2_150_10 (24x24, tanh), test
(inference) images/s at batch 128, and the peak RSS of each process.
Reports medians over --repeats runs and the n2d2/PyTorch ratio.

    bench/compare.py --build _build/release [--images 30720] [--repeats 3]

OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for the measured commands
(they halve OpenBLAS speed on these machines); PyTorch runs at its best:
2 intra-op threads with OPENBLAS_NUM_THREADS=1."""
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


def run_torch(args, net, mode):
    env = bench_env(args.threads)
    env["OPENBLAS_NUM_THREADS"] = "1"
    out, rss = measured(["/usr/bin/python3", os.path.join(HERE, "torch_reference.py"), "--net", net,
                         "--images", str(args.images), "--threads", str(args.threads), "--mode", mode], env)
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line)["images_per_second"], rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "_build", "release"))
    ap.add_argument("--images", type=int, default=30720)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--nets", default="lenet,mnist24")
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="n2d2-bench-")
    rows = []
    try:
        for net in args.nets.split(","):
            for mode in ("train", "infer"):
                ours, theirs = [], []
                for _ in range(args.repeats):  # interleaved: both see the same machine state
                    ours.append(run_n2d2(args, net, mode, workdir))
                    theirs.append(run_torch(args, net, mode))
                o = statistics.median(x[0] for x in ours)
                t = statistics.median(x[0] for x in theirs)
                rows.append((net, mode, o, t, o / t, max(x[1] for x in ours), max(x[1] for x in theirs)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("%-8s %-6s %14s %14s %7s %12s %12s" % ("net", "mode", "n2d2 img/s", "torch img/s", "ratio",
                                                "n2d2 RSS MiB", "torch RSS MiB"))
    for r in rows:
        print("%-8s %-6s %14.0f %14.0f %7.2f %12.1f %12.1f" % r)
    print("(medians of %d runs, %d threads, batch 128; torch infer = TorchScript frozen)" %
          (args.repeats, args.threads))


if __name__ == "__main__":
    main()
