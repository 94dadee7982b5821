/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table: one entry per command drives dispatch, grammar
 * checks, TAB completion, '?' help and the usage text.
 */
#ifndef VGATE_CMD_H
#define VGATE_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nl.h"

#define CMD_MAX_WORDS 6
#define CMD_MAX_ARGS 32

/* struct cmd_arg.flags */
enum {
	ARG_REQ = 1U << 0,	/* must be given */
	ARG_POS = 1U << 1,	/* positional: no keyword, value only */
	ARG_FLAG = 1U << 2,	/* a keyword alone, no value (e.g. "pre") */
	ARG_HIDDEN = 1U << 3,	/* not completed, not in usage or help */
	ARG_PEER = 1U << 4,	/* value is an existing peer: TAB lists them */
	ARG_IFACE = 1U << 5,	/* value is an interface: TAB lists them */
	ARG_OPEN = 1U << 6,	/* choices are not all: TAB and usage show meta */
};

struct cmd_arg {
	const char *kw;			/* keyword (NULL for positional) */
	const char *meta;		/* value placeholder, e.g. "SPI" */
	const char *const *choices;	/* fixed values (completion), or NULL */
	const char *help;
	unsigned int flags;
	/* Check one token as soon as it is read, so that the first bad
	 * token is the one reported; prints a message naming it.
	 */
	int (*valid)(const struct cmd_arg *a, const char *s);
};

struct cmd;
/*
 * Parsed tokens: val[i] is the value for args[i], or NULL; word[i] the
 * token given for words[i] (the value of a value word, see struct cmd).
 */
struct cmd_vals {
	const char *val[CMD_MAX_ARGS];
	const char *word[CMD_MAX_WORDS];
};

struct cmd {
	/*
	 * e.g. "ipsec", "sa", "add".  A word may stand for a value, like IF
	 * in "ip arp ackGratuitous interface IF active": any token matches
	 * it, checked and completed as a value (cmd.c: word_arg()).
	 */
	const char *words[CMD_MAX_WORDS];
	const struct cmd_arg *args;		/* terminated by { 0 } */
	/* Fill req from vals; print a message naming the bad token. */
	int (*parse)(const struct cmd *c, const struct cmd_vals *v,
		     struct vg_req *req);
	/* Carry req out (netlink, output). */
	int (*run)(const struct cmd *c, struct vg_req *req);
	const char *help;
	uint8_t nlcmd;				/* enum vgate_cmd, or 0 */
};

/* Exit codes. */
#define EXIT_USAGE 1
#define EXIT_KERNEL 2

extern bool cmd_shell;		/* interactive: quit and exit exist */
extern bool cmd_quit;		/* set by quit/exit */

/*
 * Run one command given as words, as typed (one-shot or the shell): a
 * "?" word prints what may follow the words before it instead.  Returns
 * 0, EXIT_USAGE or EXIT_KERNEL.  Keys in req are wiped before returning.
 */
int cmd_run(int argc, char **argv);

/*
 * The two halves of cmd_run without its "?": parse words into *c and
 * *req (no netlink; 0 or EXIT_USAGE; "?" is a word like any other), then
 * carry them out (0, EXIT_USAGE or EXIT_KERNEL).
 */
int cmd_parse(int argc, char **argv, const struct cmd **c, struct vg_req *req);
int cmd_exec(const struct cmd *c, struct vg_req *req);
/*
 * "ipsec rule add" of several rules in one RULE_NEW (vg_nl_rule_batch():
 * rules[0..*sent), all or none); in dry-run the rules are remembered for
 * the warnings like the ones run_rule() sends.
 */
int cmd_rule_batch(const struct vg_rule *const *rules, size_t n,
		   size_t *sent);
/* Is this a policy configuration change (rule, peer, knob set)? */
bool cmd_is_config(const struct vg_req *req);
/* Inside "vgate -f": warnings wait for the commit; peer IDs are tracked. */
extern bool cmd_in_file;
/*
 * Warnings about the running policy (shadowed rules, self capture) on
 * stderr; only those naming rule only_id unless it is 0.  In dry-run the
 * rules sent by this invocation are checked instead.
 */
void cmd_warn_rules(uint32_t only_id);
/*
 * Forget (and free) what this invocation learnt of the peers and the
 * rules it sent for the warnings: the next command starts afresh.
 */
void cmd_forget(void);

/*
 * Possible next words after argv[0..argc-1] (completed words).  For each
 * calls fn(word, help, arg); word is a literal or, for a value, a
 * placeholder like "<SPI>".  Returns the number of candidates.
 */
int cmd_next(int argc, char **argv,
	     void (*fn)(const char *word, const char *help, bool literal,
			void *arg),
	     void *arg);
/* Print the possible next words with help ("?"). */
void cmd_help_next(FILE *f, int argc, char **argv);
/* The usage text: every command. */
void cmd_usage(FILE *f);
/*
 * Call fn for every command of the table that may run here (not quit and
 * exit outside the shell), in table order.
 */
void cmd_foreach(void (*fn)(const struct cmd *c, void *arg), void *arg);

/* Split a line into words in place (whitespace, '#' starts a comment). */
int cmd_split(char *line, char **argv, int max);

#endif
