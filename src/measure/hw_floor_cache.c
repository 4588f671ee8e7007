/* The per-boot cache of memcpy bandwidth and the clock read (floor_cache.h). */
#include "measure/hw_floor_cache.h"
#include "measure/environment.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* a new version measures afresh: how the floor is measured may have changed */
#define CACHE_FORMAT "ipcbench-floor " IPCB_VERSION

/* the first line of a file; -1 when empty or unreadable */
static int read_line(const char *path, char *buf, size_t len)
{
    return ipcb_read_line(path, buf, len) == 0 && buf[0] ? 0 : -1;
}

/* $XDG_CACHE_HOME/ipcbench, else $HOME/.cache/ipcbench, made 0700 if missing */
static int cache_dir(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char parent[PATH_MAX];
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(parent, sizeof parent, "%s", xdg);
    else if (home && home[0] == '/' && home[1])
        n = snprintf(parent, sizeof parent, "%s/.cache", home);
    else
        return -1;
    if (n < 0 || (size_t)n >= sizeof parent)
        return -1;
    n = snprintf(buf, len, "%s/ipcbench", parent);
    if (n < 0 || (size_t)n >= len)
        return -1;
    if ((mkdir(parent, 0700) != 0 && errno != EEXIST) ||
        (mkdir(buf, 0700) != 0 && errno != EEXIST))
        return -1;
    return 0;
}

/* this boot's id and the cache file's path; -1 when there is no cache */
static int cache_file(char boot_id[64], char path[PATH_MAX + 16])
{
    char dir[PATH_MAX];
    if (read_line("/proc/sys/kernel/random/boot_id", boot_id, 64) != 0 ||
        strchr(boot_id, ' ') != NULL || cache_dir(dir, sizeof dir) != 0)
        return -1;
    int n = snprintf(path, PATH_MAX + 16, "%s/floor", dir);
    return n > 0 && n < PATH_MAX + 16 ? 0 : -1;
}

int ipcb_hwfloor_cache_load(struct ipcb_hwfloor *f)
{
    char boot_id[64], path[PATH_MAX + 16];
    if (cache_file(boot_id, path) != 0)
        return -ENOENT;
    FILE *in = fopen(path, "r");
    if (!in)
        return -ENOENT;
    char format[32] = "", boot[64] = "", when[32] = "";
    double g[IPCB_HWFLOOR_MEMCPY_SIZES], clock_ns;
    int n = fscanf(in, "%31[^\n]\nboot_id %63s\nmeasured_utc %31s\n"
                       "memcpy_gib_s %lf %lf %lf %lf\nclock_read_ns %lf\n",
                   format, boot, when, &g[0], &g[1], &g[2], &g[3], &clock_ns);
    fclose(in);
    if (n != 8 || strcmp(format, CACHE_FORMAT) != 0 || strcmp(boot, boot_id) != 0)
        return -ESTALE;
    memcpy(f->memcpy_gib_s, g, sizeof g);
    f->clock_read_ns = clock_ns;
    snprintf(f->measured_utc, sizeof f->measured_utc, "%s", when);
    f->from_cache = 1;
    return 0;
}

static int all_measured(const struct ipcb_hwfloor *f)
{
    int ok = isfinite(f->clock_read_ns);
    for (int s = 0; s < IPCB_HWFLOOR_MEMCPY_SIZES; s++)
        ok = ok && isfinite(f->memcpy_gib_s[s]);
    return ok;
}

/* written whole under a temporary name, then renamed: a concurrent run
 * reads the old file or the new one, never half of one */
void ipcb_hwfloor_cache_store(const struct ipcb_hwfloor *f)
{
    char boot_id[64], path[PATH_MAX + 16], tmp[PATH_MAX + 48];
    if (!all_measured(f) || cache_file(boot_id, path) != 0)
        return;
    int n = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp)
        return;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    FILE *out = fdopen(fd, "w");
    if (!out) {
        close(fd);
        unlink(tmp);
        return;
    }
    const double *g = f->memcpy_gib_s;
    fprintf(out, CACHE_FORMAT "\nboot_id %s\nmeasured_utc %s\n"
                 "memcpy_gib_s %.17g %.17g %.17g %.17g\nclock_read_ns %.17g\n",
            boot_id, f->measured_utc, g[0], g[1], g[2], g[3], f->clock_read_ns);
    if (fclose(out) != 0 || rename(tmp, path) != 0)
        unlink(tmp);
}
