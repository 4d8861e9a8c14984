/* Throughput of the stimuli provider alone (no network): images per second
 * delivered by n2d2_stimuli_next for LeNet-sized inputs (1x32x32, batch
 * 128), learn set shuffled, after a first pass that fills the cache.
 *
 *     bench_stimuli [DataPath | --synthetic]
 *     bench_stimuli --ini FILE [PASSES]
 *
 * Uses DataPath (MNIST IDX files) when given, else Debian's Fashion-MNIST
 * when installed (unless --synthetic), else a synthetic 60,000 + 10,000
 * image set of 28x28 written to /tmp.
 *
 * --ini: the provider of FILE's [sp] (its [database], sizes, BatchSize and
 * transformations: e.g. models/LeNet_DIR.ini with an on-the-fly
 * DistortionTransformation), plugins loaded from N2D2_PLUGIN_PATH and the
 * default paths; PASSES (default 4) learn passes, the first decodes and
 * fills the cache; prints the first pass's rate and the median, min and
 * max of the later passes' rates (bench/data/fmnist_dir_bench.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "n2d2/n2d2.h"

N2D2_STATIC_PLUGIN_DECLARE(db_mnist);
N2D2_STATIC_PLUGIN_DECLARE(transforms_basic);

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU time of the whole process (worker + consumer): a cost measure that
 * a busy machine disturbs less than wall-clock rates. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void be32(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static int write_idx(const char *dir, const char *name, const unsigned char *header, size_t hlen,
                     size_t n, unsigned seed, int labels)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fwrite(header, 1, hlen, f);
    for (size_t i = 0; i < n; ++i) {
        seed = seed * 1103515245u + 12345u;
        fputc(labels ? (int)((seed >> 16) % 10) : (int)((seed >> 16) & 0xff), f);
    }
    return fclose(f);
}

static int synthetic(const char *dir)
{
    unsigned char h[16];
    const size_t counts[2] = {60000, 10000};
    const char *img[2] = {"train-images-idx3-ubyte", "t10k-images-idx3-ubyte"};
    const char *lab[2] = {"train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"};
    for (int s = 0; s < 2; ++s) {
        be32(h, 0x803);
        be32(h + 4, (unsigned)counts[s]);
        be32(h + 8, 28);
        be32(h + 12, 28);
        if (write_idx(dir, img[s], h, 16, counts[s] * 784, 1u + (unsigned)s, 0) != 0)
            return -1;
        be32(h, 0x801);
        if (write_idx(dir, lab[s], h, 8, counts[s], 7u + (unsigned)s, 1) != 0)
            return -1;
    }
    return 0;
}

static int run(n2d2_registry *reg, const char *type, const char *path, const char *transforms,
               const char *title)
{
    char text[4096];
    snprintf(text, sizeof text,
             "[database]\nType=%s\n%s%s\n[sp]\nSizeX=32\nSizeY=32\nBatchSize=128\n%s", type,
             path ? "DataPath=" : "", path ? path : "", transforms);
    n2d2_ini *ini;
    n2d2_stimuli *sp;
    n2d2_shape shape = {3, {1, 32, 32}};
    double t0 = now();
    if (n2d2_ini_load_string(text, strlen(text), "bench.ini", &ini) != N2D2_OK ||
        n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 128, 1, &sp) != N2D2_OK) {
        fprintf(stderr, "error: %s\n", n2d2_error_message());
        return 1;
    }
    double t_new = now() - t0;
    size_t dims[4] = {128, 1, 32, 32}, count;
    n2d2_tensor *in;
    int labels[128];
    if (n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in) != N2D2_OK)
        return 1;
    const int passes = 6;
    double first = 0, rest = 0, cpu = 0;
    size_t images = 0;
    for (int p = 0; p < passes; ++p) {
        double t = now(), c = cpu_now();
        if (n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 1, 0) != N2D2_OK)
            return 1;
        n2d2_status st;
        while ((st = n2d2_stimuli_next(sp, in, labels, NULL, &count)) == N2D2_OK && count > 0)
            if (p > 0)
                images += count;
        if (st != N2D2_OK) {
            fprintf(stderr, "error: %s\n", n2d2_error_message());
            return 1;
        }
        if (p == 0) {
            first = now() - t;
        } else {
            rest += now() - t;
            cpu += cpu_now() - c;
        }
    }
    size_t learn = n2d2_stimuli_set_size(sp, N2D2_SET_LEARN);
    printf("%-46s new %.3f s | first pass %7.0f img/s | cached passes %7.0f img/s, "
           "%5.2f us CPU/img\n", title, t_new, learn / first, images / rest, 1e6 * cpu / images);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static size_t ini_size(n2d2_ini *ini, const char *key, size_t def)
{
    const char *v = NULL;
    if (n2d2_ini_get(ini, n2d2_ini_find(ini, "sp"), key, &v) != N2D2_OK || !v)
        return def;
    return (size_t)strtoul(v, NULL, 10);
}

/* The provider of an INI file's [sp] alone, pass by pass. */
static int run_ini(const char *file, int passes)
{
    n2d2_registry *reg;
    n2d2_loader *loader;
    size_t refused = 0;
    n2d2_ini *ini;
    if (n2d2_registry_new(&reg) != N2D2_OK || n2d2_loader_new(reg, &loader) != N2D2_OK ||
        n2d2_loader_add_default_paths(loader) != N2D2_OK ||
        n2d2_loader_load_all(loader, &refused) != N2D2_OK || n2d2_ini_load(file, &ini) != N2D2_OK ||
        !n2d2_ini_find(ini, "sp")) {
        fprintf(stderr, "error: %s\n", n2d2_error_message());
        return 1;
    }
    size_t batch = ini_size(ini, "BatchSize", 1);
    n2d2_shape shape = {3, {ini_size(ini, "NbChannels", 1), ini_size(ini, "SizeY", 0),
                            ini_size(ini, "SizeX", 0)}};
    n2d2_stimuli *sp;
    double t0 = now();
    if (n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, batch, 1, &sp) != N2D2_OK) {
        fprintf(stderr, "error: %s\n", n2d2_error_message());
        return 1;
    }
    double t_new = now() - t0;
    size_t dims[4] = {batch, shape.dims[0], shape.dims[1], shape.dims[2]}, count;
    n2d2_tensor *in;
    int *labels = malloc(batch * sizeof *labels);
    double *rate = malloc((size_t)passes * sizeof *rate), cpu = 0;
    size_t images = 0, learn = n2d2_stimuli_set_size(sp, N2D2_SET_LEARN);
    if (!labels || !rate || n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in) != N2D2_OK)
        return 1;
    for (int p = 0; p < passes; ++p) {
        double t = now(), c = cpu_now();
        n2d2_status st = n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 1, 0);
        while (st == N2D2_OK && (st = n2d2_stimuli_next(sp, in, labels, NULL, &count)) == N2D2_OK &&
               count > 0)
            if (p > 0)
                images += count;
        if (st != N2D2_OK) {
            fprintf(stderr, "error: %s\n", n2d2_error_message());
            return 1;
        }
        rate[p] = (double)learn / (now() - t);
        if (p > 0)
            cpu += cpu_now() - c;
    }
    printf("%s: %zu learn images, new %.2f s, first pass %.0f img/s", file, learn, t_new, rate[0]);
    if (passes > 1) {
        qsort(rate + 1, (size_t)passes - 1, sizeof *rate, cmp_double);
        printf(" | later passes (%d): median %.0f img/s (min %.0f, max %.0f), %.1f us CPU/img",
               passes - 1, rate[1 + (passes - 1) / 2], rate[1], rate[passes - 1],
               1e6 * cpu / (double)images);
    }
    printf("\n");
    free(labels);
    free(rate);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--ini") == 0)
        return run_ini(argv[2], argc > 3 ? atoi(argv[3]) > 0 ? atoi(argv[3]) : 4 : 4);
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_mnist),
                                               N2D2_STATIC_PLUGIN(transforms_basic)};
    n2d2_registry *reg;
    n2d2_loader *loader;
    if (n2d2_registry_new(&reg) != N2D2_OK || n2d2_loader_new(reg, &loader) != N2D2_OK ||
        n2d2_loader_preload(loader, table, 2) != N2D2_OK)
        return 1;
    int force_synthetic = argc > 1 && strcmp(argv[1], "--synthetic") == 0;
    const char *type = "MNIST_IDX_Database", *path = argc > 1 && !force_synthetic ? argv[1] : NULL;
    char tmp[] = "/tmp/n2d2-bench-XXXXXX";
    int made = 0;
    struct stat st;
    if (!path && !force_synthetic && stat(FASHION_DIR, &st) == 0) {
        type = "Fashion_MNIST_IDX_Database";
        setenv("N2D2_DATA", "/nonexistent", 1);
    } else if (!path) {
        if (!mkdtemp(tmp) || synthetic(tmp) != 0)
            return 1;
        path = tmp;
        made = 1;
    }
    printf("dataset: %s (%s)\n", type, path ? path : FASHION_DIR);
    int rc = run(reg, type, path,
             "[sp.Transformation]\nType=PadCropTransformation\nWidth=32\nHeight=32\n",
             "PadCrop 32x32 (cached)");
    rc |= run(reg, type, path,
              "[sp.Transformation]\nType=RescaleTransformation\nWidth=32\nHeight=32\n",
              "Rescale 32x32 (cached)");
    rc |= run(reg, type, path,
              "[sp.Transformation]\nType=RescaleTransformation\nWidth=32\nHeight=32\n"
              "[sp.OnTheFlyTransformation]\nType=FlipTransformation\nRandomHorizontalFlip=1\n",
              "Rescale (cached) + random flip (on the fly)");
    rc |= run(reg, type, path,
              "[sp.Transformation]\nType=RescaleTransformation\nWidth=32\nHeight=32\n"
              "[sp.OnTheFlyTransformation]\nType=RescaleTransformation\nWidth=32\nHeight=32\n",
              "Rescale (cached) + no-op rescale (on the fly)");
    if (made) {
        const char *names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
        char p[4096];
        for (int i = 0; i < 4; ++i) {
            snprintf(p, sizeof p, "%s/%s", tmp, names[i]);
            remove(p);
        }
        rmdir(tmp);
    }
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
    return rc;
}
