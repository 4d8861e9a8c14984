/* ROIExtractionTransformation (manual 21.5.23): crop the image to one
 * object of the pixel-wise label map, drawn at random.
 *
 * LabelSegmentation=1: objects are the connected components of the map:
 * two pixels of the same label belong to one object when they are at most
 * MergeMaxHDist columns and MergeMaxVDist rows apart (the defaults 1, 1 are
 * 8-connectivity; larger values merge nearby fragments). Only label Label
 * is considered, or every label id >= 0 with Label=-1. Objects are kept
 * when they have at least MinSize pixels, a bounding box at least
 * FilterMinWidth x FilterMinHeight, and an aspect ratio width/height of at
 * least FilterMinAspectRatio and at most FilterMaxAspectRatio (0: no
 * maximum; the manual's table says 1.0 but its text "0.0 = no limit",
 * checklist A25). The crop is the bounding box grown by Margin pixels,
 * clamped to the image. KeepComposite=0 fills the cropped map with the
 * object's label. The stimulus label becomes the object's label. When no
 * object passes, the data is left as is and its labels become -1
 * (ignored).
 *
 * LabelSegmentation=0 (pick one of the annotation ROIs) is not implemented:
 * transformations receive the label map, not the catalogue's ROIs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lbl_util.h"

#define WHO "ROIExtractionTransformation"

static const n2d2_param_spec roi_params[] = {
    {"Label", N2D2_PARAM_INT, "-1", NULL, -1, 1e9, N2D2_PARAM_RANGE,
     "label id of the objects (-1: any label)"},
    {"LabelSegmentation", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "objects are the connected components of the pixel-wise labels (1); 0 (annotation ROIs) "
     "is not implemented yet"},
    {"Margin", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "pixels kept around the object"},
    {"KeepComposite", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "keep the 2-D label map (1), or reduce it to the object's label (0)"},
    {"MinSize", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "minimum pixels of an object"},
    {"FilterMinHeight", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "minimum bounding-box height"},
    {"FilterMinWidth", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "minimum bounding-box width"},
    {"FilterMinAspectRatio", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0,
     "minimum width/height (0: none)"},
    {"FilterMaxAspectRatio", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0,
     "maximum width/height (0: none)"},
    {"MergeMaxHDist", N2D2_PARAM_UINT, "1", NULL, 0, 0, 0,
     "pixels at most this many columns apart are connected"},
    {"MergeMaxVDist", N2D2_PARAM_UINT, "1", NULL, 0, 0, 0,
     "pixels at most this many rows apart are connected"},
};

typedef struct roi_x {
    int label, keep;
    size_t margin, min_size, min_h, min_w, hdist, vdist;
    double min_ar, max_ar;
} roi_x;

static n2d2_status roi_create(const n2d2_params *p, void **state)
{
    if (!n2d2_params_bool(p, "LabelSegmentation"))
        return n2d2_params_error(p, "LabelSegmentation", N2D2_ERR_NOT_IMPLEMENTED,
                                 "%s: LabelSegmentation=0 (extracting the annotation ROIs "
                                 "themselves) is not implemented yet: transformations see the "
                                 "pixel-wise label map only; set LabelSegmentation=1", WHO);
    roi_x *r = calloc(1, sizeof *r);
    if (!r)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    r->label = (int)n2d2_params_int(p, "Label");
    r->keep = n2d2_params_bool(p, "KeepComposite");
    r->margin = (size_t)n2d2_params_uint(p, "Margin");
    r->min_size = (size_t)n2d2_params_uint(p, "MinSize");
    r->min_h = (size_t)n2d2_params_uint(p, "FilterMinHeight");
    r->min_w = (size_t)n2d2_params_uint(p, "FilterMinWidth");
    r->min_ar = n2d2_params_float(p, "FilterMinAspectRatio");
    r->max_ar = n2d2_params_float(p, "FilterMaxAspectRatio");
    r->hdist = (size_t)n2d2_params_uint(p, "MergeMaxHDist");
    r->vdist = (size_t)n2d2_params_uint(p, "MergeMaxVDist");
    *state = r;
    return N2D2_OK;
}

static size_t find(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void join(size_t *parent, size_t a, size_t b)
{
    a = find(parent, a);
    b = find(parent, b);
    if (a != b)
        parent[a > b ? a : b] = a < b ? a : b; /* the smaller index is the root */
}

typedef struct box {
    size_t x0, y0, x1, y1, count; /* inclusive corners */
    int32_t label;
} box;

static n2d2_status roi_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                             n2d2_set set, n2d2_rng *rng)
{
    (void)set;
    const roi_x *r = state;
    n2d2_status st = lbl_check_map(*data, *labels, WHO);
    if (st != N2D2_OK)
        return st;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2), n = h * w;
    const int32_t *m = n2d2_tensor_cdata(*labels);
    size_t *parent = malloc((n ? n : 1) * sizeof *parent);
    box *boxes = malloc((n ? n : 1) * sizeof *boxes);
    size_t *slot = malloc((n ? n : 1) * sizeof *slot);
    if (!parent || !boxes || !slot) {
        free(parent);
        free(boxes);
        free(slot);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
#define WANTED(v) ((v) >= 0 && (r->label < 0 || (v) == r->label))
    for (size_t i = 0; i < n; ++i)
        parent[i] = i;
    /* Join each pixel with the earlier pixels of its neighbourhood. */
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x) {
            int32_t v = m[y * w + x];
            if (!WANTED(v))
                continue;
            size_t ya = y >= r->vdist ? y - r->vdist : 0;
            size_t xa = x >= r->hdist ? x - r->hdist : 0, xb = x + r->hdist < w ? x + r->hdist : w - 1;
            for (size_t yy = ya; yy <= y; ++yy)
                for (size_t xx = xa; xx <= (yy == y ? x : xb); ++xx)
                    if (m[yy * w + xx] == v && (yy != y || xx != x))
                        join(parent, y * w + x, yy * w + xx);
        }
    size_t n_boxes = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!WANTED(m[i]))
            continue;
        size_t root = find(parent, i), x = i % w, y = i / w;
        if (root == i) {
            slot[i] = n_boxes;
            boxes[n_boxes++] = (box){x, y, x, y, 0, m[i]};
        }
        box *b = &boxes[slot[root]]; /* roots come first in raster order */
        b->x0 = x < b->x0 ? x : b->x0;
        b->x1 = x > b->x1 ? x : b->x1;
        b->y0 = y < b->y0 ? y : b->y0;
        b->y1 = y > b->y1 ? y : b->y1;
        b->count++;
    }
#undef WANTED
    size_t kept = 0;
    for (size_t i = 0; i < n_boxes; ++i) {
        const box *b = &boxes[i];
        size_t bw = b->x1 - b->x0 + 1, bh = b->y1 - b->y0 + 1;
        double ar = (double)bw / (double)bh;
        if (b->count < r->min_size || bh < r->min_h || bw < r->min_w || ar < r->min_ar ||
            (r->max_ar > 0 && ar > r->max_ar))
            continue;
        boxes[kept++] = *b;
    }
    free(parent);
    free(slot);
    if (kept == 0) {
        free(boxes);
        lbl_fill(*labels, -1);
        *label = -1;
        return N2D2_OK;
    }
    box b = boxes[n2d2_rng_below(rng, kept)];
    free(boxes);
    size_t x0 = b.x0 > r->margin ? b.x0 - r->margin : 0;
    size_t y0 = b.y0 > r->margin ? b.y0 - r->margin : 0;
    size_t x1 = b.x1 + r->margin < w ? b.x1 + r->margin : w - 1;
    size_t y1 = b.y1 + r->margin < h ? b.y1 + r->margin : h - 1;
    tf_border none = {TF_BORDER_CONSTANT, {0}, 0};
    n2d2_tensor *out, *lout;
    st = lbl_window(*data, *labels, (long)x0, (long)y0, x1 - x0 + 1, y1 - y0 + 1, 0.0, &none, &out,
                    &lout);
    if (st != N2D2_OK)
        return st;
    if (!r->keep)
        lbl_fill(lout, b.label);
    n2d2_tensor_release(*data);
    n2d2_tensor_release(*labels);
    *data = out;
    *labels = lout;
    *label = (int)b.label;
    return N2D2_OK;
}

static const n2d2_transform_ops roi_ops = {sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM,
                                           roi_create, roi_apply, NULL, free, {0}};

const n2d2_feature lbl_roi_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "ROIExtractionTransformation", NULL,
    "crop to one object of the pixel-wise labels (connected components)", roi_params,
    TF_COUNT_OF(roi_params), &roi_ops, 0, {0}};
