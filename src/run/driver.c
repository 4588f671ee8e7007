/* The driver: every cell of the plan, measured once or round by round
 * (--repeat), each measurement a call to ipcb_measure, each cell's row
 * handed on as soon as it is made. */
#include "run/driver.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "measure/clock.h"
#include "measure/hw_floor.h"
#include "run/measurement.h"
#include "run/progress.h"
#include "run/repeats.h"
#include "transports/ledger.h"
#include "transports/private_dir.h"

/* A pattern that needs the cell's maximum first (calibrate_with) has it
 * measured now and handed over; 0 to go on, -1 with r telling why not. */
static int calibrate(const struct ipcb_plan *p, const struct ipcb_transport *t,
                     const struct ipcb_pattern *pat, uint64_t size,
                     const struct ipcb_progress *pg, struct ipcb_result *r)
{
    if (!pat->calibrate_with || !pat->calibrated)
        return 0;
    struct ipcb_result max = {.transport = t->name, .pattern = pat->calibrate_with->name,
                              .size_bytes = size, .latency_kind = ""};
    ipcb_measure(p, t, pat->calibrate_with, size, pg, &max);
    free(max.hist);
    free(max.hist_uncorrected);
    free(max.pairs);
    if (max.status != IPCB_OK || !(max.msgs_per_s > 0)) {
        r->status = max.status == IPCB_OK ? IPCB_FAILED : max.status;
        snprintf(r->reason, sizeof r->reason, "measuring the %s maximum first: %.400s",
                 pat->calibrate_with->name, max.status == IPCB_OK ? "no rate" : max.reason);
        return -1;
    }
    r->max_per_s = max.msgs_per_s;
    pat->calibrated(pat, max.msgs_per_s);
    return 0;
}

static struct ipcb_result *new_row(struct ipcb_results *res)
{
    if (res->n_rows == res->cap_rows) {
        size_t cap = res->cap_rows ? res->cap_rows * 2 : 32;
        struct ipcb_result *rows = realloc(res->rows, cap * sizeof *rows);
        if (!rows)
            return NULL;
        res->rows = rows;
        res->cap_rows = cap;
    }
    struct ipcb_result *r = &res->rows[res->n_rows++];
    memset(r, 0, sizeof *r);
    return r;
}

/* the run's callbacks (driver.h) */
struct handlers {
    ipcb_row_fn on_row, on_repeat;
    void *arg;
};

/* a cell's row from its repeats, handed on like any row */
static void emit_repeats(struct ipcb_results *res, struct ipcb_repeats *rs, size_t c,
                         const struct handlers *h, int *outcome)
{
    struct ipcb_result *row = new_row(res);
    if (!row) {
        *outcome = 1;
        return;
    }
    ipcb_repeats_emit(rs, c, row);
    if (row->status == IPCB_FAILED)
        *outcome = 1;
    if (h->on_row)
        h->on_row(row, h->arg);
}

/* the transport, pattern and size of cell c; false when the pattern does
 * not run on that transport (pattern.h) */
static bool cell_at(const struct ipcb_plan *p, size_t c, const struct ipcb_transport **t,
                    const struct ipcb_pattern **pat, uint64_t *size)
{
    *t = p->transports[c / (p->n_patterns * p->n_sizes)];
    *pat = p->patterns[c / p->n_sizes % p->n_patterns];
    *size = p->sizes[c % p->n_sizes];
    return !((*pat)->needs & ~IPCB_USE_ASKS & ~(*t)->flags);
}

/* one measurement of a cell into r, or the reason it was not made */
static void measure_cell(const struct ipcb_plan *p, const struct ipcb_transport *t,
                         const struct ipcb_pattern *pat, uint64_t size,
                         const struct ipcb_progress *pg, struct ipcb_result *r)
{
    *r = (struct ipcb_result){.transport = t->name, .pattern = pat->name, .size_bytes = size,
                              .latency_kind = ""};
    if (t->unsupported || t->absent) {
        r->status = IPCB_SKIPPED;
        snprintf(r->reason, sizeof r->reason, "%s", t->unsupported ? t->unsupported : t->absent);
    } else if (ipcb_check_limit(t, size, 0, r->reason, sizeof r->reason) != 0) {
        r->status = IPCB_SKIPPED;
    } else if (pat->refuses && pat->refuses(t, size, r->reason, sizeof r->reason)) {
        r->status = IPCB_SKIPPED;
    } else if (calibrate(p, t, pat, size, pg, r) == 0) {
        ipcb_measure(p, t, pat, size, pg, r);
    }
}

/* The cells, round by round: rs NULL, each measurement is its cell's row;
 * with --repeat, rs keeps them and a cell's row is made after its last
 * round, so that a slow phase of the machine lands on every cell alike.
 * 0, or 1 when a cell failed. */
static int run_cells(const struct ipcb_plan *p, struct ipcb_results *res,
                     struct ipcb_progress *pg, struct ipcb_repeats *rs,
                     const struct handlers *h)
{
    const size_t n_cells = p->n_transports * p->n_patterns * p->n_sizes;
    const size_t rounds = rs ? rs->rounds : 1;
    int outcome = 0;
    for (size_t round = 0; round < rounds && !ipcb_stop_signal(); round++) {
        for (size_t c = 0; c < n_cells && !ipcb_stop_signal(); c++) {
            const struct ipcb_transport *t;
            const struct ipcb_pattern *pat;
            uint64_t size;
            if (!cell_at(p, c, &t, &pat, &size))
                continue;
            struct ipcb_result *r = rs ? ipcb_repeats_slot(rs, c, round) : new_row(res);
            if (!rs && !r)
                return 1;
            char label[128], sz[32];
            ipcb_format_size(size, sz, sizeof sz);
            snprintf(label, sizeof label, rs ? "%s %s %s, repeat %zu of %zu" : "%s %s %s",
                     t->name, pat->name, sz, round + 1, rounds);
            pg->index++;
            pg->label = label;
            pg->started_ns = ipcb_now_ns();
            if (r)      /* NULL: a repeat of a cell skipped or failed once */
                measure_cell(p, t, pat, size, pg, r);
            ipcb_progress_clear(pg);
            if (r && r->status == IPCB_FAILED)
                outcome = 1;
            if (!rs) {
                if (h->on_row)
                    h->on_row(r, h->arg);
                continue;
            }
            if (r) {
                ipcb_repeats_done(rs, c, round);
                if (h->on_repeat)
                    h->on_repeat(r, h->arg);
            }
            if (round + 1 == rounds || ipcb_stop_signal())
                emit_repeats(res, rs, c, h, &outcome);
        }
    }
    /* an interrupted run still reports each cell it measured */
    for (size_t c = 0; rs && ipcb_stop_signal() && c < n_cells; c++)
        if (ipcb_repeats_pending(rs, c))
            emit_repeats(res, rs, c, h, &outcome);
    return outcome;
}

int ipcb_run_plan(const struct ipcb_plan *p, struct ipcb_results *res,
                  ipcb_row_fn on_row, ipcb_row_fn on_repeat, void *arg)
{
    struct sigaction old[2];
    ipcb_stop_signals_catch(old);

    /* the hardware floor under this run's figures: from this boot's cache, or
     * measured now (about 0.1 s), with the handlers above already in place */
    ipcb_hwfloor_get(&res->meta.hw_floor, p->cpu);

    const size_t rounds = p->repeat > 1 ? p->repeat : 1;
    struct ipcb_progress pg = {.show = !p->quiet && isatty(STDERR_FILENO),
                               .of = p->n_transports * p->n_sizes * p->n_patterns * rounds,
                               .total = p->count ? p->warmup + p->count : 0,
                               .duration_ns = p->duration_ns};
    /* the run's private directory holds its ledger of System V objects */
    char run_dir[4096], ledger[4096 + 16];
    if (ipcb_private_dir(run_dir, sizeof run_dir) != 0)
        run_dir[0] = '\0';
    snprintf(ledger, sizeof ledger, "%s/ledger", run_dir);
    ipcb_ledger_set(run_dir[0] ? ledger : NULL);

    const struct handlers h = {on_row, on_repeat, arg};
    struct ipcb_repeats rs;
    int outcome = 1;
    if (rounds == 1)
        outcome = run_cells(p, res, &pg, NULL, &h);
    else if (ipcb_repeats_init(&rs, p->n_transports * p->n_patterns * p->n_sizes, rounds) == 0) {
        outcome = run_cells(p, res, &pg, &rs, &h);
        ipcb_repeats_free(&rs);
    }

    ipcb_ledger_set(NULL);
    if (run_dir[0]) {
        unlink(ledger);
        rmdir(run_dir);
    }
    ipcb_stop_signals_restore(old);
    const int stopped_by = ipcb_stop_signal();
    return stopped_by ? stopped_by : outcome;
}
