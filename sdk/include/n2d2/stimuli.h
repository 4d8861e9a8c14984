/* n2d2/stimuli.h — the stimuli provider: database + transformations →
 * batches for the network input (manual ch. 21, `[sp]` / `[env]`).
 *
 *     n2d2_stimuli *sp;
 *     n2d2_stimuli_new(ini, reg, "sp", n2d2_graph_input_shape(g),
 *                      n2d2_graph_default_dtype(g), batch, seed, &sp);
 *     n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 1, 0);
 *     size_t count;
 *     while (n2d2_stimuli_next(sp, n2d2_graph_input(g), labels, NULL, &count) == N2D2_OK
 *            && count > 0) { ...train on the batch... }
 *
 * The provider builds the database from the `[database]` section through
 * its driver plugin, the transformation chain from the
 * `[<sp>.Transformation*]`, `[<sp>.OnTheFlyTransformation*]` and Channel*
 * sections in file order, publishes generated values (`[sp]_EpochSize`...),
 * caches the result of the static transformations, and prepares batches
 * ahead on a worker thread.
 *
 * Details:
 * - n2d2_stimuli_new runs the first stimulus of every non-empty set through
 *   its pipeline, so a final size other than input_shape is reported before
 *   any training, naming both sizes and the last transformation section.
 * - `<sp>.StimuliData*` sections are analysed where they appear (on the
 *   static transformations above them) and publish
 *   `[<section>]_GlobalValue.mean/.stdDev/.minVal/.maxVal`; with
 *   MeanData=1 also `[<section>]_MeanData`, the mean image written under
 *   the folder of the generated value `[<sp>]_RunDir` when the host
 *   publishes one before n2d2_stimuli_new (else the working directory), see
 *   kernel/stimuli_data.c for the files.
 * - After the transformations, 8-bit data becomes [0, 1] ([-1, 1] with
 *   DataSignedMapping=1 in [sp] or its ConfigSection) unless a
 *   transformation of that set declares N2D2_TRANSFORM_CHANGES_RANGE.
 * - The in-memory cache of the static results is limited to half the
 *   physical memory, or N2D2_STIMULI_CACHE_MB when set; stimuli beyond it
 *   are recomputed at each fetch. With CompositeStimuli=1 the label maps
 *   are cached in memory beside the data; CachePath (disk) with them is
 *   not implemented yet (an error).
 * - Random draws depend only on (seed, pass number, stimulus index); learn
 *   order on (seed, set, pass number): runs are reproducible.
 * - begin/next/free are for one consumer thread.
 */
#ifndef N2D2_STIMULI_H
#define N2D2_STIMULI_H

#include <stddef.h>
#include <stdint.h>
#include "n2d2/export.h"
#include "n2d2/status.h"
#include "n2d2/tensor.h"
#include "n2d2/ini.h"
#include "n2d2/registry.h"
#include "n2d2/database.h"

N2D2_BEGIN_DECLS

typedef struct n2d2_stimuli n2d2_stimuli;

N2D2_API n2d2_status n2d2_stimuli_new(n2d2_ini *ini, const n2d2_registry *reg,
                                      const char *sp_section, const n2d2_shape *input_shape,
                                      n2d2_dtype dtype, size_t batch_size, uint64_t seed,
                                      n2d2_stimuli **out);
N2D2_API void n2d2_stimuli_free(n2d2_stimuli *sp);

N2D2_API const n2d2_database *n2d2_stimuli_database(const n2d2_stimuli *sp);
N2D2_API size_t n2d2_stimuli_set_size(const n2d2_stimuli *sp, n2d2_set set);

/* Start a pass over `set` (shuffled with the seeded stream when shuffle is
 * non-zero; limit 0 = the whole set, otherwise its first `limit` stimuli
 * in pass order). A pass in progress is abandoned. */
N2D2_API n2d2_status n2d2_stimuli_begin(n2d2_stimuli *sp, n2d2_set set, int shuffle, size_t limit);
/* Next batch into `input` ({batch, C, H, W}, Float32 or Float64, batch =
 * the provider's batch size) and labels[batch] (may be NULL); indices (may
 * be NULL) receives the database index of each item. *count is the number
 * of items filled; the rest of the batch is zeroed with label -1 and index
 * (size_t)-1. *count == 0 means the pass is over (input is left as is).
 * Errors met while preparing the batch (a corrupt file, a failing
 * transformation) are returned here with their message, and end the pass. */
N2D2_API n2d2_status n2d2_stimuli_next(n2d2_stimuli *sp, n2d2_tensor *input, int *labels,
                                       size_t *indices, size_t *count);

/* Pixel-wise labels (`[sp] CompositeStimuli=1`): the label maps of the
 * batch last returned by n2d2_stimuli_next, a {batch, 1, H, W} Int32
 * tensor (H, W of the network input; -1 = no label / ignore, also for the
 * padding items of a short batch) owned by the provider and overwritten by
 * the next call. NULL when CompositeStimuli=0. The map of a stimulus is
 * built from its label id, the driver's pixel-wise labels and its ROIs per
 * [database] CompositeLabel, DefaultLabel and ROIsMargin (manual 19.1.1),
 * and moves with the data through every transformation (one that changes
 * the size without moving the map is an error). */
N2D2_API const n2d2_tensor *n2d2_stimuli_label_maps(const n2d2_stimuli *sp);

/* Passes started over a set so far. Shuffling and on-the-fly draws depend
 * on (seed, set, pass), so a resumed run restores the count to see the
 * data the interrupted run would have seen. */
N2D2_API uint64_t n2d2_stimuli_passes(const n2d2_stimuli *sp, n2d2_set set);
N2D2_API void n2d2_stimuli_set_passes(n2d2_stimuli *sp, n2d2_set set, uint64_t passes);

/* One stimulus (`position` in `set`, in database order) through the whole
 * pipeline with the on-the-fly draws of pass `pass` (>= 1; learn pass k is
 * what the k-th learning epoch sees), as the network gets it: a new {C, H,
 * W} tensor in the provider's dtype (*out, released by the caller). The
 * label and database index are returned when the pointers are not NULL.
 * Abandons a pass in progress (call begin again). */
N2D2_API n2d2_status n2d2_stimuli_sample(n2d2_stimuli *sp, n2d2_set set, size_t position,
                                         uint64_t pass, n2d2_tensor **out, int *label,
                                         size_t *index);
/* The stimulus as the database driver decodes it (no transformation, no
 * [0, 1] conversion), {C, H, W} in the driver's dtype. Thread-safe with
 * respect to a pass in progress. */
N2D2_API n2d2_status n2d2_stimuli_read_raw(n2d2_stimuli *sp, n2d2_set set, size_t position,
                                           n2d2_tensor **out, int *label);

/* The provider that is building its transformation chains, during a
 * transformation plugin's `create` (called on the provider's thread);
 * NULL anywhere else. The hook through which a transformation reaches
 * data beyond its stimulus: its database (n2d2_stimuli_database) or a
 * second provider (n2d2_stimuli_provider), as BlendingTransformation
 * does. The ops table is unchanged. */
N2D2_API n2d2_stimuli *n2d2_stimuli_building(void);

/* Variable-size providers (`[sp_objects] BatchSize=0`, SizeX=0 SizeY=0:
 * "any size", manual 21.4) serve other transformations, not a network
 * input (n2d2_stimuli_new refuses batch_size 0 and says so). A
 * transformation opens one from its create: the provider of section
 * `sp_section` with the database of section `db_section` ("database" when
 * NULL or empty), built from the owner's INI, registry and seed, and
 * owned by the owner (freed with it; opening the same pair twice returns
 * the same provider). Its label maps always go along (as with
 * CompositeStimuli=1); a non-zero SizeX/SizeY/NbChannels is checked on
 * every stimulus. BatchSize must be 0. */
N2D2_API n2d2_status n2d2_stimuli_provider(n2d2_stimuli *owner, const char *sp_section,
                                           const char *db_section, n2d2_stimuli **out);
/* One stimulus of a variable-size provider (`position` in `set`, in
 * database order) through its whole pipeline with the on-the-fly draws of
 * pass `pass` (>= 1; any value, e.g. drawn by the caller, picks
 * independent draws): *data a new {C, H, W} tensor as the transformations
 * leave it (before the implicit 8-bit to [0, 1] conversion, i.e. in the
 * domain of the transformations of the caller's pipe), *map (may be NULL)
 * its {1, H, W} Int32 label map, *label its label. Thread-safe. */
N2D2_API n2d2_status n2d2_stimuli_get(n2d2_stimuli *sp, n2d2_set set, size_t position,
                                      uint64_t pass, n2d2_tensor **data, n2d2_tensor **map,
                                      int *label);
/* [database] DefaultLabel's id (-1 when none): the label of the pixels
 * outside the ROIs of a composite stimulus. */
N2D2_API int n2d2_stimuli_default_label(const n2d2_stimuli *sp);

/* Parameter trees the provider built (database, sp, transformations,
 * StimuliData), for the unused-key report. */
N2D2_API size_t n2d2_stimuli_params_count(const n2d2_stimuli *sp);
N2D2_API const n2d2_params *n2d2_stimuli_params_at(const n2d2_stimuli *sp, size_t i);

N2D2_END_DECLS

#endif
