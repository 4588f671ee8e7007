/* The first part of compare's report: which directory is which, where
 * their meta.json differ, and the hardware floor of each side by side. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/parts.h"

/* the fields a reader looks at first, in this order; the rest follow in
 * the order the files have them */
static const char *const first_keys[] = {
    "kernel", "cpu_model", "cores", "clock", "pinning", "host", "version", "count",
    "duration_s", "warmup",
};
#define N_FIRST (sizeof first_keys / sizeof first_keys[0])

/* the directory's text of key, or NULL when its meta.json has no such field */
static const char *value_of(const struct ipcb_cmp_dir *d, const char *key)
{
    for (size_t i = 0; i < d->meta.n_scalars; i++)
        if (strcmp(d->meta.scalars[i].key, key) == 0)
            return d->meta.scalars[i].text;
    return NULL;
}

/* whether the directories with a meta.json disagree on key */
static int differs(const struct ipcb_comparison *c, const char *key)
{
    const char *seen = NULL;
    int any = 0;
    for (size_t d = 0; d < c->n_dirs; d++) {
        if (!c->dirs[d].have_meta)
            continue;
        const char *v = value_of(&c->dirs[d], key);
        if (any && (!v != !seen || (v && strcmp(v, seen) != 0)))
            return 1;
        seen = v;
        any = 1;
    }
    return 0;
}

/* every key once: the first ones, then each directory's in its order */
static const char **all_keys(const struct ipcb_comparison *c, size_t *n)
{
    size_t cap = N_FIRST;
    for (size_t d = 0; d < c->n_dirs; d++)
        cap += c->dirs[d].meta.n_scalars;
    const char **keys = malloc(cap * sizeof *keys);
    if (!keys)
        return NULL;
    *n = 0;
    for (size_t i = 0; i < N_FIRST; i++)
        keys[(*n)++] = first_keys[i];
    for (size_t d = 0; d < c->n_dirs; d++)
        for (size_t i = 0; c->dirs[d].have_meta && i < c->dirs[d].meta.n_scalars; i++) {
            const char *key = c->dirs[d].meta.scalars[i].key;
            size_t k = 0;
            while (k < *n && strcmp(keys[k], key) != 0)
                k++;
            if (k == *n)
                keys[(*n)++] = key;
        }
    return keys;
}

static void print_differences(FILE *f, const struct ipcb_comparison *c)
{
    size_t n_keys, n_differ = 0, width = 12;
    const char **keys = all_keys(c, &n_keys);
    if (!keys) {
        fprintf(f, "  (out of memory comparing meta.json)\n");
        return;
    }
    for (size_t k = 0; k < n_keys; k++)
        if (differs(c, keys[k]) && strlen(keys[k]) > width)
            width = strlen(keys[k]);
    for (size_t k = 0; k < n_keys; k++) {
        if (!differs(c, keys[k]))
            continue;
        n_differ++;
        int first = 1;
        for (size_t d = 0; d < c->n_dirs; d++) {
            if (!c->dirs[d].have_meta)
                continue;
            const char *v = value_of(&c->dirs[d], keys[k]);
            fprintf(f, "  %-*s  %-3s %s\n", (int)width, first ? keys[k] : "", c->dirs[d].label,
                    v ? v : "(absent)");
            first = 0;
        }
    }
    if (n_differ == 0)
        fprintf(f, "  none (the hardware floor, measured by every run, is below)\n");
    /* the fields that agree: the ones a reader looks for by name, the rest counted */
    size_t n_same = 0, others = 0;
    for (size_t k = 0; k < n_keys; k++) {
        if (differs(c, keys[k]))
            continue;
        int present = 0;
        for (size_t d = 0; d < c->n_dirs; d++)
            present |= c->dirs[d].have_meta && value_of(&c->dirs[d], keys[k]) != NULL;
        if (!present)
            continue;
        if (k < N_FIRST)
            fprintf(f, "%s%s", n_same++ ? ", " : "  the same in all: ", keys[k]);
        else
            others++;
    }
    if (others)
        fprintf(f, "%s%zu other field%s", n_same++ ? " and " : "  the same in all: ", others,
                others == 1 ? "" : "s");
    if (n_same)
        fputc('\n', f);
    free(keys);
}

/* one figure of the floor (the cache-line round trip, or the copy across
 * CPUs when xcpu is set) for every directory, side by side */
static void floor_line(FILE *f, const struct ipcb_comparison *c, const char *name, int xcpu,
                       const char *format)
{
    fprintf(f, "  %-22s", name);
    for (size_t d = 0; d < c->n_dirs; d++) {
        const struct ipcb_meta_fields *m = &c->dirs[d].meta;
        double v = xcpu ? m->floor.xcpu_copy_64k_gib_s : m->floor.cacheline_rtt_ns;
        char text[32] = "-";
        if (c->dirs[d].have_meta && !isnan(v))
            snprintf(text, sizeof text, format, v);
        fprintf(f, " %12s", text);
    }
    fputc('\n', f);
}

void ipcb_cmp_print_environment(FILE *f, const struct ipcb_comparison *c)
{
    size_t with_meta = 0;
    fprintf(f, "Comparing %zu results directories; ratios and verdicts are against %s\n",
            c->n_dirs, c->dirs[0].label);
    for (size_t d = 0; d < c->n_dirs; d++) {
        fprintf(f, "  %-3s %s\n", c->dirs[d].label, c->dirs[d].path);
        with_meta += c->dirs[d].have_meta != 0;
    }
    fprintf(f, "\nEnvironment (meta.json), where the directories differ:\n");
    for (size_t d = 0; d < c->n_dirs; d++)
        if (!c->dirs[d].have_meta)
            fprintf(f, "  %s: %s; its environment is unknown\n", c->dirs[d].label,
                    c->dirs[d].meta_note);
    if (with_meta >= 2)
        print_differences(f, c);
    if (with_meta == 0)
        return;
    fprintf(f, "  %-22s", "hardware floor");
    for (size_t d = 0; d < c->n_dirs; d++)
        fprintf(f, " %12s", c->dirs[d].label);
    fputc('\n', f);
    floor_line(f, c, "  cacheline_rtt_ns", 0, "%.1f ns");
    floor_line(f, c, "  xcpu_copy_64k_gib_s", 1, "%.2f GiB/s");
}
