/* The growable string of sbuf.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sbuf.h"

int ipcb_sbuf_reserve(struct ipcb_sbuf *b, size_t more)
{
    if (b->oom)
        return -ENOMEM;
    if (more >= SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return -ENOMEM;
    }
    if (b->len + more + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return -ENOMEM;
    }
    b->s = s;
    b->cap = cap;
    return 0;
}

int ipcb_sbuf_append(struct ipcb_sbuf *b, const char *bytes, size_t n)
{
    if (ipcb_sbuf_reserve(b, n) != 0)
        return -ENOMEM;
    memcpy(b->s + b->len, bytes, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

int ipcb_sbuf_putc(struct ipcb_sbuf *b, char c)
{
    return ipcb_sbuf_append(b, &c, 1);
}

int ipcb_sbuf_printf(struct ipcb_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        b->oom = 1;             /* past INT_MAX bytes: as good as out of memory */
    if (b->oom || ipcb_sbuf_reserve(b, (size_t)n) != 0)
        return -ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void ipcb_sbuf_reset(struct ipcb_sbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

const char *ipcb_sbuf_str(const struct ipcb_sbuf *b)
{
    return b->s ? b->s : "";
}

int ipcb_sbuf_error(const struct ipcb_sbuf *b)
{
    return b->oom ? -ENOMEM : 0;
}

void ipcb_sbuf_free(struct ipcb_sbuf *b)
{
    free(b->s);
    *b = (struct ipcb_sbuf){0};
}

int ipcb_sbuf_read_file(const char *path, struct ipcb_sbuf *text)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -errno;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (ipcb_sbuf_append(text, chunk, n) != 0)
            break;
    int rc = ferror(f) ? -EIO : ipcb_sbuf_error(text);
    fclose(f);
    if (rc == 0)
        rc = ipcb_sbuf_reserve(text, 0);    /* so an empty file has a string too */
    if (rc)
        ipcb_sbuf_free(text);
    return rc;
}
