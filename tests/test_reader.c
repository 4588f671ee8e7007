/* The results reader's summary.csv against small results directories
 * written by hand: what it returns, and the line it says on bad input.
 * meta.json and the .hgrm files are test_reader_meta.c's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/reader.h"
#include "results_fixture.h"

static const char *field(const struct ipcb_summary *s, size_t row, const char *column)
{
    const char *v = ipcb_summary_field(s, row, column);
    return v ? v : "(no such column)";
}

/* summary.csv of text in a fresh directory TOP/name, read back: 0 or the
 * reader's -errno, checked to be 0 */
static int read_summary(const char *name, const char *text, const char *const *required,
                        struct ipcb_summary *s)
{
    char err[512] = "";
    const struct ipcb_summary_query q = {.dir = results_dir(name, text, NULL),
                                         .required = required};
    int rc = ipcb_summary_load(&q, s, err, sizeof err);
    CHECK(rc == 0, "%s: summary.csv read (%d: %s)", name, rc, err);
    return rc;
}

static void columns_by_name(void)
{
    /* the reader's columns in another order than the writer's, and one it
     * does not know */
    static const char *const need[] = {IPCB_COL_TRANSPORT, IPCB_COL_SIZE, NULL};
    struct ipcb_summary s;
    char err[512] = "";
    if (read_summary("order",
                     "status,extra,size_bytes,pattern,transport\n"
                     "ok,x,64,pingpong,pipe\n"
                     "ok,y,4096,stream,unix\n", need, &s) != 0)
        return;
    CHECK(s.n_columns == 5 && s.n_rows == 2, "5 columns, 2 rows (%zu, %zu)", s.n_columns,
          s.n_rows);
    CHECK(ipcb_summary_column(&s, "transport") == 4, "transport is column 4 (%d)",
          ipcb_summary_column(&s, "transport"));
    CHECK(ipcb_summary_column(&s, "p50_ns") == -ENOENT, "no p50_ns column");
    CHECK(strcmp(field(&s, 0, "transport"), "pipe") == 0 &&
          strcmp(field(&s, 1, "transport"), "unix") == 0, "transports by name");
    CHECK(strcmp(field(&s, 1, "size_bytes"), "4096") == 0 &&
          strcmp(field(&s, 0, "extra"), "x") == 0, "size and an unknown column by name");
    CHECK(ipcb_summary_field(&s, 0, "p50_ns") == NULL, "a column not there is NULL");
    double size = 0;
    CHECK(ipcb_summary_number(&s, 1, IPCB_COL_SIZE, &size, err, sizeof err) == 0 &&
          size == 4096, "size as a number (%g)", size);
    CHECK(ipcb_summary_number(&s, 0, "pattern", &size, err, sizeof err) == -EINVAL &&
          strstr(err, "summary.csv, row 1: pattern 'pingpong' is not a number"),
          "a field that is not a number: %s", err);
    CHECK(strstr(s.source, "/order/summary.csv") != NULL, "source is the path (%s)", s.source);
    ipcb_summary_free(&s);
}

static void quoting(void)
{
    struct ipcb_summary s;
    if (read_summary("quoted",
                     "transport,pattern,status\r\n"
                     "\"odd \"\"name\"\", too\",stream,ok\r\n"
                     "\"two\nlines\",pingpong,\"ok\"\r\n"
                     "\r\n"
                     "\"\",,ok\r\n", NULL, &s) != 0)
        return;
    CHECK(s.n_rows == 3, "3 rows, the blank line passed over (%zu)", s.n_rows);
    CHECK(strcmp(field(&s, 0, "transport"), "odd \"name\", too") == 0,
          "comma and doubled quotes inside quotes (%s)", field(&s, 0, "transport"));
    CHECK(strcmp(field(&s, 1, "transport"), "two\nlines") == 0,
          "a newline inside quotes (%s)", field(&s, 1, "transport"));
    CHECK(strcmp(field(&s, 0, "pattern"), "stream") == 0, "CRLF ends a record");
    CHECK(s.n_rows == 3 && strcmp(field(&s, 2, "transport"), "") == 0 &&
          strcmp(field(&s, 2, "pattern"), "") == 0, "empty fields, quoted or not");
    CHECK(s.n_rows == 3 && s.rows[2].record == 3, "rows numbered without blank lines (%zu)",
          s.n_rows == 3 ? s.rows[2].record : 0);
    ipcb_summary_free(&s);
}

/* the first len bytes of text, named x.csv, through ipcb_summary_load with
 * q's other fields: its return, and err */
static int parse_len(const char *text, size_t len, struct ipcb_summary_query q,
                     struct ipcb_summary *s, char *err, size_t errlen)
{
    err[0] = '\0';
    q.text = text, q.len = len, q.source = "x.csv";
    return ipcb_summary_load(&q, s, err, errlen);
}

/* the ok rows of text, the columns required */
static int parse(const char *text, const char *const *required, struct ipcb_summary *s,
                 char *err, size_t errlen)
{
    return parse_len(text, strlen(text), (struct ipcb_summary_query){.required = required}, s,
                     err, errlen);
}

static void bad_csv(void)
{
    static const char *const need[] = {IPCB_COL_TRANSPORT, IPCB_COL_P99_NS, NULL};
    static const struct {
        const char *what, *text;
        const char *const *required;
        const char *err;
    } cases[] = {
        {"a quote left open in a row", "transport,status\npipe,ok\n\"pipe,ok\n", NULL,
         "x.csv, row 2: a quoted field is never closed"},
        {"a quote left open in the header", "\"transport,status\npipe,ok\n", NULL,
         "x.csv: a quoted field is never closed"},
        {"a short row", "transport,pattern,status\npipe,stream,ok\npipe,ok\n", NULL,
         "x.csv, row 2: 2 fields where the header has 3"},
        {"a long row", "transport,pattern,status\npipe,stream,ok,more\n", NULL,
         "x.csv, row 1: 4 fields where the header has 3"},
        {"a required column missing", "transport,status\npipe,ok\n", need,
         "x.csv has no 'p99_ns' column in its header"},
        {"no status column", "transport,pattern\npipe,stream\n", NULL,
         "x.csv has no 'status' column in its header"},
    };
    struct ipcb_summary s;
    char err[512];
    int rc;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rc = parse(cases[i].text, cases[i].required, &s, err, sizeof err);
        CHECK(rc == -EINVAL && strcmp(err, cases[i].err) == 0, "%s: -EINVAL, '%s' (%d: %s)",
              cases[i].what, cases[i].err, rc, err);
        CHECK(s.rows == NULL && s.columns == NULL && s.source == NULL,
              "%s: nothing kept", cases[i].what);
    }
    rc = parse("", NULL, &s, err, sizeof err);
    CHECK(rc == 0 && s.n_columns == 0 && s.n_rows == 0, "an empty text: no columns (%d)", rc);
    ipcb_summary_free(&s);

    char where[600];
    const char *dir = results_dir("no-summary", NULL, NULL);
    rc = ipcb_summary_load(&(struct ipcb_summary_query){.dir = dir}, &s, err, sizeof err);
    snprintf(where, sizeof where, "no summary.csv in '%s'; is it an ipcbench results "
             "directory?", dir);
    CHECK(rc == -ENOENT && strcmp(err, where) == 0, "no summary.csv (%d: %s)", rc, err);
}

static void only_ok_rows(void)
{
    struct ipcb_summary s;
    char err[512];
    int rc = parse("transport,status\n"
                   "pipe,ok\n"
                   "fifo,\"skipped: too big, \"\"really\"\"\"\n"
                   "tcp,failed: refused\n"
                   "unix,ok\n", NULL, &s, err, sizeof err);
    CHECK(rc == 0 && s.n_rows == 2, "two ok rows of four (%d, %zu)", rc, s.n_rows);
    if (rc == 0 && s.n_rows == 2) {
        CHECK(strcmp(field(&s, 1, "transport"), "unix") == 0, "the second ok row is unix");
        CHECK(s.rows[0].record == 1 && s.rows[1].record == 4,
              "kept rows keep their numbers in the file (%zu, %zu)", s.rows[0].record,
              s.rows[1].record);
    }
    ipcb_summary_free(&s);
}

/* the _all readers keep every row; the required columns are still required */
static void every_row(void)
{
    static const char *const need[] = {IPCB_COL_TRANSPORT, NULL};
    const char *text = "transport,status\n"
                       "pipe,ok\n"
                       "fifo,\"skipped: too big, \"\"really\"\"\"\n"
                       "tcp,failed: refused\n";
    struct ipcb_summary s;
    char err[512] = "";
    const struct ipcb_summary_query q = {.dir = results_dir("every-row", text, NULL),
                                         .required = need, .every_row = true};
    int rc = ipcb_summary_load(&q, &s, err, sizeof err);
    CHECK(rc == 0 && s.n_rows == 3, "every row of three (%d, %zu: %s)", rc, s.n_rows, err);
    if (rc == 0 && s.n_rows == 3) {
        CHECK(strcmp(field(&s, 1, "status"), "skipped: too big, \"really\"") == 0,
              "a skipped row with its reason (%s)", field(&s, 1, "status"));
        CHECK(s.rows[2].record == 3 && strcmp(field(&s, 2, "transport"), "tcp") == 0,
              "the failed row last, record 3");
    }
    ipcb_summary_free(&s);
    static const char *const more[] = {IPCB_COL_SIZE, NULL};
    rc = parse_len(text, strlen(text),
                   (struct ipcb_summary_query){.required = more, .every_row = true}, &s, err,
                   sizeof err);
    CHECK(rc == -EINVAL && strcmp(err, "x.csv has no 'size_bytes' column in its header") == 0,
          "a required column missing (%d: %s)", rc, err);
}

/* every row and a broken end, for the report */
static void summary_rows(void)
{
    static const char text[] = "transport,status\n"
                               "pipe,ok\n"
                               "fifo,\"skipped: too big\"\n"
                               "tcp,failed: refused\n"
                               "unix,ok,extra\n"
                               "udp,ok\n";
    struct ipcb_summary s;
    char err[512] = "";
    const struct ipcb_summary_query all = {.every_row = true},
                                     to_error = {.up_to_error = true},
                                     all_to_error = {.every_row = true, .up_to_error = true};
    int rc = parse_len(text, strlen(text), all, &s, err, sizeof err);
    CHECK(rc == -EINVAL && strcmp(err, "x.csv, row 4: 3 fields where the header has 2") == 0,
          "all rows, a long row: still an error (%d: %s)", rc, err);
    rc = parse_len(text, strlen(text), all_to_error, &s, err, sizeof err);
    CHECK(rc == 0 && s.cut_short && s.n_rows == 3, "up to the bad row: three rows (%d, %d, %zu)",
          rc, s.cut_short, s.n_rows);
    CHECK(strcmp(err, "x.csv, row 4: 3 fields where the header has 2") == 0,
          "err says where it stopped (%s)", err);
    if (rc == 0 && s.n_rows == 3)
        CHECK(strcmp(field(&s, 1, "status"), "skipped: too big") == 0 &&
              strcmp(field(&s, 2, "transport"), "tcp") == 0, "rows not ok are kept");
    ipcb_summary_free(&s);

    static const char open_quote[] = "transport,status\npipe,ok\n\"fifo,ok\n";
    rc = parse_len(open_quote, strlen(open_quote), to_error, &s, err, sizeof err);
    CHECK(rc == 0 && s.cut_short && s.n_rows == 1 &&
          strcmp(err, "x.csv, row 2: a quoted field is never closed") == 0,
          "a quote left open at the end: the rows before it (%d, %zu, %s)", rc, s.n_rows, err);
    ipcb_summary_free(&s);
    rc = parse_len("transport\npipe\n", 11, to_error, &s, err, sizeof err);
    CHECK(rc == -EINVAL && s.columns == NULL, "a bad header is an error all the same (%d)", rc);
    rc = parse_len(text, 25, to_error, &s, err, sizeof err);
    CHECK(rc == 0 && !s.cut_short && s.n_rows == 1, "a whole text is not cut short (%d, %d)", rc,
          s.cut_short);
    ipcb_summary_free(&s);

    const char *dir = results_dir("rows", text, NULL);
    struct ipcb_summary_query from_dir = all_to_error;
    from_dir.dir = dir;
    rc = ipcb_summary_load(&from_dir, &s, err, sizeof err);
    CHECK(rc == 0 && s.n_rows == 3 && strstr(err, "/rows/summary.csv, row 4: ") != NULL,
          "read from a directory (%d, %zu, %s)", rc, s.n_rows, err);
    ipcb_summary_free(&s);
}

int main(void)
{
    static void (*const cases[])(void) = {columns_by_name, quoting, bad_csv,
                                          only_ok_rows, every_row, summary_rows};
    return results_fixture_run(cases, sizeof cases / sizeof cases[0]);
}
