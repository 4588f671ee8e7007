/* Sizes, durations, counts: strict parsing with a reason for every refusal. */
#include "ipcbench/units.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(code, ...) do { snprintf(err, errlen, __VA_ARGS__); return -(code); } while (0)

/* leading decimal digits into *v; -ERANGE on overflow, -EINVAL when none */
static int digits(const char **sp, uint64_t *v)
{
    const char *s = *sp;
    uint64_t acc = 0;
    if (!isdigit((unsigned char)*s))
        return -EINVAL;
    for (; isdigit((unsigned char)*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (acc > (UINT64_MAX - d) / 10)
            return -ERANGE;
        acc = acc * 10 + d;
    }
    *sp = s;
    *v = acc;
    return 0;
}

int ipcb_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
    const char *p = s;
    uint64_t v;
    if (!s || !*s)
        FAIL(EINVAL, "empty size (expected a number of bytes like 64, 4k or 1M)");
    if (*s == '-')
        FAIL(EINVAL, "size '%s' is negative", s);
    int rc = digits(&p, &v);
    if (rc == -ERANGE)
        FAIL(ERANGE, "size '%s' is too large", s);
    if (rc)
        FAIL(EINVAL, "size '%s' is not a number of bytes (like 64, 4k or 1M)", s);
    unsigned shift = 0;
    switch (*p) {
    case 'k': case 'K': shift = 10; p++; break;
    case 'm': case 'M': shift = 20; p++; break;
    case 'g': case 'G': shift = 30; p++; break;
    default: break;
    }
    if (shift && (*p == 'i' || *p == 'I'))
        p++;
    if (*p == 'b' || *p == 'B')
        p++;
    if (*p)
        FAIL(EINVAL, "size '%s' has an unknown unit (use k, M or G, powers of 1024)", s);
    if (shift && v > (UINT64_MAX >> shift))
        FAIL(ERANGE, "size '%s' is too large", s);
    v <<= shift;
    if (v == 0)
        FAIL(EINVAL, "size '%s' is zero (the smallest message is 1 byte)", s);
    *out = v;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int add_size(uint64_t *out, size_t cap, size_t *n, uint64_t v, char *err, size_t errlen)
{
    if (*n >= cap)
        FAIL(E2BIG, "too many sizes (at most %zu)", cap);
    out[(*n)++] = v;
    return 0;
}

int ipcb_parse_size_list(const char *s, uint64_t *out, size_t cap, size_t *n,
                         char *err, size_t errlen)
{
    char item[64];
    *n = 0;
    if (!s || !*s)
        FAIL(EINVAL, "empty size list (expected sizes like 64,4k,1M or a range 64..1M)");
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            FAIL(EINVAL, "size list '%s' has an empty item", s);
        if (len >= sizeof item)
            FAIL(EINVAL, "size '%.*s' is too long", (int)len, p);
        memcpy(item, p, len);
        item[len] = '\0';
        char *dots = strstr(item, "..");
        int rc;
        if (dots) {
            uint64_t lo, hi;
            *dots = '\0';
            if ((rc = ipcb_parse_size(item, &lo, err, errlen)) ||
                (rc = ipcb_parse_size(dots + 2, &hi, err, errlen)))
                return rc;
            if (lo > hi)
                FAIL(EINVAL, "size range '%s..%s' is reversed (write low..high)", item, dots + 2);
            for (uint64_t v = lo; v <= hi; v *= 2) {
                if ((rc = add_size(out, cap, n, v, err, errlen)))
                    return rc;
                if (v > UINT64_MAX / 2)
                    break;
            }
        } else {
            uint64_t v;
            if ((rc = ipcb_parse_size(item, &v, err, errlen)) ||
                (rc = add_size(out, cap, n, v, err, errlen)))
                return rc;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    qsort(out, *n, sizeof *out, cmp_u64);
    size_t w = 0;
    for (size_t i = 0; i < *n; i++)
        if (w == 0 || out[w - 1] != out[i])
            out[w++] = out[i];
    *n = w;
    return 0;
}

int ipcb_parse_duration(const char *s, uint64_t *ns, char *err, size_t errlen)
{
    if (!s || !*s)
        FAIL(EINVAL, "empty duration (expected a time like 500ms or 2s)");
    if (*s == '-')
        FAIL(EINVAL, "duration '%s' is negative", s);
    const char *p = s;
    uint64_t whole, frac = 0, frac_div = 1;
    int rc = digits(&p, &whole);
    if (rc == -ERANGE)
        FAIL(ERANGE, "duration '%s' is too long", s);
    if (rc)
        FAIL(EINVAL, "duration '%s' is not a time (like 500ms, 2s or 1.5s)", s);
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            FAIL(EINVAL, "duration '%s' is not a time (like 500ms, 2s or 1.5s)", s);
        for (; isdigit((unsigned char)*p); p++)
            if (frac_div < 1000000000ull) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                frac_div *= 10;
            }
    }
    uint64_t unit;
    if (strcmp(p, "") == 0 || strcmp(p, "s") == 0) unit = 1000000000ull;
    else if (strcmp(p, "ms") == 0) unit = 1000000ull;
    else if (strcmp(p, "us") == 0) unit = 1000ull;
    else if (strcmp(p, "ns") == 0) unit = 1ull;
    else if (strcmp(p, "m") == 0 || strcmp(p, "min") == 0) unit = 60000000000ull;
    else if (strcmp(p, "h") == 0) unit = 3600000000000ull;
    else
        FAIL(EINVAL, "duration '%s' has an unknown unit (use ns, us, ms, s, m or h)", s);
    if (whole > UINT64_MAX / unit / 2)
        FAIL(ERANGE, "duration '%s' is too long", s);
    uint64_t v = whole * unit + (uint64_t)((double)frac / (double)frac_div * (double)unit);
    if (v == 0)
        FAIL(EINVAL, "duration '%s' is zero", s);
    *ns = v;
    return 0;
}

int ipcb_parse_count(const char *s, uint64_t *out, char *err, size_t errlen)
{
    if (!s || !*s)
        FAIL(EINVAL, "empty count (expected a whole number like 10000 or 10k)");
    if (*s == '-')
        FAIL(EINVAL, "count '%s' is negative", s);
    const char *p = s;
    uint64_t v;
    int rc = digits(&p, &v);
    if (rc == -ERANGE)
        FAIL(ERANGE, "count '%s' is too large", s);
    if (rc)
        FAIL(EINVAL, "count '%s' is not a whole number (like 10000 or 10k)", s);
    uint64_t mult = 1;
    if (*p == 'k' || *p == 'K') { mult = 1000; p++; }
    else if (*p == 'M') { mult = 1000000; p++; }
    else if (*p == 'G') { mult = 1000000000; p++; }
    if (*p)
        FAIL(EINVAL, "count '%s' has an unknown suffix (use k, M or G, powers of 1000)", s);
    if (v > UINT64_MAX / mult)
        FAIL(ERANGE, "count '%s' is too large", s);
    *out = v * mult;
    return 0;
}

void ipcb_format_size(uint64_t bytes, char *buf, size_t len)
{
    static const char units[] = "kMGTPE";
    unsigned u = 0;
    uint64_t v = bytes;
    while (v >= 1024 && v % 1024 == 0 && u < sizeof units - 1) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%llu", (unsigned long long)v);
    else
        snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u - 1]);
}

void ipcb_format_ns(uint64_t ns, char *buf, size_t len)
{
    if (ns < 1000)
        snprintf(buf, len, "%llu ns", (unsigned long long)ns);
    else if (ns < 1000000)
        snprintf(buf, len, "%.1f us", (double)ns / 1e3);
    else if (ns < 1000000000)
        snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
    else
        snprintf(buf, len, "%.1f s", (double)ns / 1e9);
}

void ipcb_format_rate(double per_s, char *buf, size_t len)
{
    if (per_s >= 1e6)
        snprintf(buf, len, "%.2fM", per_s / 1e6);
    else if (per_s >= 1e3)
        snprintf(buf, len, "%.1fk", per_s / 1e3);
    else
        snprintf(buf, len, "%.0f", per_s);
}

int ipcb_parse_count_range(const char *opt, const char *s, uint64_t lo, uint64_t hi,
                           uint64_t *out, char *err, size_t errlen)
{
    char why[IPCB_UNITS_ERR];
    uint64_t v;
    if (s[0] == '0' && s[1] == '\0' && lo == 0) {
        *out = 0;
        return 0;
    }
    if (ipcb_parse_count(s, &v, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", opt, why);
        return -EINVAL;
    }
    if (v < lo || v > hi) {
        snprintf(err, errlen, "%s %s is out of range (%llu to %llu)", opt, s,
                 (unsigned long long)lo, (unsigned long long)hi);
        return -EINVAL;
    }
    *out = v;
    return 0;
}
