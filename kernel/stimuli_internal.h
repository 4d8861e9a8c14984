/* Internals of the stimuli provider (stimuli*.c). Not installed.
 *
 * stimuli.c         construction: database, [sp] keys, generated values
 * stimuli_chain.c   transformation sections → chains; StimuliData hook
 * stimuli_data.c    <sp>.StimuliData* analysis (generated _GlobalValue.*)
 * stimuli_fetch.c   one stimulus through its pipeline, the cache, the
 *                   conversion into the batch element
 * stimuli_worker.c  the batch worker thread, begin/next
 * stimuli_labels.c  pixel-wise label maps from label ids, pixel-wise
 *                   labels and ROIs (CompositeLabel)
 * stimuli_slicing.c [<database>.slicing]: stimuli replaced by their slices
 * stimuli_one.c     variable-size providers (BatchSize=0): single stimuli
 *                   of any size for other transformations
 */
#ifndef N2D2_STIMULI_INTERNAL_H
#define N2D2_STIMULI_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "n2d2/database.h"
#include "n2d2/stimuli.h"
#include "n2d2/transform.h"

#define SP_SET_BIT(set) (1u << (unsigned)(set))
#define SP_ALL_SETS ((1u << N2D2_SET_COUNT) - 1u)

enum { SP_GLOBAL = 0, SP_CHANNEL = 1, SP_CHANNELS = 2 };

/* One transformation section. */
typedef struct sp_transform {
    const n2d2_transform_ops *ops;
    void *state;
    n2d2_params *params;
    n2d2_param_spec *schema; /* the feature's schema + Type/ApplyTo(/Channel) */
    char *section;
    const char *where;       /* owned by the INI */
    unsigned set_mask;       /* SP_SET_BIT of the sets it applies to */
    int on_the_fly;
    int category;
} sp_transform;

/* Indices into n2d2_stimuli.tf, in file order. */
typedef struct sp_chain {
    size_t *items;
    size_t n, cap;
} sp_chain;

enum { SP_CACHE_EMPTY = 0, SP_CACHE_STORED = 1 };

typedef struct sp_cache_entry {
    uint32_t chunk, offset; /* where the bytes are */
    uint32_t dims[3];       /* C, H, W */
    int32_t label;
    uint8_t dtype, state;
} sp_cache_entry;

/* In-memory cache of the static part of the pipeline, one entry per
 * stimulus, bytes packed in chunks. Only the worker (or the constructor,
 * before the worker starts) touches it, so it needs no lock. */
typedef struct sp_cache {
    sp_cache_entry *entries;
    unsigned char **chunks;
    size_t n_chunks, cap_chunks;
    size_t chunk_size, chunk_used; /* of the last chunk */
    size_t bytes, limit;
    int full_warned;
} sp_cache;

/* The on-disk cache of [sp] CachePath (stimuli_disk.c). */
typedef struct sp_disk_cache {
    char *dir;        /* <CachePath>/<fingerprint>; NULL: no disk cache */
    int failed;       /* a write failed: no more writes this run */
    int warned_stale; /* one warning for unusable files */
} sp_disk_cache;

/* Tensors a fetch reuses from one stimulus to the next. */
typedef struct sp_scratch {
    n2d2_tensor *data;
    n2d2_tensor **channels;
    n2d2_tensor *stack;
    size_t n_channels;
} sp_scratch;

enum { SLOT_FREE = 0, SLOT_FILLING, SLOT_READY, SLOT_READING };
#define SP_SLOTS 2

typedef struct sp_slot {
    void *data;      /* batch x sample, in the provider's dtype */
    int32_t *maps;   /* batch x H x W label maps (CompositeStimuli=1), else NULL */
    int *labels;
    size_t *indices;
    size_t count;
    uint64_t seq;    /* batch number within the pass */
    int state;
    n2d2_status status;
    char *message;   /* error detail, copied from the worker thread */
} sp_slot;

typedef struct sp_worker {
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    _Atomic uint64_t gen; /* bumped by begin(): in-flight work is dropped */
    int active, failed;
    n2d2_set set;
    uint64_t pass_no;
    size_t *order;
    size_t n_order, cap_order;
    size_t next_pos, delivered;
    uint64_t next_fill, next_read;
    sp_slot slots[SP_SLOTS];
    sp_scratch scratch;
    n2d2_tensor *maps_out; /* {batch, 1, H, W} int32: label maps of the last next() */
} sp_worker;

/* One slice of [database.slicing]: the rectangle of stimulus `orig`
 * (in_w x in_h when sliced); skip_x/skip_y leading columns/rows are shared
 * with the previous slice (Overlapping) and get label -1. */
typedef struct sp_slice {
    size_t orig;
    uint32_t in_w, in_h;
    uint32_t x, y, w, h;
    uint32_t skip_x, skip_y;
} sp_slice;

/* [database] CompositeLabel, in the order of its enum values. */
enum { SP_COMPOSITE_NONE = 0, SP_COMPOSITE_AUTO, SP_COMPOSITE_DEFAULT, SP_COMPOSITE_DISJOINT,
       SP_COMPOSITE_COMBINE };

struct n2d2_stimuli {
    n2d2_ini *ini;
    const n2d2_registry *reg;
    char *section;
    n2d2_ini_section *sec;
    n2d2_shape shape;
    n2d2_dtype dtype;
    size_t batch, sample_numel;
    uint64_t seed;

    n2d2_database *db;
    const n2d2_database_ops *db_ops;
    void *db_state;
    n2d2_params *db_params;
    n2d2_param_spec *db_schema;
    const char *db_where;
    n2d2_params *sp_params;

    sp_transform *tf;
    size_t n_tf, cap_tf;
    sp_chain global_static, global_otf, whole;
    sp_chain *channels;
    size_t n_channels;
    n2d2_params **data_params; /* StimuliData sections */
    size_t n_data_params;

    const n2d2_params **all_params; /* for the unused-key report */
    size_t n_all_params;

    int cache_final; /* no on-the-fly step: the cache holds the final data */
    int composite;      /* [sp] CompositeStimuli: label maps go with each batch */
    int composite_mode; /* SP_COMPOSITE_* */
    int with_labels;    /* stimuli need label processing: composite or ROIs */
    int want_pixel;     /* ask the driver for pixel-wise labels */
    int32_t default_label;
    uint32_t rois_margin;
    int changes_range[N2D2_SET_COUNT];
    int signed_mapping;
    float lut_f[256];
    double lut_d[256];
    sp_cache cache;
    sp_cache label_cache; /* label maps beside `cache` (CompositeStimuli=1) */
    sp_disk_cache disk;
    uint64_t passes[N2D2_SET_COUNT];
    sp_worker w;

    /* [database.slicing] (stimuli_slicing.c): catalogue entries from
     * slice_base on are slices[index - slice_base]. */
    sp_slice *slices;
    size_t n_slices, cap_slices, slice_base;
    n2d2_params *slicing_params;
    int slicing_moved; /* originals were moved to the unpartitioned set */

    /* Variable-size providers (BatchSize=0, stimuli_one.c). */
    char *db_section;        /* "database" unless opened by n2d2_stimuli_provider */
    int variable;            /* BatchSize=0: no worker, n2d2_stimuli_get only */
    n2d2_stimuli *owner;     /* the provider that opened this one, or NULL */
    n2d2_stimuli **subs;     /* providers opened by this one's transformations */
    size_t n_subs;
    pthread_mutex_t one_mu;  /* serialises n2d2_stimuli_get (shared cache) */
    int one_mu_ok;
};

/* stimuli_chain.c */
#define SP_APPLY_TO_VALUES "All|LearnOnly|ValidationOnly|TestOnly|NoLearn|NoValidation|NoTest"
/* Set mask of the n-th SP_APPLY_TO_VALUES value. */
unsigned sp_apply_to_mask(int n);
n2d2_status sp_build_chains(n2d2_stimuli *sp);
void sp_destroy_chains(n2d2_stimuli *sp);
int sp_section_category(const char *sp_name, const char *section, int *on_the_fly,
                        int *is_data);

/* stimuli_slicing.c: after the driver's load, replace the stimuli of the
 * sets [<db>.slicing] selects by their slices (no section: nothing). */
n2d2_status sp_slicing_setup(n2d2_stimuli *sp, n2d2_rng *rng);
/* 1 for the unpartitioned set once slicing parked the originals there:
 * checks and analyses skip it (N2D2 drops the originals). */
int sp_set_hidden(const n2d2_stimuli *sp, int set);
/* The slice behind catalogue entry `index`, or NULL for a plain stimulus. */
const sp_slice *sp_slice_of(const n2d2_stimuli *sp, size_t index);
/* Crop *data {C, H, W} of the original (and *map {1, H, W}, when map and
 * *map are non-NULL) to the slice of entry `index`. */
n2d2_status sp_slice_crop(const n2d2_stimuli *sp, size_t index, const sp_slice *s,
                          n2d2_tensor **data, n2d2_tensor **map);

/* stimuli_data.c */
n2d2_status sp_stimuli_data(n2d2_stimuli *sp, n2d2_ini_section *sec);

/* stimuli_labels.c: the label map {1, H, W} int32 of stimulus `index`
 * (new tensor in *map, NULL when the provider is not composite) from its
 * label id, the driver's pixel-wise labels `pixel` (may be NULL) and its
 * ROIs; CompositeLabel=Auto with one ROI on a labelled stimulus crops
 * *data to that ROI. */
n2d2_status sp_label_map(const n2d2_stimuli *sp, size_t index, n2d2_tensor **data,
                         n2d2_tensor *pixel, int label, n2d2_tensor **map);

/* stimuli_fetch.c */
n2d2_status sp_cache_init(n2d2_stimuli *sp);
void sp_cache_free(sp_cache *c);
void sp_scratch_free(sp_scratch *s);
void sp_make_luts(n2d2_stimuli *sp);
/* stimuli_disk.c: the CachePath disk cache. load returns 1 and a new
 * tensor when a valid file exists, 0 otherwise; store never fails a run. */
n2d2_status sp_disk_init(n2d2_stimuli *sp, const char *cache_path);
void sp_disk_free(sp_disk_cache *d);
int sp_disk_load(n2d2_stimuli *sp, size_t index, n2d2_set set, n2d2_tensor **out, int *label);
void sp_disk_store(n2d2_stimuli *sp, size_t index, n2d2_set set, const n2d2_tensor *t, int label);
/* Read stimulus `index` and run the static global chain on it (no cache). */
n2d2_status sp_read_static(n2d2_stimuli *sp, size_t index, n2d2_set set, const sp_chain *chain,
                           n2d2_tensor **out, int *label);
/* The same, with the label map moved along (*map NULL when not composite). */
n2d2_status sp_read_static_map(n2d2_stimuli *sp, size_t index, n2d2_set set,
                               const sp_chain *chain, n2d2_tensor **out, int *label,
                               n2d2_tensor **map);
/* Stimulus `index` of `set` through the whole pipeline into `dst` (one
 * sample in the provider's dtype) and, when composite, its label map into
 * map_dst (H x W int32; may be NULL otherwise); pass 0 is reserved for
 * static draws. */
n2d2_status sp_fetch(n2d2_stimuli *sp, sp_scratch *scratch, size_t index, n2d2_set set,
                     uint64_t pass, void *dst, int *label, int32_t *map_dst);

/* The whole pipeline of stimulus `index` as tensors: *t the data as the
 * transformations leave it, *map its label map (composite only, else
 * NULL), *last the last transformation applied (for messages). The static
 * part goes through the in-memory cache. Caller holds the cache. */
n2d2_status sp_fetch_tensors(n2d2_stimuli *sp, sp_scratch *scratch, size_t index, n2d2_set set,
                             uint64_t pass, n2d2_tensor **t, n2d2_tensor **map, int *label,
                             const sp_transform **last);

/* stimuli.c: the constructor behind n2d2_stimuli_new and
 * n2d2_stimuli_provider (variable: BatchSize=0, sizes read from the
 * section). */
n2d2_status sp_new(n2d2_ini *ini, const n2d2_registry *reg, const char *sp_section,
                   const char *db_section, const n2d2_shape *input_shape, n2d2_dtype dtype,
                   size_t batch_size, uint64_t seed, n2d2_stimuli *owner, n2d2_stimuli **out);
/* stimuli_one.c */
n2d2_status sp_variable_setup(n2d2_stimuli *sp);
void sp_variable_free(n2d2_stimuli *sp);

/* stimuli_worker.c */
n2d2_status sp_worker_start(n2d2_stimuli *sp);
void sp_worker_stop(n2d2_stimuli *sp);

#endif
