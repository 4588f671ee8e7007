/* gnuplot as the charts use it: where its scripts are, whether it is on
 * PATH, how a string is quoted for it, and one run of one script. */
#ifndef IPCB_GNUPLOT_H
#define IPCB_GNUPLOT_H

#include <stddef.h>

#include "common/sbuf.h"

/* 0 when an executable gnuplot is on $PATH; -ENOENT, with err telling how
 * to install it, when not */
int ipcb_gnuplot_check(char *err, size_t errlen);

/* the directory of the chart scripts into out: $IPCBENCH_PLOTS when set,
 * else the one that belongs to this binary (gnuplot.c says how it is
 * chosen). 0, or -ENOENT with the places looked in. */
int ipcb_gnuplot_find_scripts(char *out, size_t len, char *err, size_t errlen);

/* s as a gnuplot single-quoted string, quotes included */
int ipcb_gnuplot_string(struct ipcb_sbuf *b, const char *s);

/* Runs `gnuplot -e VARS SCRIPTS_DIR/SCRIPT`, which must write OUT.png and
 * OUT.svg. gnuplot's own messages go to stderr only when it fails. 0, or
 * -EIO with err naming the chart and the script. */
int ipcb_gnuplot_run(const char *scripts_dir, const char *script, const char *vars,
                     const char *out, char *err, size_t errlen);

#endif
