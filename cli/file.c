// SPDX-License-Identifier: GPL-2.0
/*
 * vgate -f FILE: a command file, parsed whole, then applied as one
 * transaction per family it changes, all or nothing (see run_stream()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "file.h"
#include "nl.h"
#include "parse.h"

#define MAX_WORDS FILE_MAX_WORDS

/*
 * A parsed line: "ipsec rule add" keeps only its rule (rules[rule]; a
 * struct vg_req is 5.7 KB, too much for 100k-rule files), the others their
 * whole request.
 */
struct fline {
	unsigned long lineno;
	const struct cmd *c;
	struct vg_req *req;	/* NULL for a rule add */
	size_t rule;
};

/* The families a file's configuration lines change (their transactions). */
enum { F_VGATE = 1, F_BWM = 2, F_GARP = 4 };

/* In commit order: vgate's commit is the only one that can fail. */
static const struct {
	unsigned int bit;
	const struct vg_family_desc *f;
	uint8_t begin, commit, abort;
} fams[] = {
	{ F_VGATE, &vg_family_vgate, VGATE_CMD_TXN_BEGIN,
	  VGATE_CMD_TXN_COMMIT, VGATE_CMD_TXN_ABORT },
	{ F_BWM, &vg_family_bwm, VGATE_BWM_CMD_TXN_BEGIN,
	  VGATE_BWM_CMD_TXN_COMMIT, VGATE_BWM_CMD_TXN_ABORT },
	{ F_GARP, &vg_family_garp, VGATE_GARP_CMD_TXN_BEGIN,
	  VGATE_GARP_CMD_TXN_COMMIT, VGATE_GARP_CMD_TXN_ABORT },
};

#define NFAMS (sizeof(fams) / sizeof(fams[0]))

/*
 * The family whose transaction a line goes to (its subsystem's, for a
 * CMD_TXN command); 0: it runs after the commits.
 */
static unsigned int line_family(const struct fline *l)
{
	const struct vg_family_desc *f;
	size_t k;

	if (!l->req)		/* a rule add, collected for its batch */
		return F_VGATE;
	f = cmd_txn_family(l->c, l->req);
	for (k = 0; f && k < NFAMS; k++)
		if (fams[k].f == f)
			return fams[k].bit;
	return 0;
}

static bool line_config(const struct fline *l)
{
	return line_family(l) != 0;
}

static void set_prefix(const char *name, unsigned long lineno)
{
	vg_err_prefix = name;
	vg_err_line = lineno;
}

/* Abort the transactions in @open (errors reported, nothing else). */
static void txn_abort_all(unsigned int open)
{
	size_t k;

	for (k = 0; k < NFAMS; k++)
		if (open & fams[k].bit)
			cli_family_txn(fams[k].f, fams[k].abort);
}

/*
 * Inside the transaction: the rule adds of lines[i..] up to the next other
 * configuration line, in batches (cmd_rule_batch()).  A refused batch
 * changed nothing and the transaction stays open, so its rules are sent
 * again one per request: the first one refused gets the usual
 * FILE:LINE: message.  Returns the index of the next line to run, or n + 1
 * after an error.
 */
static size_t run_rule_adds(const char *name, struct fline *lines, size_t n,
			    size_t i, const struct vg_rule *rules)
{
	const struct vg_rule *batch[VG_BATCH_RULES];
	size_t idx[VG_BATCH_RULES], k, j, sent;
	struct vg_req *req;
	bool quiet;
	int r;

	for (;;) {
		for (k = 0, j = i; j < n && k < VG_BATCH_RULES; j++) {
			if (!line_config(&lines[j]))
				continue;	/* runs after the commit */
			if (lines[j].req)
				break;		/* another configuration line */
			batch[k] = &rules[lines[j].rule];
			idx[k++] = j;
		}
		if (!k)
			return j;
		set_prefix(name, lines[idx[0]].lineno);
		quiet = vg_err_quiet;
		vg_err_quiet = true;
		r = cmd_rule_batch(batch, k, &sent);
		vg_err_quiet = quiet;
		if (!r) {
			i = idx[sent - 1] + 1;
			continue;
		}
		/* Which line?  The same rules one by one. */
		req = malloc(sizeof(*req));
		if (!req) {
			vg_err("out of memory");
			return n + 1;
		}
		memset(req, 0, sizeof(*req));
		req->cmd = VGATE_CMD_RULE_NEW;
		req->obj = VG_OBJ_RULE;
		for (j = 0; j < (sent ? sent : 1); j++) {
			set_prefix(name, lines[idx[j]].lineno);
			req->rule = *batch[j];
			if (cmd_exec(lines[idx[j]].c, req))
				break;
		}
		free(req);
		if (j < (sent ? sent : 1))
			return n + 1;
		/* Each was accepted alone (should not happen): go on. */
		i = idx[j - 1] + 1;
	}
}

/*
 * Apply a command file.  The whole file is parsed first (a bad line:
 * FILE:LINE: message, nothing sent).  Then the configuration goes to the
 * kernel in file order on one socket, inside one transaction per family
 * the file changes (vgate: rules, peers, knobs, SAs; vgate_bwm: bm
 * changes; vgate_garp: ip arp settings): all of it or, on the first error
 * anywhere, none (every transaction aborted).  The commits go vgate first
 * (the only one that can fail: then the others are aborted too), then
 * bwm, then garp.  Rule adds go in batches (run_rule_adds()).  The other
 * commands (show, explain, config save, natt) run after the commits, in
 * file order, stopping at the first failure.
 */
int run_stream(FILE *f, const char *name)
{
	struct fline *lines = NULL;
	struct vg_rule *rules = NULL;
	struct vg_req *req = NULL;
	size_t n = 0, cap = 0, i, k, nrules = 0, rcap = 0;
	unsigned int used = 0, open = 0;
	char *line = NULL, *argv[MAX_WORDS];
	size_t lcap = 0;
	unsigned long lineno = 0;
	int ret = 0, argc;

	while (!ret && getline(&line, &lcap, f) >= 0) {
		const struct cmd *c;
		int r;

		lineno++;
		set_prefix(name, lineno);
		argc = cmd_split(line, argv, MAX_WORDS);
		if (argc < 0) {
			vg_err("too many words (at most %d)", MAX_WORDS);
			ret = EXIT_USAGE;
			break;
		}
		if (!argc)
			continue;
		if (!req)
			req = malloc(sizeof(*req));
		if (!req) {
			vg_err("out of memory");
			ret = EXIT_KERNEL;
			break;
		}
		r = cmd_parse(argc, argv, &c, req);
		explicit_bzero(line, lcap);	/* split: not just strlen() */
		if (r || !c) {
			ret = r;
			break;
		}
		if (n == cap) {
			struct fline *p;

			cap = cap ? cap * 2 : 32;
			p = realloc(lines, cap * sizeof(*p));
			if (!p) {
				vg_err("out of memory");
				ret = EXIT_KERNEL;
				break;
			}
			lines = p;
		}
		if (req->cmd == VGATE_CMD_RULE_NEW && nrules == rcap) {
			struct vg_rule *p;

			rcap = rcap ? rcap * 2 : 64;
			p = realloc(rules, rcap * sizeof(*p));
			if (!p) {
				vg_err("out of memory");
				ret = EXIT_KERNEL;
				break;
			}
			rules = p;
		}
		lines[n].lineno = lineno;
		lines[n].c = c;
		if (req->cmd == VGATE_CMD_RULE_NEW) {
			lines[n].req = NULL;
			lines[n].rule = nrules;
			rules[nrules++] = req->rule;
		} else {
			lines[n].req = req;
			req = NULL;	/* kept */
		}
		used |= line_family(&lines[n]);
		n++;
	}
	if (req) {
		explicit_bzero(req, sizeof(*req));
		free(req);
	}
	if (line)
		explicit_bzero(line, lcap);
	free(line);
	if (ret)
		goto out;

	if (used) {
		cmd_in_file = true;
		set_prefix(name, 0);
		for (k = 0; k < NFAMS; k++) {
			if (!(used & fams[k].bit))
				continue;
			if (cli_family_txn(fams[k].f, fams[k].begin)) {
				txn_abort_all(open);
				ret = EXIT_KERNEL;
				goto out;
			}
			open |= fams[k].bit;
		}
		for (i = 0; i < n;) {
			if (!lines[i].req) {
				i = run_rule_adds(name, lines, n, i, rules);
				continue;
			}
			if (!line_config(&lines[i])) {
				i++;
				continue;
			}
			set_prefix(name, lines[i].lineno);
			if (cmd_exec(lines[i].c, lines[i].req))
				break;
			i++;
		}
		set_prefix(name, 0);
		if (i != n) {	/* a request failed (n + 1: a rule add) */
			txn_abort_all(open);
			vg_err("transaction aborted: nothing changed");
			ret = EXIT_USAGE;
			goto out;
		}
		for (k = 0; k < NFAMS; k++) {
			if (!(open & fams[k].bit))
				continue;
			if (!cli_family_txn(fams[k].f, fams[k].commit)) {
				open &= ~fams[k].bit;
				continue;
			}
			txn_abort_all(open);
			if (fams[k].bit == F_VGATE) {
				vg_err("commit failed: nothing changed");
				ret = EXIT_USAGE;
			} else {
				/* Cannot fail in the kernel: a lost socket? */
				vg_err("commit of %s failed after the ones before it: the file is applied only in part",
				       fams[k].f->name);
				ret = EXIT_KERNEL;
			}
			goto out;
		}
		set_prefix("vgate", 0);
		cmd_warn_rules(0);
		cmd_in_file = false;
	}
	for (i = 0; i < n && !ret && !cmd_quit; i++) {
		if (line_config(&lines[i]))
			continue;
		set_prefix(name, lines[i].lineno);
		ret = cmd_exec(lines[i].c, lines[i].req);
	}
out:
	set_prefix("vgate", 0);
	cmd_in_file = false;
	for (i = 0; i < n; i++) {
		if (!lines[i].req)
			continue;
		explicit_bzero(lines[i].req, sizeof(*lines[i].req));
		free(lines[i].req);
	}
	free(lines);
	free(rules);
	return ret;
}

int run_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int r;

	if (!f) {
		vg_err("cannot open \"%s\": %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	r = run_stream(f, f == stdin ? "<stdin>" : path);
	if (f != stdin)
		fclose(f);
	return r;
}
