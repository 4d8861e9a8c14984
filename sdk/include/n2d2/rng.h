/* n2d2/rng.h — seeded, reproducible random streams.
 *
 * One stream per purpose (fillers, dropout, shuffling, augmentation...), all
 * derived from the run seed (`-seed N`), so that a CPU run is reproduced bit
 * for bit at a fixed thread count and drawing more numbers for one purpose
 * never shifts another. xoshiro256** seeded through splitmix64.
 */
#ifndef N2D2_RNG_H
#define N2D2_RNG_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"

N2D2_BEGIN_DECLS

typedef enum n2d2_rng_purpose {
    N2D2_RNG_FILLER = 0,
    N2D2_RNG_DROPOUT = 1,
    N2D2_RNG_SHUFFLE = 2,
    N2D2_RNG_PARTITION = 3,
    N2D2_RNG_AUGMENT = 4,
    N2D2_RNG_ATTACK = 5,
    N2D2_RNG_PURPOSE_COUNT = 6
} n2d2_rng_purpose;

typedef struct n2d2_rng {
    uint64_t s[4];
} n2d2_rng;

/* Stream `stream` of seed `seed`: distinct streams are independent. */
N2D2_API void n2d2_rng_seed(n2d2_rng *rng, uint64_t seed, uint64_t stream);
/* A child stream (e.g. one per worker thread or per cell), derived without
 * advancing the parent more than one step. */
N2D2_API void n2d2_rng_split(n2d2_rng *parent, n2d2_rng *child);
N2D2_API uint64_t n2d2_rng_u64(n2d2_rng *rng);
N2D2_API double n2d2_rng_uniform(n2d2_rng *rng);                  /* [0, 1) */
N2D2_API double n2d2_rng_uniform_range(n2d2_rng *rng, double lo, double hi);
N2D2_API uint64_t n2d2_rng_below(n2d2_rng *rng, uint64_t n);      /* [0, n), unbiased */
N2D2_API double n2d2_rng_normal(n2d2_rng *rng, double mean, double stddev);
N2D2_API int n2d2_rng_bernoulli(n2d2_rng *rng, double p);
N2D2_API void n2d2_rng_shuffle(n2d2_rng *rng, size_t *items, size_t n);

N2D2_END_DECLS

#endif
