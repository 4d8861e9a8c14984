/* TargetScore with pixel-wise labels: the provider's label maps
 * (TestROI_Database case 0, CompositeLabel=Combine) scored by hand, pixel
 * by pixel: loss, gradient (zero on ignored pixels), recognition rate and
 * confusion matrix; the majority reduction of the maps to a smaller output
 * (macro-pixels) with and without WeakTarget; the per-stimulus path when
 * the output is 1 x 1. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check_run.h"
#include "roi_fixture.h"

N2D2_STATIC_PLUGIN_DECLARE(targets);

static n2d2_registry *reg;
static n2d2_loader *loader;
static n2d2_ini *ini;
static n2d2_stimuli *sp;
static n2d2_tensor *input;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(targets),
                                               N2D2_STATIC_PLUGIN(test_roi_db)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 2), N2D2_OK);
    const char *text = "[database]\nType=TestROI_Database\nCase=0\nCompositeLabel=Combine\n"
                       "[sp]\nSizeX=6\nSizeY=5\nBatchSize=4\nCompositeStimuli=1\n"
                       "[out.Target]\n[out.Target-weak]\nWeakTarget=-1\n";
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &ini), N2D2_OK);
    n2d2_shape shape = {3, {1, 5, 6}};
    ck_assert_msg(n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 4, 1, &sp) == N2D2_OK,
                  "%s", n2d2_error_message());
    size_t dims[4] = {4, 1, 5, 6};
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &input), N2D2_OK);
}

static void teardown(void)
{
    n2d2_tensor_release(input);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

typedef struct tgt {
    const n2d2_target_ops *ops;
    void *state;
    n2d2_params *params;
} tgt;

static void tgt_new_in(const char *section, tgt *t, size_t c, size_t h, size_t w)
{
    const n2d2_feature *f;
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_TARGET, "TargetScore", NULL, "", &f),
                     N2D2_OK);
    t->ops = f->ops;
    n2d2_ini_section *sec = n2d2_ini_find(ini, section);
    ck_assert_int_eq(n2d2_params_from_ini(ini, &sec, 1, NULL, 0, f->params, f->n_params,
                                          &t->params),
                     N2D2_OK);
    n2d2_shape shape = {3, {c, h, w}};
    n2d2_target_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.struct_size = sizeof ctx;
    ctx.section = "out.Target";
    ctx.cell_name = "out";
    ctx.output_shape = &shape;
    ctx.database = n2d2_stimuli_database(sp);
    ctx.where = "net.ini:7";
    ctx.stimuli = sp;
    ck_assert_msg(t->ops->create(t->params, &ctx, &t->state) == N2D2_OK, "%s",
                  n2d2_error_message());
}

static void tgt_new(tgt *t, size_t c, size_t h, size_t w)
{
    tgt_new_in("out.Target", t, c, h, w);
}

static void tgt_free(tgt *t)
{
    t->ops->destroy(t->state);
    n2d2_params_free(t->params);
}

static size_t next_batch(int *labels)
{
    size_t count;
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_next(sp, input, labels, NULL, &count), N2D2_OK);
    return count;
}

static double score(const tgt *t, const char *metric)
{
    double v = -1;
    ck_assert_int_eq(t->ops->score(t->state, N2D2_SET_LEARN, metric, &v), N2D2_OK);
    return v;
}

/* Output {4, 2, H, W} predicting class 1 (b) at every pixel. */
static n2d2_tensor *predict_b(size_t h, size_t w)
{
    size_t dims[4] = {4, 2, h, w};
    n2d2_tensor *y;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &y), N2D2_OK);
    float *p = n2d2_tensor_data(y);
    for (size_t i = 0; i < 4; ++i)
        for (size_t k = 0; k < h * w; ++k) {
            p[(i * 2 + 0) * h * w + k] = 0.0f;
            p[(i * 2 + 1) * h * w + k] = 1.0f;
        }
    return y;
}

START_TEST(every_pixel_is_a_sample)
{
    tgt t;
    tgt_new(&t, 2, 5, 6);
    int labels[4];
    size_t count = next_batch(labels);
    ck_assert_uint_eq(count, 4);
    n2d2_tensor *y = predict_b(5, 6), *g;
    size_t dims[4] = {4, 2, 5, 6};
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &g), N2D2_OK);
    n2d2_tensor_fill(g, 9.0);
    double loss = -1;
    ck_assert_msg(t.ops->process(t.state, y, labels, count, g, N2D2_SET_LEARN, &loss) == N2D2_OK,
                  "%s", n2d2_error_message());
    /* Maps (Combine): s0 b with a 2x2 square of a (4 pixels of a, 26 of
     * b); s1 all a (30); s2 a disc of 5 pixels of b, the rest -1; s3 a
     * triangle of 15 pixels of a, the rest -1. Predicting b: correct
     * 26 + 5 = 31 of 30 + 30 + 5 + 15 = 80 pixels. */
    ck_assert_double_eq_tol(score(&t, ""), 31.0 / 80.0, 1e-12);
    /* MSE per pixel of a: 0.5 (1 + 1) = 1, of b: 0; items 4, 30, 0, 15,
     * mean over the 4 items = 12.25. */
    ck_assert_double_eq_tol(loss, 12.25, 1e-9);
    /* Gradient: pixel (1, 1) of s0 is a → (0 - 1, 1 - 0); pixel (0, 0) of
     * s2 is ignored → 0; pixel (3, 2) of s2 is b → 0. */
    const float *gp = n2d2_tensor_cdata(g);
    ck_assert_float_eq(gp[(0 * 2 + 0) * 30 + 1 * 6 + 1], -1.0f);
    ck_assert_float_eq(gp[(0 * 2 + 1) * 30 + 1 * 6 + 1], 1.0f);
    ck_assert_float_eq(gp[(2 * 2 + 0) * 30 + 0], 0.0f);
    ck_assert_float_eq(gp[(2 * 2 + 1) * 30 + 0], 0.0f);
    ck_assert_float_eq(gp[(2 * 2 + 1) * 30 + 2 * 6 + 3], 0.0f);
    /* Confusion: a → b 49 times, b → b 31 times. Sensitivity (summed
     * one-vs-rest counts) = TP / (TP + FN) = 31 / 80. */
    ck_assert_double_eq_tol(score(&t, "Sensitivity"), 31.0 / 80.0, 1e-12);
    ck_assert_double_eq_tol(score(&t, "AverageSensitivity"), 0.5, 1e-12); /* a 0, b 1 */
    n2d2_tensor_release(y);
    n2d2_tensor_release(g);
    tgt_free(&t);
}
END_TEST

START_TEST(maps_are_reduced_to_the_output_by_majority)
{
    tgt t;
    tgt_new(&t, 2, 2, 3);
    int labels[4];
    size_t count = next_batch(labels);
    n2d2_tensor *y = predict_b(2, 3);
    double loss;
    ck_assert_int_eq(t.ops->process(t.state, y, labels, count, NULL, N2D2_SET_LEARN, &loss),
                     N2D2_OK);
    /* Macro-pixels: rows [0, 2) and [2, 5), columns [0, 2), [2, 4), [4, 6);
     * majority label, ties to the smallest id (-1 first). s0: b everywhere
     * (6 of 6 correct); s1: a (0 of 6); s2: every block has at least as
     * many -1 as b → ignored; s3: a in (0, 0), (1, 0), (0, 1), -1 in the
     * others → 3 counted, 0 correct. 6 of 15. */
    ck_assert_double_eq_tol(score(&t, ""), 6.0 / 15.0, 1e-12);
    n2d2_tensor_release(y);
    tgt_free(&t);
}
END_TEST

START_TEST(weak_target_yields_to_other_labels)
{
    tgt t;
    tgt_new_in("out.Target-weak", &t, 2, 2, 3);
    int labels[4];
    size_t count = next_batch(labels);
    n2d2_tensor *y = predict_b(2, 3);
    double loss;
    ck_assert_int_eq(t.ops->process(t.state, y, labels, count, NULL, N2D2_SET_LEARN, &loss),
                     N2D2_OK);
    /* WeakTarget=-1: any label beats "ignore". s2: b in blocks (1, 0),
     * (1, 1), (2, 1) → 3 counted, 3 correct; s3: a in 5 blocks, 0
     * correct. (6 + 3) of (6 + 6 + 3 + 5). */
    ck_assert_double_eq_tol(score(&t, ""), 9.0 / 20.0, 1e-12);
    n2d2_tensor_release(y);
    tgt_free(&t);
}
END_TEST

START_TEST(one_pixel_output_scores_the_stimulus_label)
{
    tgt t;
    tgt_new(&t, 2, 1, 1);
    int labels[4];
    size_t count = next_batch(labels);
    n2d2_tensor *y = predict_b(1, 1);
    double loss;
    ck_assert_int_eq(t.ops->process(t.state, y, labels, count, NULL, N2D2_SET_LEARN, &loss),
                     N2D2_OK);
    /* Labels b, a, -1, -1: one counted correct of two. */
    ck_assert_double_eq_tol(score(&t, ""), 0.5, 1e-12);
    n2d2_tensor_release(y);
    tgt_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("target_pixel");
    TCase *tc = tcase_create("pixel");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_pixel_is_a_sample);
    tcase_add_test(tc, maps_are_reduced_to_the_output_by_majority);
    tcase_add_test(tc, weak_target_yields_to_other_labels);
    tcase_add_test(tc, one_pixel_output_scores_the_stimulus_label);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
