/* DIR_Database (manual 19.4): one stimulus per image file of a directory
 * tree, labelled by its sub-directory names, partitioned per label. */
#include <stdio.h>

#include "dir_db.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec dir_params[] = {
    {"DataPath", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "root directory of the stimuli"},
    {"IgnoreMasks", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "space-separated masks ('*' any text, '+' one character): a file or directory whose "
     "full path matches one is skipped"},
    N2D2_DBPART_SPECS(NULL, "0.0"),
    {"LoadInMemory", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "decode every image once at load time and keep it in memory"},
    {"Depth", N2D2_PARAM_INT, "1", NULL, 0, 0, 0,
     "sub-directory levels scanned: 0 = DataPath only, 1 = and its sub-directories, < 0 = all"},
    {"LabelName", N2D2_PARAM_STRING, "", NULL, 0, 0, 0, "base label name"},
    {"LabelDepth", N2D2_PARAM_INT, "1", NULL, -1, 1e9, N2D2_PARAM_RANGE,
     "directory levels forming the label: -1 = no label, 0 = LabelName for all, 1 = "
     "LabelName/<sub-directory>..."},
    {"ValidExtensions", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "space-separated accepted file extensions (empty: any file)"},
    {"LoadMore", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "section with the same options loading a further DataPath (not implemented yet)"},
    {"ROIFile", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "file listing stimulus ROIs (not implemented yet)"},
};

static n2d2_status dir_create(const n2d2_params *params, void **state)
{
    static const char *const unsupported[] = {"LoadMore", "ROIFile"};
    for (size_t i = 0; i < COUNT_OF(unsupported); ++i)
        if (*n2d2_params_string(params, unsupported[i]))
            return n2d2_params_error(params, unsupported[i], N2D2_ERR_NOT_IMPLEMENTED,
                                     "DIR_Database: %s is not implemented yet", unsupported[i]);
    return dir_db_new(params, "DIR_Database", state);
}

static n2d2_status dir_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    dir_db *d = state;
    const n2d2_params *p = d->params;
    char root[4096];
    dir_db_path(d, "DataPath", root, sizeof root);
    dir_walk_opts o = {(int)n2d2_params_int(p, "Depth"), (int)n2d2_params_int(p, "LabelDepth"),
                       n2d2_params_string(p, "LabelName"),
                       n2d2_params_string(p, "ValidExtensions"),
                       n2d2_params_string(p, "IgnoreMasks")};
    dir_walk_result w;
    n2d2_status st = dir_db_walk(d, "DataPath", root, &o, &w);
    if (st != N2D2_OK)
        return st;
    n2d2_dbpart part = n2d2_dbpart_from_params(p);
    st = dir_db_add_labels(db, &w);
    if (st == N2D2_OK && w.n_files == 0)
        st = n2d2_params_error(p, "DataPath", N2D2_ERR_NOT_FOUND,
                               "DIR_Database '%s': no stimulus found (Depth=%lld, "
                               "ValidExtensions='%s')", root,
                               (long long)n2d2_params_int(p, "Depth"),
                               n2d2_params_string(p, "ValidExtensions"));
    if (st == N2D2_OK)
        st = dir_db_add_files(d, db, &w, &part, N2D2_SET_UNPARTITIONED, rng, root);
    dir_walk_free(&w);
    if (st == N2D2_OK && n2d2_params_bool(p, "LoadInMemory"))
        st = dir_db_fill_cache(d, db);
    return st;
}

static const n2d2_database_ops dir_ops = {
    sizeof(n2d2_database_ops), dir_create, dir_load, dir_db_read, dir_db_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature dir_feature = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, "DIR_Database", NULL,
        "images in a directory tree, one label per sub-directory", dir_params,
        COUNT_OF(dir_params), &dir_ops, 0, {0}};
    n2d2_status st = n2d2_registry_add(reg, &dir_feature);
    return st == N2D2_OK ? dir_derived_register(reg) : st;
}

N2D2_PLUGIN_DEFINE(db_dir, "1.0.0", "CECILL-C",
                   "DIR_Database and the directory-tree datasets (GTSRB, Caltech 101/256)",
                   register_features, NULL)
