/* Activations called directly: forward and backward values at chosen
 * points for every activation and parameter (hand-computed, both float
 * types), finite-difference checks of backward in Float64, in-place
 * operation, the multi-threaded path on large tensors, flags, errors,
 * schemas and the built module. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "family_test_util.h"
#include "check_run.h"

#define NPTS 5

static n2d2_registry *reg;

static void setup(void) { ck_assert_int_eq(fam_registry(&reg), N2D2_OK); }
static void teardown(void) { n2d2_registry_free(reg); }

typedef struct act {
    const n2d2_activation_ops *ops;
    void *state;
} act;

static n2d2_status act_new(const char *name, const char *body, act *a)
{
    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_ACTIVATION, name, NULL);
    ck_assert_msg(f != NULL, "activation %s not registered", name);
    ck_assert(!f->model || !f->model[0]);
    a->ops = f->ops;
    a->state = NULL;
    n2d2_ini *ini = NULL;
    n2d2_params *p = NULL;
    n2d2_status st = fam_params(f, "A.", body, &ini, &p);
    if (st == N2D2_OK)
        st = a->ops->create(p, &a->state);
    n2d2_params_free(p);
    n2d2_ini_free(ini);
    return st;
}

static void act_free(act *a) { a->ops->destroy(a->state); }

static uint32_t act_flags(const act *a)
{
    return a->ops->instance_flags ? a->ops->instance_flags(a->state) : a->ops->flags;
}

static n2d2_tensor *tensor_of(n2d2_dtype dt, const double *v, size_t n)
{
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(dt, 1, &n, &t), N2D2_OK);
    for (size_t i = 0; i < n; ++i)
        n2d2_tensor_set(t, i, v[i]);
    return t;
}

static const double xs[NPTS] = {-2.0, -0.5, 0.0, 0.5, 3.0};
static const double gs[NPTS] = {1.0, 2.0, -1.0, 0.5, 3.0};

typedef struct expected {
    const char *name, *body;
    double y[NPTS];  /* f(x) */
    double dy[NPTS]; /* f'(x) */
} expected;

static const expected cases[] = {
    {"Rectifier", "", {0, 0, 0, 0.5, 3}, {0, 0, 0, 1, 1}},
    {"Rectifier", "A.LeakSlope=0.1\n", {-0.2, -0.05, 0, 0.5, 3}, {0.1, 0.1, 0.1, 1, 1}},
    {"Rectifier", "A.Clipping=2\n", {0, 0, 0, 0.5, 2}, {0, 0, 0, 1, 0}},
    {"Rectifier", "A.LeakSlope=0.25\nA.Clipping=0.4\n", {-0.5, -0.125, 0, 0.4, 0.4},
     {0.25, 0.25, 0.25, 0, 0}},
    {"Linear", "A.Clipping=1\n", {-1, -0.5, 0, 0.5, 1}, {0, 1, 1, 1, 0}},
    {"Saturation", "", {-1, -0.5, 0, 0.5, 1}, {0, 1, 1, 1, 0}},
    {"Saturation", "A.Threshold=2.5\n", {-2, -0.5, 0, 0.5, 2.5}, {1, 1, 1, 1, 0}},
    {"Tanh", "",
     {-0.9640275800758169, -0.46211715726000974, 0.0, 0.46211715726000974, 0.9950547536867305},
     {0.07065082485316443, 0.7864477329659274, 1.0, 0.7864477329659274, 0.009866037165440211}},
    {"Tanh", "A.Alpha=0.5\n",
     {-0.7615941559557649, -0.24491866240370913, 0.0, 0.24491866240370913, 0.9051482536448664},
     {0.20998717080701307, 0.470007424403189, 0.5, 0.470007424403189, 0.09035331946182429}},
    /* alpha = 1.7159 x 2/3 = 1.14393333... (A34) */
    {"TanhLeCun", "",
     {-0.9796124778793457, -0.5168021432143636, 0.0, 0.5168021432143636, 0.9979118931111373},
     {0.046168455175240986, 0.8384065221794642, 1.1439333333333332, 0.8384065221794642,
      0.004772322380351534}},
    {"Logistic", "",
     {0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.9525741268224334},
     {0.1049935854035065, 0.2350037122015945, 0.25, 0.2350037122015945, 0.045176659730912}},
    /* backward passes the gradient through: f' taken as 1 */
    {"LogisticWithLoss", "",
     {0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.9525741268224334},
     {1, 1, 1, 1, 1}},
    {"Softplus", "",
     {0.1269280110429725, 0.4740769841801067, 0.6931471805599453, 0.9740769841801067, 3.048587351573742},
     {0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.9525741268224334}},
    {"Swish", "",
     {-0.2384058440442351, -0.1887703343990727, 0.0, 0.3112296656009273, 2.8577223804673},
     {-0.09078424878489547, 0.2600388126973482, 0.5, 0.7399611873026519, 1.0881041060151693}},
};

static void check_case(const expected *c, n2d2_dtype dt, int in_place)
{
    double tol = dt == N2D2_FLOAT32 ? 2e-6 : 1e-13;
    act a;
    ck_assert_msg(act_new(c->name, c->body, &a) == N2D2_OK, "%s: %s", c->name, n2d2_error_message());
    n2d2_tensor *x = tensor_of(dt, xs, NPTS);
    n2d2_tensor *x_keep = tensor_of(dt, xs, NPTS);
    n2d2_tensor *y = in_place ? n2d2_tensor_retain(x) : tensor_of(dt, gs, NPTS);
    ck_assert_int_eq(a.ops->forward(a.state, x, y), N2D2_OK);
    for (size_t i = 0; i < NPTS; ++i)
        ck_assert_msg(fabs(n2d2_tensor_get(y, i) - c->y[i]) <= tol * (1 + fabs(c->y[i])),
                      "%s %s x=%g: y=%.17g expected %.17g", c->name, c->body, xs[i],
                      n2d2_tensor_get(y, i), c->y[i]);
    n2d2_tensor *gy = tensor_of(dt, gs, NPTS);
    n2d2_tensor *gx = in_place ? n2d2_tensor_retain(gy) : tensor_of(dt, xs, NPTS);
    int needs_x = (act_flags(&a) & N2D2_ACTIVATION_NEEDS_INPUT) != 0;
    ck_assert_int_eq(a.ops->backward(a.state, needs_x ? x_keep : NULL, y, gy, gx), N2D2_OK);
    for (size_t i = 0; i < NPTS; ++i) {
        double want = c->dy[i] * gs[i];
        ck_assert_msg(fabs(n2d2_tensor_get(gx, i) - want) <= tol * (1 + fabs(want)),
                      "%s %s x=%g: grad=%.17g expected %.17g", c->name, c->body, xs[i],
                      n2d2_tensor_get(gx, i), want);
    }
    n2d2_tensor_release(x);
    n2d2_tensor_release(x_keep);
    n2d2_tensor_release(y);
    n2d2_tensor_release(gy);
    n2d2_tensor_release(gx);
    act_free(&a);
}

START_TEST(hand_computed_values)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        check_case(&cases[k], N2D2_FLOAT64, 0);
        check_case(&cases[k], N2D2_FLOAT32, 0);
    }
}
END_TEST

START_TEST(in_place_operation)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        check_case(&cases[k], N2D2_FLOAT64, 1);
        check_case(&cases[k], N2D2_FLOAT32, 1);
    }
}
END_TEST

/* Central differences at random points away from the kinks (0 and the
 * clipping bounds). */
START_TEST(finite_differences_float64)
{
    static const struct {
        const char *name, *body;
        double kinks[3];
    } acts[] = {
        {"Rectifier", "", {0, 0, 0}},
        {"Rectifier", "A.LeakSlope=0.2\nA.Clipping=1.5\n", {0, 1.5, 0}},
        {"Linear", "A.Clipping=2\n", {-2, 2, 0}},
        {"Saturation", "A.Threshold=0.7\n", {-0.7, 0.7, 0}},
        {"Tanh", "A.Alpha=1.3\n", {0, 0, 0}},
        {"Tanh", "A.Alpha=-0.4\n", {0, 0, 0}},
        {"TanhLeCun", "", {0, 0, 0}},
        {"Logistic", "", {0, 0, 0}},
        {"Softplus", "", {0, 0, 0}},
        {"Swish", "", {0, 0, 0}},
    };
    enum { N = 200 };
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 99, 0);
    for (size_t k = 0; k < sizeof acts / sizeof acts[0]; ++k) {
        double x[N], g[N];
        for (size_t i = 0; i < N; ++i) {
            int near;
            do {
                x[i] = n2d2_rng_uniform_range(&rng, -4.0, 4.0);
                near = 0;
                for (int j = 0; j < 3; ++j)
                    near |= fabs(x[i] - acts[k].kinks[j]) < 1e-3;
            } while (near);
            g[i] = n2d2_rng_uniform_range(&rng, -1.0, 1.0);
        }
        const double h = 1e-6;
        double xp[N], xm[N];
        for (size_t i = 0; i < N; ++i) {
            xp[i] = x[i] + h;
            xm[i] = x[i] - h;
        }
        act a;
        ck_assert_int_eq(act_new(acts[k].name, acts[k].body, &a), N2D2_OK);
        n2d2_tensor *tx = tensor_of(N2D2_FLOAT64, x, N), *ty = tensor_of(N2D2_FLOAT64, x, N);
        n2d2_tensor *tp = tensor_of(N2D2_FLOAT64, xp, N), *tm = tensor_of(N2D2_FLOAT64, xm, N);
        n2d2_tensor *tg = tensor_of(N2D2_FLOAT64, g, N), *tgx = tensor_of(N2D2_FLOAT64, g, N);
        ck_assert_int_eq(a.ops->forward(a.state, tx, ty), N2D2_OK);
        ck_assert_int_eq(a.ops->forward(a.state, tp, tp), N2D2_OK);
        ck_assert_int_eq(a.ops->forward(a.state, tm, tm), N2D2_OK);
        ck_assert_int_eq(a.ops->backward(a.state, tx, ty, tg, tgx), N2D2_OK);
        for (size_t i = 0; i < N; ++i) {
            double fd = (n2d2_tensor_get(tp, i) - n2d2_tensor_get(tm, i)) / (2 * h) * g[i];
            ck_assert_msg(fabs(fd - n2d2_tensor_get(tgx, i)) < 1e-6, "%s %s x=%g: fd %.12g vs %.12g",
                          acts[k].name, acts[k].body, x[i], fd, n2d2_tensor_get(tgx, i));
        }
        n2d2_tensor_release(tx);
        n2d2_tensor_release(ty);
        n2d2_tensor_release(tp);
        n2d2_tensor_release(tm);
        n2d2_tensor_release(tg);
        n2d2_tensor_release(tgx);
        act_free(&a);
    }
}
END_TEST

/* Above the OpenMP threshold the loop is split over threads: every element
 * must still match a double-precision reference. */
START_TEST(large_float32_tensor)
{
    enum { N = 300001 };
    double *x = malloc(N * sizeof *x);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < N; ++i)
        x[i] = -6.0 + 12.0 * (double)i / (N - 1);
    n2d2_tensor *t = tensor_of(N2D2_FLOAT32, x, N);
    n2d2_tensor *g = tensor_of(N2D2_FLOAT32, x, N);
    act a;
    ck_assert_int_eq(act_new("Tanh", "A.Alpha=0.8\n", &a), N2D2_OK);
    ck_assert_int_eq(a.ops->forward(a.state, t, t), N2D2_OK);
    ck_assert_int_eq(a.ops->backward(a.state, NULL, t, g, g), N2D2_OK);
    const float *y = n2d2_tensor_cdata(t), *d = n2d2_tensor_cdata(g);
    for (size_t i = 0; i < N; ++i) {
        double xf = (double)(float)x[i], want = tanh(0.8 * xf);
        ck_assert_msg(fabs(y[i] - want) < 1e-6, "y[%zu] = %g, expected %g", i, y[i], want);
        double dwant = 0.8 * (1 - (double)y[i] * y[i]) * xf;
        ck_assert_msg(fabs(d[i] - dwant) < 1e-5, "dy[%zu] = %g, expected %g", i, d[i], dwant);
    }
    act_free(&a);
    n2d2_tensor_release(t);
    n2d2_tensor_release(g);
    free(x);
}
END_TEST

START_TEST(flags)
{
    act a;
    ck_assert_int_eq(act_new("Linear", "", &a), N2D2_OK);
    ck_assert_uint_eq(act_flags(&a), N2D2_ACTIVATION_IDENTITY);
    act_free(&a);
    ck_assert_int_eq(act_new("Linear", "A.Clipping=3\n", &a), N2D2_OK);
    ck_assert_uint_eq(act_flags(&a), 0);
    act_free(&a);
    ck_assert_int_eq(act_new("Swish", "", &a), N2D2_OK);
    ck_assert_uint_eq(act_flags(&a), N2D2_ACTIVATION_NEEDS_INPUT);
    act_free(&a);
    ck_assert_int_eq(act_new("LogisticWithLoss", "", &a), N2D2_OK);
    ck_assert_uint_eq(act_flags(&a), N2D2_ACTIVATION_LOGISTIC_LOSS);
    act_free(&a);
    const char *plain[] = {"Rectifier", "Tanh", "TanhLeCun", "Logistic", "Softplus", "Saturation"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; ++i) {
        ck_assert_int_eq(act_new(plain[i], "", &a), N2D2_OK);
        ck_assert_uint_eq(act_flags(&a), 0);
        act_free(&a);
    }
    /* the identity still works when called */
    ck_assert_int_eq(act_new("Linear", "", &a), N2D2_OK);
    n2d2_tensor *x = tensor_of(N2D2_FLOAT32, xs, NPTS), *y = tensor_of(N2D2_FLOAT32, gs, NPTS);
    ck_assert_int_eq(a.ops->forward(a.state, x, y), N2D2_OK);
    ck_assert_int_eq(a.ops->backward(a.state, NULL, y, x, y), N2D2_OK);
    for (size_t i = 0; i < NPTS; ++i)
        ck_assert_double_eq(n2d2_tensor_get(y, i), xs[i]);
    n2d2_tensor_release(x);
    n2d2_tensor_release(y);
    act_free(&a);
}
END_TEST

START_TEST(errors)
{
    act a;
    ck_assert_int_eq(act_new("Saturation", "A.Threshold=0\n", &a), N2D2_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "test.ini:2"));
    ck_assert_int_eq(act_new("Rectifier", "\nA.LeakSlope=-0.1\n", &a), N2D2_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "test.ini:3"));
    ck_assert_int_eq(act_new("Linear", "A.Clipping=-1\n", &a), N2D2_ERR_RANGE);

    ck_assert_int_eq(act_new("Rectifier", "", &a), N2D2_OK);
    size_t n3 = 3, n4 = 4;
    n2d2_tensor *f3, *f4, *d3, *i3;
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 1, &n3, &f3), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 1, &n4, &f4), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT64, 1, &n3, &d3), N2D2_OK);
    ck_assert_int_eq(n2d2_tensor_new(N2D2_INT32, 1, &n3, &i3), N2D2_OK);
    ck_assert_int_eq(a.ops->forward(a.state, f3, f4), N2D2_ERR_SHAPE);
    ck_assert_int_eq(a.ops->forward(a.state, f3, d3), N2D2_ERR_INVAL);
    ck_assert_int_eq(a.ops->forward(a.state, i3, i3), N2D2_ERR_UNSUPPORTED);
    ck_assert_int_eq(a.ops->backward(a.state, NULL, f3, f3, f4), N2D2_ERR_SHAPE);
    act_free(&a);
    ck_assert_int_eq(act_new("Swish", "", &a), N2D2_OK);
    ck_assert_int_eq(a.ops->backward(a.state, NULL, f3, f3, f3), N2D2_ERR_INVAL);
    act_free(&a);
    n2d2_tensor_release(f3);
    n2d2_tensor_release(f4);
    n2d2_tensor_release(d3);
    n2d2_tensor_release(i3);
}
END_TEST

START_TEST(schemas_list_the_manual_keys)
{
    static const struct {
        const char *act, *key, *def;
    } keys[] = {
        {"Rectifier", "LeakSlope", "0.0"}, {"Rectifier", "Clipping", "0.0"},
        {"Tanh", "Alpha", "1.0"},          {"Linear", "Clipping", "0.0"},
        {"Saturation", "Threshold", "1.0"},
    };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; ++k) {
        const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_ACTIVATION, keys[k].act, NULL);
        ck_assert_ptr_nonnull(f);
        int found = 0;
        for (size_t i = 0; i < f->n_params; ++i)
            if (strcmp(f->params[i].name, keys[k].key) == 0) {
                found = 1;
                ck_assert_str_eq(f->params[i].default_value, keys[k].def);
            }
        ck_assert_msg(found, "%s lacks %s", keys[k].act, keys[k].key);
    }
}
END_TEST

START_TEST(module_registers_every_activation)
{
    n2d2_registry_free(reg);
    reg = NULL;
    const char *names[] = {"Linear", "Logistic", "LogisticWithLoss", "Rectifier", "Saturation",
                           "Softplus", "Swish", "Tanh", "TanhLeCun"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        int has = fam_module_has("activations", N2D2_KIND_ACTIVATION, names[i]);
        if (has < 0)
            break; /* static plugin build */
        ck_assert_msg(has == 1, "n2d2-activations.so lacks %s", names[i]);
    }
    ck_assert_int_eq(fam_registry(&reg), N2D2_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("activations");
    TCase *tc = tcase_create("activations");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, hand_computed_values);
    tcase_add_test(tc, in_place_operation);
    tcase_add_test(tc, finite_differences_float64);
    tcase_add_test(tc, large_float32_tensor);
    tcase_add_test(tc, flags);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, schemas_list_the_manual_keys);
    tcase_add_test(tc, module_registers_every_activation);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
