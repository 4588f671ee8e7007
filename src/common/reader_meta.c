/* meta.json for reader.h, through jansson. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/reader.h"
#include "common/sbuf.h"

/* n bytes of s into out, cut at a character boundary when they do not fit */
static void copy_text(const char *s, size_t n, char *out, size_t len)
{
    if (n >= len) {
        n = len - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;                /* s[n] continues a UTF-8 character: drop all of it */
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

/* key's string into out; out untouched when it is not a string */
static void copy_string(json_t *object, const char *key, char *out, size_t len)
{
    json_t *value = json_object_get(object, key);
    if (json_is_string(value))
        copy_text(json_string_value(value), json_string_length(value), out, len);
}

/* every value of object that is not an object into m->scalars, named by
 * its path from the top; objects inside are followed to a few levels */
static int add_scalars(struct ipcb_meta_fields *m, json_t *object, const char *prefix,
                       int depth)
{
    const char *key;
    json_t *value;
    json_object_foreach(object, key, value) {
        char path[512];         /* cut to fit the key by copy_text, at a character */
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
        if (depth == 0 && strcmp(key, "floor") == 0)
            continue;           /* measured afresh by every run: two of its figures are kept */
        if (json_is_object(value)) {
            if (depth < 3 && add_scalars(m, value, path, depth + 1) != 0)
                return -ENOMEM;
            continue;
        }
        if (m->n_scalars == IPCB_META_MAX_SCALARS)
            return 0;
        struct ipcb_meta_scalar *sc = &m->scalars[m->n_scalars++];
        copy_text(path, strlen(path), sc->key, sizeof sc->key);
        if (json_is_string(value)) {
            copy_text(json_string_value(value), json_string_length(value), sc->text,
                      sizeof sc->text);
            continue;
        }
        /* real numbers as %.10g, as json.c writes them */
        char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(10));
        if (!text)
            return -ENOMEM;
        copy_text(text, strlen(text), sc->text, sizeof sc->text);
        free(text);
    }
    return 0;
}

/* key's number when it is one and not negative, else NAN */
static double figure(json_t *object, const char *key)
{
    json_t *value = json_object_get(object, key);
    double v = json_is_number(value) ? json_number_value(value) : NAN;
    return v >= 0 ? v : NAN;
}

/* key's integer when it is one and not negative, else -1 */
static long long count(json_t *object, const char *key)
{
    json_t *value = json_object_get(object, key);
    if (!json_is_integer(value) || json_integer_value(value) < 0)
        return -1;
    return json_integer_value(value);
}

static void read_floor(json_t *object, struct ipcb_meta_floor *fl)
{
    *fl = (struct ipcb_meta_floor){.cacheline_rtt_ns = NAN, .cacheline_cpus = {-1, -1},
                                   .xcpu_copy_64k_gib_s = NAN, .spsc_64_msgs_per_s = NAN,
                                   .clock_read_ns = NAN, .from_cache = -1};
    if (!json_is_object(object))
        return;
    fl->present = 1;
    fl->cacheline_rtt_ns = figure(object, "cacheline_rtt_ns");
    fl->xcpu_copy_64k_gib_s = figure(object, "xcpu_copy_64k_gib_s");
    fl->spsc_64_msgs_per_s = figure(object, "spsc_64_msgs_per_s");
    fl->clock_read_ns = figure(object, "clock_read_ns");
    copy_string(object, "measured_utc", fl->measured_utc, sizeof fl->measured_utc);
    json_t *from_cache = json_object_get(object, "from_cache");
    if (json_is_boolean(from_cache))
        fl->from_cache = json_is_true(from_cache);
    json_t *cpus = json_object_get(object, "cacheline_cpus");
    json_t *a = json_array_get(cpus, 0), *b = json_array_get(cpus, 1);
    if (json_array_size(cpus) == 2 && json_is_integer(a) && json_is_integer(b) &&
        json_integer_value(a) >= 0 && json_integer_value(a) <= INT_MAX &&
        json_integer_value(b) >= 0 && json_integer_value(b) <= INT_MAX) {
        fl->cacheline_cpus[0] = (int)json_integer_value(a);
        fl->cacheline_cpus[1] = (int)json_integer_value(b);
    }
    json_t *by_size = json_object_get(object, "memcpy_gib_s");
    const char *size;
    json_t *value;
    if (!json_is_object(by_size))
        return;
    /* jansson keeps an object's keys in the order of the file */
    json_object_foreach(by_size, size, value) {
        if (fl->n_memcpy == IPCB_META_MEMCPY_SIZES)
            break;
        copy_text(size, strlen(size), fl->memcpy[fl->n_memcpy].size,
                  sizeof fl->memcpy[0].size);
        fl->memcpy[fl->n_memcpy++].gib_s = figure(by_size, size);
    }
}

/* every field "not recorded", as reader.h says each one is */
static void not_recorded(struct ipcb_meta_fields *m)
{
    *m = (struct ipcb_meta_fields){.clock_read_ns = NAN, .clock_step_ns = NAN, .tsc_ghz = NAN,
                                   .duration_s = NAN, .count = -1, .warmup = -1, .pairs = -1,
                                   .complete = -1};
    read_floor(NULL, &m->floor);
}

int ipcb_meta_parse(const char *text, size_t len, const char *source,
                    struct ipcb_meta_fields *m, char *err, size_t errlen)
{
    not_recorded(m);
    json_error_t error;
    json_t *root = json_loadb(text, len, 0, &error);
    if (!root) {
        if (json_error_code(&error) == json_error_out_of_memory) {
            snprintf(err, errlen, "out of memory reading %s", source);
            return -ENOMEM;
        }
        snprintf(err, errlen, "%s, line %d: %s", source, error.line, error.text);
        return -EINVAL;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s is not a JSON object", source);
        json_decref(root);
        return -EINVAL;
    }
    copy_string(root, "cpu_model", m->cpu_model, sizeof m->cpu_model);
    copy_string(root, "kernel", m->kernel, sizeof m->kernel);
    copy_string(root, "date_utc", m->date_utc, sizeof m->date_utc);
    json_t *cores = json_object_get(root, "cores");
    if (json_is_integer(cores) && json_integer_value(cores) > 0 &&
        json_integer_value(cores) <= INT_MAX)
        m->cores = (int)json_integer_value(cores);
    copy_string(root, "version", m->version, sizeof m->version);
    copy_string(root, "command_line", m->command_line, sizeof m->command_line);
    copy_string(root, "host", m->host, sizeof m->host);
    copy_string(root, "clock", m->clock, sizeof m->clock);
    copy_string(root, "pinning", m->pinning, sizeof m->pinning);
    m->clock_read_ns = figure(root, "clock_read_ns");
    m->clock_step_ns = figure(root, "clock_step_ns");
    m->tsc_ghz = figure(root, "tsc_ghz");
    m->duration_s = figure(root, "duration_s");
    m->count = count(root, "count");
    m->warmup = count(root, "warmup");
    m->pairs = count(root, "pairs");
    json_t *complete = json_object_get(root, "complete");
    if (json_is_boolean(complete))
        m->complete = json_is_true(complete);
    read_floor(json_object_get(root, "floor"), &m->floor);
    int rc = add_scalars(m, root, "", 0);
    json_decref(root);
    if (rc) {
        not_recorded(m);
        snprintf(err, errlen, "out of memory reading %s", source);
    }
    return rc;
}

int ipcb_meta_read(const char *dir, struct ipcb_meta_fields *m, char *err, size_t errlen)
{
    char path[PATH_MAX];
    struct ipcb_sbuf text = {0};
    not_recorded(m);
    int rc = ipcb_results_file_read(dir, "meta.json", path, sizeof path, &text, err, errlen);
    if (rc == -ENOENT)
        snprintf(err, errlen, "no meta.json in '%s'", dir);
    if (rc)
        return rc;
    rc = ipcb_meta_parse(text.s, text.len, path, m, err, errlen);
    ipcb_sbuf_free(&text);
    return rc;
}
