/* Where a run's results go while it runs (src/output/sink.c). */
#ifndef IPCB_SINK_H
#define IPCB_SINK_H

#include <stdio.h>

#include "ipcbench/results.h"

/* the outputs beside the results directory; NULL: not asked for, "-": stdout */
struct ipcb_sink_paths {
    const char *csv, *json, *json_stream;
};

struct ipcb_sink {
    char dir[4096];
    FILE *summary, *csv, *json, *stream;
    FILE *repeats;              /* repeats.csv, made by the first repeat */
    int csv_stdout, json_stdout, stream_stdout;
    int stdout_taken;           /* a data stream owns stdout: the table goes elsewhere */
};

/* Opens every output of a run in dir (made already), writes the CSV headers
 * and a first meta.json. 0, or -errno with one line in err: nothing has been
 * measured yet, so the caller stops with exit status 2. */
int ipcb_sink_open(struct ipcb_sink *s, const char *dir, const struct ipcb_sink_paths *paths,
                   const struct ipcb_meta *m, char *err, size_t errlen);
/* one finished cell, on disk before this returns */
int ipcb_sink_row(struct ipcb_sink *s, const struct ipcb_result *r, char *err, size_t errlen);
/* one measurement of a cell measured several times (--repeat), into
 * repeats.csv: its round, then the columns of summary.csv */
int ipcb_sink_repeat(struct ipcb_sink *s, const struct ipcb_result *r, char *err,
                     size_t errlen);
/* meta.json as the run ended and the --json document from res (NULL: only
 * close), then every file closed */
int ipcb_sink_close(struct ipcb_sink *s, const struct ipcb_results *res, char *err,
                    size_t errlen);

#endif
