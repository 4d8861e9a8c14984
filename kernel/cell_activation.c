/* ActivationFunction= handled once by the kernel for every cell that
 * declares it, so cell plugins only compute their linear part. */
#include "graph_impl.h"

#include <string.h>

#include "n2d2/log.h"

static int schema_declares(const n2d2_feature *f, const char *name)
{
    for (size_t i = 0; i < f->n_params; ++i)
        if (strcmp(f->params[i].name, name) == 0)
            return 1;
    return 0;
}

n2d2_status n2d2_cell_setup_activation(n2d2_cell *cell)
{
    if (!schema_declares(cell->feature, "ActivationFunction"))
        return N2D2_OK;
    const char *type = n2d2_params_string(cell->params, "ActivationFunction");
    if (!type || !type[0])
        return N2D2_OK;
    const n2d2_feature *f;
    n2d2_status st = n2d2_registry_resolve(cell->graph->reg, N2D2_KIND_ACTIVATION, type, NULL,
                                           n2d2_params_where(cell->params, "ActivationFunction"), &f);
    if (st != N2D2_OK)
        return st;
    const char *prefix[] = {"ActivationFunction."};
    st = n2d2_params_sub(cell->params, prefix, 1, f->params, f->n_params, &cell->activation_params);
    if (st != N2D2_OK)
        return st;
    const n2d2_activation_ops *ops = f->ops;
    if (!ops->create || !ops->forward || !ops->backward)
        return n2d2_cell_error(cell, N2D2_ERR_INTERNAL, "activation %s lacks create/forward/backward", type);
    st = ops->create(cell->activation_params, &cell->activation_state);
    if (st != N2D2_OK)
        return n2d2_error_prefix("%s: ActivationFunction=%s",
                                 n2d2_params_where(cell->params, "ActivationFunction"), type);
    cell->activation = ops;
    cell->activation_flags = ops->instance_flags ? ops->instance_flags(cell->activation_state) : ops->flags;
    return N2D2_OK;
}

static int active(const n2d2_cell *cell)
{
    return cell->activation && !(cell->activation_flags & N2D2_ACTIVATION_IDENTITY);
}

n2d2_status n2d2_cell_activation_forward(n2d2_cell *cell, int training)
{
    if (!active(cell))
        return N2D2_OK;
    if (cell->pre_activation && training) { /* backward will need the input */
        n2d2_status st = n2d2_tensor_copy(cell->pre_activation, cell->output);
        if (st != N2D2_OK)
            return st;
        return cell->activation->forward(cell->activation_state, cell->pre_activation, cell->output);
    }
    return cell->activation->forward(cell->activation_state, cell->output, cell->output);
}

n2d2_status n2d2_cell_activation_backward(n2d2_cell *cell)
{
    if (!active(cell))
        return N2D2_OK;
    return cell->activation->backward(cell->activation_state, cell->pre_activation, cell->output,
                                      cell->grad, cell->grad);
}

int n2d2_cell_activation_needs_input(const n2d2_cell *cell);
int n2d2_cell_activation_needs_input(const n2d2_cell *cell)
{
    return active(cell) && (cell->activation_flags & N2D2_ACTIVATION_NEEDS_INPUT);
}

void n2d2_cell_free_activation(n2d2_cell *cell)
{
    if (cell->activation && cell->activation->destroy)
        cell->activation->destroy(cell->activation_state);
    cell->activation = NULL;
    n2d2_params_free(cell->activation_params);
    cell->activation_params = NULL;
}
