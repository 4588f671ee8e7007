/* Pipeline: a chain of K processes (--stages K) on K - 1 channels. The
 * source is stream's producer: it stamps each message with its send time
 * and sends as fast as channel 0 takes. Each middle stage receives on the
 * channel before it, checks the message and forwards it on the next. The
 * sink is stream's consumer on the last channel: it checks every message
 * and records the end-to-end one-way latency, and its span is the row's
 * throughput. A spoiled message fails the first stage that sees it.
 *
 * Over a lossy transport a missing message could be a loss or a stage that
 * is late, and no stage can tell which: the pattern refuses those. */
#include <errno.h>
#include <stdio.h>

#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"
#include "ipcbench/units.h"
#include "measure/message.h"
#include "run/side.h"

#define DEFAULT_STAGES 4

static uint64_t n_stages = DEFAULT_STAGES;

/* a middle stage: in on chans[0], out on chans[1], the same buffer */
IPCB_HOT static int stage(struct ipcb_side_args *a)
{
    struct ipcb_chan *in = a->chans[0], *out = a->chans[1];
    ssize_t (*const recv)(struct ipcb_chan *, void *, size_t) = in->t->recv;
    ssize_t (*const send)(struct ipcb_chan *, const void *, size_t) = out->t->send;
    const size_t len = a->size;

    if (a->warmup == 0)
        ipcb_side_usage_begin(a);
    for (uint64_t seq = 0;; seq++) {
        ssize_t n = recv(in, a->buf, len);
        if (n != (ssize_t)len)
            return ipcb_side_io_error(a, "receive", seq, n);
        int bad = a->verify_full ? ipcb_msg_check_full(a->buf, a->expect, len, seq)
                                 : ipcb_msg_check_stamps(a->buf, len, seq);
        if (bad) {
            ipcb_msg_describe(a->res->error, sizeof a->res->error, a->buf, a->expect, len,
                              seq);
            a->res->failed = 1;
            return -1;
        }
        n = send(out, a->buf, len);
        if (n != (ssize_t)len) {
            a->chan = out;  /* so that the error is the outgoing channel's */
            return ipcb_side_io_error(a, "send", seq, n);
        }
        if (seq + 1 == a->warmup)
            ipcb_side_usage_begin(a);
        if (ipcb_side_received(a, seq + 1))
            break;
    }
    ipcb_side_usage_end(a);
    return 0;
}

/* K sides on K - 1 channels: side i reads channel i - 1 and writes channel i */
static void make_layout(struct ipcb_layout *lay)
{
    const unsigned k = (unsigned)n_stages;
    lay->n_sides = k;
    lay->n_channels = k - 1;
    lay->timed_side = k - 1;
    for (unsigned i = 1; i + 1 < k; i++)
        lay->sides[i] = (struct ipcb_side_decl){
            .role = "stage", .n_ends = 2, .run = stage,
            .ends = {{i - 1, IPCB_CONSUMER}, {i, IPCB_PRODUCER}}};
    lay->sides[k - 1] = (struct ipcb_side_decl){
        .role = "sink", .n_ends = 1, .ends = {{k - 2, IPCB_CONSUMER}},
        .run = ipcb_stream_consumer};
}

static const struct ipcb_option stages_opt = {
    .name = "stages", .metavar = "K", .type = IPCB_OPT_COUNT, .min = 2, .max = IPCB_MAX_SIDES,
    .def = "4", IPCB_OPT_INTO(n_stages),
    .help = "processes in the chain, source and sink included\n(2 to 33)",
};
static const struct ipcb_option *const options[] = {&stages_opt, &ipcb_stream_latency_every_opt,
                                                    NULL};

/* a stage cannot tell a message lost on the way from a late one */
static int pipeline_refuses(const struct ipcb_transport *t, uint64_t size, char *why,
                            size_t len)
{
    (void)size;
    if (!(t->flags & IPCB_LOSSY))
        return 0;
    snprintf(why, len, "a pipeline over a lossy transport cannot tell loss from a slow stage");
    return 1;
}

const struct ipcb_pattern ipcb_pattern_pipeline = {
    .name = "pipeline",
    .flags = IPCB_PATTERN_ON_REQUEST,
    .refuses = pipeline_refuses,
    .per_hop = 1,
    .summary = "a chain of --stages processes, each forwarding to the\n"
               "next: end-to-end latency and throughput at the sink",
    .latency_kind = "one-way",
    .figure = IPCB_FIGURE_THROUGHPUT,
    .layout = {.n_channels = 1, .n_sides = 2, .timed_side = 1,
               .sides = {{.role = "source", .n_ends = 1, .ends = {{0, IPCB_PRODUCER}},
                          .run = ipcb_stream_producer}}},
    .make_layout = make_layout,
    .options = options,
};
