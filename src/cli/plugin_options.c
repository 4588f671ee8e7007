/* The options the plugins own, gathered from the transport and pattern
 * registries, so the parser and --help treat them all alike. */
#include "cli/cli.h"
#include "ipcbench/pattern.h"
#include "ipcbench/transport.h"

static size_t add(const struct ipcb_option *const *list, const struct ipcb_option **out,
                  size_t n, size_t cap)
{
    for (; list && *list && n < cap; list++) {
        size_t i = 0;
        while (i < n && out[i] != *list)
            i++;
        if (i == n)
            out[n++] = *list;
    }
    return n;
}

size_t ipcb_plugin_options(const struct ipcb_option **out, size_t cap)
{
    size_t n = 0, n_t, n_p;
    const struct ipcb_transport *const *t = ipcb_transports(&n_t);
    const struct ipcb_pattern *const *p = ipcb_patterns(&n_p);
    for (size_t i = 0; i < n_t; i++)
        n = add(t[i]->options, out, n, cap);
    for (size_t i = 0; i < n_p; i++)
        n = add(p[i]->options, out, n, cap);
    return n;
}
