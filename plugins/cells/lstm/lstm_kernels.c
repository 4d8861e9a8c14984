/* LSTM arithmetic in Float32 and Float64 (lstm_kernels_impl.h). */
#include <math.h>

#include "lstm.h"

#include "../common/blas.h"

/* The products of one step (batch rows only) are too small to share out:
 * a parallel region per step costs more than it saves, and far more when
 * the cores are busy. They go to BLAS directly, single-threaded. */
#define STEP_GEMM_BODY(CBLAS_GEMM)                                                              \
    n2d2_cells_blas_single_thread();                                                            \
    CBLAS_GEMM(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,                              \
               trans_b ? CblasTrans : CblasNoTrans, (blasint)m, (blasint)n, (blasint)k, alpha, a, \
               (blasint)lda, b, (blasint)ldb, beta, c, (blasint)ldc)

static inline void step_gemm_f32(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                                 float alpha, const float *a, size_t lda, const float *b,
                                 size_t ldb, float beta, float *c, size_t ldc)
{
    STEP_GEMM_BODY(cblas_sgemm);
}

static inline void step_gemm_f64(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                                 double alpha, const double *a, size_t lda, const double *b,
                                 size_t ldb, double beta, double *c, size_t ldc)
{
    STEP_GEMM_BODY(cblas_dgemm);
}

#define REAL float
#define SUFFIX _f32
#define GEMM n2d2_cells_gemm_f32
#define STEP_GEMM step_gemm_f32
#define EXP expf
#define TANH tanhf
#include "lstm_kernels_impl.h"
#undef REAL
#undef SUFFIX
#undef GEMM
#undef STEP_GEMM
#undef EXP
#undef TANH

#define REAL double
#define SUFFIX _f64
#define GEMM n2d2_cells_gemm_f64
#define STEP_GEMM step_gemm_f64
#define EXP exp
#define TANH tanh
#include "lstm_kernels_impl.h"
#undef REAL
#undef SUFFIX
#undef GEMM
#undef STEP_GEMM
#undef EXP
#undef TANH
