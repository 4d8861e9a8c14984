/* SGD learning-rate policies (manual 22.3.1, decision A31): the rate the
 * solver reports, and applies, at chosen iterations, against the formulas
 * worked out by hand. Batch size 4 unless said; t = floor(stimuli /
 * LearningRateStepSize), stimuli = updates x IterationSize x batch. */
#include <stdlib.h>

#include "solver_test_util.h"
#include "check_run.h"

static n2d2_registry *reg;

static void setup(void) { ck_assert_int_eq(fam_registry(&reg), N2D2_OK); }
static void teardown(void) { n2d2_registry_free(reg); }

typedef struct point {
    uint64_t iteration;
    double rate;
} point;

static void expect_rates(const char *body, size_t batch, const point *pts, size_t n)
{
    n2d2_tensor *w = vec(N2D2_FLOAT64, (const double[]){0}, 1);
    solver s;
    ck_assert_msg(solver_new(reg, "SGD", body, w, &s) == N2D2_OK, "%s: %s", body, n2d2_error_message());
    for (size_t i = 0; i < n; ++i) {
        n2d2_solver_context ctx = solver_ctx(batch, pts[i].iteration);
        double got = s.ops->learning_rate(s.state, &ctx);
        ck_assert_msg(fabs(got - pts[i].rate) <= 1e-15 + 1e-12 * pts[i].rate,
                      "%s at iteration %llu: %.17g, expected %.17g", body,
                      (unsigned long long)pts[i].iteration, got, pts[i].rate);
    }
    solver_free(&s);
    n2d2_tensor_release(w);
}

#define RATES(body, batch, ...)                                                                \
    do {                                                                                       \
        static const point pts_[] = {__VA_ARGS__};                                             \
        expect_rates(body, batch, pts_, sizeof pts_ / sizeof pts_[0]);                         \
    } while (0)

START_TEST(none)
{
    RATES("S.LearningRate=0.1\n", 4, {0, 0.1}, {1, 0.1}, {1000000, 0.1});
    RATES("", 4, {0, 0.01}, {7, 0.01});
}
END_TEST

START_TEST(step_decay)
{
    /* every 10 stimuli x 0.5: iteration 2 = 8 stimuli (t 0), 3 = 12 (t 1),
     * 5 = 20 (t 2), 7 = 28 (t 2), 10 = 40 (t 4) */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=StepDecay\nS.LearningRateStepSize=10\n"
          "S.LearningRateDecay=0.5\n",
          4, {0, 0.1}, {2, 0.1}, {3, 0.05}, {5, 0.025}, {7, 0.025}, {10, 0.00625});
    /* default decay 0.1, step 1 stimulus: batch 1, iteration 2 → 0.1^2 */
    RATES("S.LearningRate=1\nS.LearningRatePolicy=StepDecay\n", 1, {0, 1}, {1, 0.1}, {2, 0.01});
}
END_TEST

START_TEST(exponential_decay)
{
    /* step 4 stimuli, k 0.1: iteration 3 = 12 stimuli, t 3 → 0.1 e^-0.3 */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=ExponentialDecay\nS.LearningRateStepSize=4\n"
          "S.LearningRateDecay=0.1\n",
          4, {0, 0.1}, {3, 0.0740818220681718}, {10, 0.1 * 0.36787944117144233});
}
END_TEST

START_TEST(invt_decay)
{
    /* step 8, k 0.5: iteration 5 = 20 stimuli, t 2 → 0.1 / 2; iteration 1
     * = 4 stimuli, t 0; 12 = 48 stimuli, t 6 → 0.1 / 4 */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=InvTDecay\nS.LearningRateStepSize=8\n"
          "S.LearningRateDecay=0.5\n",
          4, {0, 0.1}, {1, 0.1}, {5, 0.05}, {12, 0.025});
}
END_TEST

START_TEST(inv_decay)
{
    /* k 0.5, n 2 on the update count: (1 + 0.5 i)^-2 */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=InvDecay\nS.LearningRateDecay=0.5\nS.Power=2\n",
          4, {0, 0.1}, {2, 0.025}, {6, 0.00625});
    /* capped at MaxIterations = 2 */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=InvDecay\nS.LearningRateDecay=0.5\nS.Power=2\n"
          "S.MaxIterations=2\n",
          4, {6, 0.025});
}
END_TEST

START_TEST(poly_decay)
{
    /* (1 - i / 10)^2: i = 5 → 0.25; i >= 10 → 0 */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=PolyDecay\nS.MaxIterations=10\nS.Power=2\n",
          4, {0, 0.1}, {5, 0.025}, {10, 0.0}, {12, 0.0});
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=PolyDecay\nS.MaxIterations=10\nS.Power=1\n",
          4, {3, 0.07});
}
END_TEST

START_TEST(cosine_decay)
{
    /* MaxIterations = 100 stimuli, no warm-up: iteration 5 = 20 stimuli →
     * 0.05 (1 + cos(0.2 pi)); 25 = 100 → 0 */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=CosineDecay\nS.MaxIterations=100\n", 4,
          {0, 0.1}, {5, 0.09045084971874738}, {25, 0.0}, {40, 0.0});
    /* warm-up 20 stimuli from 0.25 x LR: iteration 2 = 8 stimuli →
     * 0.1 (0.25 + 0.75 x 8/20) = 0.055; then cosine over 80 stimuli:
     * iteration 15 = 60 → 40/80 → 0.05 */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=CosineDecay\nS.MaxIterations=100\n"
          "S.WarmUpDuration=20\n",
          4, {0, 0.025}, {2, 0.055}, {5, 0.1}, {15, 0.05}, {25, 0.0}, {40, 0.0});
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=CosineDecay\nS.MaxIterations=100\n"
          "S.WarmUpDuration=20\nS.WarmUpLRFrac=0\n",
          4, {0, 0.0}, {1, 0.02});
}
END_TEST

START_TEST(max_iterations_stops_the_schedule)
{
    /* StepDecay every 4 stimuli x 0.5, stopped after 2 updates (8 stimuli) */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=StepDecay\nS.LearningRateStepSize=4\n"
          "S.LearningRateDecay=0.5\nS.MaxIterations=2\n",
          4, {1, 0.05}, {2, 0.025}, {5, 0.025});
}
END_TEST

START_TEST(iteration_size_counts_global_batches)
{
    /* IterationSize 2: iteration 3 is update 1 (iterations 2-3), which
     * follows 1 x 2 x 4 = 8 stimuli → t 1 with step 8 */
    RATES("S.LearningRate=0.1\nS.LearningRatePolicy=StepDecay\nS.LearningRateStepSize=8\n"
          "S.LearningRateDecay=0.5\nS.IterationSize=2\n",
          4, {0, 0.1}, {1, 0.1}, {2, 0.05}, {3, 0.05}, {4, 0.025});
}
END_TEST

START_TEST(updates_apply_the_scheduled_rate)
{
    /* StepDecay, step 2 stimuli, k 0.5, batch 2, grad sum 2 (mean 1):
     * w = 1 - 0.1 - 0.05 - 0.025 = 0.825 */
    n2d2_tensor *w = vec(N2D2_FLOAT64, (const double[]){1}, 1);
    n2d2_tensor *g = vec(N2D2_FLOAT64, (const double[]){2}, 1);
    solver s;
    ck_assert_int_eq(solver_new(reg, "SGD",
                                "S.LearningRate=0.1\nS.LearningRatePolicy=StepDecay\n"
                                "S.LearningRateStepSize=2\nS.LearningRateDecay=0.5\n",
                                w, &s),
                     N2D2_OK);
    for (uint64_t it = 0; it < 3; ++it) {
        n2d2_solver_context ctx = solver_ctx(2, it);
        ck_assert_int_eq(s.ops->update(s.state, w, g, &ctx), N2D2_OK);
    }
    ck_assert_double_eq_tol(n2d2_tensor_get(w, 0), 0.825, 1e-15);
    solver_free(&s);
    n2d2_tensor_release(w);
    n2d2_tensor_release(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lr_policies");
    TCase *tc = tcase_create("policies");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, none);
    tcase_add_test(tc, step_decay);
    tcase_add_test(tc, exponential_decay);
    tcase_add_test(tc, invt_decay);
    tcase_add_test(tc, inv_decay);
    tcase_add_test(tc, poly_decay);
    tcase_add_test(tc, cosine_decay);
    tcase_add_test(tc, max_iterations_stops_the_schedule);
    tcase_add_test(tc, iteration_size_counts_global_batches);
    tcase_add_test(tc, updates_apply_the_scheduled_rate);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
