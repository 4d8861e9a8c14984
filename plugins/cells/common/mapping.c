/* Building the channel map of Conv/Pool cells (see mapping.h). */
#include "mapping.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SIZE_X, SIZE_Y, SIZE, STRIDE_X, STRIDE_Y, STRIDE, OFFSET_X, OFFSET_Y, OFFSET, NB_ITER, N_KEYS };

static const char *const key_names[N_KEYS] = {"SizeX",   "SizeY",   "Size",   "StrideX",
                                              "StrideY", "Stride",  "OffsetX", "OffsetY",
                                              "Offset",  "NbIterations"};

typedef struct canvas {
    int given[N_KEYS];
    size_t value[N_KEYS];
    int any;
} canvas;

static void read_global(const n2d2_params *p, canvas *c)
{
    memset(c, 0, sizeof *c);
    for (int k = 0; k < N_KEYS; ++k) {
        char key[64];
        snprintf(key, sizeof key, "Mapping.%s", key_names[k]);
        c->given[k] = n2d2_params_given(p, key);
        c->value[k] = (size_t)n2d2_params_uint(p, key);
        c->any |= c->given[k];
    }
}

/* The input name inside "Mapping(<name>)<suffix>", or 0 when `key` does not
 * have that shape. */
static int input_of(const char *key, const char *suffix, char *name, size_t size)
{
    const char *open = "Mapping(";
    size_t lo = strlen(open), ls = strlen(suffix), lk = strlen(key);
    if (lk < lo + 1 + ls + 1 || strncmp(key, open, lo) != 0)
        return 0;
    if (strcmp(key + lk - ls, suffix) != 0 || key[lk - ls - 1] != ')')
        return 0;
    size_t n = lk - ls - 1 - lo;
    if (n == 0 || n >= size)
        return 0;
    memcpy(name, key + lo, n);
    name[n] = '\0';
    return 1;
}

static int is_input(const n2d2_cell *cell, const char *name)
{
    for (size_t i = 0; i < n2d2_cell_input_count(cell); ++i)
        if (strcmp(n2d2_cell_input_name(cell, i), name) == 0)
            return 1;
    return 0;
}

static n2d2_status unknown_input(const n2d2_cell *cell, const char *key, const char *name)
{
    char list[512] = "";
    for (size_t i = 0; i < n2d2_cell_input_count(cell); ++i) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", n2d2_cell_input_name(cell, i));
    }
    return n2d2_cell_error(cell, N2D2_ERR_NOT_FOUND, "%s: '%s' is not an input of this cell (inputs: %s)",
                           key, name, list);
}

/* Every Mapping(*) key must name an input of the cell. */
static n2d2_status check_pattern_names(const n2d2_cell *cell, const n2d2_params *p)
{
    char pattern[64], name[256];
    for (int k = -1; k < N_KEYS; ++k) {
        char suffix[32] = "";
        if (k >= 0)
            snprintf(suffix, sizeof suffix, ".%s", key_names[k]);
        snprintf(pattern, sizeof pattern, "Mapping(*)%s", suffix);
        for (size_t i = 0; i < n2d2_params_match_count(p, pattern); ++i) {
            const char *key = n2d2_params_match_key(p, pattern, i);
            if (!input_of(key, suffix, name, sizeof name))
                return n2d2_cell_error(cell, N2D2_ERR_INVAL, "malformed mapping key '%s'", key);
            if (!is_input(cell, name))
                return unknown_input(cell, key, name);
        }
    }
    return N2D2_OK;
}

static void read_input_canvas(const n2d2_params *p, const char *input, canvas *c)
{
    memset(c, 0, sizeof *c);
    char pattern[64], name[256];
    for (int k = 0; k < N_KEYS; ++k) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, ".%s", key_names[k]);
        snprintf(pattern, sizeof pattern, "Mapping(*)%s", suffix);
        for (size_t i = 0; i < n2d2_params_match_count(p, pattern); ++i) {
            if (!input_of(n2d2_params_match_key(p, pattern, i), suffix, name, sizeof name) ||
                strcmp(name, input) != 0)
                continue;
            int64_t v = 0;
            n2d2_parse_int(n2d2_params_match_value(p, pattern, i), &v);
            c->given[k] = 1;
            c->value[k] = (size_t)v;
            c->any = 1;
        }
    }
}

static const char *explicit_matrix(const n2d2_params *p, const char *input)
{
    char name[256];
    for (size_t i = 0; i < n2d2_params_match_count(p, "Mapping(*)"); ++i)
        if (input_of(n2d2_params_match_key(p, "Mapping(*)", i), "", name, sizeof name) &&
            strcmp(name, input) == 0)
            return n2d2_params_match_value(p, "Mapping(*)", i);
    return NULL;
}

/* Size/Stride/Offset are exclusive with their X/Y forms at each level. */
static n2d2_status check_exclusive(const n2d2_cell *cell, const canvas *c, const char *prefix)
{
    static const int both[3] = {SIZE, STRIDE, OFFSET};
    for (int i = 0; i < 3; ++i) {
        int k = both[i];
        if (c->given[k] && (c->given[k - 2] || c->given[k - 1]))
            return n2d2_cell_error(cell, N2D2_ERR_INVAL, "%s%s cannot be combined with %s%s/%s%s",
                                   prefix, key_names[k], prefix, key_names[k - 2], prefix,
                                   key_names[k - 1]);
    }
    return N2D2_OK;
}

/* One axis value: the input's key, its both-axes key, then the global ones. */
static size_t axis_value(const canvas *own, const canvas *global, int k, int both, size_t dflt)
{
    if (own->given[k])
        return own->value[k];
    if (own->given[both])
        return own->value[both];
    if (global->given[k])
        return global->value[k];
    if (global->given[both])
        return global->value[both];
    return dflt;
}

static void stamp(unsigned char *conn, size_t n_out, size_t row0, size_t rows, const canvas *own,
                  const canvas *global)
{
    size_t size_x = axis_value(own, global, SIZE_X, SIZE, 1);
    size_t size_y = axis_value(own, global, SIZE_Y, SIZE, 1);
    size_t stride_x = axis_value(own, global, STRIDE_X, STRIDE, 1);
    size_t stride_y = axis_value(own, global, STRIDE_Y, STRIDE, 1);
    size_t off_x = axis_value(own, global, OFFSET_X, OFFSET, 0);
    size_t off_y = axis_value(own, global, OFFSET_Y, OFFSET, 0);
    size_t iters = own->given[NB_ITER] ? own->value[NB_ITER] : global->value[NB_ITER];
    if (size_x == 0 || size_x > n_out)
        size_x = n_out;
    if (size_y == 0 || size_y > rows)
        size_y = rows;
    if (iters == 0)
        iters = n_out > rows ? n_out : rows;
    for (size_t i = 0; i < iters; ++i)
        for (size_t y = 0; y < size_y; ++y)
            for (size_t x = 0; x < size_x; ++x) {
                size_t o = (off_x + i * stride_x + x) % n_out;
                size_t c = (off_y + i * stride_y + y) % rows;
                conn[(row0 + c) * n_out + o] = 1;
            }
}

static n2d2_status parse_matrix(const n2d2_cell *cell, const char *input, const char *text,
                                unsigned char *conn, size_t n_out, size_t row0, size_t rows)
{
    size_t expected = rows * n_out, count = 0;
    const char *s = text;
    char *end;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ',' || *s == '\\')
            ++s;
        if (!*s)
            break;
        double v = strtod(s, &end);
        if (end == s || (v != 0.0 && v != 1.0))
            return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                                   "Mapping(%s): entry %zu is '%.16s': the matrix must contain only 0 "
                                   "and 1",
                                   input, count + 1, s);
        if (count < expected)
            conn[(row0 + count / n_out) * n_out + count % n_out] = v != 0.0;
        ++count;
        s = end;
    }
    if (count != expected)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                               "Mapping(%s): expected %zu rows x %zu columns = %zu values (rows: the "
                               "%zu channels of [%s], columns: NbOutputs=%zu), got %zu values",
                               input, rows, n_out, expected, rows, input, n_out, count);
    return N2D2_OK;
}

static void detect_groups(n2d2_cells_mapping *m)
{
    size_t ones = 0, total = m->n_in * m->n_out;
    for (size_t i = 0; i < total; ++i)
        ones += m->conn[i];
    m->full = ones == total;
    m->groups = 1;
    if (m->full)
        return;
    for (size_t g = 2; g <= m->n_in && g <= m->n_out; ++g) {
        if (m->n_in % g || m->n_out % g || ones != total / g)
            continue;
        size_t gi = m->n_in / g, go = m->n_out / g;
        int ok = 1;
        for (size_t c = 0; ok && c < m->n_in; ++c)
            for (size_t o = 0; ok && o < m->n_out; ++o)
                ok = m->conn[c * m->n_out + o] == (c / gi == o / go);
        if (ok) {
            m->groups = g;
            return;
        }
    }
}

static n2d2_status build_groups(const n2d2_cell *cell, const n2d2_params *p, size_t row0,
                                size_t rows, n2d2_cells_mapping *m)
{
    size_t g;
    const char *key;
    if (n2d2_params_given(p, "Mapping.NbGroups")) {
        key = "Mapping.NbGroups";
        g = (size_t)n2d2_params_uint(p, key);
    } else {
        key = "Mapping.ChannelsPerGroup";
        size_t per = (size_t)n2d2_params_uint(p, key);
        if (rows % per)
            return n2d2_params_error(p, key, N2D2_ERR_SHAPE,
                                     "%zu input channels are not a multiple of %zu", rows, per);
        g = rows / per;
    }
    if (rows % g || m->n_out % g)
        return n2d2_params_error(p, key, N2D2_ERR_SHAPE,
                                 "%zu groups must divide both the %zu input channels and the %zu "
                                 "outputs of [%s]",
                                 g, rows, m->n_out, n2d2_cell_name(cell));
    size_t gi = rows / g, go = m->n_out / g;
    for (size_t c = 0; c < rows; ++c)
        for (size_t o = 0; o < m->n_out; ++o)
            m->conn[(row0 + c) * m->n_out + o] = c / gi == o / go;
    return N2D2_OK;
}

static int any_pattern_given(const n2d2_params *p)
{
    char pattern[64];
    if (n2d2_params_match_count(p, "Mapping(*)"))
        return 1;
    for (int k = 0; k < N_KEYS; ++k) {
        snprintf(pattern, sizeof pattern, "Mapping(*).%s", key_names[k]);
        if (n2d2_params_match_count(p, pattern))
            return 1;
    }
    return 0;
}

static n2d2_status build_block(const n2d2_cell *cell, const n2d2_params *p, const canvas *global,
                               int grouped, const char *input, size_t row0, size_t rows,
                               n2d2_cells_mapping *m)
{
    canvas own;
    read_input_canvas(p, input, &own);
    char prefix[300];
    snprintf(prefix, sizeof prefix, "Mapping(%s).", input);
    n2d2_status st = check_exclusive(cell, &own, prefix);
    if (st != N2D2_OK)
        return st;
    const char *matrix = explicit_matrix(p, input);
    if (matrix && own.any)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "Mapping(%s) gives an explicit matrix: it cannot be combined with "
                               "Mapping(%s).* canvas keys",
                               input, input);
    if (matrix)
        return parse_matrix(cell, input, matrix, m->conn, m->n_out, row0, rows);
    if (own.any || global->any) {
        stamp(m->conn, m->n_out, row0, rows, &own, global);
        return N2D2_OK;
    }
    if (grouped)
        return build_groups(cell, p, row0, rows, m);
    for (size_t c = 0; c < rows; ++c)
        memset(m->conn + (row0 + c) * m->n_out, 1, m->n_out);
    return N2D2_OK;
}

n2d2_status n2d2_cells_mapping_build(const n2d2_cell *cell, const n2d2_params *p, size_t n_in,
                                     size_t n_out, n2d2_cells_mapping *m)
{
    n2d2_cells_mapping_free(m);
    m->n_in = n_in;
    m->n_out = n_out;
    m->conn = calloc(n_in * n_out > 0 ? n_in * n_out : 1, 1);
    if (!m->conn)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    canvas global;
    read_global(p, &global);
    n2d2_status st = check_exclusive(cell, &global, "Mapping.");
    if (st == N2D2_OK)
        st = check_pattern_names(cell, p);
    if (st != N2D2_OK)
        return st;
    int grouped = n2d2_params_given(p, "Mapping.NbGroups") ||
                  n2d2_params_given(p, "Mapping.ChannelsPerGroup");
    if (n2d2_params_given(p, "Mapping.NbGroups") && n2d2_params_given(p, "Mapping.ChannelsPerGroup"))
        return n2d2_params_error(p, "Mapping.ChannelsPerGroup", N2D2_ERR_INVAL,
                                 "cannot be combined with Mapping.NbGroups");
    if (grouped && (global.any || any_pattern_given(p)))
        return n2d2_params_error(p, n2d2_params_given(p, "Mapping.NbGroups") ? "Mapping.NbGroups"
                                                                              : "Mapping.ChannelsPerGroup",
                                 N2D2_ERR_INVAL, "is exclusive with every other Mapping key");
    /* One block of rows per input, in Input= order (the kernel concatenates
     * them on channels). */
    size_t n_inputs = n2d2_cell_input_count(cell), row0 = 0;
    for (size_t i = 0; i < n_inputs && st == N2D2_OK; ++i) {
        const n2d2_shape *s = n2d2_cell_input_shape(cell, i);
        size_t rows = s && s->ndim ? s->dims[0] : 0;
        if (row0 + rows > n_in)
            break;
        st = build_block(cell, p, &global, grouped, n2d2_cell_input_name(cell, i), row0, rows, m);
        row0 += rows;
    }
    if (st != N2D2_OK)
        return st;
    if (row0 != n_in)
        return n2d2_cell_error(cell, N2D2_ERR_INTERNAL,
                               "input channels (%zu) differ from the sum over the inputs (%zu)",
                               n_in, row0);
    for (size_t o = 0; o < n_out; ++o)
        if (n2d2_cells_mapping_fan_in(m, o) == 0)
            n2d2_log_warn("%s: [%s] output channel %zu is connected to no input channel",
                          n2d2_cell_where(cell), n2d2_cell_name(cell), o);
    detect_groups(m);
    return N2D2_OK;
}

void n2d2_cells_mapping_free(n2d2_cells_mapping *m)
{
    free(m->conn);
    m->conn = NULL;
}

size_t n2d2_cells_mapping_fan_in(const n2d2_cells_mapping *m, size_t o)
{
    size_t n = 0;
    for (size_t c = 0; c < m->n_in; ++c)
        n += m->conn[c * m->n_out + o];
    return n;
}

n2d2_status n2d2_cells_mapping_rows(const n2d2_cells_mapping *m, size_t **start, size_t **chans)
{
    *start = malloc((m->n_out + 1) * sizeof **start);
    size_t links = 0;
    for (size_t i = 0; i < m->n_in * m->n_out; ++i)
        links += m->conn[i];
    *chans = malloc((links ? links : 1) * sizeof **chans);
    if (!*start || !*chans)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t o = 0; o < m->n_out; ++o) {
        (*start)[o] = k;
        for (size_t c = 0; c < m->n_in; ++c)
            if (m->conn[c * m->n_out + o])
                (*chans)[k++] = c;
    }
    (*start)[m->n_out] = k;
    return N2D2_OK;
}
