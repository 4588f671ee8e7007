/* The one comma-list splitter of the command line: every option that takes
 * a list (-t, -p, -s, --wait, --rate, --procs, --primitive, --percentiles)
 * goes through it, so an empty list or an empty item is refused alike. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/options.h"

int ipcb_split_list(const char *list, const char *option, const char *hint, char *buf,
                    size_t buflen, const char **items, size_t cap, size_t *n, char *err,
                    size_t errlen)
{
    size_t len = strlen(list);
    *n = 0;
    if (len >= buflen) {
        snprintf(err, errlen, "%s list too long (%s)", option, hint);
        return -EINVAL;
    }
    if (!len || list[0] == ',' || list[len - 1] == ',' || strstr(list, ",,")) {
        snprintf(err, errlen, "%s list '%s' is empty or has an empty item (%s)", option, list,
                 hint);
        return -EINVAL;
    }
    memcpy(buf, list, len + 1);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n == cap) {
            snprintf(err, errlen, "%s '%s' has more than %zu items", option, list, cap);
            return -EINVAL;
        }
        items[(*n)++] = tok;
    }
    return 0;
}

void ipcb_wrap_list(char *buf, size_t width)
{
    size_t line = 0;
    for (char *c = buf; *c; c++, line++) {
        /* ", next" where next would pass the width: ",\nnext" */
        if (c[0] == ',' && c[1] == ' ') {
            size_t word = strcspn(c + 2, ",");
            if (line + 2 + word > width) {
                c[1] = '\n';
                line = (size_t)-1;
                c++;
            }
        }
    }
}
