/* Inference memory plan: cell outputs share a few buffers. A cell's output
 * lives from its own forward to the forward of its last consumer; outputs
 * of the network (read by targets) live to the end. Walking the cells in
 * topological order, each output takes the smallest free buffer that fits
 * (or grows one, or opens a new one), like a best-fit register allocator.
 * Training keeps one buffer per output: backward needs them all. */
#include "graph_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    n2d2_dtype dtype;
    size_t numel;
    size_t busy_until; /* topological index of the last reader */
} slot;

static size_t pick_slot(slot *slots, size_t n_slots, size_t now, size_t need, n2d2_dtype dtype)
{
    size_t best = n_slots, largest = n_slots;
    for (size_t s = 0; s < n_slots; ++s) {
        if (slots[s].busy_until >= now || slots[s].dtype != dtype)
            continue;
        if (slots[s].numel >= need && (best == n_slots || slots[s].numel < slots[best].numel))
            best = s;
        if (largest == n_slots || slots[s].numel > slots[largest].numel)
            largest = s;
    }
    return best != n_slots ? best : largest; /* n_slots: open a new one */
}

static n2d2_status plan(const n2d2_graph *g, size_t batch, size_t *assignment, slot *slots,
                        size_t *n_slots)
{
    size_t *last_use = malloc(g->n_cells * sizeof *last_use);
    if (!last_use)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < g->n_cells; ++c)
        last_use[c] = g->cells[c]->n_consumers == 0 ? SIZE_MAX : c;
    for (size_t c = 0; c < g->n_cells; ++c)
        for (size_t i = 0; i < g->cells[c]->n_inputs; ++i) {
            size_t in = g->cells[c]->input_index[i];
            if (in != N2D2_STIMULI_INDEX && last_use[in] != SIZE_MAX && c > last_use[in])
                last_use[in] = c;
        }
    *n_slots = 0;
    for (size_t c = 0; c < g->n_cells; ++c) {
        size_t need = batch * n2d2_shape_numel(&g->cells[c]->output_shape);
        n2d2_dtype dtype = g->cells[c]->dtype;
        size_t s = pick_slot(slots, *n_slots, c, need, dtype);
        if (s == *n_slots)
            slots[(*n_slots)++] = (slot){dtype, need, 0};
        else if (slots[s].numel < need)
            slots[s].numel = need;
        slots[s].busy_until = last_use[c];
        assignment[c] = s;
    }
    free(last_use);
    return N2D2_OK;
}

/* A view of the first `numel` elements of `buffer`, shaped {batch, shape}. */
static n2d2_status carve(n2d2_tensor *buffer, size_t batch, const n2d2_shape *shape,
                         n2d2_tensor **out)
{
    size_t dims[N2D2_MAX_DIMS];
    dims[0] = batch;
    memcpy(dims + 1, shape->dims, shape->ndim * sizeof dims[0]);
    n2d2_tensor *head;
    n2d2_status st = n2d2_tensor_view(buffer, 0, batch * n2d2_shape_numel(shape), &head);
    if (st != N2D2_OK)
        return st;
    st = n2d2_tensor_reshape(head, shape->ndim + 1, dims, out);
    n2d2_tensor_release(head);
    return st;
}

n2d2_status n2d2_memplan_outputs(n2d2_graph *g, size_t batch)
{
    size_t *assignment = calloc(g->n_cells ? g->n_cells : 1, sizeof *assignment);
    slot *slots = calloc(g->n_cells ? g->n_cells : 1, sizeof *slots);
    n2d2_tensor **buffers = calloc(g->n_cells ? g->n_cells : 1, sizeof *buffers);
    size_t n_slots = 0;
    n2d2_status st = assignment && slots && buffers ? plan(g, batch, assignment, slots, &n_slots)
                                                    : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t s = 0; st == N2D2_OK && s < n_slots; ++s)
        st = n2d2_tensor_new(slots[s].dtype, 1, &slots[s].numel, &buffers[s]);
    for (size_t c = 0; st == N2D2_OK && c < g->n_cells; ++c)
        st = carve(buffers[assignment[c]], batch, &g->cells[c]->output_shape, &g->cells[c]->output);
    g->activation_bytes = 0;
    for (size_t s = 0; s < n_slots; ++s)
        g->activation_bytes += slots[s].numel * n2d2_dtype_size(slots[s].dtype);
    for (size_t s = 0; buffers && s < n_slots; ++s)
        n2d2_tensor_release(buffers[s]); /* the views keep what they use */
    free(buffers);
    free(slots);
    free(assignment);
    return st;
}
