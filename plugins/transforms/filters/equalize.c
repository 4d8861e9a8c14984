/* EqualizeTransformation (manual 21.5.11), on UInt8 data (OpenCV's
 * equalizeHist / CLAHE algorithms). As N2D2, a 1-channel image is
 * equalised as it is and a 3-channel (BGR) image through the lightness of
 * its 8-bit CIE Lab form (sRGB, D65; computed in floating point, so a
 * value may differ by one unit from OpenCV's fixed-point tables); other
 * channel counts are not implemented.
 * - Standard: with i0 the lowest value present and N the pixel count,
 *   v -> round(255 (cdf(v) - h(i0)) / (N - h(i0))); a constant image is
 *   left unchanged.
 * Both compute in single precision and round ties to even, as OpenCV.
 * - CLAHE: the image (padded bottom/right by reflection to a multiple of the
 *   grid) is cut in CLAHE_GridSize x CLAHE_GridSize tiles; each tile's
 *   histogram is clipped at max(1, floor(ClipLimit * tile pixels / 256)),
 *   the excess spread evenly over the 256 bins, and its mapping is
 *   round(255 cdf / tile pixels); every pixel blends the mappings of its 4
 *   nearest tile centres bilinearly. ClipLimit <= 0 disables clipping. */
#include <stdlib.h>
#include <string.h>

#include "ff.h"

#define WHO "EqualizeTransformation"
enum { STANDARD, CLAHE };

static const n2d2_param_spec equalize_params[] = {
    {"Method", N2D2_PARAM_ENUM, "Standard", "Standard|CLAHE", 0, 0, 0,
     "Standard histogram equalisation or CLAHE"},
    {"CLAHE_ClipLimit", N2D2_PARAM_FLOAT, "40.0", NULL, 0, 0, 0, "CLAHE contrast limit"},
    {"CLAHE_GridSize", N2D2_PARAM_UINT, "8", NULL, 1, 1024, N2D2_PARAM_RANGE,
     "CLAHE tiles per row and per column"},
};

typedef struct equalize {
    int method;
    double clip;
    size_t grid;
} equalize;

static n2d2_status equalize_create(const n2d2_params *p, void **state)
{
    equalize *e = calloc(1, sizeof *e);
    if (!e)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    e->method = n2d2_params_enum(p, "Method");
    e->clip = n2d2_params_float(p, "CLAHE_ClipLimit");
    e->grid = (size_t)n2d2_params_uint(p, "CLAHE_GridSize");
    *state = e;
    return N2D2_OK;
}

/* OpenCV's saturate_cast<uchar>(float): nearest, ties to even. */
static uint8_t sat_u8(float v)
{
    long r = lrintf(v);
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
}

static void standard(uint8_t *p, size_t n)
{
    size_t hist[256] = {0};
    for (size_t i = 0; i < n; ++i)
        ++hist[p[i]];
    int i0 = 0;
    while (i0 < 255 && !hist[i0])
        ++i0;
    if (hist[i0] == n)
        return; /* constant */
    uint8_t lut[256] = {0};
    float scale = 255.0f / (float)(n - hist[i0]); /* single precision, as OpenCV */
    size_t sum = 0;
    for (int i = i0 + 1; i < 256; ++i) {
        sum += hist[i];
        lut[i] = sat_u8((float)sum * scale);
    }
    for (size_t i = 0; i < n; ++i)
        p[i] = lut[p[i]];
}

static n2d2_status clahe(const equalize *e, uint8_t *p, size_t h, size_t w)
{
    size_t g = e->grid, th = (h + g - 1) / g, tw = (w + g - 1) / g, area = th * tw;
    uint8_t *lut = malloc(g * g * 256);
    if (!lut)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    long limit = e->clip > 0.0 ? (long)(e->clip * (double)area / 256.0) : 0;
    if (e->clip > 0.0 && limit < 1)
        limit = 1;
    for (size_t ty = 0; ty < g; ++ty)
        for (size_t tx = 0; tx < g; ++tx) {
            long hist[256] = {0};
            for (size_t y = ty * th; y < (ty + 1) * th; ++y)
                for (size_t x = tx * tw; x < (tx + 1) * tw; ++x)
                    ++hist[p[ff_reflect101((ptrdiff_t)y, h) * w + ff_reflect101((ptrdiff_t)x, w)]];
            if (limit > 0) {
                long clipped = 0;
                for (int i = 0; i < 256; ++i)
                    if (hist[i] > limit) {
                        clipped += hist[i] - limit;
                        hist[i] = limit;
                    }
                long batch = clipped / 256, residual = clipped - batch * 256;
                for (int i = 0; i < 256; ++i)
                    hist[i] += batch;
                if (residual > 0) {
                    long step = 256 / residual > 1 ? 256 / residual : 1;
                    for (long i = 0; i < 256 && residual > 0; i += step, --residual)
                        ++hist[i];
                }
            }
            uint8_t *l = lut + (ty * g + tx) * 256;
            float scale = 255.0f / (float)area;
            long sum = 0;
            for (int i = 0; i < 256; ++i) {
                sum += hist[i];
                l[i] = sat_u8((float)sum * scale);
            }
        }
    float inv_th = 1.0f / (float)th, inv_tw = 1.0f / (float)tw;
    for (size_t y = 0; y < h; ++y) {
        float tyf = (float)y * inv_th - 0.5f;
        long y1 = (long)floorf(tyf), y2 = y1 + 1;
        float ya = tyf - (float)y1;
        y1 = y1 < 0 ? 0 : y1;
        y2 = y2 > (long)g - 1 ? (long)g - 1 : y2;
        for (size_t x = 0; x < w; ++x) {
            float txf = (float)x * inv_tw - 0.5f;
            long x1 = (long)floorf(txf), x2 = x1 + 1;
            float xa = txf - (float)x1;
            x1 = x1 < 0 ? 0 : x1;
            x2 = x2 > (long)g - 1 ? (long)g - 1 : x2;
            int v = p[y * w + x];
            const uint8_t *l11 = lut + ((size_t)y1 * g + (size_t)x1) * 256;
            const uint8_t *l12 = lut + ((size_t)y1 * g + (size_t)x2) * 256;
            const uint8_t *l21 = lut + ((size_t)y2 * g + (size_t)x1) * 256;
            const uint8_t *l22 = lut + ((size_t)y2 * g + (size_t)x2) * 256;
            float r = (l11[v] * (1.0f - xa) + l12[v] * xa) * (1.0f - ya) +
                      (l21[v] * (1.0f - xa) + l22[v] * xa) * ya;
            p[y * w + x] = sat_u8(r);
        }
    }
    free(lut);
    return N2D2_OK;
}

/* sRGB companding and its inverse. */
static double to_linear(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}
static double from_linear(double v)
{
    return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1.0 / 2.4) - 0.055;
}
static double lab_f(double t) { return t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116.0; }
static double lab_finv(double f) { return f > 0.206893 ? f * f * f : (f - 16.0 / 116.0) / 7.787; }
static uint8_t to_u8(double v) { return (uint8_t)(v <= 0.0 ? 0 : v >= 255.0 ? 255 : lround(v)); }

/* BGR planes -> 8-bit Lab planes (L 0..255, a and b offset by 128). */
static void bgr_to_lab(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        double b = to_linear(p[i] / 255.0), g = to_linear(p[n + i] / 255.0);
        double r = to_linear(p[2 * n + i] / 255.0);
        double x = (0.412453 * r + 0.357580 * g + 0.180423 * b) / 0.950456;
        double y = 0.212671 * r + 0.715160 * g + 0.072169 * b;
        double z = (0.019334 * r + 0.119193 * g + 0.950227 * b) / 1.088754;
        double l = y > 0.008856 ? 116.0 * cbrt(y) - 16.0 : 903.3 * y;
        p[i] = to_u8(l * 255.0 / 100.0);
        p[n + i] = to_u8(500.0 * (lab_f(x) - lab_f(y)) + 128.0);
        p[2 * n + i] = to_u8(200.0 * (lab_f(y) - lab_f(z)) + 128.0);
    }
}

static void lab_to_bgr(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        double l = p[i] * 100.0 / 255.0, a = p[n + i] - 128.0, bb = p[2 * n + i] - 128.0;
        double y, fy;
        if (l <= 8.0) {
            y = l / 903.3;
            fy = 7.787 * y + 16.0 / 116.0;
        } else {
            fy = (l + 16.0) / 116.0;
            y = fy * fy * fy;
        }
        double x = lab_finv(a / 500.0 + fy) * 0.950456, z = lab_finv(fy - bb / 200.0) * 1.088754;
        double r = 3.240479 * x - 1.53715 * y - 0.498535 * z;
        double g = -0.969256 * x + 1.875991 * y + 0.041556 * z;
        double b = 0.055648 * x - 0.204043 * y + 1.057311 * z;
        p[i] = to_u8(255.0 * from_linear(fmin(fmax(b, 0.0), 1.0)));
        p[n + i] = to_u8(255.0 * from_linear(fmin(fmax(g, 0.0), 1.0)));
        p[2 * n + i] = to_u8(255.0 * from_linear(fmin(fmax(r, 0.0), 1.0)));
    }
}

static n2d2_status equalize_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                  n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const equalize *e = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    if (n2d2_tensor_dtype(*data) != N2D2_UINT8)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "%s: %s data is not implemented yet (UInt8 only: 256-bin histograms)",
                          WHO, n2d2_dtype_name(n2d2_tensor_dtype(*data)));
    size_t c = n2d2_tensor_dim(*data, 0), h = n2d2_tensor_dim(*data, 1),
           w = n2d2_tensor_dim(*data, 2);
    if (c != 1 && c != 3)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "%s: %zu-channel data is not implemented yet (1 channel, or 3 = BGR)",
                          WHO, c);
    if (h == 0 || w == 0)
        return N2D2_OK;
    n2d2_tensor *out;
    st = n2d2_tensor_clone(*data, &out); /* the input may be shared (cache) */
    if (st != N2D2_OK)
        return st;
    uint8_t *p = n2d2_tensor_data(out);
    if (c == 3)
        bgr_to_lab(p, h * w);
    if (e->method == STANDARD) /* the first plane: gray, or L */
        standard(p, h * w);
    else
        st = clahe(e, p, h, w);
    if (c == 3)
        lab_to_bgr(p, h * w);
    if (st != N2D2_OK) {
        n2d2_tensor_release(out);
        return st;
    }
    n2d2_tensor_release(*data);
    *data = out;
    return N2D2_OK;
}

static const n2d2_transform_ops equalize_ops = {
    sizeof(n2d2_transform_ops), 0, equalize_create, equalize_apply, tf_same_shape, free, {0}};

const n2d2_feature ff_equalize_feature = {sizeof(n2d2_feature),
                                          N2D2_KIND_TRANSFORM,
                                          "EqualizeTransformation",
                                          NULL,
                                          "histogram equalisation (Standard or CLAHE; UInt8)",
                                          equalize_params,
                                          TF_COUNT_OF(equalize_params),
                                          &equalize_ops,
                                          0,
                                          {0}};
