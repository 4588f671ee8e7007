/* The .hgrm files of hist/ for reader.h: their percentile lines, as
 * output/hgrm.c writes them. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "common/sbuf.h"
#include "ipcbench/results.h"

/* "value percentile count [1/(1-p)]" and nothing more, every number finite */
static int hgrm_line(const char *line, struct ipcb_hgrm_point *pt)
{
    double v[4];
    int n = 0;
    const char *p = line;
    for (;;) {
        p += strspn(p, " \t\r");
        if (!*p || n == 4)
            break;
        char *end;
        v[n] = strtod(p, &end);
        if (end == p || !isfinite(v[n]) || !strchr(" \t\r", *end))
            return 0;
        n++;
        p = end;
    }
    if (*p || n < 3)
        return 0;
    *pt = (struct ipcb_hgrm_point){.value = v[0], .percentile = v[1], .count = v[2],
                                   .one_over_1_minus_p = n == 4 ? v[3] : INFINITY};
    return 1;
}

int ipcb_hgrm_parse(const char *text, size_t len, struct ipcb_hgrm *h)
{
    *h = (struct ipcb_hgrm){0};
    size_t cap = 0;
    if (!text)
        return 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((eol ? eol : end) - p);
        char line[256];         /* a percentile line is under 60 bytes */
        int ok = n < sizeof line;
        if (ok) {
            memcpy(line, p, n);
            line[n] = '\0';
            /* a NUL inside the line would hide the rest of it from strtod */
            ok = strlen(line) == n && line[strspn(line, " \t")] != '#';
        }
        p = eol ? eol + 1 : end;
        struct ipcb_hgrm_point pt;
        if (!ok || !hgrm_line(line, &pt))
            continue;
        if (h->n_points == cap) {
            size_t more = cap ? cap * 2 : 64;
            struct ipcb_hgrm_point *points = realloc(h->points, more * sizeof *points);
            if (!points) {
                ipcb_hgrm_free(h);
                return -ENOMEM;
            }
            h->points = points;
            cap = more;
        }
        h->points[h->n_points++] = pt;
    }
    return 0;
}

int ipcb_hgrm_path(const char *dir, const char *transport, const char *pattern,
                   uint64_t size, char *path, size_t len)
{
    char name[384];
    ipcb_hgrm_name(transport, pattern, size, name, sizeof name);
    if ((size_t)snprintf(path, len, "%s/hist/%s", dir, name) >= len) {
        path[0] = '\0';
        return -ENAMETOOLONG;
    }
    return 0;
}

int ipcb_hgrm_read(const char *path, struct ipcb_hgrm *h)
{
    struct ipcb_sbuf text = {0};
    *h = (struct ipcb_hgrm){0};
    int rc = ipcb_sbuf_read_file(path, &text);
    if (rc == 0)
        rc = ipcb_hgrm_parse(text.s, text.len, h);
    ipcb_sbuf_free(&text);
    return rc;
}

void ipcb_hgrm_free(struct ipcb_hgrm *h)
{
    free(h->points);
    *h = (struct ipcb_hgrm){0};
}
