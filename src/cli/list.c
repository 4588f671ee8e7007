/* `ipcbench list`: every transport, what it carries, its live limit; one
 * built without its library as absent, with the reason, and one on a
 * library with the library's version. */
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
        if (t->absent) {
            printf("%-22s %-8s %-34s %s%s: %s\n", t->name, "absent", "-",
                   t->flags & IPCB_VARIANT ? "(variant, not in all) " : "", t->summary,
                   t->absent);
            continue;
        }
        struct ipcb_limit lim;
        ipcb_transport_limit(t, &lim);
        char text[96];
        if (lim.max_message == 0)
            snprintf(text, sizeof text, "no limit");
        else if (lim.setting)
            snprintf(text, sizeof text, "%zu (%s)", lim.max_message, lim.setting);
        else
            snprintf(text, sizeof text, "%zu (fixed)", lim.max_message);
        const struct ipcb_transport *lib = t->library || !t->base ? t : t->base;
        printf("%-22s %-8s %-34s %s%s%s%s%s\n", t->name,
               t->flags & IPCB_STREAM ? "stream" : "message", text,
               t->flags & IPCB_VARIANT ? "(variant, not in all) " : "", t->summary,
               lib->library ? " [" : "", lib->library ? lib->library() : "",
               lib->library ? "]" : "");
    }
    return 0;
}
