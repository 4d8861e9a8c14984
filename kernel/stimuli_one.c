/* Variable-size providers (`BatchSize=0`, `SizeX=0 SizeY=0`: "any size",
 * manual 21.4): a provider that no network reads, opened by a
 * transformation of another provider (BlendingTransformation
 * StimuliProvider=) from its create (n2d2_stimuli_building), which
 * fetches single stimuli of any size with their label maps. It has no batch worker; fetches are
 * serialised by a mutex because they share the static cache. */
#include <stdlib.h>
#include <string.h>

#include "stimuli_internal.h"
#include "strutil.h"

static n2d2_status get_locked(n2d2_stimuli *sp, size_t index, n2d2_set set, uint64_t pass,
                              n2d2_tensor **data, n2d2_tensor **map, int *label)
{
    sp_scratch scratch;
    memset(&scratch, 0, sizeof scratch);
    const sp_transform *last = NULL;
    n2d2_status st = sp_fetch_tensors(sp, &scratch, index, set, pass, data, map, label, &last);
    sp_scratch_free(&scratch);
    if (st != N2D2_OK)
        return st;
    /* A non-zero size in the section is a promise checked on every stimulus. */
    for (int k = 0; k < 3; ++k) {
        if (sp->shape.dims[k] && sp->shape.dims[k] != n2d2_tensor_dim(*data, (size_t)k)) {
            static const char *const key[3] = {"NbChannels", "SizeY", "SizeX"};
            st = n2d2_error_at(N2D2_ERR_SHAPE, last ? last->where : sp->db_where, 0,
                               "[%s]: stimulus '%s' has %zu along %s after %s, but [%s] %s=%zu "
                               "(0 = any size)",
                               sp->section, n2d2_database_stimulus_name(sp->db, index),
                               n2d2_tensor_dim(*data, (size_t)k), key[k],
                               last ? last->section : "the database", sp->section, key[k],
                               sp->shape.dims[k]);
            n2d2_tensor_release(*data);
            n2d2_tensor_release(*map);
            *data = *map = NULL;
            return st;
        }
    }
    return N2D2_OK;
}

n2d2_status sp_variable_setup(n2d2_stimuli *sp)
{
    if (pthread_mutex_init(&sp->one_mu, NULL) != 0)
        return n2d2_error(N2D2_ERR_NOMEM, "cannot create the stimuli provider mutex");
    sp->one_mu_ok = 1;
    /* As for a network input: a pipeline that fails is reported now. */
    for (int s = 0; s < N2D2_SET_COUNT; ++s) {
        if (n2d2_database_set_count(sp->db, (n2d2_set)s) == 0 || sp_set_hidden(sp, s))
            continue;
        n2d2_tensor *t, *map;
        int label;
        n2d2_status st = get_locked(sp, n2d2_database_set_at(sp->db, (n2d2_set)s, 0), (n2d2_set)s,
                                    1, &t, &map, &label);
        if (st != N2D2_OK)
            return st;
        n2d2_tensor_release(t);
        n2d2_tensor_release(map);
    }
    return N2D2_OK;
}

void sp_variable_free(n2d2_stimuli *sp)
{
    for (size_t i = 0; i < sp->n_subs; ++i)
        n2d2_stimuli_free(sp->subs[i]);
    free(sp->subs);
    sp->subs = NULL;
    sp->n_subs = 0;
    if (sp->one_mu_ok)
        pthread_mutex_destroy(&sp->one_mu);
    sp->one_mu_ok = 0;
}

n2d2_status n2d2_stimuli_provider(n2d2_stimuli *owner, const char *sp_section,
                                  const char *db_section, n2d2_stimuli **out)
{
    if (out)
        *out = NULL;
    if (!owner || !sp_section || !*sp_section || !out)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_stimuli_provider: invalid argument");
    if (!db_section || !*db_section)
        db_section = "database";
    for (size_t i = 0; i < owner->n_subs; ++i)
        if (strcmp(owner->subs[i]->section, sp_section) == 0 &&
            strcmp(owner->subs[i]->db_section, db_section) == 0) {
            *out = owner->subs[i];
            return N2D2_OK;
        }
    for (const n2d2_stimuli *o = owner; o; o = o->owner)
        if (strcmp(o->section, sp_section) == 0)
            return n2d2_error_at(N2D2_ERR_INVAL, n2d2_ini_section_where(owner->sec), 0,
                                 "[%s]: the stimuli provider [%s] is already in use above it "
                                 "(a provider cannot feed its own transformations)",
                                 owner->section, sp_section);
    n2d2_stimuli **p = realloc(owner->subs, (owner->n_subs + 1) * sizeof *p);
    if (!p)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    owner->subs = p;
    n2d2_shape any = {3, {0, 0, 0}};
    n2d2_stimuli *sub;
    n2d2_status st = sp_new(owner->ini, owner->reg, sp_section, db_section, &any, N2D2_FLOAT32, 0,
                            owner->seed, owner, &sub);
    if (st != N2D2_OK) {
        n2d2_error_prefix("[%s] (opened by [%s])", sp_section, owner->section);
        return st;
    }
    owner->subs[owner->n_subs++] = sub;
    *out = sub;
    return N2D2_OK;
}

n2d2_status n2d2_stimuli_get(n2d2_stimuli *sp, n2d2_set set, size_t position, uint64_t pass,
                             n2d2_tensor **data, n2d2_tensor **map, int *label)
{
    if (data)
        *data = NULL;
    if (map)
        *map = NULL;
    if (!sp || !data || pass == 0 || (unsigned)set >= N2D2_SET_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_stimuli_get: invalid argument (pass numbers "
                                          "start at 1)");
    if (!sp->variable)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_stimuli_get: [%s] is a network input (BatchSize "
                                          "> 0): use n2d2_stimuli_sample", sp->section);
    size_t n = n2d2_database_set_count(sp->db, set);
    if (position >= n)
        return n2d2_error(N2D2_ERR_RANGE, "n2d2_stimuli_get: [%s] stimulus %zu of the %s set "
                                          "does not exist (the set holds %zu)",
                          sp->section, position, n2d2_set_name(set), n);
    n2d2_tensor *t, *m;
    int lab = -1;
    pthread_mutex_lock(&sp->one_mu);
    n2d2_status st = get_locked(sp, n2d2_database_set_at(sp->db, set, position), set, pass, &t,
                                &m, &lab);
    pthread_mutex_unlock(&sp->one_mu);
    if (st != N2D2_OK)
        return st;
    *data = t;
    if (map)
        *map = m;
    else
        n2d2_tensor_release(m);
    if (label)
        *label = lab;
    return N2D2_OK;
}

int n2d2_stimuli_default_label(const n2d2_stimuli *sp) { return sp ? sp->default_label : -1; }
