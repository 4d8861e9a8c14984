/* Per-output-channel affine folding shared by Conv and Fc. */
#include "fold.h"

n2d2_status n2d2_cells_fold_affine(n2d2_cell *cell, n2d2_tensor *w, n2d2_tensor **bias,
                                   n2d2_tensor **bias_grad, const double *scale,
                                   const double *shift, size_t n)
{
    if (n2d2_tensor_dim(w, 0) != n || (*bias && n2d2_tensor_numel(*bias) != n))
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                               "cannot fold %zu channel scales into %zu outputs", n,
                               n2d2_tensor_dim(w, 0));
    if (!*bias) {
        n2d2_tensor *b = NULL, *db = NULL;
        n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(w), 1, &n, &b);
        if (st == N2D2_OK)
            st = n2d2_tensor_new(n2d2_tensor_dtype(w), 1, &n, &db);
        if (st == N2D2_OK)
            st = n2d2_cell_declare_param(cell, "biases", b, db, "BiasSolver");
        if (st != N2D2_OK) {
            n2d2_tensor_release(b);
            n2d2_tensor_release(db);
            return st;
        }
        *bias = b;
        *bias_grad = db;
    }
    /* in double, then rounded once into the cell's type */
    const size_t per = n2d2_tensor_numel(w) / n;
    for (size_t o = 0; o < n; ++o) {
        for (size_t i = o * per; i < (o + 1) * per; ++i)
            n2d2_tensor_set(w, i, scale[o] * n2d2_tensor_get(w, i));
        n2d2_tensor_set(*bias, o, scale[o] * n2d2_tensor_get(*bias, o) + shift[o]);
    }
    return N2D2_OK;
}
