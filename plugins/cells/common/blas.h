/* Type-suffixed row-major GEMM on top of CBLAS (OpenBLAS):
 * C = alpha op(A) op(B) + beta C, op(X) = X or X^T. Sizes are checked to
 * fit BLAS integers when the cell infers its shapes.
 *
 * Threads: the cells parallelise with OpenMP, so BLAS itself runs
 * single-threaded. A pthreads OpenBLAS has its own thread pool, whose
 * workers competed for the cores with the OpenMP workers (which spin for a
 * while after each parallel region): a batch GEMM of LeNet's conv3 ran
 * three times slower on two threads than on one. It is set to one thread
 * at the first GEMM (an OpenMP OpenBLAS already runs single-threaded
 * inside parallel regions and shares the OpenMP pool outside). A product
 * called outside a parallel region and large enough is instead split in
 * blocks of rows (or columns) of C over the OpenMP threads, each block one
 * single-threaded BLAS call over the whole inner dimension: the blocks
 * depend only on the thread count, so results are reproducible for a
 * given count. Inside a parallel region (per-sample products) the call
 * goes straight to BLAS. */
#ifndef N2D2_CELLS_BLAS_H
#define N2D2_CELLS_BLAS_H

#include <stdatomic.h>
#include <stddef.h>

#include <cblas.h>

#include "cells_common.h"

/* Largest matrix extent handed to BLAS. */
#define N2D2_CELLS_BLAS_MAX ((size_t)2147483647)

/* Products below this many multiply-adds are not worth waking threads. */
#define N2D2_CELLS_GEMM_SPLIT_MACS 131072.0
/* Fewest rows (columns) of C per block. */
#define N2D2_CELLS_GEMM_SPLIT_MIN 8

static inline void n2d2_cells_blas_single_thread(void)
{
    static atomic_int done; /* per plugin; a repeated call is harmless */
    if (!atomic_load_explicit(&done, memory_order_relaxed) && !atomic_exchange(&done, 1) &&
        openblas_get_parallel() == 1) /* 1: pthreads build */
        openblas_set_num_threads(1);
}

/* Blocks to split C into (1: one call), and along which extent. */
static inline int n2d2_cells_gemm_parts(size_t m, size_t n, size_t k, int *by_rows)
{
    *by_rows = m >= n;
    if (n2d2_cells_in_parallel())
        return 1;
    n2d2_cells_blas_single_thread();
    const int threads = n2d2_cells_max_threads();
    if (threads < 2 || (double)m * (double)n * (double)k < N2D2_CELLS_GEMM_SPLIT_MACS)
        return 1;
    size_t extent = *by_rows ? m : n, most = extent / N2D2_CELLS_GEMM_SPLIT_MIN;
    return most < 2 ? 1 : (most < (size_t)threads ? (int)most : threads);
}

#define N2D2_CELLS_GEMM_BODY(CBLAS_GEMM)                                                         \
    do {                                                                                         \
        int by_rows_;                                                                            \
        const int parts_ = n2d2_cells_gemm_parts(m, n, k, &by_rows_);                            \
        const CBLAS_TRANSPOSE ta_ = trans_a ? CblasTrans : CblasNoTrans;                         \
        const CBLAS_TRANSPOSE tb_ = trans_b ? CblasTrans : CblasNoTrans;                         \
        if (parts_ <= 1) {                                                                       \
            CBLAS_GEMM(CblasRowMajor, ta_, tb_, (blasint)m, (blasint)n, (blasint)k, alpha, a,    \
                       (blasint)lda, b, (blasint)ldb, beta, c, (blasint)ldc);                    \
            break;                                                                               \
        }                                                                                        \
        const size_t extent_ = by_rows_ ? m : n;                                                 \
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) num_threads(parts_))                 \
        for (int p_ = 0; p_ < parts_; ++p_) {                                                    \
            const size_t lo_ = extent_ * (size_t)p_ / (size_t)parts_;                            \
            const size_t hi_ = extent_ * (size_t)(p_ + 1) / (size_t)parts_;                      \
            if (by_rows_) /* rows [lo, hi) of op(A) and C */                                     \
                CBLAS_GEMM(CblasRowMajor, ta_, tb_, (blasint)(hi_ - lo_), (blasint)n, (blasint)k, \
                           alpha, a + (trans_a ? lo_ : lo_ * lda), (blasint)lda, b,              \
                           (blasint)ldb, beta, c + lo_ * ldc, (blasint)ldc);                     \
            else /* columns [lo, hi) of op(B) and C */                                           \
                CBLAS_GEMM(CblasRowMajor, ta_, tb_, (blasint)m, (blasint)(hi_ - lo_), (blasint)k, \
                           alpha, a, (blasint)lda, b + (trans_b ? lo_ * ldb : lo_),              \
                           (blasint)ldb, beta, c + lo_, (blasint)ldc);                           \
        }                                                                                        \
    } while (0)

static inline void n2d2_cells_gemm_f32(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                                       float alpha, const float *a, size_t lda, const float *b,
                                       size_t ldb, float beta, float *c, size_t ldc)
{
    N2D2_CELLS_GEMM_BODY(cblas_sgemm);
}

static inline void n2d2_cells_gemm_f64(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                                       double alpha, const double *a, size_t lda, const double *b,
                                       size_t ldb, double beta, double *c, size_t ldc)
{
    N2D2_CELLS_GEMM_BODY(cblas_dgemm);
}


#endif
