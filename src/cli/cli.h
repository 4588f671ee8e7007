/* The command line's parts beside the parser (cli/args.c). */
#ifndef IPCB_CLI_H
#define IPCB_CLI_H

#include <stdio.h>

#include "ipcbench/options.h"
#include "ipcbench/plan.h"

/* options in the one list, core and plugins' together */
#define IPCB_MAX_OPTIONS 64

struct ipcb_command_name {
    const char *name;
    enum ipcb_command command;
    const char *usage;          /* as an error names it; NULL: not shown */
    const char *summary;        /* for --help; NULL: not shown */
};
/* cli/args.c: every subcommand the parser takes */
const struct ipcb_command_name *ipcb_commands(size_t *n);

/* cli/options.c: whether o is one of the core's (its .commands say who
 * takes it) rather than a transport's or a pattern's */
int ipcb_option_is_core(const struct ipcb_option *o);
/* cli/options.c: --threshold's "5", "2.5%" into a double */
int ipcb_parse_percentage(const struct ipcb_option *o, const char *value, void *dest,
                          char *err, size_t errlen);

/* cli/cpus.c: --cpu's value into the producer's and the consumer's CPU */
int ipcb_parse_cpus(const char *s, int cpu[2], char *err, size_t errlen);

/* cli/owners.c: the plugins that list a plugin's option, into names:
 * "posix-mq, shm, mmap, sysv-shm", "fanin", or "sync" for sync's */
enum ipcb_owner_kind { IPCB_OWNED_BY_NONE, IPCB_OWNED_BY_TRANSPORTS, IPCB_OWNED_BY_PATTERNS,
                       IPCB_OWNED_BY_SYNC };
enum ipcb_owner_kind ipcb_option_owners(const struct ipcb_option *o, char *names, size_t len);

/* cli/plan_make.c: the plan's lists from the options' values, after the
 * parse: transports, patterns and their instances, wait rows, sizes, CPUs;
 * then every option given is checked to be taken. 0, or -EINVAL. */
int ipcb_plan_make(struct ipcb_plan *p, char *err, size_t errlen);

/* cli/complete.c: `ipcbench complete WHAT`, the names of one list (commands,
 * transports, patterns, options, waits) one a line for the shell
 * completions; 0, or -EINVAL with one line in err for an unknown WHAT */
int ipcb_complete(FILE *f, const char *what, char *err, size_t errlen);

/* cli/usage.c: --help, every option from the table, and the patterns */
void ipcb_usage(FILE *f);
/* cli/list.c: `ipcbench list` */
int ipcb_list(void);

#endif
