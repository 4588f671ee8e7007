/* `ipcbench plot DIR`: charts from a results directory, drawn by gnuplot.
 *
 * gnuplot reads neither quoted CSV nor JSON well, so this file does the
 * reading: it turns summary.csv, meta.json and hist/ into small
 * whitespace-separated files in DIR/plots/data/ (kept, so a chart can be
 * redrawn or restyled by hand) and hands paths and titles to one script per
 * chart kind as `gnuplot -e "var='...'" script.gp`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcbench/results.h"
#include "plot/plot.h"
#include "plot_config.h"

extern char **environ;

/* ---- a growable string ---- */

struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
};

static void sb_grow(struct sbuf *b, size_t more)
{
    if (b->oom || b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return;
    }
    b->s = s;
    b->cap = cap;
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    sb_grow(b, (size_t)n);
    if (b->oom)
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void sb_putc(struct sbuf *b, char c)
{
    sb_grow(b, 1);
    if (b->oom)
        return;
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

static void sb_reset(struct sbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

/* a gnuplot single-quoted string: only ' is special (written ''); control
 * characters would end the -e command, so they become spaces */
static void sb_gp_string(struct sbuf *b, const char *s)
{
    sb_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            sb_putc(b, '\'');
        sb_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
    }
    sb_putc(b, '\'');
}

/* a path into buf; -ENAMETOOLONG (and an empty buf) when it does not fit */
__attribute__((format(printf, 3, 4)))
static int pathf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len) {
        buf[0] = '\0';
        return -ENAMETOOLONG;
    }
    return 0;
}

static int read_text(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -errno;
    struct sbuf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        sb_grow(&b, n);
        if (b.oom)
            break;
        memcpy(b.s + b.len, chunk, n);
        b.len += n;
        b.s[b.len] = '\0';
    }
    int rc = ferror(f) ? -EIO : b.oom ? -ENOMEM : 0;
    fclose(f);
    if (rc == 0 && !b.s) {
        b.s = calloc(1, 1);
        rc = b.s ? 0 : -ENOMEM;
    }
    if (rc) {
        free(b.s);
        return rc;
    }
    *text = b.s;
    *len = b.len;
    return 0;
}

/* ---- summary.csv ---- */

struct csv_fields {
    char **v;
    size_t n, cap;
};

static void csv_clear(struct csv_fields *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i]);
    f->n = 0;
}

static int csv_push(struct csv_fields *f, struct sbuf *field)
{
    if (field->oom)
        return -ENOMEM;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        char **v = realloc(f->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n] = strdup(field->s ? field->s : "");
    if (!f->v[f->n])
        return -ENOMEM;
    f->n++;
    sb_reset(field);
    return 0;
}

/* One RFC 4180 record from *pos into f: fields end at commas outside quotes,
 * "" inside quotes is one quote, the record ends at a newline (or CRLF)
 * outside quotes. Returns 1 for a record, 0 at the end, -EINVAL for a quote
 * left open. */
static int csv_record(const char **pos, const char *end, struct csv_fields *f)
{
    const char *p = *pos;
    csv_clear(f);
    if (p >= end)
        return 0;
    struct sbuf field = {0};
    int quoted = 0, rc = 0;
    for (;;) {
        if (p >= end) {
            if (quoted)
                rc = -EINVAL;
            break;
        }
        char c = *p++;
        if (quoted) {
            if (c == '"' && p < end && *p == '"') {
                sb_putc(&field, '"');
                p++;
            } else if (c == '"') {
                quoted = 0;
            } else {
                sb_putc(&field, c);
            }
        } else if (c == '"') {
            quoted = 1;
        } else if (c == ',') {
            if ((rc = csv_push(f, &field)) != 0)
                break;
        } else if (c == '\n') {
            break;
        } else if (c != '\r') {
            sb_putc(&field, c);
        }
    }
    if (rc == 0)
        rc = csv_push(f, &field);
    free(field.s);
    *pos = p;
    return rc ? rc : 1;
}

/* one ok row of summary.csv */
struct row {
    size_t transport;           /* index into plot_input.transports */
    int pingpong;               /* else stream */
    uint64_t size;
    double msgs_per_s, mib_per_s;
    int timed;                  /* p50_us, p99_us present */
    double p50_us, p99_us;
};

struct plot_input {
    const char *dir;
    struct row *rows;
    size_t n_rows;
    char **transports;          /* in order of first appearance: colours follow it */
    size_t n_transports;
    uint64_t *sizes;            /* ascending, each once */
    size_t n_sizes;
    char machine[640];          /* subtitle */
};

enum { C_TRANSPORT, C_PATTERN, C_SIZE, C_MSGS, C_MIB, C_P50, C_P99, C_STATUS, C_COUNT };
static const char *const column_names[C_COUNT] = {
    "transport", "pattern", "size_bytes", "msgs_per_s", "mib_per_s", "p50_ns", "p99_ns", "status",
};

static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v) || v < 0)
        return -EINVAL;
    *out = v;
    return 0;
}

static int add_transport(struct plot_input *in, const char *name, size_t *index)
{
    for (size_t i = 0; i < in->n_transports; i++)
        if (strcmp(in->transports[i], name) == 0) {
            *index = i;
            return 0;
        }
    char **t = realloc(in->transports, (in->n_transports + 1) * sizeof *t);
    if (!t)
        return -ENOMEM;
    in->transports = t;
    if (!(t[in->n_transports] = strdup(name)))
        return -ENOMEM;
    *index = in->n_transports++;
    return 0;
}

static int add_size(struct plot_input *in, uint64_t size)
{
    size_t i = 0;
    while (i < in->n_sizes && in->sizes[i] < size)
        i++;
    if (i < in->n_sizes && in->sizes[i] == size)
        return 0;
    uint64_t *s = realloc(in->sizes, (in->n_sizes + 1) * sizeof *s);
    if (!s)
        return -ENOMEM;
    in->sizes = s;
    memmove(s + i + 1, s + i, (in->n_sizes - i) * sizeof *s);
    s[i] = size;
    in->n_sizes++;
    return 0;
}

/* a row of the CSV into in->rows; rows that are not ok are left out */
static int take_row(struct plot_input *in, char **v, const int *col, size_t record,
                    const char *path, char *err, size_t errlen)
{
    if (strcmp(v[col[C_STATUS]], "ok") != 0)
        return 0;
    const char *pattern = v[col[C_PATTERN]];
    if (strcmp(pattern, "pingpong") != 0 && strcmp(pattern, "stream") != 0) {
        snprintf(err, errlen, "%s, row %zu: unknown pattern '%s'", path, record, pattern);
        return -EINVAL;
    }
    struct row r = {.pingpong = pattern[0] == 'p'};
    double size, p50_ns, p99_ns;
    static const int numeric[] = {C_SIZE, C_MSGS, C_MIB};
    double *dest[] = {&size, &r.msgs_per_s, &r.mib_per_s};
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++)
        if (parse_number(v[col[numeric[i]]], dest[i]) != 0) {
            snprintf(err, errlen, "%s, row %zu: %s '%s' is not a number", path, record,
                     column_names[numeric[i]], v[col[numeric[i]]]);
            return -EINVAL;
        }
    if (size < 1 || size > 1e15 || size != floor(size)) {
        snprintf(err, errlen, "%s, row %zu: size_bytes '%s' is not a message size", path,
                 record, v[col[C_SIZE]]);
        return -EINVAL;
    }
    r.size = (uint64_t)size;
    /* an ok row without latency figures is one where nothing was timed */
    if (parse_number(v[col[C_P50]], &p50_ns) == 0 && parse_number(v[col[C_P99]], &p99_ns) == 0
        && p50_ns > 0 && p99_ns > 0) {
        r.timed = 1;
        r.p50_us = p50_ns / 1e3;
        r.p99_us = p99_ns / 1e3;
    }
    if (!*v[col[C_TRANSPORT]]) {
        snprintf(err, errlen, "%s, row %zu: empty transport name", path, record);
        return -EINVAL;
    }
    int rc = add_transport(in, v[col[C_TRANSPORT]], &r.transport);
    if (rc == 0)
        rc = add_size(in, r.size);
    if (rc == 0) {
        struct row *rows = realloc(in->rows, (in->n_rows + 1) * sizeof *rows);
        if (!rows)
            rc = -ENOMEM;
        else
            (in->rows = rows)[in->n_rows++] = r;
    }
    if (rc)
        snprintf(err, errlen, "out of memory reading %s", path);
    return rc;
}

static int read_summary(struct plot_input *in, char *err, size_t errlen)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/summary.csv", in->dir);
    char *text;
    size_t len;
    int rc = read_text(path, &text, &len);
    if (rc == -ENOENT) {
        snprintf(err, errlen, "no summary.csv in '%s'; is it an ipcbench results directory?",
                 in->dir);
        return rc;
    }
    if (rc) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(-rc));
        return rc;
    }
    const char *pos = text, *end = text + len;
    struct csv_fields f = {0};
    int col[C_COUNT];
    size_t record = 0, ncols = 0;
    while ((rc = csv_record(&pos, end, &f)) == 1) {
        if (f.n == 1 && !*f.v[0])
            continue;               /* a blank line */
        if (record++ == 0) {
            ncols = f.n;
            for (int c = 0; c < C_COUNT && rc == 1; c++) {
                col[c] = -1;
                for (size_t i = 0; i < f.n; i++)
                    if (strcmp(f.v[i], column_names[c]) == 0)
                        col[c] = (int)i;
                if (col[c] < 0) {
                    snprintf(err, errlen, "%s has no '%s' column in its header", path,
                             column_names[c]);
                    rc = -EINVAL;
                }
            }
            if (rc != 1)
                break;
            continue;
        }
        if (f.n != ncols) {
            snprintf(err, errlen, "%s, row %zu: %zu fields where the header has %zu", path,
                     record - 1, f.n, ncols);
            rc = -EINVAL;
            break;
        }
        if ((rc = take_row(in, f.v, col, record - 1, path, err, errlen)) != 0)
            break;
        rc = 1;
    }
    if (rc == -EINVAL && record == 0)
        snprintf(err, errlen, "%s: a quoted field is never closed", path);
    else if (rc == -EINVAL && !*err)
        snprintf(err, errlen, "%s, row %zu: a quoted field is never closed", path, record);
    else if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory reading %s", path);
    csv_clear(&f);
    free(f.v);
    free(text);
    if (rc < 0)
        return rc;
    if (record == 0) {
        snprintf(err, errlen, "%s is empty; nothing to plot", path);
        return -EINVAL;
    }
    if (in->n_rows == 0) {
        snprintf(err, errlen, "%s has no rows with status ok; nothing to plot", path);
        return -EINVAL;
    }
    return 0;
}

/* ---- meta.json: a few string fields ---- */

/* The value of "key" in a flat JSON object: a string with its escapes undone
 * (\u beyond ASCII becomes '?'), or a bare number. Returns 0 or -ENOENT. */
static int json_field(const char *json, const char *key, char *out, size_t len)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\"", key);
    for (const char *p = json; (p = strstr(p, pattern)) != NULL;) {
        p += strlen(pattern);
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (*p != ':')
            continue;               /* the key's text appeared as a value */
        p++;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        size_t n = 0;
        if (*p != '"') {
            while (*p && !strchr(",}] \t\r\n", *p) && n + 1 < len)
                out[n++] = *p++;
            out[n] = '\0';
            return n ? 0 : -ENOENT;
        }
        for (p++; *p && *p != '"' && n + 1 < len; p++) {
            char c = *p;
            if (c == '\\' && p[1]) {
                c = *++p;
                switch (c) {
                case 'n': case 'r': case 't': case 'b': case 'f': c = ' '; break;
                case 'u': {
                    unsigned cp = 0;
                    int digits = 0;
                    while (digits < 4 && p[1] && strchr("0123456789abcdefABCDEF", p[1])) {
                        char h = *++p;
                        cp = cp * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
                        digits++;
                    }
                    c = cp >= 0x20 && cp < 0x7f ? (char)cp : '?';
                    break;
                }
                default: break;     /* \" \\ \/ */
                }
            }
            out[n++] = c;
        }
        out[n] = '\0';
        return 0;
    }
    return -ENOENT;
}

/* "AMD EPYC (2 cores), Linux 6.1.0 x86_64, 2026-11-24 19:48 UTC" */
static void read_machine(struct plot_input *in)
{
    char path[PATH_MAX], *json;
    size_t len;
    snprintf(path, sizeof path, "%s/meta.json", in->dir);
    if (read_text(path, &json, &len) != 0) {
        snprintf(in->machine, sizeof in->machine, "machine not recorded (no meta.json)");
        return;
    }
    char cpu[256] = "unknown CPU", kernel[256] = "", date[64] = "", cores[32] = "";
    json_field(json, "cpu_model", cpu, sizeof cpu);
    json_field(json, "kernel", kernel, sizeof kernel);
    json_field(json, "date_utc", date, sizeof date);
    json_field(json, "cores", cores, sizeof cores);
    free(json);
    /* 2026-11-24T19:48:15Z -> 2026-11-24 19:48 UTC */
    if (strlen(date) >= 16 && date[10] == 'T' && date[strlen(date) - 1] == 'Z') {
        date[10] = ' ';
        snprintf(date + 16, sizeof date - 16, " UTC");
    }
    struct sbuf b = {0};
    sb_printf(&b, "%s", cpu);
    if (*cores)
        sb_printf(&b, " (%s %s)", cores, strcmp(cores, "1") == 0 ? "core" : "cores");
    if (*kernel)
        sb_printf(&b, ", %s", kernel);
    if (*date)
        sb_printf(&b, ", %s", date);
    snprintf(in->machine, sizeof in->machine, "%s", b.oom ? cpu : b.s);
    free(b.s);
}

/* ---- where the scripts are ---- */

static const char *const script_files[] = {
    "common.gp", "latency_by_size.gp", "throughput_by_size.gp", "percentiles.gp", "bars.gp",
};

static int has_scripts(const char *dir)
{
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof script_files / sizeof script_files[0]; i++) {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, script_files[i]) >= sizeof path
            || access(path, R_OK) != 0)
            return 0;
    }
    return 1;
}

static int path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return n > 0 && strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* The binary's own place decides, so a build never picks up another
 * version's scripts: $IPCBENCH_PLOTS when set (and nothing else); a binary
 * inside the build tree uses the source tree's plots/; any other binary first
 * the scripts installed beside it (PREFIX/bin/ipcbench ->
 * PREFIX/share/ipcbench/plots, found from the binary's path, so a DESTDIR or
 * moved install works), then the configured install location, then the
 * source tree. */
static int find_scripts(char *out, size_t len, char *err, size_t errlen)
{
    const char *env = getenv("IPCBENCH_PLOTS");
    if (env && *env) {
        if (!has_scripts(env)) {
            snprintf(err, errlen, "IPCBENCH_PLOTS='%s' does not hold the plot scripts "
                     "(latency_by_size.gp and the rest)", env);
            return -ENOENT;
        }
        snprintf(out, len, "%s", env);
        return 0;
    }
    char candidates[3][PATH_MAX];
    size_t n = 0;
    char exe[PATH_MAX], build_root[PATH_MAX];
    ssize_t exe_len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[exe_len > 0 ? exe_len : 0] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';              /* exe is now the binary's directory */
    if (*exe && realpath(IPCB_BUILD_ROOT, build_root) && path_under(exe, build_root)) {
        snprintf(candidates[n++], PATH_MAX, "%s", IPCB_PLOTS_SOURCE_DIR);
    } else {
        size_t exe_dir_len = strlen(exe), bindir_len = strlen(IPCB_BINDIR);
        if (*exe && IPCB_BINDIR[0] != '/' && IPCB_DATADIR[0] != '/' &&
            exe_dir_len > bindir_len && exe[exe_dir_len - bindir_len - 1] == '/' &&
            strcmp(exe + exe_dir_len - bindir_len, IPCB_BINDIR) == 0)
            snprintf(candidates[n++], PATH_MAX, "%.*s%s/ipcbench/plots",
                     (int)(exe_dir_len - bindir_len), exe, IPCB_DATADIR);
        if (IPCB_DATADIR[0] == '/')
            snprintf(candidates[n++], PATH_MAX, "%s/ipcbench/plots", IPCB_DATADIR);
        else
            snprintf(candidates[n++], PATH_MAX, "%s/%s/ipcbench/plots", IPCB_PREFIX,
                     IPCB_DATADIR);
        snprintf(candidates[n++], PATH_MAX, "%s", IPCB_PLOTS_SOURCE_DIR);
    }
    for (size_t i = 0; i < n; i++)
        if (has_scripts(candidates[i])) {
            pathf(out, len, "%s", candidates[i]);
            return 0;
        }
    struct sbuf looked = {0};
    for (size_t i = 0; i < n; i++)
        sb_printf(&looked, "%s%s", i ? ", " : "", candidates[i]);
    snprintf(err, errlen, "the plot scripts were not found (looked in %s); set "
             "IPCBENCH_PLOTS to a directory holding latency_by_size.gp and the rest",
             looked.s ? looked.s : "nowhere");
    free(looked.s);
    return -ENOENT;
}

static int gnuplot_on_path(void)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        char file[PATH_MAX];
        struct stat st;
        if (snprintf(file, sizeof file, "%.*s/gnuplot", (int)n, n ? path : ".") < (int)sizeof file
            && stat(file, &st) == 0 && S_ISREG(st.st_mode) && access(file, X_OK) == 0)
            return 1;
        path += n;
        if (*path == ':')
            path++;
    }
    return 0;
}

/* ---- drawing ---- */

struct chart_run {
    const struct plot_input *in;
    const char *scripts;
    char plots_dir[PATH_MAX];
    char data_dir[PATH_MAX];
    char **written;             /* chart paths without extension */
    size_t n_written;
    int quiet;
};

/* Runs `gnuplot -e VARS script`; its output goes to a scratch file that is
 * shown only when it fails. Then checks both files it should have drawn. */
static int run_gnuplot(struct chart_run *cr, const char *script, const char *vars,
                       const char *out, char *err, size_t errlen)
{
    char script_path[PATH_MAX], flag[] = "-e", prog[] = "gnuplot";
    snprintf(script_path, sizeof script_path, "%s/%s", cr->scripts, script);
    char *vars_copy = strdup(vars);
    FILE *log = tmpfile();
    if (!vars_copy || !log) {
        snprintf(err, errlen, "cannot run gnuplot: %s", strerror(errno));
        free(vars_copy);
        if (log)
            fclose(log);
        return -EIO;
    }
    char *argv[] = {prog, flag, vars_copy, script_path, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fileno(log), 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(log), 2);
    pid_t pid;
    int status = 0, rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    free(vars_copy);
    if (rc != 0) {
        snprintf(err, errlen, "cannot run gnuplot: %s", strerror(rc));
        fclose(log);
        return -EIO;
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    rc = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[64];
        if (WIFEXITED(status))
            snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
        else
            snprintf(how, sizeof how, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        snprintf(err, errlen, "gnuplot failed (%s) drawing %s.png with %s; its messages are above",
                 how, out, script_path);
        rc = -EIO;
    } else {
        static const char *const ext[] = {"png", "svg"};
        for (int i = 0; i < 2 && rc == 0; i++) {
            char file[PATH_MAX + 8];
            struct stat st;
            snprintf(file, sizeof file, "%s.%s", out, ext[i]);
            if (stat(file, &st) != 0 || st.st_size == 0) {
                snprintf(err, errlen, "gnuplot did not write %s (script %s); its messages are above",
                         file, script_path);
                rc = -EIO;
            }
        }
    }
    if (rc) {
        rewind(log);
        char line[1024];
        while (fgets(line, sizeof line, log))
            if (line[strspn(line, " \t\r\n")])
                fprintf(stderr, "  gnuplot: %s", line);
    }
    fclose(log);
    if (rc == 0) {
        char **w = realloc(cr->written, (cr->n_written + 1) * sizeof *w);
        if (w) {
            cr->written = w;
            if ((w[cr->n_written] = strdup(out)) != NULL)
                cr->n_written++;
        }
    }
    return rc;
}

static FILE *open_data(struct chart_run *cr, char *path, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static FILE *open_data(struct chart_run *cr, char *path, size_t len, const char *fmt, ...)
{
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    if (pathf(path, len, "%s/%s", cr->data_dir, name) != 0) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    return fopen(path, "w");
}

static int close_data(FILE *f, const char *path, char *err, size_t errlen)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s", path);
        return -EIO;
    }
    return 0;
}

/* the variables every script takes: out, machine, and sizes when asked */
static void common_vars(struct sbuf *v, const struct chart_run *cr, const char *out, int sizes)
{
    sb_printf(v, "out=");
    sb_gp_string(v, out);
    sb_printf(v, "; machine=");
    sb_gp_string(v, cr->in->machine);
    if (sizes) {
        sb_printf(v, "; sizes='");
        for (size_t i = 0; i < cr->in->n_sizes; i++)
            sb_printf(v, "%s%llu", i ? " " : "", (unsigned long long)cr->in->sizes[i]);
        sb_printf(v, "'");
    }
}

/* names[], files[] and ids[] (the colour of each transport) for n of them */
static void array_vars(struct sbuf *v, const struct chart_run *cr, const size_t *ids,
                       char (*files)[PATH_MAX], size_t n)
{
    sb_printf(v, "; array names[%zu] = [", n);
    for (size_t i = 0; i < n; i++) {
        sb_printf(v, "%s", i ? ", " : "");
        sb_gp_string(v, cr->in->transports[ids[i]]);
    }
    sb_printf(v, "]; array files[%zu] = [", n);
    for (size_t i = 0; i < n; i++) {
        sb_printf(v, "%s", i ? ", " : "");
        sb_gp_string(v, files[i]);
    }
    sb_printf(v, "]; array ids[%zu] = [", n);
    for (size_t i = 0; i < n; i++)
        sb_printf(v, "%s%zu", i ? ", " : "", ids[i] + 1);
    sb_printf(v, "]");
}

/* latency_by_size (pingpong p50 and p99) or throughput_by_size (stream MiB/s):
 * one data file per transport that has such rows */
static int chart_by_size(struct chart_run *cr, int pingpong, char *err, size_t errlen)
{
    const struct plot_input *in = cr->in;
    const char *kind = pingpong ? "latency_by_size" : "throughput_by_size";
    char (*files)[PATH_MAX] = calloc(in->n_transports, sizeof *files);
    size_t *ids = calloc(in->n_transports, sizeof *ids), n = 0;
    struct sbuf vars = {0};
    double ymin = INFINITY, ymax = 0;
    int rc = 0;
    if (!files || !ids) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t t = 0; t < in->n_transports && rc == 0; t++) {
        FILE *f = NULL;
        char safe[128];
        ipcb_file_safe_name(in->transports[t], safe, sizeof safe);
        /* rows in size order, as the lines join them */
        for (size_t s = 0; s < in->n_sizes && rc == 0; s++)
            for (size_t i = 0; i < in->n_rows; i++) {
                const struct row *r = &in->rows[i];
                if (r->transport != t || r->size != in->sizes[s] || r->pingpong != pingpong ||
                    (pingpong && !r->timed))
                    continue;
                if (!f && !(f = open_data(cr, files[n], PATH_MAX, "%s-%zu-%s.dat", kind,
                                          t + 1, safe))) {
                    snprintf(err, errlen, "cannot write %s: %s", files[n], strerror(errno));
                    rc = -EIO;
                    break;
                }
                double lo = pingpong ? fmin(r->p50_us, r->p99_us) : r->mib_per_s;
                double hi = pingpong ? fmax(r->p50_us, r->p99_us) : r->mib_per_s;
                if (!(lo > 0))
                    break;          /* nothing a log axis can show */
                ymin = fmin(ymin, lo);
                ymax = fmax(ymax, hi);
                if (pingpong)
                    fprintf(f, "%llu %.6g %.6g\n", (unsigned long long)r->size, r->p50_us,
                            r->p99_us);
                else
                    fprintf(f, "%llu %.6g\n", (unsigned long long)r->size, r->mib_per_s);
                break;
            }
        if (f) {
            if (rc == 0)
                rc = close_data(f, files[n], err, errlen);
            else
                fclose(f);
            ids[n++] = t;
        }
    }
    if (rc || n == 0 || ymax <= 0)
        goto out;
    char out[PATH_MAX];
    pathf(out, sizeof out, "%s/%s", cr->plots_dir, kind);
    common_vars(&vars, cr, out, 1);
    sb_printf(&vars, "; ymin=%.6g; ymax=%.6g", ymin, ymax);
    array_vars(&vars, cr, ids, files, n);
    rc = vars.oom ? -ENOMEM : run_gnuplot(cr, pingpong ? "latency_by_size.gp" :
                                          "throughput_by_size.gp", vars.s, out, err, errlen);
out:
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory drawing %s", kind);
    free(vars.s);
    free(files);
    free(ids);
    return rc;
}

/* hist/<t>-pingpong-<size>.hgrm into "one_over_1_minus_p value_us" lines;
 * the closing 100% line has no finite x and is left out, like HdrHistogram's
 * own plotter does. Returns the points written, or -1 when there is no file. */
static long hgrm_to_data(const char *hgrm, FILE *out, double *xmax, double *ymin,
                         double *ymax)
{
    FILE *f = fopen(hgrm, "r");
    if (!f)
        return -1;
    char line[512];
    long points = 0;
    while (fgets(line, sizeof line, f)) {
        double value, percentile, count, x;
        if (line[strspn(line, " \t")] == '#')
            continue;
        if (sscanf(line, "%lf %lf %lf %lf", &value, &percentile, &count, &x) != 4 ||
            !isfinite(x) || x < 1 || !(value > 0))
            continue;
        fprintf(out, "%.6g %.6g\n", x, value);
        *xmax = fmax(*xmax, x);
        *ymin = fmin(*ymin, value);
        *ymax = fmax(*ymax, value);
        points++;
    }
    fclose(f);
    return points;
}

static int chart_percentiles(struct chart_run *cr, uint64_t size, char *err, size_t errlen)
{
    const struct plot_input *in = cr->in;
    char (*files)[PATH_MAX] = calloc(in->n_transports, sizeof *files);
    size_t *ids = calloc(in->n_transports, sizeof *ids), n = 0;
    struct sbuf vars = {0};
    double xmax = 1, ymin = INFINITY, ymax = 0;
    int rc = 0;
    if (!files || !ids) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < in->n_rows && rc == 0; i++) {
        const struct row *r = &in->rows[i];
        const char *name = in->transports[r->transport];
        if (!r->pingpong || !r->timed || r->size != size)
            continue;
        char hgrm[PATH_MAX], safe[128];
        ipcb_file_safe_name(name, safe, sizeof safe); /* as output_dir.c names it */
        snprintf(hgrm, sizeof hgrm, "%s/hist/%s-pingpong-%llu.hgrm", in->dir, safe,
                 (unsigned long long)size);
        FILE *f = open_data(cr, files[n], PATH_MAX, "percentiles-%llu-%zu-%s.dat",
                            (unsigned long long)size, r->transport + 1, safe);
        if (!f) {
            snprintf(err, errlen, "cannot write %s: %s", files[n], strerror(errno));
            rc = -EIO;
            break;
        }
        long points = hgrm_to_data(hgrm, f, &xmax, &ymin, &ymax);
        rc = close_data(f, files[n], err, errlen);
        if (rc == 0 && points <= 0) {
            if (!cr->quiet)
                fprintf(stderr, "ipcbench: %s %s; %s left out of the percentile chart\n",
                        hgrm, points < 0 ? "is missing" : "has no percentile lines", name);
            unlink(files[n]);
            continue;
        }
        ids[n++] = r->transport;
    }
    if (rc || n == 0)
        goto out;
    char out[PATH_MAX];
    pathf(out, sizeof out, "%s/percentiles-%llu", cr->plots_dir, (unsigned long long)size);
    common_vars(&vars, cr, out, 0);
    sb_printf(&vars, "; size=%llu; xmax=%.6g; ymin=%.6g; ymax=%.6g", (unsigned long long)size,
              xmax, ymin, ymax);
    array_vars(&vars, cr, ids, files, n);
    rc = vars.oom ? -ENOMEM : run_gnuplot(cr, "percentiles.gp", vars.s, out, err, errlen);
out:
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory drawing the percentile chart");
    free(vars.s);
    free(files);
    free(ids);
    return rc;
}

/* one row per transport measured at this size:
 * "name" p50_us p99_us pingpong_msgs_per_s stream_msgs_per_s, ? for missing */
static int chart_bars(struct chart_run *cr, uint64_t size, char *err, size_t errlen)
{
    const struct plot_input *in = cr->in;
    char path[PATH_MAX];
    FILE *f = open_data(cr, path, sizeof path, "bars-%llu.dat", (unsigned long long)size);
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -EIO;
    }
    size_t n = 0;
    double latency_min = INFINITY, latency_max = 0, rate_min = INFINITY, rate_max = 0;
    for (size_t t = 0; t < in->n_transports; t++) {
        const struct row *pp = NULL, *st = NULL;
        for (size_t i = 0; i < in->n_rows; i++) {
            const struct row *r = &in->rows[i];
            if (r->transport == t && r->size == size)
                *(r->pingpong ? &pp : &st) = r;
        }
        if (!pp && !st)
            continue;
        fputc('"', f);
        for (const char *c = in->transports[t]; *c; c++)
            fputc(*c == '"' ? '\'' : (unsigned char)*c < 0x20 ? ' ' : *c, f);
        fputc('"', f);
        if (pp && pp->timed) {
            fprintf(f, " %.6g %.6g", pp->p50_us, pp->p99_us);
            latency_min = fmin(latency_min, fmin(pp->p50_us, pp->p99_us));
            latency_max = fmax(latency_max, fmax(pp->p50_us, pp->p99_us));
        } else {
            fputs(" ? ?", f);
        }
        const struct row *rates[2] = {pp, st};
        for (int k = 0; k < 2; k++) {
            if (rates[k] && rates[k]->msgs_per_s > 0) {
                fprintf(f, " %.6g", rates[k]->msgs_per_s);
                rate_min = fmin(rate_min, rates[k]->msgs_per_s);
                rate_max = fmax(rate_max, rates[k]->msgs_per_s);
            } else {
                fputs(" ?", f);
            }
        }
        fputc('\n', f);
        n++;
    }
    int rc = close_data(f, path, err, errlen);
    if (rc || n == 0 || rate_max <= 0)
        return rc;
    if (latency_max <= 0)
        latency_min = 0;            /* no ping-pong latency here: the script leaves out that panel */
    char out[PATH_MAX];
    pathf(out, sizeof out, "%s/bars-%llu", cr->plots_dir, (unsigned long long)size);
    struct sbuf vars = {0};
    common_vars(&vars, cr, out, 0);
    sb_printf(&vars, "; size=%llu; ntransports=%zu; latency_min=%.6g; latency_max=%.6g; "
              "rate_min=%.6g; rate_max=%.6g; file=", (unsigned long long)size, n, latency_min,
              latency_max, rate_min, rate_max);
    sb_gp_string(&vars, path);
    rc = vars.oom ? -ENOMEM : run_gnuplot(cr, "bars.gp", vars.s, out, err, errlen);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory drawing the bar chart");
    free(vars.s);
    return rc;
}

/* charts and data files of an earlier `plot` of this directory go first, so
 * none is left over from a size or transport no longer in summary.csv */
static void remove_old(const char *dir, const char *const *prefixes, const char *const *exts)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *dot = strrchr(e->d_name, '.');
        int ours = 0;
        for (size_t i = 0; prefixes[i] && dot; i++)
            if (strncmp(e->d_name, prefixes[i], strlen(prefixes[i])) == 0)
                for (size_t j = 0; exts[j]; j++)
                    ours |= strcmp(dot, exts[j]) == 0;
        if (ours)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

static int make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot make %s: %s", path, strerror(errno));
        return -errno;
    }
    return 0;
}

static void free_input(struct plot_input *in)
{
    for (size_t i = 0; i < in->n_transports; i++)
        free(in->transports[i]);
    free(in->transports);
    free(in->rows);
    free(in->sizes);
}

int ipcb_plot(const char *dir, const char *scripts_dir, int quiet, char *err, size_t errlen)
{
    struct plot_input in = {.dir = dir};
    struct chart_run cr = {.in = &in, .quiet = quiet};
    char scripts[PATH_MAX];
    struct stat st;
    int rc;
    *err = '\0';

    if (stat(dir, &st) != 0) {
        rc = -errno;
        snprintf(err, errlen, "results directory '%s': %s", dir,
                 rc == -ENOENT ? "no such directory" : strerror(-rc));
        return rc;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a directory; plot takes a results directory", dir);
        return -ENOTDIR;
    }
    if (strlen(dir) > PATH_MAX - 128) {
        snprintf(err, errlen, "results directory name is too long");
        return -ENAMETOOLONG;
    }
    if ((rc = read_summary(&in, err, errlen)) != 0)
        goto out;
    read_machine(&in);
    if (!gnuplot_on_path()) {
        snprintf(err, errlen, "gnuplot not found on PATH; install it (Debian: apt-get install gnuplot-nox)");
        rc = -ENOENT;
        goto out;
    }
    if (scripts_dir)
        snprintf(scripts, sizeof scripts, "%s", scripts_dir);
    else if ((rc = find_scripts(scripts, sizeof scripts, err, errlen)) != 0)
        goto out;
    cr.scripts = scripts;

    snprintf(cr.plots_dir, sizeof cr.plots_dir, "%s/plots", dir);
    snprintf(cr.data_dir, sizeof cr.data_dir, "%s/plots/data", dir);
    if ((rc = make_dir(cr.plots_dir, err, errlen)) != 0 ||
        (rc = make_dir(cr.data_dir, err, errlen)) != 0)
        goto out;
    static const char *const charts[] = {"latency_by_size.", "throughput_by_size.",
                                         "percentiles-", "bars-", NULL};
    static const char *const images[] = {".png", ".svg", NULL};
    static const char *const all[] = {"", NULL};
    static const char *const dat[] = {".dat", NULL};
    remove_old(cr.plots_dir, charts, images);
    remove_old(cr.data_dir, all, dat);

    if ((rc = chart_by_size(&cr, 1, err, errlen)) != 0 ||
        (rc = chart_by_size(&cr, 0, err, errlen)) != 0)
        goto out;
    for (size_t s = 0; s < in.n_sizes && rc == 0; s++)
        rc = chart_percentiles(&cr, in.sizes[s], err, errlen);
    for (size_t s = 0; s < in.n_sizes && rc == 0; s++)
        rc = chart_bars(&cr, in.sizes[s], err, errlen);
    if (rc == 0 && !quiet) {
        for (size_t i = 0; i < cr.n_written; i++)
            printf("%s.png\n%s.svg\n", cr.written[i], cr.written[i]);
        printf("(chart data in %s/)\n", cr.data_dir);
    }
    if (rc == -ENOMEM)
        rc = -EIO;
out:
    for (size_t i = 0; i < cr.n_written; i++)
        free(cr.written[i]);
    free(cr.written);
    free_input(&in);
    return rc;
}
