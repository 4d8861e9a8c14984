/* Pooling-region draws of FMP (see fmp.h; A47: the manual does not
 * describe them, we follow Graham 2014 as N2D2 implements it). */
#include <math.h>

#include "fmp.h"

void n2d2_fmp_grid_pseudo(size_t in, size_t out, double u, size_t *grid)
{
    /* the true ratio in / out, not ScalingRatio: the regions must span the
     * input exactly */
    const double alpha = (double)in / (double)out;
    for (size_t i = 0; i < out; ++i)
        grid[i] = (size_t)ceil(alpha * ((double)i + u));
}

void n2d2_fmp_grid_random(size_t in, size_t out, n2d2_rng *rng, size_t *grid)
{
    /* N2D2 uses steps of 1 and 2 (1 <= alpha <= 2); steps of floor(alpha)
     * and floor(alpha) + 1 are the same for that range and stay valid
     * above it */
    const size_t step = in / out, n_big = in - step * out;
    for (size_t i = 0; i < out; ++i)
        grid[i] = i < n_big ? step + 1 : step;
    for (size_t i = out; i-- > 1;) { /* Fisher-Yates */
        size_t j = (size_t)n2d2_rng_below(rng, i + 1), t = grid[i];
        grid[i] = grid[j];
        grid[j] = t;
    }
    for (size_t i = 1; i < out; ++i)
        grid[i] += grid[i - 1];
}

void n2d2_fmp_regions(const size_t *grid, size_t in, size_t out, int overlapping, fmp_axis *axis)
{
    for (size_t i = 0; i < out; ++i) {
        size_t start = i > 0 ? grid[i - 1] : 0;
        size_t stop = overlapping ? grid[i] : (grid[i] > 0 ? grid[i] - 1 : 0);
        if (i == out - 1)
            stop = in - 1;
        /* a pseudo-random grid may reach `in` before the last output */
        start = start < in ? start : in - 1;
        stop = stop < in ? stop : in - 1;
        axis->start[i] = start;
        axis->stop[i] = stop < start ? start : stop;
    }
}

void n2d2_fmp_draw(const fmp_state *s, size_t in, size_t out, n2d2_rng *rng, size_t *grid,
                   fmp_axis *axis)
{
    if (s->pseudo_random) {
        double u;
        do /* open interval (0, 1), as N2D2 */
            u = n2d2_rng_uniform(rng);
        while (u <= 0.0);
        n2d2_fmp_grid_pseudo(in, out, u, grid);
    } else {
        n2d2_fmp_grid_random(in, out, rng, grid);
    }
    n2d2_fmp_regions(grid, in, out, s->overlapping, axis);
}
