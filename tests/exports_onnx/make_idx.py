"""Writes a tiny MNIST-format dataset (IDX files) into <dir>/mnist: 12x12
images of four classes (a bright quadrant per class, plus noise), 96 for
learning and 24 for testing, so a few learning steps move the weights and
the BatchNorm statistics away from their initial values."""
import os
import struct
import sys

import numpy as np


def write(path, magic, dims, data):
    with open(path, "wb") as f:
        f.write(struct.pack(">I", magic))
        for d in dims:
            f.write(struct.pack(">I", d))
        f.write(data.astype(np.uint8).tobytes())


def make(n, rng):
    labels = rng.integers(0, 4, n)
    images = rng.integers(0, 60, (n, 12, 12))
    for i, c in enumerate(labels):
        y, x = divmod(int(c), 2)
        images[i, 6 * y:6 * y + 6, 6 * x:6 * x + 6] += 150
    return images, labels


def main():
    out = os.path.join(sys.argv[1], "mnist")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    for prefix, n in (("train", 96), ("t10k", 24)):
        images, labels = make(n, rng)
        write(os.path.join(out, prefix + "-images-idx3-ubyte"), 0x803, (n, 12, 12), images)
        write(os.path.join(out, prefix + "-labels-idx1-ubyte"), 0x801, (n,), labels)


if __name__ == "__main__":
    main()
