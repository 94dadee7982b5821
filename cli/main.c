// SPDX-License-Identifier: GPL-2.0
/*
 * vgate: configure the vgate IPsec gateway.
 *
 *   vgate [-j] [-n NETNS] [-f FILE] [COMMAND...]
 *   vgate -V | --version
 *
 * One-shot when a command is given, a command file with -f, an interactive
 * shell otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cmd.h"
#include "complete.h"
#include "file.h"
#include "nl.h"
#include "parse.h"
#include "show.h"

#define MAX_WORDS FILE_MAX_WORDS

static void usage(FILE *f)
{
	cmd_usage(f);
}

/* Wipe a line that may hold key material. */
static void wipe(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
}

static int run_line(char *line)
{
	char *argv[MAX_WORDS];
	int argc = cmd_split(line, argv, MAX_WORDS);

	if (argc < 0) {
		vg_err("too many words (at most %d)", MAX_WORDS);
		return EXIT_USAGE;
	}
	return cmd_run(argc, argv);
}

/*
 * -n NETNS: run in the network namespace "ip netns add NETNS" made (as
 * "ip -n"), entered before any socket is opened: every request, the
 * interface lookups and TAB see that namespace.
 */
static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, r;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..") || strlen(name) >= NAME_MAX) {
		vg_err("bad network namespace \"%s\" (a name from ip netns list)",
		       name);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			vg_err("bad network namespace \"%s\" (no %s: see ip netns list)",
			       name, path);
		else
			vg_err("cannot open network namespace \"%s\": %s", name,
			       strerror(errno));
		return EXIT_USAGE;
	}
	r = setns(fd, CLONE_NEWNET);
	if (r)
		vg_err("cannot enter network namespace \"%s\": %s", name,
		       strerror(errno));
	close(fd);
	return r ? EXIT_KERNEL : 0;
}

/* ---- interactive shell ---- */

struct cands {
	char **v;
	size_t n, cap;
	const char *prefix;
	size_t plen;
};

static void collect(const char *word, const char *help, bool literal,
		    void *arg)
{
	struct cands *c = arg;

	(void)help;
	if (!literal || strncmp(word, c->prefix, c->plen))
		return;
	if (c->n + 1 >= c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		char **p = realloc(c->v, cap * sizeof(*p));

		if (!p)
			return;
		c->v = p;
		c->cap = cap;
	}
	c->v[c->n++] = strdup(word);
	c->v[c->n] = NULL;
}

static struct cands comp;
static size_t comp_next;

static char *comp_gen(const char *text, int state)
{
	(void)text;
	if (!state)
		comp_next = 0;
	if (comp_next < comp.n)
		return strdup(comp.v[comp_next++]);
	return NULL;
}

static void comp_reset(void)
{
	size_t i;

	for (i = 0; i < comp.n; i++)
		free(comp.v[i]);
	free(comp.v);
	memset(&comp, 0, sizeof(comp));
}

static char **complete(const char *text, int start, int end)
{
	char *argv[MAX_WORDS];
	char *buf = strndup(rl_line_buffer, start);
	char **m = NULL;
	int argc;

	(void)end;
	rl_attempted_completion_over = 1;
	if (!buf)
		return NULL;
	argc = cmd_split(buf, argv, MAX_WORDS);
	comp_reset();
	if (argc >= 0) {
		comp.prefix = text;
		comp.plen = strlen(text);
		cmd_next(argc, argv, collect, &comp);
		m = rl_completion_matches(text, comp_gen);
	}
	free(buf);
	return m;
}

struct qhelp {
	const char *prefix;
	size_t plen;
};

static void qhelp_one(const char *word, const char *help, bool literal,
		      void *arg)
{
	struct qhelp *q = arg;

	if (q->plen && (!literal || strncmp(word, q->prefix, q->plen)))
		return;
	printf("  %-20s %s\n", word, help);
}

/* '?': list the possible next words, then redisplay the line. */
static int help_key(int count, int key)
{
	char *argv[MAX_WORDS];
	char *buf = strndup(rl_line_buffer, rl_point);
	struct qhelp q = { "", 0 };
	int argc;

	(void)count;
	(void)key;
	if (!buf)
		return 0;
	argc = cmd_split(buf, argv, MAX_WORDS);
	putchar('\n');
	if (argc >= 0) {
		/* In the middle of a word: what it may become. */
		if (rl_point > 0 && rl_line_buffer[rl_point - 1] != ' ' &&
		    rl_line_buffer[rl_point - 1] != '\t' && argc > 0) {
			q.prefix = argv[argc - 1];
			q.plen = strlen(q.prefix);
			argc--;
		}
		if (q.plen) {
			cmd_next(argc, argv, qhelp_one, &q);
		} else {
			cmd_help_next(stdout, argc, argv);
		}
	}
	free(buf);
	fflush(stdout);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

/*
 * Ctrl-C cancels the line being typed and shows a fresh prompt, as in
 * bash and router shells; it never ends the shell (Ctrl-D on an empty
 * line or "quit" do).  The handler only sets a flag (async-signal-safe).
 * While readline() waits for a key, readline's own handler catches the
 * signal (it echoes ^C, restores the terminal and calls ours), and its
 * interrupted read then runs rl_signal_event_hook, where the line is
 * wiped and dropped, outside the signal handler.  A command that is
 * running when Ctrl-C comes runs to its end (SA_RESTART: its reads and
 * writes are not interrupted; every command ends by itself, the shell has
 * no monitor views); the Ctrl-C is then forgotten.
 */
static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

static int sigint_hook(void)
{
	if (!got_sigint)
		return 0;
	got_sigint = 0;
	rl_free_line_state();
	wipe(rl_line_buffer);	/* it may hold a key */
	rl_replace_line("", 0);
	rl_point = rl_end = rl_mark = 0;
	/* readline echoed ^C (if the terminal has echoctl) */
	fputc('\n', rl_outstream ? rl_outstream : stdout);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

static int shell(void)
{
	struct sigaction sa;
	char *line;
	size_t len;

	cmd_shell = true;
	rl_readline_name = "vgate";
	rl_attempted_completion_function = complete;
	rl_bind_key('?', help_key);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	rl_signal_event_hook = sigint_hook;
	while (!cmd_quit) {
		got_sigint = 0;		/* one that came while a command ran */
		line = readline("vgate> ");
		if (!line)
			break;
		len = strlen(line);
		if (*line && !strstr(line, "encKey") && !strstr(line, "authKey"))
			add_history(line);
		run_line(line);	/* splits it: NULs after the first word */
		explicit_bzero(line, len);
		free(line);
	}
	if (!cmd_quit)
		putchar('\n');
	comp_reset();
	return 0;
}

/*
 * A bad option (getopt_long's '?' or ':'; its own messages are off): one
 * line naming it, and a hint instead of the whole usage.
 */
static int bad_option(int c, char **argv, const struct option *opts)
{
	const char *arg = argv[optind - 1];
	const struct option *o;
	size_t len;

	if (c == ':') {
		if (!strncmp(arg, "--", 2))
			vg_err("option \"%s\" needs a value", arg);
		else
			vg_err("option \"-%c\" needs a value", optopt);
	} else if (!strncmp(arg, "--", 2)) {
		/* --json=x: a known option given a value it does not take */
		len = strcspn(arg + 2, "=");
		for (o = opts; o->name; o++)
			if (arg[2 + len] == '=' && o->has_arg == no_argument &&
			    !strncmp(o->name, arg + 2, len))
				break;
		if (o->name)
			vg_err("option \"--%s\" takes no value", o->name);
		else
			vg_err("unknown option \"%s\"", arg);
	} else {
		vg_err("unknown option \"-%c\"", optopt);
	}
	fprintf(stderr, "try 'vgate --help'\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "netns", required_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* Also among a command's arguments ("ipsec show sa -j"). */
	static const struct cmd_opt anywhere[] = {
		{ "-j", &show_json }, { "--json", &show_json }, { NULL, NULL },
	};
	const char *file = NULL, *netns = NULL, *env;
	int c, ret;

	env = getenv("VGATE_DRY_RUN");
	if (env && *env && strcmp(env, "0"))
		vg_dry_run = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jf:hn:V", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			show_json = true;
			break;
		case 'f':
			file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			netns = optarg;
			break;
		case 'D':
			vg_dry_run = true;
			break;
		case 'V':
			printf("vgate %s\n", VGATE_VERSION);
			return 0;
		default:
			return bad_option(c, argv, opts);
		}
	}
	if (file && optind < argc) {
		vg_err("bad argument \"%s\": -f and a command exclude each other",
		       argv[optind]);
		return EXIT_USAGE;
	}
	if (netns) {
		ret = enter_netns(netns);
		if (ret)
			return ret;
	}
	cmd_opts = anywhere;
	if (file)
		ret = run_file(file);
	else if (optind < argc && !strcmp(argv[optind], COMPLETE_WORD))
		ret = complete_main(argc - optind, argv + optind);
	else if (optind < argc)
		ret = cmd_run(argc - optind, argv + optind);
	else if (!isatty(STDIN_FILENO))
		ret = run_file("-");
	else
		ret = shell();
	cmd_forget();
	vg_nl_close();
	return ret;
}
