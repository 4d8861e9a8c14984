/* n2d2's own inference for the ONNX export tests: builds the network of an
 * INI file (same seed as `n2d2-run -seed`, so the same filler weights),
 * optionally loads a weights folder, runs a forward pass on a seeded random
 * batch and writes input.bin and the outputs (float32, raw) with their
 * shapes in outputs.txt. Plugins come from N2D2_PLUGIN_PATH.
 *
 *   onnx_export_ref model.ini seed weights_dir|- batch out_dir */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

static int fail(const char *what)
{
    fprintf(stderr, "onnx_export_ref: %s: %s\n", what, n2d2_error_message());
    return 1;
}

static int write_floats(const char *dir, const char *leaf, const n2d2_tensor *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, leaf);
    FILE *f = fopen(path, "wb");
    if (!f)
        return 1;
    int ok = 1;
    for (size_t i = 0; i < n2d2_tensor_numel(t); ++i) {
        float v = (float)n2d2_tensor_get(t, i);
        ok = ok && fwrite(&v, sizeof v, 1, f) == 1;
    }
    return (fclose(f) == 0 && ok) ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s model.ini seed weights_dir|- batch out_dir\n", argv[0]);
        return 2;
    }
    const char *dir = argv[5];
    size_t batch = (size_t)strtoul(argv[4], NULL, 10);
    n2d2_registry *reg = NULL;
    n2d2_loader *loader = NULL;
    n2d2_ini *ini = NULL;
    n2d2_graph *g = NULL;
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = strtoull(argv[2], NULL, 10);
    if (n2d2_registry_new(&reg) != N2D2_OK || n2d2_loader_new(reg, &loader) != N2D2_OK ||
        n2d2_loader_add_default_paths(loader) != N2D2_OK ||
        n2d2_loader_load_all(loader, NULL) != N2D2_OK)
        return fail("plugins");
    if (n2d2_ini_load(argv[1], &ini) != N2D2_OK || n2d2_graph_build(ini, reg, &opt, &g) != N2D2_OK)
        return fail(argv[1]);
    if (strcmp(argv[3], "-") != 0 && n2d2_graph_load(g, argv[3], 0) != N2D2_OK)
        return fail(argv[3]);
    if (n2d2_graph_allocate(g, batch, 0) != N2D2_OK)
        return fail("allocate");
    n2d2_tensor *x = n2d2_graph_input(g);
    uint64_t s = opt.seed * 2654435761u + 12345u;
    for (size_t i = 0; i < n2d2_tensor_numel(x); ++i) { /* LCG in [-1, 1) */
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        n2d2_tensor_set(x, i, (double)(s >> 40) / (double)(1ull << 23) - 1.0);
    }
    if (write_floats(dir, "input.bin", x) || n2d2_graph_forward(g, 0) != N2D2_OK)
        return fail("forward");
    char path[4096];
    snprintf(path, sizeof path, "%s/outputs.txt", dir);
    FILE *m = fopen(path, "w");
    if (!m)
        return fail(path);
    const n2d2_shape *in = n2d2_graph_input_shape(g);
    fprintf(m, "input %s %zu", n2d2_graph_input_section(g), batch);
    for (uint32_t d = 0; d < in->ndim; ++d)
        fprintf(m, " %zu", in->dims[d]);
    fprintf(m, "\n");
    int rc = 0;
    for (size_t o = 0; o < n2d2_graph_output_count(g); ++o) {
        n2d2_cell *cell = n2d2_graph_output_at(g, o);
        n2d2_tensor *y = n2d2_graph_cell_output_of(g, cell);
        char leaf[300];
        snprintf(leaf, sizeof leaf, "out_%zu.bin", o);
        rc |= write_floats(dir, leaf, y);
        fprintf(m, "output %s %s", n2d2_cell_name(cell), leaf);
        for (uint32_t d = 0; d < n2d2_tensor_ndim(y); ++d)
            fprintf(m, " %zu", n2d2_tensor_dim(y, d));
        fprintf(m, "\n");
    }
    fclose(m);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
    return rc;
}
