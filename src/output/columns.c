/* The output columns, in summary.csv's order. Each writer, and the merge
 * of --repeat's measurements, loops over this list; a new figure is one
 * entry here with its repeats rule (and a getter when no field of struct
 * ipcb_result holds it, with a setter when the merge writes it), then a
 * line in each of docs/outputs.md's two column tables, which
 * tests/test_output.c insists on. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/columns.h"
#include "ipcbench/pattern.h"

/* A field of struct ipcb_result, its column type taken from the field's C
 * type, so an entry cannot read a double as an integer. */
#define FIELD(member)                                                               \
    .offset = offsetof(struct ipcb_result, member),                                  \
    .type = _Generic(((const struct ipcb_result *)0)->member,                         \
                     uint64_t: IPCB_COLUMN_INTEGER, double: IPCB_COLUMN_REAL,         \
                     const char *: IPCB_COLUMN_TEXT)
#define PAIR(member) .in_pairs = true, .pair_offset = offsetof(struct ipcb_pair_result, member)
#define PCT(p) .is_percentile = true, .percentile = (p)
/* the latency columns: nanoseconds from the row's histogram, empty without one */
#define LATENCY(column, member) .name = column, .unit = "ns", FIELD(stats.member), \
                                .when = IPCB_WHEN_TIMED
/* a row made of repeats has it from the repeats' histograms merged */
#define MERGED .repeats = IPCB_REPEATS_MERGED
/* a figure whose repeats give the median and its interval, kept in rep_<member> */
#define MEDIAN_CI(member) .repeats = IPCB_REPEATS_MEDIAN, \
                          .ci_offset = offsetof(struct ipcb_result, rep_##member)

static bool status_get(const struct ipcb_result *r, struct ipcb_value *v)
{
    v->text = ipcb_status_text(r, v->buf, sizeof v->buf);
    return true;
}

/* where the row's figures for one role of its pattern are; n_roles when it has none */
static size_t role_index(const struct ipcb_result *r, const char *role)
{
    size_t i = 0;
    while (i < r->n_roles && strcmp(r->roles[i].role, role) != 0)
        i++;
    return i;
}

/* CI_GETTER(p50_ns, 1) makes p50_ns_ci_1_get: an end of the interval of a
 * row made from repeats, empty for a single measurement */
#define CI_GETTER(figure, end)                                                   \
    static bool figure##_ci_##end##_get(const struct ipcb_result *r,            \
                                        struct ipcb_value *v)                   \
    {                                                                          \
        v->real = r->rep_##figure[end];                                        \
        return r->repeats > 1 && !isnan(v->real);                              \
    }
CI_GETTER(p50_ns, 1)
CI_GETTER(p50_ns, 2)
CI_GETTER(p99_ns, 1)
CI_GETTER(p99_ns, 2)
CI_GETTER(msgs_per_s, 1)
CI_GETTER(msgs_per_s, 2)
#define CI(figure, end, word, digits)                                             \
    .name = #figure "_ci_" word, .get = figure##_ci_##end##_get,                  \
    .type = IPCB_COLUMN_REAL, .decimals = digits, .when = IPCB_WHEN_OK,             \
    .repeats = IPCB_REPEATS_DERIVED

/* ROLE_GETTER(producer, cpu_user_s, real) makes producer_cpu_user_s_get and
 * _set; the setter leaves a row without that role as it is */
#define ROLE_GETTER(role, member, kind)                                          \
    static bool role##_##member##_get(const struct ipcb_result *r,             \
                                      struct ipcb_value *v)                     \
    {                                                                          \
        size_t i = role_index(r, #role);                                       \
        if (i < r->n_roles)                                                    \
            v->kind = r->roles[i].member;                                      \
        return i < r->n_roles;                                                 \
    }                                                                          \
    static void role##_##member##_set(struct ipcb_result *r,                   \
                                      const struct ipcb_value *v)               \
    {                                                                          \
        size_t i = role_index(r, #role);                                       \
        if (i < r->n_roles)                                                    \
            r->roles[i].member = v->kind;                                      \
    }
ROLE_GETTER(producer, cpu_user_s, real)
ROLE_GETTER(producer, cpu_sys_s, real)
ROLE_GETTER(producer, ctx_switches, integer)
ROLE_GETTER(consumer, cpu_user_s, real)
ROLE_GETTER(consumer, cpu_sys_s, real)
ROLE_GETTER(consumer, ctx_switches, integer)

/* UNCORRECTED(p99, 99) makes p99_uncorrected_get: rate's percentile from
 * the actual send time, empty for other patterns and, like the others,
 * when its tail holds too few samples */
#define UNCORRECTED(figure, p)                                                   \
    static bool figure##_uncorrected_get(const struct ipcb_result *r,           \
                                         struct ipcb_value *v)                  \
    {                                                                          \
        v->integer = r->stats_uncorrected.figure;                              \
        return r->hist_uncorrected &&                                          \
               r->stats_uncorrected.count >= ipcb_percentile_needs(p);         \
    }
UNCORRECTED(p50, 50)
UNCORRECTED(p90, 90)
UNCORRECTED(p99, 99)
UNCORRECTED(p999, 99.9)
UNCORRECTED(max, 100)
#define UNC(figure) .name = #figure "_uncorrected_ns", .unit = "ns",                \
    .get = figure##_uncorrected_get, .type = IPCB_COLUMN_INTEGER, .when = IPCB_WHEN_TIMED, \
    .repeats = IPCB_REPEATS_MERGED

/* RATE_GETTER(offered, real, offered_per_s, offered_per_s): a figure of the
 * rate pattern, present when the row has `when` (other patterns' rows do not),
 * and its setter */
#define RATE_GETTER(name, kind, member, when)                                     \
    static bool name##_get(const struct ipcb_result *r, struct ipcb_value *v)    \
    {                                                                          \
        v->kind = r->member;                                                   \
        return r->when > 0;                                                    \
    }                                                                          \
    static void name##_set(struct ipcb_result *r, const struct ipcb_value *v)    \
    {                                                                          \
        r->member = v->kind;                                                   \
    }
RATE_GETTER(offered, real, offered_per_s, offered_per_s)
RATE_GETTER(achieved, real, achieved_per_s, offered_per_s)
RATE_GETTER(max, real, max_per_s, max_per_s)
RATE_GETTER(behind, integer, behind_max_ns, offered_per_s)
RATE_GETTER(late_p50, integer, lateness_p50_ns, offered_per_s)
RATE_GETTER(late_p99, integer, lateness_p99_ns, offered_per_s)

/* ONE_WAY(there_p50, oneway_there, p50, integer, 50) makes there_p50_get and
 * _set: handoff's one-way times (results.h's oneway*), empty for other
 * patterns and for a percentile whose tail holds too few samples; the
 * setter marks the row as having them */
#define ONE_WAY(name, member, figure, kind, p)                                    \
    static bool name##_get(const struct ipcb_result *r, struct ipcb_value *v)    \
    {                                                                          \
        v->kind = r->member.figure;                                            \
        return r->member.count > 0 && r->member.count >= ipcb_percentile_needs(p); \
    }                                                                          \
    static void name##_set(struct ipcb_result *r, const struct ipcb_value *v)    \
    {                                                                          \
        r->member.figure = v->kind;                                            \
        r->member.count = r->member.count ? r->member.count : UINT64_MAX;      \
    }
ONE_WAY(oneway_min, oneway, min, integer, 0)
ONE_WAY(oneway_mean, oneway, mean, real, 0)
ONE_WAY(oneway_p50, oneway, p50, integer, 50)
ONE_WAY(oneway_p99, oneway, p99, integer, 99)
ONE_WAY(oneway_max, oneway, max, integer, 0)
ONE_WAY(there_p50, oneway_there, p50, integer, 50)
ONE_WAY(back_p50, oneway_back, p50, integer, 50)
#define ONE_WAY_COLUMN(column, getter, column_type, rule) .name = column, .unit = "ns",  \
    .get = getter##_get, .set = getter##_set, .type = column_type, .when = IPCB_WHEN_OK, \
    .repeats = rule

/* a column of one role's figures, empty for a pattern without that role */
#define ROLE(role, member, column_type, digits)                                   \
    .name = #role "_" #member, .get = role##_##member##_get,                        \
    .set = role##_##member##_set, .type = column_type, .decimals = digits,          \
    .when = IPCB_WHEN_OK, .repeats = IPCB_REPEATS_SUM
/* a figure of the rate pattern: with --repeat, offered, achieved and the
 * maximum come from one repeat, the one that kept its schedule worst */
#define RATE(figure, column_type) .get = figure##_get, .set = figure##_set,         \
    .type = column_type, .when = IPCB_WHEN_OK

/* how the sides ran, empty for a row that does not say (one read back
 * from results older than the column) */
static bool sides_get(const struct ipcb_result *r, struct ipcb_value *v)
{
    v->text = r->sides;
    return r->sides != NULL;
}

static void sides_set(struct ipcb_result *r, const struct ipcb_value *v)
{
    r->sides = v->text && strcmp(v->text, "threads") == 0 ? "threads"
             : v->text && strcmp(v->text, "processes") == 0 ? "processes" : NULL;
}

/* a pattern whose latency spans several hops (pattern.h's per_hop): the
 * median end-to-end latency over the hops, procs - 1 */
static bool hop_ns_get(const struct ipcb_result *r, struct ipcb_value *v)
{
    const struct ipcb_pattern *pat = ipcb_pattern_of_row(r->pattern);
    if (!pat || !pat->per_hop || r->procs < 2 || r->stats.count == 0)
        return false;
    double p50 = r->repeats > 1 ? r->rep_p50_ns[0] : (double)r->stats.p50;
    if (isnan(p50))
        return false;               /* no repeat had a p50 */
    v->real = p50 / (double)(r->procs - 1);
    return true;
}

static const struct ipcb_column columns[] = {
    {.name = "transport", .unit = "text", FIELD(transport), .when = IPCB_WHEN_ALWAYS,
     .repeats = IPCB_REPEATS_AGREE,
     .description = "the mechanism, as named on the command line: <transport>/<strategy> for a "
                    "variant (pipe/epoll, shm/futex)",
     .table = {1, "transport", -20, IPCB_SHOW_PLAIN}},
    {.name = "pattern", .unit = "text", FIELD(pattern), .when = IPCB_WHEN_ALWAYS,
     .repeats = IPCB_REPEATS_AGREE,
     .description = "the pattern's name, as --help lists them; a copy a pattern makes of itself has a suffix (rate-10000, rate-50pct, contention-4, fanout-4)",
     .table = {2, "pattern", -8, IPCB_SHOW_PLAIN}},
    {.name = "size_bytes", .unit = "bytes", FIELD(size_bytes), .when = IPCB_WHEN_ALWAYS,
     .repeats = IPCB_REPEATS_AGREE,
     .description = "payload of each message",
     .table = {3, "size", 6, IPCB_SHOW_SIZE}},
    {.name = "messages", .unit = "count", FIELD(messages), .when = IPCB_WHEN_OK,
     PAIR(messages), .repeats = IPCB_REPEATS_SUM,
     .description = "messages in the timed span (round trips for pingpong), warm-up left out"},
    {.name = "seconds", .unit = "s", FIELD(seconds), .decimals = 6, .when = IPCB_WHEN_OK,
     PAIR(seconds), .repeats = IPCB_REPEATS_SUM,
     .description = "from the first timed message to the last; over all pairs with --pairs"},
    {.name = "msgs_per_s", .unit = "1/s", FIELD(msgs_per_s), .decimals = 1,
     .when = IPCB_WHEN_OK, PAIR(msgs_per_s), MEDIAN_CI(msgs_per_s),
     .description = "messages per second over the timed span",
     .table = {7, "msgs/s", 10, IPCB_SHOW_RATE}},
    {.name = "mib_per_s", .unit = "MiB/s", FIELD(mib_per_s), .decimals = 3,
     .when = IPCB_WHEN_OK, PAIR(mib_per_s), .repeats = IPCB_REPEATS_MEDIAN,
     .description = "payload per second, msgs_per_s times size_bytes over 1048576",
     .table = {8, "MiB/s", 10, IPCB_SHOW_FIXED, 1}},
    {.name = "latency_kind", .unit = "text", FIELD(latency_kind), .when = IPCB_WHEN_OK,
     .repeats = IPCB_REPEATS_AGREE,
     .description = "what the latency (_ns) columns time: rtt (round trip) or one-way; "
                    "empty when nothing was timed"},
    {LATENCY("min_ns", min), MERGED, .description = "shortest latency, exact"},
    {LATENCY("mean_ns", mean), MERGED, .decimals = 1,
     .description = "mean latency, from the exact sum rather than the buckets"},
    {LATENCY("stddev_ns", stddev), MERGED, .decimals = 1,
     .description = "standard deviation of the latency, exact"},
    {LATENCY("p50_ns", p50), PAIR(p50_ns), PCT(50), MEDIAN_CI(p50_ns),
     .description = "median latency, to 3 significant digits (histogram bucket)",
     .table = {4, "p50", 10, IPCB_SHOW_NS}},
    {LATENCY("p90_ns", p90), MERGED, PCT(90), .description = "90th percentile of latency"},
    {LATENCY("p99_ns", p99), PAIR(p99_ns), PCT(99), MEDIAN_CI(p99_ns),
     .description = "99th percentile of latency",
     .table = {5, "p99", 10, IPCB_SHOW_NS}},
    {LATENCY("p999_ns", p999), MERGED, PCT(99.9), .description = "99.9th percentile of latency"},
    {LATENCY("p9999_ns", p9999), MERGED, PCT(99.99),
     .description = "99.99th percentile of latency"},
    {LATENCY("max_ns", max), MERGED,
     .description = "longest latency, exact",
     .table = {6, "max", 10, IPCB_SHOW_NS}},
    {UNC(p50), .description = "rate: median latency from the actual send time "
                              "(uncorrected for coordinated omission)"},
    {UNC(p90), .description = "rate: 90th percentile of latency from the actual send time"},
    {UNC(p99), .description = "rate: 99th percentile of latency from the actual send time"},
    {UNC(p999), .description = "rate: 99.9th percentile of latency from the actual send time"},
    {UNC(max), .description = "rate: longest latency from the actual send time"},
    {.name = "offered_per_s", .unit = "1/s", RATE(offered, IPCB_COLUMN_REAL), .decimals = 1,
     .repeats = IPCB_REPEATS_SLOWEST,
     .description = "rate: messages per second the producer's schedule offers (--rate)"},
    {.name = "achieved_per_s", .unit = "1/s", RATE(achieved, IPCB_COLUMN_REAL), .decimals = 1,
     .repeats = IPCB_REPEATS_SLOWEST,
     .description = "rate: messages per second the producer sent, over its timed span"},
    {.name = "max_per_s", .unit = "1/s", RATE(max, IPCB_COLUMN_REAL), .decimals = 1,
     .repeats = IPCB_REPEATS_SLOWEST,
     .description = "rate with --rate N%: the stream maximum of this transport and size, "
                    "measured just before, that the percentage is of"},
    {.name = "behind_max_ns", .unit = "ns", RATE(behind, IPCB_COLUMN_INTEGER),
     .repeats = IPCB_REPEATS_MAX,
     .description = "rate: how far behind its schedule the producer sent, at worst "
                    "(the most of its lateness)"},
    {.name = "lateness_p50_ns", .unit = "ns", RATE(late_p50, IPCB_COLUMN_INTEGER),
     .repeats = IPCB_REPEATS_MAX,
     .description = "rate: median lateness of the producer's sends against its schedule "
                    "(when it sent each timed message minus when it meant to)"},
    {.name = "lateness_p99_ns", .unit = "ns", RATE(late_p99, IPCB_COLUMN_INTEGER),
     .repeats = IPCB_REPEATS_MAX,
     .description = "rate: 99th percentile of the producer's lateness against its schedule"},
    {ONE_WAY_COLUMN("oneway_min_ns", oneway_min, IPCB_COLUMN_INTEGER, IPCB_REPEATS_MIN),
     .description = "handoff: shortest one-way time, either way: from the clock read before "
                    "one process passes the token to the one after the other's wait returns "
                    "(rt-tests' Min)"},
    {ONE_WAY_COLUMN("oneway_mean_ns", oneway_mean, IPCB_COLUMN_REAL, IPCB_REPEATS_MEDIAN),
     .decimals = 1, .description = "handoff: mean one-way time, either way (rt-tests' Avg)"},
    {ONE_WAY_COLUMN("oneway_p50_ns", oneway_p50, IPCB_COLUMN_INTEGER, IPCB_REPEATS_MEDIAN),
     .description = "handoff: median one-way time, either way"},
    {ONE_WAY_COLUMN("oneway_p99_ns", oneway_p99, IPCB_COLUMN_INTEGER, IPCB_REPEATS_MEDIAN),
     .description = "handoff: 99th percentile of the one-way time, either way"},
    {ONE_WAY_COLUMN("oneway_max_ns", oneway_max, IPCB_COLUMN_INTEGER, IPCB_REPEATS_MAX),
     .description = "handoff: longest one-way time, either way (rt-tests' Max)"},
    {ONE_WAY_COLUMN("oneway_there_p50_ns", there_p50, IPCB_COLUMN_INTEGER,
                    IPCB_REPEATS_MEDIAN),
     .description = "handoff: median one-way time from the producer to the consumer"},
    {ONE_WAY_COLUMN("oneway_back_p50_ns", back_p50, IPCB_COLUMN_INTEGER, IPCB_REPEATS_MEDIAN),
     .description = "handoff: median one-way time from the consumer back to the producer"},
    {.name = "cpu_user_s", .unit = "s", FIELD(cpu_user_s), .decimals = 6,
     .when = IPCB_WHEN_OK, .repeats = IPCB_REPEATS_SUM,
     .description = "user CPU time of every side over the timed span (getrusage)"},
    {.name = "cpu_sys_s", .unit = "s", FIELD(cpu_sys_s), .decimals = 6,
     .when = IPCB_WHEN_OK, .repeats = IPCB_REPEATS_SUM,
     .description = "kernel CPU time of every side over the timed span (getrusage)"},
    {.name = "ctx_switches", .unit = "count", FIELD(ctx_switches), .when = IPCB_WHEN_OK,
     .repeats = IPCB_REPEATS_SUM,
     .description = "voluntary and involuntary context switches of every side "
                    "over the timed span"},
    {ROLE(producer, cpu_user_s, IPCB_COLUMN_REAL, 6), .unit = "s",
     .description = "user CPU time of the producer side(s) over the timed span (getrusage)"},
    {ROLE(producer, cpu_sys_s, IPCB_COLUMN_REAL, 6), .unit = "s",
     .description = "kernel CPU time of the producer side(s) over the timed span (getrusage)"},
    {ROLE(consumer, cpu_user_s, IPCB_COLUMN_REAL, 6), .unit = "s",
     .description = "user CPU time of the consumer side(s) over the timed span (getrusage)"},
    {ROLE(consumer, cpu_sys_s, IPCB_COLUMN_REAL, 6), .unit = "s",
     .description = "kernel CPU time of the consumer side(s) over the timed span (getrusage)"},
    {ROLE(producer, ctx_switches, IPCB_COLUMN_INTEGER, 0), .unit = "count",
     .description = "voluntary and involuntary context switches of the producer side(s) "
                    "over the timed span"},
    {ROLE(consumer, ctx_switches, IPCB_COLUMN_INTEGER, 0), .unit = "count",
     .description = "voluntary and involuntary context switches of the consumer side(s) "
                    "over the timed span"},
    {.name = "latency_every", .unit = "count", FIELD(latency_every), .when = IPCB_WHEN_TIMED,
     .repeats = IPCB_REPEATS_MAX,
     .description = "one message in this many carried its send time into the latency "
                    "histogram: 1 (every one) but for stream under --latency-every, whose "
                    "auto samples where two clock reads would cost over 2 % of the "
                    "messages' time; every message is checked and counted in the "
                    "throughput either way"},
    {.name = "cpu_ns_per_msg", .unit = "ns", FIELD(cpu_ns_per_msg), .decimals = 1,
     .when = IPCB_WHEN_OK, PAIR(cpu_ns_per_msg), .repeats = IPCB_REPEATS_PER_MESSAGE,
     .description = "CPU time of every side over the timed span (process CPU clock) per "
                    "timed message: per round trip for pingpong",
     .table = {9, "CPU/msg", 10, IPCB_SHOW_NS}},
    {.name = "timed_cpu_ns_per_msg", .unit = "ns", FIELD(timed_cpu_ns_per_msg), .decimals = 1,
     .when = IPCB_WHEN_OK, .repeats = IPCB_REPEATS_PER_MESSAGE,
     .description = "CPU time of the timed side alone (the side whose figures make the row) "
                    "per timed message: the server's per request (server), the "
                    "dispatcher's per request (workers), the producer's per round trip "
                    "(pingpong); every side's for all-timed patterns (contention)"},
    {.name = "wakeups_per_msg", .unit = "count", FIELD(wakeups_per_msg), .decimals = 3,
     .when = IPCB_WHEN_OK, .repeats = IPCB_REPEATS_PER_MESSAGE,
     .description = "voluntary context switches (sleeps, each ended by a wake-up) of the "
                    "sides other than the timed one, per timed message: workers: how often "
                    "a worker slept per request, about 1 when each request wakes one "
                    "worker and more when one wakes several (a thundering herd); server: "
                    "the clients' sleeps per request; 0 for all-timed patterns"},
    {.name = "sides", .unit = "text", .type = IPCB_COLUMN_TEXT, .get = sides_get,
     .set = sides_set, .when = IPCB_WHEN_OK,
     .repeats = IPCB_REPEATS_AGREE,
     .description = "how the pattern's sides ran: processes (forked, the default) or "
                    "threads of one process (--sides threads)"},
    {.name = "errors", .unit = "count", FIELD(errors), .when = IPCB_WHEN_OK,
     .repeats = IPCB_REPEATS_SUM,
     .description = "messages lost or out of order, counted by lossy transports (udp); "
                    "0 for the others"},
    {.name = "procs", .unit = "count", FIELD(procs), .when = IPCB_WHEN_OK,
     .repeats = IPCB_REPEATS_AGREE,
     .description = "processes in the pattern's group: 2 for a pair, N for contention "
                    "(--procs), N + 1 for fanin (--producers), fanout (--subscribers), "
                    "server (--clients) and workers (--workers)"},
    {.name = "share_min", .unit = "fraction", FIELD(share_min), .decimals = 4, .when = IPCB_WHEN_OK,
     .repeats = IPCB_REPEATS_MIN,
     .description = "contention: the smallest share of the acquisitions any one process "
                    "made (1/procs when fair); fanin: the smallest share of one producer in "
                    "the messages that arrived up to the first producer's last; fanout: the "
                    "smallest share of the messages one subscriber was the last to get; "
                    "server: the smallest share of one client in the requests served; "
                    "workers: of one worker in the answers; 0 for other patterns"},
    {.name = "share_max", .unit = "fraction", FIELD(share_max), .decimals = 4, .when = IPCB_WHEN_OK,
     .repeats = IPCB_REPEATS_MAX,
     .description = "contention: the largest share of the acquisitions any one process "
                    "made; fanin: the largest share of one producer; fanout: the largest "
                    "share one subscriber was the last to get; server: of one client; "
                    "workers: of one worker; 0 for other patterns"},
    {.name = "lost_updates", .unit = "count", FIELD(lost_updates), .when = IPCB_WHEN_OK,
     .repeats = IPCB_REPEATS_SUM,
     .description = "contention: how far the shared counter fell short of the "
                    "increments made; only the none primitive (no lock) has any, as its "
                    "result (a lock that loses one fails the row)"},
    {.name = "hop_ns", .unit = "ns", .type = IPCB_COLUMN_REAL, .get = hop_ns_get,
     .decimals = 1, .when = IPCB_WHEN_TIMED, .repeats = IPCB_REPEATS_DERIVED,
     .description = "pipeline: p50 end-to-end latency divided by the hops (stages - 1), "
                    "the median latency per hop; empty for other patterns"},
    {.name = "repeats", .unit = "count", FIELD(repeats), .when = IPCB_WHEN_OK,
     .repeats = IPCB_REPEATS_COUNT,
     .description = "measurements that make the row (--repeat), 0 for a single one"},
    {CI(p50_ns, 1, "low", 1), .unit = "ns",
     .description = "with --repeat: low end of the 95 % confidence interval of the median p50"},
    {CI(p50_ns, 2, "high", 1), .unit = "ns",
     .description = "with --repeat: high end of that interval"},
    {CI(p99_ns, 1, "low", 1), .unit = "ns",
     .description = "with --repeat: low end of the 95 % confidence interval of the median p99"},
    {CI(p99_ns, 2, "high", 1), .unit = "ns",
     .description = "with --repeat: high end of that interval"},
    {CI(msgs_per_s, 1, "low", 1), .unit = "1/s",
     .description = "with --repeat: low end of the 95 % confidence interval of the median "
                    "msgs_per_s"},
    {CI(msgs_per_s, 2, "high", 1), .unit = "1/s",
     .description = "with --repeat: high end of that interval"},
    {.name = "status", .unit = "text", .type = IPCB_COLUMN_TEXT, .get = status_get,
     .when = IPCB_WHEN_ALWAYS, .repeats = IPCB_REPEATS_STATUS,
     .description = "ok, or skipped:, failed: or interrupted: followed by the reason",
     .table = {10, "status", 0, IPCB_SHOW_STATUS}},
};

/* the columns in use: the table, its percentiles as --percentiles says */
static struct ipcb_column active[sizeof columns / sizeof columns[0] + IPCB_MAX_PERCENTILES];
static size_t n_active;
static char pct_names[IPCB_MAX_PERCENTILES][24];
static char pct_docs[IPCB_MAX_PERCENTILES][64];

static void use_default(void)
{
    if (n_active)
        return;
    memcpy(active, columns, sizeof columns);
    n_active = sizeof columns / sizeof columns[0];
}
void ipcb_columns_use_default(void)
{
    n_active = 0;
    use_default();
}

int ipcb_columns_use_percentiles(const double *p, size_t n, char *err, size_t errlen)
{
    double want[IPCB_MAX_PERCENTILES];
    size_t k;
    if (ipcb_percentiles_wanted(p, n, want, &k, err, errlen) != 0)
        return -EINVAL;
    const struct ipcb_column *p50 = NULL, *p99 = NULL;
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        if (columns[i].is_percentile && columns[i].percentile == 50.0) p50 = &columns[i];
        if (columns[i].is_percentile && columns[i].percentile == 99.0) p99 = &columns[i];
    }
    n_active = 0;
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        if (!columns[i].is_percentile) {
            active[n_active++] = columns[i];
            continue;
        }
        if (columns[i].percentile != 50.0)
            continue;               /* the whole set goes where the first default stood */
        for (size_t j = 0; j < k; j++) {
            struct ipcb_column *c = &active[n_active++];
            const struct ipcb_column *same = want[j] == 50.0 ? p50 : want[j] == 99.0 ? p99 : NULL;
            if (same) {
                *c = *same;
                continue;
            }
            ipcb_percentile_name(want[j], pct_names[j], sizeof pct_names[j]);
            snprintf(pct_docs[j], sizeof pct_docs[j], "the %g percentile of latency", want[j]);
            *c = (struct ipcb_column){.name = pct_names[j], .unit = "ns",
                                      .type = IPCB_COLUMN_INTEGER, .when = IPCB_WHEN_TIMED,
                                      .repeats = IPCB_REPEATS_MERGED,
                                      .description = pct_docs[j], PCT(want[j])};
        }
    }
    return 0;
}

const struct ipcb_column *ipcb_columns(size_t *n)
{
    use_default();
    *n = n_active;
    return active;
}

const struct ipcb_column *ipcb_column_find(const char *name)
{
    use_default();
    for (size_t i = 0; i < n_active; i++)
        if (strcmp(active[i].name, name) == 0)
            return &active[i];
    return NULL;
}

size_t ipcb_table_columns(const struct ipcb_column **out, size_t cap)
{
    use_default();
    size_t k = 0;
    for (size_t i = 0; i < n_active && k < cap; i++) {
        if (active[i].table.place == 0)
            continue;
        /* insertion by place: a handful of columns */
        size_t at = k++;
        for (; at > 0 && out[at - 1]->table.place > active[i].table.place; at--)
            out[at] = out[at - 1];
        out[at] = &active[i];
    }
    return k;
}
