#!/usr/bin/python3
"""Reference check of n2d2-transforms-geometric against torch (no OpenCV):
rotated/scaled slices against affine_grid + grid_sample (align_corners=False,
i.e. half-pixel centres; 'border' = ReplicateBorder, 'zeros' =
ConstantBorder 0), fixed slices against numpy slicing, full-image
RandomResizeCrop against F.interpolate(bilinear), HSV/HLS colour spaces
against the standard library's colorsys. Exit 77 without torch.
Usage: check_torch.py <geo_dump>"""
import colorsys
import math
import subprocess
import sys

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit(77)

DUMP = sys.argv[1]


def run(kind, img, *keys, seed=1):
    c, h, w = img.shape
    text = "%d %d %d\n" % (c, h, w) + "\n".join(repr(float(v)) for v in img.ravel())
    out = subprocess.run([DUMP, kind, str(seed), *keys], input=text, capture_output=True,
                         text=True, check=True).stdout.split()
    dims = tuple(int(d) for d in out[:3])
    return np.array([float(v) for v in out[3:]]).reshape(dims)


def rotate_ref(img, degrees, scale, padding):
    """Counter-clockwise rotation and magnification about the centre."""
    c, h, w = img.shape
    a = math.radians(degrees)
    # Output normalised coords -> input normalised coords: in pixel units the
    # source offset is R_cw(a) (u, v) / scale; the normalisation divides x by
    # w/2 and y by h/2.
    theta = torch.tensor([[[math.cos(a) / scale, -math.sin(a) / scale * h / w, 0.0],
                           [math.sin(a) / scale * w / h, math.cos(a) / scale, 0.0]]],
                         dtype=torch.float64)
    grid = F.affine_grid(theta, (1, c, h, w), align_corners=False)
    x = torch.from_numpy(img).unsqueeze(0)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode=padding,
                         align_corners=False)[0].numpy()


def main():
    rng = np.random.default_rng(0)
    failures = 0

    def compare(name, got, want, tol=1e-9):
        nonlocal failures
        if got.shape != want.shape or np.max(np.abs(got - want)) > tol:
            failures += 1
            err = np.max(np.abs(got - want)) if got.shape == want.shape else "shape"
            print("FAIL %s: max error %s" % (name, err))
        else:
            print("ok   %s" % name)

    img = rng.uniform(0, 255, size=(2, 7, 9))
    for degrees, scale in [(0, 1), (90, 1), (33, 1), (-71.5, 1), (0, 1.7), (20, 0.6), (145, 1.3)]:
        for border, padding in [("ReplicateBorder", "border"), ("ConstantBorder", "zeros")]:
            got = run("SliceExtractionTransformation", img, "Width=0", "Height=0",
                      "RandomRotation=1", "RandomRotationRange=%r %r" % (degrees, degrees),
                      "RandomScaling=1", "RandomScalingRange=%r %r" % (scale, scale),
                      "BorderType=" + border, "BorderValue=0")
            compare("slice rotate %g scale %g %s" % (degrees, scale, border), got,
                    rotate_ref(img, degrees, scale, padding))

    got = run("SliceExtractionTransformation", img, "Width=4", "Height=3", "OffsetX=5",
              "OffsetY=2")
    compare("slice offset (5, 2)", got, img[:, 2:5, 5:9], 0)

    # Scale 1 at the image's own ratio: the whole image, resized.
    img = rng.uniform(0, 1, size=(3, 6, 9))
    for oh, ow in [(4, 5), (10, 13), (3, 3)]:
        got = run("RandomResizeCropTransformation", img, "Width=%d" % ow, "Height=%d" % oh,
                  "ScaleMin=1", "ScaleMax=1", "RatioMin=1.5", "RatioMax=1.5")
        want = F.interpolate(torch.from_numpy(img).unsqueeze(0), size=(oh, ow), mode="bilinear",
                             align_corners=False)[0].numpy()
        compare("resize crop to %dx%d" % (oh, ow), got, want)

    # Float BGR -> HSV / HLS (H in degrees) and back, against colorsys.
    px = rng.uniform(0, 1, size=(3, 4, 5))
    rgb = [px[::-1, y, x] for y in range(4) for x in range(5)]
    for space, fwd in [("HSV", colorsys.rgb_to_hsv), ("HLS", colorsys.rgb_to_hls)]:
        want = np.array([fwd(*p) for p in rgb]).T.reshape(3, 4, 5)
        want[0] *= 360.0
        got = run("ColorSpaceTransformation", px, "ColorSpace=" + space)
        compare("BGR to %s" % space, got, want, 1e-9)
        back = run("ColorSpaceTransformation", want, "ColorSpace=%s_to_RGB" % space)
        compare("%s to RGB" % space, back, px[::-1], 1e-9)

    return 1 if failures else 0


sys.exit(main())
