/* The stimulus catalogue filled by database drivers: labels, stimuli and
 * their learn/validation/test partition.
 *
 * Kept compact because datasets reach millions of stimuli: a stimulus is 24
 * bytes (label, set, driver key, name reference) plus its place in its set
 * list. Names are split at their last '/' or ':' into an interned prefix
 * (the directory, or "file:") and a suffix; a decimal suffix ("12345") is
 * stored as a number, any other suffix in one shared text arena. Full names
 * are rebuilt on demand into a small per-thread ring of buffers. */
#include "n2d2/database.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "database_internal.h"

#define NUMERIC_SUFFIX 0x80000000u /* suffix field holds a number, not an offset */
#define NAME_RING 8
#define NAME_MAX_LEN 4096

/* Open-addressing map from strings (owned by the caller's array) to ids. */
typedef struct strmap {
    uint32_t *slots; /* id + 1; 0 = empty */
    size_t cap;      /* power of two */
} strmap;

typedef struct stimulus {
    uint64_t key;
    int32_t label;
    uint32_t prefix;
    uint32_t suffix;  /* NUMERIC_SUFFIX | value, or arena offset */
    uint8_t set;
} stimulus;

typedef struct index_list {
    size_t *items;
    size_t n, cap;
} index_list;

struct n2d2_database {
    char **labels;
    size_t n_labels, cap_labels;
    strmap label_map;

    char **prefixes;
    size_t n_prefixes, cap_prefixes;
    strmap prefix_map;

    char *arena; /* NUL-terminated suffixes */
    size_t arena_len, arena_cap;

    stimulus *stimuli;
    size_t n_stimuli, cap_stimuli;

    index_list sets[N2D2_SET_COUNT];

    struct n2d2_db_rois *rois; /* database_roi.c; NULL until the first ROI */
};

struct n2d2_db_rois **n2d2_db_rois_slot(n2d2_database *db) { return &db->rois; }

const char *n2d2_set_name(n2d2_set set)
{
    static const char *const names[N2D2_SET_COUNT] = {"Learn", "Validation", "Test", "Unpartitioned"};
    return (unsigned)set < N2D2_SET_COUNT ? names[set] : "Unknown";
}

/* ---- small containers ---- */

static n2d2_status grow(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return N2D2_OK;
    size_t cap2 = *cap ? *cap : 16;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*items, cap2 * elem);
    if (!p)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory growing the stimulus catalogue");
    *items = p;
    *cap = cap2;
    return N2D2_OK;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; ++s)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Index of `s` in names[] through the map, or -1. */
static long strmap_find(const strmap *m, char *const *names, const char *s)
{
    if (!m->cap)
        return -1;
    for (size_t i = hash_str(s) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        uint32_t v = m->slots[i];
        if (!v)
            return -1;
        if (strcmp(names[v - 1], s) == 0)
            return (long)(v - 1);
    }
}

static void strmap_put(strmap *m, char *const *names, uint32_t id)
{
    size_t i = hash_str(names[id]) & (m->cap - 1);
    while (m->slots[i])
        i = (i + 1) & (m->cap - 1);
    m->slots[i] = id + 1;
}

/* Make room for one more key (load factor <= 1/2), rehashing names[0..n). */
static n2d2_status strmap_reserve(strmap *m, char *const *names, size_t n)
{
    if ((n + 1) * 2 <= m->cap)
        return N2D2_OK;
    size_t cap = m->cap ? m->cap * 2 : 64;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < n; ++i)
        strmap_put(m, names, (uint32_t)i);
    return N2D2_OK;
}

/* Add the first `len` bytes of `s` to a string table (once); its id in
 * *id. A prefix (len < strlen(s)) is shorter than NAME_MAX_LEN. */
static n2d2_status intern(char ***names, size_t *n, size_t *cap, strmap *map, const char *s,
                          size_t len, uint32_t *id)
{
    char key[NAME_MAX_LEN];
    const char *k = s;
    if (s[len] != '\0') {
        memcpy(key, s, len);
        key[len] = '\0';
        k = key;
    }
    long found = strmap_find(map, *names, k);
    if (found >= 0) {
        *id = (uint32_t)found;
        return N2D2_OK;
    }
    if (*n >= 0x7fffffffu)
        return n2d2_error(N2D2_ERR_RANGE, "too many distinct names in the catalogue");
    char *copy = malloc(len + 1);
    if (!copy)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    memcpy(copy, s, len);
    copy[len] = '\0';
    n2d2_status st = grow((void **)names, cap, *n + 1, sizeof **names);
    if (st == N2D2_OK)
        st = strmap_reserve(map, *names, *n);
    if (st != N2D2_OK) {
        free(copy);
        return st;
    }
    (*names)[*n] = copy;
    strmap_put(map, *names, (uint32_t)*n);
    *id = (uint32_t)(*n)++;
    return N2D2_OK;
}

/* ---- lifetime ---- */

n2d2_status n2d2_database_new(n2d2_database **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
}

void n2d2_database_free(n2d2_database *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->n_labels; ++i)
        free(db->labels[i]);
    for (size_t i = 0; i < db->n_prefixes; ++i)
        free(db->prefixes[i]);
    for (int s = 0; s < N2D2_SET_COUNT; ++s)
        free(db->sets[s].items);
    free(db->labels);
    free(db->label_map.slots);
    free(db->prefixes);
    free(db->prefix_map.slots);
    free(db->arena);
    free(db->stimuli);
    n2d2_db_rois_free(db->rois);
    free(db);
}

/* ---- labels ---- */

n2d2_status n2d2_database_add_label(n2d2_database *db, const char *name, int *id)
{
    if (!db || !name)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_database_add_label: NULL argument");
    uint32_t k;
    n2d2_status st = intern(&db->labels, &db->n_labels, &db->cap_labels, &db->label_map, name,
                            strlen(name), &k);
    if (st == N2D2_OK && id)
        *id = (int)k;
    return st;
}

int n2d2_database_label_id(const n2d2_database *db, const char *name)
{
    return (db && name) ? (int)strmap_find(&db->label_map, db->labels, name) : -1;
}

size_t n2d2_database_label_count(const n2d2_database *db) { return db ? db->n_labels : 0; }

const char *n2d2_database_label_name(const n2d2_database *db, int id)
{
    return (db && id >= 0 && (size_t)id < db->n_labels) ? db->labels[id] : NULL;
}

typedef struct label_order {
    const char *name;
    int (*cmp)(const char *, const char *);
    int old_id;
} label_order;

static int compare_labels(const void *a, const void *b)
{
    const label_order *x = a, *y = b;
    int c = x->cmp(x->name, y->name);
    return c ? c : strcmp(x->name, y->name);
}

n2d2_status n2d2_database_sort_labels(n2d2_database *db, int (*cmp)(const char *, const char *))
{
    if (!db)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_database_sort_labels: NULL database");
    size_t n = db->n_labels;
    if (n < 2)
        return N2D2_OK;
    label_order *order = malloc(n * sizeof *order);
    int *new_id = malloc(n * sizeof *new_id);
    char **names = malloc(n * sizeof *names);
    if (!order || !new_id || !names) {
        free(order);
        free(new_id);
        free(names);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; ++i)
        order[i] = (label_order){db->labels[i], cmp ? cmp : strcmp, (int)i};
    qsort(order, n, sizeof *order, compare_labels);
    for (size_t i = 0; i < n; ++i) {
        names[i] = db->labels[order[i].old_id];
        new_id[order[i].old_id] = (int)i;
    }
    free(db->labels);
    db->labels = names;
    db->cap_labels = n;
    memset(db->label_map.slots, 0, db->label_map.cap * sizeof *db->label_map.slots);
    for (size_t i = 0; i < n; ++i)
        strmap_put(&db->label_map, db->labels, (uint32_t)i);
    for (size_t i = 0; i < db->n_stimuli; ++i)
        if (db->stimuli[i].label >= 0)
            db->stimuli[i].label = new_id[db->stimuli[i].label];
    n2d2_db_rois_relabel(db->rois, new_id);
    free(order);
    free(new_id);
    return N2D2_OK;
}

/* ---- stimuli ---- */

/* A suffix of 1-9 digits without a leading zero is kept as a number. */
static int numeric_suffix(const char *s, uint32_t *value)
{
    size_t n = strlen(s);
    if (n == 0 || n > 9 || (s[0] == '0' && n > 1))
        return 0;
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    *value = v;
    return 1;
}

static n2d2_status store_name(n2d2_database *db, const char *name, stimulus *s)
{
    size_t len = strlen(name);
    if (len >= NAME_MAX_LEN)
        return n2d2_error(N2D2_ERR_RANGE, "stimulus name longer than %d bytes: %.60s...",
                          NAME_MAX_LEN - 1, name);
    size_t cut = len;
    while (cut > 0 && name[cut - 1] != '/' && name[cut - 1] != ':')
        --cut;
    n2d2_status st = intern(&db->prefixes, &db->n_prefixes, &db->cap_prefixes, &db->prefix_map,
                            name, cut, &s->prefix);
    if (st != N2D2_OK)
        return st;
    const char *suffix = name + cut;
    uint32_t value;
    if (numeric_suffix(suffix, &value)) {
        s->suffix = NUMERIC_SUFFIX | value;
        return N2D2_OK;
    }
    size_t n = strlen(suffix) + 1;
    if (db->arena_len + n >= NUMERIC_SUFFIX)
        return n2d2_error(N2D2_ERR_RANGE, "stimulus names exceed the 2 GiB name arena");
    st = grow((void **)&db->arena, &db->arena_cap, db->arena_len + n, 1);
    if (st != N2D2_OK)
        return st;
    memcpy(db->arena + db->arena_len, suffix, n);
    s->suffix = (uint32_t)db->arena_len;
    db->arena_len += n;
    return N2D2_OK;
}

static n2d2_status list_push(index_list *l, size_t value)
{
    n2d2_status st = grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items);
    if (st == N2D2_OK)
        l->items[l->n++] = value;
    return st;
}

n2d2_status n2d2_database_add_stimulus(n2d2_database *db, const char *name, int label,
                                       n2d2_set set, uint64_t key, size_t *index)
{
    if (!db || !name)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_database_add_stimulus: NULL argument");
    if ((unsigned)set >= N2D2_SET_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "stimulus '%s': invalid set %d", name, (int)set);
    if (label < -1 || (label >= 0 && (size_t)label >= db->n_labels))
        return n2d2_error(N2D2_ERR_INVAL, "stimulus '%s': label %d is not a label id (%zu labels)",
                          name, label, db->n_labels);
    n2d2_status st = grow((void **)&db->stimuli, &db->cap_stimuli, db->n_stimuli + 1,
                          sizeof *db->stimuli);
    if (st != N2D2_OK)
        return st;
    stimulus *s = &db->stimuli[db->n_stimuli];
    s->key = key;
    s->label = label;
    s->set = (uint8_t)set;
    st = store_name(db, name, s);
    if (st == N2D2_OK)
        st = list_push(&db->sets[set], db->n_stimuli);
    if (st != N2D2_OK)
        return st;
    if (index)
        *index = db->n_stimuli;
    db->n_stimuli++;
    return N2D2_OK;
}

size_t n2d2_database_stimulus_count(const n2d2_database *db) { return db ? db->n_stimuli : 0; }

const char *n2d2_database_stimulus_name(const n2d2_database *db, size_t index)
{
    static _Thread_local char ring[NAME_RING][NAME_MAX_LEN];
    static _Thread_local unsigned next;
    if (!db || index >= db->n_stimuli)
        return NULL;
    const stimulus *s = &db->stimuli[index];
    char *buf = ring[next++ % NAME_RING];
    if (s->suffix & NUMERIC_SUFFIX)
        snprintf(buf, NAME_MAX_LEN, "%s%u", db->prefixes[s->prefix], s->suffix & ~NUMERIC_SUFFIX);
    else
        snprintf(buf, NAME_MAX_LEN, "%s%s", db->prefixes[s->prefix], db->arena + s->suffix);
    return buf;
}

int n2d2_database_stimulus_label(const n2d2_database *db, size_t index)
{
    return (db && index < db->n_stimuli) ? db->stimuli[index].label : -1;
}

uint64_t n2d2_database_stimulus_key(const n2d2_database *db, size_t index)
{
    return (db && index < db->n_stimuli) ? db->stimuli[index].key : 0;
}

n2d2_set n2d2_database_stimulus_set(const n2d2_database *db, size_t index)
{
    return (db && index < db->n_stimuli) ? (n2d2_set)db->stimuli[index].set : N2D2_SET_UNPARTITIONED;
}

size_t n2d2_database_set_count(const n2d2_database *db, n2d2_set set)
{
    return (db && (unsigned)set < N2D2_SET_COUNT) ? db->sets[set].n : 0;
}

size_t n2d2_database_set_at(const n2d2_database *db, n2d2_set set, size_t i)
{
    if (!db || (unsigned)set >= N2D2_SET_COUNT || i >= db->sets[set].n)
        return (size_t)-1;
    return db->sets[set].items[i];
}

/* ---- partition ---- */

n2d2_status n2d2_database_move(n2d2_database *db, n2d2_set from, n2d2_set to, size_t count,
                               n2d2_rng *rng)
{
    if (!db || (unsigned)from >= N2D2_SET_COUNT || (unsigned)to >= N2D2_SET_COUNT)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_database_move: invalid argument");
    index_list *src = &db->sets[from], *dst = &db->sets[to];
    if (count > src->n)
        return n2d2_error(N2D2_ERR_RANGE, "cannot move %zu stimuli from %s to %s: %s has only %zu",
                          count, n2d2_set_name(from), n2d2_set_name(to), n2d2_set_name(from), src->n);
    if (count == 0 || from == to)
        return N2D2_OK;
    size_t *pick = malloc(src->n * sizeof *pick);
    unsigned char *moved = calloc(src->n, 1);
    n2d2_status st = (pick && moved) ? grow((void **)&dst->items, &dst->cap, dst->n + count,
                                            sizeof *dst->items)
                                     : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    if (st == N2D2_OK) {
        /* Positions in the source list; a partial Fisher-Yates draws the
         * first `count` of them at random. */
        for (size_t i = 0; i < src->n; ++i)
            pick[i] = i;
        for (size_t i = 0; rng && i < count; ++i) {
            size_t j = i + (size_t)n2d2_rng_below(rng, src->n - i);
            size_t tmp = pick[i];
            pick[i] = pick[j];
            pick[j] = tmp;
        }
        for (size_t i = 0; i < count; ++i) {
            size_t stim = src->items[pick[i]];
            moved[pick[i]] = 1;
            db->stimuli[stim].set = (uint8_t)to;
            dst->items[dst->n++] = stim;
        }
        size_t kept = 0; /* the rest keep their order */
        for (size_t i = 0; i < src->n; ++i)
            if (!moved[i])
                src->items[kept++] = src->items[i];
        src->n = kept;
    }
    free(pick);
    free(moved);
    return st;
}
