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
 *   `[<section>]_GlobalValue.mean/.stdDev/.minVal/.maxVal`.
 * - After the transformations, 8-bit data becomes [0, 1] ([-1, 1] with
 *   DataSignedMapping=1 in [sp] or its ConfigSection) unless a
 *   transformation of that set declares N2D2_TRANSFORM_CHANGES_RANGE.
 * - The in-memory cache of the static results is limited to half the
 *   physical memory, or N2D2_STIMULI_CACHE_MB when set; stimuli beyond it
 *   are recomputed at each fetch. CachePath (disk cache) is not implemented.
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

/* Passes started over a set so far. Shuffling and on-the-fly draws depend
 * on (seed, set, pass), so a resumed run restores the count to see the
 * data the interrupted run would have seen. */
N2D2_API uint64_t n2d2_stimuli_passes(const n2d2_stimuli *sp, n2d2_set set);
N2D2_API void n2d2_stimuli_set_passes(n2d2_stimuli *sp, n2d2_set set, uint64_t passes);

/* Parameter trees the provider built (database, sp, transformations,
 * StimuliData), for the unused-key report. */
N2D2_API size_t n2d2_stimuli_params_count(const n2d2_stimuli *sp);
N2D2_API const n2d2_params *n2d2_stimuli_params_at(const n2d2_stimuli *sp, size_t i);

N2D2_END_DECLS

#endif
