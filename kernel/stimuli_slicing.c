/* [database.slicing] (manual 19.6.18): each stimulus of the selected sets
 * is replaced by slices of Width x Height taken every StrideX/StrideY
 * pixels. Slices are new catalogue entries (name "<orig>[x,y,w,h]", same
 * label, key and set); the originals go to the unpartitioned set. Reading a
 * slice reads its original and crops the data and the label map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/params.h"
#include "n2d2/status.h"
#include "stimuli_internal.h"

static const n2d2_param_spec slicing_schema[] = {
    {"ApplyTo", N2D2_PARAM_ENUM, "All", SP_APPLY_TO_VALUES, 0, 0, 0, "sets that get sliced"},
    {"Width", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "slice width"},
    {"Height", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "slice height"},
    {"StrideX", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "horizontal stride (0: Width)"},
    {"StrideY", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "vertical stride (0: Height)"},
    {"RandomShuffle", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "shuffle the set after slicing (0: slices appended in order)"},
    {"Overlapping", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "shift the last slice of a row/column back to full size; its overlap with the previous "
     "slice gets no label (-1)"},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Slice origins along one axis of `size` pixels: `pos`/`len` and, per
 * slice, the leading pixels already covered by the previous one (`skip`,
 * only for a slice shifted back by Overlapping). The arrays hold
 * size / stride + 1 entries. */
static size_t axis_slices(size_t size, size_t len, size_t stride, int overlapping, uint32_t *pos,
                          uint32_t *lens, uint32_t *skip)
{
    size_t n = 0;
    for (size_t p = 0; p < size; p += stride) {
        size_t l = len, s = 0;
        if (p + l > size) {
            if (overlapping && n > 0 && size >= len) {
                size_t shifted = size - len;
                size_t prev_end = pos[n - 1] + lens[n - 1];
                s = prev_end > shifted ? prev_end - shifted : 0;
                p = shifted;
            } else {
                l = size - p;
            }
        }
        pos[n] = (uint32_t)p;
        lens[n] = (uint32_t)l;
        skip[n] = (uint32_t)s;
        ++n;
        if (p + l >= size) /* later slices would lie inside this one */
            break;
    }
    return n;
}

static n2d2_status push_slice(n2d2_stimuli *sp, const sp_slice *s)
{
    if (sp->n_slices == sp->cap_slices) {
        size_t cap = sp->cap_slices ? sp->cap_slices * 2 : 64;
        sp_slice *p = realloc(sp->slices, cap * sizeof *p);
        if (!p)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        sp->slices = p;
        sp->cap_slices = cap;
    }
    sp->slices[sp->n_slices++] = *s;
    return N2D2_OK;
}

/* The {H, W} of stimulus `index`, read once through the driver. */
static n2d2_status stimulus_size(n2d2_stimuli *sp, size_t index, size_t *h, size_t *w)
{
    n2d2_tensor *t = NULL;
    n2d2_status st = sp->db_ops->read(sp->db_state, sp->db, index, &t, NULL);
    if (st == N2D2_OK) {
        uint32_t nd = t ? n2d2_tensor_ndim(t) : 0;
        if (nd != 2 && nd != 3)
            st = n2d2_error_at(N2D2_ERR_INTERNAL, sp->db_where, 0,
                               "[database]: the driver returned no {C, H, W} tensor for '%s'",
                               n2d2_database_stimulus_name(sp->db, index));
        else {
            *h = n2d2_tensor_dim(t, nd - 2);
            *w = n2d2_tensor_dim(t, nd - 1);
        }
    } else {
        n2d2_error_prefix("[database] stimulus %zu '%s'", index,
                          n2d2_database_stimulus_name(sp->db, index));
    }
    n2d2_tensor_release(t);
    return st;
}

/* Slices of one set into `out` (growing), in order. */
static n2d2_status slice_set(n2d2_stimuli *sp, const n2d2_params *p, n2d2_set set, sp_slice **out,
                             size_t *n_out)
{
    size_t width = n2d2_params_uint(p, "Width"), height = n2d2_params_uint(p, "Height");
    size_t sx = n2d2_params_uint(p, "StrideX"), sy = n2d2_params_uint(p, "StrideY");
    int overlapping = n2d2_params_bool(p, "Overlapping");
    if (!sx)
        sx = width;
    if (!sy)
        sy = height;
    size_t cap = 0, n = 0, axis_cap = 0;
    sp_slice *v = NULL;
    uint32_t *axes = NULL; /* x pos, len, skip then y pos, len, skip */
    size_t count = n2d2_database_set_count(sp->db, set);
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; i < count && st == N2D2_OK; ++i) {
        size_t orig = n2d2_database_set_at(sp->db, set, i), h = 0, w = 0;
        st = stimulus_size(sp, orig, &h, &w);
        if (st != N2D2_OK)
            break;
        size_t need = (w / sx > h / sy ? w / sx : h / sy) + 1;
        if (need > axis_cap) {
            uint32_t *g = realloc(axes, 6 * need * sizeof *g);
            if (!g) {
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                break;
            }
            axes = g;
            axis_cap = need;
        }
        uint32_t *xp = axes, *xl = xp + axis_cap, *xs = xl + axis_cap;
        uint32_t *yp = xs + axis_cap, *yl = yp + axis_cap, *ys = yl + axis_cap;
        size_t nx = axis_slices(w, width, sx, overlapping, xp, xl, xs);
        size_t ny = axis_slices(h, height, sy, overlapping, yp, yl, ys);
        for (size_t y = 0; y < ny && st == N2D2_OK; ++y) {
            for (size_t x = 0; x < nx; ++x) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 64;
                    sp_slice *g = realloc(v, cap * sizeof *g);
                    if (!g) {
                        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                        break;
                    }
                    v = g;
                }
                v[n++] = (sp_slice){orig, (uint32_t)w, (uint32_t)h, xp[x], yp[y], xl[x],
                                    yl[y], xs[x], ys[y]};
            }
        }
    }
    free(axes);
    if (st != N2D2_OK) {
        free(v);
        return st;
    }
    *out = v;
    *n_out = n;
    return N2D2_OK;
}

n2d2_status sp_slicing_setup(n2d2_stimuli *sp, n2d2_rng *rng)
{
    char name[512];
    snprintf(name, sizeof name, "%s.slicing", sp->db_section);
    n2d2_ini_section *sec = n2d2_ini_find(sp->ini, name);
    if (!sec)
        return N2D2_OK;
    n2d2_params *p = NULL;
    n2d2_status st = n2d2_params_from_ini(sp->ini, &sec, 1, NULL, 0, slicing_schema,
                                          COUNT_OF(slicing_schema), &p);
    if (st != N2D2_OK)
        return st;
    sp->slicing_params = p;
    unsigned mask = sp_apply_to_mask(n2d2_params_enum(p, "ApplyTo"));
    int shuffle = n2d2_params_bool(p, "RandomShuffle");
    sp->slice_base = n2d2_database_stimulus_count(sp->db);
    char *label = malloc(4096 + 64);
    if (!label)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (int set = N2D2_SET_LEARN; set <= N2D2_SET_TEST && st == N2D2_OK; ++set) {
        if (!(mask & SP_SET_BIT(set)))
            continue;
        sp_slice *v = NULL;
        size_t n = 0, *order = NULL;
        st = slice_set(sp, p, (n2d2_set)set, &v, &n);
        sp->slicing_moved = 1;
        if (st == N2D2_OK)
            st = n2d2_database_move(sp->db, (n2d2_set)set, N2D2_SET_UNPARTITIONED,
                                    n2d2_database_set_count(sp->db, (n2d2_set)set), NULL);
        if (st == N2D2_OK && n) {
            order = malloc(n * sizeof *order);
            if (!order)
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        }
        if (st == N2D2_OK && n) {
            for (size_t i = 0; i < n; ++i)
                order[i] = i;
            if (shuffle)
                n2d2_rng_shuffle(rng, order, n);
        }
        for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
            const sp_slice *s = &v[order[i]];
            snprintf(label, 4096 + 64, "%s[%u,%u,%u,%u]",
                     n2d2_database_stimulus_name(sp->db, s->orig), s->x, s->y, s->w, s->h);
            st = n2d2_database_add_stimulus(sp->db, label,
                                            n2d2_database_stimulus_label(sp->db, s->orig),
                                            (n2d2_set)set,
                                            n2d2_database_stimulus_key(sp->db, s->orig), NULL);
            if (st == N2D2_OK)
                st = push_slice(sp, s);
        }
        free(order);
        free(v);
    }
    free(label);
    if (st != N2D2_OK)
        n2d2_error_prefix("[%s] (%s)", name, n2d2_ini_section_where(sec));
    return st;
}

int sp_set_hidden(const n2d2_stimuli *sp, int set)
{
    return sp->slicing_moved && set == N2D2_SET_UNPARTITIONED;
}

const sp_slice *sp_slice_of(const n2d2_stimuli *sp, size_t index)
{
    if (!sp->n_slices || index < sp->slice_base || index - sp->slice_base >= sp->n_slices)
        return NULL;
    return &sp->slices[index - sp->slice_base];
}

/* A new {C, h, w} tensor: the rectangle of `src` {C, H, W}. */
static n2d2_status crop(const n2d2_tensor *src, const sp_slice *s, n2d2_tensor **out)
{
    size_t c = n2d2_tensor_dim(src, 0), H = n2d2_tensor_dim(src, 1), W = n2d2_tensor_dim(src, 2);
    (void)H;
    size_t dims[3] = {c, s->h, s->w};
    n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(src), 3, dims, out);
    if (st != N2D2_OK)
        return st;
    size_t es = n2d2_dtype_size(n2d2_tensor_dtype(src));
    const unsigned char *a = n2d2_tensor_cdata(src);
    unsigned char *b = n2d2_tensor_data(*out);
    for (size_t k = 0; k < c; ++k)
        for (size_t y = 0; y < s->h; ++y)
            memcpy(b + ((k * s->h + y) * s->w) * es,
                   a + ((k * H + s->y + y) * W + s->x) * es, s->w * es);
    return N2D2_OK;
}

n2d2_status sp_slice_crop(const n2d2_stimuli *sp, size_t index, const sp_slice *s,
                          n2d2_tensor **data, n2d2_tensor **map)
{
    if (n2d2_tensor_dim(*data, 1) != s->in_h || n2d2_tensor_dim(*data, 2) != s->in_w)
        return n2d2_error_at(N2D2_ERR_INTERNAL, sp->db_where, 0,
                             "slice '%s': the stimulus is now %zux%zu, was %ux%u when sliced",
                             n2d2_database_stimulus_name(sp->db, index),
                             n2d2_tensor_dim(*data, 2), n2d2_tensor_dim(*data, 1), s->in_w,
                             s->in_h);
    n2d2_tensor *t;
    n2d2_status st = crop(*data, s, &t);
    if (st != N2D2_OK)
        return st;
    n2d2_tensor_release(*data);
    *data = t;
    if (!map || !*map)
        return N2D2_OK;
    st = crop(*map, s, &t);
    if (st != N2D2_OK)
        return st;
    n2d2_tensor_release(*map);
    *map = t;
    /* The part a shifted border slice shares with its neighbour is
     * already labelled there: no label here. */
    int32_t *m = n2d2_tensor_data(t);
    for (size_t y = 0; y < s->h; ++y)
        for (size_t x = 0; x < s->w; ++x)
            if (y < s->skip_y || x < s->skip_x)
                m[y * s->w + x] = -1;
    return N2D2_OK;
}
