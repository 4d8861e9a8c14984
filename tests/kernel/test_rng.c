/* Seeded RNG streams: reproducibility, independence, distributions. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "n2d2/n2d2.h"
#include "check_run.h"

START_TEST(same_seed_and_stream_repeat)
{
    n2d2_rng a, b;
    n2d2_rng_seed(&a, 42, 3);
    n2d2_rng_seed(&b, 42, 3);
    for (int i = 0; i < 1000; ++i)
        ck_assert_uint_eq(n2d2_rng_u64(&a), n2d2_rng_u64(&b));
}
END_TEST

START_TEST(streams_and_seeds_differ)
{
    n2d2_rng a, b, c;
    n2d2_rng_seed(&a, 42, 0);
    n2d2_rng_seed(&b, 42, 1);
    n2d2_rng_seed(&c, 43, 0);
    int same_ab = 0, same_ac = 0;
    for (int i = 0; i < 100; ++i) {
        uint64_t x = n2d2_rng_u64(&a), y = n2d2_rng_u64(&b), z = n2d2_rng_u64(&c);
        same_ab += x == y;
        same_ac += x == z;
    }
    ck_assert_int_eq(same_ab, 0);
    ck_assert_int_eq(same_ac, 0);
}
END_TEST

START_TEST(uniform_and_normal_moments)
{
    n2d2_rng r;
    n2d2_rng_seed(&r, 7, 0);
    const int n = 200000;
    double sum = 0, sum2 = 0, nsum = 0, nsum2 = 0;
    for (int i = 0; i < n; ++i) {
        double u = n2d2_rng_uniform(&r);
        ck_assert(u >= 0.0 && u < 1.0);
        sum += u;
        sum2 += u * u;
        double g = n2d2_rng_normal(&r, 2.0, 0.5);
        nsum += g;
        nsum2 += g * g;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    ck_assert_double_eq_tol(mean, 0.5, 0.005);
    ck_assert_double_eq_tol(var, 1.0 / 12.0, 0.002);
    double nmean = nsum / n, nvar = nsum2 / n - nmean * nmean;
    ck_assert_double_eq_tol(nmean, 2.0, 0.01);
    ck_assert_double_eq_tol(sqrt(nvar), 0.5, 0.01);
}
END_TEST

START_TEST(below_is_in_range_and_covers_it)
{
    n2d2_rng r;
    n2d2_rng_seed(&r, 1, 0);
    int seen[7] = {0};
    for (int i = 0; i < 7000; ++i) {
        uint64_t v = n2d2_rng_below(&r, 7);
        ck_assert_uint_lt(v, 7);
        seen[v]++;
    }
    for (int k = 0; k < 7; ++k)
        ck_assert_int_gt(seen[k], 850);
    ck_assert_uint_eq(n2d2_rng_below(&r, 0), 0);
}
END_TEST

START_TEST(shuffle_is_a_permutation_and_reproducible)
{
    size_t a[50], b[50];
    for (size_t i = 0; i < 50; ++i)
        a[i] = b[i] = i;
    n2d2_rng r1, r2;
    n2d2_rng_seed(&r1, 5, N2D2_RNG_SHUFFLE);
    n2d2_rng_seed(&r2, 5, N2D2_RNG_SHUFFLE);
    n2d2_rng_shuffle(&r1, a, 50);
    n2d2_rng_shuffle(&r2, b, 50);
    int moved = 0, seen[50] = {0};
    for (size_t i = 0; i < 50; ++i) {
        ck_assert_uint_eq(a[i], b[i]);
        seen[a[i]]++;
        moved += a[i] != i;
    }
    for (size_t i = 0; i < 50; ++i)
        ck_assert_int_eq(seen[i], 1);
    ck_assert_int_gt(moved, 40);
}
END_TEST

START_TEST(split_gives_independent_child)
{
    n2d2_rng parent, again, child;
    n2d2_rng_seed(&parent, 9, 0);
    n2d2_rng_seed(&again, 9, 0);
    n2d2_rng_split(&parent, &child);
    n2d2_rng_u64(&again); /* the split advanced the parent by one draw */
    ck_assert_uint_eq(n2d2_rng_u64(&parent), n2d2_rng_u64(&again));
    ck_assert_uint_ne(n2d2_rng_u64(&child), n2d2_rng_u64(&parent));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, same_seed_and_stream_repeat);
    tcase_add_test(tc, streams_and_seeds_differ);
    tcase_add_test(tc, uniform_and_normal_moments);
    tcase_add_test(tc, below_is_in_range_and_covers_it);
    tcase_add_test(tc, shuffle_is_a_permutation_and_reproducible);
    tcase_add_test(tc, split_gives_independent_child);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
