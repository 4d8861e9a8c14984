/* AffineTransformation (manual 21.5.1): f(A) = (A op1 B1) op2 B2, element
 * wise, with B1 and B2 matrices read from text files. A matrix file holds
 * one row per non-empty line, numbers separated by spaces, tabs or commas;
 * lines starting with '#' are comments; a relative path is taken from the
 * working directory. It must be H x W (applied to every
 * channel) or have C*H rows (channel planes stacked). The output is
 * floating point (Float64 stays Float64, the rest becomes Float32);
 * division by a zero element gives an IEEE infinity/NaN, as element-wise
 * matrix division does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ff.h"

#define WHO "AffineTransformation"

static const n2d2_param_spec affine_params[] = {
    {"FirstOperator", N2D2_PARAM_ENUM, NULL, TF_OPERATORS, 0, 0, N2D2_PARAM_REQUIRED,
     "first element-wise operator: Plus, Minus, Multiplies or Divides"},
    {"FirstValue", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "file of the first matrix (text: one row per line)"},
    {"SecondOperator", N2D2_PARAM_ENUM, "Plus", TF_OPERATORS, 0, 0, 0, "second operator"},
    {"SecondValue", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "file of the second matrix (empty: no second operation)"},
};

typedef struct matrix {
    size_t rows, cols;
    double *v;
} matrix;

typedef struct affine {
    int op[2];
    matrix m[2]; /* m[1].v NULL: no second operation */
} affine;

static n2d2_status grow(matrix *m, size_t *cap)
{
    size_t n = *cap ? *cap * 2 : 256;
    double *v = realloc(m->v, n * sizeof *v);
    if (!v)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    m->v = v;
    *cap = n;
    return N2D2_OK;
}

/* N2D2 also reads OpenCV images and its own binary `.bin` matrices: refused
 * by extension rather than misread as text. */
static int binary_format(const char *path)
{
    static const char *const ext[] = {".bin", ".png", ".jpg", ".jpeg", ".bmp",  ".tif", ".tiff",
                                      ".pgm", ".ppm", ".pbm", ".pnm",  ".webp", ".jp2", ".exr"};
    size_t n = strlen(path);
    for (size_t i = 0; i < TF_COUNT_OF(ext); ++i) {
        size_t k = strlen(ext[i]);
        if (n > k && strcasecmp(path + n - k, ext[i]) == 0)
            return 1;
    }
    return 0;
}

/* Parse a text matrix; errors name file:line. */
static n2d2_status load_matrix(const n2d2_params *p, const char *key, matrix *m)
{
    const char *path = n2d2_params_string(p, key);
    if (binary_format(path))
        return n2d2_params_error(p, key, N2D2_ERR_NOT_IMPLEMENTED,
                                 "matrix file '%s': image and .bin matrices are not implemented "
                                 "yet, give a text matrix (one row per line)",
                                 path);
    FILE *f = fopen(path, "r");
    if (!f)
        return n2d2_params_error(p, key, N2D2_ERR_NOT_FOUND, "cannot open matrix file '%s': %s",
                                 path, strerror(errno));
    char line[65536];
    size_t cap = 0, n = 0, lineno = 0;
    n2d2_status st = N2D2_OK;
    while (st == N2D2_OK && fgets(line, sizeof line, f)) {
        ++lineno;
        if (!strchr(line, '\n') && !feof(f)) {
            st = n2d2_error_at(N2D2_ERR_PARSE, path, (int)lineno, "line longer than %zu bytes",
                               sizeof line - 1);
            break;
        }
        size_t cols = 0;
        char *s = line;
        for (;;) {
            s += strspn(s, " \t,\r\n");
            if (!*s || *s == '#')
                break;
            char *end;
            double v = strtod(s, &end);
            if (end == s) {
                st = n2d2_error_at(N2D2_ERR_PARSE, path, (int)lineno,
                                   "expected a number at column %zu, got '%.20s'",
                                   (size_t)(s - line) + 1, s);
                break;
            }
            if (n == cap && (st = grow(m, &cap)) != N2D2_OK)
                break;
            m->v[n++] = v;
            ++cols;
            s = end;
        }
        if (st != N2D2_OK || cols == 0)
            continue;
        if (m->rows && cols != m->cols)
            st = n2d2_error_at(N2D2_ERR_PARSE, path, (int)lineno,
                               "row of %zu value(s), the previous rows have %zu", cols, m->cols);
        m->cols = cols;
        ++m->rows;
    }
    if (st == N2D2_OK && ferror(f))
        st = n2d2_error(N2D2_ERR_IO, "%s: read error", path);
    fclose(f);
    if (st == N2D2_OK && m->rows == 0)
        st = n2d2_params_error(p, key, N2D2_ERR_PARSE, "matrix file '%s' holds no value", path);
    return st;
}

static void affine_destroy(void *state)
{
    affine *a = state;
    if (!a)
        return;
    free(a->m[0].v);
    free(a->m[1].v);
    free(a);
}

static n2d2_status affine_create(const n2d2_params *p, void **state)
{
    affine *a = calloc(1, sizeof *a);
    if (!a)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    a->op[0] = n2d2_params_enum(p, "FirstOperator");
    a->op[1] = n2d2_params_enum(p, "SecondOperator");
    n2d2_status st = load_matrix(p, "FirstValue", &a->m[0]);
    const char *second = n2d2_params_string(p, "SecondValue");
    if (st == N2D2_OK && second && *second)
        st = load_matrix(p, "SecondValue", &a->m[1]);
    if (st != N2D2_OK) {
        affine_destroy(a);
        return st;
    }
    *state = a;
    return N2D2_OK;
}

static n2d2_status check_size(const matrix *m, const char *key, size_t c, size_t h, size_t w)
{
    if (m->cols == w && (m->rows == h || m->rows == c * h))
        return N2D2_OK;
    return n2d2_error(N2D2_ERR_SHAPE,
                      "%s: %s matrix is %zu x %zu, the data is %zu x %zu (x %zu channels): give "
                      "H x W or (C*H) x W values",
                      WHO, key, m->rows, m->cols, h, w, c);
}

static n2d2_status affine_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const affine *a = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0), h = n2d2_tensor_dim(*data, 1),
           w = n2d2_tensor_dim(*data, 2), plane = h * w;
    st = check_size(&a->m[0], "FirstValue", c, h, w);
    if (st == N2D2_OK && a->m[1].v)
        st = check_size(&a->m[1], "SecondValue", c, h, w);
    if (st != N2D2_OK)
        return st;
    double *v = ff_to_double(*data);
    if (!v)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < c * plane; ++i) {
        for (int k = 0; k < 2; ++k) {
            const matrix *m = &a->m[k];
            if (!m->v)
                continue;
            size_t j = m->rows == h ? i % plane : i; /* one plane or C stacked */
            v[i] = tf_operate(a->op[k], v[i], m->v[j]);
        }
    }
    st = ff_replace(data, tf_float_type(n2d2_tensor_dtype(*data)), c, h, w, v);
    free(v);
    return st;
}

static const n2d2_transform_ops affine_ops = {sizeof(n2d2_transform_ops),
                                              N2D2_TRANSFORM_CHANGES_RANGE,
                                              affine_create,
                                              affine_apply,
                                              tf_same_shape,
                                              affine_destroy,
                                              {0}};

const n2d2_feature ff_affine_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "AffineTransformation",
    NULL,
    "(A op1 B1) op2 B2 element-wise with matrices from text files (float output)",
    affine_params,
    TF_COUNT_OF(affine_params),
    &affine_ops,
    0,
    {0}};
