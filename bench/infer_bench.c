/* Forward-only inference throughput of an INI model, timed the way
 * bench/torch_reference.py times PyTorch: the images are already in memory
 * (a pool of batches of uniform [0, 1) values, as decoded and transformed
 * data would be), the weights are the fillers' initial values, and the
 * loop copies a batch into the network input and runs the forward pass.
 * Data decoding, transformations and targets are left out: n2d2-run -test
 * measures those with the rest.
 *
 *   infer_bench <model.ini> [images]      (plugins from N2D2_PLUGIN_PATH)
 *
 * Prints one JSON line: {"images_per_second": ..., "batch": ...}.
 * Built by bench/compare.py against a build tree (not part of the build). */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "n2d2/n2d2.h"

#define POOL_BATCHES 8
#define WARM_UP_BATCHES 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *what)
{
    fprintf(stderr, "infer_bench: %s: %s\n", what, n2d2_error_message());
    return EXIT_FAILURE;
}

/* n batches of uniform [0, 1) values in the input's data type. */
static void *make_pool(const n2d2_tensor *input, size_t n)
{
    const size_t count = n2d2_tensor_numel(input), bytes = n2d2_tensor_nbytes(input);
    unsigned char *pool = malloc(n * bytes);
    if (!pool)
        return NULL;
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 1, 0);
    for (size_t b = 0; b < n; ++b)
        for (size_t i = 0; i < count; ++i) {
            double v = n2d2_rng_uniform(&rng);
            if (n2d2_tensor_dtype(input) == N2D2_FLOAT64)
                ((double *)(pool + b * bytes))[i] = v;
            else
                ((float *)(pool + b * bytes))[i] = (float)v;
        }
    return pool;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <model.ini> [images]\n", argv[0]);
        return EXIT_FAILURE;
    }
    const size_t images = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 30720;
    n2d2_registry *reg = NULL;
    n2d2_loader *loader = NULL;
    n2d2_ini *ini = NULL;
    n2d2_graph *g = NULL;
    if (n2d2_registry_new(&reg) != N2D2_OK || n2d2_loader_new(reg, &loader) != N2D2_OK ||
        n2d2_loader_add_default_paths(loader) != N2D2_OK || n2d2_loader_load_all(loader, NULL) != N2D2_OK)
        return fail("loading the plugins");
    if (n2d2_ini_load(argv[1], &ini) != N2D2_OK)
        return fail(argv[1]);
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = 1;
    if (n2d2_graph_build(ini, reg, &opt, &g) != N2D2_OK)
        return fail("building the network");
    const size_t batch = n2d2_graph_batch_size(g);
    if (n2d2_graph_allocate(g, batch, 0) != N2D2_OK)
        return fail("allocating the network");
    n2d2_tensor *input = n2d2_graph_input(g);
    const size_t bytes = n2d2_tensor_nbytes(input);
    unsigned char *pool = make_pool(input, POOL_BATCHES);
    if (!pool) {
        fprintf(stderr, "infer_bench: out of memory\n");
        return EXIT_FAILURE;
    }
    const size_t steps = images / batch > 0 ? images / batch : 1;
    double start = 0.0;
    for (size_t s = 0; s < WARM_UP_BATCHES + steps; ++s) {
        if (s == WARM_UP_BATCHES)
            start = now();
        memcpy(n2d2_tensor_data(input), pool + s % POOL_BATCHES * bytes, bytes);
        if (n2d2_graph_forward(g, 0) != N2D2_OK)
            return fail("forward");
    }
    const double seconds = now() - start;
    printf("{\"images_per_second\": %.1f, \"batch\": %zu}\n", (double)(steps * batch) / seconds, batch);
    free(pool);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
    return EXIT_SUCCESS;
}
