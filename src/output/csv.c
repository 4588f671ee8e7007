/* summary.csv: one row per (transport, pattern, size), RFC 4180 quoting. */
#include <stdio.h>
#include <string.h>

#include "ipcbench/results.h"

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int ipcb_write_csv(FILE *f, const struct ipcb_results *res)
{
    fputs("transport,pattern,size_bytes,messages,seconds,msgs_per_s,mib_per_s,latency_kind,"
          "min_ns,mean_ns,stddev_ns,p50_ns,p90_ns,p99_ns,p999_ns,p9999_ns,max_ns,"
          "cpu_user_s,cpu_sys_s,ctx_switches,errors,status\n", f);
    for (size_t i = 0; i < res->n_rows; i++) {
        const struct ipcb_result *r = &res->rows[i];
        char st[600];
        csv_field(f, r->transport);
        fputc(',', f);
        csv_field(f, r->pattern);
        fprintf(f, ",%llu,", (unsigned long long)r->size_bytes);
        if (r->status == IPCB_OK) {
            fprintf(f, "%llu,%.6f,%.1f,%.3f,%s,", (unsigned long long)r->messages,
                    r->seconds, r->msgs_per_s, r->mib_per_s, r->latency_kind);
            const struct ipcb_hist_stats *s = &r->stats;
            if (s->count)
                fprintf(f, "%llu,%.1f,%.1f,%llu,%llu,%llu,%llu,%llu,%llu,",
                        (unsigned long long)s->min, s->mean, s->stddev,
                        (unsigned long long)s->p50, (unsigned long long)s->p90,
                        (unsigned long long)s->p99, (unsigned long long)s->p999,
                        (unsigned long long)s->p9999, (unsigned long long)s->max);
            else
                fputs(",,,,,,,,,", f);
            fprintf(f, "%.6f,%.6f,%llu,%llu,", r->cpu_user_s, r->cpu_sys_s,
                    (unsigned long long)r->ctx_switches, (unsigned long long)r->errors);
        } else {
            fputs(",,,,,,,,,,,,,,,,,,", f);
        }
        csv_field(f, ipcb_status_text(r, st, sizeof st));
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}
