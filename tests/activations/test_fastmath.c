/* The vectorisable float32 exp/tanh/logistic of the activation plugin
 * against libm in double, over their whole useful range. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "act_fastmath.h"
#include "check_run.h"

static double ulps(double got, double want)
{
    return fabs(got - want) / fmax(fabs(want) * 5.96e-8, 1e-45);
}

START_TEST(expf_is_within_a_few_ulps)
{
    double worst = 0;
    for (double x = -80.0; x <= 80.0; x += 0.0137)
        worst = fmax(worst, ulps(n2d2_fast_expf((float)x), exp((double)(float)x)));
    ck_assert_msg(worst < 4.0, "worst error %.2f ulps", worst);
    ck_assert_float_eq(n2d2_fast_expf(0.0f), 1.0f);
    ck_assert(isfinite(n2d2_fast_expf(1000.0f)) && n2d2_fast_expf(1000.0f) > 1e38f);
    ck_assert(n2d2_fast_expf(-1000.0f) >= 0.0f && n2d2_fast_expf(-1000.0f) < 1e-37f);
}
END_TEST

START_TEST(tanhf_is_accurate_and_odd)
{
    double worst_abs = 0, worst_rel = 0;
    for (double x = -12.0; x <= 12.0; x += 0.000731) {
        float xf = (float)x;
        double want = tanh((double)xf), got = n2d2_fast_tanhf(xf);
        worst_abs = fmax(worst_abs, fabs(got - want));
        if (fabs(want) > 1e-30)
            worst_rel = fmax(worst_rel, fabs(got - want) / fabs(want));
        ck_assert_float_eq(n2d2_fast_tanhf(-xf), -n2d2_fast_tanhf(xf));
    }
    ck_assert_msg(worst_abs < 2.5e-7, "worst absolute error %.3g", worst_abs);
    ck_assert_msg(worst_rel < 6e-7, "worst relative error %.3g", worst_rel);
    ck_assert_float_eq(n2d2_fast_tanhf(0.0f), 0.0f);
    ck_assert_float_eq(n2d2_fast_tanhf(50.0f), 1.0f);
    ck_assert_float_eq(n2d2_fast_tanhf(1e-20f), 1e-20f);
}
END_TEST

START_TEST(logisticf_is_accurate)
{
    double worst = 0;
    for (double x = -30.0; x <= 30.0; x += 0.00917) {
        float xf = (float)x;
        worst = fmax(worst, fabs(n2d2_fast_logisticf(xf) - 1.0 / (1.0 + exp(-(double)xf))));
    }
    ck_assert_msg(worst < 2e-7, "worst absolute error %.3g", worst);
    ck_assert_float_eq(n2d2_fast_logisticf(0.0f), 0.5f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fastmath");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, expf_is_within_a_few_ulps);
    tcase_add_test(tc, tanhf_is_accurate_and_odd);
    tcase_add_test(tc, logisticf_is_accurate);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
