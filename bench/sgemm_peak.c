/* The machine's single-precision GEMM peak with OpenBLAS on T threads,
 * the yardstick for the GFLOP/s that bench/compare.py reports for training.
 *
 *   sgemm_peak [threads] [size]      (defaults 2, 512)
 *
 * Two figures, each the median of 15 timed rounds after a warm-up:
 *   blas   one size x size x size product, OpenBLAS itself on T threads
 *          (openblas_set_num_threads(T));
 *   omp    T OpenMP threads each multiplying its own size x size matrices
 *          with a single-threaded OpenBLAS: how n2d2-c's cells use BLAS
 *          (per-sample products, BLAS on one thread), so the ceiling for
 *          its convolutions.
 * Prints one JSON line. Build: cc -O2 -fopenmp sgemm_peak.c -lopenblas. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cblas.h>
#include <omp.h>

#define ROUNDS 15

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static float *matrix(size_t n, unsigned seed)
{
    float *m = malloc(n * n * sizeof *m);
    if (!m) {
        fprintf(stderr, "sgemm_peak: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n * n; ++i) {
        seed = seed * 1103515245u + 12345u;
        m[i] = (float)((seed >> 16) & 0x7fff) / 32768.0f - 0.5f;
    }
    return m;
}

static void product(size_t n, const float *a, const float *b, float *c)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)n, (blasint)n, (blasint)n, 1.0f, a,
                (blasint)n, b, (blasint)n, 0.0f, c, (blasint)n);
}

/* GFLOP/s of `reps` products per round, median over the rounds. */
static double median_gflops(double flops, double *seconds)
{
    qsort(seconds, ROUNDS, sizeof *seconds, cmp_double);
    return flops / seconds[ROUNDS / 2] * 1e-9;
}

int main(int argc, char **argv)
{
    const int threads = argc > 1 ? atoi(argv[1]) : 2;
    const size_t n = argc > 2 ? (size_t)atol(argv[2]) : 512;
    if (threads < 1 || n < 16) {
        fprintf(stderr, "usage: sgemm_peak [threads >= 1] [size >= 16]\n");
        return 2;
    }
    const double flops = 2.0 * (double)n * (double)n * (double)n;
    double seconds[ROUNDS];

    float *a = matrix(n, 1), *b = matrix(n, 2), *c = matrix(n, 3);
    openblas_set_num_threads(threads);
    product(n, a, b, c);
    for (int r = 0; r < ROUNDS; ++r) {
        double t0 = now();
        product(n, a, b, c);
        seconds[r] = now() - t0;
    }
    const double blas = median_gflops(flops, seconds);

    openblas_set_num_threads(1);
    float *as[64], *bs[64], *cs[64];
    const int t_max = threads < 64 ? threads : 64;
    for (int t = 0; t < t_max; ++t) {
        as[t] = matrix(n, 10u + (unsigned)t);
        bs[t] = matrix(n, 100u + (unsigned)t);
        cs[t] = matrix(n, 1000u + (unsigned)t);
    }
    for (int r = -1; r < ROUNDS; ++r) { /* round -1: warm-up */
        double t0 = now();
#pragma omp parallel for num_threads(t_max) schedule(static, 1)
        for (int t = 0; t < t_max; ++t)
            product(n, as[t], bs[t], cs[t]);
        if (r >= 0)
            seconds[r] = now() - t0;
    }
    const double omp = median_gflops(flops * t_max, seconds);
    printf("{\"threads\": %d, \"size\": %zu, \"blas_gflops\": %.1f, \"omp_gflops\": %.1f}\n", threads, n,
           blas, omp);
    for (int t = 0; t < t_max; ++t) {
        free(as[t]);
        free(bs[t]);
        free(cs[t]);
    }
    free(a);
    free(b);
    free(c);
    return 0;
}
