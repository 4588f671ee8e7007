/* Parsing of sizes, size lists and ranges, durations and counts, and the
 * formatting of sizes, latencies and rates for people.
 * Every parser returns 0 or -EINVAL/-ERANGE and says why in err. */
#ifndef IPCBENCH_UNITS_H
#define IPCBENCH_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define IPCB_SIZE_LIST_MAX 64   /* sizes in one list */
#define IPCB_UNITS_ERR 160

/* "64", "4k", "64K", "1M", "1MiB", "2G": powers of 1024 */
int ipcb_parse_size(const char *s, uint64_t *out, char *err, size_t errlen);
/* "64,4k,1M" and "64..1M" (doubling from the low end), mixed by commas;
 * sorted, duplicates dropped. */
int ipcb_parse_size_list(const char *s, uint64_t *out, size_t cap, size_t *n,
                         char *err, size_t errlen);
/* "500ms", "2s", "1.5s", "100us", "250000ns", "2m"; a bare number is seconds */
int ipcb_parse_duration(const char *s, uint64_t *ns, char *err, size_t errlen);
/* "5000", "10k", "2M" (powers of 1000), at least 1 */
int ipcb_parse_count(const char *s, uint64_t *out, char *err, size_t errlen);
/* an option's count between lo and hi ("0" alone allowed when lo is 0);
 * the refusal names the option: "--pairs 99 is out of range (1 to 64)" */
int ipcb_parse_count_range(const char *opt, const char *s, uint64_t lo, uint64_t hi,
                           uint64_t *out, char *err, size_t errlen);
/* format bytes for people: "64", "4k", "1M" (exact units only) */
void ipcb_format_size(uint64_t bytes, char *buf, size_t len);
/* a latency for people, three or four digits: "850 ns", "13.3 us", "1.25 ms" */
void ipcb_format_ns(uint64_t ns, char *buf, size_t len);
/* a rate for people: "950", "69.1k", "4.20M" */
void ipcb_format_rate(double per_s, char *buf, size_t len);

#endif
