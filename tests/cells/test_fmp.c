/* FMP (model Frame): region sequences by hand (pseudo-random for a given
 * u, random steps), a 4x4 input pooled by hand with a known draw
 * (overlapping and disjoint), draws that change while learning and stay
 * fixed in inference, finite-difference gradients and bad keys. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"
#include "fmp/fmp.h"

N2D2_STATIC_PLUGIN_DECLARE(cell_fmp);

static void setup(void)
{
    static const n2d2_static_plugin extra[] = {N2D2_STATIC_PLUGIN(cell_fmp)};
    kit_setup_with(extra, 1);
}

static n2d2_graph *fmp_graph(const char *keys, const char *sp, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text,
             "DefaultDataType=Float64\n[sp]\n%s\nBatchSize=%zu\n[fmp]\nInput=sp\nType=FMP\n%s\n", sp,
             batch, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(pseudo_random_grids_by_hand)
{
    /* in 4, out 3: alpha = 4/3, grid[i] = ceil(4/3 (i + u)) */
    size_t grid[3];
    n2d2_fmp_grid_pseudo(4, 3, 0.2, grid); /* ceil(0.27), ceil(1.6), ceil(2.93) */
    ck_assert(grid[0] == 1 && grid[1] == 2 && grid[2] == 3);
    n2d2_fmp_grid_pseudo(4, 3, 0.6, grid); /* ceil(0.8), ceil(2.13), ceil(3.47) */
    ck_assert(grid[0] == 1 && grid[1] == 3 && grid[2] == 4);
    size_t start[3], stop[3];
    fmp_axis axis = {start, stop};
    n2d2_fmp_regions(grid, 4, 3, 1, &axis); /* overlapping: [0,1] [1,3] [3,3] */
    ck_assert(start[0] == 0 && stop[0] == 1 && start[1] == 1 && stop[1] == 3 && start[2] == 3 &&
              stop[2] == 3);
    n2d2_fmp_regions(grid, 4, 3, 0, &axis); /* disjoint: [0,0] [1,2] [3,3] */
    ck_assert(start[0] == 0 && stop[0] == 0 && start[1] == 1 && stop[1] == 2 && start[2] == 3 &&
              stop[2] == 3);
    n2d2_fmp_grid_pseudo(4, 3, 0.9, grid); /* ceil(1.2), ceil(2.53), ceil(3.87) */
    ck_assert(grid[0] == 2 && grid[1] == 3 && grid[2] == 4);
}
END_TEST

START_TEST(random_grids_are_shuffled_steps)
{
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 3, 0);
    int seen[3] = {0, 0, 0};
    for (int k = 0; k < 60; ++k) {
        size_t grid[3];
        n2d2_fmp_grid_random(7, 3, &rng, grid); /* steps {3, 2, 2} in some order */
        ck_assert_uint_eq(grid[2], 7);
        size_t big = 3;
        for (size_t i = 0; i < 3; ++i) {
            const size_t step = grid[i] - (i ? grid[i - 1] : 0);
            ck_assert(step == 2 || step == 3);
            if (step == 3)
                big = i;
        }
        ck_assert_uint_lt(big, 3);
        seen[big] = 1;
    }
    ck_assert(seen[0] && seen[1] && seen[2]); /* every order shows up */
}
END_TEST

static const double x16[16] = {1, 5, 2, 0, /* row 0 */ 3, 0, 9, 4,  /* row 1 */
                               7, 2, 1, 8, /* row 2 */ 6, -1, 3, 2}; /* row 3 */

START_TEST(known_draw_on_4x4_by_hand)
{
    /* Random sequences with ScalingRatio 2 on 4: steps are all 2, grid
     * {2, 4}, whatever the draw. */
    n2d2_graph *g = fmp_graph("NbOutputs=1\nScalingRatio=2\nPseudoRandom=0\nOverlapping=0",
                              "SizeX=4\nSizeY=4", 1);
    kit_set(n2d2_graph_input(g), x16, 16);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double disjoint[4] = {5, 9, 7, 8}; /* plain 2x2 blocks */
    kit_expect(n2d2_graph_cell_output(g, 0), disjoint, 4, 0);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    kit_expect(n2d2_graph_cell_output(g, 0), disjoint, 4, 0);
    kit_free(g);

    /* overlapping: rows/columns [0, 2] and [2, 3] */
    g = fmp_graph("NbOutputs=1\nScalingRatio=2\nPseudoRandom=0", "SizeX=4\nSizeY=4", 1);
    kit_set(n2d2_graph_input(g), x16, 16);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const double overlapping[4] = {9, 9, 7, 8};
    kit_expect(n2d2_graph_cell_output(g, 0), overlapping, 4, 0);
    const double dy[4] = {1, 2, 3, 4};
    kit_set(n2d2_graph_output_grad(g, 0), dy, 4);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    /* the 9 at (1, 2) is the maximum of two regions: it gets 1 + 2 */
    const double dx[16] = {0, 0, 0, 0, 0, 0, 3, 0, 3, 0, 0, 4, 0, 0, 0, 0};
    kit_expect(n2d2_graph_input_grad(g), dx, 16, 0);
    kit_free(g);
}
END_TEST

/* Max of a 4x4 plane over rows [ys, ye] x columns [xs, xe]. */
static double region_max(const double *x, size_t ys, size_t ye, size_t xs, size_t xe)
{
    double m = -INFINITY;
    for (size_t y = ys; y <= ye; ++y)
        for (size_t c = xs; c <= xe; ++c)
            m = fmax(m, x[y * 4 + c]);
    return m;
}

/* Which of the pseudo-random overlapping draws of 4 -> 3 (region ends
 * {1, 2}, {1, 3} or {2, 3} on each axis) gives `y`: x * 3 + y index, or -1. */
static int which_draw(const double *x, const n2d2_tensor *y)
{
    static const size_t ends[3][2] = {{1, 2}, {1, 3}, {2, 3}};
    for (int ay = 0; ay < 3; ++ay)
        for (int ax = 0; ax < 3; ++ax) {
            const size_t ey[3] = {ends[ay][0], ends[ay][1], 3}, ex[3] = {ends[ax][0], ends[ax][1], 3};
            int same = 1;
            for (size_t oy = 0; oy < 3 && same; ++oy)
                for (size_t ox = 0; ox < 3 && same; ++ox) {
                    const size_t ys = oy ? ey[oy - 1] : 0, xs = ox ? ex[ox - 1] : 0;
                    same = n2d2_tensor_get(y, oy * 3 + ox) == region_max(x, ys, ey[oy], xs, ex[ox]);
                }
            if (same)
                return ax * 3 + ay;
        }
    return -1;
}

START_TEST(draws_change_while_learning_and_stay_fixed_in_inference)
{
    n2d2_graph *g = fmp_graph("NbOutputs=1\nScalingRatio=1.333", "SizeX=4\nSizeY=4", 1);
    /* distinct values: each draw gives its own output */
    const double x[16] = {3, 14, 7, 0, 11, 5, 9, 12, 1, 15, 6, 2, 13, 4, 10, 8};
    kit_set(n2d2_graph_input(g), x, 16);
    const n2d2_tensor *y = n2d2_graph_cell_output(g, 0);
    ck_assert_uint_eq(n2d2_tensor_numel(y), 9);
    ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
    const int fixed = which_draw(x, y);
    ck_assert_int_ge(fixed, 0);
    int seen[9] = {0};
    for (int k = 0; k < 40; ++k) {
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        int d = which_draw(x, y);
        ck_assert_int_ge(d, 0);
        seen[d] = 1;
        ck_assert_int_eq(n2d2_graph_forward(g, 0), N2D2_OK);
        ck_assert_int_eq(which_draw(x, y), fixed);
    }
    int distinct = 0;
    for (int d = 0; d < 9; ++d)
        distinct += seen[d];
    ck_assert_int_ge(distinct, 3);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    const char *cases[] = {
        "NbOutputs=2\nScalingRatio=1.5\nMapping.Size=1",
        "NbOutputs=2\nScalingRatio=1.4\nOverlapping=0\nMapping.Size=1",
        "NbOutputs=2\nScalingRatio=1.7\nPseudoRandom=0\nMapping.Size=1",
        "NbOutputs=1\nScalingRatio=2.6\nPseudoRandom=0\nOverlapping=0",
        "NbOutputs=3\nScalingRatio=1.2",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        for (size_t batch = 1; batch <= 3; batch += 2) {
            n2d2_graph *g = fmp_graph(cases[i], "SizeX=7\nSizeY=6\nNbChannels=2", batch);
            n2d2_gradcheck_result r;
            ck_assert_msg(n2d2_graph_check_gradients(g, batch, 1e-6, 1e-6, 0, &r) == N2D2_OK,
                          "case %zu: %s", i, n2d2_error_message());
            ck_assert_uint_gt(r.checked, 0);
            kit_free(g);
        }
    }
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *fmt = "DefaultDataType=%s\n[sp]\nSizeX=9\nSizeY=7\nNbChannels=2\nBatchSize=2\n"
                      "[fmp]\nInput=sp\nType=FMP\nNbOutputs=2\nScalingRatio=1.6\n";
    char t64[512], t32[512];
    snprintf(t64, sizeof t64, fmt, "Float64");
    snprintf(t32, sizeof t32, fmt, "Float32");
    n2d2_graph *a = kit_build_ok(t64), *b = kit_build_ok(t32);
    ck_assert_int_eq(n2d2_graph_allocate(a, 2, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_graph_allocate(b, 2, 1), N2D2_OK);
    kit_set_random(n2d2_graph_input(a), 9, -1, 1);
    kit_set_random(n2d2_graph_input(b), 9, -1, 1);
    for (int training = 0; training < 2; ++training) { /* same seed: same draws */
        ck_assert_int_eq(n2d2_graph_forward(a, training), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_forward(b, training), N2D2_OK);
        const n2d2_tensor *ya = n2d2_graph_cell_output(a, 0), *yb = n2d2_graph_cell_output(b, 0);
        ck_assert_uint_eq(n2d2_tensor_numel(ya), 2 * 2 * 4 * 6); /* round(7/1.6), round(9/1.6) */
        for (size_t i = 0; i < n2d2_tensor_numel(ya); ++i)
            ck_assert(fabs(n2d2_tensor_get(ya, i) - n2d2_tensor_get(yb, i)) < 1e-6);
    }
    kit_free(a);
    kit_free(b);
}
END_TEST

START_TEST(bad_configurations)
{
    kit_expect_error("[sp]\nSizeX=4\nSizeY=4\n[fmp]\nInput=sp\nType=FMP\nNbOutputs=1\nScalingRatio=0.5\n",
                     N2D2_ERR_RANGE, "ScalingRatio");
    kit_expect_error("[sp]\nSizeX=4\nSizeY=4\n[fmp]\nInput=sp\nType=FMP\nNbOutputs=1\nScalingRatio=9\n",
                     N2D2_ERR_INVAL, "empty output");
    kit_expect_error("[sp]\nSizeX=4\nSizeY=4\n[fmp]\nInput=sp\nType=FMP\nNbOutputs=1\n",
                     N2D2_ERR_NOT_FOUND, "missing required key 'ScalingRatio'");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_fmp");
    TCase *tc = tcase_create("fmp");
    tcase_add_checked_fixture(tc, setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, pseudo_random_grids_by_hand);
    tcase_add_test(tc, random_grids_are_shuffled_steps);
    tcase_add_test(tc, known_draw_on_4x4_by_hand);
    tcase_add_test(tc, draws_change_while_learning_and_stay_fixed_in_inference);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
