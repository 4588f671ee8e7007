/* The verdict on the report page (page.h): for each pattern and size, the
 * rows tied with the best, in the verdict's own sentences. */
#include "report/html.h"
#include "report/page.h"
#include "verdict/verdict.h"

void ipcb_page_verdict(struct ipcb_sbuf *b, const struct ipcb_report_input *in)
{
    struct ipcb_verdicts v;
    ipcb_sbuf_printf(b, "<div class=\"verdict\" id=\"verdict-text\">\n");
    if (!in->have_summary || ipcb_verdict_make(&in->summary, in->margin_pct, &v) != 0) {
        ipcb_sbuf_printf(b, "<p class=\"none\">No verdict: %s.</p>\n</div>\n",
                         in->have_summary ? "out of memory" : "no summary.csv to judge");
        return;
    }
    if (v.n_lines == 0)
        ipcb_sbuf_printf(b, "<p class=\"none\">No verdict: summary.csv holds no rows.</p>\n");
    ipcb_sbuf_printf(b, "<ul>\n");
    for (size_t i = 0; i < v.n_lines; i++) {
        ipcb_sbuf_printf(b, "<li><b>");
        ipcb_html_text(b, v.lines[i].subject);
        ipcb_sbuf_printf(b, "</b> ");
        ipcb_html_text(b, v.lines[i].text ? v.lines[i].text : "");
        if (v.lines[i].left_out) {
            ipcb_sbuf_printf(b, " <span class=\"left-out\">");
            ipcb_html_text(b, v.lines[i].left_out);
            ipcb_sbuf_printf(b, "</span>");
        }
        ipcb_sbuf_printf(b, "</li>\n");
    }
    ipcb_sbuf_printf(b, "</ul>\n<p class=\"note\">");
    struct ipcb_sbuf m = {0};
    ipcb_verdict_method(&m, &v);
    ipcb_html_text(b, ipcb_sbuf_error(&m) ? "" : ipcb_sbuf_str(&m));
    ipcb_sbuf_free(&m);
    ipcb_sbuf_printf(b, "</p>\n</div>\n");
    ipcb_verdict_free(&v);
}
