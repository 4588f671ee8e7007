/* HTML text, and charts' SVG files taken into the page (html.h).
 *
 * The SVG comes from gnuplot through the scripts of plots/, so it is
 * well-formed XML; what this reads of it is only the tags: names, attributes
 * in quotes, and the text between them copied as it is (it is XML text
 * already, escaped the way HTML reads it too). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "report/html.h"

void ipcb_html_text(struct ipcb_sbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': ipcb_sbuf_append(b, "&amp;", 5); break;
        case '<': ipcb_sbuf_append(b, "&lt;", 4); break;
        case '>': ipcb_sbuf_append(b, "&gt;", 4); break;
        case '"': ipcb_sbuf_append(b, "&quot;", 6); break;
        case '\'': ipcb_sbuf_append(b, "&#39;", 5); break;
        default:
            ipcb_sbuf_putc(b, (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ? '?' : *s);
        }
    }
}

void ipcb_html_textf(struct ipcb_sbuf *b, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    ipcb_html_text(b, text);
}

/* ---- SVG ---- */

struct svg_reader {
    const char *p, *end;
    const char *prefix;
    struct ipcb_sbuf out;
};

static int at(const struct svg_reader *r, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(r->end - r->p) >= n && memcmp(r->p, s, n) == 0;
}

/* past the next `stop`; -EINVAL when there is none */
static int skip_past(struct svg_reader *r, const char *stop)
{
    const char *hit = memmem(r->p, (size_t)(r->end - r->p), stop, strlen(stop));
    if (!hit)
        return -EINVAL;
    r->p = hit + strlen(stop);
    return 0;
}

static int name_char(char c)
{
    return c && !isspace((unsigned char)c) && !strchr("/>=<\"'", c);
}

/* elements left out with all they hold: a script would run in the page and
 * a style would restyle all of it; foreignObject could bring in anything */
static int dropped_element(const char *name, size_t n)
{
    static const char *const names[] = {"script", "style", "foreignObject", NULL};
    for (size_t i = 0; names[i]; i++)
        if (strlen(names[i]) == n && strncasecmp(names[i], name, n) == 0)
            return 1;
    return 0;
}

/* value with the prefix after every url(#, or -EINVAL when a url() points
 * anywhere but this document */
static int rewrite_urls(struct ipcb_sbuf *out, const char *value, size_t n, const char *prefix)
{
    const char *v = value, *end = value + n;
    for (;;) {
        const char *url = memmem(v, (size_t)(end - v), "url(", 4);
        if (!url) {
            ipcb_sbuf_append(out, v, (size_t)(end - v));
            return 0;
        }
        const char *target = url + 4;
        while (target < end && (*target == ' ' || *target == '\'' || *target == '"'))
            target++;
        if (target == end || *target != '#')
            return -EINVAL;
        ipcb_sbuf_append(out, v, (size_t)(target + 1 - v));
        ipcb_sbuf_printf(out, "%s", prefix);
        v = target + 1;
    }
}

/* one attribute as kept, or nothing when it is dropped */
static void attribute(struct svg_reader *r, const char *name, size_t name_len,
                      const char *value, size_t value_len, char quote)
{
    int is_href = (name_len == 4 && memcmp(name, "href", 4) == 0) ||
                  (name_len > 5 && memcmp(name + name_len - 5, ":href", 5) == 0);
    if (name_len >= 2 && strncasecmp(name, "on", 2) == 0)
        return;                 /* an event handler */
    if (is_href && (value_len == 0 || value[0] != '#'))
        return;                 /* a link or a resource outside the page */
    struct ipcb_sbuf attr = {0};
    ipcb_sbuf_printf(&attr, " %.*s=%c", (int)name_len, name, quote);
    int keep = 1;
    if ((name_len == 2 && memcmp(name, "id", 2) == 0) || is_href) {
        size_t hash = is_href ? 1 : 0;
        ipcb_sbuf_printf(&attr, "%s%s%.*s", hash ? "#" : "", r->prefix,
                         (int)(value_len - hash), value + hash);
    } else {
        keep = rewrite_urls(&attr, value, value_len, r->prefix) == 0;
    }
    ipcb_sbuf_putc(&attr, quote);
    if (keep)
        ipcb_sbuf_append(&r->out, ipcb_sbuf_str(&attr), attr.len);
    if (ipcb_sbuf_error(&attr))
        r->out.oom = 1;
    ipcb_sbuf_free(&attr);
}

/* The start tag at r->p, written out with its attributes as kept unless its
 * element is dropped; *opens is 1 when the tag has content to come (it does
 * not close itself), *dropped when the element is to be left out; its name
 * is the name_len bytes at *name. */
static int start_tag(struct svg_reader *r, const char **name, size_t *name_len, int *opens,
                     int *dropped)
{
    *name = ++r->p;
    while (r->p < r->end && name_char(*r->p))
        r->p++;
    *name_len = (size_t)(r->p - *name);
    if (*name_len == 0)
        return -EINVAL;
    *dropped = dropped_element(*name, *name_len);
    size_t tag_start = r->out.len;
    ipcb_sbuf_printf(&r->out, "<%.*s", (int)*name_len, *name);
    for (;;) {
        while (r->p < r->end && isspace((unsigned char)*r->p))
            r->p++;
        if (r->p == r->end)
            return -EINVAL;
        if (*r->p == '>' || at(r, "/>")) {
            *opens = *r->p == '>';
            ipcb_sbuf_printf(&r->out, "%s", *opens ? ">" : "/>");
            r->p += *opens ? 1 : 2;
            break;
        }
        const char *attr = r->p;
        while (r->p < r->end && name_char(*r->p))
            r->p++;
        size_t attr_len = (size_t)(r->p - attr);
        while (r->p < r->end && isspace((unsigned char)*r->p))
            r->p++;
        if (attr_len == 0 || r->p == r->end || *r->p != '=')
            return -EINVAL;
        r->p++;
        while (r->p < r->end && isspace((unsigned char)*r->p))
            r->p++;
        if (r->p == r->end || (*r->p != '"' && *r->p != '\''))
            return -EINVAL;
        char quote = *r->p++;
        const char *value = r->p, *close = memchr(value, quote, (size_t)(r->end - value));
        if (!close)
            return -EINVAL;
        r->p = close + 1;
        attribute(r, attr, attr_len, value, (size_t)(close - value), quote);
    }
    if (*dropped && r->out.s) {
        r->out.len = tag_start;
        r->out.s[tag_start] = '\0';
    }
    return 0;
}

/* past the end tag of a dropped element named at name (its start tag read) */
static int skip_element(struct svg_reader *r, const char *name, size_t name_len)
{
    for (;;) {
        if (skip_past(r, "</") != 0)
            return -EINVAL;
        if ((size_t)(r->end - r->p) > name_len && strncasecmp(r->p, name, name_len) == 0 &&
            !name_char(r->p[name_len]))
            return skip_past(r, ">");
    }
}

/* the root element's start: the first "<svg" that is a whole tag name */
static const char *find_root(const char *text, const char *end)
{
    for (const char *p = text; p < end;) {
        const char *hit = memmem(p, (size_t)(end - p), "<svg", 4);
        if (!hit || hit + 4 >= end)
            return NULL;
        if (!name_char(hit[4]))
            return hit;
        p = hit + 4;
    }
    return NULL;
}

static int copy_elements(struct svg_reader *r)
{
    int depth = 0;
    while (r->p < r->end) {
        if (*r->p != '<') {
            const char *lt = memchr(r->p, '<', (size_t)(r->end - r->p));
            const char *stop = lt ? lt : r->end;
            ipcb_sbuf_append(&r->out, r->p, (size_t)(stop - r->p));
            r->p = stop;
            continue;
        }
        int rc;
        if (at(r, "<!--")) {
            rc = skip_past(r, "-->");
        } else if (at(r, "<![CDATA[")) {
            const char *start = r->p;
            if ((rc = skip_past(r, "]]>")) == 0)
                ipcb_sbuf_append(&r->out, start, (size_t)(r->p - start));
        } else if (at(r, "<?")) {
            rc = skip_past(r, "?>");
        } else if (at(r, "<!")) {
            rc = skip_past(r, ">");
        } else if (at(r, "</")) {
            const char *start = r->p;
            if ((rc = skip_past(r, ">")) == 0) {
                ipcb_sbuf_append(&r->out, start, (size_t)(r->p - start));
                if (--depth == 0)
                    return 0;   /* the root closed: whatever follows is not the chart */
            }
        } else {
            const char *name;
            size_t name_len;
            int opens = 0, dropped = 0;
            if ((rc = start_tag(r, &name, &name_len, &opens, &dropped)) != 0)
                return rc;
            if (dropped && depth == 0)
                return -EINVAL; /* the root itself */
            if (dropped && opens)
                rc = skip_element(r, name, name_len);
            else if (opens)
                depth++;
            else if (depth == 0)
                return 0;       /* <svg/>: an empty chart, but a whole one */
        }
        if (rc)
            return rc;
    }
    return -EINVAL;             /* the root never closed */
}

int ipcb_html_svg(struct ipcb_sbuf *b, const char *text, size_t len, const char *prefix)
{
    if (!text)
        return -EINVAL;
    struct svg_reader r = {.end = text + len, .prefix = prefix};
    r.p = find_root(text, r.end);
    if (!r.p)
        return -EINVAL;
    int rc = copy_elements(&r);
    if (rc == 0 && (rc = ipcb_sbuf_error(&r.out)) == 0)
        rc = ipcb_sbuf_append(b, ipcb_sbuf_str(&r.out), r.out.len);
    ipcb_sbuf_free(&r.out);
    return rc;
}
