/* What the command line asked for, handed to the driver. */
#ifndef IPCBENCH_PLAN_H
#define IPCBENCH_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "ipcbench/transport.h"
#include "ipcbench/units.h"

#define IPCB_PAT_PINGPONG 0x1u
#define IPCB_PAT_STREAM   0x2u
#define IPCB_MAX_TRANSPORTS 32
#define IPCB_MAX_PAIRS 64

#define IPCB_DEFAULT_COUNT 10000
#define IPCB_DEFAULT_WARMUP 500
#define IPCB_DEFAULT_RING_SLOTS 16
#define IPCB_DEFAULT_TIMEOUT_NS (10ull * 1000000000ull)

enum ipcb_command { IPCB_CMD_RUN, IPCB_CMD_LIST, IPCB_CMD_PLOT, IPCB_CMD_CLEANUP,
                    IPCB_CMD_HELP, IPCB_CMD_VERSION };

struct ipcb_plan {
    enum ipcb_command command;
    const struct ipcb_transport *transports[IPCB_MAX_TRANSPORTS];
    size_t n_transports;
    uint64_t sizes[IPCB_MAX_SIZES];
    size_t n_sizes;
    unsigned patterns;          /* IPCB_PAT_* */
    uint64_t count;             /* timed messages; 0 when duration bounds the run */
    uint64_t duration_ns;       /* 0 when count bounds the run */
    uint64_t warmup;
    uint64_t timeout_ns;        /* a side silent this long fails the run */
    int cpu[2];                 /* producer, consumer; -1 = not pinned */
    const char *cpu_mode;       /* "same", "cross", "pair" or NULL (not pinned) */
    unsigned ring_slots;
    size_t pairs;               /* producer/consumer pairs at once, each on its own channel */
    int verify_full;
    int clock_tsc;              /* time with the calibrated invariant TSC */            /* stream: check every payload byte, not only stamps */
    int quiet;
    const char *outdir;         /* NULL: results/<date>-<host>/ */
    const char *csv_path;
    const char *json_path;
    const char *plot_dir;       /* for `plot` */
    int argc;
    char **argv;
};

/* cli.c: parse argv into plan; 0, or -EINVAL with one line in err */
int ipcb_parse_args(int argc, char **argv, struct ipcb_plan *plan,
                    char *err, size_t errlen);

#endif
