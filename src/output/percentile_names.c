/* The names and sample needs of percentile columns: "p99.9" is p999_ns,
 * and it needs 10000 timed messages for IPCB_TAIL_SAMPLES in its tail; and
 * the list --percentiles asks for. */
#include <errno.h>
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

int ipcb_percentiles_wanted(const double *p, size_t n, double *want, size_t *k, char *err,
                            size_t errlen)
{
    *k = 0;
    for (size_t i = 0; i < n + 2; i++) {
        double v = i < n ? p[i] : i == n ? 50.0 : 99.0;
        if (!(v >= 0.0 && v <= 100.0)) {
            snprintf(err, errlen, "--percentiles: %g is not between 0 and 100", v);
            return -EINVAL;
        }
        size_t j = 0;
        while (j < *k && want[j] != v)
            j++;
        if (j < *k)
            continue;
        if (*k == IPCB_MAX_PERCENTILES) {
            snprintf(err, errlen, "--percentiles: at most %d", IPCB_MAX_PERCENTILES);
            return -EINVAL;
        }
        want[(*k)++] = v;
    }
    /* ascending, as the default columns are */
    for (size_t i = 1; i < *k; i++)
        for (size_t j = i; j > 0 && want[j - 1] > want[j]; j--) {
            double t = want[j];
            want[j] = want[j - 1];
            want[j - 1] = t;
        }
    return 0;
}
