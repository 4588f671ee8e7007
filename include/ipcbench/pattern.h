/* The table every pattern fills, as every mechanism fills a transport table:
 * which sides it runs, which end of which channel each side holds, what its
 * row's latency means. The driver, the command line, the writers and the
 * charts loop over the registry and never name a pattern. */
#ifndef IPCBENCH_PATTERN_H
#define IPCBENCH_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#include "ipcbench/options.h"
#include "ipcbench/transport.h"

struct ipcb_side_args;   /* run/side.h: what a side's loop gets */

/* sides in one group: a server and 16 clients, a publisher and 32 subscribers */
#define IPCB_MAX_SIDES 33
/* channels in one group: a server's request queue and 16 reply channels, a
 * publisher's one per subscriber */
#define IPCB_MAX_CHANNELS 33
/* channel ends one side holds: a pipeline stage's in and out, a server's
 * one per client (and its request queue), a publisher's one per subscriber */
#define IPCB_MAX_ENDS 33

/* what a pattern's rows answer, so charts know where to draw them */
enum ipcb_figure {
    IPCB_FIGURE_LATENCY,      /* a latency per message: latency_by_size, percentiles */
    IPCB_FIGURE_THROUGHPUT,   /* a rate at saturation: throughput_by_size */
    IPCB_FIGURE_LOAD,         /* a latency at an offered rate: latency_vs_load */
};

/* One end of one of the group's channels. */
struct ipcb_chan_end {
    unsigned channel;
    enum ipcb_side end;
};

/* One process of a group. Sides that share a role name ("producer") are
 * added up in the row's per-role figures. */
struct ipcb_side_decl {
    const char *role;
    /* the channel ends it opens, in this order; its loop gets them as
     * a->chans[0..n_ends), and a->chan is the first */
    unsigned n_ends;
    struct ipcb_chan_end ends[IPCB_MAX_ENDS];
    /* the timed loop: 0, or -1 with the reason in a->res->error */
    int (*run)(struct ipcb_side_args *a);
};

/* Who runs in one group, on which channels. */
struct ipcb_layout {
    unsigned n_channels;       /* channels per group, each made by the transport */
    unsigned n_sides;
    struct ipcb_side_decl sides[IPCB_MAX_SIDES];
    /* the side whose span, count and histogram are the row's figures */
    unsigned timed_side;
    /* every side is timed alike (N contenders): the row's count, histogram
     * and span are all sides' together, and its shares are each side's part */
    int all_timed;
    /* the timed side counts what each other side sent it (N producers into
     * one consumer) in that side's result.share: the row's shares are those */
    int shares_of_senders;
};

/* The layout of most patterns: a producer and a consumer on one channel;
 * timed is the side whose figures make the row (0 producer, 1 consumer). */
#define IPCB_PAIR_LAYOUT(producer_run, consumer_run, timed) {                         \
        .n_channels = 1, .n_sides = 2, .timed_side = (timed),                         \
        .sides = {                                                                    \
            {.role = "producer", .n_ends = 1, .ends = {{0, IPCB_PRODUCER}},           \
             .run = (producer_run)},                                                  \
            {.role = "consumer", .n_ends = 1, .ends = {{0, IPCB_CONSUMER}},           \
             .run = (consumer_run)},                                                  \
        },                                                                            \
    }

/* what a pattern's channels are: data transports (`ipcbench run`) or
 * synchronization primitives (`ipcbench sync`, src/sync/) */
enum ipcb_runs_on { IPCB_ON_TRANSPORT = 0, IPCB_ON_PRIMITIVE };

/* pattern flags */
/* run only when -p names it or says all, not by default */
#define IPCB_PATTERN_ON_REQUEST 0x1u

struct ipcb_pattern {
    const char *name;          /* as on the command line: "pingpong" */
    enum ipcb_runs_on runs_on;
    /* flags a channel's table must have for the pattern to run on it
     * (IPCB_SYNC_HANDOFF ...), handed to create() as chan->use; a pair that
     * lacks one is no cell of the run at all, not even a skipped row; the
     * IPCB_USE_ASKS bits among them only ask (transport.h) */
    unsigned needs;
    /* hints handed to create() in chan->use beside needs, which no
     * transport must have (IPCB_USE_ANSWERS) */
    unsigned uses;
    unsigned flags;            /* IPCB_PATTERN_ON_REQUEST */
    /* optional: nonzero, with why in why[len], when the pattern cannot run
     * on t at size; the driver makes the cell a skipped row */
    int (*refuses)(const struct ipcb_transport *t, uint64_t size, char *why, size_t len);
    /* 1: its latency spans n_sides - 1 hops, and its rows have hop_ns */
    int per_hop;
    /* 1: a pair whose round trips are also cut in one-way times, the times
     * there in side 1's hist, those back in side 1's hist_uncorrected: its
     * rows have the oneway_ columns (handoff) */
    int one_way;
    /* optional: measure each cell with this pattern first and hand its
     * msgs/s to calibrated() before forking (rate's --rate 50%: half the
     * stream maximum of that transport at that size) */
    const struct ipcb_pattern *calibrate_with;
    void (*calibrated)(const struct ipcb_pattern *pat, double max_per_s);
    const char *summary;       /* one line for --help */
    const char *latency_kind;  /* what its histogram holds: "rtt", "one-way" */
    enum ipcb_figure figure;
    struct ipcb_layout layout; /* its sides, when they are always the same */
    /* optional: the layout for this run, when an option of the pattern's
     * decides how many sides there are (N producers, K stages); it starts
     * from a copy of .layout */
    void (*make_layout)(struct ipcb_layout *layout);
    /* optional, after make_layout: the layout on transport t, when the
     * transport decides its shape (fanout: one channel that every
     * subscriber reads, where t's channel takes several readers) */
    void (*layout_on)(struct ipcb_layout *layout, const struct ipcb_transport *t);
    /* its own command-line options, NULL-terminated, or NULL */
    const struct ipcb_option *const *options;
    /* optional: the copies of itself that its options ask for, each a row
     * of its own (rate: one per --rate; contention: one per --procs), at
     * most cap into out; 0: the pattern runs as itself */
    size_t (*instances)(const struct ipcb_pattern *self, const struct ipcb_pattern **out,
                        size_t cap);
};

/* the layout a run of pat uses: pat->layout, or what make_layout makes of it */
void ipcb_pattern_layout(const struct ipcb_pattern *pat, struct ipcb_layout *out);

/* patterns/pattern_registry.c */
const struct ipcb_pattern *ipcb_pattern_find(const char *name);
/* the pattern of a results row: its name, or the pattern a numbered copy
 * was made from ("contention-4" of sync --procs, "rate-50pct" of --rate) */
const struct ipcb_pattern *ipcb_pattern_of_row(const char *name);
const struct ipcb_pattern *const *ipcb_patterns(size_t *count);

#endif
