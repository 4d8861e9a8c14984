/* Pixel-wise targets (segmentation, as N2D2's Target with composite
 * stimuli, manual 23.2): each output pixel (x, y) of an H x W output covers
 * the macro-pixel of the lh x lw label map with rows [y lh / H, (y + 1) lh
 * / H) and columns likewise (integer division; at least the nearest source
 * pixel when the output is larger); its label is the majority label there
 * (ties: the smallest id), except that with WeakTarget >= -1 any other label
 * takes precedence over the weak one. Every output pixel is one sample with
 * its own class; label -1 (no label, ROIsMargin) follows the mapping's
 * invalid class, ignored by default. */
#include <math.h>
#include <stdlib.h>

#include "target_internal.h"

#define CE_EPSILON 1e-12

/* Label of one output pixel from the labels `v[0..n)` of its macro-pixel:
 * the most frequent (ties: the smallest id), except that when `weak` >= -1
 * any other label takes precedence over `weak`. Sorts v. */
static int32_t majority(int32_t *v, size_t n, int weak)
{
    for (size_t i = 1; i < n; ++i) { /* insertion sort: blocks are small */
        int32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; --j)
            v[j] = v[j - 1];
        v[j] = x;
    }
    int32_t best = v[0];
    size_t best_n = 0;
    int have_strong = 0;
    for (size_t i = 0; i < n; ++i)
        have_strong |= weak < -1 || v[i] != weak;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j] == v[i])
            ++j;
        if ((!have_strong || v[i] != weak) && j - i > best_n) {
            best = v[i];
            best_n = j - i;
        }
        i = j;
    }
    return best;
}

n2d2_status n2d2_tgt_pixel_classes(const n2d2_tgt_mapping *m, const int32_t *map, size_t lh,
                                   size_t lw, size_t h, size_t w, int weak, const char *section,
                                   int *cls)
{
    size_t bh = (lh + h - 1) / h + 1, bw = (lw + w - 1) / w + 1;
    int32_t *v = malloc(bh * bw * sizeof *v);
    if (!v)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = N2D2_OK;
    for (size_t y = 0; y < h && st == N2D2_OK; ++y) {
        size_t y0 = y * lh / h, y1 = (y + 1) * lh / h;
        y1 = y1 > y0 ? y1 : y0 + 1; /* upscaling: the nearest source row */
        for (size_t x = 0; x < w && st == N2D2_OK; ++x) {
            size_t x0 = x * lw / w, x1 = (x + 1) * lw / w;
            x1 = x1 > x0 ? x1 : x0 + 1;
            size_t n = 0;
            for (size_t sy = y0; sy < y1; ++sy)
                for (size_t sx = x0; sx < x1; ++sx)
                    v[n++] = map[sy * lw + sx];
            int32_t label = majority(v, n, weak);
            st = n2d2_tgt_mapping_class(m, label, section, &cls[y * w + x]);
            if (st != N2D2_OK)
                n2d2_error_prefix("output pixel (%zu, %zu) of the label map", x, y);
        }
    }
    free(v);
    return st;
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
