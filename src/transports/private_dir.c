/* Private directories and the paths in them (private_dir.h). */
#include "transports/private_dir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ipcb_private_dir(char *buf, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(buf, len, "%s/ipcbench-%ld-XXXXXX", tmp, (long)getpid());
    int rc = n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
    if (rc == 0 && !mkdtemp(buf)) /* mkdtemp makes it 0700 */
        rc = -errno;
    if (rc < 0 && len > 0)
        buf[0] = '\0';
    return rc;
}

int ipcb_chan_private_dir(struct ipcb_chan *c, char *buf, size_t len)
{
    int rc = ipcb_private_dir(buf, len);
    if (rc < 0) {
        const char *tmp = getenv("TMPDIR");
        if (tmp && *tmp)
            ipcb_chan_error(c, "cannot make a private directory in TMPDIR=%.200s: %s; point "
                            "TMPDIR at a writable directory, or unset it to use /tmp", tmp,
                            strerror(-rc));
        else
            ipcb_chan_error(c, "cannot make a private directory in /tmp: %s; set TMPDIR to "
                            "a writable directory", strerror(-rc));
    }
    return rc;
}

int ipcb_dir_path(char *buf, size_t len, const char *dir, const char *name)
{
    int n = snprintf(buf, len, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void ipcb_dir_remove(char *dir, const char *const names[], size_t n)
{
    char path[PATH_MAX];
    if (!dir[0])
        return;
    for (size_t i = 0; i < n; i++)
        if (ipcb_dir_path(path, sizeof path, dir, names[i]) == 0)
            unlink(path);
    rmdir(dir);
    dir[0] = '\0';
}
