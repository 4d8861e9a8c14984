#!/usr/bin/env python3
"""PyTorch reference for bench/compare.py: trains (or evaluates) the same
network as the n2d2-c model on Fashion-MNIST batches and prints one JSON line
with images/s and peak RSS. Run with Debian's python3-torch (1.13, CPU)."""
import argparse
import gzip
import json
import os
import resource
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def load_images(limit):
    path = os.path.join(DATA, "train-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    n = min(limit, int.from_bytes(raw[4:8], "big"))
    images = np.frombuffer(raw, dtype=np.uint8, offset=16, count=n * 784).reshape(n, 1, 28, 28)
    with gzip.open(os.path.join(DATA, "train-labels-idx1-ubyte.gz"), "rb") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8, count=n)
    return torch.from_numpy(images.astype(np.float32) / 255.0), torch.from_numpy(labels.astype(np.int64))


class LeNet(nn.Module):
    """The manual's LeNet (conv2 fully connected: PyTorch has no partial mapping)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, bias=False)
        self.conv2 = nn.Conv2d(6, 16, 5, bias=False)
        self.conv3 = nn.Conv2d(16, 120, 5, bias=False)
        self.fc1 = nn.Linear(120, 84, bias=False)
        self.fc2 = nn.Linear(84, 10, bias=False)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.conv3(x)).flatten(1)
        return self.fc2(F.relu(self.fc1(x)))


class Mnist24(nn.Module):
    """N2D2's mnist24_16c4s2_24c5s2_150_10 (tanh)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 4, stride=2)
        self.conv2 = nn.Conv2d(16, 24, 5, stride=2)
        self.fc1 = nn.Linear(24 * 4 * 4, 150)
        self.fc2 = nn.Linear(150, 10)

    def forward(self, x):
        x = torch.tanh(self.conv1(x))
        x = torch.tanh(self.conv2(x)).flatten(1)
        return torch.tanh(self.fc2(torch.tanh(self.fc1(x))))


def prepare(net, images):
    if net == "lenet":
        return F.interpolate(images, size=(32, 32), mode="bilinear", align_corners=False)
    return images[:, :, 2:26, 2:26].contiguous()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--net", choices=["lenet", "mnist24"], required=True)
    ap.add_argument("--images", type=int, default=30720)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mode", choices=["train", "infer"], default="train")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    images, labels = load_images(12800)
    data = prepare(args.net, images)
    model = LeNet() if args.net == "lenet" else Mnist24()
    nb = data.shape[0] // args.batch

    def batches():
        i = 0
        while True:
            k = i % nb
            yield data[k * args.batch:(k + 1) * args.batch], labels[k * args.batch:(k + 1) * args.batch]
            i += 1

    steps = args.images // args.batch
    it = batches()
    if args.mode == "train":
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)

        def step():
            x, y = next(it)
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
    else:
        model.eval()
        frozen = torch.jit.freeze(torch.jit.script(model))

        def step():
            x, _ = next(it)
            with torch.no_grad():
                frozen(x)
    for _ in range(5):  # warm-up
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"images_per_second": steps * args.batch / seconds, "peak_rss_mib": rss_kib / 1024.0}))


if __name__ == "__main__":
    main()
