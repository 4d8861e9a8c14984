/* SGD and Adam called directly: hand-computed updates for a few steps
 * (plain, momentum + decay, clamping, IterationSize accumulation, frozen
 * learning rate), Adam's first steps, both float types, the threaded path
 * on large tensors, errors, schemas and the built module. */
#include <stdlib.h>

#include "solver_test_util.h"
#include "check_run.h"

static n2d2_registry *reg;

static void setup(void) { ck_assert_int_eq(fam_registry(&reg), N2D2_OK); }
static void teardown(void) { n2d2_registry_free(reg); }

static double tol_of(n2d2_dtype dt) { return dt == N2D2_FLOAT32 ? 1e-6 : 1e-14; }

START_TEST(sgd_defaults_divide_by_the_batch)
{
    static const n2d2_dtype dts[] = {N2D2_FLOAT64, N2D2_FLOAT32};
    for (size_t d = 0; d < 2; ++d) {
        n2d2_tensor *w = vec(dts[d], (const double[]){1, -2, 0.5}, 3);
        n2d2_tensor *g = vec(dts[d], (const double[]){4, -8, 2}, 3);
        solver s;
        ck_assert_int_eq(solver_new(reg, "SGD", "", w, &s), N2D2_OK);
        n2d2_solver_context ctx = solver_ctx(4, 0);
        /* alpha_eff = 0.01 / 4 (manual 5.1.2): w - 0.01 x {1, -2, 0.5} */
        ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
        expect_vec(w, (const double[]){0.99, -1.98, 0.495}, tol_of(dts[d]), "w");
        ck_assert_double_eq_tol(s.ops->learning_rate(s.state, &ctx), 0.01, 1e-15);
        solver_free(&s);
        n2d2_tensor_release(w);
        n2d2_tensor_release(g);
    }
}
END_TEST

START_TEST(sgd_momentum_and_decay)
{
    static const n2d2_dtype dts[] = {N2D2_FLOAT64, N2D2_FLOAT32};
    /* v <- 0.9 v - 0.1 (g / 2 + 0.05 w); w <- w + v, from w = {1, -0.5}:
     * step 1: v = {-0.025, 0.0125}          w = {0.975, -0.4875}
     * step 2: v = {-0.037375, -0.0163125}   w = {0.937625, -0.5038125}
     * step 3: v = {0.011674375, -0.012162188} w = {0.949299375, -0.5159746875} */
    static const double grads[3][2] = {{0.4, -0.2}, {0.2, 0.6}, {-1.0, 0.0}};
    static const double want[3][2] = {{0.975, -0.4875}, {0.937625, -0.5038125}, {0.949299375, -0.5159746875}};
    for (size_t d = 0; d < 2; ++d) {
        n2d2_tensor *w = vec(dts[d], (const double[]){1.0, -0.5}, 2);
        n2d2_tensor *g = vec(dts[d], grads[0], 2);
        solver s;
        ck_assert_int_eq(solver_new(reg, "SGD", "S.LearningRate=0.1\nS.Momentum=0.9\nS.Decay=0.05\n", w, &s),
                         N2D2_OK);
        for (uint64_t it = 0; it < 3; ++it) {
            set_vec(g, grads[it]);
            n2d2_solver_context ctx = solver_ctx(2, it);
            ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
            expect_vec(w, want[it], tol_of(dts[d]), "w");
        }
        solver_free(&s);
        n2d2_tensor_release(w);
        n2d2_tensor_release(g);
    }
}
END_TEST

/* LearningRate 1, batch 1: w - g = {1.9, -1.9, 0.1} before clamping. */
static void clamp_case(const char *clamping, const double *want)
{
    char body[128];
    snprintf(body, sizeof body, "S.LearningRate=1\nS.Clamping=%s\n", clamping);
    n2d2_tensor *w = vec(N2D2_FLOAT32, (const double[]){0.9, -0.9, 0.1}, 3);
    n2d2_tensor *g = vec(N2D2_FLOAT32, (const double[]){-1, 1, 0}, 3);
    solver s;
    ck_assert_msg(solver_new(reg, "SGD", body, w, &s) == N2D2_OK, "%s", n2d2_error_message());
    n2d2_solver_context ctx = solver_ctx(1, 0);
    ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
    expect_vec(w, want, 1e-6, clamping);
    solver_free(&s);
    n2d2_tensor_release(w);
    n2d2_tensor_release(g);
}

START_TEST(sgd_clamping_forms)
{
    clamp_case("0", (const double[]){1.9, -1.9, 0.1});
    clamp_case("", (const double[]){1.9, -1.9, 0.1});
    clamp_case("false", (const double[]){1.9, -1.9, 0.1});
    clamp_case("1", (const double[]){1, -1, 0.1});
    clamp_case("true", (const double[]){1, -1, 0.1});
    clamp_case("-1.0:1.0", (const double[]){1, -1, 0.1});
    clamp_case("-0.5:", (const double[]){1.9, -0.5, 0.1});
    clamp_case(":0.25", (const double[]){0.25, -1.9, 0.1});
    clamp_case("0.2:0.3", (const double[]){0.3, 0.2, 0.2});
}
END_TEST

START_TEST(clamping_errors)
{
    const char *bad[] = {"abc", "2:1", "1:2:3", "x:1", "0:nan", "2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        const char *names[] = {"SGD", "Adam"};
        for (int k = 0; k < 2; ++k) {
            char body[64];
            snprintf(body, sizeof body, "\nS.Clamping=%s\n", bad[i]);
            n2d2_tensor *w = vec(N2D2_FLOAT32, (const double[]){0}, 1);
            solver s;
            ck_assert_int_eq(solver_new(reg, names[k], body, w, &s), N2D2_ERR_INVAL);
            ck_assert_msg(strstr(n2d2_error_message(), "test.ini:3"), "%s", n2d2_error_message());
            n2d2_tensor_release(w);
        }
    }
}
END_TEST

START_TEST(adam_clamps_too)
{
    /* Adam's first step moves each weight by ~LearningRate against the
     * gradient sign: {0.9 + 1, -0.9 - 1, 0.1} then [-1, 1]. */
    n2d2_tensor *w = vec(N2D2_FLOAT64, (const double[]){0.9, -0.9, 0.1}, 3);
    n2d2_tensor *g = vec(N2D2_FLOAT64, (const double[]){-1, 1, 0}, 3);
    solver s;
    ck_assert_int_eq(solver_new(reg, "Adam", "S.LearningRate=1\nS.Clamping=1\n", w, &s), N2D2_OK);
    n2d2_solver_context ctx = solver_ctx(1, 0);
    ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
    expect_vec(w, (const double[]){1, -1, 0.1}, 1e-12, "w");
    solver_free(&s);
    n2d2_tensor_release(w);
    n2d2_tensor_release(g);
}
END_TEST

START_TEST(sgd_iteration_size_accumulates)
{
    static const n2d2_dtype dts[] = {N2D2_FLOAT64, N2D2_FLOAT32};
    for (size_t d = 0; d < 2; ++d) {
        n2d2_tensor *w = vec(dts[d], (const double[]){1, 2}, 2);
        n2d2_tensor *g = vec(dts[d], (const double[]){0, 0}, 2);
        solver s;
        ck_assert_int_eq(solver_new(reg, "SGD", "S.LearningRate=0.6\nS.IterationSize=3\n", w, &s), N2D2_OK);
        static const double grads[6][2] = {{1, 2}, {3, -1}, {2, 5}, {6, 0}, {0, 6}, {0, 0}};
        /* window 1: sum {6, 6} over 3 x 2 stimuli: w -= 0.6 x {1, 1}
         * window 2: sum {6, 6}: again */
        static const double want[6][2] = {{1, 2}, {1, 2}, {0.4, 1.4}, {0.4, 1.4}, {0.4, 1.4}, {-0.2, 0.8}};
        for (uint64_t it = 0; it < 6; ++it) {
            set_vec(g, grads[it]);
            n2d2_solver_context ctx = solver_ctx(2, it);
            ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
            expect_vec(w, want[it], tol_of(dts[d]), "w");
        }
        solver_free(&s);
        n2d2_tensor_release(w);
        n2d2_tensor_release(g);
    }
}
END_TEST

START_TEST(sgd_iteration_size_with_momentum)
{
    /* IterationSize 2, batch 1, LR 1, momentum 0.5: steps see the mean of
     * two gradients. Window 1: g = {2}+{4} → mean 3, v = -3, w = 10 - 3 = 7.
     * Window 2: {1}+{1} → mean 1, v = -1.5 - 1 = -2.5, w = 4.5. */
    n2d2_tensor *w = vec(N2D2_FLOAT64, (const double[]){10}, 1);
    n2d2_tensor *g = vec(N2D2_FLOAT64, (const double[]){0}, 1);
    solver s;
    ck_assert_int_eq(solver_new(reg, "SGD", "S.LearningRate=1\nS.IterationSize=2\nS.Momentum=0.5\n", w, &s),
                     N2D2_OK);
    static const double grads[4] = {2, 4, 1, 1}, want[4] = {10, 7, 7, 4.5};
    for (uint64_t it = 0; it < 4; ++it) {
        set_vec(g, &grads[it]);
        n2d2_solver_context ctx = solver_ctx(1, it);
        ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
        expect_vec(w, &want[it], 1e-14, "w");
    }
    solver_free(&s);
    n2d2_tensor_release(w);
    n2d2_tensor_release(g);
}
END_TEST

START_TEST(zero_learning_rate_freezes)
{
    const char *bodies[][2] = {{"SGD", "S.LearningRate=0\nS.Momentum=0.9\nS.Decay=0.5\nS.Clamping=0:0.1\n"},
                               {"Adam", "S.LearningRate=0\nS.Clamping=0:0.1\n"}};
    for (int k = 0; k < 2; ++k) {
        n2d2_tensor *w = vec(N2D2_FLOAT32, (const double[]){1, -1}, 2);
        n2d2_tensor *g = vec(N2D2_FLOAT32, (const double[]){5, 5}, 2);
        solver s;
        ck_assert_int_eq(solver_new(reg, bodies[k][0], bodies[k][1], w, &s), N2D2_OK);
        for (uint64_t it = 0; it < 3; ++it) {
            n2d2_solver_context ctx = solver_ctx(2, it);
            ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
        }
        expect_vec(w, (const double[]){1, -1}, 0, "w");
        solver_free(&s);
        n2d2_tensor_release(w);
        n2d2_tensor_release(g);
    }
}
END_TEST

START_TEST(adam_first_steps)
{
    /* LR 0.1, default betas and epsilon, batch 2 (mean gradient = sum / 2).
     * Step 1: g = {1, -2, 0}: m_hat = g, v_hat = g^2, w -= 0.1 g / (|g| + 1e-8)
     *   → {0.400000001, 0.5999999995, -1}.
     * Step 2: g = {0.5, 1, 0.1}: e.g. element 0: m = 0.09 + 0.05 = 0.14,
     *   v = 0.000999 + 0.00025 = 0.001249, m_hat = 0.14 / 0.19,
     *   v_hat = 0.001249 / 0.001999, w -= 0.1 m_hat / (sqrt(v_hat) + 1e-8). */
    static const double want1[3] = {0.400000001, 0.5999999995, -1.0};
    static const double want2[3] = {0.3067820382981611, 0.6266337032975685, -1.074413671835647};
    static const n2d2_dtype dts[] = {N2D2_FLOAT64, N2D2_FLOAT32};
    for (size_t d = 0; d < 2; ++d) {
        n2d2_tensor *w = vec(dts[d], (const double[]){0.5, 0.5, -1.0}, 3);
        n2d2_tensor *g = vec(dts[d], (const double[]){2, -4, 0}, 3);
        solver s;
        ck_assert_int_eq(solver_new(reg, "Adam", "S.LearningRate=0.1\n", w, &s), N2D2_OK);
        n2d2_solver_context ctx = solver_ctx(2, 0);
        ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
        expect_vec(w, want1, dts[d] == N2D2_FLOAT32 ? 1e-6 : 1e-12, "w1");
        set_vec(g, (const double[]){1, 2, 0.2});
        ctx = solver_ctx(2, 1);
        ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
        expect_vec(w, want2, dts[d] == N2D2_FLOAT32 ? 1e-6 : 1e-12, "w2");
        ck_assert_double_eq_tol(s.ops->learning_rate(s.state, &ctx), 0.1, 1e-15);
        solver_free(&s);
        n2d2_tensor_release(w);
        n2d2_tensor_release(g);
    }
    /* defaults: LR 0.001 */
    n2d2_tensor *w = vec(N2D2_FLOAT64, (const double[]){0}, 1);
    n2d2_tensor *g = vec(N2D2_FLOAT64, (const double[]){-3}, 1);
    solver s;
    ck_assert_int_eq(solver_new(reg, "Adam", "", w, &s), N2D2_OK);
    n2d2_solver_context ctx = solver_ctx(3, 0);
    ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
    ck_assert_double_eq_tol(n2d2_tensor_get(w, 0), 0.001, 1e-10);
    solver_free(&s);
    n2d2_tensor_release(w);
    n2d2_tensor_release(g);
}
END_TEST

/* Above the OpenMP threshold: every element still follows the rule. */
START_TEST(large_float32_tensors)
{
    enum { N = 200003 };
    double *w0 = malloc(N * sizeof *w0), *g0 = malloc(N * sizeof *g0);
    ck_assert(w0 && g0);
    for (size_t i = 0; i < N; ++i) {
        w0[i] = sin((double)i);
        g0[i] = cos(0.5 * (double)i);
    }
    n2d2_tensor *w = vec(N2D2_FLOAT32, w0, N), *g = vec(N2D2_FLOAT32, g0, N);
    solver s;
    ck_assert_int_eq(solver_new(reg, "SGD", "S.LearningRate=0.5\nS.Momentum=0.9\nS.Decay=0.1\nS.Clamping=-0.9:0.9\n", w, &s),
                     N2D2_OK);
    n2d2_solver_context ctx = solver_ctx(4, 0);
    ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
    const float *pw = n2d2_tensor_cdata(w);
    for (size_t i = 0; i < N; ++i) {
        double wf = (float)w0[i], gf = (float)g0[i];
        double want = wf - 0.5 * (gf / 4 + 0.1 * wf);
        want = want < -0.9 ? -0.9 : (want > 0.9 ? 0.9 : want);
        ck_assert_msg(fabs(pw[i] - want) < 1e-6, "w[%zu] = %g, expected %g", i, pw[i], want);
    }
    solver_free(&s);
    ck_assert_int_eq(solver_new(reg, "Adam", "S.LearningRate=0.01\n", w, &s), N2D2_OK);
    set_vec(w, w0);
    ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
    for (size_t i = 0; i < N; ++i) {
        double wf = (float)w0[i], gf = (float)g0[i] / 4;
        double want = gf == 0 ? wf : wf - 0.01 * gf / (fabs(gf) + 1e-8);
        ck_assert_msg(fabs(pw[i] - want) < 1e-6, "adam w[%zu] = %g, expected %g", i, pw[i], want);
    }
    solver_free(&s);
    n2d2_tensor_release(w);
    n2d2_tensor_release(g);
    free(w0);
    free(g0);
}
END_TEST

START_TEST(tensor_errors)
{
    const char *names[] = {"SGD", "Adam"};
    for (int k = 0; k < 2; ++k) {
        size_t n2 = 2, n3 = 3;
        n2d2_tensor *w, *g3, *g64, *wi;
        ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 1, &n2, &w), N2D2_OK);
        ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 1, &n3, &g3), N2D2_OK);
        ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT64, 1, &n2, &g64), N2D2_OK);
        ck_assert_int_eq(n2d2_tensor_new(N2D2_INT32, 1, &n2, &wi), N2D2_OK);
        solver s;
        ck_assert_int_eq(solver_new(reg, names[k], "", wi, &s), N2D2_ERR_UNSUPPORTED);
        ck_assert_int_eq(solver_new(reg, names[k], "", w, &s), N2D2_OK);
        n2d2_solver_context ctx = solver_ctx(2, 0);
        ck_assert_int_eq(s.ops->update(s.state, w, g3, &ctx), N2D2_ERR_SHAPE);
        ck_assert_int_eq(s.ops->update(s.state, w, g64, &ctx), N2D2_ERR_INVAL);
        ck_assert_int_eq(s.ops->update(s.state, w, NULL, &ctx), N2D2_ERR_INVAL);
        ctx = solver_ctx(0, 0);
        ck_assert_int_eq(s.ops->update(s.state, w, w, &ctx), N2D2_ERR_INVAL);
        solver_free(&s);
        n2d2_tensor_release(w);
        n2d2_tensor_release(g3);
        n2d2_tensor_release(g64);
        n2d2_tensor_release(wi);
    }
}
END_TEST

START_TEST(parameter_errors)
{
    static const struct {
        const char *solver, *body;
        n2d2_status code;
        const char *needle;
    } cases[] = {
        {"SGD", "S.Momentum=1.5\n", N2D2_ERR_RANGE, "test.ini:2"},
        {"SGD", "S.LearningRate=-0.1\n", N2D2_ERR_RANGE, "test.ini:2"},
        {"SGD", "S.IterationSize=0\n", N2D2_ERR_RANGE, "test.ini:2"},
        {"SGD", "S.LearningRateStepSize=0\n", N2D2_ERR_RANGE, "test.ini:2"},
        {"SGD", "S.LearningRatePolicy=LinearDecay\n", N2D2_ERR_INVAL, "CosineDecay"},
        {"SGD", "\nS.PolyakMomentum=0\n", N2D2_ERR_NOT_IMPLEMENTED, "test.ini:3: PolyakMomentum: 0 (non-Polyak momentum) is not implemented yet"},
        {"SGD", "S.MinDecay=0.1\n", N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet"},
        {"SGD", "S.LearningRatePolicy=StepDecay\nS.WarmUpDuration=10\n", N2D2_ERR_NOT_IMPLEMENTED,
         "test.ini:3"},
        {"SGD", "S.LearningRatePolicy=PolyDecay\n", N2D2_ERR_INVAL, "needs MaxIterations > 0"},
        {"SGD", "S.LearningRatePolicy=CosineDecay\n", N2D2_ERR_INVAL, "test.ini:2"},
        {"SGD", "S.LearningRatePolicy=CosineDecay\nS.MaxIterations=10\nS.WarmUpDuration=10\n",
         N2D2_ERR_RANGE, "test.ini:4"},
        {"SGD", "S.WarmUpLRFrac=2\n", N2D2_ERR_RANGE, "test.ini:2"},
        {"Adam", "S.Beta1=1\n", N2D2_ERR_RANGE, "test.ini:2"},
        {"Adam", "S.Beta2=1.5\n", N2D2_ERR_RANGE, "test.ini:2"},
        {"Adam", "S.Epsilon=-1\n", N2D2_ERR_RANGE, "test.ini:2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        n2d2_tensor *w = vec(N2D2_FLOAT32, (const double[]){0}, 1);
        solver s;
        n2d2_status st = solver_new(reg, cases[i].solver, cases[i].body, w, &s);
        ck_assert_msg(st == cases[i].code, "%s %s: got %s (%s)", cases[i].solver, cases[i].body,
                      n2d2_status_str(st), n2d2_error_message());
        ck_assert_msg(strstr(n2d2_error_message(), cases[i].needle), "'%s' lacks '%s'",
                      n2d2_error_message(), cases[i].needle);
        n2d2_tensor_release(w);
    }
}
END_TEST

START_TEST(schemas_list_the_manual_keys)
{
    static const struct {
        const char *solver, *key, *def;
    } keys[] = {
        {"SGD", "LearningRate", "0.01"},        {"SGD", "Momentum", "0.0"},
        {"SGD", "Decay", "0.0"},                {"SGD", "LearningRatePolicy", "None"},
        {"SGD", "LearningRateStepSize", "1"},   {"SGD", "LearningRateDecay", "0.1"},
        {"SGD", "Clamping", "0"},               {"SGD", "Power", "0.0"},
        {"SGD", "MaxIterations", "0"},          {"SGD", "IterationSize", "1"},
        {"SGD", "WarmUpDuration", "0"},         {"SGD", "WarmUpLRFrac", "0.25"},
        {"SGD", "PolyakMomentum", "1"},         {"SGD", "MinDecay", "0.0"},
        {"Adam", "LearningRate", "0.001"},      {"Adam", "Beta1", "0.9"},
        {"Adam", "Beta2", "0.999"},             {"Adam", "Epsilon", "1.0e-8"},
        {"Adam", "Clamping", "0"},
    };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; ++k) {
        const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_SOLVER, keys[k].solver, "Frame");
        ck_assert_ptr_nonnull(f);
        int found = 0;
        for (size_t i = 0; i < f->n_params; ++i)
            if (strcmp(f->params[i].name, keys[k].key) == 0) {
                found = 1;
                ck_assert_str_eq(f->params[i].default_value, keys[k].def);
            }
        ck_assert_msg(found, "%s lacks %s", keys[k].solver, keys[k].key);
    }
    const n2d2_feature *sgd = n2d2_registry_find(reg, N2D2_KIND_SOLVER, "SGD", "Frame");
    for (size_t i = 0; i < sgd->n_params; ++i)
        if (strcmp(sgd->params[i].name, "LearningRatePolicy") == 0)
            ck_assert_str_eq(sgd->params[i].allowed,
                             "None|StepDecay|ExponentialDecay|InvTDecay|PolyDecay|InvDecay|CosineDecay");
}
END_TEST

START_TEST(module_registers_every_solver)
{
    n2d2_registry_free(reg);
    reg = NULL;
    const char *names[] = {"SGD", "Adam"};
    for (size_t i = 0; i < 2; ++i) {
        int has = fam_module_has("solvers", N2D2_KIND_SOLVER, names[i]);
        if (has < 0)
            break; /* static plugin build */
        ck_assert_msg(has == 1, "n2d2-solvers.so lacks %s", names[i]);
    }
    ck_assert_int_eq(fam_registry(&reg), N2D2_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("solvers");
    TCase *tc = tcase_create("solvers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, sgd_defaults_divide_by_the_batch);
    tcase_add_test(tc, sgd_momentum_and_decay);
    tcase_add_test(tc, sgd_clamping_forms);
    tcase_add_test(tc, clamping_errors);
    tcase_add_test(tc, adam_clamps_too);
    tcase_add_test(tc, sgd_iteration_size_accumulates);
    tcase_add_test(tc, sgd_iteration_size_with_momentum);
    tcase_add_test(tc, zero_learning_rate_freezes);
    tcase_add_test(tc, adam_first_steps);
    tcase_add_test(tc, large_float32_tensors);
    tcase_add_test(tc, tensor_errors);
    tcase_add_test(tc, parameter_errors);
    tcase_add_test(tc, schemas_list_the_manual_keys);
    tcase_add_test(tc, module_registers_every_solver);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
