/* The command line's parts beside the parser (cli/args.c). */
#ifndef IPCB_CLI_H
#define IPCB_CLI_H

#include <stdio.h>

#include "ipcbench/options.h"

#define IPCB_MAX_PLUGIN_OPTIONS 32

#include "ipcbench/plan.h"

struct ipcb_command_name {
    const char *name;
    enum ipcb_command command;
    const char *usage;          /* as an error names it; NULL: not shown */
};
/* cli/args.c: every subcommand the parser takes */
const struct ipcb_command_name *ipcb_commands(size_t *n);

/* every option that a transport or a pattern declares, each once, in
 * registry order (transports first); returns how many (at most cap) */
size_t ipcb_plugin_options(const struct ipcb_option **out, size_t cap);

/* cli/args.c: the core's long options (getopt's struct option), without
 * the plugins' and the terminating zero entry */
struct option;
const struct option *ipcb_core_options(size_t *count);

/* cli/complete.c: `ipcbench complete WHAT`, the names of one list (commands,
 * transports, patterns, options, waits) one a line for the shell
 * completions; 0, or -EINVAL with one line in err for an unknown WHAT */
int ipcb_complete(FILE *f, const char *what, char *err, size_t errlen);

/* cli/usage.c: --help, with the plugins' options and the patterns */
void ipcb_usage(FILE *f);
/* cli/list.c: `ipcbench list` */
int ipcb_list(void);

#endif
