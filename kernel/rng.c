/* xoshiro256** streams seeded through splitmix64 (public-domain algorithms
 * by Blackman and Vigna, written here from their description). */
#include "n2d2/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void n2d2_rng_seed(n2d2_rng *rng, uint64_t seed, uint64_t stream)
{
    /* Mix the stream id in before expansion so streams are unrelated. */
    uint64_t x = seed;
    uint64_t mixed = splitmix64(&x) ^ (stream * 0xd1342543de82ef95ull + 0x2545f4914f6cdd1dull);
    for (int i = 0; i < 4; ++i)
        rng->s[i] = splitmix64(&mixed);
}

uint64_t n2d2_rng_u64(n2d2_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void n2d2_rng_split(n2d2_rng *parent, n2d2_rng *child)
{
    uint64_t x = n2d2_rng_u64(parent);
    for (int i = 0; i < 4; ++i)
        child->s[i] = splitmix64(&x);
}

double n2d2_rng_uniform(n2d2_rng *rng) { return (double)(n2d2_rng_u64(rng) >> 11) * 0x1.0p-53; }

double n2d2_rng_uniform_range(n2d2_rng *rng, double lo, double hi)
{
    return lo + (hi - lo) * n2d2_rng_uniform(rng);
}

uint64_t n2d2_rng_below(n2d2_rng *rng, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n; /* reject the biased tail */
    uint64_t r;
    do
        r = n2d2_rng_u64(rng);
    while (r >= limit);
    return r % n;
}

double n2d2_rng_normal(n2d2_rng *rng, double mean, double stddev)
{
    /* Box-Muller, one value per call so the stream position is predictable. */
    double u1 = 1.0 - n2d2_rng_uniform(rng); /* (0, 1] avoids log(0) */
    double u2 = n2d2_rng_uniform(rng);
    return mean + stddev * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

int n2d2_rng_bernoulli(n2d2_rng *rng, double p) { return n2d2_rng_uniform(rng) < p; }

void n2d2_rng_shuffle(n2d2_rng *rng, size_t *items, size_t n)
{
    for (size_t i = n; i > 1; --i) {
        size_t j = (size_t)n2d2_rng_below(rng, i);
        size_t tmp = items[i - 1];
        items[i - 1] = items[j];
        items[j] = tmp;
    }
}
