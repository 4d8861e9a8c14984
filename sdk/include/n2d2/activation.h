/* n2d2/activation.h — activation function plugins (`ActivationFunction=`).
 *
 * A cell whose schema declares a parameter named "ActivationFunction" gets
 * its activation applied by the kernel: after the cell's forward the kernel
 * runs the activation on the output in place, and before the cell's
 * backward it turns d(loss)/d(output) into d(loss)/d(pre-activation). The
 * activation's own keys are read under the prefix "ActivationFunction."
 * (e.g. `ActivationFunction.LeakSlope=0.1` for Rectifier). `Linear` with no
 * clipping is the identity and costs nothing.
 */
#ifndef N2D2_ACTIVATION_H
#define N2D2_ACTIVATION_H

#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"
#include "n2d2/params.h"

N2D2_BEGIN_DECLS

enum {
    /* backward needs the pre-activation input (e.g. Swish); the kernel then
     * keeps a copy of it. Otherwise backward gets x == NULL and works from
     * the output y. */
    N2D2_ACTIVATION_NEEDS_INPUT = 1u << 0,
    /* the activation is the identity for these parameters: skip it */
    N2D2_ACTIVATION_IDENTITY = 1u << 1,
    /* backward passes the gradient through because the target's (y - t) is
     * already the logistic cross-entropy gradient (LogisticWithLoss) */
    N2D2_ACTIVATION_LOGISTIC_LOSS = 1u << 2
};

typedef struct n2d2_activation_ops {
    uint32_t struct_size;
    uint32_t flags;
    n2d2_status (*create)(const n2d2_params *params, void **state);
    /* optional: flags that depend on the parameters (e.g. Linear without
     * clipping reports N2D2_ACTIVATION_IDENTITY); NULL = `flags` above */
    uint32_t (*instance_flags)(void *state);
    /* y = f(x); x and y may be the same tensor */
    n2d2_status (*forward)(void *state, const n2d2_tensor *x, n2d2_tensor *y);
    /* grad_x = f'(x) grad_y; grad_x and grad_y may be the same tensor */
    n2d2_status (*backward)(void *state, const n2d2_tensor *x, const n2d2_tensor *y,
                            const n2d2_tensor *grad_y, n2d2_tensor *grad_x);
    void (*destroy)(void *state);
    void *reserved[4];
} n2d2_activation_ops;

N2D2_END_DECLS

#endif
