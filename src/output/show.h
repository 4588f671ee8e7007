/* A field of summary.csv as the table on stdout shows its column (table.c):
 * for the report's table and the Markdown one, which read the CSV back. */
#ifndef IPCB_OUTPUT_SHOW_H
#define IPCB_OUTPUT_SHOW_H

#include <stddef.h>

#include "ipcbench/columns.h"

/* text, a field of column c, into buf as the table shows it: "5.6 us" for
 * 5600 in an ns column. A plain or status column, an empty field or one
 * that is not a number is copied as it is ("-" for empty). 1 when it was
 * formatted as a number, 0 when copied. */
int ipcb_show_field(const struct ipcb_column *c, const char *text, char *buf, size_t len);

struct ipcb_summary;
/* the table's columns (ipcb_table_columns, in their order) that the summary
 * read back has, at most cap of them into out; how many */
size_t ipcb_show_columns(const struct ipcb_summary *s, const struct ipcb_column **out,
                         size_t cap);

#endif
