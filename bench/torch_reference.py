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


class BasicBlock(nn.Module):
    """models/templates/resnet_basic_block.ini.tpl: conv3x3(stride) BN ReLU,
    conv3x3 BN, shortcut (identity, or conv1x1(stride) BN with PROJECT),
    sum, ReLU. Convolutions without bias (NoBias=1)."""

    def __init__(self, cin, cout, stride, project):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                  nn.BatchNorm2d(cout)) if project else None

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (self.proj(x) if self.proj is not None else x))


class ResNet(nn.Module):
    """models/ResNet_FMNIST.ini: conv16 3x3 BN ReLU, blocks 16/32s2/64s2
    (projections on the last two), global average pooling 8x8, fc 10 with
    bias (Fc's default), softmax with loss (77,754 parameters)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.block1 = BasicBlock(16, 16, 1, False)
        self.block2 = BasicBlock(16, 32, 2, True)
        self.block3 = BasicBlock(32, 64, 2, True)
        self.fc = nn.Linear(64, 10)
        for m in self.modules():  # HeFiller: normal, variance 2 / fan-in
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.block3(self.block2(self.block1(x)))
        return self.fc(F.avg_pool2d(x, 8).flatten(1))

    def param_groups(self):
        """The INI's solvers: weights lr 0.05 decay 5e-4 (common.config),
        fc bias at the bias solver's default lr 0.01 without decay, BN
        scales/biases lr 0.05 (bn.config); momentum 0.9 everywhere."""
        weights, bn = [], []
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                weights.append(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                bn += [m.weight, m.bias]
        return [{"params": weights, "lr": 0.05, "weight_decay": 5e-4},
                {"params": [self.fc.bias], "lr": 0.01, "weight_decay": 0.0},
                {"params": bn, "lr": 0.05, "weight_decay": 0.0}]


def prepare(net, images):
    if net in ("lenet", "resnet"):
        return F.interpolate(images, size=(32, 32), mode="bilinear", align_corners=False)
    return images[:, :, 2:26, 2:26].contiguous()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--net", choices=["lenet", "mnist24", "resnet"], required=True)
    ap.add_argument("--images", type=int, default=30720)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mode", choices=["train", "infer"], default="train")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    images, labels = load_images(12800)
    data = prepare(args.net, images)
    model = {"lenet": LeNet, "mnist24": Mnist24, "resnet": ResNet}[args.net]()
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
        groups = model.param_groups() if hasattr(model, "param_groups") else model.parameters()
        opt = torch.optim.SGD(groups, lr=0.05, momentum=0.9, weight_decay=5e-4)

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
