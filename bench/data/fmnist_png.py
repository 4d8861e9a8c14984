#!/usr/bin/env python3
"""Write Fashion-MNIST (Debian's IDX files) as a folder of 70,000 PNG images,
one sub-folder per class, for DIR_Database (models/LeNet_DIR.ini, issue 5).

    python3 bench/data/fmnist_png.py [SRC] [DST]

SRC defaults to /usr/share/datasets/fashion-mnist, DST to /tmp/fmnist_png.
File names keep the origin and sort the train images first in every class
folder: 0-train-00042.png, 1-test-00007.png, so that DIR_Database's ordered
partition (RandomPartitioning=0, per label: 4,800 learn, 1,200 validation,
1,000 test) gives exactly the IDX test set. The PNG files are 8-bit
grayscale, written with zlib only (no imaging library needed)."""
import gzip
import os
import struct
import sys
import zlib

CLASSES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
           "Sneaker", "Bag", "Ankle_boot"]


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xff
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


def chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_gray8(w, h, pixels):
    raw = b"".join(b"\x00" + pixels[y * w:(y + 1) * w] for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def find(src, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(src, name)):
            return os.path.join(src, name)
    sys.exit("fmnist_png: %s(.gz) not found in %s" % (stem, src))


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    dst = sys.argv[2] if len(sys.argv) > 2 else "/tmp/fmnist_png"
    for c in CLASSES:
        os.makedirs(os.path.join(dst, c), exist_ok=True)
    total = 0
    for prefix, stem in (("0-train", "train"), ("1-test", "t10k")):
        dims, images = read_idx(find(src, stem + "-images-idx3-ubyte"))
        _, labels = read_idx(find(src, stem + "-labels-idx1-ubyte"))
        n, h, w = dims
        for i in range(n):
            path = os.path.join(dst, CLASSES[labels[i]], "%s-%05d.png" % (prefix, i))
            with open(path, "wb") as f:
                f.write(png_gray8(w, h, images[i * h * w:(i + 1) * h * w]))
        total += n
    print("fmnist_png: %d images in %s" % (total, dst))


if __name__ == "__main__":
    main()
