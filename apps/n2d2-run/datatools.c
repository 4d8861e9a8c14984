/* Seeing the data, as N2D2 does:
 * - frames/: the first pre-processed stimuli of each non-empty set (the
 *   data as the network gets it, on-the-fly draws of the first pass), as
 *   PNG pictures and as text (.dat), listed in frames/frames.txt. Learn
 *   frames are frame_<i>, the others <set>_frame_<i> (test_frame_<i>...).
 * - -pre-samples N: learn stimulus N through the whole pipeline 100 times,
 *   sample_<i> drawn with the on-the-fly draws of pass i+1, written to
 *   pre_samples_<N>/sample_<i>.png (N2D2 writes .jpg; these are PNG, the
 *   only format written without an image library).
 * - -log-db-stats: dbstats/labels.dat (stimuli per label and set) and
 *   dbstats/sizes.dat (raw width/height/channels ranges per set, as the
 *   driver decodes them), plus a summary on stdout.
 * Pictures map each tensor's min..max to 0..255 (n2d2/image.h). */
#include "datatools.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "n2d2/image.h"

#define FRAMES_PER_SET 16
#define PRE_SAMPLES 100

int datatools_wanted(const run_options *opt)
{
    return opt->pre_samples >= 0 || opt->log_db_stats;
}

static n2d2_status make_dir(const char *path)
{
    struct stat sb;
    if (mkdir(path, 0777) == 0 || (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return N2D2_OK;
    return n2d2_error(N2D2_ERR_IO, "cannot create the folder '%s': %s", path, strerror(errno));
}

static const char *label_name(const n2d2_database *db, int label)
{
    const char *name = label >= 0 ? n2d2_database_label_name(db, label) : NULL;
    return name ? name : "-";
}

/* Text dump: a header comment, then each channel as H lines of W values,
 * channels separated by a blank line (gnuplot's "index" blocks). */
static n2d2_status write_dat(const char *path, const n2d2_tensor *t, const char *header)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
    size_t c = n2d2_tensor_dim(t, 0), h = n2d2_tensor_dim(t, 1), w = n2d2_tensor_dim(t, 2);
    int ok = fprintf(f, "# %s\n# %zu channel(s) x %zu rows x %zu columns\n", header, c, h, w) > 0;
    for (size_t k = 0; ok && k < c; ++k) {
        if (k)
            ok = fputc('\n', f) != EOF && fputc('\n', f) != EOF;
        for (size_t y = 0; ok && y < h; ++y)
            for (size_t x = 0; ok && x < w; ++x)
                ok = fprintf(f, "%.9g%c", n2d2_tensor_get(t, (k * h + y) * w + x),
                             x + 1 == w ? '\n' : ' ') > 0;
    }
    if (fclose(f) != 0)
        ok = 0;
    return ok ? N2D2_OK : n2d2_error(N2D2_ERR_IO, "write error on '%s'", path);
}

static n2d2_status write_frames(run_session *s)
{
    const n2d2_database *db = n2d2_stimuli_database(s->stimuli);
    char dir[4096], path[4200];
    session_path(s, "frames", dir, sizeof dir);
    n2d2_status st = make_dir(dir);
    if (st != N2D2_OK)
        return st;
    snprintf(path, sizeof path, "%s/frames.txt", dir);
    FILE *list = fopen(path, "w");
    if (!list)
        return n2d2_error(N2D2_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
    fprintf(list, "# file set position database_index label label_name stimulus\n");
    static const n2d2_set sets[] = {N2D2_SET_LEARN, N2D2_SET_VALIDATION, N2D2_SET_TEST};
    for (size_t k = 0; k < 3 && st == N2D2_OK; ++k) {
        size_t n = n2d2_stimuli_set_size(s->stimuli, sets[k]);
        if (n > FRAMES_PER_SET)
            n = FRAMES_PER_SET;
        for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
            n2d2_tensor *t;
            int label;
            size_t index;
            st = n2d2_stimuli_sample(s->stimuli, sets[k], i, 1, &t, &label, &index);
            if (st != N2D2_OK)
                break;
            char stem[64], header[4600];
            if (sets[k] == N2D2_SET_LEARN)
                snprintf(stem, sizeof stem, "frame_%zu", i);
            else
                snprintf(stem, sizeof stem, "%s_frame_%zu",
                         sets[k] == N2D2_SET_TEST ? "test" : "validation", i);
            const char *name = n2d2_database_stimulus_name(db, index);
            snprintf(header, sizeof header, "%s stimulus %zu (database index %zu, '%s'), label %d (%s)",
                     n2d2_set_name(sets[k]), i, index, name, label, label_name(db, label));
            snprintf(path, sizeof path, "%s/%s.png", dir, stem);
            st = n2d2_png_write_tensor(path, t);
            if (st == N2D2_OK) {
                snprintf(path, sizeof path, "%s/%s.dat", dir, stem);
                st = write_dat(path, t, header);
            }
            if (st == N2D2_OK)
                fprintf(list, "%s %s %zu %zu %d %s %s\n", stem, n2d2_set_name(sets[k]), i, index,
                        label, label_name(db, label), n2d2_database_stimulus_name(db, index));
            n2d2_tensor_release(t);
        }
    }
    if (fclose(list) != 0 && st == N2D2_OK)
        st = n2d2_error(N2D2_ERR_IO, "write error on '%s/frames.txt'", dir);
    return st;
}

static n2d2_status write_pre_samples(run_session *s, int64_t id)
{
    size_t n = n2d2_stimuli_set_size(s->stimuli, N2D2_SET_LEARN);
    if (n == 0)
        return n2d2_error(N2D2_ERR_RANGE, "-pre-samples %lld: the learn set is empty",
                          (long long)id);
    if ((uint64_t)id >= n)
        return n2d2_error(N2D2_ERR_RANGE, "-pre-samples %lld: the learn set holds %zu stimuli "
                                          "(0 to %zu)",
                          (long long)id, n, n - 1);
    char dir[4096], leaf[64], path[4200];
    snprintf(leaf, sizeof leaf, "pre_samples_%lld", (long long)id);
    session_path(s, leaf, dir, sizeof dir);
    n2d2_status st = make_dir(dir);
    for (int i = 0; i < PRE_SAMPLES && st == N2D2_OK; ++i) {
        n2d2_tensor *t;
        st = n2d2_stimuli_sample(s->stimuli, N2D2_SET_LEARN, (size_t)id, (uint64_t)i + 1, &t,
                                 NULL, NULL);
        if (st != N2D2_OK)
            break;
        snprintf(path, sizeof path, "%s/sample_%d.png", dir, i);
        st = n2d2_png_write_tensor(path, t);
        n2d2_tensor_release(t);
    }
    if (st == N2D2_OK)
        printf("-pre-samples: %d pre-processed samples of learn stimulus %lld written to %s/\n",
               PRE_SAMPLES, (long long)id, dir);
    return st;
}

typedef struct size_range {
    size_t count;
    size_t min[3], max[3];
    double sum[3];
} size_range;

static void size_add(size_range *r, const n2d2_tensor *t)
{
    for (uint32_t k = 0; k < 3; ++k) {
        size_t d = n2d2_tensor_dim(t, k);
        if (r->count == 0 || d < r->min[k])
            r->min[k] = d;
        if (r->count == 0 || d > r->max[k])
            r->max[k] = d;
        r->sum[k] += (double)d;
    }
    r->count++;
}

static n2d2_status write_labels(run_session *s, const char *dir)
{
    const n2d2_database *db = n2d2_stimuli_database(s->stimuli);
    size_t labels = n2d2_database_label_count(db);
    /* counts[(label + 1) * SETS + set]: row 0 is "no label" (-1). */
    size_t *counts = calloc((labels + 1) * N2D2_SET_COUNT, sizeof *counts);
    if (!counts)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (int set = 0; set < N2D2_SET_COUNT; ++set) {
        size_t n = n2d2_database_set_count(db, (n2d2_set)set);
        for (size_t i = 0; i < n; ++i) {
            int label = n2d2_database_stimulus_label(db, n2d2_database_set_at(db, (n2d2_set)set, i));
            if (label >= -1 && (size_t)(label + 1) <= labels)
                counts[(size_t)(label + 1) * N2D2_SET_COUNT + (size_t)set]++;
        }
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/labels.dat", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        free(counts);
        return n2d2_error(N2D2_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
    }
    fprintf(f, "# label name");
    for (int set = 0; set < N2D2_SET_COUNT; ++set)
        fprintf(f, " %s", n2d2_set_name((n2d2_set)set));
    fprintf(f, " Total\n");
    size_t totals[N2D2_SET_COUNT + 1] = {0};
    for (size_t row = 0; row <= labels; ++row) {
        size_t sum = 0;
        for (int set = 0; set < N2D2_SET_COUNT; ++set)
            sum += counts[row * N2D2_SET_COUNT + (size_t)set];
        if (row == 0 && sum == 0)
            continue; /* no unlabelled stimulus */
        const char *name = row ? n2d2_database_label_name(db, (int)row - 1) : "-";
        fprintf(f, "%d %s", (int)row - 1, name && *name ? name : "-");
        for (int set = 0; set < N2D2_SET_COUNT; ++set) {
            fprintf(f, " %zu", counts[row * N2D2_SET_COUNT + (size_t)set]);
            totals[set] += counts[row * N2D2_SET_COUNT + (size_t)set];
        }
        fprintf(f, " %zu\n", sum);
        totals[N2D2_SET_COUNT] += sum;
    }
    fprintf(f, "# total -");
    for (int set = 0; set <= N2D2_SET_COUNT; ++set)
        fprintf(f, " %zu", totals[set]);
    fprintf(f, "\n");
    free(counts);
    printf("database: %zu stimuli, %zu labels", totals[N2D2_SET_COUNT], labels);
    for (int set = 0; set < N2D2_SET_COUNT; ++set)
        if (totals[set])
            printf(", %s %zu", n2d2_set_name((n2d2_set)set), totals[set]);
    printf("\n");
    if (fclose(f) != 0)
        return n2d2_error(N2D2_ERR_IO, "write error on '%s'", path);
    return N2D2_OK;
}

static n2d2_status write_sizes(run_session *s, const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sizes.dat", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
    fprintf(f, "# set count width_min width_max width_mean height_min height_max height_mean "
               "channels_min channels_max channels_mean\n");
    n2d2_status st = N2D2_OK;
    for (int set = 0; set < N2D2_SET_COUNT && st == N2D2_OK; ++set) {
        size_t n = n2d2_stimuli_set_size(s->stimuli, (n2d2_set)set);
        size_range r;
        memset(&r, 0, sizeof r);
        for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
            n2d2_tensor *t;
            st = n2d2_stimuli_read_raw(s->stimuli, (n2d2_set)set, i, &t, NULL);
            if (st == N2D2_OK)
                size_add(&r, t);
            n2d2_tensor_release(t);
        }
        if (st != N2D2_OK || r.count == 0)
            continue;
        double c = (double)r.count;
        fprintf(f, "%s %zu %zu %zu %.6g %zu %zu %.6g %zu %zu %.6g\n", n2d2_set_name((n2d2_set)set),
                r.count, r.min[2], r.max[2], r.sum[2] / c, r.min[1], r.max[1], r.sum[1] / c,
                r.min[0], r.max[0], r.sum[0] / c);
        printf("%s: %zu stimuli, width [%zu, %zu], height [%zu, %zu], channels [%zu, %zu]\n",
               n2d2_set_name((n2d2_set)set), r.count, r.min[2], r.max[2], r.min[1], r.max[1],
               r.min[0], r.max[0]);
    }
    if (fclose(f) != 0 && st == N2D2_OK)
        st = n2d2_error(N2D2_ERR_IO, "write error on '%s'", path);
    return st;
}

static n2d2_status write_db_stats(run_session *s)
{
    char dir[4096];
    session_path(s, "dbstats", dir, sizeof dir);
    n2d2_status st = make_dir(dir);
    if (st == N2D2_OK)
        st = write_labels(s, dir);
    if (st == N2D2_OK)
        st = write_sizes(s, dir);
    if (st == N2D2_OK)
        printf("-log-db-stats: %s/labels.dat, %s/sizes.dat\n", dir, dir);
    return st;
}

n2d2_status datatools_run(run_session *s)
{
    n2d2_status st = write_frames(s);
    if (st == N2D2_OK && s->opt->pre_samples >= 0)
        st = write_pre_samples(s, s->opt->pre_samples);
    if (st == N2D2_OK && s->opt->log_db_stats)
        st = write_db_stats(s);
    return st;
}
