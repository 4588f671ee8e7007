/* --help: the commands, every option of the table with its default, the
 * owners of the plugins' options, and the patterns, all read from the
 * registries, so a new one shows up without an edit here. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"

#define HELP_COLUMN 25

#define WIDTH 80

/* text whose lines after the first start in the help column; tail (or
 * NULL) ends the last line, or has one of its own when it would not fit */
static void help_lines(FILE *f, const char *text, const char *tail, int column)
{
    for (const char *s = text; *s;) {
        size_t n = strcspn(s, "\n");
        fprintf(f, "%*s%.*s", s == text ? 0 : column, "", (int)n, s);
        s += n;
        if (*s == '\n')
            s++;
        if (!*s && tail && (size_t)column + n + strlen(tail) > WIDTH)
            fprintf(f, "\n%*s%s\n", column - 1, "", tail);
        else
            fprintf(f, "%s\n", !*s && tail ? tail : "");
    }
}

/* "shm, posix-mq: " or "fanin: " or "sync: ": who takes a plugin's option */
static void owners(const struct ipcb_option *o, char *out, size_t len)
{
    (void)ipcb_option_owners(o, out, len);
    /* on a line of its own when the first line of help would not fit */
    snprintf(out + strlen(out), len - strlen(out),
             strlen(out) + strcspn(o->help, "\n") + HELP_COLUMN + 2 > WIDTH ? ":\n" : ": ");
}

static void option_line(FILE *f, const struct ipcb_option *o)
{
    char head[64], tail[96] = "", who[160] = "", text[1100];
    snprintf(head, sizeof head, "%c%c%c --%s%s%s", o->short_name ? '-' : ' ',
             o->short_name ? o->short_name : ' ', o->short_name ? ',' : ' ', o->name,
             o->metavar ? " " : "", o->metavar ? o->metavar : "");
    if (o->def)
        snprintf(tail, sizeof tail, " (default: %s)", o->def);
    if (!ipcb_option_is_core(o))
        owners(o, who, sizeof who);
    snprintf(text, sizeof text, "%s%s", who, o->help);
    if (o->names) { /* the names a list takes, from their registry */
        char names[400];
        o->names(names, sizeof names);
        snprintf(text + strlen(text), sizeof text - strlen(text), ":\n%s", names);
    }
    fprintf(f, "  %-*s", HELP_COLUMN - 3, head);
    fputc(strlen(head) > HELP_COLUMN - 3 ? '\n' : ' ', f);
    if (strlen(head) > HELP_COLUMN - 3)
        fprintf(f, "%*s", HELP_COLUMN, "");
    help_lines(f, text, tail, HELP_COLUMN);
}

static void commands_part(FILE *f)
{
    size_t n;
    const struct ipcb_command_name *cmds = ipcb_commands(&n);
    for (size_t i = 0; i < n; i++)
        if (cmds[i].summary) {
            char head[64];
            snprintf(head, sizeof head, "ipcbench %s%s%s [options]", i ? "" : "[",
                     cmds[i].usage, i ? "" : "]");
            fprintf(f, "%s%-32s ", i ? "       " : "usage: ", head);
            help_lines(f, cmds[i].summary, NULL, 40);
        }
}

/* the core options one command group at a time, then the plugins' */
static void options_part(FILE *f)
{
    static const struct { unsigned commands; const char *title; } groups[] = {
        {IPCB_TAKES(IPCB_CMD_RUN) | IPCB_TAKES(IPCB_CMD_SYNC), "Options of run and sync"},
        {0, "Options of the other commands (each says which)"},
    };
    size_t n;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        fprintf(f, "\n%s:\n", groups[g].title);
        for (size_t i = 0; i < n; i++) {
            unsigned c = opts[i]->commands;
            int in_run = (c & groups[0].commands) != 0;
            if (ipcb_option_is_core(opts[i]) && (g == 0) == in_run)
                option_line(f, opts[i]);
        }
    }
    fprintf(f, "\nOptions of the transports and patterns (run and sync):\n");
    for (size_t i = 0; i < n; i++)
        if (!ipcb_option_is_core(opts[i]))
            option_line(f, opts[i]);
}

void ipcb_usage(FILE *f)
{
    commands_part(f);
    options_part(f);
    size_t n_patterns;
    const struct ipcb_pattern *const *patterns = ipcb_patterns(&n_patterns);
    fprintf(f, "\nPatterns (run -p; sync runs those on primitives):\n");
    for (size_t i = 0; i < n_patterns; i++) {
        const struct ipcb_pattern *p = patterns[i];
        fprintf(f, "  %-*s ", HELP_COLUMN - 3, p->name);
        help_lines(f, p->summary, p->flags & IPCB_PATTERN_ON_REQUEST ? " (on request)" : NULL,
                   HELP_COLUMN);
    }
    fprintf(f, "\nExit status: 0 all ok, 1 a measurement failed, 2 bad usage,\n"
               "128+N killed by signal N.\n");
}
