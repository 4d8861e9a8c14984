/* Constant folding: nodes whose operands are all constants (and Shape of
 * an activation, whose size is known) are computed here, so the shape
 * subgraphs PyTorch emits before Reshape (Shape, Gather, Unsqueeze,
 * Concat...) become plain constants. */
#include "onnx_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static n2d2_status set_const(ox_ctx *c, const Onnx__NodeProto *n, int rank, const int64_t *dims,
                             double *data)
{
    ox_value *out = n->n_output ? ox_find(c, n->output[0]) : NULL;
    if (!out) {
        free(data);
        return N2D2_OK;
    }
    out->state = OX_CONST;
    out->rank = rank;
    for (int i = 0; i < rank; ++i)
        out->dims[i] = dims[i];
    out->numel = ox_numel(dims, rank);
    free(out->data);
    out->data = data;
    return N2D2_OK;
}

/* Folded constants are shapes and small tensors: a bound keeps a broken
 * file from asking for gigabytes. */
#define OX_MAX_FOLDED ((size_t)1 << 24)

static double *new_data(size_t n) { return n <= OX_MAX_FOLDED ? malloc((n ? n : 1) * sizeof(double)) : NULL; }

static n2d2_status nomem(void)
{
    return n2d2_error(N2D2_ERR_NOMEM, "out of memory folding a constant (at most %zu values)", OX_MAX_FOLDED);
}

static n2d2_status fold_constant(ox_ctx *c, const Onnx__NodeProto *n)
{
    const Onnx__AttributeProto *a = ox_attr(n, "value");
    if (a && a->t) {
        ox_value tmp;
        memset(&tmp, 0, sizeof tmp);
        n2d2_status st = ox_tensor_values(c, a->t, &tmp);
        if (st != N2D2_OK)
            return n2d2_error_prefix("[%s] node '%s' (Constant)", n2d2_import_section(c->imp),
                                     n->output[0]);
        return set_const(c, n, tmp.rank, tmp.dims, tmp.data);
    }
    int64_t one = 1;
    if ((a = ox_attr(n, "value_float")) && a->has_f) {
        double *d = new_data(1);
        if (!d)
            return nomem();
        d[0] = a->f;
        return set_const(c, n, 0, &one, d);
    }
    if ((a = ox_attr(n, "value_int")) && a->has_i) {
        double *d = new_data(1);
        if (!d)
            return nomem();
        d[0] = (double)a->i;
        return set_const(c, n, 0, &one, d);
    }
    if ((a = ox_attr(n, "value_ints")) || (a = ox_attr(n, "value_floats"))) {
        size_t cnt = a->n_ints ? a->n_ints : a->n_floats;
        double *d = new_data(cnt);
        if (!d)
            return nomem();
        for (size_t i = 0; i < cnt; ++i)
            d[i] = a->n_ints ? (double)a->ints[i] : a->floats[i];
        int64_t dim = (int64_t)cnt;
        return set_const(c, n, 1, &dim, d);
    }
    return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "only value, value_float(s) and "
                         "value_int(s) Constant nodes are implemented");
}

static n2d2_status fold_shape(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x)
{
    int64_t start = ox_attr_int(n, "start", 0), end = ox_attr_int(n, "end", x->rank);
    if (start < 0)
        start += x->rank;
    if (end < 0)
        end += x->rank;
    start = start < 0 ? 0 : start > x->rank ? x->rank : start;
    end = end < start ? start : end > x->rank ? x->rank : end;
    int64_t len = end - start;
    double *d = new_data((size_t)len);
    if (!d)
        return nomem();
    for (int64_t i = 0; i < len; ++i)
        d[i] = (double)x->dims[start + i];
    return set_const(c, n, 1, &len, d);
}

/* Axes from the attribute (old opsets) or the second input (newer). */
static int get_axes(ox_ctx *c, const Onnx__NodeProto *n, int64_t *axes)
{
    int k = ox_attr_ints(n, "axes", axes, OX_MAX_RANK);
    if (k >= 0)
        return k;
    ox_value *v = ox_in(c, n, 1);
    if (!v || v->state != OX_CONST || v->numel > OX_MAX_RANK)
        return -1;
    for (size_t i = 0; i < v->numel; ++i)
        axes[i] = ox_i64(v->data[i]);
    return (int)v->numel;
}

static n2d2_status fold_unsqueeze(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x, int squeeze)
{
    int64_t axes[OX_MAX_RANK], dims[OX_MAX_RANK];
    int k = get_axes(c, n, axes);
    int rank = 0;
    if (squeeze) {
        for (int d = 0; d < x->rank; ++d) {
            int drop = k < 0 ? x->dims[d] == 1 : 0;
            for (int i = 0; i < k; ++i)
                drop |= (axes[i] < 0 ? axes[i] + x->rank : axes[i]) == d;
            if (!drop)
                dims[rank++] = x->dims[d];
        }
    } else {
        if (k < 0 || x->rank + k > OX_MAX_RANK)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "missing or too many axes");
        rank = x->rank + k;
        int src = 0;
        for (int d = 0; d < rank; ++d) {
            int ins = 0;
            for (int i = 0; i < k; ++i)
                ins |= (axes[i] < 0 ? axes[i] + rank : axes[i]) == d;
            dims[d] = ins ? 1 : x->dims[src++];
        }
    }
    double *d = new_data(x->numel);
    if (!d)
        return nomem();
    memcpy(d, x->data, x->numel * sizeof *d);
    return set_const(c, n, rank, dims, d);
}

static n2d2_status fold_gather(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x,
                               const ox_value *idx)
{
    int64_t axis = ox_attr_int(n, "axis", 0);
    if (axis < 0)
        axis += x->rank;
    if (!idx || axis < 0 || axis >= x->rank || x->rank - 1 + idx->rank > OX_MAX_RANK)
        return ox_node_error(c, n, N2D2_ERR_INVAL, "invalid axis or indices");
    int64_t dims[OX_MAX_RANK];
    int rank = 0;
    for (int d = 0; d < axis; ++d)
        dims[rank++] = x->dims[d];
    for (int d = 0; d < idx->rank; ++d)
        dims[rank++] = idx->dims[d];
    for (int d = (int)axis + 1; d < x->rank; ++d)
        dims[rank++] = x->dims[d];
    size_t outer = ox_numel(x->dims, (int)axis), inner = ox_numel(x->dims + axis + 1, x->rank - (int)axis - 1);
    size_t len = (size_t)x->dims[axis];
    double *d = new_data(outer * idx->numel * inner);
    if (!d)
        return nomem();
    for (size_t o = 0; o < outer; ++o)
        for (size_t j = 0; j < idx->numel; ++j) {
            int64_t at = ox_i64(idx->data[j]);
            if (at < 0)
                at += (int64_t)len;
            if (at < 0 || (size_t)at >= len) {
                free(d);
                return ox_node_error(c, n, N2D2_ERR_RANGE, "index %lld out of range [0, %zu)",
                                     (long long)idx->data[j], len);
            }
            memcpy(d + (o * idx->numel + j) * inner, x->data + (o * len + (size_t)at) * inner,
                   inner * sizeof *d);
        }
    return set_const(c, n, rank, dims, d);
}

static n2d2_status fold_concat(ox_ctx *c, const Onnx__NodeProto *n)
{
    ox_value *first = ox_in(c, n, 0);
    if (!first)
        return ox_node_error(c, n, N2D2_ERR_INVAL, "no input");
    int64_t axis = ox_attr_int(n, "axis", 0);
    if (axis < 0)
        axis += first->rank;
    if (axis < 0 || axis >= first->rank)
        return ox_node_error(c, n, N2D2_ERR_INVAL, "axis out of range");
    int64_t dims[OX_MAX_RANK];
    memcpy(dims, first->dims, sizeof dims);
    dims[axis] = 0;
    for (size_t i = 0; i < n->n_input; ++i) {
        ox_value *v = ox_in(c, n, i);
        if (!v || v->rank != first->rank)
            return ox_node_error(c, n, N2D2_ERR_SHAPE, "inputs of different ranks");
        dims[axis] += v->dims[axis];
    }
    size_t outer = ox_numel(first->dims, (int)axis);
    size_t inner = ox_numel(first->dims + axis + 1, first->rank - (int)axis - 1);
    double *d = new_data(ox_numel(dims, first->rank)), *w = d;
    if (!d)
        return nomem();
    for (size_t o = 0; o < outer; ++o)
        for (size_t i = 0; i < n->n_input; ++i) {
            ox_value *v = ox_in(c, n, i);
            size_t chunk = (size_t)v->dims[axis] * inner;
            memcpy(w, v->data + o * chunk, chunk * sizeof *d);
            w += chunk;
        }
    return set_const(c, n, first->rank, dims, d);
}

/* Element-wise arithmetic with numpy broadcasting. */
static n2d2_status fold_binary(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *a,
                               const ox_value *b, char op)
{
    int rank = a->rank > b->rank ? a->rank : b->rank;
    int64_t dims[OX_MAX_RANK], ad[OX_MAX_RANK], bd[OX_MAX_RANK];
    for (int d = 0; d < rank; ++d) {
        ad[d] = d < rank - a->rank ? 1 : a->dims[d - (rank - a->rank)];
        bd[d] = d < rank - b->rank ? 1 : b->dims[d - (rank - b->rank)];
        if (ad[d] != bd[d] && ad[d] != 1 && bd[d] != 1)
            return ox_node_error(c, n, N2D2_ERR_SHAPE, "operands cannot be broadcast");
        dims[d] = ad[d] > bd[d] ? ad[d] : bd[d];
    }
    size_t total = ox_numel(dims, rank);
    double *d = new_data(total);
    if (!d)
        return nomem();
    for (size_t i = 0; i < total; ++i) {
        size_t rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
        for (int k = rank - 1; k >= 0; --k) {
            size_t pos = rem % (size_t)dims[k];
            rem /= (size_t)dims[k];
            ia += (ad[k] == 1 ? 0 : pos) * sa;
            ib += (bd[k] == 1 ? 0 : pos) * sb;
            sa *= (size_t)ad[k];
            sb *= (size_t)bd[k];
        }
        double x = a->data[ia], y = b->data[ib];
        d[i] = op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y;
    }
    return set_const(c, n, rank, dims, d);
}

/* Strides of a row-major shape. */
static void strides_of(const int64_t *dims, int rank, size_t *st)
{
    size_t acc = 1;
    for (int d = rank - 1; d >= 0; --d) {
        st[d] = acc;
        acc *= (size_t)dims[d];
    }
}

static n2d2_status fold_slice(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x)
{
    int64_t starts[OX_MAX_RANK], ends[OX_MAX_RANK], axes[OX_MAX_RANK], steps[OX_MAX_RANK];
    int k;
    if (c->opset < 10) {
        k = ox_attr_ints(n, "starts", starts, OX_MAX_RANK);
        if (k < 0 || ox_attr_ints(n, "ends", ends, OX_MAX_RANK) != k)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "starts/ends missing");
        if (ox_attr_ints(n, "axes", axes, OX_MAX_RANK) != k)
            for (int i = 0; i < k; ++i)
                axes[i] = i;
        for (int i = 0; i < k; ++i)
            steps[i] = 1;
    } else {
        ox_value *vs = ox_in(c, n, 1), *ve = ox_in(c, n, 2), *va = ox_in(c, n, 3), *vt = ox_in(c, n, 4);
        if (!vs || !ve || vs->numel != ve->numel || vs->numel > OX_MAX_RANK ||
            (va && va->numel != vs->numel) || (vt && vt->numel != vs->numel))
            return ox_node_error(c, n, N2D2_ERR_INVAL, "starts/ends/axes/steps do not match");
        k = (int)vs->numel;
        for (int i = 0; i < k; ++i) {
            starts[i] = ox_i64(vs->data[i]);
            ends[i] = ox_i64(ve->data[i]);
            axes[i] = va ? ox_i64(va->data[i]) : i;
            steps[i] = vt ? ox_i64(vt->data[i]) : 1;
        }
    }
    int64_t lo[OX_MAX_RANK], step[OX_MAX_RANK], dims[OX_MAX_RANK];
    for (int d = 0; d < x->rank; ++d)
        lo[d] = 0, step[d] = 1, dims[d] = x->dims[d];
    for (int i = 0; i < k; ++i) {
        int64_t ax = axes[i] < 0 ? axes[i] + x->rank : axes[i], len;
        if (ax < 0 || ax >= x->rank || steps[i] == 0)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "invalid axis or step");
        len = x->dims[ax];
        int64_t s0 = starts[i], e0 = ends[i];
        if (s0 < 0)
            s0 = s0 < -len ? 0 : s0 + len;
        if (e0 < 0)
            e0 = e0 < -len ? -1 : e0 + len;
        if (steps[i] > 0) {
            s0 = s0 > len ? len : s0;
            e0 = e0 > len ? len : e0 < 0 ? 0 : e0;
            dims[ax] = e0 > s0 ? (e0 - s0 + steps[i] - 1) / steps[i] : 0;
        } else {
            s0 = s0 > len - 1 ? len - 1 : s0;
            e0 = e0 > len - 1 ? len - 1 : e0;
            dims[ax] = s0 > e0 ? (s0 - e0 - steps[i] - 1) / -steps[i] : 0;
        }
        lo[ax] = s0;
        step[ax] = steps[i];
    }
    size_t total = ox_numel(dims, x->rank), in_st[OX_MAX_RANK];
    strides_of(x->dims, x->rank, in_st);
    double *d = new_data(total);
    if (!d)
        return nomem();
    for (size_t i = 0; i < total; ++i) {
        size_t rem = i, src = 0;
        for (int a = x->rank - 1; a >= 0; --a) {
            int64_t pos = (int64_t)(rem % (size_t)dims[a]);
            rem /= (size_t)dims[a];
            src += (size_t)(lo[a] + pos * step[a]) * in_st[a];
        }
        d[i] = x->data[src];
    }
    return set_const(c, n, x->rank, dims, d);
}

static n2d2_status fold_transpose(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x)
{
    int64_t perm[OX_MAX_RANK], dims[OX_MAX_RANK];
    int k = ox_attr_ints(n, "perm", perm, OX_MAX_RANK);
    if (k < 0)
        for (k = 0; k < x->rank; ++k)
            perm[k] = x->rank - 1 - k;
    if (k != x->rank)
        return ox_node_error(c, n, N2D2_ERR_INVAL, "perm does not match the rank");
    int seen[OX_MAX_RANK] = {0};
    for (int i = 0; i < k; ++i) {
        if (perm[i] < 0 || perm[i] >= k || seen[perm[i]]++)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "perm is not a permutation");
        dims[i] = x->dims[perm[i]];
    }
    size_t in_st[OX_MAX_RANK];
    strides_of(x->dims, x->rank, in_st);
    double *d = new_data(x->numel);
    if (!d)
        return nomem();
    for (size_t i = 0; i < x->numel; ++i) {
        size_t rem = i, src = 0;
        for (int a = k - 1; a >= 0; --a) {
            size_t pos = rem % (size_t)dims[a];
            rem /= (size_t)dims[a];
            src += pos * in_st[perm[a]];
        }
        d[i] = x->data[src];
    }
    return set_const(c, n, k, dims, d);
}

static n2d2_status fold_reshape(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x, const ox_value *s)
{
    if (!s || s->numel > OX_MAX_RANK)
        return ox_node_error(c, n, N2D2_ERR_INVAL, "the shape must be a constant of at most %d values",
                             OX_MAX_RANK);
    int64_t dims[OX_MAX_RANK];
    size_t known = 1;
    int infer = -1;
    for (size_t i = 0; i < s->numel; ++i) {
        dims[i] = ox_i64(s->data[i]);
        if (dims[i] == 0 && !ox_attr_int(n, "allowzero", 0))
            dims[i] = (int)i < x->rank ? x->dims[i] : 0;
        if (dims[i] == -1 && infer < 0)
            infer = (int)i;
        else if (dims[i] < 0)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "invalid shape");
        else
            known *= (size_t)dims[i];
    }
    if (infer >= 0)
        dims[infer] = known ? (int64_t)(x->numel / known) : 0;
    if (ox_numel(dims, (int)s->numel) != x->numel)
        return ox_node_error(c, n, N2D2_ERR_SHAPE, "the new shape does not hold %zu values", x->numel);
    double *d = new_data(x->numel);
    if (!d)
        return nomem();
    memcpy(d, x->data, x->numel * sizeof *d);
    return set_const(c, n, (int)s->numel, dims, d);
}

static n2d2_status fold_same(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *x)
{
    double *d = new_data(x->numel);
    if (!d)
        return nomem();
    memcpy(d, x->data, x->numel * sizeof *d);
    return set_const(c, n, x->rank, x->dims, d);
}

static n2d2_status fold_constant_of_shape(ox_ctx *c, const Onnx__NodeProto *n, const ox_value *s)
{
    int64_t dims[OX_MAX_RANK];
    if (s->numel > OX_MAX_RANK)
        return ox_node_error(c, n, N2D2_ERR_NOT_IMPLEMENTED, "too many dimensions");
    for (size_t i = 0; i < s->numel; ++i) {
        dims[i] = ox_i64(s->data[i]);
        if (dims[i] < 0 || dims[i] > (int64_t)OX_MAX_FOLDED)
            return ox_node_error(c, n, N2D2_ERR_INVAL, "invalid dimension %lld", (long long)dims[i]);
    }
    double value = 0.0;
    const Onnx__AttributeProto *a = ox_attr(n, "value");
    if (a && a->t) {
        ox_value tmp;
        memset(&tmp, 0, sizeof tmp);
        if (ox_tensor_values(c, a->t, &tmp) == N2D2_OK && tmp.numel == 1)
            value = tmp.data[0];
        free(tmp.data);
    }
    size_t total = ox_numel(dims, (int)s->numel);
    double *d = new_data(total);
    if (!d)
        return nomem();
    for (size_t i = 0; i < total; ++i)
        d[i] = value;
    return set_const(c, n, (int)s->numel, dims, d);
}

n2d2_status ox_fold(ox_ctx *c, const Onnx__NodeProto *n)
{
    const char *op = n->op_type;
    ox_value *a = ox_in(c, n, 0), *b = ox_in(c, n, 1);
    if (strcmp(op, "Constant") == 0)
        return fold_constant(c, n);
    if (!a)
        return N2D2_ERR_NOT_FOUND;
    if (strcmp(op, "Shape") == 0)
        return fold_shape(c, n, a);
    if (a->state != OX_CONST)
        return N2D2_ERR_NOT_FOUND;
    if (strcmp(op, "Unsqueeze") == 0 || strcmp(op, "Squeeze") == 0)
        return fold_unsqueeze(c, n, a, op[0] == 'S');
    if (strcmp(op, "Gather") == 0)
        return fold_gather(c, n, a, b);
    if (strcmp(op, "Concat") == 0)
        return fold_concat(c, n);
    if (strcmp(op, "Slice") == 0)
        return fold_slice(c, n, a);
    if (strcmp(op, "Cast") == 0 || strcmp(op, "Identity") == 0 || strcmp(op, "Dropout") == 0)
        return fold_same(c, n, a);
    if (strcmp(op, "Transpose") == 0)
        return fold_transpose(c, n, a);
    if (strcmp(op, "Reshape") == 0)
        return fold_reshape(c, n, a, b);
    if (strcmp(op, "ConstantOfShape") == 0)
        return fold_constant_of_shape(c, n, a);
    if (b && (strcmp(op, "Add") == 0 || strcmp(op, "Sub") == 0 || strcmp(op, "Mul") == 0 ||
              strcmp(op, "Div") == 0))
        return fold_binary(c, n, a, b, op[0] == 'A' ? '+' : op[0] == 'S' ? '-' : op[0] == 'M' ? '*' : '/');
    return N2D2_ERR_NOT_FOUND;
}
