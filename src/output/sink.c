/* Where a run's results go while it runs. Every output is opened before the
 * first measurement, so a path that cannot be written stops the run at once
 * instead of after the sweep; each finished cell then has its histogram
 * written, and after it its row appended to summary.csv (and --csv) and its
 * line streamed (--json-stream), each flushed to disk, so a run killed with
 * SIGKILL keeps every cell it finished, and no row names a histogram that
 * is not there. meta.json is written at the start with "complete": false
 * and again at the end. */
#include "output/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, const char *what, const char *path, int e)
{
    snprintf(err, errlen, "cannot write %s %s: %s", what, path, strerror(e));
    return -e;
}

/* "-" is stdout, anything else a file made or truncated now */
static FILE *open_out(const char *path, int *is_stdout)
{
    *is_stdout = strcmp(path, "-") == 0;
    return *is_stdout ? stdout : fopen(path, "w");
}

/* pushed out of stdio and, for a file, to the disk: a SIGKILL or a power cut
 * after this loses nothing of it */
static int flush(FILE *f, int is_stdout)
{
    if (fflush(f) != 0)
        return -EIO;
    if (!is_stdout && fdatasync(fileno(f)) != 0 && errno != EINVAL && errno != EROFS)
        return -EIO;
    return 0;
}

static int write_meta(struct ipcb_sink *s, const struct ipcb_meta *m, char *err, size_t errlen)
{
    /* a new file renamed over the old one: a reader never sees half of it */
    char path[sizeof s->dir + 16], tmp[sizeof s->dir + 24];
    snprintf(path, sizeof path, "%s/meta.json", s->dir);
    snprintf(tmp, sizeof tmp, "%s/.meta.json.new", s->dir);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return fail(err, errlen, "", path, errno);
    int rc = ipcb_write_meta_json(f, m);
    if (rc == 0)
        rc = flush(f, 0);
    if (fclose(f) != 0 && rc == 0)
        rc = -EIO;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc != 0) {
        unlink(tmp);
        return fail(err, errlen, "", path, -rc);
    }
    return 0;
}

int ipcb_sink_open(struct ipcb_sink *s, const char *dir, const struct ipcb_sink_paths *paths,
                   const struct ipcb_meta *m, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    int stdout_users = 0;
    const char *named[] = {paths->csv, paths->json, paths->json_stream};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        stdout_users += named[i] && strcmp(named[i], "-") == 0;
    if (stdout_users > 1) {
        snprintf(err, errlen, "only one of --csv -, --json - and --json-stream - can write "
                 "to stdout");
        return -EINVAL;
    }
    s->stdout_taken = stdout_users == 1;

    if (paths->csv && !(s->csv = open_out(paths->csv, &s->csv_stdout)))
        return fail(err, errlen, "--csv", paths->csv, errno);
    if (paths->json && !(s->json = open_out(paths->json, &s->json_stdout)))
        return fail(err, errlen, "--json", paths->json, errno);
    if (paths->json_stream && !(s->stream = open_out(paths->json_stream, &s->stream_stdout)))
        return fail(err, errlen, "--json-stream", paths->json_stream, errno);
    /* the directory last: a refusal above leaves it as empty as it was */
    char path[sizeof s->dir + 16];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (!(s->summary = fopen(path, "w")))
        return fail(err, errlen, "", path, errno);
    snprintf(path, sizeof path, "%s/hist", dir);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return fail(err, errlen, "", path, errno);

    int rc = ipcb_write_csv_header(s->summary);
    if (rc == 0)
        rc = flush(s->summary, 0);
    if (rc == 0 && s->csv && (rc = ipcb_write_csv_header(s->csv)) == 0)
        rc = flush(s->csv, s->csv_stdout);
    if (rc != 0)
        return fail(err, errlen, "the header of", "summary.csv", EIO);
    return write_meta(s, m, err, errlen);
}

/* the directory's entries on disk: a file renamed into it is there after
 * a power cut too */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = fsync(fd) != 0 && errno != EINVAL && errno != EROFS ? -EIO : 0;
    close(fd);
    return rc;
}

/* one histogram as hist/<name>, whole and on disk: written beside it and
 * renamed, so no reader (nor a row) sees half of one */
static int write_hist(struct ipcb_sink *s, const struct ipcb_hist *h, const char *name,
                      char *err, size_t errlen)
{
    char dir[sizeof s->dir + 8], path[sizeof s->dir + 320], tmp[sizeof s->dir + 328];
    snprintf(dir, sizeof dir, "%s/hist", s->dir);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.new", dir, name);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return fail(err, errlen, "", path, errno);
    int rc = ipcb_write_hgrm(f, h, 1000.0);
    if (rc == 0)
        rc = flush(f, 0);
    if (fclose(f) != 0 && rc == 0)
        rc = -EIO;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc == 0)
        rc = sync_dir(dir);
    if (rc != 0) {
        unlink(tmp);
        return fail(err, errlen, "", path, -rc);
    }
    return 0;
}

/* the row's histograms, before the row that names them */
static int write_hists(struct ipcb_sink *s, const struct ipcb_result *r, char *err,
                       size_t errlen)
{
    if (!r->hist)
        return 0;
    char name[256], unc[300];
    ipcb_hgrm_name(r->transport, r->pattern, r->size_bytes, name, sizeof name);
    if (write_hist(s, r->hist, name, err, errlen))
        return -EIO;
    if (!r->hist_uncorrected)
        return 0;
    /* rate's uncorrected view: <t>-rate-<r>-<size>.uncorrected.hgrm */
    size_t stem = strlen(name) > 5 ? strlen(name) - 5 : strlen(name);
    snprintf(unc, sizeof unc, "%.*s.uncorrected.hgrm", (int)stem, name);
    return write_hist(s, r->hist_uncorrected, unc, err, errlen) ? -EIO : 0;
}

int ipcb_sink_row(struct ipcb_sink *s, const struct ipcb_result *r, char *err, size_t errlen)
{
    if (write_hists(s, r, err, errlen) != 0)
        return -EIO;
    int rc = ipcb_write_csv_row(s->summary, r);
    if (rc == 0)
        rc = flush(s->summary, 0);
    if (rc != 0)
        return fail(err, errlen, "", "summary.csv", EIO);
    if (s->csv && ((rc = ipcb_write_csv_row(s->csv, r)) != 0 ||
                   (rc = flush(s->csv, s->csv_stdout)) != 0))
        return fail(err, errlen, "--csv", s->csv_stdout ? "-" : "file", EIO);
    if (s->stream && ((rc = ipcb_write_json_line(s->stream, r)) != 0 ||
                      (rc = flush(s->stream, s->stream_stdout)) != 0))
        return fail(err, errlen, "--json-stream", s->stream_stdout ? "-" : "file", EIO);
    return 0;
}

int ipcb_sink_repeat(struct ipcb_sink *s, const struct ipcb_result *r, char *err,
                     size_t errlen)
{
    char path[sizeof s->dir + 16];
    snprintf(path, sizeof path, "%s/repeats.csv", s->dir);
    if (!s->repeats) {
        if (!(s->repeats = fopen(path, "w")))
            return fail(err, errlen, "", path, errno);
        fputs("round,", s->repeats);
        if (ipcb_write_csv_header(s->repeats) != 0)
            return fail(err, errlen, "", path, EIO);
    }
    fprintf(s->repeats, "%llu,", (unsigned long long)r->round);
    if (ipcb_write_csv_row(s->repeats, r) != 0 || flush(s->repeats, 0) != 0)
        return fail(err, errlen, "", path, EIO);
    return 0;
}

static int close_out(FILE **f, int is_stdout)
{
    if (!*f)
        return 0;
    int rc = is_stdout ? fflush(*f) : fclose(*f);
    *f = NULL;
    return rc ? -EIO : 0;
}

int ipcb_sink_close(struct ipcb_sink *s, const struct ipcb_results *res, char *err,
                    size_t errlen)
{
    int rc = 0;
    if (res) {
        rc = write_meta(s, &res->meta, err, errlen);
        if (s->json && ipcb_write_json(s->json, res) != 0 && rc == 0)
            rc = fail(err, errlen, "--json", s->json_stdout ? "-" : "file", EIO);
    }
    int closed = close_out(&s->summary, 0);
    closed |= close_out(&s->csv, s->csv_stdout);
    closed |= close_out(&s->json, s->json_stdout);
    closed |= close_out(&s->stream, s->stream_stdout);
    closed |= close_out(&s->repeats, 0);
    if (closed && rc == 0)
        rc = fail(err, errlen, "the results in", s->dir, EIO);
    return rc;
}
