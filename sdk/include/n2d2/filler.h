/* n2d2/filler.h — weight initialisation plugins (`WeightsFiller=HeFiller`).
 *
 * A cell fills a tensor with n2d2_cell_fill(cell, "WeightsFiller", ...):
 * the kernel reads the filler type from that key (or uses the default the
 * cell passes), reads its options under "WeightsFiller." and calls the
 * plugin with the cell's filler RNG stream.
 */
#ifndef N2D2_FILLER_H
#define N2D2_FILLER_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"
#include "n2d2/params.h"
#include "n2d2/rng.h"
#include "n2d2/cell.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_filler_ops {
    uint32_t struct_size;
    /* fan_in: inputs connected to one output (channels x kernel area);
     * fan_out: outputs reached by one input (outputs x kernel area). */
    n2d2_status (*fill)(const n2d2_params *params, n2d2_tensor *tensor, size_t fan_in,
                        size_t fan_out, n2d2_rng *rng);
    void *reserved[4];
} n2d2_filler_ops;

/* Fill `tensor` with the filler named by the cell's key `key` (e.g.
 * "WeightsFiller", "BiasFiller"); `default_type` when the key is absent (the
 * cell's schema should declare `key` as a STRING with that default so that
 * --describe shows it). Errors name the key's file:line. */
N2D2_API n2d2_status n2d2_cell_fill(n2d2_cell *cell, const char *key, const char *default_type,
                                    n2d2_tensor *tensor, size_t fan_in, size_t fan_out);

N2D2_END_DECLS

#endif
