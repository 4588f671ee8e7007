/* The command line's parts beside the parser (cli/args.c). */
#ifndef IPCB_CLI_H
#define IPCB_CLI_H

#include <stdio.h>

#include "ipcbench/options.h"

#define IPCB_MAX_PLUGIN_OPTIONS 32

/* every option that a transport or a pattern declares, each once, in
 * registry order (transports first); returns how many (at most cap) */
size_t ipcb_plugin_options(const struct ipcb_option **out, size_t cap);

/* cli/usage.c: --help, with the plugins' options and the patterns */
void ipcb_usage(FILE *f);
/* cli/list.c: `ipcbench list` */
int ipcb_list(void);

#endif
