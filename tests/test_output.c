/* The writers: CSV columns and quoting, JSON escapes, .hgrm structure. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ipcbench/results.h"

static char *capture_csv(const struct ipcb_results *res)
{
    /* through a real file: open_memstream's buffer confuses gcc's dangling check */
    FILE *f = tmpfile();
    ipcb_write_csv(f, res);
    long len = ftell(f);
    char *text = calloc(1, (size_t)len + 1);
    rewind(f);
    if (fread(text, 1, (size_t)len, f) != (size_t)len)
        text[0] = '\0';
    fclose(f);
    return text;
}

/* number of fields in one CSV record, honouring quotes */
static int csv_fields(const char *line)
{
    int n = 1, quoted = 0;
    for (const char *p = line; *p && (*p != '\n' || quoted); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            n++;
    }
    return n;
}

static void csv(void)
{
    struct ipcb_hist *h = malloc(sizeof *h);
    ipcb_hist_init(h);
    for (uint64_t v = 1000; v <= 2000; v++)
        ipcb_hist_record(h, v);
    struct ipcb_result rows[2] = {
        {.transport = "pipe", .pattern = "pingpong", .size_bytes = 64, .messages = 1001,
         .seconds = 0.5, .msgs_per_s = 2002, .mib_per_s = 0.12, .latency_kind = "rtt",
         .hist = h, .status = IPCB_OK},
        {.transport = "sysv-mq", .pattern = "stream", .size_bytes = 1048576,
         .latency_kind = "", .status = IPCB_SKIPPED},
    };
    ipcb_hist_stats(h, &rows[0].stats);
    strcpy(rows[1].reason, "1M exceeds sysv-mq's limit of 8192 bytes, \"msgmax\"");
    struct ipcb_results res = {.rows = rows, .n_rows = 2};
    char *text = capture_csv(&res);

    const char *header = "transport,pattern,size_bytes,messages,seconds,msgs_per_s,mib_per_s,"
                         "latency_kind,min_ns,mean_ns,stddev_ns,p50_ns,p90_ns,p99_ns,p999_ns,"
                         "p9999_ns,max_ns,cpu_user_s,cpu_sys_s,ctx_switches,errors,status\n";
    CHECK(strncmp(text, header, strlen(header)) == 0, "header row as DESIGN.md lists it");
    char *row1 = strchr(text, '\n') + 1;
    char *row2 = strchr(row1, '\n') + 1;
    CHECK(csv_fields(text) == 22 && csv_fields(row1) == 22 && csv_fields(row2) == 22,
          "22 fields in every record (%d, %d, %d)", csv_fields(text), csv_fields(row1),
          csv_fields(row2));
    CHECK(strncmp(row1, "pipe,pingpong,64,1001,0.500000,2002.0,0.120,rtt,1000,1500.0,", 59) == 0,
          "ok row starts with its figures: %.70s", row1);
    CHECK(strstr(row1, ",2000,") != NULL, "max 2000 written");
    CHECK(strstr(row1, ",ok\n") != NULL, "status ok last");
    CHECK(strstr(row2, ",\"skipped: 1M exceeds sysv-mq's limit of 8192 bytes, "
                       "\"\"msgmax\"\"\"\n") != NULL,
          "a reason with a comma and quotes is quoted and doubled: %s", row2);
    free(text);
    free(h);
}

static void json_escapes(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ipcb_json_string(f, "a\"b\\c\nd\te\x01");
    fclose(f);
    CHECK(strcmp(text, "\"a\\\"b\\\\c\\nd\\te\\u0001\"") == 0, "escaped: %s", text);
    free(text);
}

static void hgrm(void)
{
    struct ipcb_hist *h = malloc(sizeof *h);
    ipcb_hist_init(h);
    for (uint64_t v = 1; v <= 10000; v++)
        ipcb_hist_record(h, v * 1000); /* 1 us .. 10 ms */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ipcb_write_hgrm(f, h, 1000.0);
    fclose(f);
    CHECK(strstr(text, "Value") && strstr(text, "Percentile") && strstr(text, "TotalCount"),
          "column header");
    CHECK(strstr(text, "#[Max     =    10000.000, Total count    =        10000]") != NULL,
          "footer with max in us and the count");
    /* percentiles never go down, values never go down, last line is 1.0 */
    double last_p = -1, last_v = -1;
    int lines = 0, monotonic = 1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        double v, p;
        if (line[0] == '#' || sscanf(line, "%lf %lf", &v, &p) != 2)
            continue;
        if (p < last_p || v < last_v)
            monotonic = 0;
        last_p = p;
        last_v = v;
        lines++;
    }
    CHECK(lines > 50, "enough percentile lines (%d)", lines);
    CHECK(monotonic, "values and percentiles rise");
    CHECK(last_p == 1.0 && last_v == 10000.0, "last line: 1.0 at the max (%f, %f)", last_p, last_v);
    free(text);
    free(h);
}

int main(void)
{
    csv();
    json_escapes();
    hgrm();
    return checks_done();
}
