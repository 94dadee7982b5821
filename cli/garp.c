// SPDX-License-Identifier: GPL-2.0
/*
 * The "ip arp ..." commands: the gratuitous-ARP policy of vgate_garp.ko
 * (settings, per-interface overrides, show).  Parsing fills struct
 * vg_garp_req and never talks to netlink; running hands it to nl.c or
 * show.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "garp.h"
#include "parse.h"
#include "show.h"
#include "values.h"

static const char *const yesnoinherit_choices[] = {
	"yes", "no", "inherit", NULL
};
static const char *const onoffinherit_choices[] = {
	"on", "off", "inherit", NULL
};
static const char *const inherit_choices[] = { "inherit", NULL };

/*
 * A gratuitous-ARP setting's value (VG_GARP_x bit): yes|no, on|off or a
 * number in the setting's range; with iface also "inherit".
 */
static int parse_garp_value(uint32_t bit, bool iface, const char *s,
			    uint32_t *v)
{
	const struct garp_setting *gs = garp_setting_find(bit);
	const char *inh = iface ? " or inherit" : "";

	if (iface && !strcmp(s, "inherit")) {
		*v = bit == VG_GARP_RATE_LIMIT ? VGATE_GARP_RATE_INHERIT :
		     VGATE_GARP_INHERIT;
		return 0;
	}
	switch (bit) {
	case VG_GARP_ACTIVE:
	case VG_GARP_FORCE_UPDATE: {
		const char *on = bit == VG_GARP_ACTIVE ? "yes" : "on";
		const char *off = bit == VG_GARP_ACTIVE ? "no" : "off";

		if (!strcmp(s, on) || !strcmp(s, off)) {
			*v = !strcmp(s, on);
			return 0;
		}
		vg_err("bad %s \"%s\" (expected %s%s %s%s)", gs->name, s, on,
		       iface ? "," : " or", off, inh);
		return -EINVAL;
	}
	case VG_GARP_RATE_LIMIT:
		if (parse_u32(s, v) || *v > VGATE_GARP_RATE_LIMIT_MAX) {
			vg_err("bad %s \"%s\" (expected %u..%u%s)", gs->name, s,
			       VGATE_GARP_RATE_LIMIT_MIN,
			       VGATE_GARP_RATE_LIMIT_MAX, inh);
			return -EINVAL;
		}
		return 0;
	}
	return parse_num32(gs->name, s, VGATE_GARP_VERIFY_TIMEOUT_MIN,
			   VGATE_GARP_VERIFY_TIMEOUT_MAX, v);
}

static int v_garp(const struct cmd_arg *a, const char *s);
/* ip arp ackGratuitous [interface IF] SETTING [VALUE] */
#define GARP_ARGS(var, meta, choices, help, flags)			\
	static const struct cmd_arg var[] = {				\
		{ NULL, meta, choices, help, ARG_POS | (flags), v_garp }, \
		{ 0 },							\
	}

GARP_ARGS(ga_active_args, "yes|no", yesno_choices,
	  "yes: verify announcements, apply confirmed ones; no (default): never (omit to show)",
	  0);
GARP_ARGS(ga_force_args, "on|off", onoff_choices,
	  "on: a confirmed announcement may change an existing entry (default off; omit to show)",
	  0);
GARP_ARGS(ga_rate_args, "N", NULL,
	  "announcements per second and interface, "
	  VG_STR(VGATE_GARP_RATE_LIMIT_MIN) ".." VG_STR(VGATE_GARP_RATE_LIMIT_MAX)
	  ", 0 = unlimited (default " VG_STR(VGATE_GARP_RATE_LIMIT_DEFAULT)
	  "; omit to show)",
	  0);
GARP_ARGS(ga_verify_args, "MS", NULL,
	  "ms to wait for replies verifying an announcement, "
	  VG_STR(VGATE_GARP_VERIFY_TIMEOUT_MIN) ".."
	  VG_STR(VGATE_GARP_VERIFY_TIMEOUT_MAX) " (default "
	  VG_STR(VGATE_GARP_VERIFY_TIMEOUT_DEFAULT) "; omit to show)",
	  0);
GARP_ARGS(gi_active_args, "yes|no|inherit", yesnoinherit_choices,
	  "this interface's setting; inherit: the global one (omit to show)",
	  0);
GARP_ARGS(gi_force_args, "on|off|inherit", onoffinherit_choices,
	  "this interface's setting; inherit: the global one (omit to show)",
	  0);
GARP_ARGS(gi_rate_args, "N|inherit", inherit_choices,
	  VG_STR(VGATE_GARP_RATE_LIMIT_MIN) ".."
	  VG_STR(VGATE_GARP_RATE_LIMIT_MAX)
	  " per second, 0 = unlimited; inherit: the global one (omit to show)",
	  ARG_OPEN);

struct garp_arg {
	const struct cmd_arg *args;
	uint32_t bit;		/* VG_GARP_x */
	bool iface;
};

static const struct garp_arg garp_args[] = {
	{ ga_active_args, VG_GARP_ACTIVE, false },
	{ ga_force_args, VG_GARP_FORCE_UPDATE, false },
	{ ga_rate_args, VG_GARP_RATE_LIMIT, false },
	{ ga_verify_args, VG_GARP_VERIFY_TIMEOUT, false },
	{ gi_active_args, VG_GARP_ACTIVE, true },
	{ gi_force_args, VG_GARP_FORCE_UPDATE, true },
	{ gi_rate_args, VG_GARP_RATE_LIMIT, true },
};

static const struct garp_arg *garp_of_arg(const struct cmd_arg *a)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(garp_args); i++)
		if (garp_args[i].args == a)
			return &garp_args[i];
	return &garp_args[0];
}

static int v_garp(const struct cmd_arg *a, const char *s)
{
	const struct garp_arg *ga = garp_of_arg(a);
	uint32_t v;

	return parse_garp_value(ga->bit, ga->iface, s, &v);
}

static const struct cmd_arg garp_show_args[] = {
	{ "interface", "IF", NULL,
	  "one interface (default: every Ethernet interface)", ARG_IFACE,
	  v_ifname },
	{ 0 },
};
/* ip arp ackGratuitous [interface IF] SETTING [VALUE] */
static int parse_garp(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	const struct garp_arg *ga = garp_of_arg(c->args);
	struct vg_garp_req *g = &req->garp;
	uint32_t val;
	int r;

	req->obj = VG_OBJ_NONE;
	req->cmd = 0;
	g->setting = ga->bit;
	g->iface = ga->iface;
	if (ga->iface) {
		/* ip arp ackGratuitous interface IF SETTING */
		const char *name = v->word[cmd_nwords(c) - 2];

		r = parse_ifname("interface", name);
		if (r)
			return r;
		snprintf(g->ifc.ifname, sizeof(g->ifc.ifname), "%s", name);
		g->ifc.has |= VG_GARP_IFNAME;
	}
	if (!v->val[0]) {
		g->op = VG_GARP_OP_GET;
		req->flags |= VG_REQ_READ;	/* shows: not a change */
		return 0;
	}
	g->op = VG_GARP_OP_SET;
	r = parse_garp_value(ga->bit, ga->iface, v->val[0], &val);
	if (r)
		return r;
	if (ga->iface) {
		switch (ga->bit) {
		case VG_GARP_ACTIVE:
			g->ifc.active = val;
			break;
		case VG_GARP_FORCE_UPDATE:
			g->ifc.force_update = val;
			break;
		case VG_GARP_RATE_LIMIT:
			g->ifc.rate_limit = val;
			break;
		}
		g->ifc.has |= ga->bit;
		return 0;
	}
	switch (ga->bit) {
	case VG_GARP_ACTIVE:
		g->cfg.active = val;
		break;
	case VG_GARP_FORCE_UPDATE:
		g->cfg.force_update = val;
		break;
	case VG_GARP_RATE_LIMIT:
		g->cfg.rate_limit = val;
		break;
	case VG_GARP_VERIFY_TIMEOUT:
		g->cfg.verify_timeout = val;
		break;
	}
	g->cfg.has |= ga->bit;
	return 0;
}

/* ip arp show [interface IF] */
static int parse_garp_show(const struct cmd *c, const struct cmd_vals *v,
			   struct vg_req *req)
{
	struct vg_garp_req *g = &req->garp;
	int r;

	(void)c;
	req->obj = VG_OBJ_NONE;
	req->cmd = 0;
	g->op = VG_GARP_OP_SHOW;
	if (v->val[0]) {
		r = parse_ifname("interface", v->val[0]);
		if (r)
			return r;
		snprintf(g->ifc.ifname, sizeof(g->ifc.ifname), "%s", v->val[0]);
		g->ifc.has |= VG_GARP_IFNAME;
	}
	return 0;
}


static int run_garp(const struct cmd *c, struct vg_req *req)
{
	struct vg_garp_req *g = &req->garp;

	(void)c;
	switch (g->op) {
	case VG_GARP_OP_SET:
		return g->iface ? cli_garp_set_if(&g->ifc) :
		       cli_garp_set_global(&g->cfg);
	case VG_GARP_OP_GET:
		return show_garp_setting(g);
	case VG_GARP_OP_SHOW:
		return show_garp(g->ifc.has & VG_GARP_IFNAME ? g->ifc.ifname :
				 NULL);
	}
	return 0;
}

static const struct cmd garp_cmds[] = {
	{ { "ip", "arp", "ackGratuitous", "active" }, ga_active_args,
	  parse_garp, run_garp,
	  "gratuitous ARP: verify, then apply (yes), or never change the ARP table (no, default)",
	  0, CMD_TXN },

	{ { "ip", "arp", "ackGratuitous", "forceUpdate" }, ga_force_args,
	  parse_garp, run_garp,
	  "with active yes: also change an existing entry's MAC (default off)",
	  0, CMD_TXN },

	{ { "ip", "arp", "ackGratuitous", "rateLimit" }, ga_rate_args,
	  parse_garp, run_garp,
	  "gratuitous ARPs considered per second and interface (default "
	  VG_STR(VGATE_GARP_RATE_LIMIT_DEFAULT) ")", 0, CMD_TXN },

	{ { "ip", "arp", "ackGratuitous", "verifyTimeout" }, ga_verify_args,
	  parse_garp, run_garp,
	  "ms to wait for the replies verifying an announcement (default "
	  VG_STR(VGATE_GARP_VERIFY_TIMEOUT_DEFAULT) ")", 0, CMD_TXN },

	{ { "ip", "arp", "ackGratuitous", "interface", CMD_W_IF, "active" },
	  gi_active_args, parse_garp, run_garp,
	  "this interface's active (override, or inherit the global one)",
	  0, CMD_TXN },

	{ { "ip", "arp", "ackGratuitous", "interface", CMD_W_IF, "forceUpdate" },
	  gi_force_args, parse_garp, run_garp,
	  "this interface's forceUpdate (override, or inherit the global one)",
	  0, CMD_TXN },

	{ { "ip", "arp", "ackGratuitous", "interface", CMD_W_IF, "rateLimit" },
	  gi_rate_args, parse_garp, run_garp,
	  "this interface's rateLimit (override, or inherit the global one)",
	  0, CMD_TXN },

	{ { "ip", "arp", "show" }, garp_show_args, parse_garp_show, run_garp,
	  "gratuitous-ARP policy, verifications running, per-interface counters",
	  0, 0 },
};

static const struct cmd_group garp_groups[] = {
	{ "ip", "IP: the ARP policy (vgate_garp)" },
	{ "arp", "ARP: the gratuitous-ARP policy and its counters" },
	{ "ackGratuitous", "whether and how gratuitous ARPs change the ARP table" },
	{ "interface", "one interface's settings (override the global ones)" },
};

/* Not part of a vgate -f transaction: the lines run after the commit. */
const struct cmd_subsys garp_subsys = {
	.name = "garp",
	.cmds = garp_cmds,
	.ncmds = ARRAY_SIZE(garp_cmds),
	.groups = garp_groups,
	.ngroups = ARRAY_SIZE(garp_groups),
	.config = config_print_garp,
	.txn = &vg_family_garp,
};
