/* INI rewrites done before the cells are collected, for forms of N2D2
 * models whose meaning involves two sections.
 *
 * Unpool with ArgMax: N2D2's max unpooling reuses the positions that the
 * Pool layer named by `ArgMax=` stored. Cells cannot read each other's
 * state, so the Frame Unpool recomputes them from that pool's input, which
 * it takes as a second input. A model written for N2D2 gives only the data
 * (`Input=<data>`): the pool's input is appended here, so the file runs
 * unchanged. The entry keeps its file:line for messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_impl.h"
#include "ini_impl.h"
#include "strutil.h"

static const char *value_of(n2d2_ini *ini, n2d2_ini_section *sec, const char *key)
{
    const char *v = NULL;
    if (!n2d2_ini_entry_find(sec, key) || n2d2_ini_get(ini, sec, key, &v) != N2D2_OK)
        return NULL;
    return v;
}

static n2d2_status wire_one(n2d2_ini *ini, n2d2_ini_section *sec)
{
    const char *arg_max = value_of(ini, sec, "ArgMax");
    const char *input = value_of(ini, sec, "Input");
    if (!arg_max || !*arg_max || !input)
        return N2D2_OK;
    char **items = NULL;
    size_t n = 0;
    n2d2_status st = n2d2_list_split(input, &items, &n);
    n2d2_list_free(items, n);
    if (st != N2D2_OK || n != 1)
        return st; /* already wired (or nothing to wire): leave it as written */
    n2d2_ini_section *pool = n2d2_ini_find(ini, arg_max);
    const char *pool_input = pool ? value_of(ini, pool, "Input") : NULL;
    if (!pool_input || strchr(pool_input, ','))
        return N2D2_OK; /* the Unpool plugin reports a missing or multi-input pool */
    size_t size = strlen(input) + strlen(pool_input) + 2;
    char *raw = malloc(size);
    if (!raw)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    snprintf(raw, size, "%s,%s", input, pool_input);
    st = ini_entry_rewrite(ini, n2d2_ini_entry_find(sec, "Input"), raw);
    free(raw);
    return st;
}

n2d2_status n2d2_graph_wire_argmax(n2d2_graph *g)
{
    n2d2_status st = N2D2_OK;
    for (size_t i = 0; i < n2d2_ini_section_count(g->ini) && st == N2D2_OK; ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(g->ini, i);
        const char *type = value_of(g->ini, sec, "Type");
        if (type && strcmp(type, "Unpool") == 0)
            st = wire_one(g->ini, sec);
    }
    return st;
}
