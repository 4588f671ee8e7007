/* The options of the shm transport, parsed by the command line's generic
 * loop over every plugin's options: --ring-slots (queue depth) and --notify
 * (how the two sides wait; every strategy but "sem" is a variant
 * "shm/<strategy>" in the registry, so the strategies are whatever variants
 * shm has). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/plan.h"
#include "transports/shm_options.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

#define DEFAULT_RING_SLOTS IPCB_SHM_DEFAULT_RING_SLOTS
#define NOTIFY_BASE "shm"
#define NOTIFY_DEFAULT "sem"

static unsigned ring_slots = DEFAULT_RING_SLOTS;

unsigned ipcb_ring_slots(void)
{
    return ring_slots;
}

static void ring_slots_reset(void)
{
    ring_slots = DEFAULT_RING_SLOTS;
}

static int ring_slots_apply(const char *value, struct ipcb_plan *plan, char *err, size_t errlen)
{
    (void)plan;
    uint64_t v;
    if (ipcb_parse_count_range("--ring-slots", value, 2, 65536, &v, err, errlen) != 0)
        return -EINVAL;
    ring_slots = (unsigned)v;
    return 0;
}

const struct ipcb_option ipcb_opt_ring_slots = {
    .name = "ring-slots", .metavar = "N",
    .help = "queue depth of shm's rings and posix-mq's\nqueues (default: 16)",
    .reset = ring_slots_reset, .apply = ring_slots_apply,
};

static const struct ipcb_transport *notify_variant(const struct ipcb_transport *t)
{
    size_t base = strlen(NOTIFY_BASE);
    return (t->flags & IPCB_VARIANT) && strncmp(t->name, NOTIFY_BASE "/", base + 1) == 0
               ? t : NULL;
}

/* the strategies LIST names, in its order, into pick[] */
static int parse_notify(const char *s, const struct ipcb_transport **pick, size_t *n_pick,
                        char *err, size_t errlen)
{
    size_t n_all;
    const struct ipcb_transport *const *all = ipcb_transports(&n_all);
    char known[256] = NOTIFY_DEFAULT, buf[256], name[300];
    for (size_t i = 0; i < n_all; i++)
        if (notify_variant(all[i])) {
            strncat(known, ", ", sizeof known - strlen(known) - 1);
            strncat(known, all[i]->name + strlen(NOTIFY_BASE "/"),
                    sizeof known - strlen(known) - 1);
        }
    if (strlen(s) >= sizeof buf)
        FAIL("--notify list too long (use %s or all)", known);
    if (!*s || s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
        FAIL("--notify list '%s' is empty or has an empty item (use %s or all)", s, known);
    strcpy(buf, s);
    *n_pick = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const struct ipcb_transport *t = NULL;
        int every = strcmp(tok, "all") == 0;
        if (every || strcmp(tok, NOTIFY_DEFAULT) == 0) {
            t = ipcb_transport_find(NOTIFY_BASE);
        } else {
            snprintf(name, sizeof name, NOTIFY_BASE "/%s", tok);
            t = ipcb_transport_find(name);
            if (!t || !notify_variant(t))
                FAIL("unknown --notify strategy '%s' (use %s or all)", tok, known);
        }
        for (size_t i = 0; i <= n_all; i++) {
            const struct ipcb_transport *add = i == 0 ? t : every ? notify_variant(all[i - 1])
                                                              : NULL;
            if (!add)
                continue;
            if (*n_pick >= IPCB_MAX_TRANSPORTS)
                FAIL("--notify '%s' names too many strategies", s);
            pick[(*n_pick)++] = add;
        }
    }
    return 0;
}

/* the chosen strategies take shm's place in the transport list */
static int notify_apply(const char *value, struct ipcb_plan *p, char *err, size_t errlen)
{
    const struct ipcb_transport *pick[IPCB_MAX_TRANSPORTS];
    size_t n;
    if (parse_notify(value, pick, &n, err, errlen) != 0)
        return -EINVAL;
    const struct ipcb_transport *base = ipcb_transport_find(NOTIFY_BASE);
    size_t at = 0;
    while (at < p->n_transports && p->transports[at] != base)
        at++;
    if (at == p->n_transports)
        FAIL("--notify %s applies to the " NOTIFY_BASE " transport, which -t does not "
             "include (add -t " NOTIFY_BASE ")", value);
    if (p->n_transports - 1 + n > IPCB_MAX_TRANSPORTS)
        FAIL("too many transports with --notify %s (at most %d)", value, IPCB_MAX_TRANSPORTS);
    memmove(&p->transports[at + n], &p->transports[at + 1],
            (p->n_transports - at - 1) * sizeof p->transports[0]);
    memcpy(&p->transports[at], pick, n * sizeof pick[0]);
    p->n_transports += n - 1;
    return 0;
}

const struct ipcb_option ipcb_opt_notify = {
    .name = "notify", .metavar = "LIST",
    .help = "how shm's two sides wait for each other,\n"
            "each strategy its own row shm/<strategy>:\n"
            "sem (default, row shm), sysv-sem, futex,\n"
            "eventfd, spin, or all",
    .apply = notify_apply,
};
