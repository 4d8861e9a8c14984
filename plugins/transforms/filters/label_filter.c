/* LabelFilterTransformation (manual 21.5.16): Remove the listed labels,
 * Keep only them, or Merge them into the first one; removed labels become
 * DefaultLabel. Applies to the pixel-wise labels and to the stimulus label
 * (this framework has no ROIs). Labels are given by ID: a transformation
 * has no access to the database, so label names are refused with "not
 * implemented yet"; for the same reason DefaultLabel=-2 (the database's
 * default label) means -1 (ignored), the databases here having no default
 * label. The image is not changed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ff.h"

#define WHO "LabelFilterTransformation"
#define MAX_LABELS 1024
enum { REMOVE, KEEP, MERGE };

static const n2d2_param_spec label_filter_params[] = {
    {"Labels", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "space-separated label IDs to filter"},
    {"Filter", N2D2_PARAM_ENUM, "Remove", "Remove|Keep|Merge", 0, 0, 0,
     "Remove the labels, Keep only them, or Merge them into the first"},
    {"DefaultLabel", N2D2_PARAM_INT, "-2", NULL, -2, 2147483647, N2D2_PARAM_RANGE,
     "label put where labels are removed (-2: the database's, i.e. -1 here)"},
};

typedef struct label_filter {
    int filter;
    int32_t fallback;
    size_t n;
    int32_t ids[MAX_LABELS];
} label_filter;

static n2d2_status parse_labels(const n2d2_params *p, label_filter *f)
{
    const char *s = n2d2_params_string(p, "Labels");
    while (s && *s) {
        s += strspn(s, " \t,");
        if (!*s)
            break;
        size_t len = strcspn(s, " \t,");
        char *end;
        errno = 0;
        long id = strtol(s, &end, 10);
        if (end != s + len)
            return n2d2_params_error(p, "Labels", N2D2_ERR_NOT_IMPLEMENTED,
                                     "label names ('%.*s') are not implemented yet: a "
                                     "transformation has no access to the database, give label "
                                     "IDs",
                                     (int)len, s);
        if (errno || id < -1 || id > INT32_MAX)
            return n2d2_params_error(p, "Labels", N2D2_ERR_RANGE, "label ID '%.*s' out of range",
                                     (int)len, s);
        if (f->n == MAX_LABELS)
            return n2d2_params_error(p, "Labels", N2D2_ERR_RANGE, "at most %d labels", MAX_LABELS);
        f->ids[f->n++] = (int32_t)id;
        s += len;
    }
    if (f->n == 0)
        return n2d2_params_error(p, "Labels", N2D2_ERR_INVAL, "expected at least one label ID");
    return N2D2_OK;
}

static n2d2_status label_filter_create(const n2d2_params *p, void **state)
{
    label_filter *f = calloc(1, sizeof *f);
    if (!f)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    f->filter = n2d2_params_enum(p, "Filter");
    int64_t d = n2d2_params_int(p, "DefaultLabel");
    f->fallback = d == -2 ? -1 : (int32_t)d;
    n2d2_status st = parse_labels(p, f);
    if (st != N2D2_OK) {
        free(f);
        return st;
    }
    *state = f;
    return N2D2_OK;
}

static int32_t map(const label_filter *f, int32_t l)
{
    int listed = 0;
    for (size_t i = 0; i < f->n && !listed; ++i)
        listed = f->ids[i] == l;
    switch (f->filter) {
    case REMOVE: return listed ? f->fallback : l;
    case KEEP: return listed ? l : f->fallback;
    default: return listed ? f->ids[0] : l;
    }
}

static n2d2_status label_filter_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                      int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)data;
    (void)set;
    (void)rng;
    const label_filter *f = state;
    *label = map(f, *label);
    if (!*labels)
        return N2D2_OK;
    if (n2d2_tensor_dtype(*labels) != N2D2_INT32)
        return n2d2_error(N2D2_ERR_INVAL, "%s: pixel-wise labels must be Int32, got %s", WHO,
                          n2d2_dtype_name(n2d2_tensor_dtype(*labels)));
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_clone(*labels, &out); /* may be shared with a cache */
    if (st != N2D2_OK)
        return st;
    int32_t *l = n2d2_tensor_data(out);
    for (size_t i = 0; i < n2d2_tensor_numel(out); ++i)
        l[i] = map(f, l[i]);
    n2d2_tensor_release(*labels);
    *labels = out;
    return N2D2_OK;
}

static const n2d2_transform_ops label_filter_ops = {sizeof(n2d2_transform_ops),
                                                    0,
                                                    label_filter_create,
                                                    label_filter_apply,
                                                    tf_same_shape,
                                                    free,
                                                    {0}};

const n2d2_feature ff_label_filter_feature = {sizeof(n2d2_feature),
                                              N2D2_KIND_TRANSFORM,
                                              "LabelFilterTransformation",
                                              NULL,
                                              "remove, keep or merge labels (by ID)",
                                              label_filter_params,
                                              TF_COUNT_OF(label_filter_params),
                                              &label_filter_ops,
                                              0,
                                              {0}};
