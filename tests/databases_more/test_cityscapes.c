/* Cityscapes_Database on a miniature Cityscapes tree written by the test
 * (leftImg8bit/<split>/<city>/..._leftImg8bit.png with
 * gtFine|gtCoarse/<split>/<city>/..._polygons.json): the 35 class labels,
 * polygon ROIs, group labels, the splits, UseCoarse, IncTrainExtra,
 * $CITYSCAPES_DATASET; and the JSON reader (escapes, numbers, errors with
 * line and byte offset). */
#include "check_run.h"
#include "image_io.h"
#include "dbm_fixture.h"
#include "json.h"

N2D2_STATIC_PLUGIN_DECLARE(db_cityscapes);

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_cityscapes)};
    dir = dbm_fixture_setup(table, "cityscapes", &reg, &loader);
    unsetenv("CITYSCAPES_DATASET");
}

static void teardown(void)
{
    dbm_fixture_teardown(dir, loader, reg);
}

static void text(const char *rel, const char *content)
{
    dbm_write_text_in(dir, rel, content);
}

static void png(const char *rel)
{
    dbm_write_u8_in(dir, rel, 3, 4, 4, 7);
}

static const char train_json[] =
    "{\n  \"imgHeight\": 4,\n  \"imgWidth\": 4,\n  \"objects\": [\n"
    "    {\"date\": \"x\", \"deleted\": false, \"label\": \"road\",\n"
    "     \"polygon\": [[0, 2], [3, 2], [3, 3.5], [0, 3]]},\n"
    "    {\"label\": \"cargroup\", \"polygon\": [[1, 1], [2, 1], [2, 2]]},\n"
    "    {\"label\": \"persongroup\", \"polygon\": [[1, 1], [2, 1]]},\n"
    "    {\"label\": \"caf\\u00e9\", \"polygon\": [[0, 0], [1, 0], [1, 1]], \"id\": null}\n"
    "  ]\n}\n";

static void make_tree(void)
{
    static const char *const dirs[] = {
        "leftImg8bit", "leftImg8bit/train", "leftImg8bit/train/aachen", "leftImg8bit/val",
        "leftImg8bit/val/frankfurt", "leftImg8bit/test", "leftImg8bit/test/berlin",
        "leftImg8bit/train_extra", "leftImg8bit/train_extra/bad", "gtFine", "gtFine/train",
        "gtFine/train/aachen", "gtFine/val", "gtFine/val/frankfurt", "gtFine/test",
        "gtFine/test/berlin", "gtCoarse", "gtCoarse/train", "gtCoarse/train/aachen",
        "gtCoarse/val", "gtCoarse/val/frankfurt", "gtCoarse/test", "gtCoarse/test/berlin",
        "gtCoarse/train_extra", "gtCoarse/train_extra/bad"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; ++i)
        dbf_mkdir(dir, dirs[i]);
    png("leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png");
    png("leftImg8bit/train/aachen/aachen_000001_000019_leftImg8bit.png");
    png("leftImg8bit/val/frankfurt/frankfurt_000000_000294_leftImg8bit.png");
    png("leftImg8bit/test/berlin/berlin_000000_000019_leftImg8bit.png");
    png("leftImg8bit/train_extra/bad/bad_000000_000001_leftImg8bit.png");
    text("gtFine/train/aachen/aachen_000000_000019_gtFine_polygons.json", train_json);
    text("gtFine/train/aachen/aachen_000001_000019_gtFine_polygons.json", "{\"objects\": []}");
    text("gtFine/val/frankfurt/frankfurt_000000_000294_gtFine_polygons.json",
         "{\"objects\": [{\"label\": \"sky\", \"polygon\": [[0,0],[4,0],[4,1]]}]}");
    text("gtFine/test/berlin/berlin_000000_000019_gtFine_polygons.json",
         "{\"objects\": [{\"label\": \"ego vehicle\", \"polygon\": [[0,3],[4,3],[4,4]]}]}");
    text("gtCoarse/train/aachen/aachen_000000_000019_gtCoarse_polygons.json",
         "{\"objects\": [{\"label\": \"bus\", \"polygon\": [[0,0],[1,0],[1,1]]}]}");
    text("gtCoarse/train/aachen/aachen_000001_000019_gtCoarse_polygons.json", "{\"objects\":[]}");
    text("gtCoarse/val/frankfurt/frankfurt_000000_000294_gtCoarse_polygons.json",
         "{\"objects\":[]}");
    text("gtCoarse/test/berlin/berlin_000000_000019_gtCoarse_polygons.json", "{\"objects\":[]}");
    text("gtCoarse/train_extra/bad/bad_000000_000001_gtCoarse_polygons.json",
         "{\"objects\": [{\"label\": \"truck\", \"polygon\": [[0,0],[1,0],[1,1]]}]}");
}

static n2d2_status open_db(dbf_handle *h, const char *extra)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s/leftImg8bit\n%s", dir, extra);
    return dbf_open(reg, h, "Cityscapes_Database", keys, 4, 1);
}

START_TEST(labels_rois_splits)
{
    make_tree();
    dbf_handle h;
    ck_assert_int_eq(open_db(&h, ""), N2D2_OK);
    /* 35 classes, then "café" (order of appearance). */
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 36);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "unlabeled");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 7), "road");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 26), "car");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 34), "license plate");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 35), "caf\xc3\xa9");
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 4);
    DBF_CHECK_SETS(h.db, 2, 1, 1);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 0), -1);
    /* road, car (from cargroup), café; the 2-point polygon is skipped. */
    ck_assert_uint_eq(n2d2_database_roi_count(h.db, 0), 3);
    n2d2_roi roi;
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.type, N2D2_ROI_POLYGON);
    ck_assert_int_eq(roi.label, 7);
    ck_assert_uint_eq(roi.n_points, 4);
    ck_assert_double_eq(roi.points[5], 3.5);
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 1, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 26);
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 2, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 23); /* sky */
    ck_assert_int_eq(n2d2_database_stimulus_set(h.db, 3), N2D2_SET_TEST);
    dbf_close(&h);
    /* Group labels kept: a new label "cargroup". */
    ck_assert_int_eq(open_db(&h, "SingleInstanceLabels=0\n"), N2D2_OK);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 35), "cargroup");
    dbf_close(&h);
    /* Coarse annotations, plus train_extra. */
    ck_assert_int_eq(open_db(&h, "UseCoarse=1\nIncTrainExtra=1\n"), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 5);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 3);
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 0, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 28); /* bus */
    ck_assert_int_eq(n2d2_database_roi_at(h.db, 2, 0, &roi), N2D2_OK);
    ck_assert_int_eq(roi.label, 27); /* truck, train_extra */
    dbf_close(&h);
    /* $CITYSCAPES_DATASET when DataPath is not given. */
    char env[4600];
    snprintf(env, sizeof env, "%s/leftImg8bit", dir);
    setenv("CITYSCAPES_DATASET", env, 1);
    ck_assert_int_eq(dbf_open(reg, &h, "Cityscapes_Database", "", 4, 1), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 4);
    dbf_close(&h);
    unsetenv("CITYSCAPES_DATASET");
}
END_TEST

START_TEST(annotation_errors)
{
    make_tree();
    dbf_handle h;
    text("gtFine/val/frankfurt/frankfurt_000000_000294_gtFine_polygons.json",
         "{\"objects\": [\n  {\"label\": \"sky\" \"polygon\": []}]}");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE,
                     "frankfurt_000000_000294_gtFine_polygons.json:2: byte offset 32: expected "
                     "',' or '}'");
    dbf_close(&h);
    text("gtFine/val/frankfurt/frankfurt_000000_000294_gtFine_polygons.json",
         "{\"objects\": [{\"label\": \"sky\", \"polygon\": [[0, 0], [1], [2, 2]]}]}");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "point 1 of object 0 is not [x, y]");
    dbf_close(&h);
    text("gtFine/val/frankfurt/frankfurt_000000_000294_gtFine_polygons.json", "{\"x\": 1}");
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_PARSE, "no \"objects\" array");
    dbf_close(&h);
    char path[4600];
    snprintf(path, sizeof path, "%s/gtFine/val/frankfurt/frankfurt_000000_000294_gtFine_polygons"
             ".json", dir);
    remove(path);
    dbf_assert_error(open_db(&h, ""), N2D2_ERR_NOT_FOUND, "annotation of");
    dbf_close(&h);
    dbf_assert_error(open_db(&h, "LabelPath=/nonexistent\n"), N2D2_ERR_NOT_FOUND,
                     "/nonexistent/train/aachen/aachen_000000_000019_nonexistent_polygons.json");
    dbf_close(&h);
}
END_TEST

static n2d2_status parse(const char *s, json_value *v)
{
    return json_parse(s, strlen(s), "t.json", v);
}

START_TEST(json_reader)
{
    json_value v;
    ck_assert_int_eq(parse(" {\"a\": [1, -2.5e2, true, false, null], \"s\": \"x\\\"\\\\\\/\\n"
                           "\\u0041\\ud83d\\ude00\", \"o\": {}} ", &v), N2D2_OK);
    ck_assert_int_eq(v.type, JSON_OBJECT);
    const json_value *a = json_get(&v, "a");
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a->n, 5);
    ck_assert_double_eq(a->items[1].number, -250.0);
    ck_assert_int_eq(a->items[2].type, JSON_BOOL);
    ck_assert_double_eq(a->items[2].number, 1.0);
    ck_assert_int_eq(a->items[4].type, JSON_NULL);
    ck_assert_str_eq(json_get(&v, "s")->string, "x\"\\/\nA\xf0\x9f\x98\x80");
    ck_assert_uint_eq(json_get(&v, "o")->n, 0);
    ck_assert_ptr_null(json_get(&v, "missing"));
    json_free(&v);
    dbf_assert_error(parse("[1, 2", &v), N2D2_ERR_PARSE, "t.json:1: byte offset 5: expected ','");
    dbf_assert_error(parse("{\"a\": \"b", &v), N2D2_ERR_PARSE, "unterminated string");
    dbf_assert_error(parse("[1] x", &v), N2D2_ERR_PARSE, "byte offset 4: data after the JSON");
    dbf_assert_error(parse("[\"\\q\"]", &v), N2D2_ERR_PARSE, "bad escape");
    dbf_assert_error(parse("\n\n[1e999]", &v), N2D2_ERR_PARSE, "t.json:3: byte offset 3: bad "
                     "number");
    char deep[200];
    memset(deep, '[', 100);
    deep[100] = '\0';
    dbf_assert_error(parse(deep, &v), N2D2_ERR_PARSE, "nested deeper than 64 levels");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cityscapes_database");
    TCase *tc = tcase_create("cityscapes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, labels_rois_splits);
    tcase_add_test(tc, annotation_errors);
    tcase_add_test(tc, json_reader);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
