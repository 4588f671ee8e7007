/* Between plot.c, which reads a results directory, and charts.c, which
 * draws it: the figures of the ok rows, in the form every chart takes. */
#ifndef IPCB_CHARTS_H
#define IPCB_CHARTS_H

#include <stddef.h>
#include <stdint.h>

struct ipcb_pattern;

/* one ok row of summary.csv */
struct ipcb_chart_row {
    size_t transport;                   /* index into ipcb_chart_input.transports */
    const struct ipcb_pattern *pattern; /* its figure decides the charts it is in */
    uint64_t size;
    double msgs_per_s, mib_per_s;
    int timed;                          /* p50_us, p99_us present */
    double p50_us, p99_us;
    double cpu_us_per_msg;              /* 0 when the results have no such column */
    /* rate rows (IPCB_FIGURE_LOAD); 0 when absent */
    double offered_per_s, p999_us, p99_uncorrected_us;
};

struct ipcb_chart_input {
    const char *dir;                    /* the results directory */
    struct ipcb_chart_row *rows;
    size_t n_rows;
    char **transports;          /* in order of first appearance: colours follow it */
    size_t n_transports;
    uint64_t *sizes;            /* ascending, each once */
    size_t n_sizes;
    char machine[640];          /* subtitle */
    /* the hardware floor of meta.json, for the by-size charts' reference
     * lines: memcpy at a few sizes, and the copy across CPUs (NAN: none) */
    uint64_t memcpy_size[8];
    double memcpy_gib_s[8];
    size_t n_memcpy;
    double xcpu_gib_s;
};

/* Every chart of in, drawn by the scripts in scripts_dir into DIR/plots/,
 * their data into DIR/plots/data/, after removing what an earlier plot left
 * there; lists them on stdout unless quiet. 0, or -EIO (err says why), or
 * another -errno when a directory cannot be made. */
int ipcb_charts_draw(const struct ipcb_chart_input *in, const char *scripts_dir, int quiet,
                     char *err, size_t errlen);

#endif
