/* The report's HTML pieces: text escaped, and an SVG file taken into a page
 * with its ids its own and nothing that runs or reaches outside. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "report/html.h"
#include "report/page.h"

/* ipcb_html_svg of svg with prefix "c1-": its return, the markup in *out */
static int svg(const char *text, struct ipcb_sbuf *out)
{
    ipcb_sbuf_free(out);
    return ipcb_html_svg(out, text, strlen(text), "c1-");
}

/* the markup of a document that must be taken, "" when it is not */
static const char *taken(const char *what, const char *doc, struct ipcb_sbuf *out)
{
    int rc = svg(doc, out);
    CHECK(rc == 0, "%s: taken (%d)", what, rc);
    return ipcb_sbuf_str(out);
}

static void text(void)
{
    struct ipcb_sbuf b = {0};
    ipcb_html_text(&b, "<a href=\"x\">Tom & 'Jerry'</a>\x01\tend\x7f");
    CHECK(strcmp(ipcb_sbuf_str(&b), "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;"
                                    "&lt;/a&gt;?\tend?") == 0, "escaped: %s", ipcb_sbuf_str(&b));
    ipcb_sbuf_reset(&b);
    ipcb_html_textf(&b, "%s at %d", "<b>", 64);
    CHECK(strcmp(ipcb_sbuf_str(&b), "&lt;b&gt; at 64") == 0, "formatted, then escaped: %s",
          ipcb_sbuf_str(&b));
    ipcb_sbuf_reset(&b);
    ipcb_html_text(&b, "na\xc3\xafve");
    CHECK(strcmp(ipcb_sbuf_str(&b), "na\xc3\xafve") == 0, "UTF-8 passes through");
    ipcb_sbuf_free(&b);
}

static const char gnuplot_doc[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n"
    "<!-- made by hand -->\n"
    "<svg \n width=\"600\" height=\"400\"\n viewBox=\"0 0 600 400\"\n"
    " xmlns=\"http://www.w3.org/2000/svg\"\n xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n>\n"
    "<title>Gnuplot</title>\n<g id=\"gnuplot_canvas\">\n<defs>\n"
    "\t<path id='gpPt0' stroke='currentColor' d='M-1,0 h2'/>\n"
    "\t<use xlink:href='#gpPt0' id='gpPt1'/>\n"
    "\t<filter id='textbox'><feFlood flood-color='#FFFFFF'/></filter>\n"
    "</defs>\n<g filter=\"url(#textbox)\" fill=\"#FFFFFF\"><text>a &lt; b &amp; id=\"x\""
    " url(#y)</text></g>\n</g>\n</svg>\n<!-- after -->\n";

/* each of has[] is in m, none of lacks[] (both NULL-terminated) */
static void holds(const char *what, const char *m, const char *const *has,
                  const char *const *lacks)
{
    for (size_t i = 0; has[i]; i++)
        CHECK(strstr(m, has[i]) != NULL, "%s: has %s", what, has[i]);
    for (size_t i = 0; lacks[i]; i++)
        CHECK(strstr(m, lacks[i]) == NULL, "%s: lacks %s", what, lacks[i]);
}

static void gnuplot_like(void)
{
    static const char *const has[] = {
        /* every id prefixed, its quotes kept, and the references follow */
        "id=\"c1-gnuplot_canvas\"", "id='c1-gpPt0'", "id='c1-gpPt1'", "id='c1-textbox'",
        "xlink:href='#c1-gpPt0'", "filter=\"url(#c1-textbox)\"",
        /* colours are no references; text between tags is copied as it is */
        "fill=\"#FFFFFF\"", "flood-color='#FFFFFF'",
        "<text>a &lt; b &amp; id=\"x\" url(#y)</text>",
        "viewBox=\"0 0 600 400\"", "xmlns=\"http://www.w3.org/2000/svg\"", NULL,
    };
    /* prolog, doctype and comments left out */
    static const char *const lacks[] = {"<?xml", "DOCTYPE", "made by hand", "after", NULL};
    struct ipcb_sbuf out = {0};
    const char *m = taken("a gnuplot-like SVG", gnuplot_doc, &out);
    CHECK(strncmp(m, "<svg", 4) == 0, "it starts at the root: %.40s", m);
    CHECK(out.len > 6 && strcmp(m + out.len - 6, "</svg>") == 0, "it ends at the root's end");
    holds("a gnuplot-like SVG", m, has, lacks);
    ipcb_sbuf_free(&out);
}

static const char dropping_doc[] =
    "<svg viewBox=\"0 0 1 1\" onload=\"alert(1)\">"
    "<script type=\"text/javascript\"><![CDATA[ alert(2) ]]></script>"
    "<SCRIPT xlink:href=\"gnuplot_svg.js\"/>"
    "<style>body { display: none }</style>"
    "<foreignObject><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></foreignObject>"
    "<image href=\"http://example.com/a.png\" width=\"1\"/>"
    "<a xlink:href=\"https://example.com/\"><text>link</text></a>"
    "<rect style=\"fill: url(http://example.com/p.svg#x)\" width=\"1\" OnClick=\"x()\"/>"
    "<![CDATA[ kept ]]>"
    "</svg>";

static void dropped(void)
{
    /* the elements stay without what was dropped; CDATA is text */
    static const char *const has[] = {
        "<image width=\"1\"/>", "<a><text>link</text></a>", "<rect width=\"1\"/>",
        "<![CDATA[ kept ]]>", NULL,
    };
    /* scripts, handlers, styles, foreign objects, anything outside */
    static const char *const lacks[] = {
        "alert", "script", "SCRIPT", "style>", "display", "foreignObject", "xhtml",
        "example.com", "href", NULL,
    };
    struct ipcb_sbuf out = {0};
    holds("an SVG with things to drop", taken("an SVG with things to drop", dropping_doc, &out),
          has, lacks);
    ipcb_sbuf_free(&out);
}

static void refused(void)
{
    static const char *const bad[] = {
    "", "<?xml version=\"1.0\"?>", "<svgx></svgx>", "<svg width=\"1\">",
    "<svg width=\"1></svg>", "<svg width=1></svg>", "<svg><g></svg>",
    "<svg><!-- open </svg>", "<svg><script>x</svg>", "<svg><g id></g></svg>",
    };
    struct ipcb_sbuf out = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ipcb_sbuf_free(&out);
        ipcb_sbuf_printf(&out, "before");
        int rc = ipcb_html_svg(&out, bad[i], strlen(bad[i]), "c1-");
        CHECK(rc == -EINVAL && strcmp(ipcb_sbuf_str(&out), "before") == 0,
              "'%s': -EINVAL and nothing added (%d, %s)", bad[i], rc, ipcb_sbuf_str(&out));
    }
    CHECK(svg("<svg/>", &out) == 0 && strcmp(ipcb_sbuf_str(&out), "<svg/>") == 0,
          "an empty root is whole");
    /* the length bounds the text: the same bytes with their end cut off */
    const char *whole = "<svg><g/></svg>";
    ipcb_sbuf_free(&out);
    CHECK(ipcb_html_svg(&out, whole, strlen(whole) - 1, "c1-") == -EINVAL,
          "a document cut short is refused");
    ipcb_sbuf_free(&out);
}

static void percentiles(void)
{
    CHECK(ipcb_report_percentile("p50_ns") == 0.5 && ipcb_report_percentile("p99_ns") == 0.99 &&
          ipcb_report_percentile("p999_ns") == 0.999 &&
          ipcb_report_percentile("p9999_ns") == 0.9999, "pNN_ns columns read as percentiles");
    CHECK(ipcb_report_percentile("max_ns") == 0 && ipcb_report_percentile("p5_ns") == 0 &&
          ipcb_report_percentile("p99") == 0 && ipcb_report_percentile("p99_nsx") == 0 &&
          ipcb_report_percentile("") == 0, "other columns are not percentiles");
}

int main(void)
{
    text();
    gnuplot_like();
    dropped();
    refused();
    percentiles();
    return checks_done();
}
