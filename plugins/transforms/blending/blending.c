/* BlendingTransformation (manual 21.4 and 21.5.4; "N2D2-IP only" there,
 * implemented here from its documented behaviour): paste objects drawn
 * from a second, variable-size stimuli provider (StimuliProvider=, with the
 * database of section Database=, whose on-the-fly chain typically ends
 * with ROIExtractionTransformation) into the image and its pixel-wise
 * label map. The second provider is opened at create time through
 * n2d2_stimuli_building() / n2d2_stimuli_provider() and belongs to the
 * provider that owns this section.
 *
 * Per image whose label name matches ApplyToLabels (all images when
 * empty): a density is drawn uniformly in DensityRange; objects are drawn
 * at random from the objects provider's learn set (each with fresh
 * on-the-fly draws) and placed at random positions where their box, grown
 * by MarginH/MarginV, overlaps no box placed before. The first object is
 * always placed (if it fits); further ones while the object pixels cover
 * less than `density` of the image. With TypeMix=0 all objects of an
 * image have the label of the first one. Placing stops when 32 random
 * positions or 16 drawn objects in a row fail. An object larger than the
 * image is skipped.
 *
 * Object pixels are those of its label map with a label >= 0 other than
 * the objects database's DefaultLabel; their ids are mapped to the ids of
 * the current database by name (identical, or the single current name that
 * ends with it), logged once; a name with no match is an error at
 * construction. In the label map of the image (CompositeStimuli=1) the
 * object pixels take the mapped ids. The blending arithmetic is in
 * blend_mix.c. The object data is used as its provider's transformations
 * leave it (8-bit stays 0..255), i.e. in the same domain as this image.
 *
 * The example of the manual spells TypeMix and BlendingSize as TypeMixing
 * and BlendingSmoothSize (checklist A23): both spellings are accepted. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "n2d2/n2d2.h"
#include "blend_mix.h"

#define WHO "BlendingTransformation"
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_POSITION_TRIES 32
#define MAX_OBJECT_FAILS 16
#define MAX_OBJECTS 256

static const n2d2_param_spec blend_specs[] = {
    {"Database", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "section of the database of the objects to blend"},
    {"StimuliProvider", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "section of the objects' stimuli provider (BatchSize=0, SizeX=0, SizeY=0)"},
    {"ApplyToLabels", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "space-separated label names ('*' any text, '+' one character) of the images that get "
     "objects (empty: every image)"},
    {"TypeMix", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "objects of several labels on one image"},
    {"TypeMixing", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "spelling of TypeMix in the manual's example"},
    {"DensityRange", N2D2_PARAM_LIST, "0.0 0.0", NULL, 0, 0, 0,
     "range of the fraction of the image covered by objects (checked after the first object)"},
    {"MarginH", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "minimum horizontal gap between objects"},
    {"MarginV", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0, "minimum vertical gap between objects"},
    {"BlendingMethod", N2D2_PARAM_ENUM, "Linear", BLEND_METHODS, 0, 0, 0, "blending formula"},
    {"BlendingAlpha", N2D2_PARAM_FLOAT, "0.2", NULL, 0, 0, 0, "alpha (Linear methods)"},
    {"BlendingBeta", N2D2_PARAM_FLOAT, "0.8", NULL, 0, 0, 0, "beta (Linear methods)"},
    {"BlendingSize", N2D2_PARAM_UINT, "5", NULL, 1, 1001, N2D2_PARAM_RANGE,
     "Gaussian kernel size, odd (SmoothEdge methods)"},
    {"BlendingSmoothSize", N2D2_PARAM_UINT, "5", NULL, 1, 1001, N2D2_PARAM_RANGE,
     "spelling of BlendingSize in the manual's example"},
    {"SavePath", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "folder where every blended image is written with a JSON list of its objects"},
};

typedef struct blend_state {
    const n2d2_params *params;
    char *db_section, *sp_section, *save_path;
    char **masks;
    size_t n_masks;
    int type_mix;
    double dmin, dmax;
    size_t margin_h, margin_v;
    blend_params mix;

    n2d2_stimuli *objects;       /* owned by the provider that owns this section */
    const n2d2_database *db;     /* the current database */
    int *id_map;                 /* object label id -> current label id, -1: not an object */
    size_t n_ids;
    unsigned char *eligible;     /* per current label id */
    size_t n_eligible;
    _Atomic unsigned long saved;
} blend_state;

/* '*' any text, '+' exactly one character (the masks of the manual). */
static int wild_match(const char *mask, const char *s)
{
    if (*mask == '\0')
        return *s == '\0';
    if (*mask == '*') {
        for (;; ++s) {
            if (wild_match(mask + 1, s))
                return 1;
            if (*s == '\0')
                return 0;
        }
    }
    if (*s == '\0')
        return 0;
    return (*mask == '+' || *mask == *s) && wild_match(mask + 1, s + 1);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static n2d2_status split_masks(blend_state *b, const char *text)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == ';')
            ++p;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\t' && *e != ',' && *e != ';')
            ++e;
        if (e == p)
            break;
        char **m = realloc(b->masks, (b->n_masks + 1) * sizeof *m);
        if (!m)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        b->masks = m;
        b->masks[b->n_masks] = malloc((size_t)(e - p) + 1);
        if (!b->masks[b->n_masks])
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        memcpy(b->masks[b->n_masks], p, (size_t)(e - p));
        b->masks[b->n_masks++][e - p] = '\0';
        p = e;
    }
    return N2D2_OK;
}

static void blend_destroy(void *state)
{
    blend_state *b = state;
    if (!b)
        return;
    for (size_t i = 0; i < b->n_masks; ++i)
        free(b->masks[i]);
    free(b->masks);
    free(b->db_section);
    free(b->sp_section);
    free(b->save_path);
    free(b->id_map);
    free(b->eligible);
    free(b);
}

/* The value of a key given under either of its two spellings. */
static n2d2_status either(const n2d2_params *p, const char *name, const char *alias, int *use_alias)
{
    *use_alias = 0;
    if (n2d2_params_given(p, alias)) {
        if (n2d2_params_given(p, name) &&
            strcmp(n2d2_params_string(p, name), n2d2_params_string(p, alias)) != 0)
            return n2d2_params_error(p, alias, N2D2_ERR_INVAL,
                                     "%s and %s are two spellings of one key: give one", name,
                                     alias);
        *use_alias = 1;
    }
    return N2D2_OK;
}

static n2d2_status blend_bind(blend_state *b, n2d2_stimuli *owner);

static n2d2_status blend_create(const n2d2_params *p, void **state)
{
    blend_state *b = calloc(1, sizeof *b);
    if (!b)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    b->params = p;
    b->db_section = dup_str(n2d2_params_string(p, "Database"));
    b->sp_section = dup_str(n2d2_params_string(p, "StimuliProvider"));
    b->save_path = dup_str(n2d2_params_string(p, "SavePath"));
    n2d2_status st = b->db_section && b->sp_section && b->save_path
                         ? split_masks(b, n2d2_params_string(p, "ApplyToLabels"))
                         : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    int alias = 0;
    if (st == N2D2_OK)
        st = either(p, "TypeMix", "TypeMixing", &alias);
    if (st == N2D2_OK) {
        b->type_mix = n2d2_params_bool(p, alias ? "TypeMixing" : "TypeMix");
        st = either(p, "BlendingSize", "BlendingSmoothSize", &alias);
    }
    if (st == N2D2_OK) {
        b->mix.size = (unsigned)n2d2_params_uint(p, alias ? "BlendingSmoothSize" : "BlendingSize");
        if (b->mix.size % 2 == 0)
            st = n2d2_params_error(p, alias ? "BlendingSmoothSize" : "BlendingSize", N2D2_ERR_RANGE,
                                   "the Gaussian kernel size must be odd (got %u)", b->mix.size);
    }
    double range[3];
    if (st == N2D2_OK) {
        int n = n2d2_params_list(p, "DensityRange", range, 3);
        if (n != 2 || range[0] < 0 || range[1] > 1 || range[0] > range[1])
            st = n2d2_params_error(p, "DensityRange", N2D2_ERR_RANGE,
                                   "expects two values min max with 0 <= min <= max <= 1");
    }
    if (st != N2D2_OK) {
        blend_destroy(b);
        return st;
    }
    b->dmin = range[0];
    b->dmax = range[1];
    b->margin_h = (size_t)n2d2_params_uint(p, "MarginH");
    b->margin_v = (size_t)n2d2_params_uint(p, "MarginV");
    b->mix.method = n2d2_params_enum(p, "BlendingMethod");
    b->mix.alpha = n2d2_params_float(p, "BlendingAlpha");
    b->mix.beta = n2d2_params_float(p, "BlendingBeta");
    n2d2_stimuli *owner = n2d2_stimuli_building();
    st = owner ? blend_bind(b, owner)
               : n2d2_error(N2D2_ERR_INVAL, WHO ": must be created by a stimuli provider (it "
                                             "draws its objects from a second provider)");
    if (st != N2D2_OK) {
        blend_destroy(b);
        return st;
    }
    *state = b;
    return N2D2_OK;
}

/* Object label ids -> current ids, by name (manual 21.5.4 "Labels
 * mapping"). */
static n2d2_status map_labels(blend_state *b, const n2d2_database *odb, int obj_default)
{
    size_t n = n2d2_database_label_count(odb), nm = n2d2_database_label_count(b->db);
    b->id_map = malloc((n ? n : 1) * sizeof *b->id_map);
    if (!b->id_map)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    b->n_ids = n;
    int differs = 0;
    for (size_t k = 0; k < n; ++k) {
        b->id_map[k] = -1;
        if ((int)k == obj_default)
            continue; /* the objects' background: not pasted */
        const char *name = n2d2_database_label_name(odb, (int)k);
        int id = n2d2_database_label_id(b->db, name), found = 0;
        if (id < 0) {
            size_t len = strlen(name);
            for (size_t m = 0; m < nm; ++m) {
                const char *mn = n2d2_database_label_name(b->db, (int)m);
                size_t ml = strlen(mn);
                if (ml >= len && strcmp(mn + ml - len, name) == 0) {
                    id = (int)m;
                    ++found;
                }
            }
            if (found != 1)
                return n2d2_params_error(b->params, "Database", N2D2_ERR_NOT_FOUND,
                                         WHO ": label \"%s\" in blending database not present in "
                                             "current database!%s",
                                         name, found > 1 ? " (several current labels end with it)"
                                                         : "");
        }
        b->id_map[k] = id;
        differs |= id != (int)k;
    }
    if (differs) {
        n2d2_log_info(WHO ": labels mapping is required with the following mapping:");
        for (size_t k = 0; k < n; ++k)
            if (b->id_map[k] >= 0)
                n2d2_log_info("%zu -> %d    (%s)", k, b->id_map[k],
                              n2d2_database_label_name(odb, (int)k));
    }
    return N2D2_OK;
}

/* Open the objects provider and the label tables; `owner` is the provider
 * building this transformation. */
static n2d2_status blend_bind(blend_state *b, n2d2_stimuli *owner)
{
    n2d2_status st = n2d2_stimuli_provider(owner, b->sp_section, b->db_section, &b->objects);
    if (st != N2D2_OK)
        return st;
    if (n2d2_stimuli_set_size(b->objects, N2D2_SET_LEARN) == 0)
        return n2d2_params_error(b->params, "StimuliProvider", N2D2_ERR_INVAL,
                                 "the objects come from the learn set of [%s], which is empty "
                                 "([%s] Learn=)", b->sp_section, b->db_section);
    b->db = n2d2_stimuli_database(owner);
    st = map_labels(b, n2d2_stimuli_database(b->objects), n2d2_stimuli_default_label(b->objects));
    if (st != N2D2_OK)
        return st;
    size_t nm = n2d2_database_label_count(b->db);
    b->eligible = calloc(nm ? nm : 1, 1);
    if (!b->eligible)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    b->n_eligible = nm;
    for (size_t m = 0; m < nm; ++m)
        for (size_t i = 0; i < b->n_masks && !b->eligible[m]; ++i)
            b->eligible[m] = (unsigned char)wild_match(b->masks[i],
                                                       n2d2_database_label_name(b->db, (int)m));
    return N2D2_OK;
}

typedef struct placed {
    size_t x, y, w, h;
    int label;
} placed;

static int overlaps(const blend_state *b, const placed *boxes, size_t n, size_t x, size_t y,
                    size_t w, size_t h)
{
    for (size_t i = 0; i < n; ++i) {
        const placed *p = &boxes[i];
        if (x < p->x + p->w + b->margin_h && p->x < x + w + b->margin_h &&
            y < p->y + p->h + b->margin_v && p->y < y + h + b->margin_v)
            return 1;
    }
    return 0;
}

static n2d2_status save(blend_state *b, const n2d2_tensor *img, const placed *boxes, size_t n)
{
    if (mkdir(b->save_path, 0777) != 0 && errno != EEXIST)
        return n2d2_params_error(b->params, "SavePath", N2D2_ERR_IO, "cannot create '%s': %s",
                                 b->save_path, strerror(errno));
    unsigned long k = atomic_fetch_add(&b->saved, 1);
    char path[4096];
    snprintf(path, sizeof path, "%s/blend_%06lu.png", b->save_path, k);
    n2d2_status st = n2d2_png_write_tensor(path, img);
    if (st != N2D2_OK)
        return st;
    snprintf(path, sizeof path, "%s/blend_%06lu.json", b->save_path, k);
    FILE *f = fopen(path, "w");
    if (!f)
        return n2d2_error(N2D2_ERR_IO, WHO ": cannot write '%s': %s", path, strerror(errno));
    fprintf(f, "{\"objects\": [");
    for (size_t i = 0; i < n; ++i) {
        fprintf(f, "%s\n  {\"label\": \"", i ? "," : "");
        for (const char *c = n2d2_database_label_name(b->db, boxes[i].label); c && *c; ++c)
            fprintf(f, (*c == '"' || *c == '\\') ? "\\%c" : "%c", *c);
        fprintf(f, "\", \"id\": %d, \"x\": %zu, \"y\": %zu, \"width\": %zu, \"height\": %zu}",
                boxes[i].label, boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h);
    }
    fprintf(f, "\n]}\n");
    if (fclose(f) != 0)
        return n2d2_error(N2D2_ERR_IO, WHO ": cannot write '%s'", path);
    return N2D2_OK;
}

/* The object mask and its (mapped) label; 0 pixels when it has none. */
static size_t object_mask(const blend_state *b, const n2d2_tensor *map, uint8_t *mask,
                          int32_t *ids)
{
    const int32_t *m = n2d2_tensor_cdata(map);
    size_t n = n2d2_tensor_numel(map), count = 0;
    for (size_t i = 0; i < n; ++i) {
        int id = m[i] >= 0 && (size_t)m[i] < b->n_ids ? b->id_map[m[i]] : -1;
        mask[i] = id >= 0;
        ids[i] = id;
        count += mask[i];
    }
    return count;
}

static n2d2_status blend_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                               n2d2_set set, n2d2_rng *rng)
{
    (void)set;
    blend_state *b = state;
    if (!b->objects)
        return n2d2_error(N2D2_ERR_INTERNAL, WHO ": not bound to a stimuli provider");
    if (b->n_masks && (*label < 0 || (size_t)*label >= b->n_eligible || !b->eligible[*label]))
        return N2D2_OK;
    n2d2_tensor *img = *data, *imap = *labels;
    size_t C = n2d2_tensor_dim(img, 0), H = n2d2_tensor_dim(img, 1), W = n2d2_tensor_dim(img, 2);
    if (imap && (n2d2_tensor_dtype(imap) != N2D2_INT32 || n2d2_tensor_numel(imap) != H * W))
        return n2d2_error(N2D2_ERR_SHAPE, WHO ": the label map is not {1, %zu, %zu} Int32", H, W);
    double density = n2d2_rng_uniform_range(rng, b->dmin, b->dmax);
    if (b->dmax <= b->dmin)
        density = b->dmin;
    size_t n_obj = n2d2_stimuli_set_size(b->objects, N2D2_SET_LEARN);
    placed boxes[MAX_OBJECTS];
    size_t n_boxes = 0, covered = 0;
    int fails = 0, type = -1;
    n2d2_status st = N2D2_OK;
    while (st == N2D2_OK && n_boxes < MAX_OBJECTS && fails < MAX_OBJECT_FAILS) {
        size_t pos = (size_t)n2d2_rng_below(rng, n_obj);
        uint64_t pass = 1 + (n2d2_rng_u64(rng) >> 1);
        n2d2_tensor *obj, *omap;
        int olabel;
        st = n2d2_stimuli_get(b->objects, N2D2_SET_LEARN, pos, pass, &obj, &omap, &olabel);
        if (st != N2D2_OK)
            break;
        size_t oc = n2d2_tensor_dim(obj, 0), oh = n2d2_tensor_dim(obj, 1),
               ow = n2d2_tensor_dim(obj, 2);
        if (oc != C && oc != 1) {
            st = n2d2_error(N2D2_ERR_SHAPE, WHO ": objects of [%s] have %zu channel(s), the "
                                                "image %zu", b->sp_section, oc, C);
        }
        uint8_t *mask = NULL;
        int32_t *ids = NULL;
        size_t pixels = 0;
        int mapped = olabel >= 0 && (size_t)olabel < b->n_ids ? b->id_map[olabel] : -1;
        int usable = st == N2D2_OK && oh <= H && ow <= W && oh * ow > 0 &&
                     (b->type_mix || type < 0 || mapped == type);
        if (usable) {
            mask = malloc(oh * ow);
            ids = malloc(oh * ow * sizeof *ids);
            if (!mask || !ids)
                st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            else
                pixels = object_mask(b, omap, mask, ids);
            usable = st == N2D2_OK && pixels > 0;
        }
        int done = 0;
        if (usable) {
            size_t x = 0, y = 0;
            int found = 0;
            for (int t = 0; t < MAX_POSITION_TRIES && !found; ++t) {
                x = (size_t)n2d2_rng_below(rng, W - ow + 1);
                y = (size_t)n2d2_rng_below(rng, H - oh + 1);
                found = !overlaps(b, boxes, n_boxes, x, y, ow, oh);
            }
            if (!found) {
                done = 1; /* no room left */
            } else {
                st = blend_paste(img, obj, mask, x, y, &b->mix);
                if (st == N2D2_OK && imap) {
                    int32_t *lm = n2d2_tensor_data(imap);
                    for (size_t v = 0; v < oh; ++v)
                        for (size_t u = 0; u < ow; ++u)
                            if (mask[v * ow + u])
                                lm[(y + v) * W + x + u] = ids[v * ow + u];
                }
                if (type < 0)
                    type = mapped;
                boxes[n_boxes++] = (placed){x, y, ow, oh, mapped};
                covered += pixels;
                fails = 0;
                done = (double)covered >= density * (double)(H * W);
            }
        } else {
            ++fails;
        }
        free(mask);
        free(ids);
        n2d2_tensor_release(obj);
        n2d2_tensor_release(omap);
        if (done)
            break;
    }
    if (st == N2D2_OK && *b->save_path && n_boxes)
        st = save(b, img, boxes, n_boxes);
    return st;
}

static const n2d2_transform_ops blend_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM, blend_create, blend_apply, NULL,
    blend_destroy, {0}};

static const n2d2_feature blend_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, WHO, NULL,
    "paste objects of a second stimuli provider into the images and their label maps",
    blend_specs, COUNT_OF(blend_specs), &blend_ops, 0, {0}};

static n2d2_status register_transforms(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &blend_feature);
}

N2D2_PLUGIN_DEFINE(transforms_blending, "1.0.0", "CECILL-C",
                   "BlendingTransformation: objects of a second provider pasted into images",
                   register_transforms, NULL)
