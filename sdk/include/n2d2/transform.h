/* n2d2/transform.h — transformation plugins (`Type=RescaleTransformation`).
 *
 * The stimuli provider applies the transformations of the sections
 * `[<sp>.Transformation*]`, `[<sp>.OnTheFlyTransformation*]` (and the
 * Channel* forms) in file order to each stimulus; `ApplyTo=` (LearnOnly,
 * ValidationOnly, TestOnly, NoLearn, NoValidation, NoTest, All) is handled
 * by the provider, not by the plugin. A transformation may change the size
 * and type of the data (e.g. rescale, uint8 → float).
 *
 * Order of a stimulus's pipeline (as N2D2): the Transformation* sections
 * (static: run once per stimulus, the result is cached), then the
 * OnTheFlyTransformation* ones (at every fetch), then the Channel* chains
 * that build the output channels. Errors returned by `apply` are prefixed by
 * the provider with the section's name and location.
 */
#ifndef N2D2_TRANSFORM_H
#define N2D2_TRANSFORM_H

#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"
#include "n2d2/params.h"
#include "n2d2/rng.h"
#include "n2d2/database.h"

N2D2_BEGIN_DECLS

enum {
    /* The output no longer has the 8-bit [0, 255] range, so the provider's
     * implicit conversion to [0, 1] must not happen (RangeAffine, Normalize...). */
    N2D2_TRANSFORM_CHANGES_RANGE = 1u << 0,
    /* May draw random numbers from `rng`. In an on-the-fly section `rng` is
     * a fresh stream per (pass, stimulus); in a static section it is a fixed
     * stream per stimulus, so the cached result stays consistent. */
    N2D2_TRANSFORM_RANDOM = 1u << 1
};

typedef struct n2d2_transform_ops {
    uint32_t struct_size;
    uint32_t flags;
    n2d2_status (*create)(const n2d2_params *params, void **state);
    /* Transform *data ({C, H, W}) in place or replace it with a new tensor
     * (release the old one). `labels` is never NULL; *labels, when
     * non-NULL, is a pixel-wise label map {1, H, W} (int32) to move with
     * geometric transforms; *label is the stimulus label. `rng` is never
     * NULL. Must be thread-safe for concurrent calls (the state is shared). */
    n2d2_status (*apply)(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                         n2d2_set set, n2d2_rng *rng);
    /* optional: output {C, H, W} for an input shape (for size checks), or
     * N2D2_ERR_UNSUPPORTED when it depends on the data */
    n2d2_status (*output_shape)(void *state, const n2d2_shape *in, n2d2_shape *out);
    void (*destroy)(void *state);
    void *reserved[4];
} n2d2_transform_ops;

N2D2_END_DECLS

#endif
