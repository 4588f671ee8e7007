/* The Markdown rendering of a results directory (verdict.h): a heading
 * with the machine line, the table on stdout as a pipe table, and the
 * verdict as a list: to paste into an issue or a wiki, as hyperfine's
 * --export-markdown does for its figures. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/reader.h"
#include "ipcbench/columns.h"
#include "output/show.h"
#include "verdict/verdict.h"

/* s in a table cell or a line: | escaped, newlines as spaces */
static void md_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_')
            fputc('\\', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
}

/* "AMD EPYC 7B13 (2 cores), Linux 6.1.0 x86_64, 2026-11-24T19:48:15Z, ipcbench 0.9" */
static void machine_line(FILE *f, const char *dir)
{
    struct ipcb_meta_fields m;
    char err[256];
    if (ipcb_meta_read(dir, &m, err, sizeof err) != 0) {
        fputs("Machine not recorded (no readable meta.json).\n\n", f);
        return;
    }
    fputs("**Machine:** ", f);
    md_text(f, *m.cpu_model ? m.cpu_model : "unknown CPU");
    if (m.cores)
        fprintf(f, " (%d %s)", m.cores, m.cores == 1 ? "core" : "cores");
    if (*m.kernel) {
        fputs(", ", f);
        md_text(f, m.kernel);
    }
    if (*m.date_utc) {
        fputs(", ", f);
        md_text(f, m.date_utc);
    }
    if (*m.version) {
        fputs(", ipcbench ", f);
        md_text(f, m.version);
    }
    fputs("\n\n", f);
    if (*m.command_line) {
        /* a code span: its text as it is, fenced by more backticks than it holds */
        fputs("Command: `` ", f);
        for (const char *c = m.command_line; *c; c++)
            fputc(*c == '\n' ? ' ' : *c, f);
        fputs(" ``\n\n", f);
    }
}

static void table(FILE *f, const struct ipcb_summary *s)
{
    const struct ipcb_column *cols[64];
    size_t n = ipcb_show_columns(s, cols, 64);
    for (size_t c = 0; c < n; c++) {
        fputs("| ", f);
        md_text(f, cols[c]->table.title);
        fputc(' ', f);
    }
    fputs("|\n", f);
    for (size_t c = 0; c < n; c++) {
        int text = cols[c]->table.show == IPCB_SHOW_PLAIN ||
                   cols[c]->table.show == IPCB_SHOW_STATUS;
        fputs(text ? "|---" : "|--:", f);
    }
    fputs("|\n", f);
    for (size_t i = 0; i < s->n_rows; i++) {
        for (size_t c = 0; c < n; c++) {
            char shown[640];
            ipcb_show_field(cols[c], ipcb_summary_field(s, i, cols[c]->name), shown,
                            sizeof shown);
            fputs("| ", f);
            md_text(f, shown);
            fputc(' ', f);
        }
        fputs("|\n", f);
    }
    fputc('\n', f);
}

static void verdict(FILE *f, const struct ipcb_summary *s, double margin_pct)
{
    struct ipcb_verdicts v;
    struct ipcb_sbuf m = {0};
    if (ipcb_verdict_make(s, margin_pct, &v) != 0)
        return;
    fputs("### Verdict\n\n", f);
    for (size_t i = 0; i < v.n_lines; i++) {
        fputs("- **", f);
        md_text(f, v.lines[i].subject);
        fputs(":** ", f);
        md_text(f, v.lines[i].text);
        if (v.lines[i].left_out) {
            fputc(' ', f);
            md_text(f, v.lines[i].left_out);
        }
        fputc('\n', f);
    }
    ipcb_verdict_method(&m, &v);
    fputs("\n", f);
    md_text(f, ipcb_sbuf_error(&m) ? "" : ipcb_sbuf_str(&m));
    fputs("\n", f);
    ipcb_sbuf_free(&m);
    ipcb_verdict_free(&v);
}

int ipcb_markdown_write(const char *dir, const char *path, double margin_pct, char *err,
                        size_t errlen)
{
    struct ipcb_summary sum;
    const struct ipcb_summary_query q = {.dir = dir, .every_row = true, .up_to_error = true};
    int rc = ipcb_summary_load(&q, &sum, err, errlen);
    if (rc)
        return rc;
    int to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "w");
    if (!f) {
        rc = -errno;
        snprintf(err, errlen, "--markdown: cannot write '%s': %s", path, strerror(errno));
        ipcb_summary_free(&sum);
        return rc;
    }
    fputs("## ipcbench results\n\n", f);
    machine_line(f, dir);
    table(f, &sum);
    verdict(f, &sum, margin_pct);
    int bad = ferror(f);
    if ((to_stdout ? fflush(f) : fclose(f)) != 0 || bad) {
        snprintf(err, errlen, "--markdown: cannot write '%s'", path);
        rc = -EIO;
    }
    ipcb_summary_free(&sum);
    return rc;
}
