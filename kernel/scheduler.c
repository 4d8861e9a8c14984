/* Running a built graph: buffers, forward in topological order, backward in
 * reverse with gradient accumulation across consumers, then update. */
#include "graph_impl.h"

#include <stdlib.h>
#include <string.h>

int n2d2_cell_activation_needs_input(const n2d2_cell *cell);

void n2d2_graph_release_buffers(n2d2_graph *g)
{
    for (size_t c = 0; c < g->n_cells; ++c) {
        n2d2_cell *cell = g->cells[c];
        n2d2_tensor_release(cell->output);
        n2d2_tensor_release(cell->grad);
        n2d2_tensor_release(cell->concat_input);
        n2d2_tensor_release(cell->concat_grad);
        n2d2_tensor_release(cell->pre_activation);
        cell->output = cell->grad = cell->concat_input = cell->concat_grad = NULL;
        cell->pre_activation = NULL;
    }
    n2d2_tensor_release(g->input);
    n2d2_tensor_release(g->input_grad);
    g->input = g->input_grad = NULL;
    g->allocated_batch = 0;
}

n2d2_status n2d2_graph_allocate(n2d2_graph *g, size_t batch_size, int training)
{
    if (batch_size == 0)
        return n2d2_error(N2D2_ERR_INVAL, "batch size must be at least 1");
    if (g->allocated_batch == batch_size && g->allocated_training >= training)
        return N2D2_OK;
    n2d2_graph_release_buffers(g);
    n2d2_status st = n2d2_tensor_new_batch(g->default_dtype, batch_size, &g->input_shape, &g->input);
    if (st == N2D2_OK && g->want_input_grad)
        st = n2d2_tensor_new_like(g->input, &g->input_grad);
    g->activation_bytes = 0;
    if (st == N2D2_OK && !training)
        st = n2d2_memplan_outputs(g, batch_size); /* outputs share buffers */
    for (size_t c = 0; st == N2D2_OK && c < g->n_cells; ++c) {
        n2d2_cell *cell = g->cells[c];
        if (training) {
            st = n2d2_tensor_new_batch(cell->dtype, batch_size, &cell->output_shape, &cell->output);
            g->activation_bytes += st == N2D2_OK ? n2d2_tensor_nbytes(cell->output) : 0;
        }
        if (st == N2D2_OK && training)
            st = n2d2_tensor_new_like(cell->output, &cell->grad);
        if (st == N2D2_OK && cell->concatenates)
            st = n2d2_tensor_new_batch(cell->dtype, batch_size, &cell->concat_shape, &cell->concat_input);
        if (st == N2D2_OK && cell->concatenates && training)
            st = n2d2_tensor_new_like(cell->concat_input, &cell->concat_grad);
        if (st == N2D2_OK && training && n2d2_cell_activation_needs_input(cell))
            st = n2d2_tensor_new_like(cell->output, &cell->pre_activation);
        if (st == N2D2_OK && cell->ops->reserve)
            st = cell->ops->reserve(cell, cell->state, batch_size);
    }
    if (st != N2D2_OK) {
        n2d2_graph_release_buffers(g);
        return st;
    }
    g->allocated_batch = batch_size;
    g->allocated_training = training;
    return N2D2_OK;
}

n2d2_tensor *n2d2_graph_input(n2d2_graph *g) { return g->input; }
n2d2_tensor *n2d2_graph_cell_output(n2d2_graph *g, size_t i)
{
    return i < g->n_cells ? g->cells[i]->output : NULL;
}
n2d2_tensor *n2d2_graph_cell_output_of(n2d2_graph *g, const n2d2_cell *cell)
{
    (void)g;
    return cell->output;
}
size_t n2d2_graph_activation_bytes(const n2d2_graph *g) { return g->activation_bytes; }
int n2d2_graph_is_training(const n2d2_graph *g) { return g->allocated_batch && g->allocated_training; }
n2d2_tensor *n2d2_graph_output_grad(n2d2_graph *g, size_t i)
{
    return i < g->n_outputs ? g->outputs[i]->grad : NULL;
}
void n2d2_graph_request_input_grad(n2d2_graph *g)
{
    g->want_input_grad = 1;
    g->allocated_batch = 0; /* force reallocation */
}
n2d2_tensor *n2d2_graph_input_grad(n2d2_graph *g) { return g->input_grad; }

static n2d2_tensor *producer_output(n2d2_graph *g, size_t index)
{
    return index == N2D2_STIMULI_INDEX ? g->input : g->cells[index]->output;
}

static n2d2_tensor *producer_grad(n2d2_graph *g, size_t index)
{
    return index == N2D2_STIMULI_INDEX ? g->input_grad : g->cells[index]->grad;
}

static int *producer_written(n2d2_graph *g, size_t index, int *stimuli_written)
{
    return index == N2D2_STIMULI_INDEX ? stimuli_written : &g->cells[index]->grad_written;
}

/* Per-item block of an {N, C, ...} tensor, in bytes. */
static size_t item_bytes(const n2d2_tensor *t)
{
    return n2d2_tensor_nbytes(t) / n2d2_tensor_dim(t, 0);
}

static void concatenate_inputs(n2d2_graph *g, n2d2_cell *cell)
{
    n2d2_tensor *dst = cell->concat_input;
    size_t batch = n2d2_tensor_dim(dst, 0), dst_item = item_bytes(dst), offset = 0;
    char *out = n2d2_tensor_data(dst);
    for (size_t i = 0; i < cell->n_inputs; ++i) {
        const n2d2_tensor *src = producer_output(g, cell->input_index[i]);
        size_t src_item = item_bytes(src);
        const char *in = n2d2_tensor_cdata(src);
        for (size_t n = 0; n < batch; ++n)
            memcpy(out + n * dst_item + offset, in + n * src_item, src_item);
        offset += src_item;
    }
}

#define ACCUMULATE_LOOP(type)                                                                     \
    do {                                                                                          \
        type *d = (type *)dst;                                                                    \
        const type *s = (const type *)src;                                                        \
        for (size_t k = 0; k < count; ++k)                                                        \
            d[k] += s[k];                                                                         \
    } while (0)

static void add_or_copy(void *dst, const void *src, size_t bytes, n2d2_dtype dtype, int add)
{
    if (!add) {
        memcpy(dst, src, bytes);
        return;
    }
    size_t count = bytes / n2d2_dtype_size(dtype);
    if (dtype == N2D2_FLOAT64)
        ACCUMULATE_LOOP(double);
    else
        ACCUMULATE_LOOP(float);
}

static void split_concat_grad(n2d2_graph *g, n2d2_cell *cell, int *stimuli_written)
{
    const n2d2_tensor *src = cell->concat_grad;
    size_t batch = n2d2_tensor_dim(src, 0), src_item = item_bytes(src), offset = 0;
    const char *in = n2d2_tensor_cdata(src);
    for (size_t i = 0; i < cell->n_inputs; ++i) {
        n2d2_tensor *dst = producer_grad(g, cell->input_index[i]);
        size_t dst_item = item_bytes(producer_output(g, cell->input_index[i]));
        if (dst) {
            int *written = producer_written(g, cell->input_index[i], stimuli_written);
            char *out = n2d2_tensor_data(dst);
            for (size_t n = 0; n < batch; ++n)
                add_or_copy(out + n * dst_item, in + n * src_item + offset, dst_item,
                            n2d2_tensor_dtype(dst), *written);
            *written = 1;
        }
        offset += dst_item;
    }
}

n2d2_status n2d2_graph_forward(n2d2_graph *g, int training)
{
    if (!g->allocated_batch)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_graph_forward before n2d2_graph_allocate");
    if (training && !g->allocated_training)
        return n2d2_error(N2D2_ERR_INVAL, "graph allocated for inference, not training");
    const n2d2_tensor *stack_inputs[16];
    for (size_t c = 0; c < g->n_cells; ++c) {
        n2d2_cell *cell = g->cells[c];
        const n2d2_tensor **inputs = stack_inputs;
        size_t n_inputs = cell->concatenates ? 1 : cell->n_inputs;
        if (n_inputs > 16 && !(inputs = malloc(n_inputs * sizeof *inputs)))
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        if (cell->concatenates) {
            concatenate_inputs(g, cell);
            inputs[0] = cell->concat_input;
        } else {
            for (size_t i = 0; i < n_inputs; ++i)
                inputs[i] = producer_output(g, cell->input_index[i]);
        }
        n2d2_status st = cell->ops->forward(cell, cell->state, inputs, n_inputs, cell->output, training);
        if (inputs != stack_inputs)
            free(inputs);
        if (st == N2D2_OK)
            st = n2d2_cell_activation_forward(cell, training);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

static n2d2_status backward_cell(n2d2_graph *g, n2d2_cell *cell, int *stimuli_written)
{
    enum { STACK = 16 };
    const n2d2_tensor *in_stack[STACK];
    n2d2_tensor *grad_stack[STACK];
    int acc_stack[STACK];
    size_t n = cell->concatenates ? 1 : cell->n_inputs;
    const n2d2_tensor **inputs = in_stack;
    n2d2_tensor **grads = grad_stack;
    int *accumulate = acc_stack;
    if (n > STACK) {
        inputs = malloc(n * sizeof *inputs);
        grads = malloc(n * sizeof *grads);
        accumulate = malloc(n * sizeof *accumulate);
        if (!inputs || !grads || !accumulate) {
            free(inputs);
            free(grads);
            free(accumulate);
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        }
    }
    int no_grad = (cell->ops->flags & N2D2_CELL_NO_INPUT_GRAD) != 0;
    if (cell->concatenates) {
        inputs[0] = cell->concat_input;
        grads[0] = no_grad ? NULL : cell->concat_grad;
        accumulate[0] = 0;
    } else {
        for (size_t i = 0; i < n; ++i) {
            size_t index = cell->input_index[i];
            inputs[i] = producer_output(g, index);
            grads[i] = no_grad ? NULL : producer_grad(g, index);
            accumulate[i] = grads[i] ? *producer_written(g, index, stimuli_written) : 0;
            /* The same producer twice in Input=: the second write adds. */
            for (size_t j = 0; j < i; ++j)
                if (grads[i] && grads[j] == grads[i])
                    accumulate[i] = 1;
        }
    }
    n2d2_status st = N2D2_OK;
    if (cell->ops->backward)
        st = cell->ops->backward(cell, cell->state, inputs, n, cell->output, cell->grad, grads, accumulate);
    else if (!no_grad)
        st = n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED, "this %s cell has no backward pass",
                             cell->model);
    if (st == N2D2_OK && !no_grad) {
        if (cell->concatenates)
            split_concat_grad(g, cell, stimuli_written);
        else
            for (size_t i = 0; i < n; ++i)
                if (grads[i])
                    *producer_written(g, cell->input_index[i], stimuli_written) = 1;
    }
    if (n > STACK) {
        free(inputs);
        free(grads);
        free(accumulate);
    }
    return st;
}

n2d2_status n2d2_graph_backward(n2d2_graph *g)
{
    if (!g->allocated_batch || !g->allocated_training)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_graph_backward needs a graph allocated for training");
    for (size_t c = 0; c < g->n_cells; ++c)
        g->cells[c]->grad_written = g->cells[c]->n_consumers == 0; /* targets wrote outputs */
    int stimuli_written = 0;
    for (size_t c = g->n_cells; c-- > 0;) {
        n2d2_cell *cell = g->cells[c];
        if (!cell->grad_written)
            n2d2_tensor_zero(cell->grad); /* no consumer propagated into it */
        n2d2_status st = n2d2_cell_activation_backward(cell);
        if (st == N2D2_OK)
            st = backward_cell(g, cell, &stimuli_written);
        if (st != N2D2_OK)
            return st;
    }
    if (g->input_grad && !stimuli_written)
        n2d2_tensor_zero(g->input_grad);
    return N2D2_OK;
}

void n2d2_graph_set_active_batch(n2d2_graph *g, size_t count) { g->active_batch = count; }

void n2d2_graph_set_progress(n2d2_graph *g, uint64_t stimuli_seen, uint64_t epoch_size)
{
    g->stimuli_seen = stimuli_seen;
    g->epoch_size = epoch_size;
}

n2d2_status n2d2_graph_update(n2d2_graph *g)
{
    size_t batch = g->active_batch && g->active_batch < g->allocated_batch ? g->active_batch
                                                                            : g->allocated_batch;
    n2d2_solver_context ctx = {sizeof ctx, batch, g->iterations, g->stimuli_seen, g->epoch_size, {0}};
    for (size_t c = 0; c < g->n_cells; ++c) {
        n2d2_cell *cell = g->cells[c];
        n2d2_status st = cell->ops->update ? cell->ops->update(cell, cell->state) : N2D2_OK;
        if (st == N2D2_OK)
            st = n2d2_cell_run_solvers(cell, &ctx);
        if (st != N2D2_OK)
            return st;
    }
    ++g->iterations;
    return N2D2_OK;
}
