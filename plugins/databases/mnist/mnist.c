/* MNIST_IDX_Database and Fashion_MNIST_IDX_Database (manual 19.2): the
 * four IDX files of a fixed 60,000 learn / 10,000 test split, loaded into
 * memory once. `Validation` moves that fraction of the learn set to the
 * validation set (at random with the partition stream unless
 * RandomPartitioning=0). Plain and gzip files, and both file spellings
 * (train-images-idx3-ubyte and train-images.idx3-ubyte), are accepted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "idx.h"
#include "n2d2/n2d2.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define DEBIAN_FASHION_DIR "/usr/share/datasets/fashion-mnist"

enum { TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS, N_FILES };

/* Base names; a '.' replaces the second '-' in the other spelling. */
static const char *const file_base[N_FILES] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

static const char *const digit_labels[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
/* Class order of the Fashion-MNIST README (label 0..9). */
static const char *const fashion_labels[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress",
                                               "Coat",        "Sandal",  "Shirt",    "Sneaker",
                                               "Bag",         "Ankle boot"};

static const n2d2_param_spec mnist_params[] = {
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the learning set used for validation"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/mnist", NULL, 0, 0, 0,
     "directory of the IDX files ($N2D2_DATA defaults to /local/$USER/n2d2_data)"},
};

static const n2d2_param_spec fashion_params[] = {
    {"Validation", N2D2_PARAM_FLOAT, "0.0", NULL, 0.0, 1.0, N2D2_PARAM_RANGE,
     "fraction of the learning set used for validation"},
    {"DataPath", N2D2_PARAM_STRING, "$N2D2_DATA/fashion-mnist", NULL, 0, 0, 0,
     "directory of the IDX files; when not given and the default does not exist, "
     DEBIAN_FASHION_DIR " (Debian package dataset-fashion-mnist)"},
};

typedef struct mnist {
    int fashion;
    const n2d2_params *params;
    char dir[4096];
    char path[N_FILES][4200];
    uint8_t *buf[N_FILES];
    mnist_idx idx[N_FILES];
    size_t rows, cols, n_train;
} mnist;

/* ---- paths ---- */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* N2D2_DATA, or its default (tool-flow checklist §0). */
static void data_root(char *out, size_t size)
{
    const char *env = getenv("N2D2_DATA");
    const char *user = getenv("USER");
    if (env && *env)
        snprintf(out, size, "%s", env);
    else if (user && *user)
        snprintf(out, size, "/local/%s/n2d2_data", user);
    else
        snprintf(out, size, "/local/n2d2_data");
}

/* A leading "$N2D2_DATA" (the defaults) becomes the data root. */
static void expand_path(const char *value, char *out, size_t size)
{
    static const char var[] = "$N2D2_DATA";
    if (strncmp(value, var, sizeof var - 1) == 0) {
        char root[4096];
        data_root(root, sizeof root);
        snprintf(out, size, "%s%s", root, value + sizeof var - 1);
    } else {
        snprintf(out, size, "%s", value);
    }
}

static n2d2_status find_file(mnist *m, int which)
{
    char dotted[64];
    snprintf(dotted, sizeof dotted, "%s", file_base[which]);
    char *dash = strchr(strchr(dotted, '-') + 1, '-');
    *dash = '.';
    const char *names[2] = {file_base[which], dotted};
    static const char *const suffixes[2] = {"", ".gz"};
    for (int s = 0; s < 2; ++s) {
        for (int n = 0; n < 2; ++n) {
            snprintf(m->path[which], sizeof m->path[which], "%s/%s%s", m->dir, names[n], suffixes[s]);
            if (is_file(m->path[which]))
                return N2D2_OK;
        }
    }
    return n2d2_params_error(m->params, "DataPath", N2D2_ERR_NOT_FOUND,
                             "%s: no %s (nor %s, nor either with .gz) in '%s'%s",
                             m->fashion ? "Fashion_MNIST_IDX_Database" : "MNIST_IDX_Database",
                             names[0], names[1], m->dir,
                             n2d2_params_given(m->params, "DataPath")
                                 ? ""
                                 : " (the default; set N2D2_DATA or DataPath)");
}

static void choose_dir(mnist *m)
{
    expand_path(n2d2_params_string(m->params, "DataPath"), m->dir, sizeof m->dir);
    if (m->fashion && !n2d2_params_given(m->params, "DataPath") && !is_dir(m->dir) &&
        is_dir(DEBIAN_FASHION_DIR))
        snprintf(m->dir, sizeof m->dir, "%s", DEBIAN_FASHION_DIR);
}

/* ---- loading ---- */

static n2d2_status load_file(mnist *m, int which)
{
    size_t len;
    int gz;
    n2d2_status st = find_file(m, which);
    if (st == N2D2_OK)
        st = mnist_idx_read_file(m->path[which], &m->buf[which], &len, &gz);
    if (st == N2D2_OK)
        st = mnist_idx_parse(m->buf[which], len, m->path[which], gz, &m->idx[which]);
    int images = which == TRAIN_IMAGES || which == TEST_IMAGES;
    if (st == N2D2_OK)
        st = mnist_idx_expect(&m->idx[which], m->path[which], MNIST_IDX_UBYTE, images ? 3 : 1,
                              images ? "images" : "labels");
    return st;
}

static n2d2_status check_pair(mnist *m, int images, int labels)
{
    const mnist_idx *im = &m->idx[images], *lb = &m->idx[labels];
    if (im->dims[0] != lb->dims[0])
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: %u labels (byte offset 4) but %s has %u images: the counts must match",
                          m->path[labels], lb->dims[0], m->path[images], im->dims[0]);
    if (im->dims[1] == 0 || im->dims[2] == 0)
        return n2d2_error(N2D2_ERR_PARSE, "%s: empty %ux%u images (byte offsets 8 and 12)",
                          m->path[images], im->dims[1], im->dims[2]);
    if (images == TEST_IMAGES &&
        (im->dims[1] != m->idx[TRAIN_IMAGES].dims[1] || im->dims[2] != m->idx[TRAIN_IMAGES].dims[2]))
        return n2d2_error(N2D2_ERR_PARSE,
                          "%s: %ux%u images (byte offsets 8 and 12), but %s has %ux%u",
                          m->path[images], im->dims[1], im->dims[2], m->path[TRAIN_IMAGES],
                          m->idx[TRAIN_IMAGES].dims[1], m->idx[TRAIN_IMAGES].dims[2]);
    for (size_t i = 0; i < lb->count; ++i)
        if (lb->data[i] > 9)
            return n2d2_error(N2D2_ERR_PARSE, "%s: label %u at byte offset %zu is not a class 0..9",
                              m->path[labels], lb->data[i], lb->header + i);
    return N2D2_OK;
}

static n2d2_status add_set(mnist *m, n2d2_database *db, int images, int labels, n2d2_set set)
{
    char name[4300];
    int n = snprintf(name, sizeof name, "%s:", m->path[images]);
    for (size_t i = 0; i < m->idx[images].count / (m->rows * m->cols); ++i) {
        snprintf(name + n, sizeof name - (size_t)n, "%zu", i);
        uint64_t key = (uint64_t)(images == TEST_IMAGES) << 32 | i;
        n2d2_status st = n2d2_database_add_stimulus(db, name, m->idx[labels].data[i], set, key, NULL);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

static n2d2_status mnist_load(void *state, n2d2_database *db, n2d2_rng *rng)
{
    mnist *m = state;
    choose_dir(m);
    n2d2_status st = N2D2_OK;
    for (int f = 0; f < N_FILES && st == N2D2_OK; ++f)
        st = load_file(m, f);
    if (st == N2D2_OK) {
        m->rows = m->idx[TRAIN_IMAGES].dims[1];
        m->cols = m->idx[TRAIN_IMAGES].dims[2];
        st = check_pair(m, TRAIN_IMAGES, TRAIN_LABELS);
    }
    if (st == N2D2_OK)
        st = check_pair(m, TEST_IMAGES, TEST_LABELS);
    const char *const *names = m->fashion ? fashion_labels : digit_labels;
    for (int k = 0; k < 10 && st == N2D2_OK; ++k)
        st = n2d2_database_add_label(db, names[k], NULL);
    if (st == N2D2_OK)
        st = add_set(m, db, TRAIN_IMAGES, TRAIN_LABELS, N2D2_SET_LEARN);
    if (st == N2D2_OK)
        st = add_set(m, db, TEST_IMAGES, TEST_LABELS, N2D2_SET_TEST);
    if (st != N2D2_OK)
        return st;
    m->n_train = m->idx[TRAIN_IMAGES].dims[0];
    /* Round to nearest, as the manual's partition examples do (A14). */
    double fraction = n2d2_params_float(m->params, "Validation");
    size_t n_valid = (size_t)llround(fraction * (double)m->n_train);
    return n2d2_database_move(db, N2D2_SET_LEARN, N2D2_SET_VALIDATION, n_valid, rng);
}

static n2d2_status mnist_read(void *state, const n2d2_database *db, size_t index,
                              n2d2_tensor **data, n2d2_tensor **labels)
{
    const mnist *m = state;
    *data = NULL;
    if (labels)
        *labels = NULL; /* no pixel-wise labels */
    uint64_t key = n2d2_database_stimulus_key(db, index);
    int which = (key >> 32) ? TEST_IMAGES : TRAIN_IMAGES;
    size_t i = (size_t)(key & 0xffffffffu), size = m->rows * m->cols;
    if (index >= n2d2_database_stimulus_count(db) || i >= m->idx[which].dims[0])
        return n2d2_error(N2D2_ERR_INVAL, "MNIST: no stimulus %zu", index);
    size_t dims[3] = {1, m->rows, m->cols};
    n2d2_status st = n2d2_tensor_new(N2D2_UINT8, 3, dims, data);
    if (st == N2D2_OK)
        memcpy(n2d2_tensor_data(*data), m->idx[which].data + i * size, size);
    return st;
}

static n2d2_status create(const n2d2_params *params, void **state, int fashion)
{
    mnist *m = calloc(1, sizeof *m);
    if (!m)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    m->fashion = fashion;
    m->params = params;
    *state = m;
    return N2D2_OK;
}

static n2d2_status mnist_create(const n2d2_params *params, void **state)
{
    return create(params, state, 0);
}

static n2d2_status fashion_create(const n2d2_params *params, void **state)
{
    return create(params, state, 1);
}

static void mnist_destroy(void *state)
{
    mnist *m = state;
    for (int f = 0; f < N_FILES; ++f)
        free(m->buf[f]);
    free(m);
}

static const n2d2_database_ops mnist_ops = {
    sizeof(n2d2_database_ops), mnist_create, mnist_load, mnist_read, mnist_destroy, {0}};
static const n2d2_database_ops fashion_ops = {
    sizeof(n2d2_database_ops), fashion_create, mnist_load, mnist_read, mnist_destroy, {0}};

static n2d2_status register_features(n2d2_registry *reg)
{
    const n2d2_feature mnist_feature = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, "MNIST_IDX_Database", NULL,
        "MNIST handwritten digits, IDX files (60,000 learn / 10,000 test)", mnist_params,
        COUNT_OF(mnist_params), &mnist_ops, 0, {0}};
    const n2d2_feature fashion_feature = {
        sizeof(n2d2_feature), N2D2_KIND_DATABASE, "Fashion_MNIST_IDX_Database", NULL,
        "Fashion-MNIST clothing images, IDX files (60,000 learn / 10,000 test)", fashion_params,
        COUNT_OF(fashion_params), &fashion_ops, 0, {0}};
    n2d2_status st = n2d2_registry_add(reg, &mnist_feature);
    return st == N2D2_OK ? n2d2_registry_add(reg, &fashion_feature) : st;
}

N2D2_PLUGIN_DEFINE(db_mnist, "1.0.0", "CECILL-C",
                   "MNIST and Fashion-MNIST IDX database drivers", register_features, NULL)
