/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets of the CLI (cli/fuzz/fuzz_*.c): each
 * links the CLI's own objects, runs without a kernel and starts every
 * input from the same state.
 */
#ifndef VGATE_FUZZ_H
#define VGATE_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The CLI's globals as a fresh vgate process has them (dry-run as asked),
 * and what the previous input left freed: call first for every input.
 */
void fuzz_reset(bool dry_run);
/* The input as a NUL-terminated string (malloc()ed; stops at a NUL). */
char *fuzz_str(const uint8_t *data, size_t size);

/*
 * size bytes at data as the file "fuzz.conf" of "vgate -f" (run_stream()):
 * 0, or -1 when it cannot be opened as a stream.
 */
int fuzz_run_file(const void *data, size_t size);

/*
 * An input may pack several, each followed by FUZZ_SEP (the committed
 * corpora are packed so, to stay a few files): fuzz_each() runs one()
 * on each as an input of its own.  An input without it is one input.
 */
#define FUZZ_SEP "\n#--next-input--\n"
void fuzz_each(const uint8_t *data, size_t size,
	       void (*one)(const uint8_t *data, size_t size));

#endif
