/* A growable NUL-terminated string. Running out of memory is sticky: every
 * later call returns -ENOMEM too, so a caller can build a whole string and
 * look once at the end (ipcb_sbuf_error) instead of after every piece. */
#ifndef IPCB_SBUF_H
#define IPCB_SBUF_H

#include <stddef.h>

struct ipcb_sbuf {
    char *s;                    /* NULL until something is added */
    size_t len, cap;
    int oom;
};

/* room for `more` bytes and the NUL after them */
int ipcb_sbuf_reserve(struct ipcb_sbuf *b, size_t more);
int ipcb_sbuf_append(struct ipcb_sbuf *b, const char *bytes, size_t n);
int ipcb_sbuf_putc(struct ipcb_sbuf *b, char c);
__attribute__((format(printf, 2, 3)))
int ipcb_sbuf_printf(struct ipcb_sbuf *b, const char *fmt, ...);
/* empty again, keeping the memory (and any earlier out-of-memory) */
void ipcb_sbuf_reset(struct ipcb_sbuf *b);
/* the text so far: "" rather than NULL when nothing was added */
const char *ipcb_sbuf_str(const struct ipcb_sbuf *b);
/* 0, or -ENOMEM when any call since the last free failed */
int ipcb_sbuf_error(const struct ipcb_sbuf *b);
void ipcb_sbuf_free(struct ipcb_sbuf *b);
/* the whole file at path added to b (NUL-terminated, so "" for an empty
 * file); 0 or -errno, and b freed on error */
int ipcb_sbuf_read_file(const char *path, struct ipcb_sbuf *b);

#endif
