/* What a measurement produced, as the writers see it. */
#ifndef IPCBENCH_RESULTS_H
#define IPCBENCH_RESULTS_H

#include <stdint.h>
#include <stdio.h>

#include "ipcbench/histogram.h"

enum ipcb_status { IPCB_OK, IPCB_SKIPPED, IPCB_FAILED, IPCB_INTERRUPTED };

/* one pair's figures when several run at once (--pairs) */
struct ipcb_pair_result {
    uint64_t messages;
    double seconds, msgs_per_s, mib_per_s;
    uint64_t p50_ns, p99_ns;
    double cpu_ns_per_msg;      /* the pair's sides' CPU over its timed messages */
};

/* One role of the pattern ("producer", "consumer"): its processes' figures
 * over the timed span, added up over the groups (--pairs). */
#define IPCB_MAX_ROLES 8
struct ipcb_role_result {
    const char *role;
    double cpu_user_s, cpu_sys_s;
    uint64_t ctx_switches;      /* voluntary and involuntary */
    long max_rss_kib;           /* the largest process of this role */
    int cpu;                    /* where the first group's one was pinned, -1 when not */
};

struct ipcb_result {
    const char *transport;
    const char *pattern;        /* a pattern's name (patterns/pattern_registry.c) */
    uint64_t size_bytes;
    uint64_t messages;          /* timed messages (round trips for pingpong) */
    double seconds;
    double msgs_per_s, mib_per_s;
    const char *latency_kind;   /* the pattern's: "rtt", "one-way"; "" when nothing was timed */
    struct ipcb_hist *hist;     /* NULL when nothing was timed */
    /* one message in this many was timed (stream's --latency-every), the most of
     * any pair; 1 for the patterns that time every one, 0 when none */
    uint64_t latency_every;
    struct ipcb_hist_stats stats;
    /* rate: latency from the actual send time, NULL for other patterns */
    struct ipcb_hist *hist_uncorrected;
    struct ipcb_hist_stats stats_uncorrected;
    double offered_per_s, achieved_per_s;   /* rate: the producer's schedule and pace */
    uint64_t behind_max_ns;     /* rate: how late the producer sent, at worst */
    uint64_t lateness_p50_ns, lateness_p99_ns;  /* rate: and its median and p99 */
    double max_per_s;           /* rate with --rate N%: the stream maximum measured first */
    /* handoff: one-way times (a pass in one process to the return from the
     * wait in the other), both ways together, and there (producer to
     * consumer) and back alone; count 0 for other patterns */
    struct ipcb_hist_stats oneway, oneway_there, oneway_back;
    double cpu_user_s, cpu_sys_s;   /* every side */
    uint64_t ctx_switches;          /* every side */
    /* every side's CPU time over its timed span (the process CPU clock),
     * over the timed messages: per round trip for pingpong */
    double cpu_ns_per_msg;
    /* the timed side's CPU alone over the timed messages: the server's per
     * request (server), the dispatcher's (workers) */
    double timed_cpu_ns_per_msg;
    /* the other sides' voluntary context switches (sleeps) over the timed
     * messages: a worker's wake-ups per request */
    double wakeups_per_msg;
    /* how the sides ran: "processes" (forked) or "threads" (--sides threads) */
    const char *sides;
    uint64_t errors;            /* lost or out-of-order messages (lossy only) */
    uint64_t procs;             /* processes in one group of the pattern */
    /* all-timed patterns (contention): the least and the most any one side
     * did of the row's messages, as fractions; lost updates of the counter */
    double share_min, share_max;
    uint64_t lost_updates;
    struct ipcb_role_result roles[IPCB_MAX_ROLES];
    size_t n_roles;
    /* --repeat: how many measurements make the row, and for p50, p99 and
     * msgs/s the median over them with its confidence interval: [0] median,
     * [1] low, [2] high (src/measure/confidence.c) */
    uint64_t repeats;
    uint64_t round;             /* in repeats.csv: which measurement of its cell (1..N) */
    double rep_p50_ns[3], rep_p99_ns[3], rep_msgs_per_s[3];
    double ci_coverage;         /* the intervals' confidence, 0.95 or more from 6 repeats */
    struct ipcb_pair_result *pairs; /* per group, when more than one ran */
    size_t n_pairs;
    enum ipcb_status status;
    char reason[512];           /* why skipped, failed or interrupted */
};

/* The hardware floor under the figures (src/measure/hw_floor.c): a
 * cache-line round trip between two CPUs is the least any ping-pong can
 * take, memcpy bandwidth the most any copying mechanism can move, the SPSC
 * ring the most small messages a shared-memory ring can pass. The figures
 * across two CPUs are measured by every run; memcpy and the clock read once
 * per boot, cached.
 * NAN where it could not be measured (the writers print null). */
#define IPCB_HWFLOOR_MEMCPY_SIZES 4  /* 4 KiB, 64 KiB, 1 MiB, 64 MiB */
struct ipcb_hwfloor {
    int measured;                   /* 0: no floor in this run */
    int from_cache;                 /* memcpy and clock: an earlier run of this boot's */
    char measured_utc[32];          /* when memcpy and clock were measured */
    int cpu[2];                     /* the cache-line round trip's CPUs, -1 if none */
    double cacheline_rtt_ns;        /* median round trip */
    double xcpu_copy_gib_s;         /* 64 KiB blocks copied in on one CPU, out on the other */
    double spsc_64_msgs_per_s;      /* 64-byte messages through an SPSC ring, the same CPUs */
    double memcpy_gib_s[IPCB_HWFLOOR_MEMCPY_SIZES];
    double clock_read_ns;           /* one clock_gettime(CLOCK_MONOTONIC) */
};

/* One item of meta.json's "environment" or "plan" object: what shapes the
 * figures beyond the headline fields (src/measure/environment.c). */
enum ipcb_fact_kind {
    IPCB_FACT_UNKNOWN,          /* could not be read here: null */
    IPCB_FACT_TEXT,
    IPCB_FACT_NUMBER,
    IPCB_FACT_LIST,             /* comma-separated in text: an array */
};
#define IPCB_MAX_FACTS 160
struct ipcb_fact {
    const char *group;          /* "environment", "plan" or "options" (plan.options) */
    const char *key;
    enum ipcb_fact_kind kind;
    char text[1024];
    double number;
};

struct ipcb_meta {
    const char *version;
    size_t pairs;
    long driver_max_rss_kib;    /* the driver's peak, at the end of the run */
    char command_line[1024];
    char date_utc[32];
    char host[128];
    char kernel[256];
    char cpu_model[160];
    int cores;
    const char *clock;
    double clock_read_ns;
    double clock_step_ns;       /* the least the clock moves by; NAN if it did not move */
    double tsc_ghz;             /* calibrated TSC rate, 0 with CLOCK_MONOTONIC */
    char pinning[64];
    uint64_t warmup;
    uint64_t count;             /* 0 when bounded by duration */
    uint64_t duration_ns;       /* 0 when bounded by count */
    uint64_t cap_ns;            /* plan.cap_ns: the default count's time cap, 0: none */
    int complete;               /* 0 while the run goes on, or when it was cut short */
    struct ipcb_hwfloor hw_floor;  /* "floor" in meta.json; the driver fills it first */
    struct ipcb_fact facts[IPCB_MAX_FACTS];
    size_t n_facts;
};

struct ipcb_results {
    struct ipcb_meta meta;
    struct ipcb_result *rows;
    size_t n_rows, cap_rows;
};

const char *ipcb_status_text(const struct ipcb_result *r, char *buf, size_t len);
/* rate: the producer kept its schedule (achieved at least 95 % of offered,
 * never more than IPCB_RATE_BEHIND_MAX_NS late); true for other patterns */
#define IPCB_RATE_BEHIND_MAX_NS 10000000ull
int ipcb_rate_kept(const struct ipcb_result *r);
/* rate: the producer's own lateness is more than a tenth of the corrected
 * p50 or p99 it is part of, so those are partly the loop's, not the mechanism's */
int ipcb_rate_distorted(const struct ipcb_result *r);

/* writers: 0 or -errno; the columns they share are in ipcbench/columns.h */
int ipcb_write_csv(FILE *f, const struct ipcb_results *res);
/* the same a record at a time, for a file that grows as cells finish */
int ipcb_write_csv_header(FILE *f);
int ipcb_write_csv_row(FILE *f, const struct ipcb_result *r);
/* one field, in double quotes when it holds a comma, a quote or a line break */
void ipcb_write_csv_field(FILE *f, const char *s);
/* one result row as one line of compact JSON (--json-stream) */
int ipcb_write_json_line(FILE *f, const struct ipcb_result *r);
int ipcb_write_meta_json(FILE *f, const struct ipcb_meta *m);
int ipcb_write_json(FILE *f, const struct ipcb_results *res);
int ipcb_write_hgrm(FILE *f, const struct ipcb_hist *h, double unit_ns);
void ipcb_write_table_header(FILE *f);
void ipcb_write_table_row(FILE *f, const struct ipcb_result *r);
/* a transport's name as part of a file name: letters, digits, - _ . kept,
 * anything else (the / of shm/futex) made _ */
void ipcb_file_safe_name(const char *name, char *buf, size_t len);
/* "shm_futex-pingpong-64.hgrm": the name of a row's histogram file in hist/,
 * for the writer and for every reader */
void ipcb_hgrm_name(const char *transport, const char *pattern, uint64_t size, char *buf,
                    size_t len);

#endif
