/* The API a cell plugin uses to learn about itself and declare parameters. */
#include "graph_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

const char *n2d2_cell_name(const n2d2_cell *cell) { return cell->name; }
const char *n2d2_cell_type(const n2d2_cell *cell) { return cell->type; }
const char *n2d2_cell_model(const n2d2_cell *cell) { return cell->model; }
const char *n2d2_cell_where(const n2d2_cell *cell) { return n2d2_ini_section_where(cell->section); }
n2d2_dtype n2d2_cell_dtype(const n2d2_cell *cell) { return cell->dtype; }
const n2d2_params *n2d2_cell_params(const n2d2_cell *cell) { return cell->params; }
const n2d2_registry *n2d2_cell_registry(const n2d2_cell *cell) { return cell->graph->reg; }
size_t n2d2_cell_input_count(const n2d2_cell *cell) { return cell->n_inputs; }

size_t n2d2_cell_active_batch(const n2d2_cell *cell, size_t allocated)
{
    size_t active = cell->graph ? cell->graph->active_batch : 0;
    return active && active < allocated ? active : allocated;
}

n2d2_rng *n2d2_cell_rng(n2d2_cell *cell, n2d2_rng_purpose purpose)
{
    return &cell->rng[(unsigned)purpose < N2D2_RNG_PURPOSE_COUNT ? purpose : 0];
}

const char *n2d2_cell_input_name(const n2d2_cell *cell, size_t i)
{
    return i < cell->n_inputs ? cell->input_names[i] : NULL;
}

const n2d2_shape *n2d2_cell_input_shape(const n2d2_cell *cell, size_t i)
{
    if (!cell->input_shapes || i >= cell->n_inputs)
        return NULL;
    return &cell->input_shapes[i];
}

const n2d2_shape *n2d2_cell_output_shape(const n2d2_cell *cell) { return &cell->output_shape; }

n2d2_status n2d2_cell_declare_param(n2d2_cell *cell, const char *name, n2d2_tensor *value,
                                    n2d2_tensor *grad, const char *solver)
{
    if (!name || !value)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL, "declare_param needs a name and a tensor");
    for (size_t i = 0; i < cell->n_learnables; ++i)
        if (strcmp(cell->learnables[i].name, name) == 0)
            return n2d2_cell_error(cell, N2D2_ERR_DUPLICATE, "parameter '%s' declared twice", name);
    if (grad && n2d2_tensor_numel(grad) != n2d2_tensor_numel(value))
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE, "parameter '%s': gradient and value sizes differ",
                               name);
    cell_param *grown = realloc(cell->learnables, (cell->n_learnables + 1) * sizeof *grown);
    if (!grown)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    cell->learnables = grown;
    cell_param *p = &cell->learnables[cell->n_learnables];
    memset(p, 0, sizeof *p);
    p->name = n2d2_strdup(name);
    p->solver = solver ? n2d2_strdup(solver) : NULL;
    if (!p->name || (solver && !p->solver)) {
        free(p->name);
        free(p->solver);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    p->value = n2d2_tensor_retain(value);
    p->grad = n2d2_tensor_retain(grad);
    ++cell->n_learnables;
    return N2D2_OK;
}

size_t n2d2_cell_param_count(const n2d2_cell *cell) { return cell->n_learnables; }
const char *n2d2_cell_param_name(const n2d2_cell *cell, size_t i)
{
    return i < cell->n_learnables ? cell->learnables[i].name : NULL;
}
n2d2_tensor *n2d2_cell_param_value(const n2d2_cell *cell, size_t i)
{
    return i < cell->n_learnables ? cell->learnables[i].value : NULL;
}
const char *n2d2_cell_param_solver(const n2d2_cell *cell, size_t i)
{
    return i < cell->n_learnables ? cell->learnables[i].solver : NULL;
}
n2d2_tensor *n2d2_cell_param_grad(const n2d2_cell *cell, size_t i)
{
    return i < cell->n_learnables ? cell->learnables[i].grad : NULL;
}

void n2d2_cell_set_output_loss(n2d2_cell *cell, n2d2_output_loss loss) { cell->output_loss = loss; }

n2d2_status n2d2_cell_error(const n2d2_cell *cell, n2d2_status code, const char *fmt, ...)
{
    char body[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    return n2d2_error_at(code, n2d2_ini_section_where(cell->section), 0, "[%s] (%s): %s", cell->name,
                         cell->type ? cell->type : "?", body);
}

void n2d2_cell_free(n2d2_cell *cell)
{
    if (!cell)
        return;
    n2d2_cell_free_activation(cell);
    n2d2_cell_free_solvers(cell);
    if (cell->created && cell->ops->destroy)
        cell->ops->destroy(cell->state);
    for (size_t i = 0; i < cell->n_learnables; ++i) {
        free(cell->learnables[i].name);
        free(cell->learnables[i].solver);
        n2d2_tensor_release(cell->learnables[i].value);
        n2d2_tensor_release(cell->learnables[i].grad);
    }
    free(cell->learnables);
    n2d2_params_free(cell->params);
    n2d2_params_free(cell->common);
    n2d2_list_free(cell->input_names, cell->n_inputs);
    free(cell->input_index);
    free(cell->input_shapes);
    n2d2_tensor_release(cell->output);
    n2d2_tensor_release(cell->grad);
    n2d2_tensor_release(cell->concat_input);
    n2d2_tensor_release(cell->concat_grad);
    n2d2_tensor_release(cell->pre_activation);
    free(cell->name);
    free(cell->type);
    free(cell->model);
    free(cell);
}
