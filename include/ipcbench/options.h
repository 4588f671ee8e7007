/* Every command-line option is an entry of this one typed table: the core's
 * (cli/options.c) and each transport's and pattern's own (listed in their
 * tables). The parser, --help, `ipcbench complete`, the man-page check and
 * meta.json's plan all loop over it; a plugin only receives the value in
 * the variable its entry names, and never touches the plan. */
#ifndef IPCBENCH_OPTIONS_H
#define IPCBENCH_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

struct ipcb_plan;

/* the one way an option's check fails: one line into err (which, with
 * errlen, must be in scope), and -EINVAL */
#define IPCB_FAIL(...) \
    do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

enum ipcb_opt_type {
    IPCB_OPT_FLAG,       /* no value: an int set to 1 */
    IPCB_OPT_COUNT,      /* an unsigned count in [min, max], "10k" = 10000 */
    IPCB_OPT_SIZE,       /* bytes, "4k" = 4096, at most max (0: any) */
    IPCB_OPT_DURATION,   /* nanoseconds from "500ms", "2s", at least min */
    IPCB_OPT_CHOICE,     /* an int: the index of the value among .choices */
    IPCB_OPT_TEXT,       /* a const char * to the value, not empty */
    IPCB_OPT_LIST,       /* a const char * to a comma list without empty items */
};

/* which commands take a core option (a plugin's is taken by run and sync,
 * when one of its owners is in the plan) */
#define IPCB_TAKES(cmd) (1u << (cmd))

struct ipcb_option {
    const char *name;          /* long name without the dashes: "ring-slots" */
    char short_name;           /* 'n' for -n, 0 for none */
    const char *metavar;       /* "N"; NULL for a flag */
    enum ipcb_opt_type type;
    uint64_t min, max;         /* COUNT's range, SIZE's and DURATION's bounds */
    const char *choices;       /* CHOICE: "auto,monotonic,tsc", index 0 first */
    const char *def;           /* the default as it would be typed; NULL: none */
    const char *help;          /* what it does, lines joined by \n; no default in it */
    unsigned commands;         /* core options: IPCB_TAKES(IPCB_CMD_RUN) | ... */
    /* where the value goes: a field of the plan (in_plan, offset, size) or a
     * variable of the plugin's (var, size) */
    int in_plan;
    size_t offset;
    void *var;
    size_t size;
    /* optional, after the type's own check: take the value further (a list's
     * items, a custom syntax); dest is where it goes. 0 or -EINVAL with one
     * line in err. */
    int (*parse)(const struct ipcb_option *o, const char *value, void *dest,
                 char *err, size_t errlen);
    /* optional: the names a list takes, for --help, read from their registry
     * into buf, wrapped in lines of at most 55 characters */
    void (*names)(char *buf, size_t len);
};

#define IPCB_OPT_IN_PLAN(field) .in_plan = 1, \
    .offset = offsetof(struct ipcb_plan, field), .size = sizeof(((struct ipcb_plan *)0)->field)
#define IPCB_OPT_INTO(variable) .var = &(variable), .size = sizeof(variable)

/* cli/options.c: every option, the core's first, then the transports' and
 * the patterns' in registry order, each once; how many in *n */
const struct ipcb_option *const *ipcb_options(size_t *n);
/* the option called name (long name), or NULL */
const struct ipcb_option *ipcb_option_find(const char *name);
/* what the option was given as in the last parse, or NULL */
const char *ipcb_option_given(const struct ipcb_option *o);
/* whether the plan's command and its transports and patterns take o; when
 * not, who does in who[len] ("the fanin pattern (-p fanin)") */
int ipcb_option_taken(const struct ipcb_option *o, const struct ipcb_plan *p, char *who,
                      size_t len);

/* common/comma_list.c: split a comma list into at most cap items, copied into buf
 * (buflen bytes); the one refusal of an empty list or an empty item names
 * the option and what would be right (hint). 0 or -EINVAL. */
int ipcb_split_list(const char *list, const char *option, const char *hint, char *buf,
                    size_t buflen, const char **items, size_t cap, size_t *n, char *err,
                    size_t errlen);

/* common/comma_list.c: a ", "-separated list in buf broken into lines of at
 * most width characters, after a comma */
void ipcb_wrap_list(char *buf, size_t width);

#endif
