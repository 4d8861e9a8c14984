/* The stimuli provider: builds the database from [database] through its
 * driver plugin, reads the provider's own keys of [sp], builds the
 * transformation chains, publishes the generated values and starts the
 * batch worker (manual ch. 19 and 21). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/log.h"
#include "n2d2/registry.h"
#include "stimuli_internal.h"
#include "strutil.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Keys of [sp] the provider reads itself (the graph reads the sizes of a
 * network input; a variable-size provider reads them too, the last four).
 * Static: the params keep a pointer to their schema. */
#define SP_KEYS 4
static const n2d2_param_spec sp_schema[] = {
    {"CachePath", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "folder keeping the stimuli after the static transformations across runs "
     "(empty: in memory only)"},
    {"CompositeStimuli", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "pixel-wise labels: a label map goes with each stimulus (n2d2_stimuli_label_maps)"},
    {"ConfigSection", N2D2_PARAM_STRING, "", NULL, 0, 0, 0, "extra configuration section(s)"},
    {"DataSignedMapping", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "read 8-bit data as signed: the implicit conversion gives [-1, 1] instead of [0, 1]"},
    {"SizeX", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "stimulus width (0: any)"},
    {"SizeY", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "stimulus height (0: any)"},
    {"NbChannels", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "stimulus channels (0: any)"},
    {"BatchSize", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0,
     "must be 0: the provider delivers single stimuli of any size"},
};

/* Options every database driver inherits (manual ch. 19, lines 5243-5251). */
static const n2d2_param_spec db_generic_schema[] = {
    {"DefaultLabel", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "label of composite-image areas outside the ROIs (empty: no label, id -1)"},
    {"ROIsMargin", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0,
     "margin in pixels around the ROIs that gets no label (id -1)"},
    {"RandomPartitioning", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "random learn/validation/test partition (0: in loading order)"},
    {"DataFileLabel", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "load pixel-wise image labels when they exist"},
    {"CompositeLabel", N2D2_PARAM_ENUM, "Auto", "None|Auto|Default|Disjoint|Combine", 0, 0, 0,
     "how the label id, pixel-wise labels and ROIs combine"},
    {"TargetDataPath", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "target data path (Target DataAsTarget=1)"},
    {"MultiChannelMatch", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "regex selecting the reference-channel files of multi-channel stimuli"},
    {"MultiChannelReplace", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "space-separated replacements giving each channel's file name"},
};

static const n2d2_param_spec db_type_spec = {"Type", N2D2_PARAM_STRING, NULL, NULL, 0, 0,
                                             N2D2_PARAM_REQUIRED, "database driver"};

static int schema_has(const n2d2_param_spec *schema, size_t n, const char *name)
{
    for (size_t i = 0; i < n; ++i)
        if (strcmp(schema[i].name, name) == 0)
            return 1;
    return 0;
}

/* The generic options a driver leaves to the provider: the defaults,
 * RandomPartitioning, DefaultLabel, ROIsMargin and CompositeLabel are
 * implemented here (stimuli_labels.c); the others only with their default
 * value. */
static n2d2_status check_generic(const n2d2_stimuli *sp, const n2d2_feature *f)
{
    const n2d2_params *p = sp->db_params;
    static const char *const empty_strings[] = {"TargetDataPath", "MultiChannelMatch",
                                                "MultiChannelReplace"};
    for (size_t i = 0; i < COUNT_OF(empty_strings); ++i) {
        const char *k = empty_strings[i];
        const char *v = n2d2_params_string(p, k);
        if (!schema_has(f->params, f->n_params, k) && v && *v)
            return n2d2_params_error(p, k, N2D2_ERR_NOT_IMPLEMENTED,
                                     "not implemented yet (generic database option, only the "
                                     "default empty value is supported)");
    }
    return N2D2_OK;
}

/* DefaultLabel, ROIsMargin, CompositeLabel, DataFileLabel and [sp]
 * CompositeStimuli, once the catalogue is loaded. A DefaultLabel that
 * names no label of the database becomes a new label (the last id). */
static n2d2_status setup_labels(n2d2_stimuli *sp)
{
    const n2d2_params *p = sp->db_params;
    /* A variable-size provider always carries label maps: its consumers
     * (BlendingTransformation) paste objects by their pixel-wise labels. */
    sp->composite = sp->variable || n2d2_params_bool(sp->sp_params, "CompositeStimuli");
    sp->composite_mode = n2d2_params_enum(p, "CompositeLabel");
    sp->rois_margin = (uint32_t)n2d2_params_uint(p, "ROIsMargin");
    sp->default_label = -1;
    const char *def = n2d2_params_string(p, "DefaultLabel");
    if (def && *def) {
        int id = n2d2_database_label_id(sp->db, def);
        if (id < 0) {
            n2d2_status st = n2d2_database_add_label(sp->db, def, &id);
            if (st != N2D2_OK)
                return st;
        }
        sp->default_label = id;
    }
    int has_rois = n2d2_database_roi_total(sp->db) > 0;
    sp->with_labels = sp->composite || (has_rois && sp->composite_mode != SP_COMPOSITE_NONE);
    sp->want_pixel = sp->with_labels && sp->composite_mode != SP_COMPOSITE_NONE &&
                     n2d2_params_bool(p, "DataFileLabel");
    const char *cache_path = n2d2_params_string(sp->sp_params, "CachePath");
    if (sp->composite && cache_path && *cache_path)
        return n2d2_params_error(sp->sp_params, "CachePath", N2D2_ERR_NOT_IMPLEMENTED,
                                 "CachePath with CompositeStimuli=1 is not implemented yet (the "
                                 "disk cache keeps no label maps; the in-memory cache does)");
    if (sp->composite && !sp->variable && (size_t)sp->shape.dims[1] * sp->shape.dims[2] == 0)
        return n2d2_params_error(sp->sp_params, "CompositeStimuli", N2D2_ERR_NOT_IMPLEMENTED,
                                 "pixel-wise labels need a fixed input size (SizeX, SizeY)");
    return N2D2_OK;
}

static n2d2_status build_database(n2d2_stimuli *sp)
{
    const char *dbs = sp->db_section;
    n2d2_ini_section *sec = n2d2_ini_find(sp->ini, dbs);
    if (!sec)
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_ini_path(sp->ini), 0,
                             "no [%s] section: the stimuli provider [%s] needs a database "
                             "driver (Type=MNIST_IDX_Database...)", dbs, sp->section);
    sp->db_where = n2d2_ini_section_where(sec);
    const char *type = NULL;
    n2d2_status st = n2d2_ini_get(sp->ini, sec, "Type", &type);
    if (st == N2D2_ERR_NOT_FOUND && !type)
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, sp->db_where, 0,
                             "[%s]: missing required key 'Type' (database driver)", dbs);
    if (st != N2D2_OK)
        return st;
    const n2d2_feature *f;
    st = n2d2_registry_resolve(sp->reg, N2D2_KIND_DATABASE, type, NULL,
                               n2d2_ini_entry_where(n2d2_ini_entry_find(sec, "Type")), &f);
    if (st != N2D2_OK)
        return st;
    sp->db_ops = f->ops;
    if (sp->db_ops->struct_size < offsetof(n2d2_database_ops, destroy) + sizeof(void *) ||
        !sp->db_ops->create || !sp->db_ops->load || !sp->db_ops->read)
        return n2d2_error_at(N2D2_ERR_ABI, sp->db_where, 0,
                             "database driver %s has an incomplete ops table", type);

    size_t n = 1 + f->n_params + COUNT_OF(db_generic_schema), k = 0;
    sp->db_schema = calloc(n, sizeof *sp->db_schema);
    if (!sp->db_schema)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    sp->db_schema[k++] = db_type_spec;
    for (size_t i = 0; i < f->n_params; ++i)
        if (strcmp(f->params[i].name, "Type") != 0)
            sp->db_schema[k++] = f->params[i];
    for (size_t i = 0; i < COUNT_OF(db_generic_schema); ++i)
        if (!schema_has(sp->db_schema, k, db_generic_schema[i].name))
            sp->db_schema[k++] = db_generic_schema[i];
    st = n2d2_params_from_ini(sp->ini, &sec, 1, NULL, 0, sp->db_schema, k, &sp->db_params);
    if (st == N2D2_OK)
        st = check_generic(sp, f);
    if (st == N2D2_OK)
        st = sp->db_ops->create(sp->db_params, &sp->db_state);
    if (st != N2D2_OK)
        return st;
    st = n2d2_database_new(&sp->db);
    if (st != N2D2_OK)
        return st;
    n2d2_rng rng;
    n2d2_rng_seed(&rng, sp->seed, N2D2_RNG_PARTITION);
    int random = n2d2_params_bool(sp->db_params, "RandomPartitioning");
    st = sp->db_ops->load(sp->db_state, sp->db, random ? &rng : NULL);
    if (st == N2D2_OK)
        st = sp_slicing_setup(sp, &rng);
    return st == N2D2_OK ? setup_labels(sp) : st;
}

/* The [sp] keys read here, searched in [sp] then its ConfigSection(s),
 * the last listed first. */
static n2d2_status read_sp_keys(n2d2_stimuli *sp)
{
    n2d2_ini_section *secs[17] = {sp->sec};
    size_t n_secs = 1;
    const char *cfg = NULL;
    n2d2_status st = n2d2_ini_get(sp->ini, sp->sec, "ConfigSection", &cfg);
    if (st != N2D2_OK && st != N2D2_ERR_NOT_FOUND)
        return st;
    if (cfg && *cfg) {
        char **names;
        size_t n;
        st = n2d2_list_split(cfg, &names, &n);
        if (st != N2D2_OK)
            return st;
        for (size_t i = n; i-- > 0 && st == N2D2_OK;) {
            n2d2_ini_section *s = n2d2_ini_find(sp->ini, names[i]);
            if (!s)
                st = n2d2_error_at(N2D2_ERR_NOT_FOUND,
                                   n2d2_ini_entry_where(n2d2_ini_entry_find(sp->sec, "ConfigSection")),
                                   0, "[%s] ConfigSection=%s: no such section", sp->section, names[i]);
            else if (n_secs == COUNT_OF(secs))
                st = n2d2_error_at(N2D2_ERR_RANGE,
                                   n2d2_ini_entry_where(n2d2_ini_entry_find(sp->sec, "ConfigSection")),
                                   0, "[%s] ConfigSection: at most %zu sections", sp->section,
                                   COUNT_OF(secs) - 1);
            else
                secs[n_secs++] = s;
        }
        n2d2_list_free(names, n);
        if (st != N2D2_OK)
            return st;
    }
    st = n2d2_params_from_ini(sp->ini, secs, n_secs, NULL, 0, sp_schema,
                              sp->variable ? COUNT_OF(sp_schema) : SP_KEYS, &sp->sp_params);
    if (st != N2D2_OK)
        return st;
    if (sp->variable) {
        if (n2d2_params_uint(sp->sp_params, "BatchSize") != 0)
            return n2d2_params_error(sp->sp_params, "BatchSize", N2D2_ERR_INVAL,
                                     "[%s] serves another transformation, one stimulus at a "
                                     "time at any size: it needs BatchSize=0 (and SizeX=0 "
                                     "SizeY=0 for any size)", sp->section);
        sp->shape.ndim = 3;
        sp->shape.dims[0] = (size_t)n2d2_params_uint(sp->sp_params, "NbChannels");
        sp->shape.dims[1] = (size_t)n2d2_params_uint(sp->sp_params, "SizeY");
        sp->shape.dims[2] = (size_t)n2d2_params_uint(sp->sp_params, "SizeX");
    }
    sp->signed_mapping = n2d2_params_bool(sp->sp_params, "DataSignedMapping");
    return N2D2_OK;
}

static n2d2_status publish(n2d2_stimuli *sp)
{
    char value[32];
    snprintf(value, sizeof value, "%zu", n2d2_database_set_count(sp->db, N2D2_SET_LEARN));
    return n2d2_ini_set_generated(sp->ini, sp->section, "_EpochSize", value);
}

static n2d2_status collect_params(n2d2_stimuli *sp)
{
    size_t n = 3 + sp->n_tf + sp->n_data_params;
    for (size_t i = 0; i < sp->n_subs; ++i)
        n += sp->subs[i]->n_all_params;
    sp->all_params = calloc(n, sizeof *sp->all_params);
    if (!sp->all_params)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    sp->all_params[sp->n_all_params++] = sp->db_params;
    sp->all_params[sp->n_all_params++] = sp->sp_params;
    if (sp->slicing_params)
        sp->all_params[sp->n_all_params++] = sp->slicing_params;
    for (size_t i = 0; i < sp->n_tf; ++i)
        sp->all_params[sp->n_all_params++] = sp->tf[i].params;
    for (size_t i = 0; i < sp->n_data_params; ++i)
        sp->all_params[sp->n_all_params++] = sp->data_params[i];
    for (size_t i = 0; i < sp->n_subs; ++i) /* providers opened by transformations */
        for (size_t k = 0; k < sp->subs[i]->n_all_params; ++k)
            sp->all_params[sp->n_all_params++] = sp->subs[i]->all_params[k];
    return N2D2_OK;
}

/* Run the first stimulus of every non-empty set through the pipeline now,
 * so a wrong final size is reported before any training starts. */
static n2d2_status check_first_stimuli(n2d2_stimuli *sp)
{
    size_t bytes = sp->sample_numel * n2d2_dtype_size(sp->dtype);
    void *tmp = malloc(bytes ? bytes : 1);
    if (!tmp)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = N2D2_OK;
    for (int s = 0; s < N2D2_SET_COUNT && st == N2D2_OK; ++s) {
        if (n2d2_database_set_count(sp->db, (n2d2_set)s) == 0 || sp_set_hidden(sp, s))
            continue;
        int label;
        st = sp_fetch(sp, &sp->w.scratch, n2d2_database_set_at(sp->db, (n2d2_set)s, 0),
                      (n2d2_set)s, 1, tmp, &label, NULL);
    }
    free(tmp);
    return st;
}

n2d2_status n2d2_stimuli_new(n2d2_ini *ini, const n2d2_registry *reg, const char *sp_section,
                             const n2d2_shape *input_shape, n2d2_dtype dtype, size_t batch_size,
                             uint64_t seed, n2d2_stimuli **out)
{
    if (out)
        *out = NULL;
    if (!ini || !reg || !sp_section || !input_shape || !out)
        return n2d2_error(N2D2_ERR_INVAL, "n2d2_stimuli_new: NULL argument");
    n2d2_ini_section *sec = n2d2_ini_find(ini, sp_section);
    if (!sec)
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_ini_path(ini), 0,
                             "no [%s] section for the stimuli provider", sp_section);
    if (batch_size == 0)
        return n2d2_error_at(N2D2_ERR_INVAL, n2d2_ini_section_where(sec), 0,
                             "[%s] BatchSize=0 makes a variable-size provider (stimuli of any "
                             "size, one at a time), which cannot feed a network: the network "
                             "input needs a fixed BatchSize, SizeX and SizeY. Such a provider "
                             "serves another transformation (e.g. BlendingTransformation "
                             "StimuliProvider=)", sp_section);
    return sp_new(ini, reg, sp_section, "database", input_shape, dtype, batch_size, seed, NULL,
                  out);
}

n2d2_status sp_new(n2d2_ini *ini, const n2d2_registry *reg, const char *sp_section,
                   const char *db_section, const n2d2_shape *input_shape, n2d2_dtype dtype,
                   size_t batch_size, uint64_t seed, n2d2_stimuli *owner, n2d2_stimuli **out)
{
    *out = NULL;
    n2d2_ini_section *sec = n2d2_ini_find(ini, sp_section);
    if (!sec)
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_ini_path(ini), 0,
                             "no [%s] section for the stimuli provider", sp_section);
    if (dtype != N2D2_FLOAT32 && dtype != N2D2_FLOAT64)
        return n2d2_error_at(N2D2_ERR_NOT_IMPLEMENTED, n2d2_ini_section_where(sec), 0,
                             "[%s]: %s network inputs are not implemented yet (Float32, Float64)",
                             sp_section, n2d2_dtype_name(dtype));
    if (input_shape->ndim != 3)
        return n2d2_error_at(N2D2_ERR_NOT_IMPLEMENTED, n2d2_ini_section_where(sec), 0,
                             "[%s]: a %u-D input (Size=) is not implemented yet; the provider "
                             "delivers NbChannels x SizeY x SizeX", sp_section, input_shape->ndim);
    n2d2_stimuli *sp = calloc(1, sizeof *sp);
    if (!sp)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    sp->ini = ini;
    sp->reg = reg;
    sp->sec = sec;
    sp->section = n2d2_strdup(sp_section);
    sp->shape = *input_shape;
    sp->dtype = dtype;
    sp->batch = batch_size;
    sp->sample_numel = n2d2_shape_numel(input_shape);
    sp->seed = seed;
    sp->variable = batch_size == 0;
    sp->owner = owner;
    sp->db_section = n2d2_strdup(db_section);
    n2d2_status st = sp->section && sp->db_section ? N2D2_OK
                                                    : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    if (st == N2D2_OK)
        st = read_sp_keys(sp);
    if (st == N2D2_OK)
        st = build_database(sp);
    if (st == N2D2_OK)
        st = publish(sp);
    if (st == N2D2_OK)
        st = sp_cache_init(sp);
    if (st == N2D2_OK)
        st = sp_build_chains(sp);
    if (st == N2D2_OK)
        st = sp_disk_init(sp, n2d2_params_string(sp->sp_params, "CachePath"));
    if (st == N2D2_OK) {
        sp_make_luts(sp);
        st = collect_params(sp);
    }
    if (st == N2D2_OK)
        st = sp->variable ? sp_variable_setup(sp) : check_first_stimuli(sp);
    if (st == N2D2_OK && !sp->variable)
        st = sp_worker_start(sp);
    if (st != N2D2_OK) {
        n2d2_stimuli_free(sp);
        return st;
    }
    n2d2_log_info("[%s]: %zu stimuli (learn %zu, validation %zu, test %zu), %zu transformation(s)",
                  sp_section, n2d2_database_stimulus_count(sp->db),
                  n2d2_database_set_count(sp->db, N2D2_SET_LEARN),
                  n2d2_database_set_count(sp->db, N2D2_SET_VALIDATION),
                  n2d2_database_set_count(sp->db, N2D2_SET_TEST), sp->n_tf);
    *out = sp;
    return N2D2_OK;
}

void n2d2_stimuli_free(n2d2_stimuli *sp)
{
    if (!sp)
        return;
    sp_worker_stop(sp);
    sp_destroy_chains(sp);
    sp_variable_free(sp);
    sp_cache_free(&sp->cache);
    sp_cache_free(&sp->label_cache);
    sp_disk_free(&sp->disk);
    if (sp->db_state && sp->db_ops && sp->db_ops->destroy)
        sp->db_ops->destroy(sp->db_state);
    n2d2_database_free(sp->db);
    n2d2_params_free(sp->db_params);
    n2d2_params_free(sp->sp_params);
    n2d2_params_free(sp->slicing_params);
    free(sp->slices);
    free(sp->db_schema);
    free(sp->all_params);
    free(sp->section);
    free(sp->db_section);
    free(sp);
}

const n2d2_database *n2d2_stimuli_database(const n2d2_stimuli *sp) { return sp ? sp->db : NULL; }

size_t n2d2_stimuli_set_size(const n2d2_stimuli *sp, n2d2_set set)
{
    return sp ? n2d2_database_set_count(sp->db, set) : 0;
}

size_t n2d2_stimuli_params_count(const n2d2_stimuli *sp) { return sp ? sp->n_all_params : 0; }

const n2d2_params *n2d2_stimuli_params_at(const n2d2_stimuli *sp, size_t i)
{
    return (sp && i < sp->n_all_params) ? sp->all_params[i] : NULL;
}

uint64_t n2d2_stimuli_passes(const n2d2_stimuli *sp, n2d2_set set)
{
    return (unsigned)set < N2D2_SET_COUNT ? sp->passes[set] : 0;
}

void n2d2_stimuli_set_passes(n2d2_stimuli *sp, n2d2_set set, uint64_t passes)
{
    if ((unsigned)set < N2D2_SET_COUNT)
        sp->passes[set] = passes;
}
