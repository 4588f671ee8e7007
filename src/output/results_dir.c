/* The results directory: summary.csv, meta.json and hist/<t>-<p>-<size>.hgrm
 * (<t> with anything but letters, digits, - _ . made _: shm_futex). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ipcbench/results.h"
#include "output/results_dir.h"

static int mkdir_p(const char *path)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf)
        return -ENAMETOOLONG;
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return -errno;
    struct stat st;
    if (stat(buf, &st) != 0)
        return -errno;
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    return 0;
}

int ipcb_prepare_outdir(const char *requested, char *out, size_t len, char *err, size_t errlen)
{
    if (requested) {
        snprintf(out, len, "%s", requested);
    } else {
        char host[64] = "host", stamp[32];
        gethostname(host, sizeof host - 1);
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        snprintf(out, len, "results/%s-%s", stamp, host);
        /* a second run within the same second gets its own directory */
        for (int i = 2; access(out, F_OK) == 0 && i < 1000; i++)
            snprintf(out, len, "results/%s-%s-%d", stamp, host, i);
    }
    int rc = mkdir_p(out);
    if (rc == 0 && access(out, W_OK | X_OK) != 0)
        rc = -errno;
    if (rc != 0) {
        snprintf(err, errlen, "cannot use '%s' as the results directory: %s", out,
                 strerror(-rc));
        return rc;
    }
    return 0;
}

void ipcb_file_safe_name(const char *name, char *buf, size_t len)
{
    size_t n = 0;
    for (; *name && n + 1 < len; name++)
        buf[n++] = (strchr("-_.", *name) || (*name >= '0' && *name <= '9') ||
                    ((*name | 0x20) >= 'a' && (*name | 0x20) <= 'z')) ? *name : '_';
    buf[n] = '\0';
}

void ipcb_hgrm_name(const char *transport, const char *pattern, uint64_t size, char *buf,
                    size_t len)
{
    char safe[128];
    ipcb_file_safe_name(transport, safe, sizeof safe);
    snprintf(buf, len, "%s-%s-%llu.hgrm", safe, pattern, (unsigned long long)size);
}
