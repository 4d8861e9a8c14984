/* Transformation layer (model Frame): a transformation plugin applied to
 * each sample (here test-only transformations defined below, so the suite
 * needs no transformation plugin), its keys read from the layer's section,
 * its output shape, no gradient to the layers before it, and bad
 * configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(test_tf_layer);
N2D2_STATIC_PLUGIN_DECLARE(cell_transformation);

/* TestOffsetTransformation: x + Offset; with Crop=1 the one-pixel border
 * is removed (output (H-2) x (W-2)). */
typedef struct offset_state {
    double offset;
    int crop;
} offset_state;

static const n2d2_param_spec offset_params[] = {
    {"Offset", N2D2_PARAM_FLOAT, "0", NULL, 0, 0, 0, "added to every value"},
    {"Crop", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "remove the one-pixel border"},
};

static n2d2_status offset_create(const n2d2_params *p, void **state)
{
    offset_state *s = malloc(sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->offset = n2d2_params_float(p, "Offset");
    s->crop = n2d2_params_bool(p, "Crop");
    *state = s;
    return N2D2_OK;
}

static n2d2_status offset_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    const offset_state *s = state;
    *out = *in;
    if (s->crop) {
        out->dims[1] -= 2;
        out->dims[2] -= 2;
    }
    return N2D2_OK;
}

static n2d2_status offset_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const offset_state *s = state;
    const size_t *d = n2d2_tensor_dims(*data);
    size_t dims[3] = {d[0], d[1] - (s->crop ? 2 : 0), d[2] - (s->crop ? 2 : 0)};
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(*data), 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    const size_t c0 = s->crop ? 1 : 0;
    for (size_t c = 0; c < dims[0]; ++c)
        for (size_t y = 0; y < dims[1]; ++y)
            for (size_t x = 0; x < dims[2]; ++x)
                n2d2_tensor_set(out, (c * dims[1] + y) * dims[2] + x,
                                n2d2_tensor_get(*data, (c * d[1] + y + c0) * d[2] + x + c0) +
                                    s->offset);
    n2d2_tensor_release(*data);
    *data = out;
    return N2D2_OK;
}

static const n2d2_transform_ops offset_ops = {sizeof(n2d2_transform_ops), 0, offset_create,
                                              offset_apply, offset_shape, free, {0}};

static n2d2_status register_test_tf(n2d2_registry *r)
{
    const n2d2_feature offset = {sizeof(n2d2_feature), N2D2_KIND_TRANSFORM,
                                 "TestOffsetTransformation", NULL, "adds Offset", offset_params, 2,
                                 &offset_ops, 0, {0}};
    return n2d2_registry_add(r, &offset);
}
N2D2_PLUGIN_DEFINE(test_tf_layer, "1.0.0", "CECILL-C", "test transformation", register_test_tf, NULL)

static void setup(void)
{
    static const n2d2_static_plugin extra[] = {N2D2_STATIC_PLUGIN(test_tf_layer),
                                               N2D2_STATIC_PLUGIN(cell_transformation)};
    kit_setup_with(extra, 2);
}

START_TEST(applies_the_transformation_to_each_sample)
{
    const char *dtypes[] = {"Float32", "Float64"};
    for (int d = 0; d < 2; ++d) {
        char text[1024];
        snprintf(text, sizeof text,
                 "DefaultDataType=%s\n[sp]\nSizeX=4\nSizeY=3\nNbChannels=2\n"
                 "[post]\nInput=sp\nType=Transformation\nNbOutputs=2\n"
                 "Transformation=TestOffsetTransformation\nOffset=0.5\nCrop=1\n",
                 dtypes[d]);
        n2d2_graph *g = kit_build_ok(text);
        ck_assert_int_eq(n2d2_graph_check_unused(g), N2D2_OK);
        const n2d2_shape *out = n2d2_cell_output_shape(n2d2_graph_cell_at(g, 0));
        ck_assert_uint_eq(out->dims[0], 2);
        ck_assert_uint_eq(out->dims[1], 1);
        ck_assert_uint_eq(out->dims[2], 2);
        ck_assert_int_eq(n2d2_graph_allocate(g, 2, 0), N2D2_OK);
        double x[48];
        for (int i = 0; i < 48; ++i)
            x[i] = i;
        kit_set(n2d2_graph_input(g), x, 48);
        ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
        /* sample b, channel c: the inner pixels (1,1) and (1,2) plus 0.5 */
        double want[8];
        for (int b = 0; b < 2; ++b)
            for (int c = 0; c < 2; ++c)
                for (int k = 0; k < 2; ++k)
                    want[(b * 2 + c) * 2 + k] = b * 24 + c * 12 + 4 + 1 + k + 0.5;
        kit_expect(n2d2_graph_cell_output(g, 0), want, 8, 0);
        kit_free(g);
    }
}
END_TEST

START_TEST(passes_no_gradient_back)
{
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=3\nNbChannels=1\n"
                                 "[post]\nInput=sp\nType=Transformation\nNbOutputs=1\n"
                                 "Transformation=TestOffsetTransformation\nOffset=1\n");
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, 1, 1), N2D2_OK);
    double x[9] = {0};
    kit_set(n2d2_graph_input(g), x, 9);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    double dy[9];
    for (int i = 0; i < 9; ++i)
        dy[i] = 1.0;
    kit_set(n2d2_graph_output_grad(g, 0), dy, 9);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const n2d2_tensor *dx = n2d2_graph_input_grad(g);
    for (size_t i = 0; dx && i < 9; ++i)
        ck_assert_double_eq(n2d2_tensor_get(dx, i), 0.0);
    kit_free(g);
}
END_TEST

START_TEST(bad_configurations)
{
    kit_expect_error("[sp]\nSizeX=3\nSizeY=3\n[post]\nInput=sp\nType=Transformation\nNbOutputs=1\n"
                     "Transformation=TestOfsetTransformation\n",
                     N2D2_ERR_NOT_FOUND, "TestOffsetTransformation");
    kit_expect_error("[sp]\nSizeX=3\nSizeY=3\n[post]\nInput=sp\nType=Transformation\nNbOutputs=2\n"
                     "Transformation=TestOffsetTransformation\n",
                     N2D2_ERR_SHAPE, "NbOutputs=2 but TestOffsetTransformation gives 1 channel(s)");
    kit_expect_error("[sp]\nSizeX=3\nSizeY=3\n[post]\nInput=sp\nType=Transformation\nNbOutputs=1\n"
                     "Transformation=TestOffsetTransformation\nOffset=abc\n",
                     N2D2_ERR_INVAL, "Offset");
    kit_expect_error("[sp]\nSizeX=3\nSizeY=3\n[post]\nInput=sp\nType=Transformation\nNbOutputs=1\n",
                     N2D2_ERR_NOT_FOUND, "Transformation");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transformation_layer");
    TCase *tc = tcase_create("frame");
    tcase_add_checked_fixture(tc, setup, kit_teardown);
    tcase_add_test(tc, applies_the_transformation_to_each_sample);
    tcase_add_test(tc, passes_no_gradient_back);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
