/* One stimulus through its pipeline: database read, static chain (whose
 * result is cached in memory), on-the-fly chain, channel chains, final size
 * check and conversion into one element of a batch.
 *
 * Random draws depend only on (run seed, pass number, stimulus index), never
 * on thread timing: static transformations draw from pass 0, so the cached
 * result is what a recomputation would give. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "n2d2/log.h"
#include "stimuli_internal.h"

#define CHUNK_MIN ((size_t)1 << 20)
#define CHUNK_MAX ((size_t)64 << 20)
#define CACHE_ALIGN 16

/* ---- the cache ---- */

static size_t cache_limit(void)
{
    const char *env = getenv("N2D2_STIMULI_CACHE_MB");
    if (env && *env) {
        char *end;
        unsigned long long mb = strtoull(env, &end, 10);
        if (*end == '\0')
            return (size_t)(mb << 20);
        n2d2_log_warn("N2D2_STIMULI_CACHE_MB='%s' is not a number of MiB: ignored", env);
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        return (size_t)pages / 2 * (size_t)page;
    return (size_t)4 << 30;
}

n2d2_status sp_cache_init(n2d2_stimuli *sp)
{
    size_t n = n2d2_database_stimulus_count(sp->db);
    sp->cache.entries = calloc(n ? n : 1, sizeof *sp->cache.entries);
    if (!sp->cache.entries)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory allocating the stimuli cache index");
    sp->cache.limit = cache_limit();
    if (sp->composite) {
        sp->label_cache.entries = calloc(n ? n : 1, sizeof *sp->label_cache.entries);
        if (!sp->label_cache.entries)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory allocating the stimuli cache index");
        sp->label_cache.limit = sp->cache.limit; /* checked together in fetch_composite */
    }
    return N2D2_OK;
}

void sp_cache_free(sp_cache *c)
{
    for (size_t i = 0; i < c->n_chunks; ++i)
        free(c->chunks[i]);
    free(c->chunks);
    free(c->entries);
    memset(c, 0, sizeof *c);
}

static void *cache_data(const sp_cache *c, const sp_cache_entry *e)
{
    return c->chunks[e->chunk] + e->offset;
}

/* Keep a copy of `t`; silently skipped once the memory budget is spent. */
static size_t padded_size(const n2d2_tensor *t)
{
    return (n2d2_tensor_nbytes(t) + CACHE_ALIGN - 1) / CACHE_ALIGN * CACHE_ALIGN;
}

static n2d2_status cache_store_in(n2d2_stimuli *sp, sp_cache *c, size_t index,
                                  const n2d2_tensor *t, int label)
{
    size_t bytes = n2d2_tensor_nbytes(t);
    size_t padded = (bytes + CACHE_ALIGN - 1) / CACHE_ALIGN * CACHE_ALIGN;
    const size_t *dims = n2d2_tensor_dims(t);
    for (int k = 0; k < 3; ++k)
        if (dims[k] > UINT32_MAX)
            return N2D2_OK;
    if (c->bytes + padded > c->limit) {
        if (!c->full_warned)
            n2d2_log_warn("[%s]: the in-memory stimuli cache reached %zu MiB: the other stimuli "
                          "are recomputed at each fetch (N2D2_STIMULI_CACHE_MB sets the limit)",
                          sp->section, c->limit >> 20);
        c->full_warned = 1;
        return N2D2_OK;
    }
    if (c->n_chunks == 0 || c->chunk_used + padded > c->chunk_size) {
        size_t size = c->chunk_size ? c->chunk_size * 2 : CHUNK_MIN;
        if (size > CHUNK_MAX)
            size = CHUNK_MAX;
        if (size < padded)
            size = padded;
        if (c->n_chunks == c->cap_chunks) {
            size_t cap = c->cap_chunks ? c->cap_chunks * 2 : 16;
            unsigned char **p = realloc(c->chunks, cap * sizeof *p);
            if (!p)
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            c->chunks = p;
            c->cap_chunks = cap;
        }
        if (c->n_chunks >= UINT32_MAX)
            return N2D2_OK;
        unsigned char *chunk = malloc(size);
        if (!chunk)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory growing the stimuli cache");
        c->chunks[c->n_chunks++] = chunk;
        c->chunk_size = size;
        c->chunk_used = 0;
    }
    sp_cache_entry *e = &c->entries[index];
    e->chunk = (uint32_t)(c->n_chunks - 1);
    e->offset = (uint32_t)c->chunk_used;
    for (int k = 0; k < 3; ++k)
        e->dims[k] = (uint32_t)dims[k];
    e->label = label;
    e->dtype = (uint8_t)n2d2_tensor_dtype(t);
    memcpy(cache_data(c, e), n2d2_tensor_cdata(t), bytes);
    e->state = SP_CACHE_STORED;
    c->chunk_used += padded;
    c->bytes += padded;
    return N2D2_OK;
}

static n2d2_status cache_store(n2d2_stimuli *sp, size_t index, const n2d2_tensor *t, int label)
{
    return cache_store_in(sp, &sp->cache, index, t, label);
}

/* ---- scratch tensors ---- */

void sp_scratch_free(sp_scratch *s)
{
    n2d2_tensor_release(s->data);
    for (size_t c = 0; c < s->n_channels; ++c)
        n2d2_tensor_release(s->channels[c]);
    free(s->channels);
    n2d2_tensor_release(s->stack);
    memset(s, 0, sizeof *s);
}

/* *slot becomes a tensor of that dtype and shape, reusing it when it fits
 * and nobody else holds it. */
static n2d2_status reuse(n2d2_tensor **slot, n2d2_dtype dtype, const size_t *dims)
{
    n2d2_tensor *t = *slot;
    if (t && n2d2_tensor_refcount(t) == 1 && n2d2_tensor_dtype(t) == dtype &&
        n2d2_tensor_ndim(t) == 3 && memcmp(n2d2_tensor_dims(t), dims, 3 * sizeof *dims) == 0)
        return N2D2_OK;
    n2d2_tensor_release(t);
    *slot = NULL;
    return n2d2_tensor_new(dtype, 3, dims, slot);
}

static n2d2_status copy_into(n2d2_tensor **slot, const n2d2_tensor *src)
{
    n2d2_status st = reuse(slot, n2d2_tensor_dtype(src), n2d2_tensor_dims(src));
    if (st == N2D2_OK)
        memcpy(n2d2_tensor_data(*slot), n2d2_tensor_cdata(src), n2d2_tensor_nbytes(src));
    return st;
}

/* ---- running transformations ---- */

static void item_rng(n2d2_rng *rng, uint64_t seed, uint64_t pass, size_t index)
{
    /* The stream id keeps the purpose in its low bits so no other purpose's
     * stream can coincide. */
    n2d2_rng_seed(rng, seed + 0x9e3779b97f4a7c15ull * (pass + 1),
                  ((uint64_t)index << 3) | N2D2_RNG_AUGMENT);
}

static n2d2_status apply_one(const sp_transform *tf, n2d2_tensor **t, n2d2_tensor **map,
                             int *label, n2d2_set set, n2d2_rng *rng)
{
    n2d2_tensor *none = NULL;
    n2d2_tensor **labels = map ? map : &none;
    n2d2_status st = tf->ops->apply(tf->state, t, labels, label, set, rng);
    n2d2_tensor_release(none);
    if (st != N2D2_OK) {
        n2d2_error_prefix("[%s] (%s)", tf->section, tf->where);
        return st; /* the plugin's code, even if it left no message */
    }
    if (!*t || n2d2_tensor_ndim(*t) != 3)
        return n2d2_error_at(N2D2_ERR_INTERNAL, tf->where, 0,
                             "[%s]: the transformation returned no {C, H, W} tensor", tf->section);
    if (map && *map &&
        (n2d2_tensor_ndim(*map) != 3 || n2d2_tensor_dim(*map, 0) != 1 ||
         n2d2_tensor_dim(*map, 1) != n2d2_tensor_dim(*t, 1) ||
         n2d2_tensor_dim(*map, 2) != n2d2_tensor_dim(*t, 2)))
        return n2d2_error_at(N2D2_ERR_SHAPE, tf->where, 0,
                             "[%s]: the data is %zux%zu (HxW) after this transformation but the "
                             "pixel-wise label map is not 1x%zux%zu: this transformation does "
                             "not move label maps (CompositeStimuli=1)",
                             tf->section, n2d2_tensor_dim(*t, 1), n2d2_tensor_dim(*t, 2),
                             n2d2_tensor_dim(*t, 1), n2d2_tensor_dim(*t, 2));
    return N2D2_OK;
}

/* Apply the items of `c` that match the set and `otf` (0 static, 1 on the
 * fly, -1 both); *last tracks the last one applied, for messages. */
static n2d2_status run_chain(const n2d2_stimuli *sp, const sp_chain *c, int otf, n2d2_tensor **t,
                             n2d2_tensor **map, int *label, n2d2_set set, n2d2_rng *rng,
                             const sp_transform **last)
{
    for (size_t i = 0; i < c->n; ++i) {
        const sp_transform *tf = &sp->tf[c->items[i]];
        if (!(tf->set_mask & SP_SET_BIT(set)) || (otf >= 0 && tf->on_the_fly != otf))
            continue;
        n2d2_status st = apply_one(tf, t, map, label, set, rng);
        if (st != N2D2_OK)
            return st;
        *last = tf;
    }
    return N2D2_OK;
}

n2d2_status sp_read_static_map(n2d2_stimuli *sp, size_t index, n2d2_set set,
                               const sp_chain *chain, n2d2_tensor **out, int *label,
                               n2d2_tensor **map)
{
    *out = NULL;
    *map = NULL;
    n2d2_tensor *t = NULL, *pixel = NULL;
    const sp_slice *slice = sp_slice_of(sp, index);
    size_t src = slice ? slice->orig : index; /* a slice reads its original */
    n2d2_status st = sp->db_ops->read(sp->db_state, sp->db, src, &t,
                                      sp->want_pixel ? &pixel : NULL);
    if (st != N2D2_OK) {
        n2d2_tensor_release(t);
        n2d2_tensor_release(pixel);
        n2d2_error_prefix("[database] stimulus %zu '%s'", index,
                          n2d2_database_stimulus_name(sp->db, index));
        return st;
    }
    if (t && n2d2_tensor_ndim(t) == 2) { /* {H, W}: one channel */
        size_t dims[3] = {1, n2d2_tensor_dim(t, 0), n2d2_tensor_dim(t, 1)};
        n2d2_tensor *r;
        st = n2d2_tensor_reshape(t, 3, dims, &r);
        n2d2_tensor_release(t);
        if (st != N2D2_OK) {
            n2d2_tensor_release(pixel);
            return st;
        }
        t = r;
    }
    if (!t || n2d2_tensor_ndim(t) != 3) {
        n2d2_tensor_release(t);
        n2d2_tensor_release(pixel);
        return n2d2_error_at(N2D2_ERR_INTERNAL, sp->db_where, 0,
                             "[database]: the driver returned no {C, H, W} tensor for stimulus '%s'",
                             n2d2_database_stimulus_name(sp->db, index));
    }
    *label = n2d2_database_stimulus_label(sp->db, index);
    if (sp->with_labels) {
        st = sp_label_map(sp, src, &t, pixel, *label, map);
        if (st != N2D2_OK) {
            n2d2_tensor_release(t);
            n2d2_tensor_release(pixel);
            n2d2_error_prefix("[database] (%s)", sp->db_where);
            return st;
        }
    }
    n2d2_tensor_release(pixel);
    if (slice) {
        st = sp_slice_crop(sp, index, slice, &t, map);
        if (st != N2D2_OK) {
            n2d2_tensor_release(t);
            n2d2_tensor_release(*map);
            *map = NULL;
            return st;
        }
    }
    n2d2_rng rng;
    item_rng(&rng, sp->seed, 0, index);
    const sp_transform *last = NULL;
    st = run_chain(sp, chain, 0, &t, *map ? map : NULL, label, set, &rng, &last);
    if (st != N2D2_OK) {
        n2d2_tensor_release(t);
        n2d2_tensor_release(*map);
        *map = NULL;
        return st;
    }
    *out = t;
    return N2D2_OK;
}

n2d2_status sp_read_static(n2d2_stimuli *sp, size_t index, n2d2_set set, const sp_chain *chain,
                           n2d2_tensor **out, int *label)
{
    n2d2_tensor *map = NULL;
    n2d2_status st = sp_read_static_map(sp, index, set, chain, out, label, &map);
    n2d2_tensor_release(map);
    return st;
}

/* The Channel* chains: each channel gets a copy of the data, runs its
 * static then on-the-fly items, and the outputs are stacked on C. */
static n2d2_status run_channels(const n2d2_stimuli *sp, sp_scratch *s, n2d2_tensor **t,
                                n2d2_set set, n2d2_rng *rng, const sp_transform **last)
{
    if (s->n_channels < sp->n_channels) {
        n2d2_tensor **p = realloc(s->channels, sp->n_channels * sizeof *p);
        if (!p)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        for (size_t c = s->n_channels; c < sp->n_channels; ++c)
            p[c] = NULL;
        s->channels = p;
        s->n_channels = sp->n_channels;
    }
    size_t total = 0;
    n2d2_dtype dtype = N2D2_UINT8;
    for (size_t c = 0; c < sp->n_channels; ++c) {
        n2d2_status st = copy_into(&s->channels[c], *t);
        int label = 0; /* channel chains do not change the stimulus label */
        for (int otf = 0; otf < 2 && st == N2D2_OK; ++otf)
            st = run_chain(sp, &sp->channels[c], otf, &s->channels[c], NULL, &label, set, rng,
                           last);
        if (st != N2D2_OK)
            return st;
        const size_t *d = n2d2_tensor_dims(s->channels[c]), *d0 = n2d2_tensor_dims(s->channels[0]);
        if (d[1] != d0[1] || d[2] != d0[2])
            return n2d2_error_at(N2D2_ERR_SHAPE, *last ? (*last)->where : sp->db_where, 0,
                                 "[%s]: channel %zu is %zux%zu (HxW) but channel 0 is %zux%zu",
                                 *last ? (*last)->section : "database", c, d[1], d[2], d0[1],
                                 d0[2]);
        total += d[0];
        if (c == 0)
            dtype = n2d2_tensor_dtype(s->channels[c]);
        else if (n2d2_tensor_dtype(s->channels[c]) != dtype)
            dtype = N2D2_FLOAT32; /* mixed types meet as float */
    }
    size_t dims[3] = {total, n2d2_tensor_dim(s->channels[0], 1), n2d2_tensor_dim(s->channels[0], 2)};
    n2d2_status st = reuse(&s->stack, dtype, dims);
    if (st != N2D2_OK)
        return st;
    size_t at = 0;
    for (size_t c = 0; c < sp->n_channels; ++c) {
        const n2d2_tensor *ch = s->channels[c];
        size_t n = n2d2_tensor_numel(ch);
        if (n2d2_tensor_dtype(ch) == dtype) {
            memcpy((char *)n2d2_tensor_data(s->stack) + at * n2d2_dtype_size(dtype),
                   n2d2_tensor_cdata(ch), n2d2_tensor_nbytes(ch));
        } else {
            for (size_t i = 0; i < n; ++i)
                n2d2_tensor_set(s->stack, at + i, n2d2_tensor_get(ch, i));
        }
        at += n;
    }
    /* The stack becomes the data; the old data tensor becomes the spare
     * stack for the next fetch. */
    n2d2_tensor *old = *t;
    *t = s->stack;
    s->stack = old;
    return N2D2_OK;
}

/* Everything after the cacheable static chain. */
static n2d2_status run_rest(const n2d2_stimuli *sp, sp_scratch *s, n2d2_tensor **t,
                            n2d2_tensor **map, int *label, n2d2_set set, n2d2_rng *rng,
                            const sp_transform **last)
{
    n2d2_status st = run_chain(sp, &sp->global_otf, 1, t, map, label, set, rng, last);
    if (st == N2D2_OK && sp->n_channels)
        st = run_channels(sp, s, t, set, rng, last);
    for (int otf = 0; otf < 2 && st == N2D2_OK; ++otf)
        st = run_chain(sp, &sp->whole, otf, t, map, label, set, rng, last);
    return st;
}

/* The last static global transformation of a set (for messages about
 * cached data). */
static const sp_transform *last_static(const n2d2_stimuli *sp, n2d2_set set)
{
    const sp_transform *last = NULL;
    for (size_t i = 0; i < sp->global_static.n; ++i)
        if (sp->tf[sp->global_static.items[i]].set_mask & SP_SET_BIT(set))
            last = &sp->tf[sp->global_static.items[i]];
    return last;
}

static n2d2_status check_size(const n2d2_stimuli *sp, const size_t *dims, size_t index,
                              n2d2_set set, const sp_transform *last)
{
    if (memcmp(dims, sp->shape.dims, 3 * sizeof *dims) == 0)
        return N2D2_OK;
    char got[64], want[64];
    n2d2_shape_str(dims, 3, got, sizeof got);
    n2d2_shape_str(sp->shape.dims, 3, want, sizeof want);
    const char *name = n2d2_database_stimulus_name(sp->db, index);
    if (last)
        return n2d2_error_at(N2D2_ERR_SHAPE, last->where, 0,
                             "[%s]: stimulus '%s' (%s set) is %s (CxHxW) after this last "
                             "transformation, but the network input [%s] is %s "
                             "(NbChannels x SizeY x SizeX)",
                             last->section, name, n2d2_set_name(set), got, sp->section, want);
    return n2d2_error_at(N2D2_ERR_SHAPE, sp->db_where, 0,
                         "[database]: stimulus '%s' (%s set) is %s (CxHxW) and no transformation "
                         "applies to it, but the network input [%s] is %s "
                         "(NbChannels x SizeY x SizeX); add a [%s.Transformation] section "
                         "(e.g. RescaleTransformation or PadCropTransformation)",
                         name, n2d2_set_name(set), got, sp->section, want, sp->section);
}

/* ---- conversion into the batch ---- */

void sp_make_luts(n2d2_stimuli *sp)
{
    for (int v = 0; v < 256; ++v) {
        double x = sp->signed_mapping ? (v - 128) / 128.0 : v / 255.0;
        sp->lut_f[v] = (float)x;
        sp->lut_d[v] = x;
    }
}

/* 8-bit data goes to [0, 1] (or [-1, 1] with DataSignedMapping) unless a
 * transformation of this set changed the range (manual lines 5881-5885). */
static n2d2_status convert(const n2d2_stimuli *sp, n2d2_set set, n2d2_dtype src_type,
                           const void *src, size_t n, void *dst)
{
    int implicit = !sp->changes_range[set];
    float *df = sp->dtype == N2D2_FLOAT32 ? dst : NULL;
    double *dd = sp->dtype == N2D2_FLOAT64 ? dst : NULL;
    switch (src_type) {
    case N2D2_UINT8: {
        const uint8_t *s = src;
        if (implicit && df)
            for (size_t i = 0; i < n; ++i)
                df[i] = sp->lut_f[s[i]];
        else if (implicit)
            for (size_t i = 0; i < n; ++i)
                dd[i] = sp->lut_d[s[i]];
        else if (df)
            for (size_t i = 0; i < n; ++i)
                df[i] = (float)s[i];
        else
            for (size_t i = 0; i < n; ++i)
                dd[i] = (double)s[i];
        return N2D2_OK;
    }
    case N2D2_INT8: {
        const int8_t *s = src;
        double scale = implicit ? 1.0 / 128.0 : 1.0;
        for (size_t i = 0; i < n; ++i) {
            if (df)
                df[i] = (float)(s[i] * scale);
            else
                dd[i] = s[i] * scale;
        }
        return N2D2_OK;
    }
    case N2D2_FLOAT32: {
        const float *s = src;
        if (df)
            memcpy(df, s, n * sizeof *s);
        else
            for (size_t i = 0; i < n; ++i)
                dd[i] = s[i];
        return N2D2_OK;
    }
    case N2D2_FLOAT64: {
        const double *s = src;
        if (dd)
            memcpy(dd, s, n * sizeof *s);
        else
            for (size_t i = 0; i < n; ++i)
                df[i] = (float)s[i];
        return N2D2_OK;
    }
    case N2D2_INT32: {
        const int32_t *s = src;
        for (size_t i = 0; i < n; ++i) {
            if (df)
                df[i] = (float)s[i];
            else
                dd[i] = s[i];
        }
        return N2D2_OK;
    }
    default:
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "[%s]: converting %s stimuli data is not implemented yet", sp->section,
                          n2d2_dtype_name(src_type));
    }
}

/* ---- the pipeline ---- */

/* A copy of cache entry `e` of `c` as a new tensor. */
static n2d2_status from_cache(const sp_cache *c, const sp_cache_entry *e, n2d2_tensor **out)
{
    size_t dims[3] = {e->dims[0], e->dims[1], e->dims[2]};
    n2d2_status st = n2d2_tensor_new((n2d2_dtype)e->dtype, 3, dims, out);
    if (st == N2D2_OK)
        memcpy(n2d2_tensor_data(*out), cache_data(c, e), n2d2_tensor_nbytes(*out));
    return st;
}

/* The pipeline with the label map (CompositeStimuli=1). The static part
 * and its label map are kept in memory side by side (both or neither, so
 * a full cache never half-stores a stimulus); the disk cache is not used
 * (it keeps no label maps). With a fixed size (not a variable-size
 * provider) the final size is checked here. */
n2d2_status sp_fetch_tensors(n2d2_stimuli *sp, sp_scratch *scratch, size_t index, n2d2_set set,
                             uint64_t pass, n2d2_tensor **out, n2d2_tensor **map_out,
                             int *label, const sp_transform **last_out)
{
    sp_cache_entry *e = &sp->cache.entries[index], *le = &sp->label_cache.entries[index];
    n2d2_tensor *t = NULL, *map = NULL;
    const sp_transform *last = last_static(sp, set);
    n2d2_status st;
    n2d2_rng rng;
    *out = NULL;
    *map_out = NULL;
    if (e->state == SP_CACHE_STORED && le->state == SP_CACHE_STORED) {
        st = from_cache(&sp->cache, e, &t);
        if (st == N2D2_OK)
            st = from_cache(&sp->label_cache, le, &map);
        *label = e->label;
    } else {
        st = sp_read_static_map(sp, index, set, &sp->global_static, &t, label, &map);
        if (st != N2D2_OK)
            return st;
        if (sp->cache_final) {
            /* No on-the-fly step: the whole pipeline is static (pass 0). */
            item_rng(&rng, sp->seed, 0, index);
            st = run_rest(sp, scratch, &t, &map, label, set, &rng, &last);
            if (st == N2D2_OK && !sp->variable)
                st = check_size(sp, n2d2_tensor_dims(t), index, set, last);
        }
        /* One memory budget for data and maps together. */
        size_t need = map ? padded_size(t) + padded_size(map) : 0;
        if (st == N2D2_OK && map &&
            sp->cache.bytes + sp->label_cache.bytes + need <= sp->cache.limit) {
            st = cache_store_in(sp, &sp->cache, index, t, *label);
            if (st == N2D2_OK)
                st = cache_store_in(sp, &sp->label_cache, index, map, *label);
        } else if (st == N2D2_OK && map && !sp->cache.full_warned) {
            n2d2_log_warn("[%s]: the in-memory stimuli cache reached %zu MiB: the other stimuli "
                          "are recomputed at each fetch (N2D2_STIMULI_CACHE_MB sets the limit)",
                          sp->section, sp->cache.limit >> 20);
            sp->cache.full_warned = 1;
        }
    }
    if (st == N2D2_OK && !sp->cache_final) {
        item_rng(&rng, sp->seed, pass, index);
        st = run_rest(sp, scratch, &t, &map, label, set, &rng, &last);
    }
    if (st == N2D2_OK && !sp->variable)
        st = check_size(sp, n2d2_tensor_dims(t), index, set, last);
    if (st != N2D2_OK) {
        n2d2_tensor_release(map);
        n2d2_tensor_release(t);
        return st;
    }
    *out = t;
    *map_out = map;
    *last_out = last;
    return N2D2_OK;
}

static n2d2_status fetch_composite(n2d2_stimuli *sp, sp_scratch *scratch, size_t index,
                                   n2d2_set set, uint64_t pass, void *dst, int *label,
                                   int32_t *map_dst)
{
    n2d2_tensor *t, *map;
    const sp_transform *last = NULL;
    n2d2_status st = sp_fetch_tensors(sp, scratch, index, set, pass, &t, &map, label, &last);
    if (st != N2D2_OK)
        return st;
    if (!map || n2d2_tensor_dim(map, 1) != sp->shape.dims[1] ||
        n2d2_tensor_dim(map, 2) != sp->shape.dims[2])
        st = n2d2_error_at(N2D2_ERR_SHAPE, last ? last->where : sp->db_where, 0,
                           "[%s]: the pixel-wise label map of stimulus '%s' does not follow the "
                           "data to %zux%zu (a Channel* chain changed the size?)",
                           last ? last->section : "database",
                           n2d2_database_stimulus_name(sp->db, index), sp->shape.dims[1],
                           sp->shape.dims[2]);
    if (st == N2D2_OK)
        st = convert(sp, set, n2d2_tensor_dtype(t), n2d2_tensor_cdata(t), sp->sample_numel, dst);
    if (st == N2D2_OK && map_dst)
        memcpy(map_dst, n2d2_tensor_cdata(map), n2d2_tensor_nbytes(map));
    n2d2_tensor_release(map);
    n2d2_tensor_release(t);
    return st;
}

n2d2_status sp_fetch(n2d2_stimuli *sp, sp_scratch *scratch, size_t index, n2d2_set set,
                     uint64_t pass, void *dst, int *label, int32_t *map_dst)
{
    if (sp->composite)
        return fetch_composite(sp, scratch, index, set, pass, dst, label, map_dst);
    sp_cache_entry *e = &sp->cache.entries[index];
    const sp_transform *last = NULL;
    n2d2_tensor *t = NULL;
    n2d2_status st;
    if (e->state == SP_CACHE_STORED && sp->cache_final) {
        *label = e->label;
        return convert(sp, set, (n2d2_dtype)e->dtype, cache_data(&sp->cache, e), sp->sample_numel,
                       dst);
    }
    if (e->state == SP_CACHE_STORED) {
        size_t dims[3] = {e->dims[0], e->dims[1], e->dims[2]};
        st = reuse(&scratch->data, (n2d2_dtype)e->dtype, dims);
        if (st != N2D2_OK)
            return st;
        memcpy(n2d2_tensor_data(scratch->data), cache_data(&sp->cache, e),
               n2d2_tensor_nbytes(scratch->data));
        t = scratch->data;
        scratch->data = NULL;
        *label = e->label;
        last = last_static(sp, set);
    } else if (sp_disk_load(sp, index, set, &t, label)) {
        /* Same bytes as the in-memory cache would hold. */
        last = last_static(sp, set);
        st = cache_store(sp, index, t, *label);
        if (st == N2D2_OK && sp->cache_final)
            st = convert(sp, set, n2d2_tensor_dtype(t), n2d2_tensor_cdata(t), sp->sample_numel,
                         dst);
        if (st != N2D2_OK || sp->cache_final) {
            n2d2_tensor_release(t);
            return st;
        }
    } else {
        st = sp_read_static(sp, index, set, &sp->global_static, &t, label);
        if (st != N2D2_OK)
            return st;
        last = last_static(sp, set);
        n2d2_rng rng;
        item_rng(&rng, sp->seed, 0, index);
        if (sp->cache_final) {
            /* No on-the-fly step: the channel chains are static too and
             * their result is what gets cached. */
            st = run_rest(sp, scratch, &t, NULL, label, set, &rng, &last);
            if (st == N2D2_OK)
                st = check_size(sp, n2d2_tensor_dims(t), index, set, last);
        }
        if (st == N2D2_OK)
            st = cache_store(sp, index, t, *label);
        if (st == N2D2_OK)
            sp_disk_store(sp, index, set, t, *label);
        if (st == N2D2_OK && sp->cache_final)
            st = convert(sp, set, n2d2_tensor_dtype(t), n2d2_tensor_cdata(t), sp->sample_numel,
                         dst);
        if (st != N2D2_OK || sp->cache_final) {
            n2d2_tensor_release(t);
            return st;
        }
    }
    n2d2_rng rng;
    item_rng(&rng, sp->seed, pass, index);
    st = run_rest(sp, scratch, &t, NULL, label, set, &rng, &last);
    if (st == N2D2_OK)
        st = check_size(sp, n2d2_tensor_dims(t), index, set, last);
    if (st == N2D2_OK)
        st = convert(sp, set, n2d2_tensor_dtype(t), n2d2_tensor_cdata(t), sp->sample_numel, dst);
    /* Keep the final tensor as the scratch for the next fetch. */
    n2d2_tensor_release(scratch->data);
    scratch->data = t;
    return st;
}
