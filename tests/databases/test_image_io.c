/* The OpenCV image adapter of the database plugins: every format round
 * trips with its depth (8-bit raw, 16-bit to [0, 1], float raw), channels
 * stay in BGR order, and unreadable files give errors naming the file. */
#include "db_fixture.h"
#include "image_io.h"
#include "check_run.h"

#include <math.h>

#define H 3
#define W 4

static char *dir;

static void setup(void) { dir = dbf_tempdir("imgio"); }
static void teardown(void) { dbf_rmtree(dir); }

static void path_of(char *out, const char *name) { snprintf(out, 4096, "%s/%s", dir, name); }

static uint8_t px8(size_t c, size_t y, size_t x) { return (uint8_t)(c * 80 + y * 20 + x * 3 + 1); }

static n2d2_tensor *roundtrip_u8(const char *name, size_t c)
{
    uint8_t src[4 * H * W];
    for (size_t k = 0; k < c; ++k)
        for (size_t y = 0; y < H; ++y)
            for (size_t x = 0; x < W; ++x)
                src[(k * H + y) * W + x] = px8(k, y, x);
    char path[4096];
    path_of(path, name);
    ck_assert_int_eq(n2d2_dbimg_write(path, N2D2_DBIMG_U8, c, H, W, src), N2D2_OK);
    n2d2_tensor *t;
    ck_assert_msg(n2d2_dbimg_read(path, &t) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_uint_eq(n2d2_tensor_ndim(t), 3);
    DBF_CHECK_DIMS3(t, c, H, W);
    return t;
}

static void assert_exact_u8(const char *name, size_t c)
{
    n2d2_tensor *t = roundtrip_u8(name, c);
    ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_UINT8);
    const uint8_t *d = n2d2_tensor_cdata(t);
    for (size_t k = 0; k < c; ++k)
        for (size_t y = 0; y < H; ++y)
            for (size_t x = 0; x < W; ++x)
                ck_assert_msg(d[(k * H + y) * W + x] == px8(k, y, x), "%s: c%zu y%zu x%zu", name,
                              k, y, x);
    n2d2_tensor_release(t);
}

START_TEST(lossless_8bit_formats)
{
    assert_exact_u8("gray.png", 1);
    assert_exact_u8("bgr.png", 3);   /* channel 0 is blue, as OpenCV/N2D2 */
    assert_exact_u8("bgra.png", 4);  /* alpha kept (IMREAD_UNCHANGED) */
    assert_exact_u8("gray.pgm", 1);
    assert_exact_u8("bgr.ppm", 3);
    assert_exact_u8("bgr.bmp", 3);
    assert_exact_u8("gray.tif", 1);
    assert_exact_u8("bgr.tiff", 3);
}
END_TEST

START_TEST(jpeg_is_close)
{
    n2d2_tensor *t = roundtrip_u8("bgr.jpg", 3);
    ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_UINT8);
    /* Lossy, but the channel means keep their order B < G < R here. */
    double mean[3] = {0, 0, 0};
    const uint8_t *d = n2d2_tensor_cdata(t);
    for (size_t k = 0; k < 3; ++k)
        for (size_t i = 0; i < H * W; ++i)
            mean[k] += d[k * H * W + i] / (double)(H * W);
    ck_assert_msg(mean[0] < mean[1] && mean[1] < mean[2], "%g %g %g", mean[0], mean[1], mean[2]);
    ck_assert_msg(mean[0] > 10 && mean[0] < 40, "blue mean %g (expected about 25)", mean[0]);
    n2d2_tensor_release(t);
}
END_TEST

START_TEST(sixteen_bit_keeps_depth)
{
    static const char *const names[] = {"deep.png", "deep.tif", "deep.pgm"};
    uint16_t src[H * W];
    for (size_t i = 0; i < H * W; ++i)
        src[i] = (uint16_t)(i * 5000 + 257); /* not representable in 8 bits */
    for (size_t f = 0; f < 3; ++f) {
        char path[4096];
        path_of(path, names[f]);
        ck_assert_int_eq(n2d2_dbimg_write(path, N2D2_DBIMG_U16, 1, H, W, src), N2D2_OK);
        n2d2_tensor *t;
        ck_assert_msg(n2d2_dbimg_read(path, &t) == N2D2_OK, "%s", n2d2_error_message());
        ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_FLOAT32);
        const float *d = n2d2_tensor_cdata(t);
        for (size_t i = 0; i < H * W; ++i)
            ck_assert_msg(fabs(d[i] - src[i] / 65535.0) < 1e-7, "%s[%zu] = %g", names[f], i,
                          (double)d[i]);
        n2d2_tensor_release(t);
    }
}
END_TEST

START_TEST(float_tiff_is_raw)
{
    float src[3 * H * W];
    for (size_t i = 0; i < 3 * H * W; ++i)
        src[i] = -2.5f + 0.37f * (float)i;
    char path[4096];
    path_of(path, "f.tiff");
    ck_assert_int_eq(n2d2_dbimg_write(path, N2D2_DBIMG_F32, 3, H, W, src), N2D2_OK);
    n2d2_tensor *t;
    ck_assert_msg(n2d2_dbimg_read(path, &t) == N2D2_OK, "%s", n2d2_error_message());
    ck_assert_int_eq(n2d2_tensor_dtype(t), N2D2_FLOAT32);
    ck_assert_uint_eq(n2d2_tensor_dim(t, 0), 3);
    ck_assert_int_eq(memcmp(n2d2_tensor_cdata(t), src, sizeof src), 0);
    n2d2_tensor_release(t);
}
END_TEST

START_TEST(errors_name_the_file)
{
    char path[4096];
    n2d2_tensor *t = (n2d2_tensor *)&t;
    path_of(path, "missing.png");
    dbf_assert_error(n2d2_dbimg_read(path, &t), N2D2_ERR_NOT_FOUND, path);
    ck_assert_ptr_null(t);

    path_of(path, "garbage.png");
    dbf_write_text(path, "this is not an image at all");
    dbf_assert_error(n2d2_dbimg_read(path, &t), N2D2_ERR_PARSE, path);

    path_of(path, "empty.png");
    dbf_write(path, "", 0);
    dbf_assert_error(n2d2_dbimg_read(path, &t), N2D2_ERR_PARSE, "empty file");

    /* A PNG cut after its header: the decoder fails, the file is named. */
    n2d2_tensor *ok = roundtrip_u8("whole.png", 3);
    n2d2_tensor_release(ok);
    char whole[4096];
    path_of(whole, "whole.png");
    FILE *f = fopen(whole, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char buf[40];
    ck_assert_uint_eq(fread(buf, 1, sizeof buf, f), sizeof buf);
    fclose(f);
    path_of(path, "cut.png");
    dbf_write(path, buf, sizeof buf);
    dbf_assert_error(n2d2_dbimg_read(path, &t), N2D2_ERR_PARSE, path);
    ck_assert_ptr_null(t);

    path_of(path, "dir.png");
    ck_assert_int_eq(mkdir(path, 0755), 0);
    ck_assert_int_ne(n2d2_dbimg_read(path, &t), N2D2_OK);
    ck_assert_ptr_nonnull(strstr(n2d2_error_message(), path));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("image_io");
    TCase *tc = tcase_create("image_io");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, lossless_8bit_formats);
    tcase_add_test(tc, jpeg_is_close);
    tcase_add_test(tc, sixteen_bit_keeps_depth);
    tcase_add_test(tc, float_tiff_is_raw);
    tcase_add_test(tc, errors_name_the_file);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
