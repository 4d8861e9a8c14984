/* libFuzzer target for the CSV reader of CSV_Database: any byte string
 * must parse or fail with a message naming the file and a line, never read
 * out of bounds; a parsed table must be consistent. The first byte picks
 * the header line count and the label column. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csv_parse.h"
#include "n2d2/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t header = data[0] & 3;
    long column = (long)((data[0] >> 2) & 7) - 4; /* -4..3 */
    csv_table t = {0};
    n2d2_status st = csv_parse((const char *)data + 1, size - 1, "fuzz.csv", 7, header, column, &t);
    if (st == N2D2_OK) {
        size_t prev = 0;
        for (size_t i = 0; i < t.n_rows; ++i) {
            if (!t.labels[i][0] || t.files[i] != 7 || t.lines[i] <= prev || t.lines[i] <= header)
                __builtin_trap();
            prev = t.lines[i];
        }
        float sum = 0; /* every value is readable */
        for (size_t i = 0; i < t.n_rows * t.n_values; ++i)
            sum += t.values[i];
        (void)sum;
    } else if (strncmp(n2d2_error_message(), "fuzz.csv:", 9) != 0) {
        __builtin_trap(); /* every error names the file (and its line) */
    }
    csv_free(&t);
    n2d2_error_clear();
    return 0;
}
