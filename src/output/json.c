/* meta.json and the --json document, written by hand with proper escapes. */
#include <math.h>
#include <stdio.h>

#include "measure/floor.h"
#include "ipcbench/results.h"

void ipcb_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void json_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("null", f);
}

/* the hardware floor (src/measure/floor.c); null when the run has none */
static void floor_object(FILE *f, const struct ipcb_floor *fl, const char *indent)
{
    if (!fl->measured) {
        fputs("null", f);
        return;
    }
    fprintf(f, "{\n%s  \"cacheline_rtt_ns\": ", indent);
    json_number(f, fl->cacheline_rtt_ns);
    if (fl->cpu[0] >= 0)
        fprintf(f, ",\n%s  \"cacheline_cpus\": [%d, %d]", indent, fl->cpu[0], fl->cpu[1]);
    else
        fprintf(f, ",\n%s  \"cacheline_cpus\": null", indent);
    fprintf(f, ",\n%s  \"xcpu_copy_64k_gib_s\": ", indent);
    json_number(f, fl->xcpu_copy_gib_s);
    fprintf(f, ",\n%s  \"memcpy_gib_s\": {", indent);
    for (int s = 0; s < IPCB_FLOOR_MEMCPY_SIZES; s++) {
        fprintf(f, "%s\"%s\": ", s ? ", " : "", ipcb_floor_memcpy_name[s]);
        json_number(f, fl->memcpy_gib_s[s]);
    }
    fprintf(f, "},\n%s  \"clock_read_ns\": ", indent);
    json_number(f, fl->clock_read_ns);
    fprintf(f, ",\n%s  \"measured_utc\": ", indent);
    ipcb_json_string(f, fl->measured_utc);
    fprintf(f, ",\n%s  \"from_cache\": %s\n%s}", indent, fl->from_cache ? "true" : "false",
            indent);
}

static void meta_body(FILE *f, const struct ipcb_meta *m, const char *indent)
{
    fprintf(f, "%s\"version\": ", indent);
    ipcb_json_string(f, m->version);
    fprintf(f, ",\n%s\"command_line\": ", indent);
    ipcb_json_string(f, m->command_line);
    fprintf(f, ",\n%s\"date_utc\": ", indent);
    ipcb_json_string(f, m->date_utc);
    fprintf(f, ",\n%s\"host\": ", indent);
    ipcb_json_string(f, m->host);
    fprintf(f, ",\n%s\"kernel\": ", indent);
    ipcb_json_string(f, m->kernel);
    fprintf(f, ",\n%s\"cpu_model\": ", indent);
    ipcb_json_string(f, m->cpu_model);
    fprintf(f, ",\n%s\"cores\": %d", indent, m->cores);
    fprintf(f, ",\n%s\"clock\": ", indent);
    ipcb_json_string(f, m->clock);
    fprintf(f, ",\n%s\"clock_read_ns\": ", indent);
    json_number(f, m->clock_read_ns);
    if (m->tsc_ghz > 0) {
        fprintf(f, ",\n%s\"tsc_ghz\": ", indent);
        json_number(f, m->tsc_ghz);
    }
    fprintf(f, ",\n%s\"pinning\": ", indent);
    ipcb_json_string(f, m->pinning);
    fprintf(f, ",\n%s\"warmup\": %llu", indent, (unsigned long long)m->warmup);
    fprintf(f, ",\n%s\"pairs\": %zu", indent, m->pairs);
    if (m->driver_max_rss_kib)
        fprintf(f, ",\n%s\"driver_max_rss_kib\": %ld", indent, m->driver_max_rss_kib);
    fprintf(f, ",\n%s\"count\": %llu", indent, (unsigned long long)m->count);
    fprintf(f, ",\n%s\"duration_s\": ", indent);
    json_number(f, (double)m->duration_ns / 1e9);
    fprintf(f, ",\n%s\"floor\": ", indent);
    floor_object(f, &m->floor, indent);
    fputc('\n', f);
}

int ipcb_write_meta_json(FILE *f, const struct ipcb_meta *m)
{
    fputs("{\n", f);
    meta_body(f, m, "  ");
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
}

static void row(FILE *f, const struct ipcb_result *r)
{
    char st[600];
    fputs("    {\"transport\": ", f);
    ipcb_json_string(f, r->transport);
    fputs(", \"pattern\": ", f);
    ipcb_json_string(f, r->pattern);
    fprintf(f, ", \"size_bytes\": %llu, \"status\": ", (unsigned long long)r->size_bytes);
    ipcb_json_string(f, ipcb_status_text(r, st, sizeof st));
    if (r->status == IPCB_OK) {
        fprintf(f, ",\n     \"messages\": %llu, \"seconds\": ", (unsigned long long)r->messages);
        json_number(f, r->seconds);
        fputs(", \"msgs_per_s\": ", f);
        json_number(f, r->msgs_per_s);
        fputs(", \"mib_per_s\": ", f);
        json_number(f, r->mib_per_s);
        fputs(", \"latency_kind\": ", f);
        ipcb_json_string(f, r->latency_kind);
        const struct ipcb_hist_stats *s = &r->stats;
        if (s->count) {
            fprintf(f, ",\n     \"latency_ns\": {\"count\": %llu, \"min\": %llu, \"mean\": ",
                    (unsigned long long)s->count, (unsigned long long)s->min);
            json_number(f, s->mean);
            fputs(", \"stddev\": ", f);
            json_number(f, s->stddev);
            fprintf(f, ", \"p50\": %llu, \"p90\": %llu, \"p99\": %llu, \"p999\": %llu, "
                       "\"p9999\": %llu, \"max\": %llu}",
                    (unsigned long long)s->p50, (unsigned long long)s->p90,
                    (unsigned long long)s->p99, (unsigned long long)s->p999,
                    (unsigned long long)s->p9999, (unsigned long long)s->max);
        } else {
            fputs(",\n     \"latency_ns\": null", f);
        }
        fputs(",\n     \"cpu_user_s\": ", f);
        json_number(f, r->cpu_user_s);
        fputs(", \"cpu_sys_s\": ", f);
        json_number(f, r->cpu_sys_s);
        fprintf(f, ", \"ctx_switches\": %llu, \"errors\": %llu",
                (unsigned long long)r->ctx_switches, (unsigned long long)r->errors);
        for (size_t k = 0; k < r->n_roles; k++) {
            const struct ipcb_role_result *ro = &r->roles[k];
            fprintf(f, ",\n     \"%s_cpu\": %d, \"%s_max_rss_kib\": %ld", ro->role, ro->cpu,
                    ro->role, ro->max_rss_kib);
        }
        if (r->n_pairs) {
            fputs(",\n     \"pairs\": [", f);
            for (size_t k = 0; k < r->n_pairs; k++) {
                const struct ipcb_pair_result *pr = &r->pairs[k];
                fprintf(f, "%s{\"messages\": %llu, \"seconds\": ", k ? ", " : "",
                        (unsigned long long)pr->messages);
                json_number(f, pr->seconds);
                fputs(", \"msgs_per_s\": ", f);
                json_number(f, pr->msgs_per_s);
                fputs(", \"mib_per_s\": ", f);
                json_number(f, pr->mib_per_s);
                fprintf(f, ", \"p50_ns\": %llu, \"p99_ns\": %llu}",
                        (unsigned long long)pr->p50_ns, (unsigned long long)pr->p99_ns);
            }
            fputc(']', f);
        }
    }
    fputc('}', f);
}

int ipcb_write_json(FILE *f, const struct ipcb_results *res)
{
    fputs("{\n  \"meta\": {\n", f);
    meta_body(f, &res->meta, "    ");
    fputs("  },\n  \"results\": [\n", f);
    for (size_t i = 0; i < res->n_rows; i++) {
        row(f, &res->rows[i]);
        fputs(i + 1 < res->n_rows ? ",\n" : "\n", f);
    }
    fputs("  ]\n}\n", f);
    return ferror(f) ? -1 : 0;
}
