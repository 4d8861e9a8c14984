/* Batches are prepared ahead by one worker thread into SP_SLOTS buffers
 * (double buffering): while the network trains on batch k, batch k+1 is
 * being filled. begin() drops any work in flight (the worker checks a
 * generation counter at every stimulus) and posts the new pass; next()
 * copies the next batch, in order, into the caller's input tensor.
 *
 * begin/next/free are meant for one consumer thread. Nothing is allocated
 * per batch: slots and the pass order are reused. */
#include <stdlib.h>
#include <string.h>

#include "n2d2/log.h"
#include "stimuli_internal.h"
#include "strutil.h"

static size_t round_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

/* Fill `slot` with `count` stimuli of the pass; returns early (N2D2_OK)
 * when begin() moved on to another generation. */
static n2d2_status fill_slot(n2d2_stimuli *sp, sp_slot *slot, const size_t *items, size_t count,
                             n2d2_set set, uint64_t pass, uint64_t gen)
{
    size_t elem = n2d2_dtype_size(sp->dtype) * sp->sample_numel;
    size_t plane = sp->shape.dims[1] * sp->shape.dims[2];
    for (size_t i = 0; i < count; ++i) {
        if (atomic_load_explicit(&sp->w.gen, memory_order_relaxed) != gen)
            return N2D2_OK;
        int label;
        n2d2_status st = sp_fetch(sp, &sp->w.scratch, items[i], set, pass,
                                  (char *)slot->data + i * elem, &label,
                                  slot->maps ? slot->maps + i * plane : NULL);
        if (st != N2D2_OK)
            return st;
        slot->labels[i] = label;
        slot->indices[i] = items[i];
    }
    if (count < sp->batch)
        memset((char *)slot->data + count * elem, 0, (sp->batch - count) * elem);
    for (size_t i = count; i < sp->batch; ++i) {
        slot->labels[i] = -1;
        slot->indices[i] = (size_t)-1;
        for (size_t k = 0; slot->maps && k < plane; ++k)
            slot->maps[i * plane + k] = -1;
    }
    slot->count = count;
    return N2D2_OK;
}

static sp_slot *free_slot(sp_worker *w)
{
    for (int i = 0; i < SP_SLOTS; ++i)
        if (w->slots[i].state == SLOT_FREE)
            return &w->slots[i];
    return NULL;
}

static void *worker_main(void *arg)
{
    n2d2_stimuli *sp = arg;
    sp_worker *w = &sp->w;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        sp_slot *slot = NULL;
        if (w->active && !w->failed && w->next_pos < w->n_order)
            slot = free_slot(w);
        if (!slot) {
            pthread_cond_wait(&w->cv, &w->mu);
            continue;
        }
        size_t start = w->next_pos;
        size_t count = w->n_order - start < sp->batch ? w->n_order - start : sp->batch;
        w->next_pos += count;
        slot->state = SLOT_FILLING;
        slot->seq = w->next_fill++;
        uint64_t gen = atomic_load(&w->gen);
        n2d2_set set = w->set;
        uint64_t pass = w->pass_no;
        const size_t *items = w->order + start; /* stable: begin() waits for us */
        pthread_mutex_unlock(&w->mu);

        n2d2_status st = fill_slot(sp, slot, items, count, set, pass, gen);
        char *message = st != N2D2_OK ? n2d2_strdup(n2d2_error_message()) : NULL;

        pthread_mutex_lock(&w->mu);
        if (atomic_load(&w->gen) != gen) {
            slot->state = SLOT_FREE;
            free(message);
        } else {
            slot->status = st;
            free(slot->message);
            slot->message = message;
            slot->state = SLOT_READY;
            if (st != N2D2_OK)
                w->failed = 1;
        }
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

n2d2_status sp_worker_start(n2d2_stimuli *sp)
{
    sp_worker *w = &sp->w;
    size_t elem = n2d2_dtype_size(sp->dtype) * sp->sample_numel;
    for (int i = 0; i < SP_SLOTS; ++i) {
        sp_slot *s = &w->slots[i];
        size_t bytes = sp->batch * elem;
        s->data = aligned_alloc(64, round_up(bytes ? bytes : 1, 64));
        s->labels = calloc(sp->batch, sizeof *s->labels);
        s->indices = calloc(sp->batch, sizeof *s->indices);
        if (sp->composite)
            s->maps = malloc(sp->batch * sp->shape.dims[1] * sp->shape.dims[2] * sizeof *s->maps);
        if (!s->data || !s->labels || !s->indices || (sp->composite && !s->maps))
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory allocating the batch buffers");
    }
    if (sp->composite) {
        size_t dims[4] = {sp->batch, 1, sp->shape.dims[1], sp->shape.dims[2]};
        n2d2_status st = n2d2_tensor_new(N2D2_INT32, 4, dims, &w->maps_out);
        if (st != N2D2_OK)
            return st;
        int32_t *m = n2d2_tensor_data(w->maps_out);
        for (size_t i = 0; i < n2d2_tensor_numel(w->maps_out); ++i)
            m[i] = -1;
    }
    if (pthread_mutex_init(&w->mu, NULL) != 0)
        return n2d2_error(N2D2_ERR_NOMEM, "cannot create the stimuli worker mutex");
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        return n2d2_error(N2D2_ERR_NOMEM, "cannot create the stimuli worker condition");
    }
    if (pthread_create(&w->thread, NULL, worker_main, sp) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        return n2d2_error(N2D2_ERR_NOMEM, "cannot start the stimuli worker thread");
    }
    w->started = 1;
    return N2D2_OK;
}

void sp_worker_stop(n2d2_stimuli *sp)
{
    sp_worker *w = &sp->w;
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        w->stop = 1;
        atomic_fetch_add(&w->gen, 1); /* the batch in progress stops early */
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        w->started = 0;
    }
    for (int i = 0; i < SP_SLOTS; ++i) {
        free(w->slots[i].data);
        free(w->slots[i].labels);
        free(w->slots[i].maps);
        free(w->slots[i].indices);
        free(w->slots[i].message);
    }
    free(w->order);
    sp_scratch_free(&w->scratch);
    n2d2_tensor_release(w->maps_out);
    w->maps_out = NULL;
    memset(w->slots, 0, sizeof w->slots);
    w->order = NULL;
}

n2d2_status n2d2_stimuli_begin(n2d2_stimuli *sp, n2d2_set set, int shuffle, size_t limit)
{
    if (!sp || (unsigned)set >= N2D2_SET_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_stimuli_begin: invalid argument");
    if (sp->variable)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_stimuli_begin: [%s] is a variable-size provider "
                                          "(BatchSize=0): it has no batches, use "
                                          "n2d2_stimuli_get", sp->section);
    sp_worker *w = &sp->w;
    size_t n = n2d2_database_set_count(sp->db, set);
    pthread_mutex_lock(&w->mu);
    /* Stop the current pass: no new claim (active = 0), and the batch being
     * filled ends at its next stimulus (gen). */
    atomic_fetch_add(&w->gen, 1);
    w->active = 0;
    for (;;) {
        int filling = 0;
        for (int i = 0; i < SP_SLOTS; ++i)
            filling |= w->slots[i].state == SLOT_FILLING;
        if (!filling)
            break;
        pthread_cond_wait(&w->cv, &w->mu);
    }
    for (int i = 0; i < SP_SLOTS; ++i)
        w->slots[i].state = SLOT_FREE;
    if (n > w->cap_order) {
        size_t *p = realloc(w->order, n * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&w->mu);
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        }
        w->order = p;
        w->cap_order = n;
    }
    for (size_t i = 0; i < n; ++i)
        w->order[i] = n2d2_database_set_at(sp->db, set, i);
    if (shuffle) {
        /* The k-th pass over a set is shuffled by its own shuffle stream,
         * (seed, set, k): reproducible whatever else was drawn. */
        uint64_t k = (sp->passes[set] + 1) * N2D2_SET_COUNT + (uint64_t)set;
        n2d2_rng rng;
        n2d2_rng_seed(&rng, sp->seed, (k << 3) | N2D2_RNG_SHUFFLE);
        n2d2_rng_shuffle(&rng, w->order, n);
    }
    w->n_order = (limit && limit < n) ? limit : n;
    w->set = set;
    w->pass_no = ++sp->passes[set];
    w->next_pos = w->delivered = 0;
    w->next_fill = w->next_read = 0;
    w->failed = 0;
    w->active = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return N2D2_OK;
}

static n2d2_status check_input(const n2d2_stimuli *sp, const n2d2_tensor *input)
{
    if (!input)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_stimuli_next: no input tensor");
    n2d2_dtype dt = n2d2_tensor_dtype(input);
    size_t want[4] = {sp->batch, sp->shape.dims[0], sp->shape.dims[1], sp->shape.dims[2]};
    if (n2d2_tensor_ndim(input) != 4 || memcmp(n2d2_tensor_dims(input), want, sizeof want) != 0) {
        char got[96], exp[96];
        n2d2_shape_str(n2d2_tensor_dims(input), n2d2_tensor_ndim(input), got, sizeof got);
        n2d2_shape_str(want, 4, exp, sizeof exp);
        return n2d2_error(N2D2_ERR_SHAPE, "[%s]: the input tensor is %s, the provider delivers %s",
                          sp->section, got, exp);
    }
    if (dt != N2D2_FLOAT32 && dt != N2D2_FLOAT64)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "[%s]: %s input tensors are not implemented yet (Float32, Float64)",
                          sp->section, n2d2_dtype_name(dt));
    return N2D2_OK;
}

static void copy_out(const n2d2_stimuli *sp, const sp_slot *s, n2d2_tensor *input)
{
    size_t n = sp->batch * sp->sample_numel;
    n2d2_dtype dt = n2d2_tensor_dtype(input);
    if (dt == sp->dtype) {
        memcpy(n2d2_tensor_data(input), s->data, n * n2d2_dtype_size(dt));
    } else if (dt == N2D2_FLOAT32) {
        float *d = n2d2_tensor_data(input);
        const double *src = s->data;
        for (size_t i = 0; i < n; ++i)
            d[i] = (float)src[i];
    } else {
        double *d = n2d2_tensor_data(input);
        const float *src = s->data;
        for (size_t i = 0; i < n; ++i)
            d[i] = src[i];
    }
}

n2d2_status n2d2_stimuli_next(n2d2_stimuli *sp, n2d2_tensor *input, int *labels, size_t *indices,
                              size_t *count)
{
    if (count)
        *count = 0;
    if (!sp || !count)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_stimuli_next: NULL argument");
    if (sp->variable)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_stimuli_next: [%s] is a variable-size provider "
                                          "(BatchSize=0): use n2d2_stimuli_get", sp->section);
    n2d2_status st = check_input(sp, input);
    if (st != N2D2_OK)
        return st;
    sp_worker *w = &sp->w;
    pthread_mutex_lock(&w->mu);
    if (!w->active) {
        pthread_mutex_unlock(&w->mu);
        return n2d2_error(N2D2_ERR_INVAL, "[%s]: no pass started (call n2d2_stimuli_begin first)",
                          sp->section);
    }
    if (w->delivered >= w->n_order) {
        pthread_mutex_unlock(&w->mu);
        return N2D2_OK;
    }
    sp_slot *s = NULL;
    for (;;) {
        for (int i = 0; i < SP_SLOTS && !s; ++i)
            if (w->slots[i].state == SLOT_READY && w->slots[i].seq == w->next_read)
                s = &w->slots[i];
        if (s)
            break;
        pthread_cond_wait(&w->cv, &w->mu);
    }
    if (s->status != N2D2_OK) {
        /* The pass is over; the slot keeps the error for later calls. */
        st = n2d2_error(s->status, "%s", s->message ? s->message : "stimulus preparation failed");
        pthread_mutex_unlock(&w->mu);
        return st;
    }
    s->state = SLOT_READING;
    pthread_mutex_unlock(&w->mu);

    copy_out(sp, s, input);
    if (labels)
        memcpy(labels, s->labels, sp->batch * sizeof *labels);
    if (indices)
        memcpy(indices, s->indices, sp->batch * sizeof *indices);
    if (s->maps)
        memcpy(n2d2_tensor_data(w->maps_out), s->maps, n2d2_tensor_nbytes(w->maps_out));
    *count = s->count;

    pthread_mutex_lock(&w->mu);
    s->state = SLOT_FREE;
    w->next_read++;
    w->delivered += s->count;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return N2D2_OK;
}

const n2d2_tensor *n2d2_stimuli_label_maps(const n2d2_stimuli *sp)
{
    return sp ? sp->w.maps_out : NULL;
}
