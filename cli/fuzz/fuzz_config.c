// SPDX-License-Identifier: GPL-2.0
/*
 * A command file, as "vgate -f FILE" reads it (run_stream()): every line
 * parsed first, then the transaction and the other commands run in
 * dry-run (requests printed, no socket), the rule batches and the
 * shadow and self-capture warnings included.
 */
#include <stdio.h>

#include "../file.h"
#include "fuzz.h"

static void one(const uint8_t *data, size_t size)
{
	FILE *f;

	if (!size)
		return;
	fuzz_reset(true);
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return;
	run_stream(f, "fuzz.conf");
	fclose(f);
	fuzz_reset(true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each(data, size, one);
	return 0;
}
