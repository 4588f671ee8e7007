/* The units parser: what it accepts, and the reason for what it refuses. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "ipcbench/units.h"

static void size_ok(const char *s, uint64_t want)
{
    char err[IPCB_UNITS_ERR] = "";
    uint64_t got = 0;
    int rc = ipcb_parse_size(s, &got, err, sizeof err);
    CHECK(rc == 0 && got == want, "size '%s': rc %d got %llu want %llu (%s)", s, rc,
          (unsigned long long)got, (unsigned long long)want, err);
}

static void size_bad(const char *s, const char *why)
{
    char err[IPCB_UNITS_ERR] = "";
    uint64_t got = 0;
    int rc = ipcb_parse_size(s, &got, err, sizeof err);
    CHECK(rc < 0 && strstr(err, why), "size '%s' refused with '%s' (rc %d, err '%s')", s, why,
          rc, err);
}

static void list_ok(const char *s, size_t n, const uint64_t *want)
{
    char err[IPCB_UNITS_ERR] = "";
    uint64_t got[IPCB_SIZE_LIST_MAX];
    size_t count = 0;
    int rc = ipcb_parse_size_list(s, got, IPCB_SIZE_LIST_MAX, &count, err, sizeof err);
    int same = rc == 0 && count == n;
    for (size_t i = 0; same && i < n; i++)
        same = got[i] == want[i];
    CHECK(same, "list '%s': rc %d, %zu items (%s)", s, rc, count, err);
}

static void list_bad(const char *s, const char *why)
{
    char err[IPCB_UNITS_ERR] = "";
    uint64_t got[IPCB_SIZE_LIST_MAX];
    size_t count = 0;
    int rc = ipcb_parse_size_list(s, got, IPCB_SIZE_LIST_MAX, &count, err, sizeof err);
    CHECK(rc < 0 && strstr(err, why), "list '%s' refused with '%s' (err '%s')", s, why, err);
}

static void duration_ok(const char *s, uint64_t want)
{
    char err[IPCB_UNITS_ERR] = "";
    uint64_t got = 0;
    int rc = ipcb_parse_duration(s, &got, err, sizeof err);
    CHECK(rc == 0 && got == want, "duration '%s': got %llu want %llu (%s)", s,
          (unsigned long long)got, (unsigned long long)want, err);
}

static void duration_bad(const char *s, const char *why)
{
    char err[IPCB_UNITS_ERR] = "";
    uint64_t got = 0;
    int rc = ipcb_parse_duration(s, &got, err, sizeof err);
    CHECK(rc < 0 && strstr(err, why), "duration '%s' refused with '%s' (err '%s')", s, why, err);
}

static void count_case(const char *s, int ok, uint64_t want, const char *why)
{
    char err[IPCB_UNITS_ERR] = "";
    uint64_t got = 0;
    int rc = ipcb_parse_count(s, &got, err, sizeof err);
    if (ok)
        CHECK(rc == 0 && got == want, "count '%s' = %llu (got %llu, %s)", s,
              (unsigned long long)want, (unsigned long long)got, err);
    else
        CHECK(rc < 0 && strstr(err, why), "count '%s' refused with '%s' (err '%s')", s, why, err);
}

int main(void)
{
    size_ok("1", 1);
    size_ok("64", 64);
    size_ok("4k", 4096);
    size_ok("4K", 4096);
    size_ok("64K", 65536);
    size_ok("1M", 1048576);
    size_ok("1m", 1048576);
    size_ok("2G", 2147483648ull);
    size_ok("4KiB", 4096);
    size_ok("4kB", 4096);
    size_ok("100B", 100);
    size_bad("", "empty");
    size_bad("-4k", "negative");
    size_bad("0", "zero");
    size_bad("0k", "zero");
    size_bad("4q", "unknown unit");
    size_bad("4kk", "unknown unit");
    size_bad("k", "not a number");
    size_bad(" 4k", "not a number");
    size_bad("4 k", "unknown unit");
    size_bad("1.5k", "unknown unit");
    size_bad("99999999999999999999", "too large");
    size_bad("18014398509481984k", "too large"); /* 2^54 KiB overflows 64 bits */
    size_bad("0x10", "unknown unit");

    list_ok("64,4k,1M", 3, (const uint64_t[]){64, 4096, 1048576});
    list_ok("1M,64,4k,64", 3, (const uint64_t[]){64, 4096, 1048576});
    list_ok("64..1k", 5, (const uint64_t[]){64, 128, 256, 512, 1024});
    list_ok("1..4,64", 4, (const uint64_t[]){1, 2, 4, 64});
    list_ok("64..64", 1, (const uint64_t[]){64});
    list_ok("100..1000", 4, (const uint64_t[]){100, 200, 400, 800});
    list_bad("", "empty size list");
    list_bad("64,,4k", "empty item");
    list_bad("64,", "empty item");
    list_bad(",64", "empty item");
    list_bad("1M..64", "reversed");
    list_bad("64..", "empty");
    list_bad("..64", "empty");
    list_bad("64..4x", "unknown unit");
    list_bad("1..1G,1..1G,1..1G", "too many sizes");

    duration_ok("2s", 2000000000ull);
    duration_ok("2", 2000000000ull);
    duration_ok("500ms", 500000000ull);
    duration_ok("1.5s", 1500000000ull);
    duration_ok("250us", 250000ull);
    duration_ok("10ns", 10ull);
    duration_ok("2m", 120000000000ull);
    duration_bad("", "empty");
    duration_bad("-1s", "negative");
    duration_bad("0s", "zero");
    duration_bad("5x", "unknown unit");
    duration_bad("s", "not a time");
    duration_bad("1.s", "not a time");
    duration_bad("99999999999999999999s", "too long");
    duration_bad("9999999999999h", "too long");

    count_case("5000", 1, 5000, NULL);
    count_case("10k", 1, 10000, NULL);
    count_case("2M", 1, 2000000, NULL);
    count_case("", 0, 0, "empty");
    count_case("-5", 0, 0, "negative");
    count_case("5x", 0, 0, "unknown suffix");
    count_case("1e6", 0, 0, "unknown suffix");
    count_case("abc", 0, 0, "not a whole number");
    count_case("99999999999999999999", 0, 0, "too large");
    count_case("99999999999999G", 0, 0, "too large");

    char buf[32];
    ipcb_format_size(4096, buf, sizeof buf);
    CHECK(strcmp(buf, "4k") == 0, "4096 formats as 4k (%s)", buf);
    ipcb_format_size(1048576, buf, sizeof buf);
    CHECK(strcmp(buf, "1M") == 0, "1048576 formats as 1M (%s)", buf);
    ipcb_format_size(65507, buf, sizeof buf);
    CHECK(strcmp(buf, "65507") == 0, "65507 stays bytes (%s)", buf);
    return checks_done();
}
