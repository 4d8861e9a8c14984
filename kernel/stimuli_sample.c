/* Single stimuli on demand, outside the batch passes: what the host needs
 * to show the data (n2d2-run's frames/, -pre-samples, -log-db-stats). The
 * worker thread shares the cache with sp_fetch, so a sample first stops the
 * pass in progress and runs with the worker's mutex held. */
#include <stdlib.h>
#include <string.h>

#include "stimuli_internal.h"

/* Stop the pass in progress and wait for the batch being filled; returns
 * with w->mu locked. */
static void stop_pass(sp_worker *w)
{
    pthread_mutex_lock(&w->mu);
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
}

static n2d2_status check_position(const n2d2_stimuli *sp, n2d2_set set, size_t position,
                                  const char *who)
{
    if ((unsigned)set >= N2D2_SET_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "%s: invalid set", who);
    size_t n = n2d2_database_set_count(sp->db, set);
    if (position >= n)
        return n2d2_error(N2D2_ERR_RANGE, "%s: stimulus %zu of the %s set does not exist (the "
                                          "set holds %zu)",
                          who, position, n2d2_set_name(set), n);
    return N2D2_OK;
}

n2d2_status n2d2_stimuli_sample(n2d2_stimuli *sp, n2d2_set set, size_t position, uint64_t pass,
                                n2d2_tensor **out, int *label, size_t *index)
{
    static const char who[] = "n2d2_stimuli_sample";
    if (out)
        *out = NULL;
    if (!sp || !out || pass == 0)
        return n2d2_error(N2D2_ERR_INVAL, "%s: invalid argument (pass numbers start at 1)", who);
    if (sp->variable)
        return n2d2_error(N2D2_ERR_INVAL, "%s: [%s] is a variable-size provider (BatchSize=0): "
                                          "use n2d2_stimuli_get", who, sp->section);
    n2d2_status st = check_position(sp, set, position, who);
    if (st != N2D2_OK)
        return st;
    size_t i = n2d2_database_set_at(sp->db, set, position);
    n2d2_tensor *t;
    st = n2d2_tensor_new(sp->dtype, sp->shape.ndim, sp->shape.dims, &t);
    if (st != N2D2_OK)
        return st;
    /* Room for a pixel-wise label map (composite labels); not returned. */
    size_t plane = sp->shape.ndim == 3 ? sp->shape.dims[1] * sp->shape.dims[2] : 1;
    int32_t *map = malloc((plane ? plane : 1) * sizeof *map);
    if (!map) {
        n2d2_tensor_release(t);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    sp_scratch scratch;
    memset(&scratch, 0, sizeof scratch);
    int lab = -1;
    if (sp->w.started)
        stop_pass(&sp->w);
    st = sp_fetch(sp, &scratch, i, set, pass, n2d2_tensor_data(t), &lab, map);
    if (sp->w.started)
        pthread_mutex_unlock(&sp->w.mu);
    sp_scratch_free(&scratch);
    free(map);
    if (st != N2D2_OK) {
        n2d2_tensor_release(t);
        return st;
    }
    *out = t;
    if (label)
        *label = lab;
    if (index)
        *index = i;
    return N2D2_OK;
}

n2d2_status n2d2_stimuli_read_raw(n2d2_stimuli *sp, n2d2_set set, size_t position,
                                  n2d2_tensor **out, int *label)
{
    static const char who[] = "n2d2_stimuli_read_raw";
    if (out)
        *out = NULL;
    if (!sp || !out)
        return n2d2_error(N2D2_ERR_INVAL, "%s: invalid argument", who);
    n2d2_status st = check_position(sp, set, position, who);
    if (st != N2D2_OK)
        return st;
    /* Drivers' read must be thread-safe and no cache is touched: the pass
     * in progress goes on. */
    sp_chain none = {0};
    int lab = -1;
    st = sp_read_static(sp, n2d2_database_set_at(sp->db, set, position), set, &none, out, &lab);
    if (st == N2D2_OK && label)
        *label = lab;
    return st;
}
