/* ROIs of the stimulus catalogue: rectangles, circles and polygons with a
 * label each, attached to a stimulus (manual ch. 19, CompositeLabel).
 *
 * Stored apart from the stimuli so a database without ROIs pays nothing:
 * one record per ROI chained per stimulus (head/tail arrays allocated with
 * the first ROI), polygon vertices in one shared array. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "database_internal.h"

#define NONE UINT32_MAX

typedef struct roi_rec {
    double a[4];        /* rectangle l t r b; circle cx cy r */
    uint32_t next;      /* next ROI of the same stimulus, NONE at the end */
    uint32_t pt_off, n_pts;
    int32_t label;
    uint8_t type;
} roi_rec;

struct n2d2_db_rois {
    roi_rec *recs;
    size_t n, cap;
    uint32_t *head, *tail, *count; /* per stimulus, [n_stim] */
    size_t n_stim;
    double *pts;
    size_t n_pts, cap_pts;
};

void n2d2_db_rois_free(struct n2d2_db_rois *r)
{
    if (!r)
        return;
    free(r->recs);
    free(r->head);
    free(r->tail);
    free(r->count);
    free(r->pts);
    free(r);
}

void n2d2_db_rois_relabel(struct n2d2_db_rois *r, const int *new_id)
{
    for (size_t i = 0; r && i < r->n; ++i)
        if (r->recs[i].label >= 0)
            r->recs[i].label = new_id[r->recs[i].label];
}

static n2d2_status grow(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return N2D2_OK;
    size_t cap2 = *cap ? *cap : 16;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*items, cap2 * elem);
    if (!p)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory storing ROIs");
    *items = p;
    *cap = cap2;
    return N2D2_OK;
}

/* The store, with per-stimulus arrays covering every stimulus so far. */
static n2d2_status store_for(n2d2_database *db, struct n2d2_db_rois **out)
{
    struct n2d2_db_rois **slot = n2d2_db_rois_slot(db);
    if (!*slot && !(*slot = calloc(1, sizeof **slot)))
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory storing ROIs");
    struct n2d2_db_rois *r = *slot;
    size_t n = n2d2_database_stimulus_count(db);
    if (n > r->n_stim) {
        uint32_t *h = realloc(r->head, n * sizeof *h);
        if (h)
            r->head = h;
        uint32_t *t = realloc(r->tail, n * sizeof *t);
        if (t)
            r->tail = t;
        uint32_t *c = realloc(r->count, n * sizeof *c);
        if (c)
            r->count = c;
        if (!h || !t || !c)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory storing ROIs");
        for (size_t i = r->n_stim; i < n; ++i) {
            r->head[i] = r->tail[i] = NONE;
            r->count[i] = 0;
        }
        r->n_stim = n;
    }
    *out = r;
    return N2D2_OK;
}

static n2d2_status check_common(const n2d2_database *db, size_t index, int label, const char *what)
{
    if (!db)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_database_add_roi_%s: NULL database", what);
    if (index >= n2d2_database_stimulus_count(db))
        return n2d2_error(N2D2_ERR_RANGE, "ROI (%s) for stimulus %zu: only %zu stimuli", what,
                          index, n2d2_database_stimulus_count(db));
    if (label < -1 || (label >= 0 && (size_t)label >= n2d2_database_label_count(db)))
        return n2d2_error(N2D2_ERR_INVAL, "ROI (%s) of stimulus '%s': label %d is not a label id "
                          "(%zu labels)", what, n2d2_database_stimulus_name(db, index), label,
                          n2d2_database_label_count(db));
    return N2D2_OK;
}

static n2d2_status append(n2d2_database *db, size_t index, const roi_rec *rec)
{
    struct n2d2_db_rois *r;
    n2d2_status st = store_for(db, &r);
    if (st == N2D2_OK && r->n >= NONE - 1)
        st = n2d2_error(N2D2_ERR_RANGE, "too many ROIs in the catalogue");
    if (st == N2D2_OK)
        st = grow((void **)&r->recs, &r->cap, r->n + 1, sizeof *r->recs);
    if (st != N2D2_OK)
        return st;
    uint32_t id = (uint32_t)r->n++;
    r->recs[id] = *rec;
    r->recs[id].next = NONE;
    if (r->tail[index] == NONE)
        r->head[index] = id;
    else
        r->recs[r->tail[index]].next = id;
    r->tail[index] = id;
    r->count[index]++;
    return N2D2_OK;
}

n2d2_status n2d2_database_add_roi_rect(n2d2_database *db, size_t index, int label, double left,
                                       double top, double right, double bottom)
{
    n2d2_status st = check_common(db, index, label, "rect");
    if (st != N2D2_OK)
        return st;
    if (!isfinite(left) || !isfinite(top) || !isfinite(right) || !isfinite(bottom) ||
        right <= left || bottom <= top)
        return n2d2_error(N2D2_ERR_INVAL, "rectangular ROI of stimulus '%s': (%g, %g)-(%g, %g) is "
                          "empty or not finite (needs left < right, top < bottom)",
                          n2d2_database_stimulus_name(db, index), left, top, right, bottom);
    roi_rec rec = {{left, top, right, bottom}, NONE, 0, 0, label, N2D2_ROI_RECTANGLE};
    return append(db, index, &rec);
}

n2d2_status n2d2_database_add_roi_circle(n2d2_database *db, size_t index, int label, double cx,
                                         double cy, double radius)
{
    n2d2_status st = check_common(db, index, label, "circle");
    if (st != N2D2_OK)
        return st;
    if (!isfinite(cx) || !isfinite(cy) || !isfinite(radius) || radius < 0)
        return n2d2_error(N2D2_ERR_INVAL, "circular ROI of stimulus '%s': center (%g, %g), radius "
                          "%g is not valid (finite, radius >= 0)",
                          n2d2_database_stimulus_name(db, index), cx, cy, radius);
    roi_rec rec = {{cx, cy, radius, 0}, NONE, 0, 0, label, N2D2_ROI_CIRCLE};
    return append(db, index, &rec);
}

n2d2_status n2d2_database_add_roi_polygon(n2d2_database *db, size_t index, int label,
                                          const double *xy, size_t n_points)
{
    n2d2_status st = check_common(db, index, label, "polygon");
    if (st != N2D2_OK)
        return st;
    if (!xy || n_points < 3 || n_points > UINT32_MAX / 2)
        return n2d2_error(N2D2_ERR_INVAL, "polygonal ROI of stimulus '%s': %zu vertices (needs at "
                          "least 3)", n2d2_database_stimulus_name(db, index), n_points);
    for (size_t i = 0; i < 2 * n_points; ++i)
        if (!isfinite(xy[i]))
            return n2d2_error(N2D2_ERR_INVAL, "polygonal ROI of stimulus '%s': vertex %zu is not "
                              "finite", n2d2_database_stimulus_name(db, index), i / 2);
    struct n2d2_db_rois *r;
    st = store_for(db, &r);
    if (st == N2D2_OK && r->n_pts + 2 * n_points > UINT32_MAX)
        st = n2d2_error(N2D2_ERR_RANGE, "too many polygon vertices in the catalogue");
    if (st == N2D2_OK)
        st = grow((void **)&r->pts, &r->cap_pts, r->n_pts + 2 * n_points, sizeof *r->pts);
    if (st != N2D2_OK)
        return st;
    roi_rec rec = {{0, 0, 0, 0}, NONE, (uint32_t)r->n_pts, (uint32_t)n_points, label,
                   N2D2_ROI_POLYGON};
    memcpy(r->pts + r->n_pts, xy, 2 * n_points * sizeof *xy);
    r->n_pts += 2 * n_points;
    return append(db, index, &rec);
}

static const struct n2d2_db_rois *store_of(const n2d2_database *db)
{
    /* Read-only use of the slot: the store is not modified here. */
    return db ? *n2d2_db_rois_slot((n2d2_database *)db) : NULL;
}

size_t n2d2_database_roi_count(const n2d2_database *db, size_t index)
{
    const struct n2d2_db_rois *r = store_of(db);
    return (r && index < r->n_stim) ? r->count[index] : 0;
}

size_t n2d2_database_roi_total(const n2d2_database *db)
{
    const struct n2d2_db_rois *r = store_of(db);
    return r ? r->n : 0;
}

n2d2_status n2d2_database_roi_at(const n2d2_database *db, size_t index, size_t i, n2d2_roi *roi)
{
    const struct n2d2_db_rois *r = store_of(db);
    if (!roi)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_database_roi_at: NULL output");
    if (!r || index >= r->n_stim || i >= r->count[index])
        return n2d2_error(N2D2_ERR_RANGE, "stimulus %zu has no ROI %zu", index, i);
    uint32_t id = r->head[index];
    while (i--)
        id = r->recs[id].next;
    const roi_rec *rec = &r->recs[id];
    memset(roi, 0, sizeof *roi);
    roi->type = (n2d2_roi_type)rec->type;
    roi->label = rec->label;
    switch (rec->type) {
    case N2D2_ROI_RECTANGLE:
        roi->left = rec->a[0];
        roi->top = rec->a[1];
        roi->right = rec->a[2];
        roi->bottom = rec->a[3];
        break;
    case N2D2_ROI_CIRCLE:
        roi->cx = rec->a[0];
        roi->cy = rec->a[1];
        roi->radius = rec->a[2];
        roi->left = rec->a[0] - rec->a[2];
        roi->top = rec->a[1] - rec->a[2];
        roi->right = rec->a[0] + rec->a[2];
        roi->bottom = rec->a[1] + rec->a[2];
        break;
    default: {
        roi->n_points = rec->n_pts;
        roi->points = r->pts + rec->pt_off;
        roi->left = roi->right = roi->points[0];
        roi->top = roi->bottom = roi->points[1];
        for (size_t k = 1; k < rec->n_pts; ++k) {
            double x = roi->points[2 * k], y = roi->points[2 * k + 1];
            roi->left = x < roi->left ? x : roi->left;
            roi->right = x > roi->right ? x : roi->right;
            roi->top = y < roi->top ? y : roi->top;
            roi->bottom = y > roi->bottom ? y : roi->bottom;
        }
        break;
    }
    }
    return N2D2_OK;
}
