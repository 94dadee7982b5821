// SPDX-License-Identifier: GPL-2.0
/*
 * The grammar engine: finds the command the words name in the
 * subsystems' tables (cmd_subsystems[]), assigns the value tokens to its
 * arguments, checks them, and dispatches to its parse and run functions;
 * TAB completion, '?' help and the usage text come from the same tables.
 * It knows no subsystem.  Parsing fills a struct vg_req and never talks
 * to netlink.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <net/if.h>

#include "grammar.h"
#include "parse.h"
#include "values.h"

bool cmd_shell;
bool cmd_quit;
bool cmd_in_file;
const struct cmd_opt *cmd_opts;

const struct cmd_arg cmd_no_args[] = { { 0 } };

/*
 * Every command of every subsystem, in cmd_subsystems[] order, with its
 * subsystem: the tables are read once.
 */
#define CMD_MAX_CMDS 256

static const struct cmd *cmds[CMD_MAX_CMDS];
static const struct cmd_subsys *cmd_subs[CMD_MAX_CMDS];
static size_t ncmds;

static void load_table(void)
{
	const struct cmd_subsys *const *s;
	size_t i;

	if (ncmds)
		return;
	for (s = cmd_subsystems; *s; s++)
		for (i = 0; i < (*s)->ncmds && ncmds < CMD_MAX_CMDS; i++) {
			cmd_subs[ncmds] = *s;
			cmds[ncmds++] = &(*s)->cmds[i];
		}
}

static const struct cmd_subsys *subsys_of(const struct cmd *c)
{
	size_t i;

	for (i = 0; i < ncmds; i++)
		if (cmds[i] == c)
			return cmd_subs[i];
	return NULL;
}


/*
 * Command words standing for a value: any token matches, the word's arg
 * checks it (before the arguments) and TAB completes it.
 */
const char CMD_W_IF[] = "IF";

static const struct cmd_arg if_word = {
	NULL, "IF", NULL, "an Ethernet interface", ARG_IFACE, v_ifname
};

static const struct cmd_arg *word_arg(const char *w)
{
	return w == CMD_W_IF ? &if_word : NULL;
}

static bool word_match(const char *w, const char *tok)
{
	return word_arg(w) || !strcmp(w, tok);
}

int cmd_parse_none(const struct cmd *c, const struct cmd_vals *v,
		   struct vg_req *req)
{
	(void)v;
	req->cmd = c->nlcmd;
	req->obj = VG_OBJ_NONE;
	return 0;
}


static bool visible(const struct cmd *c)
{
	return cmd_shell || !(c->flags & CMD_SHELL);
}

static int nwords(const struct cmd *c)
{
	int n = 0;

	while (n < CMD_MAX_WORDS && c->words[n])
		n++;
	return n;
}

int cmd_nwords(const struct cmd *c)
{
	return nwords(c);
}

static int nargs(const struct cmd *c)
{
	int n = 0;

	while (c->args[n].meta)
		n++;
	return n;
}

/* Does c start with the words argv[0..n-1]? */
static bool prefix_match(const struct cmd *c, int n, char **argv)
{
	int i;

	if (n > nwords(c))
		return false;
	for (i = 0; i < n; i++)
		if (!word_match(c->words[i], argv[i]))
			return false;
	return true;
}

/* The help of a word that starts several commands of subsystem s. */
static const char *group_help(const struct cmd_subsys *s, const char *word)
{
	size_t i;

	for (i = 0; i < s->ngroups; i++)
		if (!strcmp(s->groups[i].word, word))
			return s->groups[i].help;
	return "";
}

static void join(char *buf, size_t len, int n, char **argv)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, argv[i], len - strlen(buf) - 1);
	}
}

/* Words that may follow argv[0..n-1] at command level, space separated. */
static void next_words(char *buf, size_t len, int n, char **argv)
{
	size_t i, j;

	buf[0] = '\0';
	load_table();
	for (i = 0; i < ncmds; i++) {
		const char *w;
		bool dup = false;

		if (!visible(cmds[i]) || !prefix_match(cmds[i], n, argv) ||
		    n >= nwords(cmds[i]))
			continue;
		w = cmds[i]->words[n];
		for (j = 0; j < i; j++)
			if (visible(cmds[j]) && prefix_match(cmds[j], n, argv) &&
			    n < nwords(cmds[j]) && !strcmp(cmds[j]->words[n], w))
				dup = true;
		if (dup)
			continue;
		if (buf[0])
			strncat(buf, ", ", len - strlen(buf) - 1);
		strncat(buf, w, len - strlen(buf) - 1);
	}
}

/*
 * Find the command named by the first words of argv.  On failure print
 * what is wrong and return NULL.
 */
static const struct cmd *lookup_words(int argc, char **argv, bool quiet);

/* Does tok (not empty) start word, ignoring case? */
static bool is_prefix(const char *tok, const char *word)
{
	size_t n = strlen(tok);

	return n && !strncasecmp(tok, word, n);
}

/*
 * Command words may be given in any case and shortened to a unique
 * prefix: each such token in argv[0..argc-1] is replaced by the word it
 * stands for, so that what follows compares words exactly.  A word
 * matching in full (in any case) wins over longer ones it starts
 * ("natt", not "nattKeepalive"); a token where a command could already
 * end is left as it is (it is an argument), and so is one where a value
 * word stands and no word matches it (it is the value).  Returns 0, or -EINVAL for
 * a prefix of several words (with a message naming the token and the
 * words unless quiet).
 */
static int canon_words(int argc, char **argv, bool quiet)
{
	char want[256];
	int n;
	size_t i, j;

	load_table();
	for (n = 0; n < argc; n++) {
		const char *exact = NULL, *pre = NULL;
		bool value = false, ends = false;
		int npre = 0;

		want[0] = '\0';
		for (i = 0; i < ncmds; i++) {
			const char *w;
			bool dup = false;

			if (!visible(cmds[i]) || !prefix_match(cmds[i], n, argv))
				continue;
			if (nwords(cmds[i]) <= n) {
				ends = true;
				continue;
			}
			w = cmds[i]->words[n];
			if (word_arg(w)) {
				value = true;
				continue;
			}
			if (!strcasecmp(w, argv[n]))
				exact = w;
			if (!is_prefix(argv[n], w))
				continue;
			for (j = 0; j < i; j++)
				if (visible(cmds[j]) &&
				    prefix_match(cmds[j], n, argv) &&
				    nwords(cmds[j]) > n &&
				    !strcmp(cmds[j]->words[n], w))
					dup = true;
			if (dup)
				continue;
			pre = w;
			npre++;
			if (want[0])
				strncat(want, ", ", sizeof(want) - strlen(want) - 1);
			strncat(want, w, sizeof(want) - strlen(want) - 1);
		}
		if (exact) {
			argv[n] = (char *)exact;
			continue;
		}
		if (ends || (!npre && !value))
			return 0;	/* an argument, or unknown */
		if (!npre)
			continue;	/* a value word's value */
		if (npre > 1) {
			if (!quiet)
				vg_err("ambiguous command \"%s\" (%s)", argv[n],
				       want);
			return -EINVAL;
		}
		argv[n] = (char *)pre;
	}
	return 0;
}

/*
 * The command named by the first words of argv.  The last one found is
 * tried first (command files repeat the same command thousands of times):
 * which command the words name depends on those words only, and on
 * whether it is visible (quit and exit in the shell only).
 */
static const struct cmd *lookup(int argc, char **argv, bool quiet)
{
	static const struct cmd *last;
	const struct cmd *c = last;
	int n, i;

	if (c && visible(c)) {
		n = nwords(c);
		for (i = 0; i < n && i < argc; i++)
			if (!word_match(c->words[i], argv[i]))
				break;
		if (i == n)
			return c;
	}
	if (canon_words(argc, argv, quiet))
		return NULL;
	c = lookup_words(argc, argv, quiet);
	if (c)
		last = c;
	return c;
}

static const struct cmd *lookup_words(int argc, char **argv, bool quiet)
{
	char have[128], want[256];
	size_t i;
	int n;

	load_table();
	for (n = 0; ; n++) {
		bool any = false;

		for (i = 0; i < ncmds; i++) {
			if (!visible(cmds[i]) || !prefix_match(cmds[i], n, argv))
				continue;
			if (nwords(cmds[i]) == n)
				return cmds[i];
			any = true;
		}
		if (!any)
			break;
		if (n >= argc) {
			if (!quiet) {
				join(have, sizeof(have), n, argv);
				next_words(want, sizeof(want), n, argv);
				vg_err("incomplete command \"%s\" (next: %s)",
				       have, want);
			}
			return NULL;
		}
		for (i = 0; i < ncmds; i++)
			if (visible(cmds[i]) && prefix_match(cmds[i], n + 1, argv))
				break;
		if (i == ncmds) {
			if (!quiet) {
				next_words(want, sizeof(want), n, argv);
				vg_err("unknown command \"%s\" (expected %s)",
				       argv[n], want);
			}
			return NULL;
		}
	}
	return NULL;
}

/*
 * The argument whose keyword tok is: in any case, or a unique prefix of
 * a keyword (not of a hidden one).  Returns its index, or -1 with a
 * message unless quiet: unknown, or the prefix of several keywords.
 */
static int find_kw(const struct cmd *c, const char *tok, bool quiet)
{
	int na = nargs(c), a, found = -1, n = 0;
	char name[128], want[256] = "";

	for (a = 0; a < na; a++)
		if (c->args[a].kw && !strcasecmp(c->args[a].kw, tok))
			return a;
	for (a = 0; a < na; a++) {
		const struct cmd_arg *ca = &c->args[a];

		if (!ca->kw || (ca->flags & ARG_HIDDEN) || !is_prefix(tok, ca->kw))
			continue;
		found = a;
		n++;
		if (want[0])
			strncat(want, ", ", sizeof(want) - strlen(want) - 1);
		strncat(want, ca->kw, sizeof(want) - strlen(want) - 1);
	}
	if (n == 1)
		return found;
	if (!quiet) {
		join(name, sizeof(name), nwords(c), (char **)c->words);
		if (n)
			vg_err("ambiguous keyword \"%s\" for \"%s\" (%s)", tok,
			       name, want);
		else
			vg_err("unknown keyword \"%s\" for \"%s\"", tok, name);
	}
	return -1;
}

/* Is tok one of cmd_opts?  Its bit, or 0. */
static unsigned int opt_bit(const char *tok)
{
	unsigned int i;

	for (i = 0; cmd_opts && cmd_opts[i].name && i < 32; i++)
		if (!strcmp(cmd_opts[i].name, tok))
			return 1U << i;
	return 0;
}

/*
 * Assign the value tokens to the arguments.  Returns 0 or -EINVAL (with a
 * message unless quiet).  *pending is set to the argument whose keyword
 * ended the tokens without a value (for completion), else -1.
 */
static int assign(const struct cmd *c, int argc, char **argv,
		  struct cmd_vals *v, bool quiet, int *pending)
{
	int na = nargs(c), i, a, pos = 0, skip = 0;
	unsigned int bit;

	memset(v, 0, sizeof(*v));
	*pending = -1;
	for (i = 0; i < argc; i++) {
		bit = opt_bit(argv[i]);
		if (bit) {		/* "-j" among the arguments */
			v->opts |= bit;
			skip++;
			continue;
		}
		/* Positional arguments come first, in order. */
		while (pos < na && !(c->args[pos].flags & ARG_POS))
			pos++;
		if (pos < na && !v->val[pos] && i - skip == pos) {
			v->val[pos] = argv[i];
			if (!quiet && c->args[pos].valid &&
			    c->args[pos].valid(&c->args[pos], argv[i]))
				return -EINVAL;
			pos++;
			continue;
		}
		a = find_kw(c, argv[i], quiet);
		if (a < 0)
			return -EINVAL;
		if (v->val[a]) {
			if (!quiet)
				vg_err("bad keyword \"%s\" (given twice)", argv[i]);
			return -EINVAL;
		}
		if (c->args[a].flags & ARG_FLAG) {
			v->val[a] = c->args[a].kw;
			continue;
		}
		if (i + 1 >= argc) {
			if (quiet) {
				*pending = a;
				return 0;
			}
			vg_err("missing value after \"%s\" (%s)", argv[i],
			       c->args[a].meta);
			return -EINVAL;
		}
		v->val[a] = argv[++i];
		if (!quiet && c->args[a].valid &&
		    c->args[a].valid(&c->args[a], v->val[a]))
			return -EINVAL;
	}
	return 0;
}

static int check_required(const struct cmd *c, const struct cmd_vals *v)
{
	char name[128];
	int a;

	for (a = 0; c->args[a].meta; a++) {
		if (!(c->args[a].flags & ARG_REQ) || v->val[a])
			continue;
		join(name, sizeof(name), nwords(c), (char **)c->words);
		if (c->args[a].kw)
			vg_err("missing \"%s %s\" for \"%s\"", c->args[a].kw,
			       c->args[a].meta, name);
		else
			vg_err("missing %s for \"%s\"", c->args[a].meta, name);
		return -EINVAL;
	}
	return 0;
}

int cmd_parse(int argc, char **argv, const struct cmd **cp,
	      struct vg_req *req)
{
	const struct cmd *c;
	struct cmd_vals v;
	int i, n, r, pending;

	*cp = NULL;
	if (argc == 0)
		return 0;
	c = lookup(argc, argv, false);
	if (!c)
		return EXIT_USAGE;
	n = nwords(c);
	/* Not the whole of arg[] (4 KB), for 100k-line files. */
	memset(req, 0, offsetof(struct vg_req, arg));
	req->arg[0] = '\0';
	/* Value words come first: check them first. */
	for (i = 0, r = 0; i < n && !r; i++) {
		const struct cmd_arg *wa = word_arg(c->words[i]);

		if (wa && wa->valid)
			r = wa->valid(wa, argv[i]);
	}
	if (!r)
		r = assign(c, argc - n, argv + n, &v, false, &pending);
	for (i = 0; i < n; i++)
		v.word[i] = argv[i];
	if (!r)
		r = check_required(c, &v);
	if (!r)
		r = c->parse(c, &v, req);
	req->opts = v.opts;
	if (r) {
		explicit_bzero(req, sizeof(*req));
		return EXIT_USAGE;
	}
	*cp = c;
	return 0;
}

int cmd_exec(const struct cmd *c, struct vg_req *req)
{
	bool saved[32];
	unsigned int i;
	int r;

	if (!c)
		return 0;
	for (i = 0; req->opts && cmd_opts[i].name && i < 32; i++) {
		saved[i] = *cmd_opts[i].flag;
		if (req->opts & (1U << i))
			*cmd_opts[i].flag = true;
	}
	r = c->run(c, req) ? EXIT_KERNEL : 0;
	for (i = 0; req->opts && cmd_opts[i].name && i < 32; i++)
		*cmd_opts[i].flag = saved[i];
	return r;
}

bool cmd_is_config(const struct cmd *c, const struct vg_req *req)
{
	return (c->flags & CMD_TXN) && !(req->flags & VG_REQ_READ);
}

const struct vg_family_desc *cmd_txn_family(const struct cmd *c,
					    const struct vg_req *req)
{
	const struct cmd_subsys *s;

	if (!cmd_is_config(c, req))
		return NULL;
	load_table();
	s = subsys_of(c);
	return s ? s->txn : NULL;
}


struct help_probe {
	bool literal_help;	/* "help" is itself a word that may follow */
	bool value;		/* a value may follow: "help" would be one */
};

static void help_probe_one(const char *word, const char *help, bool literal,
			   void *arg)
{
	struct help_probe *p = arg;

	(void)help;
	if (literal && !strcmp(word, "help"))
		p->literal_help = true;
	else if (!literal && strcmp(word, "<Enter>"))
		p->value = true;
}

/*
 * "vgate COMMAND... help" as "vgate COMMAND... ?": a last word "help"
 * where nothing but keywords (or the end) may come, so that "help" can be
 * neither a keyword nor a value there: "ipsec help", "bm class eth0 help",
 * "ipsec sa add 0x1000 help", but not "ipsec peer del help" (a peer named
 * help) nor "help" alone (the command).  Words before it that are already
 * wrong are left to the parser, which names the bad one.
 */
static bool help_word(int argc, char **argv)
{
	struct help_probe p = { false, false };

	if (argc < 2 || strcmp(argv[argc - 1], "help"))
		return false;
	if (!cmd_next(argc - 1, argv, help_probe_one, &p))
		return false;
	return !p.literal_help && !p.value;
}

int cmd_run(int argc, char **argv)
{
	const struct cmd *c;
	struct vg_req *req = malloc(sizeof(*req));
	int i, ret;

	if (!req) {
		vg_err("out of memory");
		return EXIT_KERNEL;
	}
	/*
	 * A "?" word asks what may follow the words before it.  Only here,
	 * for what a person types: in a command file "?" is a value like
	 * any other (config save writes a description "?" as "?").
	 */
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "?")) {
			cmd_help_next(stdout, i, argv);
			free(req);
			return 0;
		}
	}
	if (help_word(argc, argv)) {
		cmd_help_next(stdout, argc - 1, argv);
		free(req);
		return 0;
	}
	ret = cmd_parse(argc, argv, &c, req);
	if (!ret)
		ret = cmd_exec(c, req);
	explicit_bzero(req, sizeof(*req));
	free(req);
	return ret;
}

/*
 * Interface names for TAB: the Ethernet interfaces of this namespace
 * (what the gratuitous-ARP policy applies to; any whose type cannot be
 * read is listed too).
 */
static int complete_ifaces(cmd_word_fn *fn, void *arg)
{
	struct if_nameindex *ifs = if_nameindex(), *p;
	char path[64], type[16];
	int count = 0;

	if (!ifs)
		return 0;
	for (p = ifs; p->if_index; p++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/class/net/%s/type",
			 p->if_name);
		f = fopen(path, "r");
		if (f) {
			bool ether = fgets(type, sizeof(type), f) &&
				     atoi(type) == 1;	/* ARPHRD_ETHER */

			fclose(f);
			if (!ether)
				continue;
		}
		fn(p->if_name, "interface", true, arg);
		count++;
	}
	if_freenameindex(ifs);
	return count;
}


int cmd_next(int argc, char **argv, cmd_word_fn *fn, void *arg)
{
	const struct cmd_subsys *s;
	const struct cmd *c;
	struct cmd_vals v;
	size_t i, j;
	int n, count = 0, pending, a, na;
	char ph[64];

	/* Command words. */
	load_table();
	if (canon_words(argc, argv, true))
		return 0;
	for (i = 0; i < ncmds; i++) {
		const char *w;
		bool dup = false;

		if (!visible(cmds[i]) || !prefix_match(cmds[i], argc, argv) ||
		    argc >= nwords(cmds[i]))
			continue;
		w = cmds[i]->words[argc];
		for (j = 0; j < i; j++)
			if (visible(cmds[j]) &&
			    prefix_match(cmds[j], argc, argv) &&
			    argc < nwords(cmds[j]) &&
			    !strcmp(cmds[j]->words[argc], w))
				dup = true;
		if (dup)
			continue;
		if (word_arg(w)) {
			const struct cmd_arg *wa = word_arg(w);

			if (wa->flags & ARG_IFACE)
				count += complete_ifaces(fn, arg);
			snprintf(ph, sizeof(ph), "<%s>", wa->meta);
			fn(ph, wa->help, false, arg);
			count++;
			continue;
		}
		fn(w, nwords(cmds[i]) == argc + 1 ? cmds[i]->help :
		   group_help(cmd_subs[i], w), true, arg);
		count++;
	}
	if (count)
		return count;

	c = lookup(argc, argv, true);
	if (!c)
		return 0;
	s = subsys_of(c);
	n = nwords(c);
	if (assign(c, argc - n, argv + n, &v, true, &pending))
		return 0;
	na = nargs(c);
	if (pending >= 0) {
		const struct cmd_arg *ca = &c->args[pending];

		for (i = 0; ca->choices && ca->choices[i]; i++, count++)
			fn(ca->choices[i], value_help(ca, ca->choices[i]),
			   true, arg);
		if (s && s->complete)
			count += s->complete(ca, fn, arg);
		if (ca->flags & ARG_IFACE)
			count += complete_ifaces(fn, arg);
		if (!ca->choices || (ca->flags & ARG_OPEN) ||
		    strcmp(ca->meta, "PROTO") == 0 ||
		    strcmp(ca->meta, "RANGE") == 0) {
			snprintf(ph, sizeof(ph), "<%s>", ca->meta);
			fn(ph, ca->help, false, arg);
			count++;
		}
		return count;
	}
	/* The next positional argument, if still open. */
	for (a = 0; a < na; a++) {
		const struct cmd_arg *ca = &c->args[a];

		if (!(ca->flags & ARG_POS) || v.val[a])
			continue;
		/* keywords started: too late ("-j" does not count) */
		if (argc - n - __builtin_popcount(v.opts) > a)
			break;
		for (i = 0; ca->choices && ca->choices[i]; i++, count++)
			fn(ca->choices[i], ca->help, true, arg);
		if (s && s->complete)
			count += s->complete(ca, fn, arg);
		if (ca->flags & ARG_IFACE)
			count += complete_ifaces(fn, arg);
		if (!ca->choices || (ca->flags & ARG_OPEN)) {
			snprintf(ph, sizeof(ph), "<%s>", ca->meta);
			fn(ph, ca->help, false, arg);
			count++;
		}
		if (ca->flags & ARG_REQ)
			return count;
		break;
	}
	for (a = 0; a < na; a++) {
		const struct cmd_arg *ca = &c->args[a];

		if (!ca->kw || v.val[a] || (ca->flags & ARG_HIDDEN))
			continue;
		fn(ca->kw, ca->help, true, arg);
		count++;
	}
	for (a = 0; a < na; a++)
		if ((c->args[a].flags & ARG_REQ) && !v.val[a])
			break;
	if (a == na) {
		fn("<Enter>", "run the command", false, arg);
		count++;
	}
	return count;
}

struct help_ctx {
	FILE *f;
};

static void help_one(const char *word, const char *help, bool literal,
		     void *arg)
{
	struct help_ctx *h = arg;

	(void)literal;
	fprintf(h->f, "  %-20s %s\n", word, help);
}

void cmd_help_next(FILE *f, int argc, char **argv)
{
	struct help_ctx h = { f };

	if (!cmd_next(argc, argv, help_one, &h)) {
		char have[256];

		join(have, sizeof(have), argc, argv);
		fprintf(f, "  (nothing can follow \"%s\")\n", have);
	}
}

static void usage_args(FILE *f, const struct cmd *c)
{
	int a;

	for (a = 0; c->args[a].meta; a++) {
		const struct cmd_arg *ca = &c->args[a];
		bool opt = !(ca->flags & ARG_REQ);

		if (ca->flags & ARG_HIDDEN)
			continue;
		fputc(' ', f);
		if (opt)
			fputc('[', f);
		if (ca->flags & ARG_FLAG) {
			fputs(ca->kw, f);
			if (opt)
				fputc(']', f);
			continue;
		}
		if (ca->kw)
			fprintf(f, "%s ", ca->kw);
		if (ca->choices && !(ca->flags & ARG_OPEN) &&
		    strcmp(ca->meta, "RANGE") &&
		    strcmp(ca->meta, "PROTO") && strcmp(ca->meta, "ENC") &&
		    strcmp(ca->meta, "AUTH")) {
			int i;

			for (i = 0; ca->choices[i]; i++)
				fprintf(f, "%s%s", i ? "|" : "", ca->choices[i]);
		} else {
			fputs(ca->meta, f);
		}
		if (opt)
			fputc(']', f);
	}
}

void cmd_usage(FILE *f)
{
	fprintf(f, "Usage: vgate [-j] [-n NETNS] [-f FILE] [COMMAND...]\n"
		   "  no COMMAND and no -f: interactive shell (TAB completes, ? helps)\n"
		   "  -j       JSON output for show commands (--json; also after the\n"
		   "           command, among its arguments)\n"
		   "  -n NETNS run in network namespace NETNS (--netns; as ip -n:\n"
		   "           /run/netns/NETNS)\n"
		   "  -f FILE  apply a command file, one command per line\n"
		   "  -V       print the version (--version)\n"
		   "Keywords: any case, or a unique prefix (ipsec sh sa).\n\n");
	cmd_usage_commands(f);
}

void cmd_usage_commands(FILE *f)
{
	const struct cmd_subsys *const *s;
	size_t i;

	load_table();
	fprintf(f, "Commands:\n");
	for (i = 0; i < ncmds; i++) {
		char name[64];

		if (!visible(cmds[i]))
			continue;
		join(name, sizeof(name), nwords(cmds[i]), (char **)cmds[i]->words);
		fprintf(f, "  %s", name);
		usage_args(f, cmds[i]);
		fprintf(f, "\n      %s\n", cmds[i]->help);
	}
	for (s = cmd_subsystems; *s; s++)
		if ((*s)->usage) {
			fputc('\n', f);
			(*s)->usage(f);
		}
}

void cmd_usage_values(FILE *f, const char *name, const char *const *choices)
{
	int col = fprintf(f, "%-6s", name);

	for (; *choices; choices++) {
		if (col + 1 + (int)strlen(*choices) > 78) {
			fprintf(f, "\n      ");
			col = 6;
		}
		col += fprintf(f, " %s", *choices);
	}
	fputc('\n', f);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Words are separated by white space; "double quotes" keep spaces and '#'
 * in a word, \" and \\ inside them stand for " and \.  A '#' at the start
 * of a word starts a comment.
 */
int cmd_split(char *line, char **argv, int max)
{
	int n = 0;
	char *p = line, *o;

	for (;;) {
		bool more;

		while (is_space(*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (n == max)
			return -E2BIG;
		argv[n++] = o = p;
		while (*p && !is_space(*p)) {
			if (*p != '"') {
				*o++ = *p++;
				continue;
			}
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*o++ = *p++;
			}
			if (*p == '"')
				p++;
		}
		more = *p != '\0';
		*o = '\0';
		if (more)
			p++;
	}
	return n;
}

void cmd_foreach(void (*fn)(const struct cmd *c, void *arg), void *arg)
{
	size_t i;

	load_table();
	for (i = 0; i < ncmds; i++)
		if (visible(cmds[i]))
			fn(cmds[i], arg);
}
