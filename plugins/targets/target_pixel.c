/* Pixel-wise targets (segmentation, as N2D2's Target with composite
 * stimuli): the label map of each item is resized with nearest-neighbour
 * sampling (OpenCV INTER_NEAREST: source = floor(dst * src_size /
 * dst_size)) to the output's H x W, and every pixel is one sample with
 * its own class; label -1 (no label, ROIsMargin) follows the mapping's
 * invalid class, ignored by default. */
#include <math.h>
#include <stdlib.h>

#include "target_internal.h"

#define CE_EPSILON 1e-12

n2d2_status n2d2_tgt_pixel_classes(const n2d2_tgt_mapping *m, const int32_t *map, size_t lh,
                                   size_t lw, size_t h, size_t w, const char *section, int *cls)
{
    for (size_t y = 0; y < h; ++y) {
        size_t sy = (size_t)((double)y * (double)lh / (double)h);
        sy = sy < lh ? sy : lh - 1;
        for (size_t x = 0; x < w; ++x) {
            size_t sx = (size_t)((double)x * (double)lw / (double)w);
            sx = sx < lw ? sx : lw - 1;
            n2d2_status st = n2d2_tgt_mapping_class(m, map[sy * lw + sx], section, &cls[y * w + x]);
            if (st != N2D2_OK)
                return n2d2_error_prefix("pixel (%zu, %zu) of the label map", sx, sy);
        }
    }
    return N2D2_OK;
}

double n2d2_tgt_pixel_item(const n2d2_tgt_pixel_params *p, const double *y, const int *cls,
                           double *g, n2d2_tgt_confusion *cm, uint64_t *topn_ok,
                           uint64_t *counted, size_t *valid)
{
    size_t hw = p->hw;
    double loss = 0.0;
    *valid = 0;
    for (size_t q = 0; q < hw; ++q) {
        int k = cls[q];
        if (k < 0) {
            for (size_t c = 0; c < p->c; ++c)
                g[c * hw + q] = 0.0;
            continue;
        }
        ++*valid;
        ++*counted;
        if (p->c == 1) { /* binary: class 1 <-> TargetValue */
            double v = y[q], d = v - (k ? p->target_value : p->default_value);
            g[q] = d;
            if (p->cross_entropy) {
                double pr = k ? v : 1.0 - v;
                loss -= log(pr > CE_EPSILON ? pr : CE_EPSILON);
            } else {
                loss += 0.5 * d * d;
            }
            int est = v > p->threshold;
            n2d2_tgt_confusion_add(cm, (size_t)k, (size_t)est);
            *topn_ok += est == k;
            continue;
        }
        double yk = y[(size_t)k * hw + q];
        size_t best = 0, rank = 0;
        for (size_t c = 0; c < p->c; ++c) {
            double v = y[c * hw + q];
            double d = v - ((int)c == k ? p->target_value : p->default_value);
            g[c * hw + q] = d;
            if (!p->cross_entropy)
                loss += 0.5 * d * d;
            if (v > y[best * hw + q])
                best = c;
            if (v > yk || (v == yk && (int)c < k))
                ++rank;
        }
        if (p->cross_entropy)
            loss -= log(yk > CE_EPSILON ? yk : CE_EPSILON);
        n2d2_tgt_confusion_add(cm, (size_t)k, best);
        *topn_ok += rank < p->top_n;
    }
    return loss;
}
