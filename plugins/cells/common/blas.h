/* Type-suffixed row-major GEMM on top of CBLAS (OpenBLAS):
 * C = alpha op(A) op(B) + beta C, op(X) = X or X^T. Sizes are checked to
 * fit BLAS integers when the cell infers its shapes. */
#ifndef N2D2_CELLS_BLAS_H
#define N2D2_CELLS_BLAS_H

#include <stddef.h>

#include <cblas.h>

static inline void n2d2_cells_gemm_f32(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                                       float alpha, const float *a, size_t lda, const float *b,
                                       size_t ldb, float beta, float *c, size_t ldc)
{
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                (blasint)m, (blasint)n, (blasint)k, alpha, a, (blasint)lda, b, (blasint)ldb, beta, c,
                (blasint)ldc);
}

static inline void n2d2_cells_gemm_f64(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                                       double alpha, const double *a, size_t lda, const double *b,
                                       size_t ldb, double beta, double *c, size_t ldc)
{
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                (blasint)m, (blasint)n, (blasint)k, alpha, a, (blasint)lda, b, (blasint)ldb, beta, c,
                (blasint)ldc);
}

/* Largest matrix extent handed to BLAS. */
#define N2D2_CELLS_BLAS_MAX ((size_t)2147483647)

#endif
