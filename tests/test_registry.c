/* The tables the driver and the command line trust: every pattern's sides
 * and channels make sense, every variant is a strategy of a transport that
 * exists, every plugin option can be parsed, and the parser puts plugin
 * options, patterns, --wait and --notify where they belong. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "cli/cli.h"
#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"
#include "sync/sync.h"

static void check_patterns(void)
{
    size_t n;
    const struct ipcb_pattern *const *all = ipcb_patterns(&n);
    CHECK(n >= 2, "at least pingpong and stream are registered (%zu)", n);
    for (size_t i = 0; i < n; i++) {
        const struct ipcb_pattern *p = all[i];
        CHECK(p->name && *p->name && p->summary && p->latency_kind, "pattern %zu is named", i);
        CHECK(ipcb_pattern_find(p->name) == p, "%s is found by its name", p->name);
        struct ipcb_layout lay;
        ipcb_pattern_layout(p, &lay);
        CHECK(lay.n_sides >= 1 && lay.n_sides <= IPCB_MAX_SIDES, "%s: %u sides", p->name,
              lay.n_sides);
        CHECK(lay.n_channels >= 1 && lay.n_channels <= IPCB_MAX_CHANNELS, "%s: %u channels",
              p->name, lay.n_channels);
        CHECK(lay.timed_side < lay.n_sides, "%s: the timed side is one of its sides", p->name);
        /* every channel has both of its ends held by some side */
        unsigned ends[IPCB_MAX_CHANNELS] = {0};
        for (unsigned s = 0; s < lay.n_sides && s < IPCB_MAX_SIDES; s++) {
            const struct ipcb_side_decl *d = &lay.sides[s];
            CHECK(d->role && *d->role && d->run, "%s side %u has a role and a loop", p->name, s);
            CHECK(d->n_ends >= 1 && d->n_ends <= IPCB_MAX_ENDS, "%s side %u holds 1 or 2 ends",
                  p->name, s);
            for (unsigned e = 0; e < d->n_ends && e < IPCB_MAX_ENDS; e++) {
                CHECK(d->ends[e].channel < lay.n_channels, "%s side %u opens one of its channels",
                      p->name, s);
                if (d->ends[e].channel < IPCB_MAX_CHANNELS)
                    ends[d->ends[e].channel] |= 1u << d->ends[e].end;
            }
        }
        /* N alike sides (contention) share one channel's end */
        for (unsigned c = 0; !lay.all_timed && c < lay.n_channels && c < IPCB_MAX_CHANNELS; c++)
            CHECK(ends[c] == 3, "%s channel %u has a producer and a consumer end", p->name, c);
    }
    CHECK(ipcb_pattern_find("nope") == NULL, "an unknown pattern is not found");
}

static void check_variants(void)
{
    size_t n;
    const struct ipcb_transport *const *all = ipcb_transports(&n);
    size_t variants = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ipcb_transport *t = all[i];
        CHECK(ipcb_transport_find(t->name) == t, "%s is found by its name", t->name);
        CHECK(!t->unsupported, "%s: the registry holds only transports that run", t->name);
        /* built without its library: a name, a summary and the reason */
        CHECK(!t->absent || (*t->absent && t->summary && !t->create && !t->send),
              "%s: absent with a reason and no operation", t->name);
        if (!(t->flags & IPCB_VARIANT)) {
            CHECK(!t->base && t->wait_default && *t->wait_default,
                  "%s: a transport names its own wait strategy", t->name);
            continue;
        }
        variants += !t->absent;
        const struct ipcb_transport *b = t->base;
        CHECK(b != NULL, "variant %s has a base", t->name);
        if (!b)
            continue;
        CHECK(ipcb_transport_find(b->name) == b && !(b->flags & IPCB_VARIANT),
              "%s: its base %s is a transport of the registry", t->name, b->name);
        size_t len = strlen(b->name);
        CHECK(strncmp(t->name, b->name, len) == 0 && t->name[len] == '/' &&
              t->name[len + 1] && !strchr(t->name + len + 1, '/'),
              "variant %s is named %s/<strategy>", t->name, b->name);
        CHECK(strcmp(t->name + len + 1, b->wait_default) != 0 &&
              strcmp(t->name + len + 1, "block") != 0,
              "%s is not its base's own strategy again", t->name);
        /* a strategy that wakes by pid (shm/signal) is its own: processes only */
        CHECK((t->flags & ~IPCB_PROCESSES_ONLY) == ((b->flags & ~IPCB_PROCESSES_ONLY) |
                                                    IPCB_VARIANT) &&
              t->io == b->io && !t->wait_default,
              "%s: its base's flags and I/O kind", t->name);
        CHECK(t->io == IPCB_IO_OWN || t->wait != IPCB_WAIT_OWN,
              "%s: a strategy the shared wait code knows", t->name);
        CHECK(t->absent || (t->create && t->open && t->send && t->recv && t->close &&
                            t->destroy), "%s has every operation", t->name);
    }
    /* as many as the registry holds, each a row of --wait all */
    struct ipcb_plan plan;
    char err[512], *argv[] = {"ipcbench", "-t", "all", "--wait", "all", NULL};
    size_t rows = 0;
    if (ipcb_parse_args(5, argv, &plan, err, sizeof err) == 0)
        for (size_t i = 0; i < plan.n_transports; i++)
            rows += (plan.transports[i]->flags & IPCB_VARIANT) && !plan.transports[i]->unsupported;
    CHECK(variants > 0 && rows == variants, "-t all --wait all runs each of the %zu variants "
          "once (%zu rows)", variants, rows);
    char names[160];
    CHECK(ipcb_wait_strategy_names(ipcb_transport_find("shm"), names, sizeof names) == 0 &&
          strcmp(names, "sem, sysv-sem, futex, eventfd, spin, condvar, signal") == 0,
          "shm's strategies, its own first, from the registry (%s)", names);
    CHECK(ipcb_wait_strategy_names(ipcb_transport_find("pipe"), names, 12) == -ENOSPC &&
          strcmp(names, "block, spin") == 0, "a short buffer is cut and said so (%s)", names);
    CHECK(ipcb_wait_every_strategy_name(names, sizeof names) == 0 &&
          strcmp(names, "block, spin, poll, epoll, uring, sem, sysv-sem, futex, eventfd, "
                        "condvar, signal") == 0,
          "every strategy once, each transport's in turn (%s)", names);
    CHECK(ipcb_primitive_names(names, sizeof names) == 0 &&
          strncmp(names, "posix-sem, sysv-sem, ", 21) == 0 && strstr(names, ", none"),
          "every primitive's name from the registry (%s)", names);
}

/* every option is a complete entry of the one table: a name, help, a
 * place for its value of the size its type needs, once by each name */
static void check_options(void)
{
    size_t n, n_core = 0;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    CHECK(ipcb_option_find("ring-slots") && ipcb_option_find("notify") &&
          ipcb_option_find("rate") && ipcb_option_find("count"),
          "the core's and the plugins' options are in one list (%zu)", n);
    for (size_t i = 0; i < n; i++) {
        const struct ipcb_option *o = opts[i];
        n_core += ipcb_option_is_core(o);
        CHECK(o->name && o->help && *o->help, "option %zu has a name and help", i);
        CHECK(o->in_plan || o->var, "--%s says where its value goes", o->name);
        CHECK((o->type == IPCB_OPT_FLAG) == (o->metavar == NULL),
              "--%s has a metavar exactly when it takes a value", o->name);
        CHECK(ipcb_option_is_core(o) ? o->commands != 0 : o->commands == 0,
              "--%s: a core option names its commands, a plugin's has owners", o->name);
        CHECK(o->parse || o->type == IPCB_OPT_FLAG || o->type == IPCB_OPT_CHOICE ||
              (o->type == IPCB_OPT_TEXT || o->type == IPCB_OPT_LIST
                   ? o->size == sizeof(const char *) : o->size == 8 || o->size == 4),
              "--%s's place fits its type", o->name);
        for (size_t j = 0; j < i; j++) {
            CHECK(strcmp(o->name, opts[j]->name) != 0, "--%s is declared once", o->name);
            CHECK(!o->short_name || o->short_name != opts[j]->short_name,
                  "-%c is one option's", o->short_name);
        }
    }
    CHECK(n_core > 0 && n_core < n, "core options first, then the plugins' (%zu of %zu)",
          n_core, n);
    CHECK(n < IPCB_MAX_OPTIONS, "the list has room left, so no option was dropped (%zu of %d)",
          n, IPCB_MAX_OPTIONS);
}

/* every option is recorded: the parse keeps what each was given as */
static void check_given(void)
{
    struct ipcb_plan p;
    char err[512];
    char *a[] = {"ipcbench", "-t", "shm", "-p", "fanin", "--producers", "3", "-n", "5k", NULL};
    CHECK(ipcb_parse_args(9, a, &p, err, sizeof err) == 0, "fanin with --producers (%s)", err);
    CHECK(ipcb_option_given(ipcb_option_find("producers")) &&
          strcmp(ipcb_option_given(ipcb_option_find("producers")), "3") == 0 &&
          !ipcb_option_given(ipcb_option_find("ring-slots")) && p.count == 5000,
          "the given options and only those are recorded as given");
    char *b[] = {"ipcbench", "sync", "--producers", "3", NULL};
    CHECK(ipcb_parse_args(4, b, &p, err, sizeof err) != 0 &&
          strstr(err, "--producers is an option of the fanin pattern"),
          "an option nobody in the run takes is refused, naming who takes it (%s)", err);
    char *c[] = {"ipcbench", "-t", "pipe", "--ring-slots", "8", NULL};
    CHECK(ipcb_parse_args(5, c, &p, err, sizeof err) != 0 && strstr(err, "which -t does not include (add -t "),
          "a transport's option without the transport is refused (%s)", err);
    char *d[] = {"ipcbench", "list", "--threshold", "3", NULL};
    CHECK(ipcb_parse_args(4, d, &p, err, sizeof err) != 0 &&
          strstr(err, "--threshold is an option of compare"),
          "a core option another command takes is refused (%s)", err);
}

static int parse(struct ipcb_plan *p, char *err, size_t errlen, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return ipcb_parse_args(argc, argv, p, err, errlen);
}

static void check_parsing(void)
{
    struct ipcb_plan p;
    char err[512];
    char *a1[] = {"ipcbench", "-p", "stream,pingpong,stream", "-t", "pipe", NULL};
    CHECK(parse(&p, err, sizeof err, a1) == 0 && p.n_patterns == 2 &&
          p.patterns[0] == ipcb_pattern_find("stream") &&
          p.patterns[1] == ipcb_pattern_find("pingpong"),
          "-p keeps the order given and drops repeats");
    char *a2[] = {"ipcbench", "-t", "pipe", NULL};
    size_t n_all, n_data = 0;
    const struct ipcb_pattern *const *pats = ipcb_patterns(&n_all);
    for (size_t i = 0; i < n_all; i++)
        n_data += pats[i]->runs_on == IPCB_ON_TRANSPORT && !(pats[i]->flags & IPCB_PATTERN_ON_REQUEST);
    CHECK(parse(&p, err, sizeof err, a2) == 0 && p.n_patterns == n_data && n_data < n_all,
          "every data pattern runs by default but those run on request, and no sync pattern");
    char *a2all[] = {"ipcbench", "-t", "pipe", "-p", "all", NULL};
    int has_pipeline = 0;
    CHECK(parse(&p, err, sizeof err, a2all) == 0, "-p all parses (%s)", err);
    for (size_t i = 0; i < p.n_patterns; i++)
        has_pipeline |= p.patterns[i] == ipcb_pattern_find("pipeline");
    CHECK(has_pipeline, "-p all has the patterns run on request (pipeline)");
    char *a3[] = {"ipcbench", "--notify", "spin", "-t", "pipe,shm,tcp", NULL};
    CHECK(parse(&p, err, sizeof err, a3) == 0 && p.n_transports == 3 &&
          strcmp(p.transports[1]->name, "shm/spin") == 0,
          "--notify, given before -t, still replaces shm where it stands (%s)", err);
    char *a4[] = {"ipcbench", "-t", "pipe", "--notify", "spin", NULL};
    CHECK(parse(&p, err, sizeof err, a4) != 0 && strstr(err, "add -t shm"),
          "--notify without shm is refused (%s)", err);
    char *a5[] = {"ipcbench", "-t", "shm", "--ring-slots", "1", NULL};
    CHECK(parse(&p, err, sizeof err, a5) != 0 &&
          strcmp(err, "--ring-slots 1 is out of range (2 to 65536)") == 0,
          "a plugin option's refusal names it (%s)", err);
    char *a7[] = {"ipcbench", "--wait", "spin,block", "-t", "pipe,shm", NULL};
    CHECK(parse(&p, err, sizeof err, a7) == 0 && p.n_transports == 4 &&
          strcmp(p.transports[0]->name, "pipe/spin") == 0 &&
          p.transports[1] == p.transports[0]->base &&
          strcmp(p.transports[2]->name, "shm/spin") == 0 &&
          strcmp(p.transports[3]->name, "shm") == 0,
          "--wait makes each transport's rows in the list's order (%s)", err);
    char *a8[] = {"ipcbench", "-t", "sysv-mq,shm/futex", "--wait", "epoll,sem", NULL};
    CHECK(parse(&p, err, sizeof err, a8) == 0 && p.n_transports == 4 &&
          strcmp(p.transports[0]->name, "sysv-mq/epoll") == 0 &&
          p.transports[0]->unsupported &&
          strcmp(p.transports[0]->unsupported,
                 "sysv-mq cannot wait by epoll (its strategies: block, spin)") == 0 &&
          strcmp(p.transports[1]->name, "sysv-mq/sem") == 0 && p.transports[1]->unsupported &&
          strcmp(p.transports[3]->name, "shm") == 0,
          "a strategy a transport lacks is a row to skip; a variant stands for its base (%s)",
          err);
    const struct ipcb_transport *skip = p.transports[0];
    CHECK(parse(&p, err, sizeof err, a8) == 0 && p.transports[0] == skip,
          "the same row to skip each time the line is parsed");
    char *a9[] = {"ipcbench", "-t", "sysv-mq", "--wait", "epoll", NULL};
    CHECK(parse(&p, err, sizeof err, a9) != 0 &&
          strcmp(err, "sysv-mq cannot wait by epoll (its strategies: block, spin)") == 0,
          "alone, a strategy the transport lacks is refused (%s)", err);
    char *a10[] = {"ipcbench", "-t", "shm", "--wait", "spin", "--notify", "futex", NULL};
    CHECK(parse(&p, err, sizeof err, a10) != 0 && strstr(err, "--notify"),
          "--wait and --notify together are refused (%s)", err);
    char *a6[] = {"ipcbench", "-p", "pingpong,nope", NULL};
    CHECK(parse(&p, err, sizeof err, a6) != 0 &&
          strncmp(err, "unknown pattern 'nope' (use pingpong, stream, ", 46) == 0 &&
              strstr(err, " or all)"),
          "an unknown pattern is refused with the registry's names (%s)", err);
}

int main(void)
{
    check_patterns();
    check_variants();
    check_options();
    check_given();
    check_parsing();
    return checks_done();
}
