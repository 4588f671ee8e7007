/* The results reader of reader.h, the part its files share: the results
 * directory itself and reading one of its files. summary.csv is read in
 * reader_summary.c, meta.json in reader_meta.c, the .hgrm files in
 * reader_hgrm.c. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/reader.h"
#include "common/sbuf.h"

int ipcb_results_dir_check(const char *dir, const char *command, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        int rc = -errno;
        snprintf(err, errlen, "results directory '%s': %s", dir,
                 rc == -ENOENT ? "no such directory" : strerror(-rc));
        return rc;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a directory; %s takes a results directory", dir,
                 command);
        return -ENOTDIR;
    }
    /* room left for plots/data/ and the longest chart file name */
    if (strlen(dir) > PATH_MAX - 128) {
        snprintf(err, errlen, "results directory name is too long");
        return -ENAMETOOLONG;
    }
    return 0;
}

int ipcb_results_file_read(const char *dir, const char *name, char *path, size_t pathlen,
                            struct ipcb_sbuf *text, char *err, size_t errlen)
{
    if ((size_t)snprintf(path, pathlen, "%s/%s", dir, name) >= pathlen) {
        snprintf(err, errlen, "results directory name is too long");
        return -ENAMETOOLONG;
    }
    int rc = ipcb_sbuf_read_file(path, text);
    if (rc && rc != -ENOENT)
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
    return rc;
}
