/* ILSVRC2012_Database (manual 19.6.13): ImageNet 2012 classification in
 * its usual on-disk form, <DataPath>/train/<wnid>/ (*.JPEG) and
 * <DataPath>/val/<wnid>/ (*.JPEG) (validation images sorted into synset
 * folders, as the common "valprep" script does), with the synset list
 * LabelPath ("n01440764 tench, Tinca tinca", one per line).
 *
 * Label ids follow the synset file order (the order of the 1000-class
 * models), named by their wnid; BackgroundClass=1 (used by the manual's
 * MobileNet example, line 2025, undocumented: checklist A12) inserts a
 * "background" label 0 first, for 1001-output models. Learn: fraction of
 * each class of train/ used for learning (rounded to nearest), the rest of
 * train/ is the validation set; val/ is the test set. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dir_db.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

const n2d2_param_spec dir_ilsvrc_params[] = {
    {"Learn", N2D2_PARAM_FLOAT, NULL, NULL, 0.0, 1.0, N2D2_PARAM_RANGE | N2D2_PARAM_REQUIRED,
     "fraction of each class of train/ for learning; the rest of train/ is validation"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/ILSVRC2012", NULL, 0, 0, 0,
     "directory holding train/<wnid>/ and val/<wnid>/"},
    {"LabelPath", N2D2_PARAM_STRING, "$N2D2_DATA/ILSVRC2012/synsets.txt", NULL, 0, 0, 0,
     "synset list, one 'wnid description' per line, in label order"},
    {"BackgroundClass", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "add a 'background' label 0 before the synsets (1001-class models)"},
};
const size_t dir_ilsvrc_n_params = COUNT_OF(dir_ilsvrc_params);

static n2d2_status read_synsets(dir_db *d, n2d2_database *db)
{
    char path[4096], line[1024];
    dir_db_path(d, "LabelPath", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return n2d2_params_error(d->params, "LabelPath", N2D2_ERR_NOT_FOUND,
                                 "ILSVRC2012_Database: cannot open the synset list '%s'", path);
    n2d2_status st = N2D2_OK;
    if (n2d2_params_bool(d->params, "BackgroundClass"))
        st = n2d2_database_add_label(db, "background", NULL);
    size_t lineno = 0;
    while (st == N2D2_OK && fgets(line, sizeof line, f)) {
        ++lineno;
        char *wnid = line + strspn(line, " \t");
        wnid[strcspn(wnid, " \t\r\n")] = '\0';
        if (!*wnid)
            continue;
        if (n2d2_database_label_id(db, wnid) >= 0)
            st = n2d2_error(N2D2_ERR_PARSE, "%s:%zu: synset '%s' listed twice", path, lineno, wnid);
        else
            st = n2d2_database_add_label(db, wnid, NULL);
    }
    fclose(f);
    if (st == N2D2_OK && n2d2_database_label_count(db) == 0)
        st = n2d2_error(N2D2_ERR_PARSE, "%s: no synset", path);
    return st;
}

/* Label ids of the scanned files; a folder missing from the list is an
 * error. */
static n2d2_status synset_ids(const dir_walk_result *w, const n2d2_database *db,
                              const char *synsets, int *ids)
{
    for (size_t i = 0; i < w->n_files; ++i) {
        const char *wnid = w->labels[w->files[i].label];
        ids[i] = n2d2_database_label_id(db, wnid);
        if (!*wnid)
            return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                              "%s: images outside synset folders are not supported yet: sort "
                              "them into <wnid>/ folders", w->files[i].path);
        if (ids[i] < 0)
            return n2d2_error(N2D2_ERR_NOT_FOUND, "%s: folder '%s' is not a synset of %s",
                              w->files[i].path, wnid, synsets);
    }
    return N2D2_OK;
}

static n2d2_status add_tree(dir_db *d, n2d2_database *db, const char *sub, int learn,
                            n2d2_rng *rng)
{
    char root[4096], top[4200], synsets[4096];
    dir_db_path(d, "DataPath", root, sizeof root);
    dir_db_path(d, "LabelPath", synsets, sizeof synsets);
    snprintf(top, sizeof top, "%s/%s", root, sub);
    dir_walk_opts o = {1, 1, "", "jpeg jpg png", ""};
    dir_walk_result w;
    n2d2_status st = dir_db_walk(d, "DataPath", top, &o, &w);
    if (st != N2D2_OK)
        return st;
    int *ids = malloc((w.n_files ? w.n_files : 1) * sizeof *ids);
    n2d2_set *sets = malloc((w.n_files ? w.n_files : 1) * sizeof *sets);
    st = ids && sets ? synset_ids(&w, db, synsets, ids) : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    if (st == N2D2_OK && w.n_files == 0)
        st = n2d2_params_error(d->params, "DataPath", N2D2_ERR_NOT_FOUND,
                               "ILSVRC2012_Database: no image in %s", top);
    char what[4300];
    snprintf(what, sizeof what, "ILSVRC2012_Database '%s'", top);
    n2d2_dbpart part = {n2d2_params_float(d->params, "Learn"), 0.0, 0.0, 0, 1, 0};
    if (st == N2D2_OK && learn)
        st = n2d2_dbpart_assign(d->params, &part, db, ids, w.n_files, rng, what, sets);
    for (size_t i = 0; i < w.n_files && st == N2D2_OK; ++i) {
        n2d2_set set = !learn ? N2D2_SET_TEST
                       : sets[i] == N2D2_SET_TEST ? N2D2_SET_VALIDATION : sets[i];
        st = n2d2_database_add_stimulus(db, w.files[i].path, ids[i], set, d->n_keys++, NULL);
    }
    free(ids);
    free(sets);
    dir_walk_free(&w);
    return st;
}

n2d2_status dir_ilsvrc_create(const n2d2_params *params, void **state)
{
    return dir_db_new(params, "ILSVRC2012_Database", state);
}

n2d2_status dir_ilsvrc_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    dir_db *d = state;
    n2d2_status st = read_synsets(d, db);
    if (st == N2D2_OK)
        st = add_tree(d, db, "train", 1, rng);
    if (st == N2D2_OK)
        st = add_tree(d, db, "val", 0, NULL);
    return st;
}
