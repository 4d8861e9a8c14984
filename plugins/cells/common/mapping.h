/* Input-to-output channel connectivity ("Mapping") of Conv and Pool
 * (manual 22.7 / 22.17, tutorial lines 1400-1430, checklist §11.3).
 *
 * The map is a 0/1 matrix, rows = input channels (all inputs concatenated,
 * in Input= order), columns = output channels. For each input block:
 *   - `Mapping(in)=` an explicit rows x columns matrix for input `in`
 *     (row-major, as in the LeNet tutorial);
 *   - else a canvas: a SizeX x SizeY block of ones (X = outputs, Y =
 *     inputs; 0 = the whole axis) stamped at (OffsetX + i StrideX,
 *     OffsetY + i StrideY) for i < NbIterations (0: max(rows, columns)),
 *     positions wrapping around the matrix. `Mapping(in).*` keys override
 *     the `Mapping.*` ones for input `in`;
 *   - else `Mapping.NbGroups` / `Mapping.ChannelsPerGroup`: equal
 *     contiguous groups (exclusive with every other Mapping key);
 *   - else fully connected.
 */
#ifndef N2D2_CELLS_MAPPING_H
#define N2D2_CELLS_MAPPING_H

#include <stddef.h>

#include "n2d2/n2d2.h"

typedef struct n2d2_cells_mapping {
    size_t n_in, n_out;
    unsigned char *conn; /* n_in x n_out, conn[c * n_out + o] */
    int full;            /* every input feeds every output */
    size_t groups;       /* g > 1: exactly g equal contiguous diagonal blocks */
} n2d2_cells_mapping;

/* Build the map of a cell whose (concatenated) input has `n_in` channels
 * and that has `n_out` outputs. Call from infer (needs input shapes). */
n2d2_status n2d2_cells_mapping_build(const n2d2_cell *cell, const n2d2_params *p, size_t n_in,
                                     size_t n_out, n2d2_cells_mapping *m);
void n2d2_cells_mapping_free(n2d2_cells_mapping *m);
/* Inputs connected to output o. */
size_t n2d2_cells_mapping_fan_in(const n2d2_cells_mapping *m, size_t o);
/* The map as compressed rows by output (Pool, FMP): the channels feeding
 * output o are (*chans)[(*start)[o] .. (*start)[o + 1]). Both arrays are
 * malloc'ed and stored even when the other allocation fails: the caller
 * frees them. */
n2d2_status n2d2_cells_mapping_rows(const n2d2_cells_mapping *m, size_t **start, size_t **chans);

#define N2D2_CELLS_MAP_UINT(name, dflt, lo, help) \
    {name, N2D2_PARAM_UINT, dflt, NULL, lo, 1e9, N2D2_PARAM_RANGE, help}
#define N2D2_CELLS_MAP_PATTERN(name, help) \
    {name, N2D2_PARAM_UINT, NULL, NULL, 0, 1e9, N2D2_PARAM_RANGE | N2D2_PARAM_PATTERN, help}

#define N2D2_CELLS_MAPPING_SPECS                                                               \
    N2D2_CELLS_MAP_UINT("Mapping.NbGroups", NULL, 1,                                          \
                        "number of groups (exclusive with every other Mapping key)"),         \
    N2D2_CELLS_MAP_UINT("Mapping.ChannelsPerGroup", NULL, 1,                                  \
                        "input channels per group (exclusive with every other Mapping key)"), \
    N2D2_CELLS_MAP_UINT("Mapping.SizeX", "1", 0, "canvas pattern width (outputs; 0 = all)"),   \
    N2D2_CELLS_MAP_UINT("Mapping.SizeY", "1", 0, "canvas pattern height (inputs; 0 = all)"),   \
    N2D2_CELLS_MAP_UINT("Mapping.Size", "1", 0, "canvas pattern size (exclusive with SizeX/Y)"), \
    N2D2_CELLS_MAP_UINT("Mapping.StrideX", "1", 0, "canvas step along outputs"),               \
    N2D2_CELLS_MAP_UINT("Mapping.StrideY", "1", 0, "canvas step along inputs"),                \
    N2D2_CELLS_MAP_UINT("Mapping.Stride", "1", 0, "canvas step (exclusive with StrideX/Y)"),   \
    N2D2_CELLS_MAP_UINT("Mapping.OffsetX", "0", 0, "canvas offset along outputs"),             \
    N2D2_CELLS_MAP_UINT("Mapping.OffsetY", "0", 0, "canvas offset along inputs"),              \
    N2D2_CELLS_MAP_UINT("Mapping.Offset", "0", 0, "canvas offset (exclusive with OffsetX/Y)"), \
    N2D2_CELLS_MAP_UINT("Mapping.NbIterations", "0", 0,                                       \
                        "canvas pattern repetitions (0 = max(inputs, outputs))"),             \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).SizeX", "canvas width for input layer * [1]"),          \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).SizeY", "canvas height for input layer * [1]"),         \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).Size", "canvas size for input layer * [1]"),            \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).StrideX", "canvas X step for input layer * [1]"),       \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).StrideY", "canvas Y step for input layer * [1]"),       \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).Stride", "canvas step for input layer * [1]"),          \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).OffsetX", "canvas X offset for input layer * [0]"),     \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).OffsetY", "canvas Y offset for input layer * [0]"),     \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).Offset", "canvas offset for input layer * [0]"),        \
    N2D2_CELLS_MAP_PATTERN("Mapping(*).NbIterations",                                         \
                           "canvas repetitions for input layer * [0]"),                       \
    {"Mapping(*)", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_PATTERN,                   \
     "explicit 0/1 matrix for input layer *: rows = its channels, columns = outputs"}

#endif
