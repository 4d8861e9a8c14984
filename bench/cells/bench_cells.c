/* Micro-benchmarks of the Frame cells (not a test).
 *
 *   bench_cells [batch] [seconds] [nets|layers|direct] [name filter]
 *
 * 1. LeNet (32x32, conv 6@5x5, max pool, conv 16@5x5 with the tutorial's
 *    channel map, max pool, conv 120@5x5, fc 84, fc 10, softmax+loss) and
 *    mnist24_16c4s2_24c5s2_150_10: images/s for forward, forward+backward
 *    and a full learning step (forward, backward, plain SGD update);
 * 2. each LeNet-shaped convolution alone, forward and forward+backward;
 * 3. conv1 (1 channel, 5x5, 6 outputs) by im2col + GEMM (the plugin) vs a
 *    direct loop kernel written here, to pick the faster for that case.
 * Activations are left out (the kernel's activation plugins apply them).
 * Rates are per second of process CPU time when N2D2_BENCH_CPU_TIME=1
 * (useful on a shared machine with one thread), else per wall second. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "n2d2/n2d2.h"

#ifdef _OPENMP
#include <omp.h>
#endif

N2D2_STATIC_PLUGIN_DECLARE(cell_conv);
N2D2_STATIC_PLUGIN_DECLARE(cell_fc);
N2D2_STATIC_PLUGIN_DECLARE(cell_pool);
N2D2_STATIC_PLUGIN_DECLARE(cell_softmax);
N2D2_STATIC_PLUGIN_DECLARE(cell_dropout);
N2D2_STATIC_PLUGIN_DECLARE(bench_sgd);

/* ---- a plain SGD so that update costs what a simple solver costs ---- */
static n2d2_status sgd_create(const n2d2_params *p, const n2d2_tensor *value, void **state)
{
    (void)p;
    (void)value;
    *state = NULL;
    return N2D2_OK;
}

static n2d2_status sgd_update(void *state, n2d2_tensor *value, const n2d2_tensor *grad,
                              const n2d2_solver_context *ctx)
{
    (void)state;
    float *w = n2d2_tensor_data(value);
    const float *g = n2d2_tensor_cdata(grad);
    const float step = 0.01f / (float)ctx->batch_size;
    for (size_t i = 0; i < n2d2_tensor_numel(value); ++i)
        w[i] -= step * g[i];
    return N2D2_OK;
}

static void sgd_destroy(void *state) { (void)state; }

static const n2d2_solver_ops sgd_ops = {.struct_size = sizeof(n2d2_solver_ops),
                                        .create = sgd_create,
                                        .update = sgd_update,
                                        .destroy = sgd_destroy};
static const n2d2_feature sgd_feature = {sizeof(n2d2_feature), N2D2_KIND_SOLVER, "SGD", "Frame",
                                         "bench SGD", NULL, 0, &sgd_ops, 0, {0}};
static n2d2_status register_sgd(n2d2_registry *reg) { return n2d2_registry_add(reg, &sgd_feature); }
N2D2_PLUGIN_DEFINE(bench_sgd, "1.0.0", "CECILL-C", "bench solver", register_sgd, NULL)

static int use_cpu_time;

static double now(void)
{
    struct timespec ts;
    clock_gettime(use_cpu_time ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static n2d2_registry *reg;

static n2d2_graph *build(const char *text, size_t batch, n2d2_ini **ini_out)
{
    n2d2_ini *ini;
    n2d2_graph *g;
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    if (n2d2_ini_load_string(text, strlen(text), "bench.ini", &ini) != N2D2_OK ||
        n2d2_graph_build(ini, reg, &opt, &g) != N2D2_OK || n2d2_graph_allocate(g, batch, 1) != N2D2_OK) {
        fprintf(stderr, "bench: %s\n", n2d2_error_message());
        exit(EXIT_FAILURE);
    }
    n2d2_rng rng;
    n2d2_rng_seed(&rng, 1, 0);
    float *x = n2d2_tensor_data(n2d2_graph_input(g));
    for (size_t i = 0; i < n2d2_tensor_numel(n2d2_graph_input(g)); ++i)
        x[i] = (float)n2d2_rng_uniform_range(&rng, -1, 1);
    *ini_out = ini;
    return g;
}

enum { FORWARD, FORWARD_BACKWARD, LEARN };

static double images_per_s(n2d2_graph *g, size_t batch, int what, double seconds)
{
    n2d2_tensor *gy = n2d2_graph_output_grad(g, 0);
    n2d2_tensor_fill(gy, 0.01);
    double t0 = now(), t;
    size_t iters = 0;
    do {
        n2d2_status st = n2d2_graph_forward(g, what != FORWARD);
        if (st == N2D2_OK && what != FORWARD)
            st = n2d2_graph_backward(g);
        if (st == N2D2_OK && what == LEARN)
            st = n2d2_graph_update(g);
        if (st != N2D2_OK) {
            fprintf(stderr, "bench: %s\n", n2d2_error_message());
            exit(EXIT_FAILURE);
        }
        ++iters;
        t = now();
    } while (t - t0 < seconds || iters < 3);
    return (double)(iters * batch) / (t - t0);
}

static void run_net(const char *name, const char *text, size_t batch, double seconds, const char *filter)
{
    if (!strstr(name, filter))
        return;
    n2d2_ini *ini;
    n2d2_graph *g = build(text, batch, &ini);
    images_per_s(g, batch, LEARN, 0.2); /* warm-up */
    printf("%-34s forward %9.0f  fwd+bwd %9.0f  learn %9.0f images/s\n", name,
           images_per_s(g, batch, FORWARD, seconds), images_per_s(g, batch, FORWARD_BACKWARD, seconds),
           images_per_s(g, batch, LEARN, seconds));
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}

static const char *lenet_map =
    "Mapping(pool1)=\\\n"
    "1 0 0 0 1 1 1 0 0 1 1 1 1 0 1 1 \\\n1 1 0 0 0 1 1 1 0 0 1 1 1 1 0 1 \\\n"
    "1 1 1 0 0 0 1 1 1 0 0 1 0 1 1 1 \\\n0 1 1 1 0 0 1 1 1 1 0 0 1 0 1 1 \\\n"
    "0 0 1 1 1 0 0 1 1 1 1 0 1 1 0 1 \\\n0 0 0 1 1 1 0 0 1 1 1 1 0 1 1 1\n";

static void nets(size_t batch, double seconds, const char *filter)
{
    char text[4096];
    snprintf(text, sizeof text,
             "[sp]\nSizeX=32\nSizeY=32\nBatchSize=%zu\n"
             "[conv1]\nInput=sp\nType=Conv\nKernelSize=5\nNbOutputs=6\n"
             "[pool1]\nInput=conv1\nType=Pool\nPoolSize=2\nStride=2\nNbOutputs=6\nMapping.Size=1\n"
             "[conv2]\nInput=pool1\nType=Conv\nKernelSize=5\nNbOutputs=16\n%s"
             "[pool2]\nInput=conv2\nType=Pool\nPoolSize=2\nStride=2\nNbOutputs=16\nMapping.Size=1\n"
             "[conv3]\nInput=pool2\nType=Conv\nKernelSize=5\nNbOutputs=120\n"
             "[fc1]\nInput=conv3\nType=Fc\nNbOutputs=84\n"
             "[fc2]\nInput=fc1\nType=Fc\nNbOutputs=10\n"
             "[softmax]\nInput=fc2\nType=Softmax\nNbOutputs=10\nWithLoss=1\n",
             batch, lenet_map);
    run_net("LeNet 32x32 (tutorial map)", text, batch, seconds, filter);
    snprintf(text, sizeof text,
             "[sp]\nSizeX=24\nSizeY=24\nBatchSize=%zu\n"
             "[conv1]\nInput=sp\nType=Conv\nKernelSize=4\nNbOutputs=16\nStride=2\n"
             "[conv2]\nInput=conv1\nType=Conv\nKernelSize=5\nNbOutputs=24\nStride=2\n"
             "[fc1]\nInput=conv2\nType=Fc\nNbOutputs=150\n"
             "[fc2]\nInput=fc1\nType=Fc\nNbOutputs=10\n"
             "[softmax]\nInput=fc2\nType=Softmax\nNbOutputs=10\nWithLoss=1\n",
             batch);
    run_net("mnist24_16c4s2_24c5s2_150_10", text, batch, seconds, filter);
}

static void layers(size_t batch, double seconds, const char *filter)
{
    static const struct {
        const char *name, *sp, *keys;
    } cases[] = {
        {"conv1 1->6 5x5 32x32", "SizeX=32\nSizeY=32", "KernelSize=5\nNbOutputs=6"},
        {"conv2 6->16 5x5 14x14 (full)", "SizeX=14\nSizeY=14\nNbChannels=6", "KernelSize=5\nNbOutputs=16"},
        {"conv3 16->120 5x5 5x5", "SizeX=5\nSizeY=5\nNbChannels=16", "KernelSize=5\nNbOutputs=120"},
        {"pool 2x2 6@28x28", "SizeX=28\nSizeY=28\nNbChannels=6", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        char text[1024];
        if (!strstr(cases[i].name, filter))
            continue;
        if (cases[i].keys)
            snprintf(text, sizeof text, "[sp]\n%s\n[c]\nInput=sp\nType=Conv\n%s\n", cases[i].sp,
                     cases[i].keys);
        else
            snprintf(text, sizeof text,
                     "[sp]\n%s\n[c]\nInput=sp\nType=Pool\nPoolSize=2\nStride=2\nNbOutputs=6\n"
                     "Mapping.Size=1\n", cases[i].sp);
        n2d2_ini *ini;
        n2d2_graph *g = build(text, batch, &ini);
        images_per_s(g, batch, FORWARD_BACKWARD, 0.1);
        printf("%-34s forward %9.0f  fwd+bwd %9.0f images/s\n", cases[i].name,
               images_per_s(g, batch, FORWARD, seconds), images_per_s(g, batch, FORWARD_BACKWARD, seconds));
        n2d2_graph_free(g);
        n2d2_ini_free(ini);
    }
}

/* ---- direct 5x5 kernel for one input channel, the alternative ---- */

static void direct_forward(const float *x, const float *w, const float *b, float *y, size_t batch)
{
#pragma omp parallel for schedule(static)
    for (size_t n = 0; n < batch; ++n)
        for (size_t o = 0; o < 6; ++o) {
            float *yo = y + (n * 6 + o) * 784;
            const float *xn = x + n * 1024, *wo = w + o * 25;
            for (size_t oy = 0; oy < 28; ++oy) {
                float acc[28];
                for (size_t ox = 0; ox < 28; ++ox)
                    acc[ox] = b[o];
                for (size_t ky = 0; ky < 5; ++ky)
                    for (size_t kx = 0; kx < 5; ++kx) {
                        const float wv = wo[ky * 5 + kx];
                        const float *xr = xn + (oy + ky) * 32 + kx;
                        for (size_t ox = 0; ox < 28; ++ox)
                            acc[ox] += wv * xr[ox];
                    }
                memcpy(yo + oy * 28, acc, sizeof acc);
            }
        }
}

/* dW only (a first layer needs no input gradient), per-thread partials. */
static void direct_backward(const float *x, const float *dy, float *dw, float *parts, size_t batch,
                            int threads)
{
    memset(parts, 0, (size_t)threads * 150 * sizeof *parts);
#pragma omp parallel for schedule(static)
    for (size_t n = 0; n < batch; ++n) {
#ifdef _OPENMP
        float *acc = parts + (size_t)omp_get_thread_num() * 150;
#else
        float *acc = parts;
#endif
        for (size_t o = 0; o < 6; ++o) {
            const float *d = dy + (n * 6 + o) * 784, *xn = x + n * 1024;
            for (size_t ky = 0; ky < 5; ++ky)
                for (size_t kx = 0; kx < 5; ++kx) {
                    float s = 0;
                    for (size_t oy = 0; oy < 28; ++oy) {
                        const float *xr = xn + (oy + ky) * 32 + kx, *dr = d + oy * 28;
                        for (size_t ox = 0; ox < 28; ++ox)
                            s += dr[ox] * xr[ox];
                    }
                    acc[o * 25 + ky * 5 + kx] += s;
                }
        }
    }
    for (size_t i = 0; i < 150; ++i) {
        float s = 0;
        for (int t = 0; t < threads; ++t)
            s += parts[(size_t)t * 150 + i];
        dw[i] = s;
    }
}

static void direct_vs_gemm(size_t batch, double seconds)
{
    n2d2_ini *ini;
    n2d2_graph *g = build("[sp]\nSizeX=32\nSizeY=32\n[c]\nInput=sp\nType=Conv\nKernelSize=5\nNbOutputs=6\n",
                          batch, &ini);
    n2d2_cell *cell = n2d2_graph_cell_at(g, 0);
    const float *w = n2d2_tensor_cdata(n2d2_cell_param_value(cell, 0));
    const float *b = n2d2_tensor_cdata(n2d2_cell_param_value(cell, 1));
    const float *x = n2d2_tensor_cdata(n2d2_graph_input(g));
    float *y = malloc(batch * 6 * 784 * sizeof *y), *dw = malloc(150 * sizeof *dw);
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    float *parts = malloc((size_t)threads * 150 * sizeof *parts);
    if (!y || !dw || !parts)
        exit(EXIT_FAILURE);
    /* same numbers as the plugin? */
    n2d2_graph_forward(g, 1);
    direct_forward(x, w, b, y, batch);
    const float *ref = n2d2_tensor_cdata(n2d2_graph_cell_output(g, 0));
    double diff = 0;
    for (size_t i = 0; i < batch * 6 * 784; ++i)
        diff = fmax(diff, fabs((double)y[i] - ref[i]));
    double t0 = now(), t;
    size_t iters = 0;
    do {
        direct_forward(x, w, b, y, batch);
        ++iters;
        t = now();
    } while (t - t0 < seconds);
    double fwd = (double)(iters * batch) / (t - t0);
    t0 = now();
    iters = 0;
    do {
        direct_forward(x, w, b, y, batch);
        direct_backward(x, y, dw, parts, batch, threads);
        ++iters;
        t = now();
    } while (t - t0 < seconds);
    double both = (double)(iters * batch) / (t - t0);
    printf("%-34s forward %9.0f  fwd+bwd %9.0f images/s (max |diff| vs plugin %.2g)\n",
           "conv1 direct loops (alternative)", fwd, both, diff);
    printf("%-34s forward %9.0f  fwd+bwd %9.0f images/s\n", "conv1 im2col + GEMM (plugin)",
           images_per_s(g, batch, FORWARD, seconds), images_per_s(g, batch, FORWARD_BACKWARD, seconds));
    free(y);
    free(dw);
    free(parts);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}

int main(int argc, char **argv)
{
    size_t batch = argc > 1 ? (size_t)atol(argv[1]) : 128;
    double seconds = argc > 2 ? atof(argv[2]) : 1.0;
    const char *only = argc > 3 ? argv[3] : "";
    const char *filter = argc > 4 ? argv[4] : "";
    const char *cpu = getenv("N2D2_BENCH_CPU_TIME");
    use_cpu_time = cpu && strcmp(cpu, "1") == 0;
    static const n2d2_static_plugin table[] = {
        N2D2_STATIC_PLUGIN(cell_conv),    N2D2_STATIC_PLUGIN(cell_fc),
        N2D2_STATIC_PLUGIN(cell_pool),    N2D2_STATIC_PLUGIN(cell_softmax),
        N2D2_STATIC_PLUGIN(cell_dropout), N2D2_STATIC_PLUGIN(bench_sgd),
    };
    n2d2_loader *loader;
    if (n2d2_registry_new(&reg) != N2D2_OK || n2d2_loader_new(reg, &loader) != N2D2_OK ||
        n2d2_loader_preload(loader, table, sizeof table / sizeof table[0]) != N2D2_OK) {
        fprintf(stderr, "bench: %s\n", n2d2_error_message());
        return EXIT_FAILURE;
    }
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    printf("batch %zu, %d thread(s), Float32, per %s second\n", batch, threads,
           use_cpu_time ? "CPU" : "wall");
    if (!*only || strcmp(only, "nets") == 0)
        nets(batch, seconds, filter);
    if (!*only || strcmp(only, "layers") == 0)
        layers(batch, seconds, filter);
    if (!*only || strcmp(only, "direct") == 0)
        direct_vs_gemm(batch, seconds);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
    return EXIT_SUCCESS;
}
