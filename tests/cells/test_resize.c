/* Resize (model Frame): every Mode by hand (up and down, odd sizes),
 * AlignCorners spellings, identity at equal sizes, finite-difference
 * gradients in Float64, Float32/Float64 agreement and bad configurations
 * (zero size, unknown Mode). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *resize_graph(const char *keys, const char *sp, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\n[resize]\nInput=sp\nType=Resize\n%s\n", sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

/* Forward of one sample; returns the graph for further checks. */
static n2d2_graph *run(const char *keys, const char *sp, const double *x, size_t nx, const double *want,
                       size_t ny)
{
    n2d2_graph *g = resize_graph(keys, sp, 1);
    kit_set(n2d2_graph_input(g), x, nx);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), want, ny, 1e-12);
    return g;
}

START_TEST(nearest_neighbor_by_hand)
{
    const double x4[4] = {1, 2, 3, 4};
    const double up[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
    kit_free(run("NbOutputs=1\nOutputWidth=4\nOutputHeight=4\nMode=NearestNeighbor",
                 "SizeX=2\nSizeY=2", x4, 4, up, 16));
    /* 3 -> 5 columns: floor(d 3 / 5) = 0 0 1 1 2; 4 -> 3 rows: 0 1 2 */
    double x12[12];
    for (int i = 0; i < 12; ++i)
        x12[i] = i;
    const double odd[15] = {0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 7, 7, 8};
    n2d2_graph *g = run("NbOutputs=1\nOutputWidth=5\nOutputHeight=3\nMode=NearestNeighbor\nAlignCorners=1",
                        "SizeX=3\nSizeY=4", x12, 12, odd, 15);
    /* backward adds every output gradient to its source */
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double counts[12] = {2, 2, 1, 2, 2, 1, 2, 2, 1, 0, 0, 0};
    kit_expect(n2d2_graph_input_grad(g), counts, 12, 0);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 0);
    kit_free(g);
}
END_TEST

START_TEST(bilinear_half_pixel_by_hand)
{
    /* 2 -> 4: s = d / 2 - 0.25 -> 0 (clamped), 0.25, 0.75, 1 (last) */
    const double x2[2] = {0, 10}, want[4] = {0, 2.5, 7.5, 10};
    n2d2_graph *g = run("NbOutputs=1\nOutputWidth=4\nOutputHeight=1\nMode=Bilinear", "SizeX=2\nSizeY=1",
                        x2, 2, want, 4);
    const double dy[4] = {1, 1, 1, 1}, dx[2] = {2, 2};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    kit_expect(n2d2_graph_input_grad(g), dx, 2, 1e-12);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 16);
    kit_free(g);
    /* 4 -> 2 averages pairs: s = 2 d + 0.5 */
    const double x4[4] = {1, 3, 5, 9}, down[2] = {2, 7};
    kit_free(run("NbOutputs=1\nOutputWidth=2\nOutputHeight=1\nMode=Bilinear\nAlignCorners=0",
                 "SizeX=4\nSizeY=1", x4, 4, down, 2));
}
END_TEST

START_TEST(bilinear_tf_by_hand)
{
    const double x2[2] = {0, 10};
    /* aligned corners: s = d / 3 */
    const double aligned[4] = {0, 10.0 / 3, 20.0 / 3, 10};
    kit_free(run("NbOutputs=1\nOutputWidth=4\nOutputHeight=1\nMode=BilinearTF", "SizeX=2\nSizeY=1", x2,
                 2, aligned, 4));
    /* without: s = d / 2, the last column repeats */
    const double plain[4] = {0, 5, 10, 10};
    kit_free(run("NbOutputs=1\nOutputWidth=4\nOutputHeight=1\nMode=BilinearTF\nAlignCorners=False",
                 "SizeX=2\nSizeY=1", x2, 2, plain, 4));
    /* 2-D, aligned: the centre is the mean of the four corners */
    const double x4[4] = {1, 2, 3, 4}, want[9] = {1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4};
    n2d2_graph *g = run("NbOutputs=1\nOutputWidth=3\nOutputHeight=3\nMode=BilinearTF\nAlignCorners=true",
                        "SizeX=2\nSizeY=2", x4, 4, want, 9);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    const double dx[4] = {2.25, 2.25, 2.25, 2.25}; /* (1 + 0.5)^2 per corner */
    kit_expect(n2d2_graph_input_grad(g), dx, 4, 1e-12);
    kit_free(g);
}
END_TEST

START_TEST(align_corners_spellings)
{
    const double x2[2] = {0, 10}, aligned[4] = {0, 10.0 / 3, 20.0 / 3, 10}, plain[4] = {0, 5, 10, 10};
    const char *yes[] = {"1", "true", "True"}, *no[] = {"0", "false", "False"};
    for (int i = 0; i < 3; ++i) {
        char keys[256];
        snprintf(keys, sizeof keys, "NbOutputs=1\nOutputWidth=4\nOutputHeight=1\nMode=BilinearTF\n"
                                    "AlignCorners=%s", yes[i]);
        kit_free(run(keys, "SizeX=2\nSizeY=1", x2, 2, aligned, 4));
        snprintf(keys, sizeof keys, "NbOutputs=1\nOutputWidth=4\nOutputHeight=1\nMode=BilinearTF\n"
                                    "AlignCorners=%s", no[i]);
        kit_free(run(keys, "SizeX=2\nSizeY=1", x2, 2, plain, 4));
    }
}
END_TEST

START_TEST(equal_sizes_are_the_identity)
{
    const char *modes[] = {"Bilinear", "BilinearTF", "NearestNeighbor"};
    for (int m = 0; m < 3; ++m) {
        char keys[256];
        snprintf(keys, sizeof keys, "NbOutputs=2\nOutputWidth=5\nOutputHeight=3\nMode=%s", modes[m]);
        n2d2_graph *g = resize_graph(keys, "SizeX=5\nSizeY=3\nNbChannels=2", 3);
        kit_set_random(n2d2_graph_input(g), 3, -1, 1);
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        const n2d2_tensor *x = n2d2_graph_input(g), *y = n2d2_graph_cell_output(g, 0);
        for (size_t i = 0; i < n2d2_tensor_numel(x); ++i)
            ck_assert(fabs(n2d2_tensor_get(x, i) - n2d2_tensor_get(y, i)) < 1e-15);
        kit_free(g);
    }
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *modes[] = {"Bilinear", "BilinearTF\nAlignCorners=1", "BilinearTF\nAlignCorners=0",
                           "NearestNeighbor"};
    const char *sizes[] = {"OutputWidth=7\nOutputHeight=4", "OutputWidth=3\nOutputHeight=2",
                           "OutputWidth=1\nOutputHeight=6"};
    for (int m = 0; m < 4; ++m)
        for (int z = 0; z < 3; ++z) {
            char keys[256];
            snprintf(keys, sizeof keys, "NbOutputs=2\n%s\nMode=%s", sizes[z], modes[m]);
            const size_t batch = z == 1 ? 1 : 3;
            n2d2_graph *g = resize_graph(keys, "SizeX=5\nSizeY=3\nNbChannels=2", batch);
            double err = kit_gradient_error(g, batch, (unsigned)(m * 3 + z));
            ck_assert_msg(err < 1e-7, "%s: gradient error %g", keys, err);
            kit_free(g);
        }
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *modes[] = {"Bilinear", "BilinearTF", "NearestNeighbor"};
    for (int m = 0; m < 3; ++m) {
        char text[512];
        snprintf(text, sizeof text,
                 "DefaultDataType=%%s\n[sp]\nSizeX=9\nSizeY=7\nNbChannels=3\n[resize]\nInput=sp\n"
                 "Type=Resize\nNbOutputs=3\nOutputWidth=13\nOutputHeight=4\nMode=%s\n", modes[m]);
        char t32[600], t64[600];
        snprintf(t32, sizeof t32, text, "Float32");
        snprintf(t64, sizeof t64, text, "Float64");
        n2d2_graph *g32 = kit_build_ok(t32), *g64 = kit_build_ok(t64);
        n2d2_graph *gs[2] = {g32, g64};
        for (int k = 0; k < 2; ++k) {
            n2d2_graph_request_input_grad(gs[k]);
            ck_assert_int_eq(n2d2_graph_allocate(gs[k], 3, 1), N2D2_OK);
            kit_set_random(n2d2_graph_input(gs[k]), 8, -1, 1);
            ck_assert_int_eq(n2d2_graph_forward(gs[k], 1), N2D2_OK);
            kit_set_random(n2d2_graph_output_grad(gs[k], 0), 9, -1, 1);
            ck_assert_int_eq(n2d2_graph_backward(gs[k]), N2D2_OK);
        }
        const n2d2_tensor *pairs[][2] = {
            {n2d2_graph_cell_output(g32, 0), n2d2_graph_cell_output(g64, 0)},
            {n2d2_graph_input_grad(g32), n2d2_graph_input_grad(g64)},
        };
        for (size_t p = 0; p < 2; ++p)
            for (size_t i = 0; i < n2d2_tensor_numel(pairs[p][1]); ++i) {
                double a = n2d2_tensor_get(pairs[p][0], i), b = n2d2_tensor_get(pairs[p][1], i);
                ck_assert_msg(fabs(a - b) <= 1e-6 * (1 + fabs(b)), "%s pair %zu item %zu", modes[m], p, i);
            }
        kit_free(g32);
        kit_free(g64);
    }
}
END_TEST

static void resize_error(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[sp]\nSizeX=4\nSizeY=4\nNbChannels=2\n[resize]\nInput=sp\nType=Resize\n%s\n", keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    resize_error("NbOutputs=2\nOutputWidth=0\nOutputHeight=3\nMode=Bilinear", N2D2_ERR_RANGE,
                 "net.ini:9: OutputWidth: must be at least 1: [resize] cannot resize to an empty map");
    resize_error("NbOutputs=2\nOutputWidth=3\nOutputHeight=0\nMode=NearestNeighbor", N2D2_ERR_RANGE,
                 "net.ini:10: OutputHeight: must be at least 1");
    resize_error("NbOutputs=2\nOutputWidth=3\nOutputHeight=3\nMode=Bicubic", N2D2_ERR_INVAL,
                 "net.ini:11: Mode: 'Bicubic' is not one of Bilinear|BilinearTF|NearestNeighbor");
    resize_error("NbOutputs=2\nOutputWidth=3\nOutputHeight=3", N2D2_ERR_NOT_FOUND, "Mode");
    resize_error("NbOutputs=2\nOutputHeight=3\nMode=Bilinear", N2D2_ERR_NOT_FOUND, "OutputWidth");
    resize_error("NbOutputs=3\nOutputWidth=3\nOutputHeight=3\nMode=Bilinear", N2D2_ERR_SHAPE,
                 "net.ini:8: NbOutputs: NbOutputs=3 but the input of [resize] has 2 channels");
    resize_error("NbOutputs=2\nOutputWidth=3\nOutputHeight=3\nMode=Bilinear\nAlignCorners=maybe",
                 N2D2_ERR_INVAL, "AlignCorners");
    resize_error("NbOutputs=2\nOutputWidth=3\nOutputHeight=3\nMode=Bilinear\nDataType=Float16",
                 N2D2_ERR_NOT_IMPLEMENTED, "Float16");
}
END_TEST

/* Two layers read the stimuli: their input gradients add up. */
START_TEST(two_consumers_accumulate_input_gradients)
{
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=4\nNbChannels=2\n"
                                 "[a]\nInput=sp\nType=Resize\nNbOutputs=2\nOutputWidth=5\n"
                                 "OutputHeight=3\nMode=Bilinear\n"
                                 "[b]\nInput=sp\nType=Resize\nNbOutputs=2\nOutputWidth=5\n"
                                 "OutputHeight=3\nMode=NearestNeighbor\n"
                                 "[c]\nInput=a,b\nType=Conv\nKernelSize=1\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 3, 79);
    ck_assert_msg(err < 1e-7, "gradient error %g", err);
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_resize");
    TCase *tc = tcase_create("resize");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, nearest_neighbor_by_hand);
    tcase_add_test(tc, bilinear_half_pixel_by_hand);
    tcase_add_test(tc, bilinear_tf_by_hand);
    tcase_add_test(tc, align_corners_spellings);
    tcase_add_test(tc, equal_sizes_are_the_identity);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, two_consumers_accumulate_input_gradients);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
