/* libFuzzer target: the whole command-line parser, argv split at NUL bytes.
 * It must return 0 or -EINVAL with a one-line reason, never crash. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipcbench/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { MAX_ARGS = 24 };
    char buf[1024];
    char *argv[MAX_ARGS + 2];
    if (size >= sizeof buf)
        size = sizeof buf - 1;
    memcpy(buf, data, size);
    buf[size] = '\0';

    int argc = 0;
    argv[argc++] = "ipcbench";
    char *p = buf, *end = buf + size;
    while (p < end && argc < MAX_ARGS + 1) {
        argv[argc++] = p;
        p += strlen(p) + 1;
    }
    argv[argc] = NULL;

    struct ipcb_plan plan;
    char err[512] = "";
    int rc = ipcb_parse_args(argc, argv, &plan, err, sizeof err);
    if (rc != 0 && (rc != -EINVAL || err[0] == '\0' || strchr(err, '\n')))
        abort();
    if (rc == 0 && plan.command == IPCB_CMD_RUN &&
        (plan.n_transports == 0 || plan.n_sizes == 0 || plan.n_patterns == 0 ||
         (plan.count == 0) == (plan.duration_ns == 0)))
        abort();
    return 0;
}
