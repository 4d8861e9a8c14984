/* Miniature MNIST datasets written by the tests themselves: IDX files,
 * plain or gzip, with known pixels and labels, in a fresh directory.
 * (Built with _GNU_SOURCE for mkdtemp and nftw.) */
#ifndef N2D2_TEST_IDX_FIXTURE_H
#define N2D2_TEST_IDX_FIXTURE_H

#include <check.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Pixel (y, x) of image i of a set (test images start at id 1000). */
static inline uint8_t fx_pixel(size_t id, size_t y, size_t x)
{
    return (uint8_t)((id * 7 + y * 6 + x * 3) % 256);
}

static inline uint8_t fx_label(size_t id) { return (uint8_t)(id % 10); }

static inline void fx_write(const char *path, const uint8_t *bytes, size_t n, int gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb");
        ck_assert_msg(f != NULL, "cannot write %s", path);
        ck_assert_int_eq(gzwrite(f, bytes, (unsigned)n), (int)n);
        ck_assert_int_eq(gzclose(f), Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        ck_assert_msg(f != NULL, "cannot write %s", path);
        ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
        fclose(f);
    }
}

static inline void fx_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* IDX bytes of `count` images (rows x cols) with ids first..; malloc'd. */
static inline uint8_t *fx_images(size_t count, size_t rows, size_t cols, size_t first, size_t *len)
{
    *len = 16 + count * rows * cols;
    uint8_t *b = malloc(*len);
    ck_assert_ptr_nonnull(b);
    fx_be32(b, 0x00000803);
    fx_be32(b + 4, (uint32_t)count);
    fx_be32(b + 8, (uint32_t)rows);
    fx_be32(b + 12, (uint32_t)cols);
    for (size_t i = 0; i < count; ++i)
        for (size_t y = 0; y < rows; ++y)
            for (size_t x = 0; x < cols; ++x)
                b[16 + (i * rows + y) * cols + x] = fx_pixel(first + i, y, x);
    return b;
}

static inline uint8_t *fx_labels(size_t count, size_t first, size_t *len)
{
    *len = 8 + count;
    uint8_t *b = malloc(*len);
    ck_assert_ptr_nonnull(b);
    fx_be32(b, 0x00000801);
    fx_be32(b + 4, (uint32_t)count);
    for (size_t i = 0; i < count; ++i)
        b[8 + i] = fx_label(first + i);
    return b;
}

/* File name of one of the four files: dotted = "train-images.idx3-ubyte". */
static inline void fx_name(char *out, size_t size, const char *dir, const char *base, int dotted,
                           int gz)
{
    char name[64];
    snprintf(name, sizeof name, "%s", base);
    if (dotted) {
        char *dash = strchr(strchr(name, '-') + 1, '-');
        *dash = '.';
    }
    snprintf(out, size, "%s/%s%s", dir, name, gz ? ".gz" : "");
}

/* A complete dataset: n_train + n_test images of rows x cols. */
static inline void fx_dataset(const char *dir, size_t n_train, size_t n_test, size_t rows,
                              size_t cols, int gz, int dotted)
{
    char path[4096];
    size_t len;
    uint8_t *b = fx_images(n_train, rows, cols, 0, &len);
    fx_name(path, sizeof path, dir, "train-images-idx3-ubyte", dotted, gz);
    fx_write(path, b, len, gz);
    free(b);
    b = fx_labels(n_train, 0, &len);
    fx_name(path, sizeof path, dir, "train-labels-idx1-ubyte", dotted, gz);
    fx_write(path, b, len, gz);
    free(b);
    b = fx_images(n_test, rows, cols, 1000, &len);
    fx_name(path, sizeof path, dir, "t10k-images-idx3-ubyte", dotted, gz);
    fx_write(path, b, len, gz);
    free(b);
    b = fx_labels(n_test, 1000, &len);
    fx_name(path, sizeof path, dir, "t10k-labels-idx1-ubyte", dotted, gz);
    fx_write(path, b, len, gz);
    free(b);
}

/* A new empty directory under the test binary dir (or /tmp). */
static inline char *fx_tempdir(const char *tag)
{
    const char *root = getenv("N2D2_TEST_BINARY_DIR");
    char *path = malloc(4096);
    ck_assert_ptr_nonnull(path);
    snprintf(path, 4096, "%s/%s-XXXXXX", root && *root ? root : "/tmp", tag);
    ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp %s failed", path);
    return path;
}

static inline int fx_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void fx_rmtree(char *dir)
{
    nftw(dir, fx_remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

#endif
