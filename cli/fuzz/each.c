// SPDX-License-Identifier: GPL-2.0
/*
 * Input helpers of every fuzz target (fuzz.h), apart from common.c so
 * that a target of libvgate alone (fuzz_events.c) links them without the
 * CLI.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void fuzz_each(const uint8_t *data, size_t size,
	       void (*one)(const uint8_t *data, size_t size))
{
	const size_t seplen = sizeof(FUZZ_SEP) - 1;
	const uint8_t *sep;

	while ((sep = memmem(data, size, FUZZ_SEP, seplen))) {
		one(data, sep - data);
		size -= sep + seplen - data;
		data = sep + seplen;
	}
	if (size)
		one(data, size);
}
