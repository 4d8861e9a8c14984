/* libFuzzer target for the INI front end.
 *
 * The input is the text of a main INI file, loaded with n2d2_ini_load_string
 * as "<scratch dir>/model.ini". To reach the template engine too, the input
 * may carry up to two template files after separator lines "~~~": the first
 * is written to <scratch dir>/t.tpl, the second to <scratch dir>/u.tpl, so
 * `[x@t.tpl]` and `{% include u.tpl %}` find them. Any other include simply
 * fails (not found). A loaded file is written back with resolve=1 (and 0)
 * to /dev/null, and a generated value is published and written again.
 *
 * Built only with -DN2D2_FUZZ=ON (clang); see tests/fuzz/CMakeLists.txt.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ini_impl.h"
#include "n2d2/ini.h"
#include "n2d2/log.h"

static char scratch[64];
static char model_name[128];
static char tpl_path[2][128];
static FILE *devnull;

static void remove_scratch(void)
{
    unlink(tpl_path[0]);
    unlink(tpl_path[1]);
    rmdir(scratch);
}

static void setup_once(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/n2d2-fuzz-ini-XXXXXX");
    if (!mkdtemp(scratch))
        abort(); /* the harness cannot run at all */
    snprintf(model_name, sizeof model_name, "%s/model.ini", scratch);
    snprintf(tpl_path[0], sizeof tpl_path[0], "%s/t.tpl", scratch);
    snprintf(tpl_path[1], sizeof tpl_path[1], "%s/u.tpl", scratch);
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    atexit(remove_scratch);
    n2d2_log_set_level(N2D2_LOG_ERROR); /* duplicate-key warnings would flood */
    /* Keep each run small: a few bytes of template can ask for gigabytes. */
    ini_limits_current.max_file_bytes = 1u << 20;
    ini_limits_current.max_rendered_bytes = 1u << 20;
    ini_limits_current.max_iterations = 100000;
    ini_limits_current.max_value_bytes = 1u << 16;
}

static void write_part(const char *path, const uint8_t *data, size_t size)
{
    if (!data) {
        unlink(path);
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
}

/* Find "\n~~~\n" in [data, data+size). */
static const uint8_t *find_separator(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n~~~\n";
    for (size_t i = 0; i + sizeof sep - 1 <= size; ++i)
        if (memcmp(data + i, sep, sizeof sep - 1) == 0)
            return data + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        setup_once();
    const uint8_t *part[3] = {data, NULL, NULL};
    size_t len[3] = {size, 0, 0};
    for (int i = 0; i < 2; ++i) {
        const uint8_t *sep = find_separator(part[i], len[i]);
        if (!sep)
            break;
        part[i + 1] = sep + 5;
        len[i + 1] = len[i] - (size_t)(sep + 5 - part[i]);
        len[i] = (size_t)(sep - part[i]);
    }
    write_part(tpl_path[0], part[1], len[1]);
    write_part(tpl_path[1], part[2], len[2]);

    n2d2_ini *ini = NULL;
    if (n2d2_ini_load_string((const char *)part[0], len[0], model_name, &ini) != N2D2_OK)
        return 0;
    n2d2_ini_write(ini, devnull, 1);
    n2d2_ini_write(ini, devnull, 0);
    if (n2d2_ini_section_count(ini) > 0) {
        n2d2_ini_section *first = n2d2_ini_section_at(ini, 0);
        n2d2_ini_set_generated(ini, n2d2_ini_section_name(first), "_EpochSize", "60000");
        n2d2_ini_set(ini, first, "Fuzz", "[x]y ${HOME}");
        for (size_t i = 0; i < n2d2_ini_entry_count(first); ++i) {
            const char *v;
            n2d2_ini_entry *e = n2d2_ini_entry_at(first, i);
            n2d2_ini_entry_resolve(ini, e, &v);
            (void)n2d2_ini_entry_where(e);
        }
        (void)n2d2_ini_section_where(first);
        n2d2_ini_write(ini, devnull, 1);
    }
    n2d2_ini_free(ini);
    return 0;
}
