/* SPDX-License-Identifier: GPL-2.0 */
/* Test helper: hex as RFCs print it ("C88F01F5 10D9AC3F ...") to bytes. */
#ifndef IKE_TEST_HEX_H
#define IKE_TEST_HEX_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Spaces and newlines are skipped; the length, or -1 if not hex. */
static inline long unhex(uint8_t *out, size_t cap, const char *s)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s; s++) {
		if (isspace((unsigned char)*s))
			continue;
		if (!isxdigit((unsigned char)*s))
			return -1;
		v = isdigit((unsigned char)*s) ? *s - '0' :
		    tolower((unsigned char)*s) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

static inline void tohex(char *out, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * len] = '\0';
}

#endif
