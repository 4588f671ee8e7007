/* The verdict as text (verdict.h): the method, and each line wrapped for a
 * terminal. */
#include <string.h>

#include "verdict/verdict.h"

#define WIDTH 79                /* columns of the wrapped text */

void ipcb_verdict_method(struct ipcb_sbuf *b, const struct ipcb_verdicts *v)
{
    if (v->by_intervals && !v->by_margin) {
        ipcb_sbuf_printf(b, "Tied means the repeats' 95 %% intervals of the figure overlap the "
                            "best's.");
    } else if (v->by_intervals) {
        ipcb_sbuf_printf(b, "Tied means the repeats' 95 %% intervals overlap the best's, or, "
                            "for rows without intervals, within %g %% of the best.",
                         v->margin_pct);
    } else {
        ipcb_sbuf_printf(b, "Tied means within %g %% of the best (--margin): one measurement "
                            "per row gives no interval, so add --repeat 5 to tell noise from "
                            "a difference.", v->margin_pct);
    }
    ipcb_sbuf_printf(b, " Blocking rows sleep while they wait; spinning rows hold their CPU, "
                        "so they are ranked apart.");
    if (!v->spinning)
        ipcb_sbuf_printf(b, " This run has no spinning rows: --wait block,spin adds them.");
}

/* text from column `at` on, wrapped at WIDTH with indent spaces before
 * every line after the first */
static void wrapped(FILE *f, const char *text, size_t at, size_t indent)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t word = strcspn(p, " ");
        if (!word)
            break;
        if (at > indent && at + 1 + word > WIDTH) {
            fprintf(f, "\n%*s", (int)indent, "");
            at = indent;
        } else if (at > indent) {
            fputc(' ', f);
            at++;
        }
        fwrite(p, 1, word, f);
        at += word;
        p += word;
    }
    fputc('\n', f);
}

void ipcb_verdict_print(FILE *f, const struct ipcb_verdicts *v)
{
    if (!v->n_lines)
        return;
    struct ipcb_sbuf m = {0};
    ipcb_verdict_method(&m, v);
    fputs("\nVerdict: for each pattern and size, the rows that cannot be told apart from the "
          "best.\n", f);
    wrapped(f, ipcb_sbuf_error(&m) ? "" : ipcb_sbuf_str(&m), 0, 0);
    ipcb_sbuf_free(&m);
    for (size_t i = 0; i < v->n_lines; i++) {
        const struct ipcb_verdict_line *l = &v->lines[i];
        struct ipcb_sbuf t = {0};
        ipcb_sbuf_printf(&t, "%s%s%s", l->text ? l->text : "", l->left_out ? " " : "",
                         l->left_out ? l->left_out : "");
        fprintf(f, "- %s:", l->subject);
        wrapped(f, ipcb_sbuf_error(&t) ? "" : ipcb_sbuf_str(&t), strlen(l->subject) + 3, 2);
        ipcb_sbuf_free(&t);
    }
}
