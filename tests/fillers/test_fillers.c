/* Fillers called directly: statistics of large tensors against the
 * manual's formulas (22.2), fan-in/fan-out variants, Scaling, dtypes,
 * reproducibility with a fixed seed, parameter errors with file:line, and
 * the built module's registration. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "family_test_util.h"
#include "check_run.h"

#define BIG 200000

static n2d2_registry *reg;

static void setup(void) { ck_assert_int_eq(fam_registry(&reg), N2D2_OK); }
static void teardown(void) { n2d2_registry_free(reg); }

typedef struct stats {
    double mean, std, min, max;
} stats;

static stats stats_of(const n2d2_tensor *t)
{
    size_t n = n2d2_tensor_numel(t);
    stats s = {0.0, 0.0, INFINITY, -INFINITY};
    for (size_t i = 0; i < n; ++i) {
        double v = n2d2_tensor_get(t, i);
        s.mean += v;
        s.min = v < s.min ? v : s.min;
        s.max = v > s.max ? v : s.max;
    }
    s.mean /= (double)n;
    for (size_t i = 0; i < n; ++i) {
        double d = n2d2_tensor_get(t, i) - s.mean;
        s.std += d * d;
    }
    s.std = sqrt(s.std / (double)(n - 1));
    return s;
}

/* Fill a new tensor of `n` elements with filler `name` configured by `body`
 * (keys under "F."), fan-in/out as given, seed 7. */
static n2d2_status fill(const char *name, const char *body, n2d2_dtype dt, size_t n, size_t fan_in,
                        size_t fan_out, uint64_t seed, n2d2_tensor **out)
{
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_FILLER, name, NULL);
    ck_assert_msg(f != NULL, "filler %s not registered", name);
    ck_assert(!f->model || !f->model[0]);
    n2d2_ini *ini = NULL;
    n2d2_params *p = NULL;
    n2d2_status st = fam_params(f, "F.", body, &ini, &p);
    if (st != N2D2_OK) {
        n2d2_ini_free(ini);
        return st;
    }
    ck_assert_int_eq(n2d2_tensor_new(dt, 1, &n, out), N2D2_OK);
    n2d2_rng rng;
    n2d2_rng_seed(&rng, seed, 0);
    const n2d2_filler_ops *ops = f->ops;
    st = ops->fill(p, *out, fan_in, fan_out, &rng);
    n2d2_params_free(p);
    n2d2_ini_free(ini);
    return st;
}

static stats fill_stats(const char *name, const char *body, n2d2_dtype dt, size_t fan_in, size_t fan_out)
{
    n2d2_tensor *t;
    n2d2_status st = fill(name, body, dt, BIG, fan_in, fan_out, 7, &t);
    ck_assert_msg(st == N2D2_OK, "%s: %s", name, n2d2_error_message());
    stats s = stats_of(t);
    n2d2_tensor_release(t);
    return s;
}

static void expect_normal(stats s, double mean, double std)
{
    ck_assert_msg(fabs(s.mean - mean) < 0.01 * std + 1e-12, "mean %g, expected %g", s.mean, mean);
    ck_assert_msg(fabs(s.std - std) < 0.01 * std + 1e-12, "std %g, expected %g", s.std, std);
    /* 200000 normal draws reach beyond 4 sigma, never 6. */
    ck_assert_msg(s.max > mean + 4.0 * std && s.max < mean + 6.0 * std, "max %g", s.max);
    ck_assert_msg(s.min < mean - 4.0 * std && s.min > mean - 6.0 * std, "min %g", s.min);
}

static void expect_uniform(stats s, double lo, double hi)
{
    double width = hi - lo;
    ck_assert_msg(s.min >= lo && s.max < hi, "range [%g, %g] outside [%g, %g)", s.min, s.max, lo, hi);
    ck_assert_msg(s.min < lo + 1e-3 * width && s.max > hi - 1e-3 * width, "range [%g, %g]", s.min, s.max);
    ck_assert_msg(fabs(s.mean - (lo + hi) / 2) < 0.01 * width, "mean %g", s.mean);
    ck_assert_msg(fabs(s.std - width / sqrt(12.0)) < 0.01 * width / sqrt(12.0), "std %g", s.std);
}

START_TEST(constant_filler)
{
    n2d2_dtype dts[] = {N2D2_FLOAT32, N2D2_FLOAT64, N2D2_INT32};
    for (size_t d = 0; d < 3; ++d) {
        n2d2_tensor *t;
        ck_assert_int_eq(fill("ConstantFiller", "F.Value=-3\n", dts[d], 1000, 1, 1, 7, &t), N2D2_OK);
        for (size_t i = 0; i < 1000; ++i)
            ck_assert_double_eq(n2d2_tensor_get(t, i), -3.0);
        n2d2_tensor_release(t);
    }
    n2d2_tensor *t;
    ck_assert_int_eq(fill("ConstantFiller", "F.Value=0.25\n", N2D2_FLOAT32, 10, 1, 1, 7, &t), N2D2_OK);
    ck_assert_float_eq(((float *)n2d2_tensor_data(t))[9], 0.25f);
    n2d2_tensor_release(t);
    /* default Value = 0 */
    ck_assert_int_eq(fill("ConstantFiller", "", N2D2_FLOAT64, 10, 1, 1, 7, &t), N2D2_OK);
    for (size_t i = 0; i < 10; ++i)
        ck_assert_double_eq(n2d2_tensor_get(t, i), 0.0);
    n2d2_tensor_release(t);
}
END_TEST

START_TEST(normal_filler)
{
    expect_normal(fill_stats("NormalFiller", "", N2D2_FLOAT64, 1, 1), 0.0, 1.0);
    expect_normal(fill_stats("NormalFiller", "F.Mean=1.5\nF.StdDev=0.05\n", N2D2_FLOAT64, 1, 1), 1.5, 0.05);
    expect_normal(fill_stats("NormalFiller", "F.Mean=-2\nF.StdDev=3\n", N2D2_FLOAT32, 9, 4), -2.0, 3.0);
    stats s = fill_stats("NormalFiller", "F.Mean=4\nF.StdDev=0\n", N2D2_FLOAT32, 1, 1);
    ck_assert_double_eq(s.min, 4.0);
    ck_assert_double_eq(s.max, 4.0);
}
END_TEST

START_TEST(uniform_filler)
{
    expect_uniform(fill_stats("UniformFiller", "", N2D2_FLOAT64, 1, 1), 0.0, 1.0);
    expect_uniform(fill_stats("UniformFiller", "F.Min=-2\nF.Max=3\n", N2D2_FLOAT64, 1, 1), -2.0, 3.0);
    expect_uniform(fill_stats("UniformFiller", "F.Min=-0.1\nF.Max=0.1\n", N2D2_FLOAT32, 1, 1), -0.1, 0.1);
    stats s = fill_stats("UniformFiller", "F.Min=0.5\nF.Max=0.5\n", N2D2_FLOAT64, 1, 1);
    ck_assert_double_eq(s.min, 0.5);
    ck_assert_double_eq(s.max, 0.5);
}
END_TEST

START_TEST(he_filler_variance_norms)
{
    /* fan-in 50, fan-out 200: sigma = sqrt(2/n), n = 50, 125, 200 */
    expect_normal(fill_stats("HeFiller", "", N2D2_FLOAT64, 50, 200), 0.0, sqrt(2.0 / 50.0));
    expect_normal(fill_stats("HeFiller", "F.VarianceNorm=FanIn\n", N2D2_FLOAT32, 50, 200), 0.0, 0.2);
    expect_normal(fill_stats("HeFiller", "F.VarianceNorm=Average\n", N2D2_FLOAT64, 50, 200), 0.0,
                  sqrt(4.0 / 250.0));
    expect_normal(fill_stats("HeFiller", "F.VarianceNorm=FanOut\n", N2D2_FLOAT64, 50, 200), 0.0, 0.1);
    /* Scaling multiplies sigma (A29) */
    expect_normal(fill_stats("HeFiller", "F.VarianceNorm=FanOut\nF.Scaling=3\n", N2D2_FLOAT64, 50, 200),
                  0.0, 0.3);
}
END_TEST

START_TEST(xavier_filler_variants)
{
    /* Uniform[-sqrt(3/n), sqrt(3/n)]: fan-in 12 → 0.5, fan-out 300 → 0.1,
     * average (12 + 36) / 2 = 24 → sqrt(1/8) */
    expect_uniform(fill_stats("XavierFiller", "", N2D2_FLOAT64, 12, 300), -0.5, 0.5);
    expect_uniform(fill_stats("XavierFiller", "F.VarianceNorm=FanOut\n", N2D2_FLOAT32, 12, 300), -0.1, 0.1);
    expect_uniform(fill_stats("XavierFiller", "F.VarianceNorm=Average\n", N2D2_FLOAT64, 12, 36),
                   -sqrt(0.125), sqrt(0.125));
    expect_uniform(fill_stats("XavierFiller", "F.Scaling=2\n", N2D2_FLOAT64, 12, 300), -1.0, 1.0);
    /* Normal(0, sqrt(1/n)) (A29): fan-in 16 → 0.25 */
    expect_normal(fill_stats("XavierFiller", "F.Distribution=Normal\n", N2D2_FLOAT64, 16, 64), 0.0, 0.25);
    expect_normal(fill_stats("XavierFiller", "F.Distribution=Normal\nF.VarianceNorm=FanOut\n"
                                             "F.Scaling=0.5\n",
                             N2D2_FLOAT32, 16, 64),
                  0.0, 0.0625);
    /* Var(W) of the uniform variant = 1 / n */
    stats s = fill_stats("XavierFiller", "F.VarianceNorm=Average\n", N2D2_FLOAT64, 40, 60);
    ck_assert_double_eq_tol(s.std * s.std, 1.0 / 50.0, 0.02 / 50.0);
}
END_TEST

START_TEST(fixed_seed_reproduces_the_tensor)
{
    const char *names[] = {"NormalFiller", "UniformFiller", "HeFiller", "XavierFiller"};
    for (size_t k = 0; k < 4; ++k) {
        n2d2_tensor *a, *b, *c;
        ck_assert_int_eq(fill(names[k], "", N2D2_FLOAT32, 4096, 30, 40, 11, &a), N2D2_OK);
        ck_assert_int_eq(fill(names[k], "", N2D2_FLOAT32, 4096, 30, 40, 11, &b), N2D2_OK);
        ck_assert_int_eq(fill(names[k], "", N2D2_FLOAT32, 4096, 30, 40, 12, &c), N2D2_OK);
        ck_assert_int_eq(memcmp(n2d2_tensor_cdata(a), n2d2_tensor_cdata(b), 4096 * sizeof(float)), 0);
        ck_assert_int_ne(memcmp(n2d2_tensor_cdata(a), n2d2_tensor_cdata(c), 4096 * sizeof(float)), 0);
        n2d2_tensor_release(a);
        n2d2_tensor_release(b);
        n2d2_tensor_release(c);
    }
    /* element i is the i-th draw of the given stream: nothing else is drawn */
    n2d2_tensor *t;
    ck_assert_int_eq(fill("NormalFiller", "F.Mean=1\nF.StdDev=2\n", N2D2_FLOAT64, 3, 1, 1, 5, &t), N2D2_OK);
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 5, 0);
    for (size_t i = 0; i < 3; ++i)
        ck_assert_double_eq(n2d2_tensor_get(t, i), n2d2_rng_normal(&rng, 1.0, 2.0));
    n2d2_tensor_release(t);
}
END_TEST

static void expect_fill_error(const char *name, const char *body, size_t fan_in, size_t fan_out,
                              n2d2_status code, const char *needle)
{
    n2d2_tensor *t = NULL;
    n2d2_status st = fill(name, body, N2D2_FLOAT32, 8, fan_in, fan_out, 7, &t);
    n2d2_tensor_release(t);
    ck_assert_msg(st == code, "%s: got %s, expected %s (%s)", name, n2d2_status_str(st),
                  n2d2_status_str(code), n2d2_error_message());
    ck_assert_msg(strstr(n2d2_error_message(), needle), "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
}

START_TEST(errors_name_the_key)
{
    expect_fill_error("UniformFiller", "F.Min=1\nF.Max=0\n", 1, 1, N2D2_ERR_RANGE, "test.ini:3");
    expect_fill_error("NormalFiller", "F.StdDev=-1\n", 1, 1, N2D2_ERR_RANGE, "test.ini:2");
    expect_fill_error("HeFiller", "F.VarianceNorm=Fanin\n", 1, 1, N2D2_ERR_INVAL, "test.ini:2");
    expect_fill_error("HeFiller", "F.Scaling=-1\n", 1, 1, N2D2_ERR_RANGE, "test.ini:2");
    expect_fill_error("XavierFiller", "F.Distribution=Gauss\n", 1, 1, N2D2_ERR_INVAL, "Uniform");
    expect_fill_error("HeFiller", "", 0, 5, N2D2_ERR_INVAL, "fan-in 0");
    expect_fill_error("XavierFiller", "F.VarianceNorm=FanOut\n", 5, 0, N2D2_ERR_INVAL, "divide by zero");
}
END_TEST

START_TEST(schemas_list_the_manual_keys)
{
    static const struct {
        const char *filler, *key, *def;
    } keys[] = {
        {"ConstantFiller", "Value", "0.0"},      {"HeFiller", "VarianceNorm", "FanIn"},
        {"HeFiller", "Scaling", "1.0"},          {"NormalFiller", "Mean", "0.0"},
        {"NormalFiller", "StdDev", "1.0"},       {"UniformFiller", "Min", "0.0"},
        {"UniformFiller", "Max", "1.0"},         {"XavierFiller", "VarianceNorm", "FanIn"},
        {"XavierFiller", "Distribution", "Uniform"}, {"XavierFiller", "Scaling", "1.0"},
    };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; ++k) {
        const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_FILLER, keys[k].filler, NULL);
        ck_assert_ptr_nonnull(f);
        int found = 0;
        for (size_t i = 0; i < f->n_params; ++i)
            if (strcmp(f->params[i].name, keys[k].key) == 0) {
                found = 1;
                ck_assert_str_eq(f->params[i].default_value, keys[k].def);
                ck_assert_ptr_nonnull(f->params[i].help);
            }
        ck_assert_msg(found, "%s lacks %s", keys[k].filler, keys[k].key);
    }
}
END_TEST

START_TEST(module_registers_every_filler)
{
    n2d2_registry_free(reg); /* one loader at a time: start clean */
    reg = NULL;
    const char *names[] = {"ConstantFiller", "HeFiller", "NormalFiller", "UniformFiller", "XavierFiller"};
    for (size_t i = 0; i < 5; ++i) {
        int has = fam_module_has("fillers", N2D2_KIND_FILLER, names[i]);
        if (has < 0)
            return; /* static plugin build: no module to load */
        ck_assert_msg(has == 1, "n2d2-fillers.so lacks %s", names[i]);
    }
    ck_assert_int_eq(fam_registry(&reg), N2D2_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fillers");
    TCase *tc = tcase_create("fillers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, constant_filler);
    tcase_add_test(tc, normal_filler);
    tcase_add_test(tc, uniform_filler);
    tcase_add_test(tc, he_filler_variance_norms);
    tcase_add_test(tc, xavier_filler_variants);
    tcase_add_test(tc, fixed_seed_reproduces_the_tensor);
    tcase_add_test(tc, errors_name_the_key);
    tcase_add_test(tc, schemas_list_the_manual_keys);
    tcase_add_test(tc, module_registers_every_filler);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
