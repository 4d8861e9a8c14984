/* n2d2/database.h — database driver plugins (`[database] Type=...`) and
 * the stimulus catalogue they fill.
 *
 * The kernel owns an n2d2_database: a list of stimuli (name, label, set) and
 * label names. A driver plugin (kind N2D2_KIND_DATABASE) fills it in `load`
 * and decodes one stimulus on demand in `read`. Partitioning into
 * learn/validation/test follows N2D2 (manual ch. 19): drivers add stimuli to
 * a set and move fractions between sets with n2d2_database_move, so the
 * random draw is shared and reproducible.
 *
 * The catalogue is compact (about 32 bytes per stimulus): names are stored
 * as an interned prefix (up to the last '/' or ':') plus a suffix, a decimal
 * suffix as a number — so "train-images-idx3-ubyte:123" costs no text.
 * After `load` the catalogue is read-only and safe to read from any thread.
 */
#ifndef N2D2_DATABASE_H
#define N2D2_DATABASE_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"
#include "n2d2/params.h"
#include "n2d2/rng.h"

N2D2_BEGIN_DECLS

typedef enum n2d2_set {
    N2D2_SET_LEARN = 0,
    N2D2_SET_VALIDATION = 1,
    N2D2_SET_TEST = 2,
    N2D2_SET_UNPARTITIONED = 3,
    N2D2_SET_COUNT = 4
} n2d2_set;

N2D2_API const char *n2d2_set_name(n2d2_set set); /* "Learn", "Validation", "Test", "Unpartitioned" */

typedef struct n2d2_database n2d2_database;

N2D2_API n2d2_status n2d2_database_new(n2d2_database **out);
N2D2_API void n2d2_database_free(n2d2_database *db);

/* Labels: ids are dense from 0 in order of first addition, unless the
 * driver sorts them (n2d2_database_sort_labels). Adding an existing name
 * returns its id. */
N2D2_API n2d2_status n2d2_database_add_label(n2d2_database *db, const char *name, int *id);
N2D2_API int n2d2_database_label_id(const n2d2_database *db, const char *name); /* -1 if none */
N2D2_API size_t n2d2_database_label_count(const n2d2_database *db);
N2D2_API const char *n2d2_database_label_name(const n2d2_database *db, int id);

/* Stimuli: `name` identifies it for messages (a path, "train-images:123",
 * shorter than 4096 bytes); `key` is the driver's own locator (file index,
 * byte offset...). Label -1 = no label, otherwise an existing label id.
 * Returns the stimulus index in *index (may be NULL). */
N2D2_API n2d2_status n2d2_database_add_stimulus(n2d2_database *db, const char *name, int label,
                                                n2d2_set set, uint64_t key, size_t *index);
N2D2_API size_t n2d2_database_stimulus_count(const n2d2_database *db);
/* The name is rebuilt into a per-thread ring of 8 buffers: the pointer
 * stays valid until 8 more calls on the same thread (copy it to keep it).
 * NULL for an index out of range. */
N2D2_API const char *n2d2_database_stimulus_name(const n2d2_database *db, size_t index);
N2D2_API int n2d2_database_stimulus_label(const n2d2_database *db, size_t index);
N2D2_API uint64_t n2d2_database_stimulus_key(const n2d2_database *db, size_t index);
N2D2_API n2d2_set n2d2_database_stimulus_set(const n2d2_database *db, size_t index);

/* Stimuli of a set, in their current order (set_at: (size_t)-1 out of
 * range). */
N2D2_API size_t n2d2_database_set_count(const n2d2_database *db, n2d2_set set);
N2D2_API size_t n2d2_database_set_at(const n2d2_database *db, n2d2_set set, size_t i);

/* Move stimuli from `from` into `to`: `count` of them, chosen at random
 * with `rng` (or the first ones in order when rng is NULL), appended to `to`
 * in the order drawn; the stimuli left in `from` keep their order. Used for
 * N2D2's Learn/Validation/Test fractions. count > size of `from` is
 * N2D2_ERR_RANGE. */
N2D2_API n2d2_status n2d2_database_move(n2d2_database *db, n2d2_set from, n2d2_set to, size_t count,
                                        n2d2_rng *rng);

typedef struct n2d2_database_ops {
    uint32_t struct_size;
    /* `params` holds the driver's own keys plus the generic [database]
     * options of manual ch. 19 (RandomPartitioning, DefaultLabel...) that the
     * driver does not declare itself; those are handled by the provider. */
    n2d2_status (*create)(const n2d2_params *params, void **state);
    /* Enumerate stimuli and labels into `db` and partition them. `rng` is
     * the partition stream (seeded from the run seed), or NULL when the
     * [database] section says RandomPartitioning=0: then partition in
     * loading order (n2d2_database_move with a NULL rng does that). */
    n2d2_status (*load)(void *state, n2d2_database *db, n2d2_rng *rng);
    /* Decode stimulus `index` into a new tensor {C, H, W} (uint8, or float
     * for float data) that the caller owns, releases and may modify in
     * place (transformations do: never hand out a view of a driver buffer). `labels`, when non-NULL,
     * receives a pixel-wise label tensor {1, H, W} (int32) or NULL. Errors
     * name the file and byte offset of corrupt data. Must be thread-safe
     * for concurrent reads of different stimuli. The provider passes
     * labels == NULL when it does not want pixel-wise labels. */
    n2d2_status (*read)(void *state, const n2d2_database *db, size_t index, n2d2_tensor **data,
                        n2d2_tensor **labels);
    void (*destroy)(void *state);
    void *reserved[4];
} n2d2_database_ops;

/* Reorder label ids by name with `cmp` (NULL = strcmp; strcasecmp gives
 * N2D2's case-insensitive "alphabetical" order, ties broken by strcmp), and
 * renumber the labels of the stimuli already added. */
N2D2_API n2d2_status n2d2_database_sort_labels(n2d2_database *db,
                                               int (*cmp)(const char *, const char *));

/* ---- Regions of interest (manual ch. 19, CompositeLabel) ----
 *
 * A stimulus may carry ROIs, each with a label id; the stimuli provider
 * draws them into the pixel-wise label map of the stimulus according to
 * the generic [database] options CompositeLabel, DefaultLabel and
 * ROIsMargin. Pixel-wise label files are not stored here: a driver returns
 * them from `read` (its `labels` argument), and the provider combines them
 * with the ROIs.
 *
 * Coordinates are in pixels of the stimulus as `read` returns it, the
 * pixel at column x, row y being the point (x, y): a rectangle covers
 * left <= x < right, top <= y < bottom; a circle the pixels with
 * (x - cx)^2 + (y - cy)^2 <= r^2; a polygon (vertices in order, at least
 * 3) the pixels inside it (even-odd rule) or on its edges. ROIs of a
 * stimulus are drawn in the order they were added, later ones on top. */
typedef enum n2d2_roi_type {
    N2D2_ROI_RECTANGLE = 0,
    N2D2_ROI_CIRCLE = 1,
    N2D2_ROI_POLYGON = 2
} n2d2_roi_type;

typedef struct n2d2_roi {
    n2d2_roi_type type;
    int label;            /* an existing label id, or -1 (ignore) */
    double left, top, right, bottom; /* RECTANGLE; for the others: the bounding box */
    double cx, cy, radius;           /* CIRCLE */
    size_t n_points;                 /* POLYGON: vertices as x0 y0 x1 y1 ... */
    const double *points;            /* owned by the catalogue */
} n2d2_roi;

/* Add a ROI to stimulus `index` (returned by n2d2_database_add_stimulus).
 * Errors: unknown stimulus or label, an empty or inverted rectangle, a
 * negative radius, fewer than 3 polygon vertices, non-finite numbers. */
N2D2_API n2d2_status n2d2_database_add_roi_rect(n2d2_database *db, size_t index, int label,
                                                double left, double top, double right,
                                                double bottom);
N2D2_API n2d2_status n2d2_database_add_roi_circle(n2d2_database *db, size_t index, int label,
                                                  double cx, double cy, double radius);
/* `xy` holds n_points (x, y) pairs; the catalogue keeps a copy. */
N2D2_API n2d2_status n2d2_database_add_roi_polygon(n2d2_database *db, size_t index, int label,
                                                   const double *xy, size_t n_points);
/* ROIs of a stimulus, in order of addition; roi_at fills *roi (pointers
 * stay valid until the next ROI is added: after `load`, while the catalogue
 * lives) and returns N2D2_ERR_RANGE past the end. */
N2D2_API size_t n2d2_database_roi_count(const n2d2_database *db, size_t index);
N2D2_API n2d2_status n2d2_database_roi_at(const n2d2_database *db, size_t index, size_t i,
                                          n2d2_roi *roi);
/* Total number of ROIs in the catalogue (0: the database has none). */
N2D2_API size_t n2d2_database_roi_total(const n2d2_database *db);

N2D2_END_DECLS

#endif
