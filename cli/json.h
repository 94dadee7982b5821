/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny streaming JSON writer: objects, arrays, strings (properly
 * escaped), unsigned integers, booleans and null.  Keys are given for
 * members of objects and NULL for elements of arrays; commas are placed
 * automatically.
 */
#ifndef VGATE_JSON_H
#define VGATE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no member written yet at this level */
	char closer[JSON_MAX_DEPTH];	/* '}' or ']' */
	bool pretty;
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_obj_open(struct json *j, const char *key);
void json_arr_open(struct json *j, const char *key);
void json_close(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* A number already formatted (e.g. "12.5"). */
void json_num(struct json *j, const char *key, const char *num);
/* End the document: a final newline. */
void json_end(struct json *j);

/* Write s as a JSON string literal, quotes included. */
void json_write_string(FILE *f, const char *s);

#endif
