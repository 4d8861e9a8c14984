/* Per-label (or global count) partition of N2D2's generic drivers. The
 * manual's DIR_Database example (lines 5341-5364: Learn=0.4,
 * Validation=0.2, smallest label 123 -> 49 and 25 per label) fixes the
 * rounding to nearest (checklist A14). */
#include "partition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct group {
    int label;
    size_t *items;
    size_t n;
} group;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static const char *label_str(const n2d2_database *db, int label)
{
    const char *s = label < 0 ? "(no label)" : n2d2_database_label_name(db, label);
    return s ? s : "?";
}

/* Split the stimuli into groups by label id, in increasing id order. */
static n2d2_status make_groups(const int *labels, size_t n, group **out, size_t *n_groups)
{
    int *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    memcpy(ids, labels, n * sizeof *ids);
    qsort(ids, n, sizeof *ids, cmp_int);
    size_t g = 0;
    for (size_t i = 0; i < n; ++i)
        if (i == 0 || ids[i] != ids[i - 1])
            ids[g++] = ids[i];
    group *groups = calloc(g ? g : 1, sizeof *groups);
    size_t *store = malloc((n ? n : 1) * sizeof *store);
    if (!groups || !store) {
        free(ids);
        free(groups);
        free(store);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < g; ++k)
        groups[k].label = ids[k];
    for (size_t i = 0; i < n; ++i) {
        group *gr = bsearch(&labels[i], groups, g, sizeof *groups, cmp_int);
        ++gr->n;
    }
    size_t off = 0;
    for (size_t k = 0; k < g; ++k) {
        groups[k].items = store + off;
        off += groups[k].n;
        groups[k].n = 0;
    }
    for (size_t i = 0; i < n; ++i) {
        group *gr = bsearch(&labels[i], groups, g, sizeof *groups, cmp_int);
        gr->items[gr->n++] = i;
    }
    free(ids);
    *out = groups;
    *n_groups = g;
    return N2D2_OK;
}

static void free_groups(group *groups)
{
    if (groups)
        free(groups[0].items);
    free(groups);
}

/* Give the first counts[s] members of `items` (shuffled first with rng) the
 * sets Learn, Validation, Test in turn; the rest stay Unpartitioned. */
static void deal(size_t *items, size_t n, const size_t counts[3], n2d2_rng *rng, n2d2_set *sets)
{
    if (rng)
        n2d2_rng_shuffle(rng, items, n);
    size_t i = 0;
    for (int s = 0; s < 3; ++s)
        for (size_t k = 0; k < counts[s]; ++k)
            sets[items[i++]] = (n2d2_set)s;
    for (; i < n; ++i)
        sets[items[i]] = N2D2_SET_UNPARTITIONED;
}

static size_t round_count(double x) { return (size_t)llround(x); }

static n2d2_status per_label(const n2d2_params *p, const n2d2_database *db, group *groups,
                             size_t n_groups, const double frac[3], int test_given, int equiv,
                             n2d2_rng *rng, n2d2_set *sets, size_t totals[3])
{
    static const char *const keys[3] = {"Learn", "Validation", "Test"};
    for (int s = 0; s < 3; ++s)
        if (frac[s] > 1.0)
            return n2d2_params_error(p, keys[s], N2D2_ERR_RANGE,
                                     "%s=%g is a fraction (PerLabelPartitioning=1) and must be "
                                     "at most 1", keys[s], frac[s]);
    double sum = frac[0] + frac[1] + (test_given ? frac[2] : 0.0);
    if (sum > 1.0 + 1e-9)
        return n2d2_params_error(p, test_given ? "Test" : "Validation", N2D2_ERR_RANGE,
                                 "Learn + Validation%s = %g: the fractions must not exceed 1",
                                 test_given ? " + Test" : "", sum);
    size_t smallest = 0;
    for (size_t g = 1; g < n_groups; ++g)
        if (groups[g].n < groups[smallest].n)
            smallest = g;
    for (size_t g = 0; g < n_groups; ++g) {
        size_t n = groups[g].n, base = equiv ? groups[smallest].n : n, c[3];
        c[0] = round_count(frac[0] * (double)base);
        c[1] = round_count(frac[1] * (double)base);
        if (c[0] > n)
            c[0] = n;
        if (c[1] > n - c[0])
            c[1] = n - c[0];
        c[2] = n - c[0] - c[1];
        if (test_given && round_count(frac[2] * (double)n) < c[2])
            c[2] = round_count(frac[2] * (double)n);
        deal(groups[g].items, n, c, rng, sets);
        for (int s = 0; s < 3; ++s)
            totals[s] += c[s];
    }
    for (int s = 0; s < 3; ++s)
        if (frac[s] > 0.0 && (s < 2 || test_given) && totals[s] == 0)
            return n2d2_params_error(p, keys[s], N2D2_ERR_RANGE,
                                     "%s=%g leaves the %s set empty: the %slabel '%s' has only "
                                     "%zu stimuli", keys[s], frac[s], n2d2_set_name((n2d2_set)s),
                                     equiv ? "smallest " : "", label_str(db, groups[smallest].label),
                                     groups[smallest].n);
    return N2D2_OK;
}

static n2d2_status by_count(const n2d2_params *p, size_t n, const double val[3], int test_given,
                            n2d2_rng *rng, n2d2_set *sets, size_t totals[3])
{
    static const char *const keys[3] = {"Learn", "Validation", "Test"};
    size_t c[3], used = 0;
    for (int s = 0; s < 3; ++s) {
        if (s == 2 && !test_given) {
            c[2] = n - used;
            break;
        }
        if (val[s] != floor(val[s]))
            return n2d2_params_error(p, keys[s], N2D2_ERR_RANGE,
                                     "%s=%g must be a number of stimuli (PerLabelPartitioning=0)",
                                     keys[s], val[s]);
        c[s] = (size_t)val[s];
        if (val[s] > (double)(n - used))
            return n2d2_params_error(p, keys[s], N2D2_ERR_RANGE,
                                     "%s=%g stimuli requested but only %zu are left (%zu in all)",
                                     keys[s], val[s], n - used, n);
        used += c[s];
    }
    size_t *items = malloc((n ? n : 1) * sizeof *items);
    if (!items)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; ++i)
        items[i] = i;
    deal(items, n, c, rng, sets);
    free(items);
    for (int s = 0; s < 3; ++s)
        totals[s] = c[s];
    return N2D2_OK;
}

n2d2_dbpart n2d2_dbpart_from_params(const n2d2_params *p)
{
    n2d2_dbpart o = {n2d2_params_float(p, "Learn"), n2d2_params_float(p, "Validation"),
                     n2d2_params_float(p, "Test"), n2d2_params_given(p, "Test"),
                     n2d2_params_bool(p, "PerLabelPartitioning"),
                     n2d2_params_bool(p, "EquivLabelPartitioning")};
    return o;
}

n2d2_status n2d2_dbpart_assign(const n2d2_params *p, const n2d2_dbpart *o,
                               const n2d2_database *db, const int *labels, size_t n,
                               n2d2_rng *rng, const char *what, n2d2_set *sets)
{
    if (n == 0)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s: no stimulus found", what);
    double v[3] = {o->learn, o->validation, o->test};
    static const char *const keys[3] = {"Learn", "Validation", "Test"};
    for (int s = 0; s < 3; ++s)
        if (!(v[s] >= 0.0)) /* also NaN */
            return n2d2_params_error(p, keys[s], N2D2_ERR_RANGE, "%s=%g must not be negative",
                                     keys[s], v[s]);
    size_t totals[3] = {0, 0, 0};
    n2d2_status st;
    if (o->per_label) {
        group *groups = NULL;
        size_t n_groups = 0;
        st = make_groups(labels, n, &groups, &n_groups);
        if (st == N2D2_OK)
            st = per_label(p, db, groups, n_groups, v, o->test_given, o->equiv, rng, sets, totals);
        free_groups(groups);
    } else {
        st = by_count(p, n, v, o->test_given, rng, sets, totals);
    }
    if (st == N2D2_OK)
        n2d2_log_info("%s: %zu stimuli, %zu learn, %zu validation, %zu test", what, n, totals[0],
                      totals[1], totals[2]);
    return st;
}
