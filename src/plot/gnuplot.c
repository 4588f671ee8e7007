/* gnuplot for the charts (gnuplot.h): where the scripts are, whether gnuplot
 * is there, and one run of one script. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot/gnuplot.h"
#include "plot_config.h"

extern char **environ;

/* a gnuplot single-quoted string: only ' is special (written ''); control
 * characters would end the -e command, so they become spaces */
int ipcb_gnuplot_string(struct ipcb_sbuf *b, const char *s)
{
    ipcb_sbuf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            ipcb_sbuf_putc(b, '\'');
        ipcb_sbuf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
    }
    return ipcb_sbuf_putc(b, '\'');
}

static const char *const script_files[] = {
    "common.gp", "latency_by_size.gp", "throughput_by_size.gp", "percentiles.gp", "bars.gp",
    "compare.gp", "latency_vs_load.gp", "latency_vs_cpu.gp",
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
int ipcb_gnuplot_find_scripts(char *out, size_t len, char *err, size_t errlen)
{
    const char *env = getenv("IPCBENCH_PLOTS");
    if (env && *env) {
        if (!has_scripts(env)) {
            snprintf(err, errlen, "IPCBENCH_PLOTS='%s' does not hold the plot scripts "
                     "(latency_by_size.gp and the rest)", env);
            return -ENOENT;
        }
        if ((size_t)snprintf(out, len, "%s", env) >= len) {
            snprintf(err, errlen, "IPCBENCH_PLOTS is too long");
            return -ENAMETOOLONG;
        }
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
        if (has_scripts(candidates[i]) && (size_t)snprintf(out, len, "%s", candidates[i]) < len)
            return 0;
    struct ipcb_sbuf looked = {0};
    for (size_t i = 0; i < n; i++)
        ipcb_sbuf_printf(&looked, "%s%s", i ? ", " : "", candidates[i]);
    snprintf(err, errlen, "the plot scripts were not found (looked in %s); set "
             "IPCBENCH_PLOTS to a directory holding latency_by_size.gp and the rest",
             ipcb_sbuf_str(&looked));
    ipcb_sbuf_free(&looked);
    return -ENOENT;
}

int ipcb_gnuplot_check(char *err, size_t errlen)
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
            return 0;
        path += n;
        if (*path == ':')
            path++;
    }
    snprintf(err, errlen, "gnuplot not found on PATH; install it (Debian: apt-get install gnuplot-nox)");
    return -ENOENT;
}

/* Runs `gnuplot -e VARS script`; its output goes to a scratch file that is
 * shown only when it fails. Then checks both files it should have drawn. */
int ipcb_gnuplot_run(const char *scripts_dir, const char *script, const char *vars,
                     const char *out, char *err, size_t errlen)
{
    char script_path[PATH_MAX], flag[] = "-e", prog[] = "gnuplot";
    snprintf(script_path, sizeof script_path, "%s/%s", scripts_dir, script);
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
    return rc;
}
