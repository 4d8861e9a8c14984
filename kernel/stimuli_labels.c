/* Pixel-wise label maps of the stimuli (manual ch. 19.1.1): the label id,
 * the driver's pixel-wise labels and the catalogue's ROIs combined per the
 * [database] CompositeLabel mode, with DefaultLabel and ROIsMargin.
 *
 * ROIs are drawn in two passes: first every ROI grown by ROIsMargin gets
 * -1 (ignore), then every ROI gets its label, in order of addition; so a
 * margin never covers another ROI. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stimuli_internal.h"

/* 1 when pixel point (x, y) is inside `roi` grown by `margin` pixels. */
static int inside(const n2d2_roi *roi, double x, double y, double margin)
{
    switch (roi->type) {
    case N2D2_ROI_RECTANGLE:
        return x >= roi->left - margin && x < roi->right + margin && y >= roi->top - margin &&
               y < roi->bottom + margin;
    case N2D2_ROI_CIRCLE: {
        double r = roi->radius + margin, dx = x - roi->cx, dy = y - roi->cy;
        return dx * dx + dy * dy <= r * r;
    }
    default: {
        const double *p = roi->points;
        size_t n = roi->n_points;
        int in = 0;
        /* Even-odd rule, plus the points within `margin` (or on) an edge. */
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                in = !in;
            double ex = xj - xi, ey = yj - yi, len2 = ex * ex + ey * ey;
            double t = len2 > 0 ? ((x - xi) * ex + (y - yi) * ey) / len2 : 0;
            t = t < 0 ? 0 : (t > 1 ? 1 : t);
            double dx = x - (xi + t * ex), dy = y - (yi + t * ey);
            if (dx * dx + dy * dy <= margin * margin + 1e-12)
                return 1;
        }
        return in;
    }
    }
}

static void draw(int32_t *map, size_t h, size_t w, const n2d2_roi *roi, double margin,
                 int32_t value)
{
    double x0 = floor(roi->left - margin), x1 = ceil(roi->right + margin);
    double y0 = floor(roi->top - margin), y1 = ceil(roi->bottom + margin);
    size_t xa = x0 < 0 ? 0 : (size_t)x0, ya = y0 < 0 ? 0 : (size_t)y0;
    size_t xb = x1 < 0 ? 0 : (x1 >= (double)w ? w - 1 : (size_t)x1);
    size_t yb = y1 < 0 ? 0 : (y1 >= (double)h ? h - 1 : (size_t)y1);
    if (x1 < 0 || y1 < 0 || xa >= w || ya >= h)
        return;
    for (size_t y = ya; y <= yb; ++y)
        for (size_t x = xa; x <= xb; ++x)
            if (inside(roi, (double)x, (double)y, margin))
                map[y * w + x] = value;
}

/* Crop *data to the bounding box of `roi` (clamped to the image): the
 * single-ROI extraction of CompositeLabel=Auto. */
static n2d2_status crop_to(n2d2_tensor **data, const n2d2_roi *roi, const char *name)
{
    const size_t *d = n2d2_tensor_dims(*data);
    double l = ceil(roi->left), t = ceil(roi->top);
    double r = roi->type == N2D2_ROI_RECTANGLE ? ceil(roi->right) : floor(roi->right) + 1;
    double b = roi->type == N2D2_ROI_RECTANGLE ? ceil(roi->bottom) : floor(roi->bottom) + 1;
    l = l < 0 ? 0 : l;
    t = t < 0 ? 0 : t;
    r = r > (double)d[2] ? (double)d[2] : r;
    b = b > (double)d[1] ? (double)d[1] : b;
    if (r <= l || b <= t)
        return n2d2_error(N2D2_ERR_RANGE, "stimulus '%s': its ROI (%g, %g)-(%g, %g) is outside "
                          "the %zux%zu image", name, roi->left, roi->top, roi->right, roi->bottom,
                          d[1], d[2]);
    size_t x0 = (size_t)l, y0 = (size_t)t, w = (size_t)r - x0, h = (size_t)b - y0;
    size_t dims[3] = {d[0], h, w};
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(*data), 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    size_t es = n2d2_dtype_size(n2d2_tensor_dtype(out));
    const char *src = n2d2_tensor_cdata(*data);
    char *dst = n2d2_tensor_data(out);
    for (size_t c = 0; c < d[0]; ++c)
        for (size_t y = 0; y < h; ++y)
            memcpy(dst + ((c * h + y) * w) * es, src + ((c * d[1] + y0 + y) * d[2] + x0) * es,
                   w * es);
    n2d2_tensor_release(*data);
    *data = out;
    return N2D2_OK;
}

/* The driver's pixel-wise labels as {1, H, W} int32 of the data's size. */
static n2d2_status pixel_base(const n2d2_tensor *pixel, size_t h, size_t w, const char *name,
                              n2d2_tensor *map)
{
    size_t nd = n2d2_tensor_ndim(pixel);
    const size_t *d = n2d2_tensor_dims(pixel);
    if (!((nd == 2 && d[0] == h && d[1] == w) || (nd == 3 && d[0] == 1 && d[1] == h && d[2] == w)))
        return n2d2_error(N2D2_ERR_SHAPE, "stimulus '%s': the pixel-wise labels are not 1x%zux%zu "
                          "like the image", name, h, w);
    int32_t *m = n2d2_tensor_data(map);
    if (n2d2_tensor_dtype(pixel) == N2D2_INT32)
        memcpy(m, n2d2_tensor_cdata(pixel), h * w * sizeof *m);
    else
        for (size_t i = 0; i < h * w; ++i)
            m[i] = (int32_t)lrint(n2d2_tensor_get(pixel, i));
    return N2D2_OK;
}

n2d2_status sp_label_map(const n2d2_stimuli *sp, size_t index, n2d2_tensor **data,
                         n2d2_tensor *pixel, int label, n2d2_tensor **map)
{
    *map = NULL;
    size_t n_rois = n2d2_database_roi_count(sp->db, index);
    int has_pixel = pixel != NULL && sp->composite_mode != SP_COMPOSITE_NONE;
    int composite;
    switch (sp->composite_mode) {
    case SP_COMPOSITE_NONE:
        composite = 0;
        break;
    case SP_COMPOSITE_AUTO:
        composite = has_pixel || label < 0;
        break;
    default:
        composite = 1;
    }
    const char *name = n2d2_database_stimulus_name(sp->db, index);
    n2d2_status st;
    if (!composite && sp->composite_mode == SP_COMPOSITE_AUTO && n_rois > 0) {
        if (n_rois > 1)
            return n2d2_error(N2D2_ERR_INVAL, "stimulus '%s' has label %d and %zu ROIs: with "
                              "CompositeLabel=Auto a labelled stimulus may have a single ROI (it "
                              "is extracted); use CompositeLabel=Default, Disjoint or Combine",
                              name, label, n_rois);
        n2d2_roi roi;
        st = n2d2_database_roi_at(sp->db, index, 0, &roi);
        if (st == N2D2_OK)
            st = crop_to(data, &roi, name);
        if (st != N2D2_OK)
            return st;
    }
    if (!sp->composite)
        return N2D2_OK;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2);
    size_t dims[3] = {1, h, w};
    st = n2d2_tensor_new(N2D2_INT32, 3, dims, map);
    if (st != N2D2_OK)
        return st;
    int32_t *m = n2d2_tensor_data(*map);
    int32_t base = label;
    if (composite && has_pixel) {
        st = pixel_base(pixel, h, w, name, *map);
    } else {
        if (composite && (sp->composite_mode == SP_COMPOSITE_AUTO ||
                          sp->composite_mode == SP_COMPOSITE_DEFAULT ||
                          (sp->composite_mode == SP_COMPOSITE_DISJOINT && n_rois > 0)))
            base = sp->default_label;
        for (size_t i = 0; i < h * w; ++i)
            m[i] = base;
    }
    if (st == N2D2_OK && composite) {
        for (int pass = 0; pass < 2 && st == N2D2_OK; ++pass) {
            if (pass == 0 && sp->rois_margin == 0)
                continue;
            for (size_t i = 0; i < n_rois && st == N2D2_OK; ++i) {
                n2d2_roi roi;
                st = n2d2_database_roi_at(sp->db, index, i, &roi);
                if (st == N2D2_OK)
                    draw(m, h, w, &roi, pass ? 0.0 : (double)sp->rois_margin,
                         pass ? roi.label : -1);
            }
        }
    }
    if (st != N2D2_OK) {
        n2d2_tensor_release(*map);
        *map = NULL;
    }
    return st;
}
