// SPDX-License-Identifier: GPL-2.0
/*
 * A command file, as "vgate -f FILE" reads it (run_stream()): every line
 * parsed first, then the transaction and the other commands run in
 * dry-run (requests printed, no socket), the rule batches and the
 * shadow and self-capture warnings included.
 */
#include "fuzz.h"

static void one(const uint8_t *data, size_t size)
{
	if (!size)
		return;
	fuzz_reset(true);
	if (fuzz_run_file(data, size))
		return;
	fuzz_reset(true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each(data, size, one);
	return 0;
}
