/* Solvers attached by the kernel to every parameter tensor a cell declares
 * with a solver prefix (N2D2's WeightsSolver / BiasSolver / Solvers keys). */
#include "graph_impl.h"

#include <stdio.h>
#include <string.h>

static n2d2_status setup_one(n2d2_cell *cell, cell_param *param)
{
    char type_key[256];
    snprintf(type_key, sizeof type_key, "%s", param->solver);
    /* The solver type: `<prefix>=`, else `Solvers=`, else SGD. */
    const n2d2_param_spec type_schema[] = {
        {type_key, N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0, "solver type for this parameter"},
        {"Solvers", N2D2_PARAM_STRING, "SGD", NULL, 0, 0, 0, "solver type for all parameters"},
    };
    const char *no_prefix[] = {""};
    n2d2_params *types;
    n2d2_status st = n2d2_params_sub(cell->params, no_prefix, 1, type_schema, 2, &types);
    if (st != N2D2_OK)
        return st;
    const char *key = n2d2_params_given(types, type_key) ? type_key : "Solvers";
    const char *type = n2d2_params_string(types, key);
    const n2d2_feature *f;
    st = n2d2_registry_resolve(cell->graph->reg, N2D2_KIND_SOLVER, type, cell->model,
                               n2d2_params_where(types, key), &f);
    n2d2_params_free(types);
    if (st != N2D2_OK)
        return st;
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s.", param->solver);
    const char *prefixes[] = {prefix, "Solvers."};
    st = n2d2_params_sub(cell->params, prefixes, 2, f->params, f->n_params, &param->update.params);
    if (st != N2D2_OK)
        return st;
    param->update.feature = f;
    /* Create now so that bad solver options fail at build time; options that
     * wait for a generated value ([sp]_EpochSize) are created on first use. */
    st = n2d2_params_ready(param->update.params);
    if (st != N2D2_OK) {
        if (!n2d2_ini_waiting_for_generated(cell->graph->ini))
            return st;
        n2d2_error_clear();
        return N2D2_OK;
    }
    return n2d2_cell_solver_ready(cell, param);
}

n2d2_status n2d2_cell_setup_solvers(n2d2_cell *cell)
{
    for (size_t i = 0; i < cell->n_learnables; ++i) {
        cell_param *param = &cell->learnables[i];
        if (!param->solver || !param->grad)
            continue;
        n2d2_status st = setup_one(cell, param);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

n2d2_status n2d2_cell_solver_ready(n2d2_cell *cell, cell_param *param)
{
    cell_solver *s = &param->update;
    if (!s->feature || s->created)
        return N2D2_OK;
    n2d2_status st = n2d2_params_ready(s->params);
    if (st != N2D2_OK)
        return st;
    st = ((const n2d2_solver_ops *)s->feature->ops)->create(s->params, param->value, &s->state);
    if (st != N2D2_OK)
        return n2d2_error_prefix("[%s] %s solver", cell->name, param->name);
    s->created = 1;
    return N2D2_OK;
}

n2d2_status n2d2_cell_run_solvers(n2d2_cell *cell, const n2d2_solver_context *ctx)
{
    for (size_t i = 0; i < cell->n_learnables; ++i) {
        cell_param *param = &cell->learnables[i];
        cell_solver *s = &param->update;
        if (!s->feature)
            continue;
        const n2d2_solver_ops *ops = s->feature->ops;
        n2d2_status st = n2d2_cell_solver_ready(cell, param);
        if (st != N2D2_OK)
            return st;
        st = ops->update(s->state, param->value, param->grad, ctx);
        if (st != N2D2_OK)
            return n2d2_error_prefix("[%s] %s solver", cell->name, param->name);
    }
    return N2D2_OK;
}

void n2d2_cell_free_solvers(n2d2_cell *cell)
{
    for (size_t i = 0; i < cell->n_learnables; ++i) {
        cell_solver *s = &cell->learnables[i].update;
        if (s->created && s->feature && ((const n2d2_solver_ops *)s->feature->ops)->destroy)
            ((const n2d2_solver_ops *)s->feature->ops)->destroy(s->state);
        n2d2_params_free(s->params);
        s->params = NULL;
        s->created = 0;
    }
}
