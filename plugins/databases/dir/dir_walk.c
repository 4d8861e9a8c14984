/* Recursive directory scan. Entries are visited in case-insensitive name
 * order (ties by byte order) so stimulus and label order do not depend on
 * the file system. Hidden entries (leading '.') are skipped. */
#define _POSIX_C_SOURCE 200809L /* strdup, stat, opendir */
#include "dir_walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PATH_LEN 4096

int dir_mask_match(const char *mask, const char *text)
{
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*mask == '*') {
            star = mask++;
            resume = text;
        } else if (*mask == '+' || *mask == *text) {
            ++mask;
            ++text;
        } else if (star) {
            mask = star + 1;
            text = ++resume;
        } else {
            return 0;
        }
    }
    while (*mask == '*')
        ++mask;
    return *mask == '\0';
}

/* Does any space-separated word of `list` satisfy fn(word, arg)? */
static int any_word(const char *list, int (*fn)(const char *word, const char *arg),
                    const char *arg)
{
    char word[PATH_LEN];
    while (*list) {
        while (*list == ' ' || *list == '\t')
            ++list;
        size_t n = strcspn(list, " \t");
        if (n == 0)
            break;
        if (n < sizeof word) {
            memcpy(word, list, n);
            word[n] = '\0';
            if (fn(word, arg))
                return 1;
        }
        list += n;
    }
    return 0;
}

static int same_ext(const char *word, const char *ext)
{
    if (*word == '.')
        ++word;
    return strcasecmp(word, ext) == 0;
}

static int valid_extension(const char *list, const char *name)
{
    if (!*list)
        return 1;
    const char *dot = strrchr(name, '.');
    return dot && any_word(list, same_ext, dot + 1);
}

static int ignored(const char *masks, const char *path)
{
    return *masks && any_word(masks, dir_mask_match, path);
}

static int cmp_names(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int c = strcasecmp(x, y);
    return c ? c : strcmp(x, y);
}

static n2d2_status grow(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return N2D2_OK;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    void *p = realloc(*items, c * elem);
    if (!p)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory scanning directories");
    *items = p;
    *cap = c;
    return N2D2_OK;
}

static n2d2_status label_index(dir_walk_result *r, const char *name, int *index)
{
    for (size_t i = 0; i < r->n_labels; ++i)
        if (strcmp(r->labels[i], name) == 0) {
            *index = (int)i;
            return N2D2_OK;
        }
    n2d2_status st = grow((void **)&r->labels, &r->cap_labels, r->n_labels + 1, sizeof(char *));
    char *copy = st == N2D2_OK ? strdup(name) : NULL;
    if (!copy)
        return st != N2D2_OK ? st : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    r->labels[r->n_labels] = copy;
    *index = (int)r->n_labels++;
    return N2D2_OK;
}

/* Sorted names of the visible entries of `dir`. */
static n2d2_status list_dir(const char *dir, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return n2d2_error(errno == ENOENT ? N2D2_ERR_NOT_FOUND : N2D2_ERR_IO,
                          "%s: cannot open directory: %s", dir, strerror(errno));
    size_t cap = 0;
    n2d2_status st = N2D2_OK;
    struct dirent *e;
    while (st == N2D2_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        st = grow((void **)names, &cap, *n + 1, sizeof(char *));
        if (st == N2D2_OK && !((*names)[*n] = strdup(e->d_name)))
            st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        if (st == N2D2_OK)
            ++*n;
    }
    closedir(d);
    if (st == N2D2_OK && *n)
        qsort(*names, *n, sizeof **names, cmp_names);
    return st;
}

typedef struct walk_ctx {
    const dir_walk_opts *o;
    dir_walk_result *r;
} walk_ctx;

/* `label` NULL = unlabelled; `ld` levels of directory names still to
 * append to it. Adds the number of stimuli found below to *found. */
static n2d2_status walk(walk_ctx *c, const char *dir, int depth, const char *label, int ld,
                        size_t *found)
{
    char **names;
    size_t n;
    n2d2_status st = list_dir(dir, &names, &n);
    char path[PATH_LEN], sub_label[PATH_LEN];
    int label_id = -1;
    /* Files first, then sub-directories, as N2D2 lists a folder. */
    for (int pass = 0; pass < 2 && st == N2D2_OK; ++pass) {
        for (size_t i = 0; i < n && st == N2D2_OK; ++i) {
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path) {
                st = n2d2_error(N2D2_ERR_RANGE, "%s/%s: path too long", dir, names[i]);
                break;
            }
            struct stat info;
            if (stat(path, &info) != 0) {
                n2d2_log_warn("%s: skipped (%s)", path, strerror(errno));
                continue;
            }
            int is_dir = S_ISDIR(info.st_mode);
            if (is_dir != pass || (!is_dir && !S_ISREG(info.st_mode)) ||
                ignored(c->o->masks, path))
                continue;
            if (!is_dir) {
                if (!valid_extension(c->o->extensions, names[i]))
                    continue;
                if (label && label_id < 0)
                    st = label_index(c->r, label, &label_id);
                if (st == N2D2_OK)
                    st = grow((void **)&c->r->files, &c->r->cap_files, c->r->n_files + 1,
                              sizeof(dir_file));
                char *copy = st == N2D2_OK ? strdup(path) : NULL;
                if (st == N2D2_OK && !copy)
                    st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
                if (st == N2D2_OK) {
                    c->r->files[c->r->n_files++] = (dir_file){copy, label ? label_id : -1};
                    ++*found;
                }
                continue;
            }
            if (depth == 0)
                continue;
            const char *child = label;
            if (label && ld > 0) {
                snprintf(sub_label, sizeof sub_label, "%s%s%s", label, *label ? "/" : "", names[i]);
                child = sub_label;
            }
            size_t below = 0;
            st = walk(c, path, depth > 0 ? depth - 1 : depth, child, ld > 0 ? ld - 1 : 0, &below);
            if (st == N2D2_OK && child != label && below == 0)
                st = n2d2_error(N2D2_ERR_NOT_FOUND,
                                "%s: class folder (label '%s') without any stimulus%s; remove it "
                                "or list it in IgnoreMasks", path, child,
                                *c->o->extensions ? " with a ValidExtensions extension" : "");
            *found += below;
        }
    }
    for (size_t i = 0; i < n; ++i)
        free(names[i]);
    free(names);
    return st;
}

n2d2_status dir_walk(const char *root, const dir_walk_opts *opts, dir_walk_result *out)
{
    memset(out, 0, sizeof *out);
    struct stat info;
    if (stat(root, &info) != 0)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "'%s': %s", root, strerror(errno));
    if (!S_ISDIR(info.st_mode))
        return n2d2_error(N2D2_ERR_NOT_FOUND, "'%s' is not a directory", root);
    walk_ctx c = {opts, out};
    size_t found = 0;
    const char *label = opts->label_depth >= 0 ? opts->label_name : NULL;
    n2d2_status st = walk(&c, root, opts->depth, label, opts->label_depth, &found);
    if (st != N2D2_OK)
        dir_walk_free(out);
    return st;
}

void dir_walk_free(dir_walk_result *r)
{
    for (size_t i = 0; i < r->n_files; ++i)
        free(r->files[i].path);
    for (size_t i = 0; i < r->n_labels; ++i)
        free(r->labels[i]);
    free(r->files);
    free(r->labels);
    memset(r, 0, sizeof *r);
}
