/* Learn / Validation / Test partition shared by the generic drivers
 * (DIR_Database, CSV_Database: manual lines 5371-5386, 5439-5445).
 * Internal to the database plugins. */
#ifndef N2D2_DB_PARTITION_H
#define N2D2_DB_PARTITION_H

#include <stddef.h>
#include "n2d2/n2d2.h"

/* Schema entries of the partition keys; `learn_default` NULL makes Learn
 * mandatory (DIR_Database), "0.6" is CSV_Database's. Test has no default:
 * when not given it is the remainder (1.0 - Learn - Validation). */
#define N2D2_DBPART_SPECS(learn_default, valid_default)                                        \
    {"Learn", N2D2_PARAM_FLOAT, learn_default, NULL, 0.0, 0.0,                                 \
     (learn_default) ? 0u : N2D2_PARAM_REQUIRED,                                               \
     "fraction of each label for learning (PerLabelPartitioning=1), else a number of "         \
     "stimuli"},                                                                               \
    {"Validation", N2D2_PARAM_FLOAT, valid_default, NULL, 0.0, 0.0, 0,                         \
     "fraction (or number) of stimuli for validation"},                                        \
    {"Test", N2D2_PARAM_FLOAT, NULL, NULL, 0.0, 0.0, 0,                                        \
     "fraction (or number) for test; not given: the remainder (1.0-Learn-Validation)"},        \
    {"PerLabelPartitioning", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,                              \
     "1: Learn/Validation/Test are fractions of each label; 0: numbers of stimuli"},           \
    {"EquivLabelPartitioning", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,                            \
     "same number of learn and validation stimuli for every label (fraction x size of the "    \
     "smallest label), the rest to test; only with PerLabelPartitioning=1"}

/* The partition settings; n2d2_dbpart_from_params reads the keys above. */
typedef struct n2d2_dbpart {
    double learn, validation, test;
    int test_given; /* 0: test = the remainder */
    int per_label;  /* 1: fractions per label; 0: numbers of stimuli */
    int equiv;      /* equi-partition learn/validation on the smallest label */
} n2d2_dbpart;

n2d2_dbpart n2d2_dbpart_from_params(const n2d2_params *p);

/* Assign a set to each of `n` stimuli whose label ids (-1 = none, treated
 * as one more group) are labels[i], into sets[i]. Per label (per_label):
 * learn = round(learn x size) — with `equiv` the size of the smallest
 * label — then validation likewise, test = the remainder or
 * round(test x size), what is left stays Unpartitioned. The members of
 * each group are drawn at random with `rng`, or taken in order when rng is
 * NULL. Errors (at the file:line of the key in `p`): negative values, fractions above 1 or
 * summing above 1, counts above the number of stimuli, a non-zero
 * Learn/Validation/Test giving an empty set, no stimulus at all. `what`
 * names the data in messages. */
n2d2_status n2d2_dbpart_assign(const n2d2_params *p, const n2d2_dbpart *opts,
                               const n2d2_database *db, const int *labels, size_t n,
                               n2d2_rng *rng, const char *what, n2d2_set *sets);

#endif
