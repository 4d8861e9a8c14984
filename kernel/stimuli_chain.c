/* Transformation sections of a stimuli provider (manual 21.5): which
 * sections belong to it, their Type/ApplyTo/Channel keys, and the chains
 * they form. Sections are taken in file order; a <sp>.StimuliData* section
 * is analysed where it appears, on the static chain built so far, so later
 * sections can use its generated values. */
#include <stdlib.h>
#include <string.h>

#include "n2d2/log.h"
#include "n2d2/registry.h"
#include "stimuli_internal.h"

/* The provider whose transformation is being created on this thread
 * (nested when a create opens a second provider). */
static _Thread_local n2d2_stimuli *building;

n2d2_stimuli *n2d2_stimuli_building(void) { return building; }
#include "strutil.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Longest names first: "ChannelsTransformation" must not be read as
 * "ChannelTransformation" plus a suffix. */
static const struct {
    const char *name;
    int category, on_the_fly;
} categories[] = {
    {"ChannelsOnTheFlyTransformation", SP_CHANNELS, 1},
    {"ChannelOnTheFlyTransformation", SP_CHANNEL, 1},
    {"ChannelsTransformation", SP_CHANNELS, 0},
    {"ChannelTransformation", SP_CHANNEL, 0},
    {"OnTheFlyTransformation", SP_GLOBAL, 1},
    {"Transformation", SP_GLOBAL, 0},
};

static const unsigned apply_to_masks[] = {
    SP_ALL_SETS,
    SP_SET_BIT(N2D2_SET_LEARN),
    SP_SET_BIT(N2D2_SET_VALIDATION),
    SP_SET_BIT(N2D2_SET_TEST),
    SP_ALL_SETS & ~SP_SET_BIT(N2D2_SET_LEARN),
    SP_ALL_SETS & ~SP_SET_BIT(N2D2_SET_VALIDATION),
    SP_ALL_SETS & ~SP_SET_BIT(N2D2_SET_TEST),
};

unsigned sp_apply_to_mask(int n)
{
    return (n >= 0 && (size_t)n < COUNT_OF(apply_to_masks)) ? apply_to_masks[n] : SP_ALL_SETS;
}

static const n2d2_param_spec common_schema[] = {
    {"Type", N2D2_PARAM_STRING, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED, "transformation type"},
    {"ApplyTo", N2D2_PARAM_ENUM, "All", SP_APPLY_TO_VALUES, 0, 0, 0,
     "stimuli sets the transformation applies to"},
};

static const n2d2_param_spec channel_spec = {
    "Channel", N2D2_PARAM_UINT, NULL, NULL, 0, 0, 0,
    "add to this existing channel (0-based) instead of creating a new channel"};

/* Returns the category (SP_GLOBAL...) of a section of provider `sp_name`,
 * or -1; *is_data is set for <sp>.StimuliData* sections. */
int sp_section_category(const char *sp_name, const char *section, int *on_the_fly, int *is_data)
{
    size_t n = strlen(sp_name);
    *is_data = 0;
    if (strncmp(section, sp_name, n) != 0 || section[n] != '.')
        return -1;
    const char *rest = section + n + 1;
    if (strncmp(rest, "StimuliData", 11) == 0) {
        *is_data = 1;
        return -1;
    }
    for (size_t i = 0; i < COUNT_OF(categories); ++i) {
        if (strncmp(rest, categories[i].name, strlen(categories[i].name)) == 0) {
            *on_the_fly = categories[i].on_the_fly;
            return categories[i].category;
        }
    }
    return -1;
}

static n2d2_status chain_push(sp_chain *c, size_t item)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        size_t *p = realloc(c->items, cap * sizeof *p);
        if (!p)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        c->items = p;
        c->cap = cap;
    }
    c->items[c->n++] = item;
    return N2D2_OK;
}

static n2d2_status make_schema(const n2d2_feature *f, int channel, n2d2_param_spec **out,
                               size_t *n_out)
{
    size_t n = f->n_params + COUNT_OF(common_schema) + 1, k = 0;
    n2d2_param_spec *s = calloc(n, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < COUNT_OF(common_schema); ++i)
        s[k++] = common_schema[i];
    if (channel)
        s[k++] = channel_spec;
    for (size_t i = 0; i < f->n_params; ++i) {
        int dup = 0;
        for (size_t j = 0; j < k; ++j)
            dup |= strcmp(s[j].name, f->params[i].name) == 0;
        if (!dup)
            s[k++] = f->params[i];
    }
    *out = s;
    *n_out = k;
    return N2D2_OK;
}

static n2d2_status add_transform(n2d2_stimuli *sp, n2d2_ini_section *sec, int category,
                                 int on_the_fly)
{
    const char *name = n2d2_ini_section_name(sec);
    const char *where = n2d2_ini_section_where(sec);
    const char *type = NULL;
    n2d2_status st = n2d2_ini_get(sp->ini, sec, "Type", &type);
    if (st == N2D2_ERR_NOT_FOUND && !type)
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, where, 0,
                             "[%s]: missing required key 'Type' (transformation type)", name);
    if (st != N2D2_OK)
        return st;
    const n2d2_feature *f;
    st = n2d2_registry_resolve(sp->reg, N2D2_KIND_TRANSFORM, type, NULL,
                               n2d2_ini_entry_where(n2d2_ini_entry_find(sec, "Type")), &f);
    if (st != N2D2_OK)
        return st;
    const n2d2_transform_ops *ops = f->ops;
    if (ops->struct_size < offsetof(n2d2_transform_ops, destroy) + sizeof(void *) || !ops->apply)
        return n2d2_error_at(N2D2_ERR_ABI, where, 0, "[%s]: %s has an incomplete ops table", name,
                             type);
    if (sp->n_tf == sp->cap_tf) {
        size_t cap = sp->cap_tf ? sp->cap_tf * 2 : 8;
        sp_transform *p = realloc(sp->tf, cap * sizeof *p);
        if (!p)
            return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        sp->tf = p;
        sp->cap_tf = cap;
    }
    sp_transform *t = &sp->tf[sp->n_tf++];
    memset(t, 0, sizeof *t);
    t->ops = ops;
    t->where = where;
    t->category = category;
    t->on_the_fly = on_the_fly;
    t->section = n2d2_strdup(name);
    if (!t->section)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t n_schema = 0;
    st = make_schema(f, category == SP_CHANNEL, &t->schema, &n_schema);
    if (st == N2D2_OK)
        st = n2d2_params_from_ini(sp->ini, &sec, 1, NULL, 0, t->schema, n_schema, &t->params);
    if (st != N2D2_OK)
        return st;
    t->set_mask = sp_apply_to_mask(n2d2_params_enum(t->params, "ApplyTo"));
    if (ops->create) {
        /* n2d2_stimuli_building(): the plugin may open other providers. */
        n2d2_stimuli *outer = building;
        building = sp;
        st = ops->create(t->params, &t->state);
        building = outer;
        if (st != N2D2_OK) {
            n2d2_error_prefix("[%s] (%s)", name, where);
            return st; /* the plugin's code, even if it left no message */
        }
    }
    for (int s = 0; s < N2D2_SET_COUNT; ++s)
        if ((ops->flags & N2D2_TRANSFORM_CHANGES_RANGE) && (t->set_mask & SP_SET_BIT(s)))
            sp->changes_range[s] = 1;

    size_t index = sp->n_tf - 1;
    if (category == SP_GLOBAL)
        return chain_push(on_the_fly ? &sp->global_otf : &sp->global_static, index);
    if (category == SP_CHANNELS) {
        /* Every channel made so far; without channels, the whole data. */
        if (sp->n_channels == 0)
            return chain_push(&sp->whole, index);
        for (size_t c = 0; c < sp->n_channels && st == N2D2_OK; ++c)
            st = chain_push(&sp->channels[c], index);
        return st;
    }
    if (n2d2_params_given(t->params, "Channel")) {
        uint64_t c = n2d2_params_uint(t->params, "Channel");
        if (c >= sp->n_channels)
            return n2d2_params_error(t->params, "Channel", N2D2_ERR_RANGE,
                                     "channel %llu does not exist (%zu channel(s) made by the "
                                     "ChannelTransformation sections above)",
                                     (unsigned long long)c, sp->n_channels);
        return chain_push(&sp->channels[c], index);
    }
    sp_chain *grown = realloc(sp->channels, (sp->n_channels + 1) * sizeof *grown);
    if (!grown)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    sp->channels = grown;
    memset(&sp->channels[sp->n_channels], 0, sizeof *grown);
    return chain_push(&sp->channels[sp->n_channels++], index);
}

static int chain_has_otf(const n2d2_stimuli *sp, const sp_chain *c)
{
    for (size_t i = 0; i < c->n; ++i)
        if (sp->tf[c->items[i]].on_the_fly)
            return 1;
    return 0;
}

/* A <sp>.<name> section whose Type is a transformation but whose name is
 * no category (a typo such as [sp.Tranformation_1]) would be ignored. */
static n2d2_status check_misnamed(const n2d2_stimuli *sp, n2d2_ini_section *sec)
{
    const char *name = n2d2_ini_section_name(sec);
    size_t n = strlen(sp->section);
    if (strncmp(name, sp->section, n) != 0 || name[n] != '.')
        return N2D2_OK;
    const char *type = n2d2_ini_entry_raw(n2d2_ini_entry_find(sec, "Type"));
    static const char suffix[] = "Transformation";
    size_t lt = type ? strlen(type) : 0, ls = sizeof suffix - 1;
    if (lt < ls || strcmp(type + lt - ls, suffix) != 0)
        return N2D2_OK;
    /* [sp.objects.Transformation] belongs to a provider [sp.objects]. */
    char owner[512];
    for (const char *dot = strchr(name + n + 1, '.'); dot; dot = strchr(dot + 1, '.')) {
        size_t k = (size_t)(dot - name);
        if (k < sizeof owner) {
            memcpy(owner, name, k);
            owner[k] = '\0';
            if (n2d2_ini_find(sp->ini, owner))
                return N2D2_OK;
        }
    }
    return n2d2_error_at(N2D2_ERR_INVAL, n2d2_ini_section_where(sec), 0,
                         "[%s]: Type=%s is a transformation but the section name is not "
                         "%s.<category>...; valid categories: Transformation, "
                         "OnTheFlyTransformation, ChannelTransformation, "
                         "ChannelOnTheFlyTransformation, ChannelsTransformation, "
                         "ChannelsOnTheFlyTransformation",
                         name, type, sp->section);
}

n2d2_status sp_build_chains(n2d2_stimuli *sp)
{
    size_t n = n2d2_ini_section_count(sp->ini);
    for (size_t i = 0; i < n; ++i) {
        n2d2_ini_section *sec = n2d2_ini_section_at(sp->ini, i);
        int otf = 0, is_data = 0;
        int category = sp_section_category(sp->section, n2d2_ini_section_name(sec), &otf, &is_data);
        n2d2_status st = N2D2_OK;
        if (is_data)
            st = sp_stimuli_data(sp, sec);
        else if (category >= 0)
            st = add_transform(sp, sec, category, otf);
        else
            st = check_misnamed(sp, sec);
        if (st != N2D2_OK)
            return st;
    }
    int otf = sp->global_otf.n > 0 || chain_has_otf(sp, &sp->whole);
    for (size_t c = 0; c < sp->n_channels; ++c)
        otf |= chain_has_otf(sp, &sp->channels[c]);
    sp->cache_final = !otf;
    return N2D2_OK;
}

void sp_destroy_chains(n2d2_stimuli *sp)
{
    for (size_t i = 0; i < sp->n_tf; ++i) {
        sp_transform *t = &sp->tf[i];
        if (t->state && t->ops->destroy)
            t->ops->destroy(t->state);
        n2d2_params_free(t->params);
        free(t->schema);
        free(t->section);
    }
    free(sp->tf);
    free(sp->global_static.items);
    free(sp->global_otf.items);
    free(sp->whole.items);
    for (size_t c = 0; c < sp->n_channels; ++c)
        free(sp->channels[c].items);
    free(sp->channels);
    for (size_t i = 0; i < sp->n_data_params; ++i)
        n2d2_params_free(sp->data_params[i]);
    free(sp->data_params);
}
