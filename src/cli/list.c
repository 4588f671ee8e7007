/* `ipcbench list`: every transport, what it carries, its live limit. */
#include <stdio.h>

#include "cli/cli.h"
#include "ipcbench/transport.h"

int ipcb_list(void)
{
    size_t n;
    const struct ipcb_transport *const *all = ipcb_transports(&n);
    printf("%-22s %-8s %-34s %s\n", "transport", "kind", "largest message (bytes)",
           "description");
    for (size_t i = 0; i < n; i++) {
        const struct ipcb_transport *t = all[i];
        struct ipcb_limit lim;
        ipcb_transport_limit(t, &lim);
        char text[96];
        if (lim.max_message == 0)
            snprintf(text, sizeof text, "no limit");
        else if (lim.setting)
            snprintf(text, sizeof text, "%zu (%s)", lim.max_message, lim.setting);
        else
            snprintf(text, sizeof text, "%zu (fixed)", lim.max_message);
        printf("%-22s %-8s %-34s %s%s\n", t->name,
               t->flags & IPCB_STREAM ? "stream" : "message", text,
               t->flags & IPCB_VARIANT ? "(variant, not in all) " : "", t->summary);
    }
    return 0;
}

