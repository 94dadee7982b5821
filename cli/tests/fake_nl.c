// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for nl.c with canned kernel replies, to test show.c and
 * json.c without the module: two SA pairs (one 3DES), three rules (one
 * PROTECT rule whose inbound SA is missing), global statistics and knobs.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../nl.h"

bool vg_dry_run;

static void addr(struct vg_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->len = 4;
	inet_pton(AF_INET, s, a->a);
}

int vg_nl_dump_sas(struct vg_sa **sas, size_t *n)
{
	struct vg_sa *s = calloc(3, sizeof(*s));

	s[0].spi = 0x1000;
	addr(&s[0].src, "192.0.2.1");
	addr(&s[0].dst, "198.51.100.2");
	s[0].mode = VGATE_MODE_TUNNEL;
	s[0].enc = VGATE_ENC_AES_GCM_16;
	s[0].auth = VGATE_AUTH_NONE;
	s[0].replay_window = 64;
	s[0].seq = 7;
	s[0].age = 12;
	s[0].st[VGATE_SA_STATS_A_PACKETS] = 7;
	s[0].st[VGATE_SA_STATS_A_BYTES] = 588;
	s[0].lt[VGATE_LT_A_HARD_SECONDS] = 3600;
	s[0].lt_has = 1U << VGATE_LT_A_HARD_SECONDS;

	s[1] = s[0];
	s[1].spi = 0x1001;
	addr(&s[1].src, "198.51.100.2");
	addr(&s[1].dst, "192.0.2.1");
	s[1].st[VGATE_SA_STATS_A_PACKETS] = 5;
	s[1].st[VGATE_SA_STATS_A_BYTES] = 420;
	s[1].st[VGATE_SA_STATS_A_REPLAY] = 1;
	s[1].flags = VGATE_SA_F_SOFT_EXPIRED;

	s[2] = s[0];
	s[2].spi = 0x2000;
	s[2].enc = VGATE_ENC_DES3_CBC;
	s[2].auth = VGATE_AUTH_HMAC_SHA1_96;
	addr(&s[2].dst, "198.51.100.3");
	s[2].flags = VGATE_SA_F_WEAK | VGATE_SA_F_EXPIRED;
	*sas = s;
	*n = 3;
	return 0;
}

int vg_nl_dump_rules(struct vg_rule **rules, size_t *n)
{
	struct vg_rule *r = calloc(3, sizeof(*r));

	r[0].id = 20;
	r[0].action = VGATE_ACTION_PROTECT;
	r[0].has = VG_RULE_LOCAL | VG_RULE_REMOTE | VG_RULE_PROTO |
		   VG_RULE_RPORT | VG_RULE_PEER | VG_RULE_SPI_OUT |
		   VG_RULE_SPI_IN;
	addr(&r[0].local.addr, "10.3.0.0");
	r[0].local.plen = 16;
	addr(&r[0].remote.addr, "10.4.0.0");
	r[0].remote.plen = 16;
	r[0].proto = 6;
	r[0].rport.min = 8000;
	r[0].rport.max = 8080;
	addr(&r[0].peer, "198.51.100.3");
	r[0].spi_out = 0x2000;
	r[0].spi_in = 0x2001;

	r[1].id = 10;
	r[1].action = VGATE_ACTION_PROTECT;
	r[1].has = VG_RULE_LOCAL | VG_RULE_REMOTE | VG_RULE_PEER |
		   VG_RULE_SPI_OUT | VG_RULE_SPI_IN;
	addr(&r[1].local.addr, "10.1.0.0");
	r[1].local.plen = 16;
	addr(&r[1].remote.addr, "10.2.0.0");
	r[1].remote.plen = 16;
	addr(&r[1].peer, "198.51.100.2");
	r[1].spi_out = 0x1000;
	r[1].spi_in = 0x1001;
	r[1].st[VGATE_RULE_STATS_A_PACKETS_OUT] = 7;
	r[1].st[VGATE_RULE_STATS_A_BYTES_OUT] = 588;

	r[2].id = 100;
	r[2].action = VGATE_ACTION_DROP;
	r[2].proto = 47;
	r[2].has = VG_RULE_PROTO;
	*rules = r;
	*n = 3;
	return 0;
}

int vg_nl_get_stats(struct vg_stats *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	for (i = 1; i <= VGATE_STATS_A_MAX; i++)
		st->v[i] = i * 10;
	for (i = 1; i <= VGATE_DROP_MAX; i++)
		st->drops[i] = i;
	return 0;
}

int vg_nl_get_config(struct vg_cfg *cfg)
{
	cfg->has = VG_CFG_REPLAY_WINDOW | VG_CFG_MAX_SAS | VG_CFG_DROP_LOG;
	cfg->replay_window = 64;
	cfg->max_sas = 1024;
	cfg->drop_log = 1;
	return 0;
}

int vg_nl_do(const struct vg_req *req)
{
	(void)req;
	return 0;
}

void vg_nl_close(void)
{
}

const char *vg_cmd_name(int cmd)
{
	(void)cmd;
	return "?";
}
