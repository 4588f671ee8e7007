/* What the report's page is made of: text made safe for HTML, and a chart's
 * SVG file made fit to sit inside the page. */
#ifndef IPCB_REPORT_HTML_H
#define IPCB_REPORT_HTML_H

#include <stddef.h>

#include "common/sbuf.h"

/* s as HTML text (also fit for a quoted attribute value): & < > " ' as
 * character references, control characters other than tab and newline as
 * '?', since HTML allows none of them */
void ipcb_html_text(struct ipcb_sbuf *b, const char *s);
/* the printf of fmt, as HTML text */
__attribute__((format(printf, 2, 3)))
void ipcb_html_textf(struct ipcb_sbuf *b, const char *fmt, ...);

/* The SVG document in text[0..len) appended to b as markup for an HTML page:
 * everything before the <svg> root (XML declaration, doctype, comments) and
 * after it left out, comments and processing instructions dropped; every id
 * given prefix, and every reference to one (href="#x", url(#x)) with it, so
 * charts on one page cannot take each other's; <script>, <style> (it would
 * style the whole page) and <foreignObject> dropped with what they hold, as
 * are event handler attributes and any href or url() that points outside
 * the document. Returns 0, -EINVAL when text is not an SVG document as far
 * as this reads it (nothing is added then), -ENOMEM. */
int ipcb_html_svg(struct ipcb_sbuf *b, const char *text, size_t len, const char *prefix);

#endif
