/* Saving and loading the declared tensors of every cell, atomically.
 *
 * File `<cell>.n2d2w`, little-endian:
 *   "N2D2W" 0 1 0          magic and format version 1
 *   u32 count
 *   count × { u16 name length, name, u8 dtype, u8 ndim, u64 dims[ndim], data }
 */
#include "graph_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "n2d2/log.h"

static const unsigned char weights_magic[8] = {'N', '2', 'D', '2', 'W', 0, 1, 0};

static int write_all(FILE *f, const void *p, size_t n) { return fwrite(p, 1, n, f) == n; }

static n2d2_status save_cell(const n2d2_cell *cell, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    uint32_t count = (uint32_t)cell->n_learnables;
    int ok = write_all(f, weights_magic, sizeof weights_magic) && write_all(f, &count, sizeof count);
    for (size_t i = 0; ok && i < cell->n_learnables; ++i) {
        const cell_param *p = &cell->learnables[i];
        uint16_t len = (uint16_t)strlen(p->name);
        uint8_t dtype = (uint8_t)n2d2_tensor_dtype(p->value), ndim = (uint8_t)n2d2_tensor_ndim(p->value);
        ok = write_all(f, &len, sizeof len) && write_all(f, p->name, len) && write_all(f, &dtype, 1) &&
             write_all(f, &ndim, 1);
        for (uint8_t d = 0; ok && d < ndim; ++d) {
            uint64_t dim = n2d2_tensor_dim(p->value, d);
            ok = write_all(f, &dim, sizeof dim);
        }
        ok = ok && write_all(f, n2d2_tensor_cdata(p->value), n2d2_tensor_nbytes(p->value));
    }
    ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0)
        ok = 0;
    return ok ? N2D2_OK : n2d2_error(N2D2_ERR_IO, "%s: write failed: %s", path, strerror(errno));
}

/* `<dir>/<cell><ext>`, with '/' and '%' of the cell name written %2F and
 * %25 (imported ONNX layers are named like "/conv1/Conv_output_0").
 * Returns 0 when the path does not fit. */
static int cell_file(char *path, size_t size, const char *dir, const char *cell, const char *ext)
{
    size_t used = (size_t)snprintf(path, size, "%s/", dir);
    for (const char *c = cell; *c && used < size; ++c) {
        if (*c == '/' || *c == '%')
            used += (size_t)snprintf(path + used, size - used, "%%%02X", (unsigned char)*c);
        else
            path[used++] = *c;
    }
    if (used >= size)
        return 0;
    path[used] = '\0';
    return (size_t)snprintf(path + used, size - used, "%s", ext) < size - used;
}

static n2d2_status remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? N2D2_OK : n2d2_error(N2D2_ERR_IO, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
            unlink(path);
    }
    closedir(d);
    return rmdir(dir) == 0 ? N2D2_OK : n2d2_error(N2D2_ERR_IO, "%s: cannot remove: %s", dir, strerror(errno));
}

/* `<cell>.solver`: "N2D2S" 0 1 0, u32 count, count x { u16 parameter name
 * length, name, u16 field name length, field name, u64 bytes, data }. */
static const unsigned char solver_magic[8] = {'N', '2', 'D', '2', 'S', 0, 1, 0};
#define MAX_STATE_FIELDS 16

static size_t solver_fields(const cell_param *p, n2d2_state_field *fields)
{
    const cell_solver *s = &p->update;
    if (!s->created || !((const n2d2_solver_ops *)s->feature->ops)->state_fields)
        return 0;
    return ((const n2d2_solver_ops *)s->feature->ops)->state_fields(s->state, fields, MAX_STATE_FIELDS);
}

static n2d2_status save_solvers(const n2d2_cell *cell, const char *path)
{
    n2d2_state_field fields[MAX_STATE_FIELDS];
    uint32_t count = 0;
    for (size_t i = 0; i < cell->n_learnables; ++i)
        count += (uint32_t)solver_fields(&cell->learnables[i], fields);
    if (count == 0)
        return N2D2_OK;
    FILE *f = fopen(path, "wb");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    int ok = write_all(f, solver_magic, sizeof solver_magic) && write_all(f, &count, sizeof count);
    for (size_t i = 0; ok && i < cell->n_learnables; ++i) {
        const cell_param *p = &cell->learnables[i];
        size_t n = solver_fields(p, fields);
        for (size_t k = 0; ok && k < n; ++k) {
            uint16_t plen = (uint16_t)strlen(p->name), flen = (uint16_t)strlen(fields[k].name);
            uint64_t bytes = fields[k].bytes;
            ok = write_all(f, &plen, sizeof plen) && write_all(f, p->name, plen) &&
                 write_all(f, &flen, sizeof flen) && write_all(f, fields[k].name, flen) &&
                 write_all(f, &bytes, sizeof bytes) && write_all(f, fields[k].data, fields[k].bytes);
        }
    }
    ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0)
        ok = 0;
    return ok ? N2D2_OK : n2d2_error(N2D2_ERR_IO, "%s: write failed: %s", path, strerror(errno));
}

/* `rng`: every cell's random streams (dropout draws...), so a resumed run
 * continues them: u32 count, count x { u16 name length, name, streams }. */
static n2d2_status save_rngs(const n2d2_graph *g, const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/rng", dir) >= (int)sizeof path)
        return n2d2_error(N2D2_ERR_INVAL, "%s: path too long", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    uint32_t count = (uint32_t)g->n_cells;
    int ok = write_all(f, &count, sizeof count);
    for (size_t c = 0; ok && c < g->n_cells; ++c) {
        uint16_t len = (uint16_t)strlen(g->cells[c]->name);
        ok = write_all(f, &len, sizeof len) && write_all(f, g->cells[c]->name, len) &&
             write_all(f, g->cells[c]->rng, sizeof g->cells[c]->rng);
    }
    ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0)
        ok = 0;
    return ok ? N2D2_OK : n2d2_error(N2D2_ERR_IO, "%s: write failed: %s", path, strerror(errno));
}

static n2d2_status save_set(const n2d2_graph *g, const char *dir, int with_state, const char *note)
{
    char fresh[4096], old[4096], path[4096];
    if (snprintf(fresh, sizeof fresh, "%s.new", dir) >= (int)sizeof fresh ||
        snprintf(old, sizeof old, "%s.old", dir) >= (int)sizeof old)
        return n2d2_error(N2D2_ERR_INVAL, "%s: path too long", dir);
    n2d2_status st = remove_tree(fresh);
    if (st != N2D2_OK)
        return st;
    if (mkdir(fresh, 0777) != 0)
        return n2d2_error(N2D2_ERR_IO, "%s: cannot create: %s", fresh, strerror(errno));
    for (size_t c = 0; st == N2D2_OK && c < g->n_cells; ++c) {
        if (g->cells[c]->n_learnables == 0)
            continue;
        if (!cell_file(path, sizeof path, fresh, g->cells[c]->name, ".n2d2w"))
            st = n2d2_error(N2D2_ERR_INVAL, "%s: path too long", fresh);
        else
            st = save_cell(g->cells[c], path);
        if (st == N2D2_OK && with_state) {
            if (!cell_file(path, sizeof path, fresh, g->cells[c]->name, ".solver"))
                st = n2d2_error(N2D2_ERR_INVAL, "%s: path too long", fresh);
            else
                st = save_solvers(g->cells[c], path);
        }
    }
    if (st == N2D2_OK && with_state)
        st = save_rngs(g, fresh);
    if (st == N2D2_OK && with_state) {
        FILE *f = snprintf(path, sizeof path, "%s/progress", fresh) < (int)sizeof path ? fopen(path, "w") : NULL;
        if (!f)
            st = n2d2_error(N2D2_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        else {
            int ok = fprintf(f, "iterations %llu\n%s", (unsigned long long)g->iterations,
                             note ? note : "") >= 0;
            ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
            if (fclose(f) != 0 || !ok)
                st = n2d2_error(N2D2_ERR_IO, "%s: write failed", path);
        }
    }
    if (st != N2D2_OK) {
        remove_tree(fresh);
        return st;
    }
    /* Swap: dir → dir.old, dir.new → dir, drop dir.old. */
    remove_tree(old);
    int had_old = rename(dir, old) == 0;
    if (!had_old && errno != ENOENT)
        return n2d2_error(N2D2_ERR_IO, "%s: cannot replace: %s", dir, strerror(errno));
    if (rename(fresh, dir) != 0) {
        st = n2d2_error(N2D2_ERR_IO, "%s: cannot rename %s: %s", dir, fresh, strerror(errno));
        if (had_old)
            rename(old, dir);
        return st;
    }
    if (had_old)
        remove_tree(old);
    return N2D2_OK;
}

n2d2_status n2d2_graph_save(const n2d2_graph *g, const char *dir)
{
    return save_set(g, dir, 0, NULL);
}

n2d2_status n2d2_graph_save_state(const n2d2_graph *g, const char *dir, const char *note)
{
    return save_set(g, dir, 1, note);
}

typedef struct reader {
    FILE *f;
    const char *path;
    long offset;
} reader;

static n2d2_status read_exact(reader *r, void *p, size_t n, const char *what)
{
    if (fread(p, 1, n, r->f) != n)
        return n2d2_error(N2D2_ERR_PARSE, "%s: truncated at byte %ld while reading %s", r->path,
                          r->offset, what);
    r->offset += (long)n;
    return N2D2_OK;
}

/* Magic (format version included) then the record count. */
static n2d2_status read_header(reader *r, const unsigned char *magic, const char *kind, uint32_t *count)
{
    unsigned char found[8];
    n2d2_status st = read_exact(r, found, sizeof found, "the header");
    if (st == N2D2_OK && memcmp(found, magic, sizeof found) != 0)
        st = n2d2_error(N2D2_ERR_PARSE, "%s: byte 0: not an n2d2 %s file (bad magic)", r->path, kind);
    return st == N2D2_OK ? read_exact(r, count, sizeof *count, "the record count") : st;
}

static n2d2_status expect_end(reader *r)
{
    if (fgetc(r->f) == EOF)
        return N2D2_OK;
    return n2d2_error(N2D2_ERR_PARSE, "%s: byte %ld: unexpected data after the last record", r->path,
                      r->offset);
}

static cell_param *find_param(n2d2_cell *cell, const char *name)
{
    for (size_t i = 0; i < cell->n_learnables; ++i)
        if (strcmp(cell->learnables[i].name, name) == 0)
            return &cell->learnables[i];
    return NULL;
}

static n2d2_status load_param(reader *r, n2d2_cell *cell)
{
    uint16_t len;
    char name[65536];
    uint8_t dtype, ndim;
    long start = r->offset;
    n2d2_status st = read_exact(r, &len, sizeof len, "a parameter name length");
    if (st == N2D2_OK)
        st = read_exact(r, name, len, "a parameter name");
    if (st != N2D2_OK)
        return st;
    name[len] = '\0';
    if ((st = read_exact(r, &dtype, 1, "a dtype")) != N2D2_OK || (st = read_exact(r, &ndim, 1, "a rank")) != N2D2_OK)
        return st;
    cell_param *p = find_param(cell, name);
    if (!p)
        return n2d2_error(N2D2_ERR_INVAL, "%s: byte %ld: parameter '%s' does not exist in cell [%s] (%s)",
                          r->path, start, name, cell->name, cell->type);
    if (dtype != (uint8_t)n2d2_tensor_dtype(p->value) || ndim != n2d2_tensor_ndim(p->value))
        return n2d2_error(N2D2_ERR_SHAPE, "%s: byte %ld: parameter '%s' is %s of rank %u, the cell has %s of rank %u",
                          r->path, start, name, n2d2_dtype_name((n2d2_dtype)dtype), ndim,
                          n2d2_dtype_name(n2d2_tensor_dtype(p->value)), n2d2_tensor_ndim(p->value));
    for (uint8_t d = 0; d < ndim; ++d) {
        uint64_t dim;
        if ((st = read_exact(r, &dim, sizeof dim, "a dimension")) != N2D2_OK)
            return st;
        if (dim != n2d2_tensor_dim(p->value, d))
            return n2d2_error(N2D2_ERR_SHAPE,
                              "%s: byte %ld: parameter '%s' dimension %u is %llu in the file, %zu in the cell",
                              r->path, start, name, d, (unsigned long long)dim, n2d2_tensor_dim(p->value, d));
    }
    return read_exact(r, n2d2_tensor_data(p->value), n2d2_tensor_nbytes(p->value), name);
}

static n2d2_status load_cell(n2d2_cell *cell, const char *path)
{
    reader r = {fopen(path, "rb"), path, 0};
    if (!r.f)
        return n2d2_error(N2D2_ERR_IO, "%s: %s", path, strerror(errno));
    uint32_t count = 0;
    n2d2_status st = read_header(&r, weights_magic, "weights", &count);
    if (st == N2D2_OK && count != cell->n_learnables)
        st = n2d2_error(N2D2_ERR_INVAL, "%s: %u parameters in the file, cell [%s] declares %zu", path,
                        count, cell->name, cell->n_learnables);
    for (uint32_t i = 0; st == N2D2_OK && i < count; ++i)
        st = load_param(&r, cell);
    if (st == N2D2_OK)
        st = expect_end(&r);
    fclose(r.f);
    return st;
}

n2d2_status n2d2_graph_load(n2d2_graph *g, const char *dir, int ignore_missing)
{
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s: no such weights folder", dir);
    char path[4096];
    for (size_t c = 0; c < g->n_cells; ++c) {
        n2d2_cell *cell = g->cells[c];
        if (cell->n_learnables == 0)
            continue;
        if (!cell_file(path, sizeof path, dir, cell->name, ".n2d2w"))
            return n2d2_error(N2D2_ERR_INVAL, "%s: path too long", dir);
        if (access(path, F_OK) != 0) {
            if (!ignore_missing)
                return n2d2_error(N2D2_ERR_NOT_FOUND,
                                  "%s: missing weights of cell [%s] (use -w-ignore to keep its initial values)",
                                  path, cell->name);
            n2d2_log_warn("%s: missing; cell [%s] keeps its initial values", path, cell->name);
            continue;
        }
        n2d2_status st = load_cell(cell, path);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

static n2d2_status load_solver_record(reader *r, n2d2_cell *cell)
{
    uint16_t plen, flen;
    char pname[65536], fname[65536];
    uint64_t bytes;
    long start = r->offset;
    n2d2_status st = read_exact(r, &plen, sizeof plen, "a parameter name length");
    if (st == N2D2_OK)
        st = read_exact(r, pname, plen, "a parameter name");
    if (st == N2D2_OK)
        st = read_exact(r, &flen, sizeof flen, "a field name length");
    if (st == N2D2_OK)
        st = read_exact(r, fname, flen, "a field name");
    if (st == N2D2_OK)
        st = read_exact(r, &bytes, sizeof bytes, "a field size");
    if (st != N2D2_OK)
        return st;
    pname[plen] = fname[flen] = '\0';
    cell_param *p = find_param(cell, pname);
    if (!p || !p->update.feature)
        return n2d2_error(N2D2_ERR_INVAL, "%s: byte %ld: no solver for parameter '%s' of cell [%s]",
                          r->path, start, pname, cell->name);
    st = n2d2_cell_solver_ready(cell, p);
    if (st != N2D2_OK)
        return st;
    n2d2_state_field fields[MAX_STATE_FIELDS];
    size_t n = solver_fields(p, fields);
    for (size_t k = 0; k < n; ++k) {
        if (strcmp(fields[k].name, fname) != 0)
            continue;
        if (fields[k].bytes != bytes)
            return n2d2_error(N2D2_ERR_SHAPE, "%s: byte %ld: solver field %s.%s has %llu bytes, the solver %zu",
                              r->path, start, pname, fname, (unsigned long long)bytes, fields[k].bytes);
        return read_exact(r, fields[k].data, fields[k].bytes, fname);
    }
    return n2d2_error(N2D2_ERR_INVAL, "%s: byte %ld: the %s solver of [%s] %s has no field '%s' (another "
                      "solver type or options than when saved?)",
                      r->path, start, p->update.feature->name, cell->name, pname, fname);
}

static n2d2_status load_solvers(n2d2_cell *cell, const char *path)
{
    reader r = {fopen(path, "rb"), path, 0};
    if (!r.f)
        return N2D2_OK; /* no solver state saved for this cell */
    uint32_t count = 0;
    n2d2_status st = read_header(&r, solver_magic, "solver state", &count);
    for (uint32_t i = 0; st == N2D2_OK && i < count; ++i)
        st = load_solver_record(&r, cell);
    if (st == N2D2_OK)
        st = expect_end(&r);
    fclose(r.f);
    return st;
}

static n2d2_status load_rngs(n2d2_graph *g, const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/rng", dir) >= (int)sizeof path)
        return n2d2_error(N2D2_ERR_INVAL, "%s: path too long", dir);
    reader r = {fopen(path, "rb"), path, 0};
    if (!r.f)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s: %s", path, strerror(errno));
    uint32_t count = 0;
    n2d2_status st = read_exact(&r, &count, sizeof count, "the cell count");
    for (uint32_t i = 0; st == N2D2_OK && i < count; ++i) {
        uint16_t len;
        char name[65536];
        n2d2_rng streams[N2D2_RNG_PURPOSE_COUNT];
        st = read_exact(&r, &len, sizeof len, "a cell name length");
        if (st == N2D2_OK)
            st = read_exact(&r, name, len, "a cell name");
        if (st == N2D2_OK)
            st = read_exact(&r, streams, sizeof streams, "random streams");
        if (st != N2D2_OK)
            break;
        name[len] = '\0';
        n2d2_cell *cell = n2d2_graph_find_cell(g, name);
        if (cell) /* a cell added since keeps its fresh streams */
            memcpy(cell->rng, streams, sizeof streams);
    }
    fclose(r.f);
    return st;
}

n2d2_status n2d2_graph_load_state(n2d2_graph *g, const char *dir, char **note)
{
    *note = NULL;
    char path[4096];
    FILE *f = snprintf(path, sizeof path, "%s/progress", dir) < (int)sizeof path ? fopen(path, "r") : NULL;
    if (!f)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s: not a saved learning state (no 'progress' file)", dir);
    unsigned long long iterations;
    int ok = fscanf(f, "iterations %llu", &iterations) == 1 && fgetc(f) == '\n';
    char *text = NULL;
    size_t len = 0;
    if (ok) {
        long start = ftell(f);
        fseek(f, 0, SEEK_END);
        len = (size_t)(ftell(f) - start);
        fseek(f, start, SEEK_SET);
        text = calloc(len + 1, 1);
        ok = text && fread(text, 1, len, f) == len;
    }
    fclose(f);
    if (!ok) {
        free(text);
        return n2d2_error(N2D2_ERR_PARSE, "%s: malformed progress file", path);
    }
    n2d2_status st = n2d2_graph_load(g, dir, 0);
    if (st == N2D2_OK)
        st = load_rngs(g, dir);
    for (size_t c = 0; st == N2D2_OK && c < g->n_cells; ++c) {
        if (!cell_file(path, sizeof path, dir, g->cells[c]->name, ".solver"))
            st = n2d2_error(N2D2_ERR_INVAL, "%s: path too long", dir);
        else
            st = load_solvers(g->cells[c], path);
    }
    if (st != N2D2_OK) {
        free(text);
        return st;
    }
    g->iterations = iterations;
    *note = text;
    return N2D2_OK;
}
