// SPDX-License-Identifier: GPL-2.0
/*
 * bwm-show-test [-j] bm show ...: the bm show views on canned data.  The
 * command runs as in vgate (cmd_run()); cli_bwm_fetch() is replaced at
 * link time (-Wl,--wrap) by the canned kernel below: interfaces wan0
 * (shaping, every field set) and lan0 (disabled), classes of wan0 (the
 * root, a priority class and a leaf without borrowing), filters of wan0
 * (service, protocol, IPv4 and IPv6 ranges, ports, and one matching
 * anything).  fuzz/common.c stands in for DNS and the interface list.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../bwm.h"
#include "../grammar.h"
#include "../show.h"
#include "../fuzz/fuzz.h"

static void stats(struct vg_bwm_item *x, uint64_t base)
{
	x->st[VGATE_BWM_STAT_BYTES] = base * 1000;
	x->st[VGATE_BWM_STAT_PACKETS] = base * 10;
	x->st[VGATE_BWM_STAT_DROPS] = base;
	x->st[VGATE_BWM_STAT_BACKLOG] = base / 2;
	x->st[VGATE_BWM_STAT_BACKLOG_BYTES] = base * 700;
	x->st[VGATE_BWM_STAT_RATE] = base * 8000;
	x->st[VGATE_BWM_STAT_BORROWED] = base * 3;
	x->st[VGATE_BWM_STAT_STALL_NS] = base * 1234;
	x->st[VGATE_BWM_STAT_DIRECT] = base * 5;
	x->st[VGATE_BWM_STAT_TIME] = base * 99999;
}

static void range(struct in6_addr *r, int family, const char *a,
		  const char *b)
{
	inet_pton(family, a, &r[0]);
	inet_pton(family, b, &r[1]);
}

/* The classes of wan0: all children of the root (parent 0). */
static const struct canned_class {
	uint16_t id;
	const char *name;
	uint64_t crate, ceil;
	uint8_t prio, borrow, leaf;
	uint64_t stats;		/* stats()'s base */
} classes[] = {
	{ 0, "root", 100000000, 100000000, 0, 0, 0, 10 },
	{ 10, "voice", 2000000, 100000000, 1, 1, 1, 7 },
	{ 20, "bulk-traffic", 1500, 64000, 7, 0, 1, 0 },
};

static size_t canned(uint8_t cmd, struct vg_bwm_item *v)
{
	size_t n = 0, i;

	if (cmd == VGATE_BWM_CMD_IF_GET) {
		strcpy(v[n].ifname, "wan0");
		v[n].enabled = 1;
		v[n].mode = VGATE_BWM_MODE_PRIORITY;
		v[n].esp = VGATE_BWM_ESP_UDP;
		v[n].overhead = 24;
		v[n].defcls = 20;
		v[n].limit = 1000;
		v[n].nclasses = 3;
		v[n].nfilters = 3;
		v[n].rate = 100000000;
		v[n].link_speed = 1000000000;
		stats(&v[n++], 4242);
		strcpy(v[n].ifname, "lan0");
		v[n++].link_speed = 10000000000ULL;
	} else if (cmd == VGATE_BWM_CMD_CLASS_GET) {
		for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
			const struct canned_class *c = &classes[i];

			v[n].id = c->id;
			strcpy(v[n].name, c->name);
			v[n].crate = c->crate;
			v[n].ceil = c->ceil;
			v[n].prio = c->prio;
			v[n].borrow = c->borrow;
			v[n].leaf = c->leaf;
			stats(&v[n++], c->stats);
		}
	} else {
		v[n].id = 1;
		v[n].classid = 10;
		v[n].has = VG_BWM_SERVICE | VG_BWM_PROTO | VG_BWM_DST |
			   VG_BWM_DPORT;
		v[n].service = 1;
		v[n].proto = 17;
		v[n].family = AF_INET;
		range(v[n].dst, AF_INET, "198.51.100.0", "198.51.100.255");
		v[n].dport[0] = v[n].dport[1] = 5060;
		v[n++].matches = 77;
		v[n].id = 2;
		v[n].classid = 20;
		v[n].has = VG_BWM_PROTO | VG_BWM_SRC | VG_BWM_SPORT;
		v[n].proto = 132;
		v[n].family = AF_INET6;
		range(v[n].src, AF_INET6, "fd00::1", "fd00::1");
		v[n].sport[0] = 1000;
		v[n].sport[1] = 2000;
		v[n++].matches = 123456789012ULL;
		v[n].id = 3;
		v[n].classid = 20;
		v[n++].matches = 0;
	}
	return n;
}

int __wrap_cli_bwm_fetch(uint8_t cmd, const char *ifname, bool dump,
			 struct vg_bwm_item **v, size_t *n, const char *what);

int __wrap_cli_bwm_fetch(uint8_t cmd, const char *ifname, bool dump,
			 struct vg_bwm_item **v, size_t *n, const char *what)
{
	size_t i, k = 0;

	(void)what;
	*v = calloc(8, sizeof(**v));
	if (!*v)
		return -ENOMEM;
	*n = canned(cmd, *v);
	if (cmd != VGATE_BWM_CMD_IF_GET || dump)
		return 0;
	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].ifname, ifname))
			(*v)[k++] = (*v)[i];
	*n = k;
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	fuzz_reset(false);
	if (argc > 1 && !strcmp(argv[1], "-j")) {
		show_json = true;
		i++;
	}
	return cmd_run(argc - i, argv + i) ? 1 : 0;
}
