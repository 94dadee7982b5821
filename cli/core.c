// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's own commands (config save|show, help, quit, exit) and the
 * list of subsystems the grammar engine reads (cmd_subsystems[]).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "parse.h"

static const struct cmd_arg file_args[] = {
	{ NULL, "FILE", NULL, "file to write (replaced atomically)",
	  ARG_POS | ARG_REQ, NULL },
	{ 0 },
};

static int parse_file(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	(void)c;
	req->obj = VG_OBJ_NONE;
	if (v->val[0]) {
		if (strlen(v->val[0]) >= sizeof(req->arg)) {
			vg_err("bad FILE \"%.40s...\" (name too long)", v->val[0]);
			return -EINVAL;
		}
		snprintf(req->arg, sizeof(req->arg), "%s", v->val[0]);
	}
	return 0;
}


static int run_config(const struct cmd *c, struct vg_req *req)
{
	if (!strcmp(c->words[1], "save"))
		return config_save(req->arg);
	return config_print(stdout);
}

/*
 * "help": every command with its grammar.  One-shot it is the program's
 * usage (as -h); in the shell only the commands (quit and exit among
 * them), not the program's options.
 */
static int run_help(const struct cmd *c, struct vg_req *req)
{
	(void)c;
	(void)req;
	if (cmd_shell)
		cmd_usage_commands(stdout);
	else
		cmd_usage(stdout);
	return 0;
}

static int run_quit(const struct cmd *c, struct vg_req *req)
{
	(void)c;
	(void)req;
	cmd_quit = true;
	return 0;
}

static const struct cmd core_cmds[] = {
	{ { "config", "save" }, file_args, parse_file, run_config,
	  "write the running configuration as commands for vgate -f", 0, 0 },

	{ { "config", "show" }, cmd_no_args, parse_file, run_config,
	  "print the running configuration as commands for vgate -f", 0, 0 },

	{ { "help" }, cmd_no_args, cmd_parse_none, run_help, "list commands", 0,
	  0 },

	{ { "quit" }, cmd_no_args, cmd_parse_none, run_quit, "leave the shell",
	  0, CMD_SHELL },

	{ { "exit" }, cmd_no_args, cmd_parse_none, run_quit, "leave the shell",
	  0, CMD_SHELL },
};

static const struct cmd_group core_groups[] = {
	{ "config", "save or print the running configuration" },
};

const struct cmd_subsys core_subsys = {
	.name = "core",
	.cmds = core_cmds,
	.ncmds = ARRAY_SIZE(core_cmds),
	.groups = core_groups,
	.ngroups = ARRAY_SIZE(core_groups),
};

/* The order of the usage text, of TAB and of "config save". */
const struct cmd_subsys *const cmd_subsystems[] = {
	&ipsec_subsys, &garp_subsys, &bwm_subsys, &core_subsys, NULL
};
