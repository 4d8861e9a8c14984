#!/usr/bin/env python3
"""Filter transformations against independent numpy computations.

Usage: check_numpy.py PATH/transforms_filters_dump
Exit 0 when all agree, 1 on a mismatch, 77 (skipped) without numpy.
"""
import subprocess
import sys

try:
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view
except ImportError:
    print("numpy not available: skipped")
    sys.exit(77)

DUMP = sys.argv[1]
rng = np.random.default_rng(20240501)
failures = []


def run(kind, keys, dtype, a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 2:
        a = a[None]
    c, h, w = a.shape
    out = subprocess.run([DUMP, kind, keys, dtype, str(c), str(h), str(w)],
                         input="\n".join(repr(float(v)) for v in a.ravel()),
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} [{keys}]: {out.stderr.strip()}")
    lines = out.stdout.split()
    shape = tuple(int(v) for v in lines[:3])
    return np.array([float(v) for v in lines[3:]]).reshape(shape)


def check(name, got, want, tol):
    want = np.asarray(want, dtype=np.float64)
    if want.ndim == 2:
        want = want[None]
    if got.shape != want.shape:
        failures.append(f"{name}: shape {got.shape}, expected {want.shape}")
    elif not np.allclose(got, want, atol=tol, rtol=0):
        err = np.max(np.abs(got - want))
        failures.append(f"{name}: max abs error {err:g} > {tol:g}")
    else:
        print(f"ok   {name}")


def pad101(p, top, bottom, left, right):
    # OpenCV BORDER_REFLECT_101 is numpy's "reflect"
    return np.pad(p, ((top, bottom), (left, right)), mode="reflect")


def correlate(p, k):
    kh, kw = k.shape
    ay, ax = kh // 2, kw // 2
    padded = pad101(p, ay, kh - 1 - ay, ax, kw - 1 - ax)
    win = sliding_window_view(padded, (kh, kw))
    return np.einsum("yxij,ij->yx", win, k)


def optimal(n):
    # smallest 2^a 3^b 5^c >= n (the DFT's zero-padding)
    m = n
    while True:
        r = m
        for p in (2, 3, 5):
            while r % p == 0:
                r //= p
        if r == 1:
            return m
        m += 1


# DFT: 2-D, rows, odd, padded (7 -> 8, 14 -> 15) and power-of-two sizes
for h, w in ((6, 8), (5, 7), (8, 16), (14, 9), (45, 60), (31, 61), (1, 125)):
    x = rng.normal(size=(h, w))
    x = np.pad(x, ((0, optimal(h) - h), (0, optimal(w) - w)))
    f = np.fft.fft2(x)
    check(f"DFT 2-D {h}x{w}", run("DFTTransformation", "", "Float64", x[:h, :w]),
          np.stack([f.real, f.imag]), 1e-9)
    f = np.fft.fft(x, axis=1)
    check(f"DFT rows {h}x{w}", run("DFTTransformation", "TwoDimensional=0", "Float64",
                                   x[:h, :w]),
          np.stack([f.real, f.imag]), 1e-9)

# MagnitudePhase
z = rng.normal(size=(2, 4, 5))
check("MagnitudePhase", run("MagnitudePhaseTransformation", "", "Float64", z),
      np.stack([np.hypot(z[0], z[1]), np.arctan2(z[1], z[0])]), 1e-12)
check("MagnitudePhase log", run("MagnitudePhaseTransformation", "LogScale=1", "Float64", z),
      np.stack([np.log1p(np.hypot(z[0], z[1])), np.arctan2(z[1], z[0])]), 1e-12)

# Custom and Gaussian kernels
x = rng.normal(size=(7, 9))
k = rng.normal(size=(3, 5))
mat = " ".join(repr(float(v)) for v in k.ravel())
check("Filter custom 5x3", run("FilterTransformation",
                               f"Kernel=*;Kernel.SizeX=5;Kernel.SizeY=3;Kernel.Mat={mat}",
                               "Float64", x), correlate(x, k), 1e-9)
yy, xx = np.mgrid[-2:3, -3:4]
g = np.exp(-(xx ** 2 + yy ** 2) / (2 * 1.3 ** 2)) / (2 * np.pi * 1.3 ** 2)
check("Filter Gaussian 7x5", run("FilterTransformation",
                                 "Kernel=Gaussian;Kernel.SizeX=7;Kernel.SizeY=5;Kernel.Sigma=1.3",
                                 "Float64", x), correlate(x, g), 1e-9)

# Sobel magnitude (KernelSize 5) and Laplacian (KernelSize 3)
smooth = np.array([1.0])
for _ in range(4):
    smooth = np.convolve(smooth, [1, 1])
deriv = np.convolve(np.convolve(np.convolve([1, 1], [1, 1]), [1, 1]), [-1, 1])
gx = correlate(x, np.outer(smooth, deriv))
gy = correlate(x, np.outer(deriv, smooth))
check("Sobel 5", run("GradientFilterTransformation", "KernelSize=5;Scale=0.5;Delta=0.25",
                     "Float64", x),
      0.5 * (np.abs(0.5 * gx + 0.25) + np.abs(0.5 * gy + 0.25)), 1e-5)
lap = np.outer([1, 2, 1], [1, -2, 1]) + np.outer([1, -2, 1], [1, 2, 1])
check("Laplacian 3", run("GradientFilterTransformation", "GradientFilter=Laplacian;Delta=3",
                         "Float64", x), np.abs(correlate(x, lap) + 3), 1e-5)

# Morphology: border pixels ignored (padding with +-inf)
u = rng.integers(0, 256, size=(8, 11)).astype(np.float64)
cross = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
for shape, se in (("Rectangular", np.ones((3, 3), dtype=bool)), ("Cross", cross)):
    for op, fill, red in (("Erode", np.inf, np.min), ("Dilate", -np.inf, np.max)):
        win = sliding_window_view(np.pad(u, 1, constant_values=fill), (3, 3))
        want = red(np.where(se, win, fill), axis=(2, 3))
        check(f"Morphology {op} {shape}",
              run("MorphologyTransformation", f"Operation={op};Size=3;Shape={shape}", "UInt8", u),
              want, 0)

# Wallis, 5 x 5 windows
win = sliding_window_view(np.pad(x, 2, mode="edge"), (5, 5))
m, s = win.mean(axis=(2, 3)), np.maximum(win.std(axis=(2, 3)), 1e-3)
check("Wallis 5", run("WallisFilterTransformation", "Size=5;Mean=0.5;StdDev=2", "Float64", x),
      (x - m) * 2 / s + 0.5, 1e-9)

# Otsu: brute-force between-class variance over every threshold
v = np.concatenate([rng.normal(60, 12, 300), rng.normal(170, 20, 200)]).clip(0, 255).round()
img = v.reshape(20, 25)
best, best_t = -1.0, 0
for t in range(256):
    lo, hi = v[v <= t], v[v > t]
    if lo.size and hi.size:
        var = lo.size * hi.size * (lo.mean() - hi.mean()) ** 2
        if var > best * (1 + 1e-12):
            best, best_t = var, t
check(f"Otsu (t = {best_t})", run("ThresholdTransformation", "OtsuMethod=1;MaxValue=255", "UInt8",
                                  img), np.where(img > best_t, 255, 0), 0)

# Standard equalisation: the empirical CDF mapping
u8 = rng.integers(40, 120, size=(9, 13)).astype(np.float64)
vals = u8.ravel()
cdf = np.array([(vals <= t).sum() for t in range(256)], dtype=np.float64)
lo = cdf[int(vals.min())]
# single precision, ties to even (OpenCV's equalizeHist)
scale = np.float32(255.0) / np.float32(vals.size - lo)
lut = np.rint((cdf - lo).astype(np.float32) * scale).astype(np.float64)
check("Equalize", run("EqualizeTransformation", "", "UInt8", u8), lut[u8.astype(int)], 0)

for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
