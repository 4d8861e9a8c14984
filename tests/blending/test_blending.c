/* BlendingTransformation: blend_paste against hand-computed values for the
 * four methods, then the whole path through the stimuli provider with an
 * in-test database driver: the objects provider (BatchSize=0, any size)
 * opened at create time (n2d2_stimuli_building), label mapping by name and by suffix,
 * ApplyToLabels, the pasted object in data and label map, SavePath, and
 * the errors (BatchSize=0 network input, BatchSize>0 objects provider,
 * unmatched label, even kernel size). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blend_mix.h"
#include "check_run.h"
#include "n2d2/n2d2.h"

N2D2_STATIC_PLUGIN_DECLARE(transforms_blending);

/* ---- blend_paste ---- */

static n2d2_tensor *filled(n2d2_dtype dt, size_t c, size_t h, size_t w, double v)
{
    size_t dims[3] = {c, h, w};
    n2d2_tensor *t;
    ck_assert_int_eq(n2d2_tensor_new(dt, 3, dims, &t), N2D2_OK);
    for (size_t i = 0; i < c * h * w; ++i)
        n2d2_tensor_set(t, i, v);
    return t;
}

START_TEST(linear)
{
    n2d2_tensor *img = filled(N2D2_UINT8, 1, 3, 4, 100), *obj = filled(N2D2_UINT8, 1, 2, 2, 200);
    const uint8_t mask[4] = {1, 0, 1, 1};
    blend_params p = {BLEND_LINEAR, 0.2, 0.8, 5};
    ck_assert_int_eq(blend_paste(img, obj, mask, 2, 1, &p), N2D2_OK);
    /* 0.2 * 200 + 0.8 * 100 = 120 on the mask at (2..3, 1..2). */
    const uint8_t *d = n2d2_tensor_cdata(img);
    const uint8_t want[12] = {100, 100, 100, 100, 100, 100, 120, 100, 100, 100, 120, 120};
    for (int i = 0; i < 12; ++i)
        ck_assert_uint_eq(d[i], want[i]);
    /* Does not fit: error, image untouched. */
    ck_assert_int_eq(blend_paste(img, obj, mask, 3, 0, &p), N2D2_ERR_SHAPE);
    n2d2_tensor_release(img);
    n2d2_tensor_release(obj);
}
END_TEST

START_TEST(linear_by_distance)
{
    /* Two channels; object pixels O = (0, 0) (3, 4) (6, 8) on I = 0:
     * |O - I| = 0, 5, 10 -> D = 0, 0.5, 1. R = a O (1 - D) + b I D with
     * a = 0.5: (0, 0), (0.75, 1), (0, 0). */
    n2d2_tensor *img = filled(N2D2_FLOAT32, 2, 1, 3, 0), *obj = filled(N2D2_FLOAT32, 2, 1, 3, 0);
    float *o = n2d2_tensor_data(obj);
    o[1] = 3, o[2] = 6, o[4] = 4, o[5] = 8;
    const uint8_t mask[3] = {1, 1, 1};
    blend_params p = {BLEND_LINEAR_BY_DISTANCE, 0.5, 0.5, 5};
    ck_assert_int_eq(blend_paste(img, obj, mask, 0, 0, &p), N2D2_OK);
    const float *d = n2d2_tensor_cdata(img);
    const float want[6] = {0, 0.75f, 0, 0, 1.0f, 0};
    for (int i = 0; i < 6; ++i)
        ck_assert_float_eq_tol(d[i], want[i], 1e-6);
    n2d2_tensor_release(img);
    n2d2_tensor_release(obj);
}
END_TEST

START_TEST(smooth_edge)
{
    /* Size 3: sigma = 0.8, taps exp(-1 / 1.28) = 0.457833 and 1, normalised
     * 0.238995 0.522011. A 1x3 object with the mask 0 1 0: horizontal blur
     * 0.238995 0.522011 0.238995, vertical (one row, zero outside)
     * x 0.522011 -> a' = 0.124758 0.272495 0.124758; R = a' 100 + (1 - a') 0. */
    double k[3];
    blend_gaussian(3, k);
    ck_assert_double_eq_tol(k[0], 0.238995, 1e-6);
    ck_assert_double_eq_tol(k[1], 0.522011, 1e-6);
    n2d2_tensor *img = filled(N2D2_FLOAT64, 1, 1, 3, 0), *obj = filled(N2D2_FLOAT64, 1, 1, 3, 100);
    const uint8_t mask[3] = {0, 1, 0};
    blend_params p = {BLEND_SMOOTH_EDGE, 0.2, 0.8, 3};
    ck_assert_int_eq(blend_paste(img, obj, mask, 0, 0, &p), N2D2_OK);
    const double *d = n2d2_tensor_cdata(img);
    ck_assert_double_eq_tol(d[0], 12.4758, 1e-3);
    ck_assert_double_eq_tol(d[1], 27.2495, 1e-3);
    ck_assert_double_eq_tol(d[2], 12.4758, 1e-3);
    n2d2_tensor_release(img);
    n2d2_tensor_release(obj);
}
END_TEST

START_TEST(smooth_edge_by_distance)
{
    /* Size 1 (no blur): a = D on the mask. O = 10, 20, 30 on I = 0 ->
     * D = 0, 0.5, 1; R = D O + (1 - D) I = 0, 10, 30; off-mask pixel kept. */
    n2d2_tensor *img = filled(N2D2_FLOAT32, 1, 1, 4, 0), *obj = filled(N2D2_FLOAT32, 1, 1, 4, 0);
    float *o = n2d2_tensor_data(obj);
    o[0] = 10, o[1] = 20, o[2] = 30, o[3] = 50;
    n2d2_tensor_set(img, 3, 7);
    const uint8_t mask[4] = {1, 1, 1, 0};
    blend_params p = {BLEND_SMOOTH_EDGE_LINEAR_BY_DISTANCE, 0.2, 0.8, 1};
    ck_assert_int_eq(blend_paste(img, obj, mask, 0, 0, &p), N2D2_OK);
    const float *d = n2d2_tensor_cdata(img);
    const float want[4] = {0, 10, 30, 7};
    for (int i = 0; i < 4; ++i)
        ck_assert_float_eq_tol(d[i], want[i], 1e-5);
    n2d2_tensor_release(img);
    n2d2_tensor_release(obj);
}
END_TEST

/* ---- an in-test database driver ----
 * Role=Images: labels backgrounds, cat, pets/dog; stimuli "bg" (backgrounds)
 * and "kitty" (cat), 1x8x8 of zeros, no pixel-wise labels.
 * Role=Objects: labels dog, cat (+ horse with Horse=1); one stimulus "obj"
 * (dog), 1x4x4 of 200 with a pixel-wise map: dog on the centre 2x2, -1
 * elsewhere. Everything in the learn set. */

static const n2d2_param_spec tdb_params[] = {
    {"Role", N2D2_PARAM_ENUM, "Images", "Images|Objects", 0, 0, 0, "which set"},
    {"Horse", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "add a label the images lack"},
};

static n2d2_status tdb_create(const n2d2_params *p, void **state)
{
    *state = (void *)p;
    return N2D2_OK;
}

static n2d2_status tdb_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    (void)rng;
    const n2d2_params *p = state;
    int id;
    size_t index;
    if (n2d2_params_enum(p, "Role") == 0) {
        n2d2_database_add_label(db, "backgrounds", &id);
        n2d2_database_add_label(db, "cat", &id);
        n2d2_database_add_label(db, "pets/dog", &id);
        n2d2_database_add_stimulus(db, "bg", 0, N2D2_SET_LEARN, 0, &index);
        return n2d2_database_add_stimulus(db, "kitty", 1, N2D2_SET_LEARN, 1, &index);
    }
    n2d2_database_add_label(db, "dog", &id);
    n2d2_database_add_label(db, "cat", &id);
    if (n2d2_params_bool(p, "Horse"))
        n2d2_database_add_label(db, "horse", &id);
    return n2d2_database_add_stimulus(db, "obj", 0, N2D2_SET_LEARN, 0, &index);
}

static n2d2_status tdb_read(void *state, const n2d2_database *db, size_t index,
                            n2d2_tensor **data, n2d2_tensor **labels)
{
    (void)db;
    (void)index;
    const n2d2_params *p = state;
    int objects = n2d2_params_enum(p, "Role") == 1;
    size_t s = objects ? 4 : 8;
    *data = filled(N2D2_UINT8, 1, s, s, objects ? 200 : 0);
    if (labels && objects) {
        *labels = filled(N2D2_INT32, 1, 4, 4, -1);
        int32_t *m = n2d2_tensor_data(*labels);
        m[5] = m[6] = m[9] = m[10] = 0;
    } else if (labels) {
        *labels = NULL;
    }
    return N2D2_OK;
}

static const n2d2_database_ops tdb_ops = {sizeof(n2d2_database_ops), tdb_create, tdb_load,
                                          tdb_read, NULL, {0}};
static const n2d2_feature tdb_feature = {sizeof(n2d2_feature), N2D2_KIND_DATABASE,
                                         "BlendTest_Database", NULL, "test", tdb_params, 2,
                                         &tdb_ops, 0, {0}};

static n2d2_registry *reg;
static n2d2_loader *loader;
static char save_dir[64];

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(transforms_blending)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    ck_assert_int_eq(n2d2_registry_add(reg, &tdb_feature), N2D2_OK);
}

static void teardown(void)
{
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static n2d2_status open_sp(const char *blend_keys, const char *objects_keys, const char *size_x,
                           size_t batch, n2d2_ini **ini, n2d2_stimuli **sp)
{
    char text[2048];
    snprintf(text, sizeof text,
             "[database]\nType=BlendTest_Database\n"
             "[sp]\nSizeX=8\nSizeY=8\nBatchSize=2\nCompositeStimuli=1\n"
             "[sp.OnTheFlyTransformation-blend]\nType=BlendingTransformation\n"
             "Database=database_objects\nStimuliProvider=sp_objects\n%s\n"
             "[database_objects]\nType=BlendTest_Database\nRole=Objects\n%s\n"
             "[sp_objects]\nSizeX=%s\nSizeY=0\nBatchSize=0\n",
             blend_keys, objects_keys, size_x);
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "blend.ini", ini), N2D2_OK);
    n2d2_shape shape = {3, {1, 8, 8}};
    return n2d2_stimuli_new(*ini, reg, "sp", &shape, N2D2_FLOAT32, batch, 7, sp);
}

START_TEST(pipeline)
{
    snprintf(save_dir, sizeof save_dir, "/tmp/n2d2-blend-%ld", (long)getpid());
    char keys[256];
    snprintf(keys, sizeof keys,
             "ApplyToLabels=back*\nBlendingAlpha=1.0\nBlendingBeta=0.0\nSavePath=%s", save_dir);
    n2d2_ini *ini;
    n2d2_stimuli *sp;
    ck_assert_msg(open_sp(keys, "", "0", 2, &ini, &sp) == N2D2_OK, "%s", n2d2_error_message());

    /* The objects provider: one stimulus of any size with its map. */
    n2d2_stimuli *objs;
    ck_assert_int_eq(n2d2_stimuli_provider(sp, "sp_objects", "database_objects", &objs), N2D2_OK);
    n2d2_tensor *o, *om;
    int ol;
    ck_assert_int_eq(n2d2_stimuli_get(objs, N2D2_SET_LEARN, 0, 3, &o, &om, &ol), N2D2_OK);
    ck_assert_uint_eq(n2d2_tensor_dim(o, 1), 4);
    ck_assert_int_eq(n2d2_tensor_dtype(o), N2D2_UINT8); /* before the [0, 1] conversion */
    ck_assert_int_eq(((const int32_t *)n2d2_tensor_cdata(om))[5], 0);
    ck_assert_int_eq(((const int32_t *)n2d2_tensor_cdata(om))[0], -1);
    ck_assert_int_eq(ol, 0);
    n2d2_tensor_release(o);
    n2d2_tensor_release(om);
    ck_assert_int_eq(n2d2_stimuli_get(objs, N2D2_SET_LEARN, 1, 3, &o, &om, &ol), N2D2_ERR_RANGE);
    ck_assert_int_eq(n2d2_stimuli_begin(objs, N2D2_SET_LEARN, 0, 0), N2D2_ERR_INVAL);

    size_t dims[4] = {2, 1, 8, 8}, count;
    n2d2_tensor *in;
    int labels[2];
    ck_assert_int_eq(n2d2_tensor_new(N2D2_FLOAT32, 4, dims, &in), N2D2_OK);
    ck_assert_int_eq(n2d2_stimuli_begin(sp, N2D2_SET_LEARN, 0, 0), N2D2_OK);
    ck_assert_msg(n2d2_stimuli_next(sp, in, labels, NULL, &count) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(count, 2);
    const float *d = n2d2_tensor_cdata(in);
    const int32_t *m = n2d2_tensor_cdata(n2d2_stimuli_label_maps(sp));
    /* "bg": exactly one object (density 0): a 2x2 block of 200/255 whose
     * pixels carry "pets/dog" (id 2, mapped from the objects' "dog" by
     * suffix); the rest is 0 with the image label 0. */
    int objects = 0, x0 = -1, y0 = -1;
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) {
            int on = fabsf(d[y * 8 + x] - 200.0f / 255.0f) < 1e-6f;
            ck_assert(on || d[y * 8 + x] == 0.0f);
            ck_assert_int_eq(m[y * 8 + x], on ? 2 : 0);
            if (on && x0 < 0)
                x0 = x, y0 = y;
            objects += on;
        }
    ck_assert_int_eq(objects, 4);
    ck_assert(d[y0 * 8 + x0 + 1] > 0 && d[(y0 + 1) * 8 + x0] > 0 && d[(y0 + 1) * 8 + x0 + 1] > 0);
    /* "kitty" (cat) does not match ApplyToLabels=back*: untouched. */
    for (int i = 0; i < 64; ++i) {
        ck_assert(d[64 + i] == 0.0f);
        ck_assert_int_eq(m[64 + i], 1);
    }
    /* SavePath: the image and its JSON. */
    char path[128], json[512] = {0};
    snprintf(path, sizeof path, "%s/blend_000000.json", save_dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_gt(fread(json, 1, sizeof json - 1, f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(json, "\"label\": \"pets/dog\""));
    ck_assert_ptr_nonnull(strstr(json, "\"width\": 4"));
    remove(path);
    snprintf(path, sizeof path, "%s/blend_000000.png", save_dir);
    ck_assert_int_eq(access(path, F_OK), 0);
    remove(path);
    rmdir(save_dir);
    n2d2_tensor_release(in);
    n2d2_stimuli_free(sp);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(errors)
{
    n2d2_ini *ini;
    n2d2_stimuli *sp;
    ck_assert_ptr_null(n2d2_stimuli_building()); /* only during a transformation's create */
    /* BatchSize=0 as the network input. */
    ck_assert_int_eq(open_sp("", "", "0", 0, &ini, &sp), N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "variable-size provider"));
    n2d2_ini_free(ini);
    /* An objects label the images lack. */
    ck_assert_int_eq(open_sp("", "Horse=1", "0", 2, &ini, &sp), N2D2_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(),
                                 "label \"horse\" in blending database not present"));
    n2d2_ini_free(ini);
    /* Even Gaussian size; and the two spellings disagreeing. */
    ck_assert_int_eq(open_sp("BlendingSmoothSize=4", "", "0", 2, &ini, &sp), N2D2_ERR_RANGE);
    n2d2_ini_free(ini);
    ck_assert_int_eq(open_sp("TypeMix=1\nTypeMixing=0", "", "0", 2, &ini, &sp), N2D2_ERR_INVAL);
    n2d2_ini_free(ini);
    /* A fixed size in the objects provider is checked (objects are 4x4). */
    ck_assert_int_eq(open_sp("", "", "3", 2, &ini, &sp), N2D2_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "SizeX=3"));
    n2d2_ini_free(ini);
    /* The objects provider with a batch size. */
    const char *text = "[database]\nType=BlendTest_Database\n[sp]\nCompositeStimuli=1\n"
                       "[sp.OnTheFlyTransformation]\nType=BlendingTransformation\n"
                       "Database=database\nStimuliProvider=objs\n[objs]\nBatchSize=4\n";
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "b.ini", &ini), N2D2_OK);
    n2d2_shape shape = {3, {1, 8, 8}};
    ck_assert_int_eq(n2d2_stimuli_new(ini, reg, "sp", &shape, N2D2_FLOAT32, 2, 7, &sp),
                     N2D2_ERR_INVAL);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "needs BatchSize=0"));
    n2d2_ini_free(ini);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("blending");
    TCase *tc = tcase_create("mix");
    tcase_add_test(tc, linear);
    tcase_add_test(tc, linear_by_distance);
    tcase_add_test(tc, smooth_edge);
    tcase_add_test(tc, smooth_edge_by_distance);
    suite_add_tcase(s, tc);
    tc = tcase_create("provider");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pipeline);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
