/* The names and sample needs of percentile columns: "p99.9" is p999_ns,
 * and it needs 10000 timed messages for IPCB_TAIL_SAMPLES in its tail. */
#include <stdio.h>
#include <string.h>

#include "ipcbench/columns.h"

void ipcb_percentile_name(double p, char *buf, size_t len)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%s%.6f", p < 10 ? "0" : "", p);
    char *end = digits + strlen(digits);
    while (end > digits && end[-1] == '0')
        *--end = '\0';              /* 99.900000 -> 99.9 */
    if (end > digits && end[-1] == '.')
        *--end = '\0';
    size_t k = 0;
    for (const char *d = digits; *d && k + 4 < len; d++)
        if (*d != '.')
            buf[1 + k++] = *d;
    buf[0] = 'p';
    snprintf(buf + 1 + k, len - 1 - k, "_ns");
}

uint64_t ipcb_percentile_needs(double p)
{
    if (p <= 0.0 || p >= 100.0)
        return 1;                   /* min and max are exact from one sample */
    /* 10 / (1 - 0.999) is 10000 and a hair in floating point: not 10001 */
    double n = IPCB_TAIL_SAMPLES / (1.0 - p / 100.0) - 1e-6;
    return (uint64_t)n + (n > (double)(uint64_t)n);
}
