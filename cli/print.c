// SPDX-License-Identifier: GPL-2.0
/* One print call per field, text or JSON: see print.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "print.h"

void pr_init(struct pr *p, bool json, bool pretty)
{
	memset(p, 0, sizeof(*p));
	p->json = json;
	if (json)
		json_init(&p->j, stdout, pretty);
}

void pr_end(struct pr *p)
{
	if (p->json)
		json_end(&p->j);
	fflush(stdout);
}

/* ---- text: the table ---- */

static void row_new(struct pr *p)
{
	char **c;

	if (p->oom)
		return;
	if (p->nrow == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;

		c = realloc(p->cells, cap * PR_MAX_COLS * sizeof(*c));
		if (!c) {
			p->oom = true;
			return;
		}
		p->cells = c;
		p->cap = cap;
	}
	memset(&p->cells[p->nrow * PR_MAX_COLS], 0,
	       PR_MAX_COLS * sizeof(*c));
	p->nrow++;
}

void pr_col(struct pr *p, const char *hdr, const char *key)
{
	if (p->json || !p->table)
		return;
	if (p->ncol == PR_MAX_COLS) {
		p->oom = true;
		return;
	}
	p->hdr[p->ncol] = strdup(hdr);
	p->key[p->ncol] = strdup(key);
	if (!p->hdr[p->ncol] || !p->key[p->ncol])
		p->oom = true;
	p->ncol++;
}

void pr_table(struct pr *p, enum pr_style style, const struct pr_col *cols)
{
	if (p->json)
		return;
	p->table = true;
	p->style = style;
	p->ncol = 0;
	p->nrow = 0;
	p->oom = false;
	memset(p->width, 0, sizeof(p->width));
	p->base = strlen(p->path);
	for (; cols && cols->hdr; cols++)
		pr_col(p, cols->hdr, cols->key);
	if (style != PR_ROWS && style != PR_FIXED)
		row_new(p);
}

void pr_table_widths(struct pr *p, const int *w)
{
	int c;

	for (c = 0; c < p->ncol; c++)
		p->width[c] = w[c];
}

void pr_table_pairs_hdr(struct pr *p, const char *label, const char *value)
{
	p->pair_hdr[0] = label;
	p->pair_hdr[1] = value;
}

static void put(const char *s, size_t w, bool last)
{
	if (last)
		printf("%s\n", s);
	else
		printf("%-*s  ", (int)w, s);
}

/* Rows of ncol cells (each row stride apart) under hdr, aligned. */
static void print_aligned(char *const *hdr, char *const *cells, size_t nrow,
			  int ncol, int stride)
{
	size_t w[PR_MAX_COLS], r;
	int c;

	for (c = 0; c < ncol; c++) {
		w[c] = strlen(hdr[c]);
		for (r = 0; r < nrow; r++) {
			const char *s = cells[r * stride + c];

			if (s && strlen(s) > w[c])
				w[c] = strlen(s);
		}
	}
	for (c = 0; c < ncol; c++)
		put(hdr[c], w[c], c + 1 == ncol);
	for (r = 0; r < nrow; r++)
		for (c = 0; c < ncol; c++) {
			const char *s = cells[r * stride + c];

			put(s ? s : "-", w[c], c + 1 == ncol);
		}
}

/* PR_FIXED: a row up to its last filled cell, with the columns' widths. */
static void print_fixed(const struct pr *p, char *const *cells)
{
	int c, last = -1;

	for (c = 0; c < p->ncol; c++)
		if (cells[c])
			last = c;
	for (c = 0; c <= last; c++)
		printf("%s%*s", c ? " " : "", p->width[c],
		       cells[c] ? cells[c] : "-");
	putchar('\n');
}

int pr_table_end(struct pr *p, const char *empty)
{
	char **pairs;
	size_t i;
	int c, r = 0;

	if (p->json || !p->table)
		return 0;
	if (p->oom) {
		vg_err("out of memory");
		r = -ENOMEM;
	} else if ((p->style == PR_ROWS || p->style == PR_FIXED) && !p->nrow &&
		   empty) {
		printf("%s", empty);
	} else if (p->style == PR_ROWS) {
		print_aligned(p->hdr, p->cells, p->nrow, p->ncol, PR_MAX_COLS);
	} else if (p->style == PR_FIXED) {
		print_fixed(p, p->hdr);
		for (i = 0; i < p->nrow; i++)
			print_fixed(p, &p->cells[i * PR_MAX_COLS]);
	} else if (p->style == PR_PAIRS) {
		char *hdr[2] = { (char *)p->pair_hdr[0],
				 (char *)p->pair_hdr[1] };

		pairs = calloc(p->ncol * 2 + 1, sizeof(*pairs));
		if (pairs) {
			for (c = 0; c < p->ncol; c++) {
				pairs[c * 2] = p->hdr[c];
				pairs[c * 2 + 1] = p->cells[c];
			}
			print_aligned(hdr, pairs, p->ncol, 2, 2);
		} else {
			vg_err("out of memory");
			r = -ENOMEM;
		}
		free(pairs);
	} else if (p->style == PR_LINES) {
		for (c = 0; c < p->ncol; c++)
			printf("%s: %s\n", p->hdr[c],
			       p->cells[c] ? p->cells[c] : "-");
	} else {
		for (c = 0; c < p->ncol; c++)
			if (p->cells[c])
				printf("%s\n", p->cells[c]);
	}
	fflush(stdout);
	for (i = 0; i < p->nrow * PR_MAX_COLS; i++)
		free(p->cells[i]);
	free(p->cells);
	p->cells = NULL;
	p->cap = p->nrow = 0;
	for (c = 0; c < p->ncol; c++) {
		free(p->hdr[c]);
		free(p->key[c]);
	}
	p->ncol = 0;
	p->table = false;
	return r;
}

/* ---- text: key paths ---- */

static void path_push(struct pr *p, const char *key)
{
	size_t l = strlen(p->path);

	if (p->depth < PR_MAX_DEPTH)
		p->len[p->depth] = l;
	p->depth++;
	if (key)
		snprintf(p->path + l, sizeof(p->path) - l, "%s%s",
			 l > p->base ? "." : "", key);
}

static void path_pop(struct pr *p)
{
	if (p->depth > 0 && --p->depth < PR_MAX_DEPTH)
		p->path[p->len[p->depth]] = '\0';
}

/* The column of key under the open objects, or -1. */
static int column(struct pr *p, const char *key)
{
	char full[320];
	size_t l = strlen(p->path);
	int c;

	snprintf(full, sizeof(full), "%s%s%s", p->path + p->base,
		 l > p->base ? "." : "", key);
	for (c = 0; c < p->ncol; c++)
		if (!strcmp(p->key[c], full))
			return c;
	return -1;
}

/* The text cell of key: s, copied (NULL: empty, printed "-"). */
static void cell(struct pr *p, const char *key, const char *s)
{
	char **cp;
	int c;

	if (p->json || !p->table || !key || !p->nrow || p->oom)
		return;
	c = column(p, key);
	if (c < 0)
		return;
	/* PR_PAIRS and PR_LINES: the record is the one row. */
	cp = &p->cells[(p->nrow - 1) * PR_MAX_COLS];
	free(cp[c]);
	cp[c] = NULL;
	if (s && !(cp[c] = strdup(s)))
		p->oom = true;
}

void pr_obj_open(struct pr *p, const char *key)
{
	if (p->json) {
		json_obj_open(&p->j, key);
		return;
	}
	path_push(p, key);
	if (!key && p->table && (p->style == PR_ROWS || p->style == PR_FIXED)) {
		row_new(p);
		p->base = strlen(p->path);
	}
}

void pr_arr_open(struct pr *p, const char *key)
{
	if (p->json)
		json_arr_open(&p->j, key);
	else
		path_push(p, key);
}

void pr_close(struct pr *p)
{
	if (p->json)
		json_close(&p->j);
	else
		path_pop(p);
}

/* ---- fields ---- */

void pr_str(struct pr *p, enum pr_out o, const char *key, const char *s)
{
	if (p->json) {
		if (o & PR_JSON)
			json_str(&p->j, key, s);
	} else if (o & PR_TEXT) {
		cell(p, key, s);
	}
}

void pr_strf(struct pr *p, enum pr_out o, const char *key,
	     const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!(o & (p->json ? PR_JSON : PR_TEXT)))
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		p->oom = true;
	}
	va_end(ap);
	if (s)
		pr_str(p, o, key, s);
	free(s);
}

void pr_u64(struct pr *p, enum pr_out o, const char *key, uint64_t v)
{
	char buf[24];

	if (p->json) {
		if (o & PR_JSON)
			json_u64(&p->j, key, v);
	} else if (o & PR_TEXT) {
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		cell(p, key, buf);
	}
}

void pr_null(struct pr *p, enum pr_out o, const char *key)
{
	pr_str(p, o, key, NULL);
}

void pr_bool(struct pr *p, enum pr_out o, const char *key, bool v,
	     const char *yes, const char *no)
{
	if (p->json) {
		if (o & PR_JSON)
			json_bool(&p->j, key, v);
	} else if (o & PR_TEXT) {
		cell(p, key, v ? yes : no);
	}
}

void pr_num(struct pr *p, enum pr_out o, const char *key, const char *num)
{
	if (p->json) {
		if (o & PR_JSON)
			json_num(&p->j, key, num);
	} else if (o & PR_TEXT) {
		cell(p, key, num);
	}
}

void pr_text(struct pr *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
