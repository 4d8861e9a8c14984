/* A test-only database driver with hand-made ROIs (TestROI_Database): the
 * INI key Case selects a scenario; images are 1 x 5 x 6 UInt8 with pixel
 * (x, y) = 1 + x + 10 y, so a test can tell where a pixel came from. Label
 * ids: a = 0, b = 1 (DefaultLabel=bg, when set, becomes id 2).
 *
 * Case 0 (all in Learn, in this order):
 *   0: label b, rectangle (1, 1)-(3, 3) of a
 *   1: label a, no ROI
 *   2: label -1, circle centre (3, 2) radius 1 of b
 *   3: label -1, triangle (0, 0) (4, 0) (0, 4) of a
 * Case 1: one stimulus, label b, pixel-wise labels x % 2, rectangle
 *   (4, 3)-(6, 5) of b.
 * Case 2: one stimulus, label a, rectangle (2, 1)-(5, 3) of a (the Auto
 *   single-ROI extraction gives 1 x 2 x 3). */
#ifndef ROI_FIXTURE_H
#define ROI_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

#define FX_H 5
#define FX_W 6

static const n2d2_param_spec fx_params[] = {
    {"Case", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "scenario"}};

static n2d2_status fx_create(const n2d2_params *p, void **state)
{
    int *c = malloc(sizeof *c);
    if (!c)
        return N2D2_ERR_NOMEM;
    *c = (int)n2d2_params_uint(p, "Case");
    *state = c;
    return N2D2_OK;
}

static n2d2_status fx_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    (void)rng;
    int which = *(int *)state;
    int a, b;
    n2d2_status st = n2d2_database_add_label(db, "a", &a);
    if (st == N2D2_OK)
        st = n2d2_database_add_label(db, "b", &b);
    size_t i;
    if (which == 0) {
        static const double tri[] = {0, 0, 4, 0, 0, 4};
        if (st == N2D2_OK)
            st = n2d2_database_add_stimulus(db, "s0", b, N2D2_SET_LEARN, 0, &i);
        if (st == N2D2_OK)
            st = n2d2_database_add_roi_rect(db, i, a, 1, 1, 3, 3);
        if (st == N2D2_OK)
            st = n2d2_database_add_stimulus(db, "s1", a, N2D2_SET_LEARN, 1, &i);
        if (st == N2D2_OK)
            st = n2d2_database_add_stimulus(db, "s2", -1, N2D2_SET_LEARN, 2, &i);
        if (st == N2D2_OK)
            st = n2d2_database_add_roi_circle(db, i, b, 3, 2, 1);
        if (st == N2D2_OK)
            st = n2d2_database_add_stimulus(db, "s3", -1, N2D2_SET_LEARN, 3, &i);
        if (st == N2D2_OK)
            st = n2d2_database_add_roi_polygon(db, i, a, tri, 3);
    } else if (which == 1) {
        if (st == N2D2_OK)
            st = n2d2_database_add_stimulus(db, "p0", b, N2D2_SET_LEARN, 10, &i);
        if (st == N2D2_OK)
            st = n2d2_database_add_roi_rect(db, i, b, 4, 3, 6, 5);
    } else {
        if (st == N2D2_OK)
            st = n2d2_database_add_stimulus(db, "c0", a, N2D2_SET_LEARN, 20, &i);
        if (st == N2D2_OK)
            st = n2d2_database_add_roi_rect(db, i, a, 2, 1, 5, 3);
    }
    return st;
}

static n2d2_status fx_read(void *state, const n2d2_database *db, size_t index, n2d2_tensor **data,
                           n2d2_tensor **labels)
{
    (void)state;
    size_t dims[3] = {1, FX_H, FX_W};
    n2d2_status st = n2d2_tensor_new(N2D2_UINT8, 3, dims, data);
    if (st != N2D2_OK)
        return st;
    uint8_t *d = n2d2_tensor_data(*data);
    for (size_t y = 0; y < FX_H; ++y)
        for (size_t x = 0; x < FX_W; ++x)
            d[y * FX_W + x] = (uint8_t)(1 + x + 10 * y);
    if (labels) {
        *labels = NULL;
        if (n2d2_database_stimulus_key(db, index) == 10) { /* pixel-wise labels: x % 2 */
            if ((st = n2d2_tensor_new(N2D2_INT32, 3, dims, labels)) != N2D2_OK)
                return st;
            int32_t *l = n2d2_tensor_data(*labels);
            for (size_t k = 0; k < FX_H * FX_W; ++k)
                l[k] = (int32_t)((k % FX_W) % 2);
        }
    }
    return N2D2_OK;
}

static const n2d2_database_ops fx_ops = {sizeof(n2d2_database_ops), fx_create, fx_load, fx_read,
                                         free, {0}};

/* TestShrinkTransformation: drops the last column of the data and leaves
 * the label map alone (a transformation unaware of label maps). */
static n2d2_status shrink_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                n2d2_set set, n2d2_rng *rng)
{
    (void)state;
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const size_t *d = n2d2_tensor_dims(*data);
    size_t dims[3] = {d[0], d[1], d[2] - 1};
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(*data), 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    for (size_t i = 0; i < n2d2_tensor_numel(out); ++i)
        n2d2_tensor_set(out, i, 0.0);
    n2d2_tensor_release(*data);
    *data = out;
    return N2D2_OK;
}

static const n2d2_transform_ops shrink_ops = {sizeof(n2d2_transform_ops), 0, NULL, shrink_apply,
                                              NULL, NULL, {0}};

static n2d2_status fx_register(n2d2_registry *r)
{
    const n2d2_feature f = {sizeof(n2d2_feature), N2D2_KIND_DATABASE, "TestROI_Database", NULL,
                            "hand-made ROIs", fx_params, 1, &fx_ops, 0, {0}};
    const n2d2_feature t = {sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "TestShrinkTransformation",
                            NULL, "drops a column", NULL, 0, &shrink_ops, 0, {0}};
    n2d2_status st = n2d2_registry_add(r, &f);
    return st == N2D2_OK ? n2d2_registry_add(r, &t) : st;
}

N2D2_PLUGIN_DEFINE(test_roi_db, "1.0.0", "CECILL-C", "test ROI database", fx_register, NULL)

#endif
