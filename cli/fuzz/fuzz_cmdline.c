// SPDX-License-Identifier: GPL-2.0
/*
 * One command line, as "vgate COMMAND..." or the shell gets it: split
 * into words (cmd_split()), parsed by the command table and its value
 * checks (cmd_parse()), and run in dry-run (cmd_exec(): the netlink
 * request built and printed, no socket), as cmd_run() does.
 */
#include <stdlib.h>

#include "../cmd.h"
#include "../file.h"
#include "fuzz.h"

static void one(const uint8_t *data, size_t size)
{
	char *line, *argv[FILE_MAX_WORDS];
	int argc;

	fuzz_reset(true);
	line = fuzz_str(data, size);
	argc = cmd_split(line, argv, FILE_MAX_WORDS);
	if (argc >= 0)
		cmd_run(argc, argv);
	free(line);
	fuzz_reset(true);	/* frees what the command kept */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each(data, size, one);
	return 0;
}
