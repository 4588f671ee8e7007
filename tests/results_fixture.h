/* The results directories the reader's tests write by hand, in one
 * temporary directory that is removed with all of them at the end. */
#ifndef IPCB_TEST_RESULTS_FIXTURE_H
#define IPCB_TEST_RESULTS_FIXTURE_H

#include <ftw.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"

static char top[] = "/tmp/test_reader-XXXXXX";

/* a fresh results directory TOP/name holding summary.csv and meta.json when
 * they are not NULL; returns its path (static, good until the next call) */
static const char *results_dir(const char *name, const char *summary, const char *meta)
{
    static char dir[512];
    char path[600];
    snprintf(dir, sizeof dir, "%s/%s", top, name);
    mkdir(dir, 0755);
    const char *files[2] = {"summary.csv", "meta.json"}, *texts[2] = {summary, meta};
    for (int i = 0; i < 2; i++) {
        if (!texts[i])
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        fputs(texts[i], f);
        fclose(f);
    }
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* each case in order under a fresh temporary directory, then every results
 * directory removed: main's exit status */
static int results_fixture_run(void (*const *cases)(void), size_t n)
{
    if (!mkdtemp(top)) {
        perror("mkdtemp");
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        cases[i]();
    CHECK(nftw(top, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0, "temp directory removed");
    return checks_done();
}

#endif
