/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print call per field, text or JSON (after iproute2's json_print):
 * a view writes each field once, as a JSON member, and the same call fills
 * the text cell of the table column whose key is the field's key path.
 *
 *   JSON  the calls write one document through json.c: pr_obj_open(),
 *         pr_arr_open() and pr_close() give its shape, a field a member
 *         (NULL: null).
 *   text  pr_table() starts a table of columns, each with a header and a
 *         key; a field whose key path (the keys of the objects open since
 *         the row began, dot separated: "stats.packets") names a column
 *         fills that column's cell of the current row, other fields do
 *         not show; an empty cell reads "-".  pr_table_end() prints it.
 *         Cells are collected, then aligned: field order and column order
 *         need not agree.
 *
 * Table styles:
 *   PR_ROWS   a header line, then a row per object opened without a key
 *             (array elements): "ipsec show sad"
 *   PR_PAIRS  one record, one line per column: "LABEL  VALUE", aligned,
 *             under a header line of two words: "ipsec show global"
 *   PR_LINES  one record, one line per column: "LABEL: VALUE", no header
 *   PR_VALUES one record, a line per column with a value: "VALUE" (a
 *             column's header is only its name here)
 *   PR_FIXED  as PR_ROWS, but each column printed with the printf width
 *             pr_table_widths() gives it (negative: left-aligned, 0: as
 *             is), one space apart; a row ends at its last filled cell
 *
 * Which output a call writes: PR_ANY both, PR_JSON only the member (the
 * text shows the field another way), PR_TEXT only the cell (a value the
 * JSON has in other members; its key names the column only).
 */
#ifndef VGATE_PRINT_H
#define VGATE_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"

enum pr_out { PR_TEXT = 1, PR_JSON = 2, PR_ANY = PR_TEXT | PR_JSON };

enum pr_style { PR_ROWS, PR_PAIRS, PR_LINES, PR_VALUES, PR_FIXED };

#define PR_MAX_COLS 64
#define PR_MAX_DEPTH JSON_MAX_DEPTH

struct pr_col {
	const char *hdr;	/* header or label */
	const char *key;	/* key path, from the row's object */
};

struct pr {
	bool json;
	struct json j;
	/* text: the table, when one is open */
	bool table;
	enum pr_style style;
	const char *pair_hdr[2];
	int ncol;
	int width[PR_MAX_COLS];	/* PR_FIXED */
	char *hdr[PR_MAX_COLS];
	char *key[PR_MAX_COLS];
	char **cells;		/* nrow * PR_MAX_COLS */
	size_t nrow, cap;
	bool oom;
	/* text: the key path of the open objects */
	char path[256];
	size_t len[PR_MAX_DEPTH];
	int depth;
	size_t base;		/* where the current row's keys begin */
};

/* json: -j; pretty: JSON indented (else one line). */
void pr_init(struct pr *p, bool json, bool pretty);
/* End the output: JSON's final newline; flush. */
void pr_end(struct pr *p);

void pr_obj_open(struct pr *p, const char *key);
void pr_arr_open(struct pr *p, const char *key);
void pr_close(struct pr *p);

/* Text: a table of columns, cols ending with { NULL, NULL } (or NULL). */
void pr_table(struct pr *p, enum pr_style style, const struct pr_col *cols);
/* PR_PAIRS: the header's two words. */
void pr_table_pairs_hdr(struct pr *p, const char *label, const char *value);
/* PR_FIXED: the columns' printf widths, one per column. */
void pr_table_widths(struct pr *p, const int *w);
/* One more column (copied). */
void pr_col(struct pr *p, const char *hdr, const char *key);
/*
 * Print the table, or empty (if not NULL) for a PR_ROWS table without a
 * row, and free it.  0 or -ENOMEM.  Nothing in JSON.
 */
int pr_table_end(struct pr *p, const char *empty);

void pr_str(struct pr *p, enum pr_out o, const char *key, const char *s);
void pr_strf(struct pr *p, enum pr_out o, const char *key,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void pr_u64(struct pr *p, enum pr_out o, const char *key, uint64_t v);
void pr_null(struct pr *p, enum pr_out o, const char *key);
/* JSON true or false; the text cell says yes or no. */
void pr_bool(struct pr *p, enum pr_out o, const char *key, bool v,
	     const char *yes, const char *no);
/* A number already formatted ("12.5"). */
void pr_num(struct pr *p, enum pr_out o, const char *key, const char *num);

/* Text only, printed now (headings, notes); not for tables. */
void pr_text(struct pr *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
