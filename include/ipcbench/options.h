/* Options that a transport or a pattern owns. The command line parses them
 * generically: each plugin lists its own in its table, with the help line,
 * and gets the value back through a setter of its own. */
#ifndef IPCBENCH_OPTIONS_H
#define IPCBENCH_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

struct ipcb_plan;

struct ipcb_option {
    const char *name;          /* long name without the dashes: "ring-slots" */
    const char *metavar;       /* "N"; NULL for a flag without a value */
    const char *help;          /* what it does and its default, one or two lines */
    /* back to the default, before every parse */
    void (*reset)(void);
    /* take the value (in command-line order, after the core options, so the
     * transport and pattern lists are final): 0, or -EINVAL with one line */
    int (*apply)(const char *value, struct ipcb_plan *plan, char *err, size_t errlen);
};

#endif
