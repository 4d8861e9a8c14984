/* Registry: keys, models and ranks, validation of what plugins register,
 * duplicate and not-found messages, did-you-mean. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/registry.h"
#include "check_run.h"

static const int ops_a = 1, ops_b = 2;

static n2d2_feature feature(n2d2_kind kind, const char *name, const char *model, int rank)
{
    n2d2_feature f;
    memset(&f, 0, sizeof f);
    f.struct_size = sizeof f;
    f.kind = kind;
    f.name = name;
    f.model = model;
    f.ops = &ops_a;
    f.rank = rank;
    return f;
}

static n2d2_registry *reg;

static void setup(void) { ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK); }
static void teardown(void)
{
    n2d2_registry_free(reg);
    reg = NULL;
}

static n2d2_status add(n2d2_kind kind, const char *name, const char *model, int rank)
{
    n2d2_feature f = feature(kind, name, model, rank);
    return n2d2_registry_add(reg, &f);
}

/* ---- kinds -------------------------------------------------------------- */

START_TEST(test_kind_names)
{
    static const char *const expected[N2D2_KIND_COUNT] = {
        "cell", "database", "transformation", "solver", "filler",
        "activation", "target", "quantizer", "attack", "export", "importer"};
    for (int k = 0; k < N2D2_KIND_COUNT; ++k) {
        ck_assert_str_eq(n2d2_kind_name((n2d2_kind)k), expected[k]);
        n2d2_kind back = N2D2_KIND_COUNT;
        ck_assert_int_eq(n2d2_kind_from_name(expected[k], &back), 1);
        ck_assert_int_eq(back, k);
    }
    ck_assert_str_eq(n2d2_kind_name(N2D2_KIND_COUNT), "unknown");
    ck_assert_str_eq(n2d2_kind_name((n2d2_kind)-1), "unknown");
    n2d2_kind k;
    ck_assert_int_eq(n2d2_kind_from_name("Cell", &k), 1);
    ck_assert_int_eq(k, N2D2_KIND_CELL);
    ck_assert_int_eq(n2d2_kind_from_name("transform", &k), 1);
    ck_assert_int_eq(k, N2D2_KIND_TRANSFORM);
    ck_assert_int_eq(n2d2_kind_from_name("layer", &k), 0);
    ck_assert_int_eq(n2d2_kind_from_name(NULL, &k), 0);
}
END_TEST

/* ---- add and find ------------------------------------------------------- */

START_TEST(test_add_find_models_and_ranks)
{
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Conv", "Frame", 10), N2D2_OK);
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Conv", "Frame_CUDA", 20), N2D2_OK);
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Pool", NULL, 0), N2D2_OK);
    ck_assert_int_eq(add(N2D2_KIND_SOLVER, "Conv", "", 0), N2D2_OK); /* other kind */
    ck_assert_uint_eq(n2d2_registry_count(reg), 4);

    const n2d2_feature *f = n2d2_registry_find(reg, N2D2_KIND_CELL, "Conv", "Frame");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->model, "Frame");
    /* No model: highest rank. */
    f = n2d2_registry_find(reg, N2D2_KIND_CELL, "Conv", NULL);
    ck_assert_str_eq(f->model, "Frame_CUDA");
    f = n2d2_registry_find(reg, N2D2_KIND_CELL, "Conv", "");
    ck_assert_str_eq(f->model, "Frame_CUDA");
    /* Model NULL is stored as "" and serves any model. */
    f = n2d2_registry_find(reg, N2D2_KIND_CELL, "Pool", "Spike");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->model, "");
    ck_assert_ptr_null(n2d2_registry_find(reg, N2D2_KIND_CELL, "Conv", "Spike"));
    /* Names are case-sensitive. */
    ck_assert_ptr_null(n2d2_registry_find(reg, N2D2_KIND_CELL, "conv", NULL));
    ck_assert_ptr_null(n2d2_registry_find(reg, N2D2_KIND_FILLER, "Conv", NULL));
    ck_assert_ptr_nonnull(n2d2_registry_find(reg, N2D2_KIND_SOLVER, "Conv", NULL));
    ck_assert_ptr_null(n2d2_registry_find(reg, N2D2_KIND_CELL, NULL, NULL));
    ck_assert_ptr_null(n2d2_registry_find(NULL, N2D2_KIND_CELL, "Conv", NULL));
}
END_TEST

START_TEST(test_equal_ranks_first_registered_wins)
{
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Fc", "B", 5), N2D2_OK);
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Fc", "A", 5), N2D2_OK);
    ck_assert_str_eq(n2d2_registry_find(reg, N2D2_KIND_CELL, "Fc", NULL)->model, "B");
}
END_TEST

START_TEST(test_descriptor_is_copied_and_pointers_stable)
{
    n2d2_feature f = feature(N2D2_KIND_FILLER, "HeFiller", NULL, 0);
    f.help = "He initialisation";
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_OK);
    const n2d2_feature *stored = n2d2_registry_find(reg, N2D2_KIND_FILLER, "HeFiller", NULL);
    f.name = "Changed";
    f.ops = &ops_b;
    ck_assert_str_eq(stored->name, "HeFiller");
    ck_assert_ptr_eq(stored->ops, &ops_a);
    ck_assert_str_eq(stored->help, "He initialisation");
    ck_assert_uint_eq(stored->struct_size, sizeof(n2d2_feature));
    /* Many more features (the table grows): the pointer stays valid. */
    static char names[200][16];
    for (int i = 0; i < 200; ++i) {
        snprintf(names[i], sizeof names[i], "F%d", i);
        ck_assert_int_eq(add(N2D2_KIND_FILLER, names[i], NULL, 0), N2D2_OK);
    }
    ck_assert_ptr_eq(n2d2_registry_find(reg, N2D2_KIND_FILLER, "HeFiller", NULL), stored);
    ck_assert_ptr_eq(n2d2_registry_at(reg, 0), stored);
    ck_assert_ptr_null(n2d2_registry_at(reg, 201));
}
END_TEST

START_TEST(test_smaller_struct_size_reads_zero)
{
    /* A plugin built when n2d2_feature ended at `ops`: what follows in its
     * memory is none of our business and must read as zero. */
    unsigned char buf[sizeof(n2d2_feature)];
    memset(buf, 0xAB, sizeof buf);
    n2d2_feature f = feature(N2D2_KIND_ATTACK, "FGSM", NULL, 0);
    size_t old_size = offsetof(n2d2_feature, ops) + sizeof(void *);
    f.struct_size = (uint32_t)old_size;
    memcpy(buf, &f, old_size);
    ck_assert_int_eq(n2d2_registry_add(reg, (const n2d2_feature *)buf), N2D2_OK);
    const n2d2_feature *g = n2d2_registry_find(reg, N2D2_KIND_ATTACK, "FGSM", NULL);
    ck_assert_int_eq(g->rank, 0);
    for (int i = 0; i < 4; ++i)
        ck_assert_ptr_null(g->reserved[i]);

    f.struct_size = (uint32_t)old_size - 1;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_ABI);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "struct_size"));
    f.struct_size = 0;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_ABI);
    f.struct_size = 0x7fffffff;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_ABI);
}
END_TEST

/* ---- validation --------------------------------------------------------- */

START_TEST(test_invalid_features_refused)
{
    n2d2_feature f = feature(N2D2_KIND_CELL, NULL, NULL, 0);
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "without a name"));
    f.name = "";
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    f.name = "Two Words";
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "blanks"));
    f.name = "Conv";
    f.model = "Frame CUDA";
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    f.model = NULL;
    f.ops = NULL;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_str_eq(n2d2_error_message(), "cell 'Conv': ops table is NULL");
    f.ops = &ops_a;
    f.kind = N2D2_KIND_COUNT;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "invalid kind 11"));
    f.kind = (n2d2_kind)-3;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_registry_add(reg, NULL), N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_registry_add(NULL, &f), N2D2_ERR_INVAL);
    ck_assert_uint_eq(n2d2_registry_count(reg), 0);
}
END_TEST

START_TEST(test_schema_validation)
{
    n2d2_param_spec good[] = {
        {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 0, N2D2_PARAM_REQUIRED, "outputs"},
        {"NoBias", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "no bias"},
        {"Pooling", N2D2_PARAM_ENUM, "Max", "Max|Average", 0, 0, 0, "pooling"},
        {"Rate", N2D2_PARAM_FLOAT, "0.5", NULL, 0, 1, N2D2_PARAM_RANGE, "rate"},
    };
    n2d2_feature f = feature(N2D2_KIND_CELL, "Conv", "Frame", 0);
    f.params = good;
    f.n_params = 4;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_OK);

    f.name = "Conv2";
    n2d2_param_spec bad = good[2];
    f.params = &bad;
    f.n_params = 1;
    bad.name = "";
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "parameter #0 has no name"));
    bad.name = NULL;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    bad.name = "Pooling";
    bad.allowed = NULL;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "ENUM without `allowed`"));
    bad.allowed = "Max|Average";
    bad.default_value = "Median";
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_msg(strstr(n2d2_error_message(), "cell 'Conv2' (model Frame) default"), "%s",
                  n2d2_error_message());
    bad.type = N2D2_PARAM_INT;
    bad.allowed = NULL;
    bad.default_value = "three";
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    bad.default_value = "3";
    bad.type = N2D2_PARAM_TYPE_COUNT;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "invalid type"));
    bad.type = N2D2_PARAM_FLOAT;
    bad.flags = N2D2_PARAM_RANGE;
    bad.min = 0;
    bad.max = 1;
    bad.default_value = "2";
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_RANGE);

    n2d2_param_spec twice[] = {good[1], good[1]};
    f.params = twice;
    f.n_params = 2;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_DUPLICATE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "'NoBias' is declared twice"));
    f.params = NULL;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    f.n_params = 0;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_OK);
    ck_assert_uint_eq(n2d2_registry_count(reg), 2);
}
END_TEST

/* ---- origins, duplicates, rollback -------------------------------------- */

START_TEST(test_duplicate_names_both_files)
{
    n2d2_registry_set_origin(reg, "cells_cpu", "/opt/n2d2/n2d2-cells-cpu.so");
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Conv", "Frame", 0), N2D2_OK);
    n2d2_registry_set_origin(reg, "my_conv", "/home/me/n2d2-my-conv.so");
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Conv", "Frame_CUDA", 0), N2D2_OK); /* other key */
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Conv", "Frame", 0), N2D2_ERR_DUPLICATE);
    ck_assert_str_eq(n2d2_error_message(),
                     "duplicate cell 'Conv' (model Frame): registered by plugin 'cells_cpu' "
                     "(/opt/n2d2/n2d2-cells-cpu.so) and again by plugin 'my_conv' "
                     "(/home/me/n2d2-my-conv.so)");
    n2d2_registry_set_origin(reg, NULL, NULL);
    ck_assert_uint_eq(n2d2_registry_count(reg), 2);
    ck_assert_str_eq(n2d2_registry_origin_plugin(reg, 0), "cells_cpu");
    ck_assert_str_eq(n2d2_registry_origin_file(reg, 1), "/home/me/n2d2-my-conv.so");
    ck_assert_ptr_null(n2d2_registry_origin_file(reg, 2));
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Pool", NULL, 0), N2D2_OK);
    ck_assert_str_eq(n2d2_registry_origin_file(reg, 2), "<api>");
    ck_assert_str_eq(n2d2_registry_origin_plugin(reg, 2), "");
}
END_TEST

START_TEST(test_errors_name_the_plugin)
{
    n2d2_registry_set_origin(reg, "broken", "/x/n2d2-broken.so");
    n2d2_feature f = feature(N2D2_KIND_SOLVER, "SGD", NULL, 0);
    f.ops = NULL;
    ck_assert_int_eq(n2d2_registry_add(reg, &f), N2D2_ERR_INVAL);
    ck_assert_str_eq(n2d2_error_message(),
                     "/x/n2d2-broken.so: plugin 'broken': solver 'SGD': ops table is NULL");
}
END_TEST

START_TEST(test_remove_origin)
{
    n2d2_registry_set_origin(reg, "a", "a.so");
    ck_assert_int_eq(add(N2D2_KIND_CELL, "A1", NULL, 0), N2D2_OK);
    n2d2_registry_set_origin(reg, "b", "b.so");
    ck_assert_int_eq(add(N2D2_KIND_CELL, "B1", NULL, 0), N2D2_OK);
    n2d2_registry_set_origin(reg, "a", "a.so");
    ck_assert_int_eq(add(N2D2_KIND_CELL, "A2", NULL, 0), N2D2_OK);
    n2d2_registry_remove_origin(reg, "a");
    ck_assert_uint_eq(n2d2_registry_count(reg), 1);
    ck_assert_str_eq(n2d2_registry_at(reg, 0)->name, "B1");
    /* The key is free again. */
    ck_assert_int_eq(add(N2D2_KIND_CELL, "A1", NULL, 0), N2D2_OK);
    n2d2_registry_remove_origin(reg, "nobody");
    n2d2_registry_remove_origin(reg, NULL);
    n2d2_registry_remove_origin(NULL, "a");
    ck_assert_uint_eq(n2d2_registry_count(reg), 2);
}
END_TEST

/* ---- resolve ------------------------------------------------------------ */

START_TEST(test_resolve_unknown_suggests_and_lists_paths)
{
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Conv", "Frame", 0), N2D2_OK);
    ck_assert_int_eq(add(N2D2_KIND_CELL, "ConvDepthWise", "Frame", 0), N2D2_OK);
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Pool", "Frame", 0), N2D2_OK);
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Conv", "Frame_CUDA", 0), N2D2_OK);
    n2d2_registry_set_search_note(reg, "/a/plugins, /usr/lib/n2d2/plugins");
    const n2d2_feature *f = (const n2d2_feature *)&ops_a;
    ck_assert_int_eq(
        n2d2_registry_resolve(reg, N2D2_KIND_CELL, "Conv2", "Frame", "model.ini:12", &f),
        N2D2_ERR_NOT_FOUND);
    ck_assert_ptr_null(f);
    ck_assert_str_eq(n2d2_error_message(),
                     "model.ini:12: unknown cell type 'Conv2' (did you mean: Conv, "
                     "ConvDepthWise?); plugins searched in: /a/plugins, /usr/lib/n2d2/plugins");

    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_CELL, "Conv", "Frame", "m.ini:1", &f),
                     N2D2_OK);
    ck_assert_str_eq(f->name, "Conv");
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_CELL, "Conv", NULL, NULL, &f), N2D2_OK);
}
END_TEST

START_TEST(test_resolve_wrong_model_lists_models)
{
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Conv", "Frame", 0), N2D2_OK);
    ck_assert_int_eq(add(N2D2_KIND_CELL, "Conv", "Frame_CUDA", 0), N2D2_OK);
    const n2d2_feature *f;
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_CELL, "Conv", "Spike", "m.ini:4", &f),
                     N2D2_ERR_NOT_FOUND);
    ck_assert_str_eq(n2d2_error_message(),
                     "m.ini:4: cell type 'Conv' has no model 'Spike' (available models: Frame, "
                     "Frame_CUDA)");
}
END_TEST

START_TEST(test_resolve_messages_without_candidates)
{
    const n2d2_feature *f;
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_SOLVER, "SGD", NULL, "", &f),
                     N2D2_ERR_NOT_FOUND);
    ck_assert_str_eq(n2d2_error_message(),
                     "unknown solver type 'SGD' (no solver type is registered: is its plugin "
                     "installed?); plugins searched in: (no plugin directory configured)");
    ck_assert_int_eq(add(N2D2_KIND_SOLVER, "Adam", NULL, 0), N2D2_OK);
    ck_assert_int_eq(add(N2D2_KIND_SOLVER, "SGD", NULL, 0), N2D2_OK);
    n2d2_registry_set_search_note(reg, "/p");
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_SOLVER, "Newton", NULL, "x.ini:2", &f),
                     N2D2_ERR_NOT_FOUND);
    ck_assert_str_eq(n2d2_error_message(),
                     "x.ini:2: unknown solver type 'Newton' (registered solver types: Adam, "
                     "SGD); plugins searched in: /p");
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_SOLVER, "", NULL, "x.ini:2", &f),
                     N2D2_ERR_NOT_FOUND);
    ck_assert_str_eq(n2d2_error_message(), "x.ini:2: no solver type given");
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_SOLVER, "SGD", NULL, NULL, NULL),
                     N2D2_ERR_INVAL);
    ck_assert_int_eq(n2d2_registry_resolve(reg, N2D2_KIND_COUNT, "SGD", NULL, NULL, &f),
                     N2D2_ERR_INVAL);
}
END_TEST

/* ---- did-you-mean ------------------------------------------------------- */

static const char *const names[] = {
    "Conv", "ConvDepthWise", "Pool", "Fc", "Softmax", "BatchNorm", "Rectifier", "Deconv",
    "ElemWise", "Padding", "Dropout", "Resize",
};
#define N_NAMES (sizeof names / sizeof names[0])

static const char *suggest1(const char *word)
{
    size_t idx[4];
    size_t n = n2d2_suggest(word, names, N_NAMES, idx, 4);
    return n ? names[idx[0]] : NULL;
}

START_TEST(test_suggest)
{
    ck_assert_str_eq(suggest1("conv"), "Conv");       /* case only */
    ck_assert_str_eq(suggest1("Cnov"), "Conv");       /* transposition */
    ck_assert_str_eq(suggest1("Rectifer"), "Rectifier");
    ck_assert_str_eq(suggest1("SoftMax"), "Softmax");
    ck_assert_str_eq(suggest1("Batchnorm"), "BatchNorm");
    ck_assert_str_eq(suggest1("DepthWise"), "ConvDepthWise"); /* substring */
    ck_assert_str_eq(suggest1("FC"), "Fc");
    ck_assert_str_eq(suggest1("BatchNormalization"), "BatchNorm"); /* candidate inside */
    ck_assert_ptr_null(suggest1("Transformer"));
    ck_assert_ptr_null(suggest1("LSTM"));

    size_t idx[8];
    size_t n = n2d2_suggest("Conv2", names, N_NAMES, idx, 8);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(names[idx[0]], "Conv");
    ck_assert_str_eq(names[idx[1]], "ConvDepthWise");
    /* max is honoured, best first. */
    n = n2d2_suggest("Conv2", names, N_NAMES, idx, 1);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(names[idx[0]], "Conv");
    /* "Dconv": Deconv (1 insertion) and Conv (1 deletion) tie; same
     * length difference, so alphabetical order decides, deterministically. */
    n = n2d2_suggest("Dconv", names, N_NAMES, idx, 8);
    ck_assert_uint_ge(n, 2);
    ck_assert_str_eq(names[idx[0]], "Conv");
    ck_assert_str_eq(names[idx[1]], "Deconv");

    ck_assert_uint_eq(n2d2_suggest(NULL, names, N_NAMES, idx, 8), 0);
    ck_assert_uint_eq(n2d2_suggest("", names, N_NAMES, idx, 8), 0);
    ck_assert_uint_eq(n2d2_suggest("Conv", NULL, 3, idx, 8), 0);
    ck_assert_uint_eq(n2d2_suggest("Conv", names, N_NAMES, NULL, 8), 0);
    ck_assert_uint_eq(n2d2_suggest("Conv", names, N_NAMES, idx, 0), 0);
    const char *with_null[] = {NULL, "", "Conv"};
    n = n2d2_suggest("Conv", with_null, 3, idx, 8);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(idx[0], 2);
    /* Very long strings are compared on a prefix, without overflow. */
    char longword[600];
    memset(longword, 'x', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    const char *longs[] = {longword};
    ck_assert_uint_eq(n2d2_suggest(longword, longs, 1, idx, 8), 1);
}
END_TEST

START_TEST(test_free_null)
{
    n2d2_registry_free(NULL);
    ck_assert_int_eq(n2d2_registry_new(NULL), N2D2_ERR_INVAL);
    ck_assert_uint_eq(n2d2_registry_count(NULL), 0);
    n2d2_registry_set_origin(NULL, "a", "b");
    n2d2_registry_set_search_note(NULL, "x");
    n2d2_registry_set_search_note(reg, "x");
    n2d2_registry_set_search_note(reg, NULL);
}
END_TEST

static Suite *registry_suite(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_kind_names);
    tcase_add_test(tc, test_add_find_models_and_ranks);
    tcase_add_test(tc, test_equal_ranks_first_registered_wins);
    tcase_add_test(tc, test_descriptor_is_copied_and_pointers_stable);
    tcase_add_test(tc, test_smaller_struct_size_reads_zero);
    tcase_add_test(tc, test_invalid_features_refused);
    tcase_add_test(tc, test_schema_validation);
    tcase_add_test(tc, test_duplicate_names_both_files);
    tcase_add_test(tc, test_errors_name_the_plugin);
    tcase_add_test(tc, test_remove_origin);
    tcase_add_test(tc, test_free_null);
    suite_add_tcase(s, tc);

    tc = tcase_create("resolve");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_resolve_unknown_suggests_and_lists_paths);
    tcase_add_test(tc, test_resolve_wrong_model_lists_models);
    tcase_add_test(tc, test_resolve_messages_without_candidates);
    tcase_add_test(tc, test_suggest);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return n2d2_check_run(registry_suite());
}
