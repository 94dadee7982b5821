// SPDX-License-Identifier: GPL-2.0
/*
 * show-test [-j] WHAT: show.c, config.c and check.c on canned data
 * (tests/fake_nl.c).  WHAT:
 *   sa|sad|rule|global|peer [NAME]|KNOB   a show command
 *   config                                config save's formatter
 *   explain                               every verdict reason, one line each
 *   check                                 the warnings on the canned policy
 *   escape                                JSON string escaping
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../check.h"
#include "../config.h"
#include "../json.h"
#include "../show.h"

static int explain_all(void)
{
	static const struct {
		uint8_t reason, action, stage;
		uint32_t id;
		const char *peer;
	} cases[] = {
		{ VGATE_WHY_PRE_RULE, VGATE_ACTION_PASS, VGATE_STAGE_PRE, 5, NULL },
		{ VGATE_WHY_PEER_ENTRY, VGATE_ACTION_PROTECT, VGATE_STAGE_PEER, 20, "branch1" },
		{ VGATE_WHY_OVERLAP_SKIP, VGATE_ACTION_PASS, VGATE_STAGE_PEER, 20, "branch1" },
		{ VGATE_WHY_SELF_BYPASS, VGATE_ACTION_PASS, 0, 0, NULL },
		{ VGATE_WHY_POST_RULE, VGATE_ACTION_DROP, VGATE_STAGE_POST, 90, NULL },
		{ VGATE_WHY_POST_DEFAULT, VGATE_ACTION_DROP, 0, 0, NULL },
		{ VGATE_WHY_PEER_BLOCKED, VGATE_ACTION_DROP, VGATE_STAGE_PEER, 20, "branch1" },
	};
	struct vg_flow f = { 0 };
	struct vg_verdict v;
	size_t i;

	parse_addr_quiet("10.1.0.5", &f.src);
	parse_addr_quiet("10.1.2.250", &f.dst);
	f.family = AF_INET;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&v, 0, sizeof(v));
		v.reason = cases[i].reason;
		v.action = cases[i].action;
		v.has = VG_VERDICT_REASON | VG_VERDICT_ACTION;
		if (cases[i].id) {
			v.rule_id = cases[i].id;
			v.stage = cases[i].stage;
			v.has |= VG_VERDICT_RULE_ID | VG_VERDICT_STAGE;
		}
		if (cases[i].peer) {
			strcpy(v.peer_name, cases[i].peer);
			v.has |= VG_VERDICT_PEER_NAME;
		}
		if (i == 0) {
			v.iterations = 1000;
			v.ns = 123456;
			v.has |= VG_VERDICT_ITERATIONS | VG_VERDICT_NS;
		}
		if (show_json && i)
			break;
		show_explain(&f, &v);
	}
	return 0;
}

static void print_warning(const struct vg_rule *a, const struct vg_rule *b,
			  const char *msg, void *arg)
{
	(void)a;
	(void)b;
	(void)arg;
	printf("warning: %s\n", msg);
}

static void print_self(const struct vg_rule *a, const struct vg_ifaddr *i,
		       const char *msg, void *arg)
{
	(void)a;
	(void)i;
	(void)arg;
	printf("warning: %s\n", msg);
}

static int check_all(void)
{
	struct vg_ifaddr ifs[3] = {
		{ "eth1", { 0 }, 24 }, { "eth0", { 0 }, 24 },
		{ "eth1", { 0 }, 64 },
	};
	struct vg_rule *rules;
	struct vg_peer *peers;
	size_t nr, np;

	parse_addr_quiet("10.1.0.1", &ifs[0].addr);
	parse_addr_quiet("192.0.2.1", &ifs[1].addr);
	parse_addr_quiet("fe80::1", &ifs[2].addr);
	vg_nl_dump_rules(&rules, &nr);
	vg_nl_dump_peers(&peers, &np);
	check_shadow(rules, nr, peers, np, print_warning, NULL);
	check_self(rules, nr, ifs, 3, print_self, NULL);
	free(rules);
	free(peers);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "-j")) {
		show_json = true;
		i++;
	}
	if (i >= argc)
		return 1;
	if (!strcmp(argv[i], "sa"))
		return -show_sa();
	if (!strcmp(argv[i], "sad"))
		return -show_sad();
	if (!strcmp(argv[i], "rule"))
		return -show_rule();
	if (!strcmp(argv[i], "global"))
		return -show_global();
	if (!strcmp(argv[i], "peer"))
		return -show_peer(i + 1 < argc ? argv[i + 1] : NULL);
	if (!strcmp(argv[i], "config"))
		return -config_print(stdout);
	if (!strcmp(argv[i], "explain"))
		return explain_all();
	if (!strcmp(argv[i], "check"))
		return check_all();
	if (!strcmp(argv[i], "escape")) {
		/* Every control character, quote, backslash and UTF-8. */
		char s[64];
		struct json j;
		int k;

		for (k = 1; k < 32; k++)
			s[k - 1] = k;
		strcpy(s + 31, "\"\\/\x7f\xc3\xa9");
		json_init(&j, stdout, false);
		json_obj_open(&j, NULL);
		json_str(&j, "s", s);
		json_arr_open(&j, "empty");
		json_close(&j);
		json_obj_open(&j, "o");
		json_close(&j);
		json_close(&j);
		json_end(&j);
		return 0;
	}
	return -show_knob(argv[i]);
}
