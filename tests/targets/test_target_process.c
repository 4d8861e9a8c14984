/* TargetScore on small batches: hand-computed gradients, losses and
 * confusion matrices (padding items, label -1, TopN, ties, binary output,
 * spatial output, TargetValue/DefaultValue, Float64), finite-difference
 * checks of the gradient (MSE, and cross-entropy through a softmax), the
 * scores, and bad input. */
#include "target_test_util.h"

static tt_env env;
static n2d2_database *db3;
static const char *const animals[] = {"cat", "dog", "fish", NULL};
static const size_t c3[3] = {3, 1, 1};

static void setup(void)
{
    tt_env_init(&env, "TargetScore");
    db3 = tt_database(animals);
}

static void teardown(void)
{
    n2d2_database_free(db3);
    tt_env_free(&env);
}

static double score(tt_target *t, n2d2_set set, const char *metric)
{
    double v = -1.0;
    n2d2_status st = t->ops->score(t->state, set, metric, &v);
    ck_assert_msg(st == N2D2_OK, "%s", n2d2_error_message());
    return v;
}

static void assert_tensor(const n2d2_tensor *x, const double *want, size_t n)
{
    ck_assert_uint_eq(n2d2_tensor_numel(x), n);
    for (size_t i = 0; i < n; ++i)
        ck_assert_msg(fabs(n2d2_tensor_get(x, i) - want[i]) < TT_EPS, "element %zu: %g, want %g",
                      i, n2d2_tensor_get(x, i), want[i]);
}

/* Batch of 4: two valid items, one label -1, one padding item. */
START_TEST(gradient_loss_and_matrix)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "", db3, c3, 3, &t), N2D2_OK);
    const double y[12] = {0.7, 0.2, 0.1, /* cat: correct */
                          0.5, 0.3, 0.2, /* fish: estimated cat */
                          0.1, 0.1, 0.8, /* label -1: ignored */
                          0.3, 0.3, 0.3}; /* padding */
    const int labels[3] = {0, 2, -1};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 4, 3, 1, 1, y);
    n2d2_tensor *grad = tt_tensor(N2D2_FLOAT32, 4, 3, 1, 1, NULL);
    ck_assert_int_eq(n2d2_tensor_fill(grad, 9.0), N2D2_OK); /* must be overwritten */
    double loss = -1;
    ck_assert_int_eq(t.ops->process(t.state, out, labels, 3, grad, N2D2_SET_LEARN, &loss), N2D2_OK);
    const double g[12] = {-0.3, 0.2, 0.1, 0.5, 0.3, -0.8, 0, 0, 0, 0, 0, 0};
    assert_tensor(grad, g, 12);
    /* 0.5*(0.09+0.04+0.01) = 0.07 and 0.5*(0.25+0.09+0.64) = 0.49, mean 0.28 */
    tt_assert_near(loss, 0.28);
    tt_assert_near(score(&t, N2D2_SET_LEARN, ""), 0.5);
    tt_assert_near(score(&t, N2D2_SET_VALIDATION, ""), 0.0); /* other set untouched */

    /* second batch accumulates: dog estimated dog */
    const double y2[3] = {0.1, 0.8, 0.1};
    n2d2_tensor *out2 = tt_tensor(N2D2_FLOAT32, 1, 3, 1, 1, y2);
    const int l2[1] = {1};
    ck_assert_int_eq(t.ops->process(t.state, out2, l2, 1, NULL, N2D2_SET_LEARN, &loss), N2D2_OK);
    tt_assert_near(loss, 0.5 * (0.01 + 0.04 + 0.01));
    tt_assert_near(score(&t, N2D2_SET_LEARN, ""), 2.0 / 3.0);
    /* matrix cat→cat, fish→cat, dog→dog: Sensitivity summed = 2/3 */
    tt_assert_near(score(&t, N2D2_SET_LEARN, "Sensitivity"), 2.0 / 3.0);
    /* per class recall: cat 1, dog 1, fish 0 → 2/3; precision: cat 1/2, dog 1, fish 0 → 1/2 */
    tt_assert_near(score(&t, N2D2_SET_LEARN, "AverageSensitivity"), 2.0 / 3.0);
    tt_assert_near(score(&t, N2D2_SET_LEARN, "AveragePrecision"), 0.5);

    t.ops->reset(t.state, N2D2_SET_LEARN);
    tt_assert_near(score(&t, N2D2_SET_LEARN, ""), 0.0);
    tt_assert_near(score(&t, N2D2_SET_LEARN, "Sensitivity"), 0.0);

    n2d2_tensor_release(out);
    n2d2_tensor_release(out2);
    n2d2_tensor_release(grad);
    tt_target_free(&t);
}
END_TEST

START_TEST(all_ignored_batch_has_zero_loss)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "", db3, c3, 3, &t), N2D2_OK);
    const double y[6] = {0.7, 0.2, 0.1, 0.5, 0.3, 0.2};
    const int labels[2] = {-1, -1};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 2, 3, 1, 1, y);
    n2d2_tensor *grad = tt_tensor(N2D2_FLOAT32, 2, 3, 1, 1, y);
    double loss = -1;
    ck_assert_int_eq(t.ops->process(t.state, out, labels, 2, grad, N2D2_SET_TEST, &loss), N2D2_OK);
    ck_assert_double_eq(loss, 0.0);
    const double zero[6] = {0};
    assert_tensor(grad, zero, 6);
    /* count 0: every item is padding */
    ck_assert_int_eq(t.ops->process(t.state, out, NULL, 0, grad, N2D2_SET_TEST, &loss), N2D2_OK);
    ck_assert_double_eq(score(&t, N2D2_SET_TEST, ""), 0.0);
    n2d2_tensor_release(out);
    n2d2_tensor_release(grad);
    tt_target_free(&t);
}
END_TEST

/* Ranks: cat 1st, fish 2nd, fish 3rd. TopN=2 recognises 2 of 3; the
 * confusion matrix stays top-1. */
START_TEST(top_n)
{
    const double y[9] = {0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.5, 0.3, 0.2};
    const int labels[3] = {0, 2, 2};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 3, 3, 1, 1, y);
    const char *keys[3] = {"TopN=1\n", "TopN=2\n", "TopN=3\n"};
    const double want[3] = {1.0 / 3, 2.0 / 3, 1.0};
    for (int k = 0; k < 3; ++k) {
        tt_target t;
        ck_assert_int_eq(tt_target_new(&env, keys[k], db3, c3, 3, &t), N2D2_OK);
        ck_assert_int_eq(t.ops->process(t.state, out, labels, 3, NULL, N2D2_SET_TEST, NULL),
                         N2D2_OK);
        tt_assert_near(score(&t, N2D2_SET_TEST, ""), want[k]);
        /* top-1 matrix: summed sensitivity is the top-1 rate whatever TopN */
        tt_assert_near(score(&t, N2D2_SET_TEST, "Sensitivity"), 1.0 / 3);
        tt_target_free(&t);
    }
    n2d2_tensor_release(out);
}
END_TEST

/* Equal outputs: the first index wins, and TopN uses the same order. */
START_TEST(ties_are_deterministic)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "TopN=2\n", db3, c3, 3, &t), N2D2_OK);
    const double y[6] = {0.4, 0.4, 0.2, 0.4, 0.4, 0.2};
    const int labels[2] = {0, 1};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 2, 3, 1, 1, y);
    ck_assert_int_eq(t.ops->process(t.state, out, labels, 2, NULL, N2D2_SET_TEST, NULL), N2D2_OK);
    tt_assert_near(score(&t, N2D2_SET_TEST, ""), 1.0);            /* both in the top 2 */
    tt_assert_near(score(&t, N2D2_SET_TEST, "Sensitivity"), 0.5); /* top-1: cat, cat */
    tt_assert_near(score(&t, N2D2_SET_TEST, "AverageSensitivity"), 0.5); /* cat 1, dog 0 */
    n2d2_tensor_release(out);
    tt_target_free(&t);
}
END_TEST

START_TEST(target_and_default_values)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "TargetValue=0.9\nDefaultValue=-0.1\n", db3, c3, 3, &t),
                     N2D2_OK);
    const double y[3] = {0.5, 0.0, 1.0};
    const int labels[1] = {1};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT64, 1, 3, 1, 1, y);
    n2d2_tensor *grad = tt_tensor(N2D2_FLOAT64, 1, 3, 1, 1, NULL);
    double loss;
    ck_assert_int_eq(t.ops->process(t.state, out, labels, 1, grad, N2D2_SET_LEARN, &loss), N2D2_OK);
    const double g[3] = {0.6, -0.9, 1.1};
    assert_tensor(grad, g, 3);
    tt_assert_near(loss, 0.5 * (0.36 + 0.81 + 1.21));
    n2d2_tensor_release(out);
    n2d2_tensor_release(grad);
    tt_target_free(&t);
}
END_TEST

/* One output: class 1 → TargetValue, class 0 → DefaultValue; estimate 1
 * above BinaryThreshold. */
START_TEST(binary_output)
{
    static const char *const yn[] = {"no", "yes", NULL};
    n2d2_database *db = tt_database(yn);
    const size_t c1[1] = {1};
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "", db, c1, 1, &t), N2D2_OK);
    const double y[3] = {0.8, 0.3, 0.6};
    const int labels[3] = {1, 1, 0};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 3, 1, 1, 1, y);
    n2d2_tensor *grad = tt_tensor(N2D2_FLOAT32, 3, 1, 1, 1, NULL);
    double loss;
    ck_assert_int_eq(t.ops->process(t.state, out, labels, 3, grad, N2D2_SET_LEARN, &loss), N2D2_OK);
    const double g[3] = {-0.2, -0.7, 0.6};
    assert_tensor(grad, g, 3);
    tt_assert_near(loss, 0.5 * (0.04 + 0.49 + 0.36) / 3);
    /* matrix yes→yes, yes→no, no→yes */
    tt_assert_near(score(&t, N2D2_SET_LEARN, ""), 1.0 / 3);
    /* class no: TP0 FP1 FN1 TN1; class yes: TP1 FP1 FN1 TN0 → precision 0, 1/2 */
    tt_assert_near(score(&t, N2D2_SET_LEARN, "AveragePrecision"), 0.25);
    tt_target_free(&t);

    ck_assert_int_eq(tt_target_new(&env, "BinaryThreshold=0.7\n", db, c1, 1, &t), N2D2_OK);
    ck_assert_int_eq(t.ops->process(t.state, out, labels, 3, NULL, N2D2_SET_LEARN, NULL), N2D2_OK);
    tt_assert_near(score(&t, N2D2_SET_LEARN, ""), 2.0 / 3); /* 0.6 → no now */
    tt_target_free(&t);

    ck_assert_int_eq(tt_target_new(&env, "TopN=2\n", db, c1, 1, &t), N2D2_ERR_RANGE);
    tt_assert_message("t.ini:2");
    tt_target_free(&t);
    n2d2_tensor_release(out);
    n2d2_tensor_release(grad);
    n2d2_database_free(db);
}
END_TEST

/* Output {2, 1, 2}: the item's label applies to every pixel; each pixel
 * is one count of the matrix. */
START_TEST(spatial_output)
{
    static const char *const ab[] = {"a", "b", NULL};
    n2d2_database *db = tt_database(ab);
    const size_t chw[3] = {2, 1, 2};
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "", db, chw, 3, &t), N2D2_OK);
    const double y[8] = {0.2, 0.6, 0.8, 0.4, /* item 0: c0 p0 p1, c1 p0 p1 */
                         0.0, 0.0, 0.0, 0.0}; /* item 1: padding */
    const int labels[1] = {1};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 2, 2, 1, 2, y);
    n2d2_tensor *grad = tt_tensor(N2D2_FLOAT32, 2, 2, 1, 2, NULL);
    ck_assert_int_eq(n2d2_tensor_fill(grad, 5.0), N2D2_OK);
    double loss;
    ck_assert_int_eq(t.ops->process(t.state, out, labels, 1, grad, N2D2_SET_LEARN, &loss), N2D2_OK);
    const double g[8] = {0.2, 0.6, -0.2, -0.6, 0, 0, 0, 0};
    assert_tensor(grad, g, 8);
    tt_assert_near(loss, 0.4);
    tt_assert_near(score(&t, N2D2_SET_LEARN, ""), 0.5); /* p0 → b, p1 → a */
    n2d2_tensor_release(out);
    n2d2_tensor_release(grad);
    tt_target_free(&t);
    n2d2_database_free(db);
}
END_TEST

START_TEST(cross_entropy_loss)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "Loss=CrossEntropy\n", db3, c3, 3, &t), N2D2_OK);
    const double y[6] = {0.7, 0.2, 0.1, 0.5, 0.3, 0.2};
    const int labels[2] = {0, 2};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 2, 3, 1, 1, y);
    n2d2_tensor *grad = tt_tensor(N2D2_FLOAT32, 2, 3, 1, 1, NULL);
    double loss;
    ck_assert_int_eq(t.ops->process(t.state, out, labels, 2, grad, N2D2_SET_LEARN, &loss), N2D2_OK);
    ck_assert_double_eq_tol(loss, (-log(0.7f) - log(0.2f)) / 2, 1e-6);
    const double g[6] = {-0.3, 0.2, 0.1, 0.5, 0.3, -0.8}; /* gradient unchanged */
    assert_tensor(grad, g, 6);
    tt_target_free(&t);

    /* binary: -log y for class 1, -log(1 - y) for class 0; 0 is clamped */
    static const char *const yn[] = {"no", "yes", NULL};
    n2d2_database *db = tt_database(yn);
    const size_t c1[1] = {1};
    ck_assert_int_eq(tt_target_new(&env, "Loss=CrossEntropy\n", db, c1, 1, &t), N2D2_OK);
    const double yb[3] = {0.8, 0.6, 0.0};
    const int lb[3] = {1, 0, 1};
    n2d2_tensor *ob = tt_tensor(N2D2_FLOAT64, 3, 1, 1, 1, yb);
    ck_assert_int_eq(t.ops->process(t.state, ob, lb, 3, NULL, N2D2_SET_LEARN, &loss), N2D2_OK);
    tt_assert_near(loss, (-log(0.8) - log(0.4) - log(1e-12)) / 3);
    tt_target_free(&t);
    n2d2_tensor_release(ob);
    n2d2_database_free(db);
    n2d2_tensor_release(out);
    n2d2_tensor_release(grad);
}
END_TEST

static double process_loss(tt_target *t, n2d2_tensor *out, const int *labels, size_t count)
{
    double loss;
    ck_assert_int_eq(t->ops->process(t->state, out, labels, count, NULL, N2D2_SET_LEARN, &loss),
                     N2D2_OK);
    return loss;
}

/* grad = d(loss)/d(output) for the MSE loss, by central differences. */
START_TEST(mse_gradient_finite_difference)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "TargetValue=0.8\nDefaultValue=0.1\n", db3, c3, 3, &t),
                     N2D2_OK);
    const double y[3] = {0.3, -1.2, 2.5};
    const int label[1] = {2};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT64, 1, 3, 1, 1, y);
    n2d2_tensor *grad = tt_tensor(N2D2_FLOAT64, 1, 3, 1, 1, NULL);
    ck_assert_int_eq(t.ops->process(t.state, out, label, 1, grad, N2D2_SET_LEARN, NULL), N2D2_OK);
    const double h = 1e-5;
    for (size_t i = 0; i < 3; ++i) {
        n2d2_tensor_set(out, i, y[i] + h);
        double lp = process_loss(&t, out, label, 1);
        n2d2_tensor_set(out, i, y[i] - h);
        double lm = process_loss(&t, out, label, 1);
        n2d2_tensor_set(out, i, y[i]);
        ck_assert_double_eq_tol(n2d2_tensor_get(grad, i), (lp - lm) / (2 * h), 1e-7);
    }
    n2d2_tensor_release(out);
    n2d2_tensor_release(grad);
    tt_target_free(&t);
}
END_TEST

static void softmax(const double *x, double *p, size_t n)
{
    double m = x[0], s = 0;
    for (size_t i = 1; i < n; ++i)
        m = x[i] > m ? x[i] : m;
    for (size_t i = 0; i < n; ++i)
        s += (p[i] = exp(x[i] - m));
    for (size_t i = 0; i < n; ++i)
        p[i] /= s;
}

/* Behind a softmax that passes the gradient through (WithLoss=1), output
 * - target is the gradient of the reported cross-entropy w.r.t. the
 * logits (manual ch. 23.2). */
START_TEST(softmax_cross_entropy_finite_difference)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "Loss=CrossEntropy\n", db3, c3, 3, &t), N2D2_OK);
    const double x[3] = {0.5, -0.25, 1.5};
    const int label[1] = {1};
    double p[3];
    softmax(x, p, 3);
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT64, 1, 3, 1, 1, p);
    n2d2_tensor *grad = tt_tensor(N2D2_FLOAT64, 1, 3, 1, 1, NULL);
    ck_assert_int_eq(t.ops->process(t.state, out, label, 1, grad, N2D2_SET_LEARN, NULL), N2D2_OK);
    const double h = 1e-5;
    for (size_t i = 0; i < 3; ++i) {
        double xp[3] = {x[0], x[1], x[2]}, xm[3] = {x[0], x[1], x[2]}, q[3];
        xp[i] += h;
        xm[i] -= h;
        softmax(xp, q, 3);
        for (size_t j = 0; j < 3; ++j)
            n2d2_tensor_set(out, j, q[j]);
        double lp = process_loss(&t, out, label, 1);
        softmax(xm, q, 3);
        for (size_t j = 0; j < 3; ++j)
            n2d2_tensor_set(out, j, q[j]);
        double lm = process_loss(&t, out, label, 1);
        ck_assert_double_eq_tol(n2d2_tensor_get(grad, i), (lp - lm) / (2 * h), 1e-7);
    }
    n2d2_tensor_release(out);
    n2d2_tensor_release(grad);
    tt_target_free(&t);
}
END_TEST

START_TEST(bad_input)
{
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "", db3, c3, 3, &t), N2D2_OK);
    const double y[6] = {0.7, 0.2, 0.1, 0.5, 0.3, 0.2};
    n2d2_tensor *out = tt_tensor(N2D2_FLOAT32, 2, 3, 1, 1, y);
    const int ok[2] = {0, 1}, big[2] = {0, 3}, neg[2] = {-2, 0};

    ck_assert_int_eq(t.ops->process(t.state, out, big, 2, NULL, N2D2_SET_LEARN, NULL),
                     N2D2_ERR_RANGE);
    tt_assert_message("label id 3");
    tt_assert_message("item 1");
    ck_assert_int_eq(t.ops->process(t.state, out, neg, 2, NULL, N2D2_SET_LEARN, NULL),
                     N2D2_ERR_RANGE);
    /* a refused batch leaves the statistics alone */
    tt_assert_near(score(&t, N2D2_SET_LEARN, ""), 0.0);
    double v;
    ck_assert_int_eq(t.ops->score(t.state, N2D2_SET_LEARN, "Recall", &v), N2D2_ERR_NOT_FOUND);
    tt_assert_message("F1Score");
    tt_assert_message("Average");

    ck_assert_int_eq(t.ops->process(t.state, out, ok, 3, NULL, N2D2_SET_LEARN, NULL),
                     N2D2_ERR_INVAL);
    ck_assert_int_eq(t.ops->process(t.state, out, NULL, 2, NULL, N2D2_SET_LEARN, NULL),
                     N2D2_ERR_INVAL);
    n2d2_tensor *g4 = tt_tensor(N2D2_FLOAT32, 2, 4, 1, 1, NULL);
    ck_assert_int_eq(t.ops->process(t.state, out, ok, 2, g4, N2D2_SET_LEARN, NULL), N2D2_ERR_SHAPE);
    ck_assert_int_eq(t.ops->process(t.state, g4, ok, 2, NULL, N2D2_SET_LEARN, NULL), N2D2_ERR_SHAPE);
    tt_assert_message("fc.Target");
    n2d2_tensor *gi = tt_tensor(N2D2_INT32, 2, 3, 1, 1, NULL);
    ck_assert_int_eq(t.ops->process(t.state, gi, ok, 2, NULL, N2D2_SET_LEARN, NULL),
                     N2D2_ERR_UNSUPPORTED);
    n2d2_tensor_release(g4);
    n2d2_tensor_release(gi);
    tt_target_free(&t);

    /* default mapping: a 4th label has no output on a 3-output cell */
    static const char *const four[] = {"cat", "dog", "fish", "bird", NULL};
    n2d2_database *db4 = tt_database(four);
    ck_assert_int_eq(tt_target_new(&env, "", db4, c3, 3, &t), N2D2_OK);
    ck_assert_int_eq(t.ops->process(t.state, out, big, 2, NULL, N2D2_SET_LEARN, NULL),
                     N2D2_ERR_RANGE);
    tt_assert_message("label 'bird' (id 3) has no output");
    tt_target_free(&t);

    /* TopN beyond the outputs, bad output shapes */
    ck_assert_int_eq(tt_target_new(&env, "TopN=4\n", db3, c3, 3, &t), N2D2_ERR_RANGE);
    tt_assert_message("t.ini:2");
    tt_target_free(&t);
    const size_t c4[4] = {3, 1, 1, 1};
    ck_assert_int_eq(tt_target_new(&env, "", db3, c4, 4, &t), N2D2_ERR_SHAPE);
    tt_target_free(&t);
    n2d2_database_free(db4);
    n2d2_tensor_release(out);
}
END_TEST

/* Both registered names work; Type is part of the schema. */
START_TEST(both_types_registered)
{
    const n2d2_feature *f = n2d2_registry_find(env.reg, N2D2_KIND_TARGET, "Target", NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_eq(f->ops, env.feature->ops);
    tt_target t;
    ck_assert_int_eq(tt_target_new(&env, "Type=TargetScore\n", db3, c3, 3, &t), N2D2_OK);
    tt_target_free(&t);
}
END_TEST

/* The module itself (absent with N2D2_STATIC_PLUGINS): loads under its
 * file name and registers both features. */
START_TEST(module_loads)
{
    const char *dir = getenv("N2D2_PLUGIN_PATH");
    char path[1024];
    /* first entry of the ':'-separated path: the build's plugin dir */
    snprintf(path, sizeof path, "%.*s/n2d2-targets.so", dir ? (int)strcspn(dir, ":") : 1,
             dir ? dir : ".");
    FILE *f = fopen(path, "rb");
    if (!f)
        return; /* static plugin build */
    fclose(f);
    n2d2_registry *reg;
    n2d2_loader *loader;
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_msg(n2d2_loader_load_file(loader, path) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_ptr_nonnull(n2d2_registry_find(reg, N2D2_KIND_TARGET, "TargetScore", NULL));
    ck_assert_ptr_nonnull(n2d2_registry_find(reg, N2D2_KIND_TARGET, "Target", NULL));
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("target_process");
    TCase *tc = tcase_create("process");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, gradient_loss_and_matrix);
    tcase_add_test(tc, all_ignored_batch_has_zero_loss);
    tcase_add_test(tc, top_n);
    tcase_add_test(tc, ties_are_deterministic);
    tcase_add_test(tc, target_and_default_values);
    tcase_add_test(tc, binary_output);
    tcase_add_test(tc, spatial_output);
    tcase_add_test(tc, cross_entropy_loss);
    tcase_add_test(tc, mse_gradient_finite_difference);
    tcase_add_test(tc, softmax_cross_entropy_finite_difference);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, both_types_registered);
    tcase_add_test(tc, module_loads);
    suite_add_tcase(s, tc);
    return tt_run_suite(s);
}
