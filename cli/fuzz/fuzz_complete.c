// SPDX-License-Identifier: GPL-2.0
/*
 * The shell's TAB and '?' on a partly typed line: the words before the
 * cursor (cmd_split()) and what may follow them (cmd_next(), the help
 * lines of cmd_help_next()).  The first byte's low bit: inside the
 * interactive shell (quit and exit exist) or not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd.h"
#include "../file.h"
#include "fuzz.h"

struct seen {
	size_t n, bytes;
};

static void seen_one(const char *word, const char *help, bool literal,
		     void *arg)
{
	struct seen *s = arg;

	(void)literal;
	s->n++;
	s->bytes += strlen(word) + strlen(help);
}

static void one(const uint8_t *data, size_t size)
{
	char *line, *argv[FILE_MAX_WORDS];
	struct seen s = { 0, 0 };
	int argc, n;

	if (!size)
		return;
	fuzz_reset(true);
	cmd_shell = data[0] & 1;
	line = fuzz_str(data + 1, size - 1);
	argc = cmd_split(line, argv, FILE_MAX_WORDS);
	if (argc >= 0) {
		n = cmd_next(argc, argv, seen_one, &s);
		if (n < 0 || (size_t)n != s.n)
			abort();	/* the count is what it called fn for */
		cmd_help_next(stdout, argc, argv);
	}
	free(line);
	fuzz_reset(true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each(data, size, one);
	return 0;
}
