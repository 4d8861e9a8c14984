/* Target / TargetScore: per item, the target vector is DefaultValue
 * everywhere and TargetValue at the output of the item's class; the
 * gradient is output - target (d of 0.5*||y - t||^2, and the cross-entropy
 * gradient when a *WithLoss activation passes it through), zero for padding
 * and ignored items; the estimated class (argmax, or the threshold for a
 * single output) fills the confusion matrix of the set.
 * With pixel-wise labels ([sp] CompositeStimuli=1) and an output of more
 * than one pixel, each pixel gets its own class from the label map
 * (target_pixel.c). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "target_internal.h"

enum { LOSS_MSE = 0, LOSS_CROSS_ENTROPY = 1 };

/* Probabilities are clamped before log() so a saturated output gives a
 * large finite loss rather than inf. */
#define CE_EPSILON 1e-12

typedef struct set_stats {
    n2d2_tgt_confusion cm;
    uint64_t topn_ok, counted;
} set_stats;

typedef struct target {
    char *section;
    size_t c, hw, per_item; /* channels, pixels per channel, C*H*W */
    double target_value, default_value, binary_threshold;
    unsigned top_n;
    int loss_kind;
    n2d2_tgt_mapping map;
    set_stats stats[N2D2_SET_COUNT];
    const n2d2_stimuli *stimuli; /* label maps, or NULL */
    int weak;                    /* WeakTarget */
    size_t h, w;                 /* output pixels */
    int *pcls;                   /* [hw] classes of one item's pixels */
    /* scratch, grown on demand */
    int *cls;
    size_t cls_cap;
    double *y, *g;
} target;

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void target_destroy(void *state)
{
    target *t = state;
    if (!t)
        return;
    n2d2_tgt_mapping_free(&t->map);
    for (int s = 0; s < N2D2_SET_COUNT; ++s)
        n2d2_tgt_confusion_free(&t->stats[s].cm);
    free(t->cls);
    free(t->pcls);
    free(t->y);
    free(t->g);
    free(t->section);
    free(t);
}

/* Keys of features this plugin does not have yet: accepted at their
 * default, an error otherwise. */
static n2d2_status check_not_implemented(const n2d2_params *p)
{
    struct {
        const char *key;
        int non_default;
        const char *what;
    } keys[] = {
        {"DataAsTarget", n2d2_params_bool(p, "DataAsTarget") != 0,
         "the input data as target (auto-encoders)"},
        {"MaskLabelTarget", n2d2_params_string(p, "MaskLabelTarget")[0] != '\0',
         "masking by another target"},
        {"MaskedLabel", n2d2_params_int(p, "MaskedLabel") != -1, "masking by another target"},
        {"MaskedLabelValue", n2d2_params_bool(p, "MaskedLabelValue") != 0,
         "masking by another target"},
        {"NoDisplayLabel", n2d2_params_int(p, "NoDisplayLabel") != -1,
         "estimated-output images"},
        {"LabelsHueOffset", n2d2_params_int(p, "LabelsHueOffset") != 0,
         "estimated-output images"},
        {"EstimatedLabelsValueDisplay", n2d2_params_bool(p, "EstimatedLabelsValueDisplay") != 0,
         "estimated-output images"},
        {"ValueThreshold", n2d2_params_float(p, "ValueThreshold") != 0.0,
         "estimated-output logs"},
        {"ImageLogFormat", strcmp(n2d2_params_string(p, "ImageLogFormat"), "jpg") != 0,
         "estimated-output images"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; ++i)
        if (keys[i].non_default)
            return n2d2_params_error(p, keys[i].key, N2D2_ERR_NOT_IMPLEMENTED,
                                     "%s: %s is not implemented yet (leave the key at its default)",
                                     keys[i].key, keys[i].what);
    return N2D2_OK;
}

static const char *ctx_ini_dir(const n2d2_target_context *ctx)
{
    size_t end = offsetof(n2d2_target_context, ini_dir) + sizeof ctx->ini_dir;
    return ctx->struct_size >= end ? ctx->ini_dir : NULL;
}

/* LabelsMapping relative to the INI directory the host gives, else to the
 * directory of the file the key was written in ("dir/net.ini:12"). */
static char *resolve_path(const char *path, const n2d2_target_context *ctx,
                          const n2d2_params *p)
{
    if (path[0] == '/')
        return dup_str(path);
    const char *dir = ctx_ini_dir(ctx);
    size_t dir_len = dir ? strlen(dir) : 0;
    if (!dir_len) {
        dir = n2d2_params_where(p, "LabelsMapping");
        const char *slash = strrchr(dir, '/');
        dir_len = slash ? (size_t)(slash - dir) : 0;
        if (slash == dir)
            dir_len = 1; /* "/net.ini:3" */
    }
    if (!dir_len)
        return dup_str(path);
    size_t n = dir_len + strlen(path) + 2;
    char *full = malloc(n);
    if (full)
        snprintf(full, n, "%.*s%s%s", (int)dir_len, dir, dir[dir_len - 1] == '/' ? "" : "/",
                 path);
    return full;
}

static n2d2_status target_create(const n2d2_params *p, const n2d2_target_context *ctx,
                                 void **state)
{
    *state = NULL;
    if (!ctx || !p || !ctx->output_shape)
        return n2d2_error(N2D2_ERR_INVAL, "target: missing parameters or output shape");
    const char *section = ctx->section ? ctx->section : "Target";
    const n2d2_shape *shape = ctx->output_shape;
    if (shape->ndim < 1 || shape->ndim > 3 || n2d2_shape_numel(shape) == 0) {
        char buf[96];
        return n2d2_error(N2D2_ERR_SHAPE,
                          "%s: %s: a target needs an output of {C[, H[, W]]} per item, got %s",
                          ctx->where ? ctx->where : "", section,
                          n2d2_shape_str(shape->dims, shape->ndim, buf, sizeof buf));
    }
    n2d2_status st = check_not_implemented(p);
    if (st != N2D2_OK)
        return st;

    target *t = calloc(1, sizeof *t);
    if (!t)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    t->c = shape->dims[0];
    t->per_item = n2d2_shape_numel(shape);
    t->hw = t->per_item / t->c;
    t->h = shape->ndim >= 2 ? shape->dims[1] : 1;
    t->w = shape->ndim >= 3 ? shape->dims[2] : 1;
    t->stimuli = ctx->stimuli;
    t->weak = (int)n2d2_params_int(p, "WeakTarget");
    t->target_value = n2d2_params_float(p, "TargetValue");
    t->default_value = n2d2_params_float(p, "DefaultValue");
    t->binary_threshold = n2d2_params_float(p, "BinaryThreshold");
    t->top_n = (unsigned)n2d2_params_uint(p, "TopN");
    t->loss_kind = n2d2_params_enum(p, "Loss");
    t->section = dup_str(section);
    t->y = malloc(t->per_item * sizeof *t->y);
    t->g = malloc(t->per_item * sizeof *t->g);
    t->pcls = malloc(t->hw * sizeof *t->pcls);
    if (!t->section || !t->y || !t->g || !t->pcls) {
        target_destroy(t);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    if (t->c == 1 && t->top_n != 1)
        st = n2d2_params_error(p, "TopN", N2D2_ERR_RANGE,
                               "TopN=%u: a single (binary) output has one estimate, use TopN=1",
                               t->top_n);
    else if (t->c > 1 && t->top_n > t->c)
        st = n2d2_params_error(p, "TopN", N2D2_ERR_RANGE,
                               "TopN=%u exceeds the %zu outputs of cell %s", t->top_n, t->c,
                               ctx->cell_name ? ctx->cell_name : "?");
    if (st == N2D2_OK) {
        const char *mapping = n2d2_params_string(p, "LabelsMapping");
        char *path = mapping[0] ? resolve_path(mapping, ctx, p) : NULL;
        if (mapping[0] && !path)
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        else
            st = n2d2_tgt_mapping_init(&t->map, ctx->database, t->c, path,
                                       n2d2_params_where(p, "LabelsMapping"),
                                       n2d2_params_bool(p, "CreateMissingLabels"));
        free(path);
    }
    for (int s = 0; st == N2D2_OK && s < N2D2_SET_COUNT; ++s)
        st = n2d2_tgt_confusion_init(&t->stats[s].cm, t->map.n_classes);
    if (st != N2D2_OK) {
        target_destroy(t);
        return st;
    }
    *state = t;
    return N2D2_OK;
}

/* ---- element access for the float dtypes ---- */

static int is_float(n2d2_dtype d)
{
    return d == N2D2_FLOAT32 || d == N2D2_FLOAT64 || d == N2D2_FLOAT16;
}

static void load(const n2d2_tensor *x, size_t off, size_t n, double *dst)
{
    switch (n2d2_tensor_dtype(x)) {
    case N2D2_FLOAT32: {
        const float *p = (const float *)n2d2_tensor_cdata(x) + off;
        for (size_t i = 0; i < n; ++i)
            dst[i] = p[i];
        break;
    }
    case N2D2_FLOAT64:
        memcpy(dst, (const double *)n2d2_tensor_cdata(x) + off, n * sizeof *dst);
        break;
    default:
        for (size_t i = 0; i < n; ++i)
            dst[i] = n2d2_tensor_get(x, off + i);
    }
}

static void store(n2d2_tensor *x, size_t off, size_t n, const double *src)
{
    switch (n2d2_tensor_dtype(x)) {
    case N2D2_FLOAT32: {
        float *p = (float *)n2d2_tensor_data(x) + off;
        for (size_t i = 0; i < n; ++i)
            p[i] = (float)src[i];
        break;
    }
    case N2D2_FLOAT64:
        memcpy((double *)n2d2_tensor_data(x) + off, src, n * sizeof *src);
        break;
    default:
        for (size_t i = 0; i < n; ++i)
            n2d2_tensor_set(x, off + i, src[i]);
    }
}

static void store_zero(n2d2_tensor *x, size_t off, size_t n)
{
    n2d2_dtype d = n2d2_tensor_dtype(x);
    if (d == N2D2_FLOAT32 || d == N2D2_FLOAT64) {
        size_t size = n2d2_dtype_size(d);
        memset((char *)n2d2_tensor_data(x) + off * size, 0, n * size);
        return;
    }
    for (size_t i = 0; i < n; ++i)
        n2d2_tensor_set(x, off + i, 0.0);
}

/* ---- one valid item ---- */

/* Multi-output item: target, gradient, loss and statistics per pixel. */
static double item_multi(target *t, int cls, set_stats *st)
{
    const double *y = t->y;
    double loss = 0.0;
    for (size_t c = 0; c < t->c; ++c)
        for (size_t p = 0; p < t->hw; ++p) {
            double d = y[c * t->hw + p] - ((int)c == cls ? t->target_value : t->default_value);
            t->g[c * t->hw + p] = d;
            if (t->loss_kind == LOSS_MSE)
                loss += 0.5 * d * d;
        }
    for (size_t p = 0; p < t->hw; ++p) {
        double yc = y[(size_t)cls * t->hw + p];
        if (t->loss_kind == LOSS_CROSS_ENTROPY)
            loss -= log(yc > CE_EPSILON ? yc : CE_EPSILON);
        /* argmax, first index on ties; rank of the class with the same
         * tie rule, so TopN=1 success is exactly estimated == class */
        size_t best = 0, rank = 0;
        for (size_t c = 0; c < t->c; ++c) {
            double v = y[c * t->hw + p];
            if (v > y[best * t->hw + p])
                best = c;
            if (v > yc || (v == yc && (int)c < cls))
                ++rank;
        }
        n2d2_tgt_confusion_add(&st->cm, (size_t)cls, best);
        st->topn_ok += rank < t->top_n;
        st->counted++;
    }
    return loss;
}

/* Single output: class 1 ↔ TargetValue, class 0 ↔ DefaultValue; the
 * estimate is 1 above BinaryThreshold. */
static double item_binary(target *t, int cls, set_stats *st)
{
    double loss = 0.0;
    for (size_t p = 0; p < t->hw; ++p) {
        double y = t->y[p];
        double d = y - (cls ? t->target_value : t->default_value);
        t->g[p] = d;
        if (t->loss_kind == LOSS_MSE) {
            loss += 0.5 * d * d;
        } else {
            double q = cls ? y : 1.0 - y;
            loss -= log(q > CE_EPSILON ? q : CE_EPSILON);
        }
        int est = y > t->binary_threshold;
        n2d2_tgt_confusion_add(&st->cm, (size_t)cls, (size_t)est);
        st->topn_ok += est == cls;
        st->counted++;
    }
    return loss;
}

static n2d2_status check_tensor(const target *t, const n2d2_tensor *x, const char *what)
{
    char buf[96];
    if (!is_float(n2d2_tensor_dtype(x)))
        return n2d2_error(N2D2_ERR_UNSUPPORTED, "%s: %s has type %s, a float type is needed",
                          t->section, what, n2d2_dtype_name(n2d2_tensor_dtype(x)));
    size_t n = n2d2_tensor_ndim(x) ? n2d2_tensor_dim(x, 0) : 0;
    if (n2d2_tensor_ndim(x) < 1 || n2d2_tensor_numel(x) != n * t->per_item)
        return n2d2_error(N2D2_ERR_SHAPE, "%s: %s is %s, expected {N} x %zu values per item",
                          t->section, what,
                          n2d2_shape_str(n2d2_tensor_dims(x), n2d2_tensor_ndim(x), buf, sizeof buf),
                          t->per_item);
    return N2D2_OK;
}

/* The pixel-wise path: one sample per output pixel. */
static n2d2_status process_pixels(target *t, const n2d2_tensor *output, const n2d2_tensor *maps,
                                  size_t count, n2d2_tensor *grad, n2d2_set set, double *loss)
{
    size_t batch = n2d2_tensor_dim(output, 0);
    if (n2d2_tensor_ndim(maps) != 4 || n2d2_tensor_dim(maps, 0) != batch ||
        n2d2_tensor_dim(maps, 1) != 1 || n2d2_tensor_dtype(maps) != N2D2_INT32)
        return n2d2_error(N2D2_ERR_SHAPE, "%s: the label maps are not {%zu, 1, H, W} Int32",
                          t->section, batch);
    size_t lh = n2d2_tensor_dim(maps, 2), lw = n2d2_tensor_dim(maps, 3);
    const int32_t *m = n2d2_tensor_cdata(maps);
    n2d2_tgt_pixel_params p = {t->c, t->hw, t->target_value, t->default_value,
                               t->binary_threshold, t->top_n, t->loss_kind == LOSS_CROSS_ENTROPY};
    set_stats *stats = &t->stats[set];
    /* Every label first: an error leaves statistics and gradient alone. */
    for (size_t i = 0; i < count; ++i) {
        n2d2_status st = n2d2_tgt_pixel_classes(&t->map, m + i * lh * lw, lh, lw, t->h, t->w,
                                                t->weak, t->section, t->pcls);
        if (st != N2D2_OK)
            return n2d2_error_prefix("item %zu of the batch", i);
    }
    double sum = 0.0;
    size_t valid_items = 0;
    for (size_t i = 0; i < batch; ++i) {
        size_t off = i * t->per_item, valid = 0;
        if (i < count) {
            n2d2_status st = n2d2_tgt_pixel_classes(&t->map, m + i * lh * lw, lh, lw, t->h, t->w,
                                                    t->weak, t->section, t->pcls);
            if (st != N2D2_OK) /* checked above: only out of memory */
                return st;
            load(output, off, t->per_item, t->y);
            sum += n2d2_tgt_pixel_item(&p, t->y, t->pcls, t->g, &stats->cm, &stats->topn_ok,
                                       &stats->counted, &valid);
        }
        if (valid)
            ++valid_items;
        if (grad && valid)
            store(grad, off, t->per_item, t->g);
        else if (grad)
            store_zero(grad, off, t->per_item);
    }
    if (loss)
        *loss = valid_items ? sum / (double)valid_items : 0.0;
    return N2D2_OK;
}

static n2d2_status target_process(void *state, const n2d2_tensor *output, const int *labels,
                                  size_t count, n2d2_tensor *grad, n2d2_set set, double *loss)
{
    target *t = state;
    if (!t || !output)
        return n2d2_error(N2D2_ERR_INVAL, "target: no output tensor");
    if ((unsigned)set >= N2D2_SET_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "%s: invalid set %d", t->section, (int)set);
    n2d2_status st = check_tensor(t, output, "the output");
    if (st != N2D2_OK)
        return st;
    size_t batch = n2d2_tensor_dim(output, 0);
    if (count > batch)
        return n2d2_error(N2D2_ERR_INVAL, "%s: %zu valid items in a batch of %zu", t->section,
                          count, batch);
    if (count && !labels)
        return n2d2_error(N2D2_ERR_INVAL, "%s: no labels", t->section);
    if (grad) {
        if (!n2d2_tensor_same_shape(grad, output))
            return n2d2_error(N2D2_ERR_SHAPE, "%s: gradient and output shapes differ",
                              t->section);
        if ((st = check_tensor(t, grad, "the gradient")) != N2D2_OK)
            return st;
    }
    const n2d2_tensor *maps = t->stimuli ? n2d2_stimuli_label_maps(t->stimuli) : NULL;
    if (maps && t->hw > 1)
        return process_pixels(t, output, maps, count, grad, set, loss);
    if (batch > t->cls_cap) {
        int *c = realloc(t->cls, batch * sizeof *c);
        if (!c)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        t->cls = c;
        t->cls_cap = batch;
    }
    /* Every label first: an error leaves statistics and gradient alone. */
    for (size_t i = 0; i < count; ++i)
        if ((st = n2d2_tgt_mapping_class(&t->map, labels[i], t->section, &t->cls[i])) != N2D2_OK)
            return n2d2_error_prefix("item %zu of the batch", i);

    set_stats *stats = &t->stats[set];
    double sum = 0.0;
    size_t valid = 0;
    for (size_t i = 0; i < batch; ++i) {
        size_t off = i * t->per_item;
        if (i >= count || t->cls[i] < 0) {
            if (grad)
                store_zero(grad, off, t->per_item);
            continue;
        }
        load(output, off, t->per_item, t->y);
        sum += t->c > 1 ? item_multi(t, t->cls[i], stats) : item_binary(t, t->cls[i], stats);
        ++valid;
        if (grad)
            store(grad, off, t->per_item, t->g);
    }
    if (loss)
        *loss = valid ? sum / (double)valid : 0.0;
    return N2D2_OK;
}

static void target_reset(void *state, n2d2_set set)
{
    target *t = state;
    if (!t || (unsigned)set >= N2D2_SET_COUNT)
        return;
    n2d2_tgt_confusion_clear(&t->stats[set].cm);
    t->stats[set].topn_ok = t->stats[set].counted = 0;
}

static n2d2_status target_score(void *state, n2d2_set set, const char *metric, double *value)
{
    target *t = state;
    if (!t || !value || (unsigned)set >= N2D2_SET_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "target score: invalid arguments");
    const set_stats *s = &t->stats[set];
    if (!metric || !metric[0]) {
        *value = s->counted ? (double)s->topn_ok / (double)s->counted : 0.0;
        return N2D2_OK;
    }
    n2d2_tgt_metric m;
    int average;
    if (!n2d2_tgt_metric_parse(metric, &m, &average)) {
        char list[512];
        size_t len = 0;
        for (int i = 0; i < N2D2_TGT_METRIC_COUNT && len < sizeof list; ++i)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                    n2d2_tgt_metric_name((n2d2_tgt_metric)i));
        return n2d2_error(N2D2_ERR_NOT_FOUND,
                          "%s: unknown metric '%s'; valid: %s (on the counts summed over the "
                          "classes), the same names prefixed with 'Average' (mean over the "
                          "classes), or '' (recognition rate)",
                          t->section, metric, list);
    }
    if (average) {
        *value = n2d2_tgt_metric_average(m, &s->cm);
    } else {
        n2d2_tgt_counts n = n2d2_tgt_aggregate_counts(&s->cm);
        *value = n2d2_tgt_metric_value(m, &n);
    }
    return N2D2_OK;
}

static n2d2_status target_report(void *state, n2d2_set set, const char *dir)
{
    target *t = state;
    if (!t || !dir || (unsigned)set >= N2D2_SET_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "target report: invalid arguments");
    const set_stats *s = &t->stats[set];
    const char *set_name = n2d2_tgt_set_file_name(set);
    n2d2_tgt_report_data d = {t->section, set_name, &t->map, &s->cm, s->topn_ok, s->counted,
                              t->top_n};
    struct {
        const char *suffix;
        n2d2_tgt_writer fn;
    } files[] = {
        {".dat", n2d2_tgt_write_matrix_dat},
        {".csv", n2d2_tgt_write_matrix_csv},
        {"_score.dat", n2d2_tgt_write_score_dat},
    };
    char name[96];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; ++i) {
        snprintf(name, sizeof name, "ConfusionMatrix_%s%s", set_name, files[i].suffix);
        n2d2_status st = n2d2_tgt_write_atomic(dir, name, files[i].fn, &d);
        if (st != N2D2_OK)
            return n2d2_error_prefix("%s", t->section);
    }
    if (n2d2_tgt_write_atomic(dir, "labels_mapping.log.dat", n2d2_tgt_write_mapping_log, &d) !=
        N2D2_OK)
        return n2d2_error_prefix("%s", t->section);
    return N2D2_OK;
}

const n2d2_target_ops n2d2_tgt_score_ops = {
    (uint32_t)sizeof(n2d2_target_ops),
    target_create,
    target_process,
    target_reset,
    target_score,
    target_report,
    target_destroy,
    {0, 0, 0, 0},
};
