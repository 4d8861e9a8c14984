/* Parameter sharing between cells (WeightsSharing=, BiasesSharing=): a cell
 * borrows a tensor another, earlier cell declared. */
#include "graph_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t position_of(const n2d2_graph *g, const n2d2_cell *cell)
{
    for (size_t i = 0; i < g->n_cells; ++i)
        if (g->cells[i] == cell)
            return i;
    return g->n_cells;
}

static n2d2_status unknown_cell(n2d2_cell *cell, const char *key, const char *other)
{
    const n2d2_graph *g = cell->graph;
    const char **names = malloc((g->n_cells ? g->n_cells : 1) * sizeof *names);
    if (!names)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < g->n_cells; ++i)
        names[i] = g->cells[i]->name;
    size_t best[3];
    size_t found = n2d2_suggest(other, names, g->n_cells, best, 3);
    char hint[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < found && used < sizeof hint; ++i)
        used += (size_t)snprintf(hint + used, sizeof hint - used, "%s%s", i ? ", " : " (did you mean ",
                                 names[best[i]]);
    if (found && used < sizeof hint)
        snprintf(hint + used, sizeof hint - used, "?)");
    free(names);
    return n2d2_cell_error(cell, N2D2_ERR_NOT_FOUND, "%s=%s: no such cell%s", key, other, hint);
}

n2d2_status n2d2_cell_shared_param(n2d2_cell *cell, const char *key, const char *other,
                                   const char *param, n2d2_tensor **value, n2d2_tensor **grad)
{
    *value = NULL;
    if (grad)
        *grad = NULL;
    const n2d2_graph *g = cell->graph;
    size_t self = position_of(g, cell), at = g->n_cells;
    for (size_t i = 0; i < g->n_cells; ++i)
        if (strcmp(g->cells[i]->name, other) == 0)
            at = i;
    if (at == g->n_cells)
        return unknown_cell(cell, key, other);
    if (at == self)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL, "%s=%s: a cell cannot share with itself", key,
                               other);
    if (at > self)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "%s=%s: [%s] (%s) comes after [%s] in the network; share with an "
                               "earlier cell",
                               key, other, other, n2d2_ini_section_where(g->cells[at]->section),
                               cell->name);
    const n2d2_cell *src = g->cells[at];
    for (size_t i = 0; i < src->n_learnables; ++i)
        if (strcmp(src->learnables[i].name, param) == 0) {
            *value = src->learnables[i].value;
            if (grad)
                *grad = src->learnables[i].grad;
            return N2D2_OK;
        }
    return n2d2_cell_error(cell, N2D2_ERR_NOT_FOUND, "%s=%s: [%s] (%s) has no %s to share", key,
                           other, other, src->type, param);
}
