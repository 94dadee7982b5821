/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The grammar engine: the subsystems' command tables (one entry per
 * command) drive dispatch, grammar checks, TAB completion, '?' help and
 * the usage text.  The engine knows no subsystem: each one (ipsec.c,
 * garp.c, bwm.c, core.c) registers a struct cmd_subsys, and
 * cmd_subsystems[] (core.c) lists them in the order of the usage text.
 * This was cmd.h, which had the subsystems' entry points too; those are
 * now in their own headers (cmd.h still includes them all).
 */
#ifndef VGATE_GRAMMAR_H
#define VGATE_GRAMMAR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nl.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define CMD_MAX_WORDS 6
#define CMD_MAX_ARGS 32

/* struct cmd_arg.flags */
enum {
	ARG_REQ = 1U << 0,	/* must be given */
	ARG_POS = 1U << 1,	/* positional: no keyword, value only */
	ARG_FLAG = 1U << 2,	/* a keyword alone, no value (e.g. "pre") */
	ARG_HIDDEN = 1U << 3,	/* not completed, not in usage or help */
	ARG_PEER = 1U << 4,	/* value is an existing peer: TAB lists them
				 * (the subsystem's complete hook) */
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
	unsigned int opts;	/* bit i: cmd_opts[i] was among the words */
};

/*
 * Options that may also stand among a command's arguments, wherever a
 * keyword may ("ipsec show sa -j"): main.c sets cmd_opts (at most 32,
 * ended by a NULL name).  Such an option applies to that command only:
 * cmd_exec() sets *flag while it runs.  Where a value is expected the
 * token is the value ("descr -j").
 */
struct cmd_opt {
	const char *name;
	bool *flag;
};

extern const struct cmd_opt *cmd_opts;

struct cmd {
	/*
	 * e.g. "ipsec", "sa", "add".  A word may stand for a value, like IF
	 * in "ip arp ackGratuitous interface IF active": any token matches
	 * it, checked and completed as a value (CMD_W_IF, grammar.c:
	 * word_arg()).
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
	unsigned int flags;			/* CMD_x */
};

/* struct cmd.flags */
enum {
	/*
	 * A configuration change: inside "vgate -f" it joins the one
	 * transaction (the other lines run after the commit).  The parse
	 * function may set VG_REQ_READ for a request that only reads (a
	 * knob given without a value), which then runs after the commit.
	 */
	CMD_TXN = 1U << 0,
	CMD_SHELL = 1U << 1,	/* the interactive shell only (quit, exit) */
};

/* A value word of struct cmd.words: an Ethernet interface. */
extern const char CMD_W_IF[];

/* The callback of cmd_next() and of a subsystem's complete hook. */
typedef void cmd_word_fn(const char *word, const char *help, bool literal,
			 void *arg);

/* Help for a word that starts several commands ("ipsec", "sa"). */
struct cmd_group {
	const char *word, *help;
};

/* What a subsystem registers: one table of everything it adds. */
struct cmd_subsys {
	const char *name;
	const struct cmd *cmds;
	size_t ncmds;
	const struct cmd_group *groups;
	size_t ngroups;
	/*
	 * Its lines of "config save|show" (commands for vgate -f), or
	 * NULL: 0 or a negative errno after printing a message.
	 */
	int (*config)(FILE *f);
	/*
	 * TAB on a value of one of its commands, beyond the fixed choices
	 * (e.g. existing peers for ARG_PEER): calls fn per candidate and
	 * returns their number.  NULL: none.
	 */
	int (*complete)(const struct cmd_arg *a, cmd_word_fn *fn, void *arg);
	/* Its value words, printed after the commands' usage, or NULL. */
	void (*usage)(FILE *f);
	/*
	 * The netlink family whose transaction its CMD_TXN commands join
	 * in "vgate -f" (cli/file.c), or NULL.
	 */
	const struct vg_family_desc *txn;
};

/* Every subsystem, in the order of the usage text; NULL-terminated. */
extern const struct cmd_subsys *const cmd_subsystems[];

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
 * Does this parsed command join a "vgate -f" transaction (CMD_TXN and
 * not VG_REQ_READ)?  Was cmd_is_config(req), a switch over the netlink
 * command: the command's own flag now says it.
 */
bool cmd_is_config(const struct cmd *c, const struct vg_req *req);
/* If it does, the family of that transaction (its subsystem's .txn). */
const struct vg_family_desc *cmd_txn_family(const struct cmd *c,
					    const struct vg_req *req);
/* Inside "vgate -f": warnings wait for the commit; peer IDs are tracked. */
extern bool cmd_in_file;

/*
 * Possible next words after argv[0..argc-1] (completed words).  For each
 * calls fn(word, help, arg); word is a literal or, for a value, a
 * placeholder like "<SPI>".  Returns the number of candidates.
 */
int cmd_next(int argc, char **argv, cmd_word_fn *fn, void *arg);
/* Print the possible next words with help ("?"). */
void cmd_help_next(FILE *f, int argc, char **argv);
/* The usage text: the options, then every command. */
void cmd_usage(FILE *f);
/* The commands part of the usage: every command, then the value words. */
void cmd_usage_commands(FILE *f);
/*
 * One usage line of value words: "NAME:" padded, then the choices,
 * wrapped at 78 columns (e.g. "ENC:   null aes128-cbc ...").
 */
void cmd_usage_values(FILE *f, const char *name, const char *const *choices);
/*
 * Call fn for every command of the table that may run here (not quit and
 * exit outside the shell), in table order (vgate complete --commands).
 */
void cmd_foreach(void (*fn)(const struct cmd *c, void *arg), void *arg);
/* The number of words of c (its name, value words included). */
int cmd_nwords(const struct cmd *c);
/* A parse function for commands without arguments: req->cmd = c->nlcmd. */
int cmd_parse_none(const struct cmd *c, const struct cmd_vals *v,
		   struct vg_req *req);
/* A command without arguments. */
extern const struct cmd_arg cmd_no_args[];

/* Split a line into words in place (whitespace, '#' starts a comment). */
int cmd_split(char *line, char **argv, int max);

#endif
