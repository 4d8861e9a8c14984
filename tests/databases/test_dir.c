/* DIR_Database on miniature trees of PNG files written by the test:
 * label names and order, the manual's per-label partition (rounding to
 * nearest, equi-partition on the smallest label), counts, Depth and
 * LabelDepth, ValidExtensions, IgnoreMasks, LoadInMemory, reproducible
 * random partitions, and errors that name the key or the file. */
#include "db_fixture.h"
#include "dir_walk.h"
#include "image_io.h"
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(db_dir);

#define H 4
#define W 5

static n2d2_registry *reg;
static n2d2_loader *loader;
static char *dir;

/* Pixel of image `id` (unique per file). */
static uint8_t px(size_t id, size_t c, size_t y, size_t x)
{
    return (uint8_t)((id * 11 + c * 50 + y * 7 + x) % 256);
}

static void write_png(const char *sub, const char *name, size_t id)
{
    uint8_t src[3 * H * W];
    for (size_t c = 0; c < 3; ++c)
        for (size_t y = 0; y < H; ++y)
            for (size_t x = 0; x < W; ++x)
                src[(c * H + y) * W + x] = px(id, c, y, x);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%s%s", dir, sub, *sub ? "/" : "", name);
    ck_assert_int_eq(n2d2_dbimg_write(path, N2D2_DBIMG_U8, 3, H, W, src), N2D2_OK);
}

/* The manual's GST example in miniature: 8 / 3 / 5 / 6 images. */
static const char *const classes[4] = {"airplanes", "car_side", "Faces", "Motorbikes"};
static const size_t class_size[4] = {8, 3, 5, 6};

static void make_gst(void)
{
    size_t id = 0;
    for (int k = 0; k < 4; ++k) {
        dbf_mkdir(dir, classes[k]);
        for (size_t i = 0; i < class_size[k]; ++i) {
            char name[64];
            snprintf(name, sizeof name, "img%02zu.png", i);
            write_png(classes[k], name, id++);
        }
    }
}

static void setup(void)
{
    static const n2d2_static_plugin table[] = {N2D2_STATIC_PLUGIN(db_dir)};
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_preload(loader, table, 1), N2D2_OK);
    dir = dbf_tempdir("dirdb");
}

static void teardown(void)
{
    dbf_rmtree(dir);
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

static n2d2_status open_dir(dbf_handle *h, const char *extra, uint64_t seed, int random)
{
    char keys[8192];
    snprintf(keys, sizeof keys, "DataPath=%s\n%s", dir, extra);
    return dbf_open(reg, h, "DIR_Database", keys, seed, random);
}

START_TEST(labels_sorted_case_insensitively)
{
    make_gst();
    dbf_handle h;
    ck_assert_msg(open_dir(&h, "Learn=0.4\nValidation=0.2\n", 1, 1) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 4);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "airplanes");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "car_side");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "Faces");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 3), "Motorbikes");
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 22);
    /* Every stimulus is named by its path and labelled by its folder. */
    for (size_t i = 0; i < 22; ++i) {
        const char *name = n2d2_database_stimulus_name(h.db, i);
        const char *label = n2d2_database_label_name(h.db, n2d2_database_stimulus_label(h.db, i));
        char want[4096];
        snprintf(want, sizeof want, "%s/%s/", dir, label);
        ck_assert_msg(strncmp(name, want, strlen(want)) == 0, "%s not under %s", name, want);
    }
    dbf_close(&h);
}
END_TEST

START_TEST(equi_partition_rounds_to_nearest)
{
    make_gst();
    dbf_handle h;
    /* Smallest label: 3 -> learn round(1.2) = 1, validation round(0.6) = 1. */
    ck_assert_int_eq(open_dir(&h, "Learn=0.4\nValidation=0.2\n", 1, 1), N2D2_OK);
    static const size_t test_want[4] = {6, 1, 3, 4};
    for (int k = 0; k < 4; ++k) {
        ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, k), 1);
        ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_VALIDATION, k), 1);
        ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, k), test_want[k]);
    }
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_UNPARTITIONED), 0);
    dbf_close(&h);
}
END_TEST

START_TEST(per_label_fractions_without_equi)
{
    make_gst();
    dbf_handle h;
    ck_assert_int_eq(open_dir(&h, "Learn=0.5\nValidation=0.25\nEquivLabelPartitioning=0\n", 1, 1),
                     N2D2_OK);
    /* 8 -> 4/2/2, 3 -> round(1.5)=2 / round(0.75)=1 / 0, 5 -> 3/1/1, 6 -> 3/2/1 */
    static const size_t want[4][3] = {{4, 2, 2}, {2, 1, 0}, {3, 1, 1}, {3, 2, 1}};
    for (int k = 0; k < 4; ++k)
        for (int s = 0; s < 3; ++s)
            ck_assert_msg(dbf_count(h.db, (n2d2_set)s, k) == want[k][s], "label %d set %d: %zu",
                          k, s, dbf_count(h.db, (n2d2_set)s, k));
    dbf_close(&h);
}
END_TEST

START_TEST(explicit_test_leaves_unpartitioned)
{
    make_gst();
    dbf_handle h;
    ck_assert_int_eq(open_dir(&h, "Learn=0.5\nTest=0.25\nEquivLabelPartitioning=0\n", 1, 1),
                     N2D2_OK);
    /* airplanes: 4 learn, 2 test, 2 left out. */
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, 0), 4);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, 0), 2);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_UNPARTITIONED, 0), 2);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_VALIDATION), 0);
    dbf_close(&h);
}
END_TEST

START_TEST(counts_regardless_of_labels)
{
    make_gst();
    dbf_handle h;
    ck_assert_int_eq(open_dir(&h, "PerLabelPartitioning=0\nLearn=10\nValidation=5\n", 1, 0),
                     N2D2_OK);
    DBF_CHECK_SETS(h.db, 10, 5, 7);
    /* In order (no random stream): the first 10 files learn. */
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, 0), 8);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, 1), 2);
    dbf_close(&h);
    dbf_assert_error(open_dir(&h, "PerLabelPartitioning=0\nLearn=20\nValidation=5\n", 1, 1),
                     N2D2_ERR_RANGE, "db.ini:6");
    dbf_close(&h);
    dbf_assert_error(open_dir(&h, "PerLabelPartitioning=0\nLearn=2.5\n", 1, 1), N2D2_ERR_RANGE,
                     "number of stimuli");
    dbf_close(&h);
}
END_TEST

START_TEST(random_partition_is_seeded)
{
    make_gst();
    dbf_handle a, b, c;
    ck_assert_int_eq(open_dir(&a, "Learn=0.5\nValidation=0.2\n", 7, 1), N2D2_OK);
    ck_assert_int_eq(open_dir(&b, "Learn=0.5\nValidation=0.2\n", 7, 1), N2D2_OK);
    ck_assert_int_eq(open_dir(&c, "Learn=0.5\nValidation=0.2\n", 8, 1), N2D2_OK);
    int differs = 0;
    for (size_t i = 0; i < 22; ++i) {
        ck_assert_int_eq(n2d2_database_stimulus_set(a.db, i), n2d2_database_stimulus_set(b.db, i));
        differs |= n2d2_database_stimulus_set(a.db, i) != n2d2_database_stimulus_set(c.db, i);
    }
    ck_assert_msg(differs, "seeds 7 and 8 gave the same partition");
    dbf_close(&a);
    dbf_close(&b);
    dbf_close(&c);
}
END_TEST

START_TEST(read_decodes_the_file)
{
    make_gst();
    for (int mem = 0; mem < 2; ++mem) {
        dbf_handle h;
        char keys[128];
        snprintf(keys, sizeof keys, "Learn=0.4\nLoadInMemory=%d\n", mem);
        ck_assert_int_eq(open_dir(&h, keys, 1, 0), N2D2_OK);
        for (size_t i = 0; i < 22; ++i) {
            /* ids were given in walk order: class by class, files sorted. */
            size_t id = i;
            n2d2_tensor *t, *lab = (n2d2_tensor *)&t;
            ck_assert_int_eq(h.ops->read(h.state, h.db, i, &t, &lab), N2D2_OK);
            ck_assert_ptr_null(lab);
            ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_UINT8);
            ck_assert_uint_eq(n2d2_tensor_dim(t, 0), 3);
            const uint8_t *d = n2d2_tensor_cdata(t);
            for (size_t c = 0; c < 3; ++c)
                for (size_t y = 0; y < H; ++y)
                    for (size_t x = 0; x < W; ++x)
                        ck_assert_int_eq(d[(c * H + y) * W + x], px(id, c, y, x));
            /* The caller owns it: modifying must not change the next read. */
            memset(n2d2_tensor_data(t), 0, n2d2_tensor_nbytes(t));
            n2d2_tensor_release(t);
            ck_assert_int_eq(h.ops->read(h.state, h.db, i, &t, NULL), N2D2_OK);
            ck_assert_int_eq(((const uint8_t *)n2d2_tensor_cdata(t))[1], px(id, 0, 0, 1));
            n2d2_tensor_release(t);
        }
        dbf_close(&h);
    }
}
END_TEST

START_TEST(depth_and_label_depth)
{
    /* root: r.png; a/: a1.png; a/b/: b1.png b2.png; c/: c1.png */
    write_png("", "r.png", 0);
    dbf_mkdir(dir, "a");
    write_png("a", "a1.png", 1);
    dbf_mkdir(dir, "a/b");
    write_png("a/b", "b1.png", 2);
    write_png("a/b", "b2.png", 3);
    dbf_mkdir(dir, "c");
    write_png("c", "c1.png", 4);
    dbf_handle h;

    ck_assert_int_eq(open_dir(&h, "Learn=1.0\nDepth=0\nLabelName=all\nLabelDepth=0\n", 1, 0),
                     N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 1);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "all");
    dbf_close(&h);

    /* Depth 1 (default): a/b is not scanned; labels "", a, c. */
    ck_assert_int_eq(open_dir(&h, "Learn=1.0\n", 1, 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 3);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_int_eq(n2d2_database_label_id(h.db, "a"), 1);
    dbf_close(&h);

    /* Recursive, label = two levels under LabelName. */
    ck_assert_int_eq(open_dir(&h, "Learn=1.0\nDepth=-1\nLabelName=x\nLabelDepth=2\n", 1, 0),
                     N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 5);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 4);
    ck_assert_int_ge(n2d2_database_label_id(h.db, "x"), 0);
    ck_assert_int_ge(n2d2_database_label_id(h.db, "x/a"), 0);
    ck_assert_int_ge(n2d2_database_label_id(h.db, "x/a/b"), 0);
    ck_assert_int_ge(n2d2_database_label_id(h.db, "x/c"), 0);
    dbf_close(&h);

    /* LabelDepth 1 with Depth -1: a/b files keep label "a". */
    ck_assert_int_eq(open_dir(&h, "Learn=1.0\nDepth=-1\nLabelDepth=1\nEquivLabelPartitioning=0\n", 1, 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, n2d2_database_label_id(h.db, "a")), 3);
    dbf_close(&h);

    /* No labels at all. */
    ck_assert_int_eq(open_dir(&h, "Learn=0.6\nDepth=-1\nLabelDepth=-1\n", 1, 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 0);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, -1), 3);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, -1), 2);
    dbf_close(&h);
}
END_TEST

START_TEST(extensions_and_masks)
{
    make_gst();
    char path[4096];
    snprintf(path, sizeof path, "%s/airplanes/notes.txt", dir);
    dbf_write_text(path, "not an image");
    dbf_mkdir(dir, "_background_noise_");
    write_png("_background_noise_", "noise.png", 99);
    write_png("Faces", "skip_me.PNG", 98);
    dbf_handle h;
    ck_assert_int_eq(open_dir(&h,
                              "Learn=0.5\nValidExtensions=png\n"
                              "IgnoreMasks=*_background_noise_ */Faces/skip+me.*\n",
                              1, 1),
                     N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 22);
    ck_assert_int_eq(n2d2_database_label_id(h.db, "_background_noise_"), -1);
    dbf_close(&h);
    /* Without the masks, the upper-case .PNG counts (case-insensitive
     * extensions) and the noise folder is a label; notes.txt never counts. */
    ck_assert_int_eq(open_dir(&h, "Learn=0.5\nValidExtensions=.png\n", 1, 1), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 24);
    dbf_close(&h);
    /* Any extension: notes.txt is a stimulus, and reading it names it. */
    ck_assert_int_eq(open_dir(&h, "Learn=1.0\n", 1, 0), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_stimulus_count(h.db), 25);
    int seen = 0;
    for (size_t i = 0; i < 25; ++i)
        if (strstr(n2d2_database_stimulus_name(h.db, i), "notes.txt")) {
            n2d2_tensor *t;
            dbf_assert_error(h.ops->read(h.state, h.db, i, &t, NULL), N2D2_ERR_PARSE, path);
            seen = 1;
        }
    ck_assert(seen);
    dbf_close(&h);
    /* With LoadInMemory the same file stops the load. */
    dbf_assert_error(open_dir(&h, "Learn=1.0\nLoadInMemory=1\n", 1, 0), N2D2_ERR_PARSE, path);
    dbf_close(&h);
}
END_TEST

START_TEST(mask_matcher)
{
    ck_assert_int_eq(dir_mask_match("*_background_noise_", "/d/_background_noise_"), 1);
    ck_assert_int_eq(dir_mask_match("*_background_noise_", "/d/_background_noise_/a.wav"), 0);
    ck_assert_int_eq(dir_mask_match("*_background_noise_*", "/d/_background_noise_/a.wav"), 1);
    ck_assert_int_eq(dir_mask_match("a+c", "abc"), 1);
    ck_assert_int_eq(dir_mask_match("a+c", "ac"), 0);
    ck_assert_int_eq(dir_mask_match("*.png", "x.png.bak"), 0);
    ck_assert_int_eq(dir_mask_match("**x", "x"), 1);
}
END_TEST

START_TEST(errors)
{
    make_gst();
    dbf_handle h;
    /* Smallest label 3: Learn=0.1 gives round(0.3) = 0 learning stimuli. */
    dbf_assert_error(open_dir(&h, "Learn=0.1\n", 1, 1), N2D2_ERR_RANGE, "car_side");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "db.ini:4"));
    dbf_close(&h);
    dbf_assert_error(open_dir(&h, "Learn=0.7\nValidation=0.4\n", 1, 1), N2D2_ERR_RANGE,
                     "must not exceed 1");
    dbf_close(&h);
    dbf_assert_error(open_dir(&h, "Learn=1.5\n", 1, 1), N2D2_ERR_RANGE, "at most 1");
    dbf_close(&h);
    dbf_assert_error(open_dir(&h, "Learn=0.5\nValidation=-0.1\n", 1, 1), N2D2_ERR_RANGE,
                     "must not be negative");
    dbf_close(&h);
    dbf_assert_error(open_dir(&h, "Validation=0.5\n", 1, 1), N2D2_ERR_NOT_FOUND, "Learn");
    dbf_close(&h);
    dbf_assert_error(open_dir(&h, "Learn=0.5\nLoadMore=database.more\n", 1, 1),
                     N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
    dbf_close(&h);
    dbf_assert_error(open_dir(&h, "Learn=0.5\nROIFile=rois.txt\n", 1, 1),
                     N2D2_ERR_NOT_IMPLEMENTED, "ROIFile");
    dbf_close(&h);
    dbf_assert_error(open_dir(&h, "Learn=0.5\nValidExtensions=wav\n", 1, 1),
                     N2D2_ERR_NOT_FOUND, "airplanes");
    dbf_close(&h);
    dbf_mkdir(dir, "empty_class");
    dbf_assert_error(open_dir(&h, "Learn=0.5\n", 1, 1), N2D2_ERR_NOT_FOUND, "empty_class");
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), "db.ini:3"));
    dbf_close(&h);
    dbf_handle g;
    dbf_assert_error(dbf_open(reg, &g, "DIR_Database", "DataPath=/nonexistent/n2d2\nLearn=1\n", 1,
                              1),
                     N2D2_ERR_NOT_FOUND, "/nonexistent/n2d2");
    dbf_close(&g);
}
END_TEST

START_TEST(caltech_clutter)
{
    static const char *const cats[] = {"accordion", "BACKGROUND_Google", "ant"};
    static const size_t sizes[] = {4, 3, 6};
    size_t id = 0;
    for (int k = 0; k < 3; ++k) {
        dbf_mkdir(dir, cats[k]);
        for (size_t i = 0; i < sizes[k]; ++i) {
            char name[64];
            snprintf(name, sizeof name, "image_%04zu.jpg", i + 1);
            write_png(cats[k], name, id++);
        }
    }
    char keys[4200];
    snprintf(keys, sizeof keys, "DataPath=%s\nLearn=0.5\nValidation=0.25\n", dir);
    dbf_handle h;
    ck_assert_msg(dbf_open(reg, &h, "Caltech101_DIR_Database", keys, 1, 1) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 2);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "accordion");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "ant");
    /* smallest 4: 2 learn, 1 validation per label, the rest test */
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, 1), 2);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_VALIDATION, 1), 1);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, 1), 3);
    dbf_close(&h);
    snprintf(keys, sizeof keys, "DataPath=%s\nLearn=0.5\nIncClutter=1\n", dir);
    ck_assert_int_eq(dbf_open(reg, &h, "Caltech101_DIR_Database", keys, 1, 1), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 2), "BACKGROUND_Google");
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, 0), 2); /* round(1.5) */
    dbf_close(&h);
    /* Caltech 256 skips its own clutter folder name only. */
    ck_assert_int_eq(dbf_open(reg, &h, "Caltech256_DIR_Database", keys, 1, 1), N2D2_OK);
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    dbf_close(&h);
    snprintf(keys, sizeof keys, "DataPath=%s\nValidation=0.1\n", dir);
    dbf_assert_error(dbf_open(reg, &h, "Caltech256_DIR_Database", keys, 1, 1),
                     N2D2_ERR_NOT_FOUND, "Learn");
    dbf_close(&h);
}
END_TEST

static void write_gt(const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/Final_Test/Images/GT-final_test.csv", dir);
    dbf_write_text(path, text);
}

START_TEST(gtsrb_layout)
{
    dbf_mkdir(dir, "Final_Training");
    dbf_mkdir(dir, "Final_Training/Images");
    dbf_mkdir(dir, "Final_Training/Images/00000");
    dbf_mkdir(dir, "Final_Training/Images/00001");
    dbf_mkdir(dir, "Final_Test");
    dbf_mkdir(dir, "Final_Test/Images");
    write_png("Final_Training/Images/00000", "00000_00000.ppm", 0);
    write_png("Final_Training/Images/00000", "00000_00001.ppm", 1);
    write_png("Final_Training/Images/00000", "00000_00002.ppm", 2);
    write_png("Final_Training/Images/00001", "00000_00000.ppm", 3);
    write_png("Final_Training/Images/00001", "00000_00001.ppm", 4);
    char path[4096];
    snprintf(path, sizeof path, "%s/Final_Training/Images/00000/GT-00000.csv", dir);
    dbf_write_text(path, "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n");
    for (int i = 0; i < 3; ++i) {
        char name[32];
        snprintf(name, sizeof name, "%05d.ppm", i);
        write_png("Final_Test/Images", name, 10 + (size_t)i);
    }
    write_gt("Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n"
             "00000.ppm;5;4;0;0;4;3;1\n00001.ppm;5;4;0;0;4;3;0\n00002.ppm;5;4;0;0;4;3;1\n");
    char keys[4200];
    snprintf(keys, sizeof keys, "DataPath=%s\nValidation=0.4\n", dir);
    dbf_handle h;
    ck_assert_msg(dbf_open(reg, &h, "GTSRB_DIR_Database", keys, 1, 1) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 2);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "00001");
    DBF_CHECK_SETS(h.db, 3, 2, 3);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, 1), 2);
    ck_assert_int_eq(n2d2_database_stimulus_label(h.db, 6), 0); /* 00001.ppm */
    n2d2_tensor *t;
    ck_assert_int_eq(h.ops->read(h.state, h.db, 6, &t, NULL), N2D2_OK);
    ck_assert_int_eq(((const uint8_t *)n2d2_tensor_cdata(t))[0], px(11, 0, 0, 0));
    n2d2_tensor_release(t);
    dbf_close(&h);

    write_gt("Filename;ClassId\n00000.ppm;1\n00001.ppm;7\n00002.ppm;1\n");
    dbf_assert_error(dbf_open(reg, &h, "GTSRB_DIR_Database", keys, 1, 1), N2D2_ERR_PARSE,
                     "GT-final_test.csv:3: ClassId 7");
    dbf_close(&h);
    write_gt("Filename;ClassId\n00000.ppm;1\n00002.ppm;1\n");
    dbf_assert_error(dbf_open(reg, &h, "GTSRB_DIR_Database", keys, 1, 1), N2D2_ERR_NOT_FOUND,
                     "no ground truth for test image");
    dbf_close(&h);
    write_gt("Filename;ClassId\n00000.ppm;x\n");
    dbf_assert_error(dbf_open(reg, &h, "GTSRB_DIR_Database", keys, 1, 1), N2D2_ERR_PARSE,
                     "GT-final_test.csv:2");
    dbf_close(&h);
    snprintf(path, sizeof path, "%s/Final_Test/Images/GT-final_test.csv", dir);
    remove(path);
    dbf_assert_error(dbf_open(reg, &h, "GTSRB_DIR_Database", keys, 1, 1), N2D2_ERR_NOT_FOUND,
                     "GTSRB_Final_Test_GT.zip");
    dbf_close(&h);
}
END_TEST

START_TEST(ilsvrc_layout)
{
    static const char *const folders[] = {"train", "train/n01", "train/n02", "val", "val/n01",
                                          "val/n02"};
    static const size_t counts[] = {0, 4, 2, 0, 1, 2};
    size_t id = 0;
    for (int k = 0; k < 6; ++k) {
        dbf_mkdir(dir, folders[k]);
        for (size_t i = 0; i < counts[k]; ++i) {
            char name[32];
            snprintf(name, sizeof name, "img_%zu.JPEG", i);
            write_png(folders[k], name, id++);
        }
    }
    char path[4096], keys[8192];
    snprintf(path, sizeof path, "%s/synsets.txt", dir);
    dbf_write_text(path, "n02 goldfish, Carassius auratus\nn01 tench\n\nn03 other\n");
    snprintf(keys, sizeof keys, "DataPath=%s\nLabelPath=%s\nLearn=0.5\n", dir, path);
    dbf_handle h;
    ck_assert_msg(dbf_open(reg, &h, "ILSVRC2012_Database", keys, 1, 1) == N2D2_OK, "%s",
                  n2d2_error_message());
    ck_assert_uint_eq(n2d2_database_label_count(h.db), 3);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "n02"); /* file order */
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "n01");
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, 1), 2);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_VALIDATION, 1), 2);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_LEARN, 0), 1);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_VALIDATION, 0), 1);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, 0), 2);
    ck_assert_uint_eq(dbf_count(h.db, N2D2_SET_TEST, 1), 1);
    dbf_close(&h);
    snprintf(keys, sizeof keys, "DataPath=%s\nLabelPath=%s\nLearn=1.0\nBackgroundClass=1\n", dir,
             path);
    ck_assert_int_eq(dbf_open(reg, &h, "ILSVRC2012_Database", keys, 1, 0), N2D2_OK);
    ck_assert_str_eq(n2d2_database_label_name(h.db, 0), "background");
    ck_assert_str_eq(n2d2_database_label_name(h.db, 1), "n02");
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_LEARN), 6);
    ck_assert_uint_eq(n2d2_database_set_count(h.db, N2D2_SET_VALIDATION), 0);
    dbf_close(&h);
    write_png("val", "flat.JPEG", 50);
    dbf_assert_error(dbf_open(reg, &h, "ILSVRC2012_Database", keys, 1, 1),
                     N2D2_ERR_NOT_IMPLEMENTED, "flat.JPEG: images outside synset folders");
    dbf_close(&h);
    dbf_write_text(path, "n02\n");
    dbf_assert_error(dbf_open(reg, &h, "ILSVRC2012_Database", keys, 1, 1), N2D2_ERR_NOT_FOUND,
                     "folder 'n01' is not a synset");
    dbf_close(&h);
    dbf_write_text(path, "n02\nn01\nn02\n");
    dbf_assert_error(dbf_open(reg, &h, "ILSVRC2012_Database", keys, 1, 1), N2D2_ERR_PARSE,
                     "synsets.txt:3: synset 'n02' listed twice");
    dbf_close(&h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dir_database");
    TCase *tc = tcase_create("dir");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, labels_sorted_case_insensitively);
    tcase_add_test(tc, equi_partition_rounds_to_nearest);
    tcase_add_test(tc, per_label_fractions_without_equi);
    tcase_add_test(tc, explicit_test_leaves_unpartitioned);
    tcase_add_test(tc, counts_regardless_of_labels);
    tcase_add_test(tc, random_partition_is_seeded);
    tcase_add_test(tc, read_decodes_the_file);
    tcase_add_test(tc, depth_and_label_depth);
    tcase_add_test(tc, extensions_and_masks);
    tcase_add_test(tc, mask_matcher);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, caltech_clutter);
    tcase_add_test(tc, gtsrb_layout);
    tcase_add_test(tc, ilsvrc_layout);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
