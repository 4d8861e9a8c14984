#!/usr/bin/python3
"""Independent parameter and MAC counts of models/MobileNet_v1.ini and
models/Inception_v1.ini, from torch models of the same networks.

Prints, per model: learnable parameters (requires_grad tensors: conv and fc
weights and biases, BatchNorm scales and biases) and multiply-accumulates
per image of the convolutions and fully connected layers (a convolution
does out_elements x in_channels/groups x kh x kw). models_dry_run.sh checks
n2d2-run --dry-run against the numbers this prints; run it with --check
DRY_RUN_OUTPUT_FILE MODEL to compare one dry-run listing directly.
"""
import sys

import torch
from torch import nn


def conv_bn(cin, cout, k, stride=1, groups=1):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU()]


def mobilenet_v1():
    layers = conv_bn(3, 32, 3, 2)
    blocks = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1),
              (256, 512, 2)] + [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]
    for cin, cout, s in blocks:
        layers += conv_bn(cin, cin, 3, s, groups=cin) + conv_bn(cin, cout, 1)
    layers += [nn.AvgPool2d(7), nn.Flatten(), nn.Linear(1024, 1000)]
    return nn.Sequential(*layers)


class Inception(nn.Module):
    """GoogLeNet inception module (Szegedy et al. 2014, fig. 2b): 1x1;
    1x1 then 3x3; 1x1 then 5x5; 3x3 max pooling then 1x1; ReLU after every
    convolution, outputs concatenated on channels."""

    def __init__(self, cin, c1, c3r, c3, c5r, c5, cp):
        super().__init__()
        relu = nn.ReLU
        self.b1 = nn.Sequential(nn.Conv2d(cin, c1, 1), relu())
        self.b2 = nn.Sequential(nn.Conv2d(cin, c3r, 1), relu(), nn.Conv2d(c3r, c3, 3, padding=1), relu())
        self.b3 = nn.Sequential(nn.Conv2d(cin, c5r, 1), relu(), nn.Conv2d(c5r, c5, 5, padding=2), relu())
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(cin, cp, 1), relu())

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


INCEPTION_V1 = [  # table 1 of the paper: name, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj
    ("3a", 64, 96, 128, 16, 32, 32), ("3b", 128, 128, 192, 32, 96, 64), "pool",
    ("4a", 192, 96, 208, 16, 48, 64), ("4b", 160, 112, 224, 24, 64, 64),
    ("4c", 128, 128, 256, 24, 64, 64), ("4d", 112, 144, 288, 32, 64, 64),
    ("4e", 256, 160, 320, 32, 128, 128), "pool",
    ("5a", 256, 160, 320, 32, 128, 128), ("5b", 384, 192, 384, 48, 128, 128)]


def inception_v1():
    """GoogLeNet without the auxiliary classifiers, with biases and no
    BatchNorm (the paper's network; LRN has no parameters)."""
    layers = [nn.Conv2d(3, 64, 7, 2, 3), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
              nn.Conv2d(64, 64, 1), nn.ReLU(), nn.Conv2d(64, 192, 3, 1, 1), nn.ReLU(),
              nn.MaxPool2d(3, 2, 1)]
    cin = 192
    for spec in INCEPTION_V1:
        if spec == "pool":
            layers.append(nn.MaxPool2d(3, 2, 1))
            continue
        _, c1, c3r, c3, c5r, c5, cp = spec
        layers.append(Inception(cin, c1, c3r, c3, c5r, c5, cp))
        cin = c1 + c3 + c5 + cp
    layers += [nn.AvgPool2d(7), nn.Flatten(), nn.Dropout(0.4), nn.Linear(1024, 1000)]
    return nn.Sequential(*layers)


def counts(model):
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    macs = [0]

    def hook(mod, inp, out):
        if isinstance(mod, nn.Conv2d):
            macs[0] += out.numel() * mod.in_channels // mod.groups * mod.kernel_size[0] * mod.kernel_size[1]
        elif isinstance(mod, nn.Linear):
            macs[0] += mod.in_features * mod.out_features

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_hook(hook)
    model.eval()
    with torch.no_grad():
        out = model(torch.zeros(1, 3, 224, 224))
    assert tuple(out.shape) == (1, 1000), out.shape
    return params, macs[0]


MODELS = {"MobileNet_v1": mobilenet_v1, "Inception_v1": inception_v1}


def dry_run_counts(path):
    """Parameters and Conv/Fc MACs summed from an n2d2-run --dry-run listing."""
    params = macs = 0
    for line in open(path):
        f = line.split()
        if len(f) == 6 and f[4].isdigit() and f[5].isdigit():
            params += int(f[4])
            if f[1] in ("Conv", "Fc"):
                macs += int(f[5])
    return params, macs


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        want = counts(MODELS[sys.argv[3]]())
        got = dry_run_counts(sys.argv[2])
        print(f"{sys.argv[3]}: torch {want[0]} parameters, {want[1]} Conv/Fc MACs; "
              f"n2d2-run {got[0]}, {got[1]}")
        sys.exit(0 if want == got else 1)
    for name, build in MODELS.items():
        p, m = counts(build())
        print(f"{name}: {p} parameters, {m} Conv/Fc MACs")
