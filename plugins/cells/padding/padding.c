/* Padding, model Frame (manual 22.16, checklist §12.12).
 *
 * Adds rows and columns of zeros around every channel (the fill value is
 * not stated in the manual; zero assumed), TopPadding/BottomPadding rows
 * and LeftPadding/RightPadding columns; a negative value crops instead. The
 * manual lists no Mapping for this layer: channels map one to one. The
 * short spellings TopPad/BotPad/LeftPad/RightPad are accepted as aliases;
 * giving both spellings of one side with different values is an error. */
#include <stdlib.h>
#include <string.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"
#include "../common/copy.h"

#define PAD_INT(name, dflt, help) \
    {name, N2D2_PARAM_INT, dflt, NULL, -1e9, 1e9, N2D2_PARAM_RANGE, help}

static const n2d2_param_spec padding_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels (= input channels)"},
    PAD_INT("TopPadding", "0", "rows added on top (negative: rows cropped)"),
    PAD_INT("BottomPadding", "0", "rows added at the bottom (negative: rows cropped)"),
    PAD_INT("LeftPadding", "0", "columns added on the left (negative: columns cropped)"),
    PAD_INT("RightPadding", "0", "columns added on the right (negative: columns cropped)"),
    PAD_INT("TopPad", NULL, "alias of TopPadding"),
    PAD_INT("BotPad", NULL, "alias of BottomPadding"),
    PAD_INT("LeftPad", NULL, "alias of LeftPadding"),
    PAD_INT("RightPad", NULL, "alias of RightPadding"),
};

enum { TOP, BOTTOM, LEFT, RIGHT };

typedef struct padding_state {
    long long pad[4]; /* TOP, BOTTOM, LEFT, RIGHT */
    size_t planes_per_sample, height, width, out_h, out_w;
} padding_state;

static n2d2_status read_side(const n2d2_params *p, const char *name, const char *alias,
                             long long *out)
{
    *out = (long long)n2d2_params_int(p, name);
    if (!n2d2_params_given(p, alias))
        return N2D2_OK;
    long long v = (long long)n2d2_params_int(p, alias);
    if (n2d2_params_given(p, name) && v != *out)
        return n2d2_params_error(p, alias, N2D2_ERR_INVAL,
                                 "%lld contradicts %s=%lld (%s): give one of the two", v, name,
                                 *out, n2d2_params_where(p, name));
    *out = v;
    return N2D2_OK;
}

static n2d2_status padding_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    static const char *const names[4] = {"TopPadding", "BottomPadding", "LeftPadding",
                                         "RightPadding"};
    static const char *const aliases[4] = {"TopPad", "BotPad", "LeftPad", "RightPad"};
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    padding_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (int k = 0; k < 4 && st == N2D2_OK; ++k)
        st = read_side(p, names[k], aliases[k], &s->pad[k]);
    if (st != N2D2_OK) {
        free(s);
        return st;
    }
    *state = s;
    return N2D2_OK;
}

/* Input rows (or columns) that survive the crops: extent + the two sides
 * where they are negative. */
static long long kept(size_t extent, long long a, long long b)
{
    return (long long)extent + (a < 0 ? a : 0) + (b < 0 ? b : 0);
}

static n2d2_status padding_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                 n2d2_shape *out)
{
    (void)n_in;
    padding_state *s = state;
    char buf[128];
    if (in->ndim != 3)
        return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                               "input of shape %s: only {channels, height, width} inputs are "
                               "implemented yet",
                               n2d2_shape_str(in->dims, in->ndim, buf, sizeof buf));
    n2d2_status st = n2d2_cells_check_nb_outputs(cell, in->dims[0]);
    if (st != N2D2_OK)
        return st;
    s->planes_per_sample = in->dims[0];
    s->height = in->dims[1];
    s->width = in->dims[2];
    long long rows = kept(s->height, s->pad[TOP], s->pad[BOTTOM]);
    long long cols = kept(s->width, s->pad[LEFT], s->pad[RIGHT]);
    if (rows < 1 || cols < 1)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                               "the padding crops the whole %zux%zu (height x width) input: "
                               "TopPadding=%lld BottomPadding=%lld LeftPadding=%lld "
                               "RightPadding=%lld keep %lld row(s) and %lld column(s)",
                               s->height, s->width, s->pad[TOP], s->pad[BOTTOM], s->pad[LEFT],
                               s->pad[RIGHT], rows < 0 ? 0 : rows, cols < 0 ? 0 : cols);
    s->out_h = (size_t)((long long)s->height + s->pad[TOP] + s->pad[BOTTOM]);
    s->out_w = (size_t)((long long)s->width + s->pad[LEFT] + s->pad[RIGHT]);
    *out = *in;
    out->dims[1] = s->out_h;
    out->dims[2] = s->out_w;
    return N2D2_OK;
}

/* Geometry of the copied block: `count` input rows from `in0` go to output
 * rows from `out0` (same for columns). */
typedef struct block {
    size_t in_r0, out_r0, rows, in_c0, out_c0, cols;
} block;

static block overlap(const padding_state *s)
{
    block b;
    b.in_r0 = s->pad[TOP] < 0 ? (size_t)-s->pad[TOP] : 0;
    b.out_r0 = s->pad[TOP] > 0 ? (size_t)s->pad[TOP] : 0;
    b.rows = (size_t)kept(s->height, s->pad[TOP], s->pad[BOTTOM]);
    b.in_c0 = s->pad[LEFT] < 0 ? (size_t)-s->pad[LEFT] : 0;
    b.out_c0 = s->pad[LEFT] > 0 ? (size_t)s->pad[LEFT] : 0;
    b.cols = (size_t)kept(s->width, s->pad[LEFT], s->pad[RIGHT]);
    return b;
}

static n2d2_status padding_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                   size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    const padding_state *s = state;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st != N2D2_OK)
        return st;
    const size_t es = n2d2_dtype_size(n2d2_tensor_dtype(out));
    const size_t planes = n2d2_tensor_dim(out, 0) * s->planes_per_sample;
    const size_t in_plane = s->height * s->width * es, out_plane = s->out_h * s->out_w * es;
    const block b = overlap(s);
    const char *x = n2d2_tensor_cdata(in[0]);
    char *y = n2d2_tensor_data(out);
    memset(y, 0, planes * out_plane);
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(planes * out_plane >= 262144))
    for (size_t pl = 0; pl < planes; ++pl)
        for (size_t r = 0; r < b.rows; ++r)
            memcpy(y + pl * out_plane + ((b.out_r0 + r) * s->out_w + b.out_c0) * es,
                   x + pl * in_plane + ((b.in_r0 + r) * s->width + b.in_c0) * es, b.cols * es);
    return N2D2_OK;
}

static n2d2_status padding_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                    size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                    n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)in;
    (void)n_in;
    const padding_state *s = state;
    if (!gin[0])
        return N2D2_OK;
    const n2d2_dtype dt = n2d2_tensor_dtype(out);
    const size_t es = n2d2_dtype_size(dt);
    const size_t planes = n2d2_tensor_dim(out, 0) * s->planes_per_sample;
    const size_t in_plane = s->height * s->width, out_plane = s->out_h * s->out_w;
    const block b = overlap(s);
    const char *dy = n2d2_tensor_cdata(gout);
    char *dx = n2d2_tensor_data(gin[0]);
    /* cropped input values do not reach the output: their gradient is 0 */
    if (!accumulate[0] && (b.rows < s->height || b.cols < s->width))
        n2d2_tensor_zero(gin[0]);
    N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(planes * in_plane >= 65536))
    for (size_t pl = 0; pl < planes; ++pl)
        for (size_t r = 0; r < b.rows; ++r) {
            size_t to = pl * in_plane + (b.in_r0 + r) * s->width + b.in_c0;
            size_t from = pl * out_plane + (b.out_r0 + r) * s->out_w + b.out_c0;
            n2d2_cells_copy_or_add(dx + to * es, dy + from * es, b.cols, dt, accumulate[0]);
        }
    return N2D2_OK;
}

static void padding_destroy(void *state) { free(state); }

/* No arithmetic. */
static uint64_t padding_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    (void)state;
    return 0;
}

static const n2d2_cell_ops padding_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = padding_create,
    .infer = padding_infer,
    .forward = padding_forward,
    .backward = padding_backward,
    .destroy = padding_destroy,
    .macs = padding_macs,
};

static const n2d2_feature padding_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Padding",
    .model = "Frame",
    .help = "zero padding (or cropping, for negative values) of each side of every channel",
    .params = padding_params,
    .n_params = N2D2_CELLS_COUNT_OF(padding_params),
    .ops = &padding_ops,
};

static n2d2_status register_padding(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &padding_feature);
}

N2D2_PLUGIN_DEFINE(cell_padding, "1.0.0", "CECILL-C", "Padding cell, model Frame (CPU)",
                   register_padding, NULL)
