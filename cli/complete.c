// SPDX-License-Identifier: GPL-2.0
/*
 * vgate complete: what TAB in the shell offers, for bash (completion/vgate)
 * and for tests.  The same cmd_next() as the shell: command words,
 * keywords, fixed values, peer names and interfaces where the table says
 * so.  Placeholders (<SPI>, <RANGE>, <Enter>) are not candidates.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "complete.h"
#include "parse.h"

struct cand_ctx {
	const char *prefix;
	size_t plen;
	int count;
};

static void print_cand(const char *word, const char *help, bool literal,
		       void *arg)
{
	struct cand_ctx *c = arg;

	(void)help;
	if (!literal || strncmp(word, c->prefix, c->plen))
		return;
	printf("%s\n", word);
	c->count++;
}

static void print_cmd(const struct cmd *c, void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < CMD_MAX_WORDS && c->words[i]; i++)
		printf("%s%s", i ? " " : "", c->words[i]);
	putchar('\n');
}

int complete_main(int argc, char **argv)
{
	struct cand_ctx c = { "", 0, 0 };
	bool quiet = vg_err_quiet;

	argc--;
	argv++;
	if (argc == 1 && !strcmp(argv[0], "--commands")) {
		cmd_foreach(print_cmd, NULL);
		return 0;
	}
	if (argc < 1) {
		vg_err("complete: give the words typed, the last one partial (\"\" for a new word)");
		return EXIT_USAGE;
	}
	c.prefix = argv[argc - 1];
	c.plen = strlen(c.prefix);
	/* A bad word before the last one: no candidates, no message. */
	vg_err_quiet = true;
	cmd_next(argc - 1, argv, print_cand, &c);
	vg_err_quiet = quiet;
	return 0;
}
