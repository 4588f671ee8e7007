/* libFuzzer target: the size, size-list, duration and count parsers must
 * never crash, and whatever they accept must be sane. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipcbench/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[256], err[IPCB_UNITS_ERR];
    if (size >= sizeof text)
        size = sizeof text - 1;
    memcpy(text, data, size);
    text[size] = '\0';

    uint64_t v, list[IPCB_SIZE_LIST_MAX];
    size_t n;
    if (ipcb_parse_size(text, &v, err, sizeof err) == 0 && v == 0)
        abort();
    if (ipcb_parse_size_list(text, list, IPCB_SIZE_LIST_MAX, &n, err, sizeof err) == 0) {
        if (n == 0 || n > IPCB_SIZE_LIST_MAX)
            abort();
        for (size_t i = 1; i < n; i++)
            if (list[i] <= list[i - 1]) /* sorted, no repeats */
                abort();
    }
    if (ipcb_parse_duration(text, &v, err, sizeof err) == 0 && v == 0)
        abort();
    ipcb_parse_count(text, &v, err, sizeof err);
    char out[32];
    ipcb_format_size(v, out, sizeof out);
    return 0;
}
