/* Server: one server and --clients N clients, each client in ping-pong
 * with the server over its own channel (or, over a message queue, through
 * one request queue with a reply channel of its own), the server waiting
 * across all of them as the wait strategy says (server_wait.c). A row per
 * N (--clients 1,4,16 makes server-1, server-4, server-16).
 *
 * A request's sequence word carries the client's index over its own
 * sequence number, stamped like any message, and the server checks that
 * each request is the next of the client it names (and came on that
 * client's channel) and echoes it; the client checks the answer. After its
 * last request a client sends a goodbye, which the server does not answer;
 * the server is done when every client has said it.
 *
 * The row is the server's (the timed side): the requests it served after
 * each client's warm-up over its span (requests per second at the server),
 * its CPU alone per request (timed_cpu_ns_per_msg), and each client's share
 * of the requests; the latency histogram is the clients' round trips,
 * merged into the server's once every client has said goodbye. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "measure/clock.h"
#include "measure/message.h"
#include "ipcbench/plan.h"
#include "ipcbench/units.h"
#include "patterns/server.h"

#define CLIENTS_DEFAULT 4u
#define CLIENTS_LIST_MAX 8

extern const struct ipcb_pattern ipcb_pattern_server;

/* The cell about to be measured is on this transport: the driver asks
 * refuses() right before it measures a cell, and how the channels are laid
 * out (a queue or a channel per client) depends on it. */
static const struct ipcb_transport *cell_transport;

IPCB_HOT static int server_client(struct ipcb_side_args *a)
{
    struct ipcb_chan *rx = a->chans[0], *tx = a->chans[1] ? a->chans[1] : a->chans[0];
    const size_t len = a->size;
    const int doorbell = ipcb_server_mode(tx->t) == SERVER_RINGS;
    const uint64_t tag = (uint64_t)a->side_index << SERVER_CLIENT_SHIFT;
    const uint64_t total = atomic_load(&a->sh->total);
    struct ipcb_side_result *res = a->res;
    uint64_t end_ns = 0, seq;
    struct ipcb_hist_acc lat;
    ipcb_hist_acc_init(&lat);
    int rc = 0;

    for (seq = 0; seq < total; seq++) {
        if (a->verify_full)
            memcpy(a->buf, a->expect, len);
        ipcb_msg_stamp(a->buf, len, tag | seq);
        ipcb_side_maybe_inject(a, a->buf, seq);
        if (seq == a->warmup)
            end_ns = ipcb_side_producer_begin(a);
        uint64_t t0 = ipcb_now_ns();
        ssize_t n = tx->t->send(tx, a->buf, len);
        if (doorbell)
            ipcb_server_doorbell(a);
        if (n == (ssize_t)len)
            n = rx->t->recv(rx, a->rbuf, len);
        uint64_t t1 = ipcb_now_ns();
        if (n != (ssize_t)len) {
            rc = ipcb_side_io_error(a, "request and answer", seq, n);
            break;
        }
        ipcb_side_timed(a, &lat, seq, t1 - t0);
        if (a->verify_full ? ipcb_msg_check_full(a->rbuf, a->expect, len, tag | seq)
                           : ipcb_msg_check_stamps(a->rbuf, len, tag | seq)) {
            ipcb_msg_describe(res->error, sizeof res->error, a->rbuf, a->expect, len,
                              tag | seq);
            res->failed = 1;
            rc = -1;
            break;
        }
        /* the first client done stops the others, so the shares are of
         * one span: with each running its own count they would be equal
         * whatever the server did */
        if ((end_ns && t1 >= end_ns) ||
            atomic_load_explicit(&a->sh->producer_done, memory_order_relaxed)) {
            seq++;
            break;
        }
    }
    ipcb_side_timed_flush(a, &lat);
    if (rc != 0)
        return rc;
    atomic_store_explicit(&a->sh->producer_done, 1, memory_order_relaxed);
    res->last_ns = ipcb_now_ns();
    res->span_messages = res->messages;
    ipcb_side_usage_end(a);
    /* the goodbye, after the histogram is in the shared result */
    ipcb_msg_stamp(a->buf, len, tag | SERVER_BYE | seq);
    ssize_t n = tx->t->send(tx, a->buf, len);
    if (doorbell)
        ipcb_server_doorbell(a);
    return n == (ssize_t)len ? 0 : ipcb_side_io_error(a, "goodbye", seq, n);
}

/* what the server keeps per client, and of the timed span */
struct served {
    unsigned n;                             /* clients */
    uint64_t expected[SERVER_CLIENTS_MAX + 1];  /* by side index */
    unsigned byes;
    uint64_t served;                        /* requests, warm-up included */
    int timing;
};

/* request word, of len bytes in buf, arrived on channel from: its client
 * (by side index), or 0 with the failure said */
static unsigned check_request(struct ipcb_side_args *a, struct served *s, const unsigned char *buf,
                              uint64_t word, unsigned from, int queue)
{
    unsigned client = (unsigned)(word >> SERVER_CLIENT_SHIFT);
    uint64_t seq = word & SERVER_SEQ_MASK;   /* a goodbye's: the requests made */
    if (client < 1 || client > s->n) {
        ipcb_side_fail(a, "a request names client %u of %u (sequence word %#llx)", client,
                       s->n, (unsigned long long)word);
        return 0;
    }
    if (!queue && client != from + 1)
        ipcb_side_fail(a, "client %u's request came on client %u's channel", client, from + 1);
    else if (seq != s->expected[client])
        ipcb_side_fail(a, "client %u: expected its request %llu, got %llu", client,
                       (unsigned long long)s->expected[client], (unsigned long long)seq);
    else if (a->verify_full ? ipcb_msg_check_full(buf, a->expect, a->size, word)
                            : ipcb_msg_check_stamps(buf, a->size, word))
        ipcb_side_fail(a, "client %u: its request %llu of %llu bytes has wrong stamps or "
                       "payload", client, (unsigned long long)seq,
                       (unsigned long long)a->size);
    else
        return client;
    return 0;
}

/* a request of client's, seq, was served now */
static void count_request(struct ipcb_side_args *a, struct served *s, unsigned client,
                          uint64_t seq)
{
    struct ipcb_side_result *res = a->res;
    s->expected[client] = seq + 1;
    atomic_store_explicit(&res->progress, ++s->served, memory_order_relaxed);
    if (seq < a->warmup)
        return;
    uint64_t now = ipcb_now_ns();
    if (!s->timing) {
        ipcb_side_usage_begin(a);
        res->first_ns = now;
        s->timing = 1;
    } else {
        res->span_messages++;
    }
    res->last_ns = now;
    res->messages++;
    a->sh->side[client].share++;
}

IPCB_HOT static int server_server(struct ipcb_side_args *a)
{
    const enum server_mode mode = ipcb_server_mode(a->chan->t);
    const int queue = mode == SERVER_QUEUE;
    struct served s = {.n = a->sh->n_sides - 1};
    const unsigned n_chans = queue ? s.n + 1 : s.n;
    const size_t len = a->size;
    unsigned held = 0;
    while (held < IPCB_MAX_ENDS && a->chans[held])
        held++;
    /* the layout was made for the transport refuses() saw last */
    if (held != n_chans)
        return ipcb_side_fail(a, "the server holds %u channels, and %s needs %u: the layout "
                              "was made for another transport", held, a->chan->t->name,
                              n_chans);
    struct server_wait *w = ipcb_server_wait_open(a, n_chans, mode);
    if (!w)
        return -1;
    int rc = 0;
    while (s.byes < s.n) {
        unsigned from;
        ssize_t n = ipcb_server_next(w, a->buf, len, &from);
        if (n != (ssize_t)len) {
            rc = ipcb_side_io_error(a, "receive of a request", a->res->messages, n);
            break;
        }
        uint64_t word = ipcb_get64(a->buf);
        unsigned client = (unsigned)(word >> SERVER_CLIENT_SHIFT);
        struct ipcb_chan *reply = a->chans[queue ? (client <= s.n ? client : 0) : from];
        if (!(word & SERVER_BYE) && client >= 1 && client <= s.n) {
            n = reply->t->send(reply, a->buf, len);
            if (n != (ssize_t)len) {
                rc = ipcb_side_io_error(a, "answer", word & SERVER_SEQ_MASK, n);
                break;
            }
        }
        /* checked after the answer left, so the check is not in the round trip */
        if (check_request(a, &s, a->buf, word, from, queue) == 0) {
            rc = -1;
            break;
        }
        if (word & SERVER_BYE) {
            s.byes++;
            if (mode == SERVER_DESCRIPTORS)
                ipcb_server_forget(w, from);
        }
        else
            count_request(a, &s, client, word & SERVER_SEQ_MASK);
    }
    ipcb_server_wait_close(w);
    if (rc != 0)
        return rc;
    if (s.timing)
        ipcb_side_usage_end(a);
    /* every client flushed its round trips before its goodbye */
    for (unsigned k = 1; k <= s.n; k++)
        ipcb_hist_merge(&a->res->hist, &a->sh->side[k].hist);
    return 0;
}

/* side 0 the server, sides 1..N the clients, N from the copy's layout */
static void server_layout(struct ipcb_layout *lay)
{
    const unsigned n = lay->n_sides - 1;
    const int queue = cell_transport && ipcb_server_mode(cell_transport) == SERVER_QUEUE;
    struct ipcb_side_decl *srv = &lay->sides[0];
    *srv = (struct ipcb_side_decl){.role = "server", .run = server_server};
    lay->n_channels = queue ? n + 1 : n;
    for (unsigned k = 0; k < lay->n_channels; k++)
        srv->ends[srv->n_ends++] = (struct ipcb_chan_end){k, IPCB_CONSUMER};
    for (unsigned c = 1; c <= n; c++) {
        /* its answers come on chans[0]; a queue's requests go out on chans[1] */
        lay->sides[c] = (struct ipcb_side_decl){
            .role = "client", .n_ends = queue ? 2 : 1, .run = server_client,
            .ends = {{queue ? c : c - 1, IPCB_PRODUCER}, {0, IPCB_PRODUCER}}};
    }
    lay->timed_side = 0;
    lay->shares_of_senders = 1;
}

static int server_refuses(const struct ipcb_transport *t, uint64_t size, char *why, size_t len)
{
    cell_transport = t;
    if (size < 8) {
        snprintf(why, len, "the server pattern needs messages of 8 bytes or more, for the "
                 "client's index");
        return 1;
    }
    if (t->flags & IPCB_LOSSY) {
        snprintf(why, len, "%s may lose a request, and a client would wait for its answer "
                 "for ever", t->name);
        return 1;
    }
    if (ipcb_server_mode(t) == SERVER_NONE) {
        snprintf(why, len, "the server cannot wait across many channels of %s (neither "
                 "descriptors, a shared queue nor rings)", t->name);
        return 1;
    }
    return 0;
}

/* --clients LIST: a copy of the pattern per count, server-N */
static struct ipcb_pattern copies[CLIENTS_LIST_MAX];
static char copy_names[CLIENTS_LIST_MAX][32];
static size_t n_copies;
static const char *clients_list;

static int clients_parse(const struct ipcb_option *o, const char *v, void *dest, char *err,
                         size_t errlen)
{
    char buf[128];
    const char *items[CLIENTS_LIST_MAX];
    if (ipcb_split_list(v, "--clients", "a list of client counts, e.g. 1,4,16", buf,
                        sizeof buf, items, CLIENTS_LIST_MAX, &n_copies, err, errlen))
        return -EINVAL;
    for (size_t k = 0; k < n_copies; k++) {
        uint64_t n;
        if (ipcb_parse_count_range("--clients", items[k], 1, SERVER_CLIENTS_MAX, &n, err,
                                   errlen))
            return -EINVAL;
        copies[k] = ipcb_pattern_server;
        snprintf(copy_names[k], sizeof copy_names[k], "server-%u", (unsigned)n);
        copies[k].name = copy_names[k];
        copies[k].instances = NULL;
        copies[k].layout.n_sides = (unsigned)n + 1;
    }
    (void)o;
    memcpy(dest, &v, sizeof v);
    return 0;
}

static size_t server_instances(const struct ipcb_pattern *self, const struct ipcb_pattern **out,
                               size_t cap)
{
    (void)self;
    size_t k = 0;
    for (; k < n_copies && k < cap; k++)
        out[k] = &copies[k];
    return k;
}

static const struct ipcb_option clients_opt = {
    .name = "clients", .metavar = "LIST", .type = IPCB_OPT_LIST, .def = "4",
    IPCB_OPT_INTO(clients_list), .parse = clients_parse,
    .help = "clients in ping-pong with the one server, a row\nfor each (1 to 16)",
};
static const struct ipcb_option *const server_options[] = {&clients_opt, NULL};

const struct ipcb_pattern ipcb_pattern_server = {
    .name = "server",
    .flags = IPCB_PATTERN_ON_REQUEST,
    .summary = "one server, --clients N in ping-pong with it, the\n"
               "server waiting on all: round trip, requests/s, shares",
    .latency_kind = "rtt",
    .figure = IPCB_FIGURE_LATENCY,
    .layout = {.n_sides = CLIENTS_DEFAULT + 1},
    .make_layout = server_layout,
    .refuses = server_refuses,
    .options = server_options,
    .instances = server_instances,
};
