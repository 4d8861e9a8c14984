/* n2d2_cell_fill: weight initialisation through filler plugins. */
#include "graph_impl.h"

#include "n2d2/filler.h"

#include <stdio.h>

n2d2_status n2d2_cell_fill(n2d2_cell *cell, const char *key, const char *default_type,
                           n2d2_tensor *tensor, size_t fan_in, size_t fan_out)
{
    const n2d2_param_spec type_schema[] = {
        {key, N2D2_PARAM_STRING, default_type, NULL, 0, 0, 0, "filler type"},
    };
    const char *no_prefix[] = {""};
    n2d2_params *types;
    n2d2_status st = n2d2_params_sub(cell->params, no_prefix, 1, type_schema, 1, &types);
    if (st != N2D2_OK)
        return st;
    const char *type = n2d2_params_string(types, key);
    const n2d2_feature *f = NULL;
    if (!type || !type[0])
        st = n2d2_cell_error(cell, N2D2_ERR_INVAL, "%s: no filler type given", key);
    else
        st = n2d2_registry_resolve(cell->graph->reg, N2D2_KIND_FILLER, type, NULL,
                                   n2d2_params_where(types, key), &f);
    n2d2_params_free(types);
    if (st != N2D2_OK)
        return st;
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s.", key);
    const char *prefixes[] = {prefix};
    n2d2_params *params;
    st = n2d2_params_sub(cell->params, prefixes, 1, f->params, f->n_params, &params);
    if (st != N2D2_OK)
        return st;
    const n2d2_filler_ops *ops = f->ops;
    st = ops->fill(params, tensor, fan_in, fan_out, n2d2_cell_rng(cell, N2D2_RNG_FILLER));
    n2d2_params_free(params);
    return st;
}
