/* Reading a results directory back: the inverse of the writers in output/.
 *
 * Each file can be parsed from bytes in memory (what the fuzzer feeds) or
 * read from the directory: summary.csv through one call that is told which,
 * meta.json and the .hgrm files through a pair of calls each. None trusts
 * its input: any bytes give a result or an error, never a crash.
 * Errors are one line without the "ipcbench: " prefix, naming the file. */
#ifndef IPCB_READER_H
#define IPCB_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>

/* summary.csv's column names, as output/csv.c writes them */
#define IPCB_COL_TRANSPORT  "transport"
#define IPCB_COL_PATTERN    "pattern"
#define IPCB_COL_SIZE       "size_bytes"
#define IPCB_COL_MESSAGES   "messages"
#define IPCB_COL_MSGS_PER_S "msgs_per_s"
#define IPCB_COL_MIB_PER_S  "mib_per_s"
#define IPCB_COL_P50_NS     "p50_ns"
#define IPCB_COL_P99_NS     "p99_ns"
#define IPCB_COL_ERRORS     "errors"
#define IPCB_COL_STATUS     "status"
#define IPCB_COL_CPU_NS_PER_MSG "cpu_ns_per_msg"  /* optional: runs before it lack it */

/* one kept row of summary.csv */
struct ipcb_summary_row {
    size_t record;              /* its number in the file: 1 is the first after the header */
    char **fields;              /* n_columns of them, in the header's order */
};

/* a status field that means the row measured: "ok", or "ok, ..." with what
 * else the row says (losses, a rate not kept) */
static inline int ipcb_status_ok(const char *status)
{
    return strcmp(status, "ok") == 0 || strncmp(status, "ok, ", 4) == 0;
}

/* 0 when dir is a directory, with a name short enough for what plot and
 * report write into it; else -errno, and err says which of those it is not
 * ("'x' is not a directory; COMMAND takes a results directory") */
int ipcb_results_dir_check(const char *dir, const char *command, char *err, size_t errlen);

struct ipcb_sbuf;
/* DIR/name into text, its path into path; err says why not, except for
 * -ENOENT, which each caller words its own way */
int ipcb_results_file_read(const char *dir, const char *name, char *path, size_t pathlen,
                           struct ipcb_sbuf *text, char *err, size_t errlen);

/* summary.csv's rows whose status is "ok" (every row with every_row); a
 * field is found by its column's name, so the order of the columns is the
 * header's business */
struct ipcb_summary {
    char *source;               /* the file's path (or the name given), for messages */
    char **columns;             /* the header; none when the file is empty */
    size_t n_columns;
    struct ipcb_summary_row *rows;
    size_t n_rows;
    int cut_short;              /* up_to_error: a bad record ended the rows */
};

/* what ipcb_summary_load reads, and which of its rows it keeps */
struct ipcb_summary_query {
    const char *dir;            /* DIR/summary.csv; NULL to parse text instead */
    const char *text;           /* without dir: the bytes (NULL with len 0: none) */
    size_t len;
    const char *source;         /* without dir: the name messages give it; NULL for
                                 * "summary.csv" */
    const char *const *required;/* columns the header must name besides status,
                                 * NULL-terminated; NULL for none */
    bool every_row;             /* every row, whatever its status (compare shows the
                                 * skipped and failed ones too) */
    bool up_to_error;           /* a bad record after the header ends the rows rather
                                 * than the read: the rows before it are kept,
                                 * cut_short is set and err says why */
};

/* summary.csv as q says. Parses RFC 4180 text (quoted fields may hold
 * commas, "" and newlines; blank lines are passed over). The header must
 * name every column in q->required and IPCB_COL_STATUS; every record must
 * have as many fields as the header. Returns 0 (an empty text gives no
 * columns), -ENOENT when DIR has no summary.csv, -EINVAL for bad text,
 * -ENOMEM, or the -errno of reading it; *s is freed on error. */
int ipcb_summary_load(const struct ipcb_summary_query *q, struct ipcb_summary *s, char *err,
                      size_t errlen);
/* the column's index, or -ENOENT; with two of one name, the first */
int ipcb_summary_column(const struct ipcb_summary *s, const char *name);
/* row's field in that column, or NULL when the header has no such column */
const char *ipcb_summary_field(const struct ipcb_summary *s, size_t row, const char *column);
/* the field as a finite number >= 0; -EINVAL when it is not one (err says
 * "FILE, row N: COLUMN 'TEXT' is not a number"), -ENOENT for no such
 * column or row */
int ipcb_summary_number(const struct ipcb_summary *s, size_t row, const char *column,
                        double *out, char *err, size_t errlen);
void ipcb_summary_free(struct ipcb_summary *s);

/* one field of meta.json that holds a value rather than an object */
#define IPCB_META_MAX_SCALARS 128
struct ipcb_meta_scalar {
    char key[96];               /* its path: "kernel", or "plan.cpu" inside an object */
    char text[256];             /* a string as it is; any other value as JSON text */
};

#define IPCB_META_MEMCPY_SIZES 8   /* memcpy figures kept, in the file's order */

/* meta.json's "floor": the hardware floor the run measured */
struct ipcb_meta_floor {
    int present;                /* 0: the file has no floor object (or null) */
    double cacheline_rtt_ns;    /* each figure NAN when null or absent */
    int cacheline_cpus[2];      /* -1, -1 when not recorded */
    double xcpu_copy_64k_gib_s;
    double spsc_64_msgs_per_s;
    struct {
        char size[16];          /* the key as written: "4k", "64M" */
        double gib_s;
    } memcpy[IPCB_META_MEMCPY_SIZES];
    size_t n_memcpy;
    double clock_read_ns;
    char measured_utc[64];
    int from_cache;             /* 1, 0, or -1 when not recorded */
};

/* meta.json's fields: where, when and how the run was made */
struct ipcb_meta_fields {
    char cpu_model[256];        /* "" for each one the file does not have */
    char kernel[256];
    char date_utc[64];          /* as written: 2026-11-24T19:48:15Z */
    int cores;                  /* 0 when not recorded */
    /* every field outside "floor" that is not an object, in the file's
     * order (those inside an object named by its path); the first
     * IPCB_META_MAX_SCALARS of them */
    struct ipcb_meta_scalar scalars[IPCB_META_MAX_SCALARS];
    size_t n_scalars;
    char version[64];
    char command_line[2048];
    char host[256];
    char clock[64];             /* CLOCK_MONOTONIC or TSC */
    char pinning[256];
    double clock_read_ns;       /* NAN when not recorded */
    double clock_step_ns;       /* NAN when not recorded */
    double tsc_ghz;             /* NAN when not recorded (a CLOCK_MONOTONIC run) */
    double duration_s;          /* NAN when not recorded; 0 when count bounds the run */
    long long count;            /* -1 when not recorded; 0 when time bounds the run */
    long long warmup;           /* -1 when not recorded */
    long long pairs;            /* -1 when not recorded */
    int complete;               /* "complete": 1, 0, or -1 when the file does not say */
    struct ipcb_meta_floor floor;
};

/* Parses meta.json's text with jansson: escapes undone, text longer than a
 * field cut short, a field of the wrong type (or a number out of its range)
 * taken as absent. 0, or -EINVAL when the text is not a JSON object (err
 * says where), -ENOMEM; *m holds the "not recorded" values on error. */
int ipcb_meta_parse(const char *text, size_t len, const char *source,
                    struct ipcb_meta_fields *m, char *err, size_t errlen);
/* DIR/meta.json through ipcb_meta_parse; -ENOENT when there is none */
int ipcb_meta_read(const char *dir, struct ipcb_meta_fields *m, char *err, size_t errlen);

/* one percentile line of an .hgrm file (output/hgrm.c) */
struct ipcb_hgrm_point {
    double value;               /* in the file's unit: microseconds for ipcbench's */
    double percentile;          /* a fraction: 0.99 */
    double count;               /* values at or below value */
    double one_over_1_minus_p;  /* INFINITY on the closing line, which has no such column */
};

struct ipcb_hgrm {
    struct ipcb_hgrm_point *points;
    size_t n_points;
};

/* The percentile lines of an .hgrm text, in order: three or four numbers
 * and nothing else. The header, blank lines and #[...] lines are passed
 * over, as is any other line. 0 or -ENOMEM. */
int ipcb_hgrm_parse(const char *text, size_t len, struct ipcb_hgrm *h);
/* DIR/hist/<name>, named by ipcb_hgrm_name; 0 or -ENAMETOOLONG */
int ipcb_hgrm_path(const char *dir, const char *transport, const char *pattern,
                   uint64_t size, char *path, size_t len);
/* the file at path through ipcb_hgrm_parse; -ENOENT when there is none */
int ipcb_hgrm_read(const char *path, struct ipcb_hgrm *h);
void ipcb_hgrm_free(struct ipcb_hgrm *h);

#endif
