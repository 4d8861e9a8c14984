/* FlipTransformation (manual 21.5.14): fixed and/or random horizontal and
 * vertical flips, in place, any data type. A random flip happens with
 * probability 0.5 (the manual does not say; A9); a fixed flip and a random
 * one on the same axis combine as "flip if either says so". Pixel-wise
 * labels are flipped with the data. */
#include <stdlib.h>
#include <string.h>

#include "basic.h"

#define WHO "FlipTransformation"

static const n2d2_param_spec flip_params[] = {
    {"HorizontalFlip", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "always flip left-right"},
    {"VerticalFlip", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "always flip upside down"},
    {"RandomHorizontalFlip", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "flip left-right with probability 0.5"},
    {"RandomVerticalFlip", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "flip upside down with probability 0.5"},
};

typedef struct flip {
    int h, v, random_h, random_v;
} flip;

static n2d2_status flip_create(const n2d2_params *p, void **state)
{
    flip *f = calloc(1, sizeof *f);
    if (!f)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    f->h = n2d2_params_bool(p, "HorizontalFlip");
    f->v = n2d2_params_bool(p, "VerticalFlip");
    f->random_h = n2d2_params_bool(p, "RandomHorizontalFlip");
    f->random_v = n2d2_params_bool(p, "RandomVerticalFlip");
    *state = f;
    return N2D2_OK;
}

static void swap_bytes(unsigned char *a, unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        unsigned char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

static void flip_tensor(n2d2_tensor *t, int horizontal, int vertical)
{
    size_t c = n2d2_tensor_dim(t, 0), h = n2d2_tensor_dim(t, 1), w = n2d2_tensor_dim(t, 2);
    size_t e = n2d2_dtype_size(n2d2_tensor_dtype(t)), row = w * e;
    unsigned char *base = n2d2_tensor_data(t);
    for (size_t k = 0; k < c; ++k) {
        unsigned char *plane = base + k * h * row;
        if (vertical)
            for (size_t y = 0; y < h / 2; ++y)
                swap_bytes(plane + y * row, plane + (h - 1 - y) * row, row);
        if (horizontal)
            for (size_t y = 0; y < h; ++y)
                for (size_t x = 0; x < w / 2; ++x)
                    swap_bytes(plane + y * row + x * e, plane + y * row + (w - 1 - x) * e, e);
    }
}

static n2d2_status flip_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                              n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    const flip *f = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    /* Draw only for the random axes, so the stream advances predictably. */
    int horizontal = f->random_h ? n2d2_rng_bernoulli(rng, 0.5) : 0;
    int vertical = f->random_v ? n2d2_rng_bernoulli(rng, 0.5) : 0;
    horizontal |= f->h;
    vertical |= f->v;
    if (!horizontal && !vertical)
        return N2D2_OK;
    flip_tensor(*data, horizontal, vertical);
    if (*labels && n2d2_tensor_ndim(*labels) == 3)
        flip_tensor(*labels, horizontal, vertical);
    return N2D2_OK;
}

static n2d2_status same_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    (void)state;
    *out = *in;
    return N2D2_OK;
}

static const n2d2_transform_ops flip_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM, flip_create, flip_apply, same_shape, free,
    {0}};

const n2d2_feature tf_flip_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "FlipTransformation", NULL,
    "fixed or random horizontal/vertical flips", flip_params, TF_COUNT_OF(flip_params),
    &flip_ops, 0, {0}};
