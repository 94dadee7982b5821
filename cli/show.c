// SPDX-License-Identifier: GPL-2.0
/*
 * Show commands: fetch through nl.c, print aligned tables (header row,
 * like "ip -s" or a Bintec monitor view) or one JSON document (-j),
 * both from the same print.c calls, one per field.
 * Keys are never printed: the kernel never returns them.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "print.h"
#include "show.h"

bool show_json;

/*
 * qsort() for the arrays of the dumps.  qsort() must not be given NULL,
 * whatever the count, and an empty dump's array may be NULL: libvgate's
 * vg_objs_dump_all() happens to allocate one anyway, but nl.h promises
 * nothing for n == 0 (the CLI's own parser before libvgate left NULL).
 */
static void sort_rows(void *v, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(v, n, size, cmp);
}

/* ---- names ---- */

const char *enc_name(uint16_t enc)
{
	const struct vg_enc_alg *e;

	/* AES comes in several key sizes: the family when none is known. */
	if (enc == VGATE_ENC_AES_CBC)
		return "aes-cbc";
	if (enc == VGATE_ENC_AES_GCM_16)
		return "aes-gcm";
	e = vg_enc_by_bits(enc, 0);
	return e ? e->name : "unknown";
}

/*
 * The cipher as the CLI takes it ("aes256-gcm"), when the kernel said the
 * key size; the family name otherwise.
 */
const char *sa_enc_name(const struct vg_sa *sa)
{
	const struct vg_enc_alg *e;

	if (sa->proto == IPPROTO_COMP)
		return sa->comp == VGATE_COMP_DEFLATE ? "deflate" : "unknown";
	e = sa->enc_key_bits ? vg_enc_by_bits(sa->enc, sa->enc_key_bits) : NULL;
	return e ? e->name : enc_name(sa->enc);
}

const char *auth_name(uint16_t auth)
{
	const struct vg_auth_alg *a = vg_auth_by_alg(auth);

	return a ? a->name : "unknown";
}

const char *mode_name(uint8_t mode)
{
	return vg_value_name(vg_modes, vg_n_modes, mode, "unknown");
}

const char *action_name(uint8_t action)
{
	switch (action) {
	case VGATE_ACTION_PASS:
		return "pass";
	case VGATE_ACTION_DROP:
		return "drop";
	case VGATE_ACTION_PROTECT:
		return "protect";
	}
	return "unknown";
}

const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	return names_rule_proto_name(proto, buf, len);
}

const char *stage_name(uint8_t stage)
{
	switch (stage) {
	case VGATE_STAGE_PRE:
		return "pre";
	case VGATE_STAGE_PEER:
		return "peer";
	case VGATE_STAGE_POST:
		return "post";
	}
	return "unknown";
}

const char *admin_name(uint8_t admin)
{
	switch (admin) {
	case VGATE_PEER_ADMIN_UP:
		return "up";
	case VGATE_PEER_ADMIN_DOWN:
		return "down";
	case VGATE_PEER_ADMIN_DIALUP:
		return "dialup";
	}
	return "unknown";
}

const char *oper_name(uint8_t oper)
{
	switch (oper) {
	case VGATE_PEER_OPER_UP:
		return "up";
	case VGATE_PEER_OPER_DORMANT:
		return "dormant";
	case VGATE_PEER_OPER_BLOCKED:
		return "blocked";
	}
	return "unknown";
}

/* ---- knobs ---- */

const struct knob knobs[] = {
	{ "replayWindow", "replay_window", VG_CFG_REPLAY_WINDOW, KNOB_NUM,
	  VGATE_REPLAY_WINDOW_MIN, VGATE_REPLAY_WINDOW_MAX },
	{ "maxSas", "max_sas", VG_CFG_MAX_SAS, KNOB_NUM,
	  VGATE_MAX_SAS_MIN, VGATE_MAX_SAS_MAX },
	{ "dropLog", "drop_log", VG_CFG_DROP_LOG, KNOB_ONOFF, 0, 1 },
	{ "swSkipOverlapIp", "swskip_overlap", VG_CFG_SWSKIP_OVERLAP,
	  KNOB_ONOFF, 0, 1 },
	{ "postDefault", "post_default", VG_CFG_POST_DEFAULT, KNOB_ACTION,
	  VGATE_ACTION_PASS, VGATE_ACTION_DROP },
	{ "acquireTimeout", "acquire_timeout", VG_CFG_ACQUIRE_TIMEOUT,
	  KNOB_NUM, VGATE_ACQUIRE_TIMEOUT_MIN, VGATE_ACQUIRE_TIMEOUT_MAX },
	{ "acquireQueue", "acquire_queue", VG_CFG_ACQUIRE_QUEUE, KNOB_NUM,
	  VGATE_ACQUIRE_QUEUE_MIN, VGATE_ACQUIRE_QUEUE_MAX },
	{ "nattKeepalive", "natt_keepalive", VG_CFG_NATT_KEEPALIVE, KNOB_NUM,
	  VGATE_NATT_KEEPALIVE_MIN, VGATE_NATT_KEEPALIVE_MAX },
};

const size_t n_knobs = sizeof(knobs) / sizeof(knobs[0]);

const struct knob *knob_find(const char *name)
{
	size_t i;

	for (i = 0; i < n_knobs; i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return &knobs[0];
}

uint32_t knob_get(const struct vg_cfg *cfg, const struct knob *k)
{
	switch (k->bit) {
	case VG_CFG_REPLAY_WINDOW:
		return cfg->replay_window;
	case VG_CFG_MAX_SAS:
		return cfg->max_sas;
	case VG_CFG_DROP_LOG:
		return cfg->drop_log;
	case VG_CFG_SWSKIP_OVERLAP:
		return cfg->swskip_overlap;
	case VG_CFG_POST_DEFAULT:
		return cfg->post_default;
	case VG_CFG_ACQUIRE_TIMEOUT:
		return cfg->acquire_timeout;
	case VG_CFG_ACQUIRE_QUEUE:
		return cfg->acquire_queue;
	case VG_CFG_NATT_KEEPALIVE:
		return cfg->natt_keepalive;
	}
	return 0;
}

void knob_set(struct vg_cfg *cfg, const struct knob *k, uint32_t v)
{
	switch (k->bit) {
	case VG_CFG_REPLAY_WINDOW:
		cfg->replay_window = v;
		break;
	case VG_CFG_MAX_SAS:
		cfg->max_sas = v;
		break;
	case VG_CFG_DROP_LOG:
		cfg->drop_log = v;
		break;
	case VG_CFG_SWSKIP_OVERLAP:
		cfg->swskip_overlap = v;
		break;
	case VG_CFG_POST_DEFAULT:
		cfg->post_default = v;
		break;
	case VG_CFG_ACQUIRE_TIMEOUT:
		cfg->acquire_timeout = v;
		break;
	case VG_CFG_ACQUIRE_QUEUE:
		cfg->acquire_queue = v;
		break;
	case VG_CFG_NATT_KEEPALIVE:
		cfg->natt_keepalive = v;
		break;
	}
	cfg->has |= k->bit;
}

const char *knob_fmt(const struct knob *k, uint32_t v, char *buf, size_t len)
{
	switch (k->type) {
	case KNOB_ONOFF:
		return v ? "on" : "off";
	case KNOB_ACTION:
		return action_name(v);
	default:
		snprintf(buf, len, "%u", v);
		return buf;
	}
}

/* Table and JSON names of a drop reason (lib/vocab.h: vg_drop_reasons). */
static const char *drop_name(unsigned int d)
{
	return vg_value_name(vg_drop_reasons, vg_n_drop_reasons, d, "unknown");
}

static const char *drop_json(unsigned int d)
{
	const struct vg_name *r = vg_value_find(vg_drop_reasons,
						vg_n_drop_reasons, d);

	return !r ? "unknown" : r->json ? r->json : r->name;
}

/* ---- helpers ---- */

static bool addr_eq(const struct vg_addr *a, const struct vg_addr *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->a, b->a, a->len);
}


static const char *ports_str(const struct vg_ports *p, bool has, char *buf,
			     size_t len)
{
	if (!has)
		return "any";
	if (p->min == p->max)
		snprintf(buf, len, "%u", p->min);
	else
		snprintf(buf, len, "%u-%u", p->min, p->max);
	return buf;
}

/* SA flags as words; weak also for 3DES, whatever the kernel says. */
static unsigned int sa_flag_bits(const struct vg_sa *sa)
{
	unsigned int f = sa->flags;

	if (sa->enc == VGATE_ENC_DES3_CBC)
		f |= VGATE_SA_F_WEAK;
	return f;
}

enum { F_MISSING = 1U << 16, F_UDP_ENCAP = 1U << 17 };

static const struct {
	unsigned int bit;
	const char *name;
} flag_names[] = {
	{ VGATE_SA_F_WEAK, "weak" },
	{ VGATE_SA_F_EXPIRED, "expired" },
	{ VGATE_SA_F_SOFT_EXPIRED, "soft-expired" },
	{ VGATE_SA_F_ESN, "esn" },
	{ F_MISSING, "missing-sa" },
	{ F_UDP_ENCAP, "udp-encap" },
};

static const char *flags_str(unsigned int f, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (!(f & flag_names[i].bit))
			continue;
		if (buf[0])
			strncat(buf, ",", len - strlen(buf) - 1);
		strncat(buf, flag_names[i].name, len - strlen(buf) - 1);
	}
	return buf[0] ? buf : "-";
}

static void pr_flags(struct pr *p, unsigned int f)
{
	char buf[64];
	size_t i;

	pr_str(p, PR_TEXT, "flags", flags_str(f, buf, sizeof(buf)));
	pr_arr_open(p, "flags");
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (f & flag_names[i].bit)
			pr_str(p, PR_JSON, NULL, flag_names[i].name);
	pr_close(p);
}

/* Ports: text "any", "N" or "N-M"; JSON {"min", "max"} or null. */
static void pr_ports(struct pr *p, const char *key, const struct vg_ports *pt,
		     bool has)
{
	char buf[32];

	pr_str(p, PR_TEXT, key, ports_str(pt, has, buf, sizeof(buf)));
	if (!has) {
		pr_null(p, PR_JSON, key);
		return;
	}
	pr_obj_open(p, key);
	pr_u64(p, PR_JSON, "min", pt->min);
	pr_u64(p, PR_JSON, "max", pt->max);
	pr_close(p);
}

/* An SPI or CPI as "0x%08x"; without one null ("-"). */
static void pr_spi(struct pr *p, const char *key, uint32_t spi, bool has)
{
	if (has)
		pr_strf(p, PR_ANY, key, "0x%08x", spi);
	else
		pr_null(p, PR_ANY, key);
}

/* An address; without one null, and none (NULL: "-") in text. */
static void pr_addr(struct pr *p, enum pr_out o, const char *key,
		    const struct vg_addr *a, bool has, const char *none)
{
	char buf[64];

	if (has) {
		pr_str(p, o, key, fmt_addr(a, buf, sizeof(buf)));
	} else {
		pr_null(p, o & PR_JSON, key);
		pr_str(p, o & PR_TEXT, key, none);
	}
}

static const struct {
	int attr;
	const char *cli, *json;
} lt_names[] = {
	{ VGATE_LT_A_SOFT_BYTES, "softBytes", "soft_bytes" },
	{ VGATE_LT_A_HARD_BYTES, "hardBytes", "hard_bytes" },
	{ VGATE_LT_A_SOFT_PACKETS, "softPackets", "soft_packets" },
	{ VGATE_LT_A_HARD_PACKETS, "hardPackets", "hard_packets" },
	{ VGATE_LT_A_SOFT_SECONDS, "softSeconds", "soft_seconds" },
	{ VGATE_LT_A_HARD_SECONDS, "hardSeconds", "hard_seconds" },
};

#define N_LT (sizeof(lt_names) / sizeof(lt_names[0]))

/* ---- ipsec show sad ---- */

static bool sa_is_ah(const struct vg_sa *sa)
{
	return (sa->has & VG_SA_PROTO) && sa->proto == IPPROTO_AH;
}

static const char *sa_proto_name(const struct vg_sa *sa)
{
	if (sa->proto == IPPROTO_COMP)
		return "comp";
	return sa_is_ah(sa) ? "ah" : "esp";
}

static int cmp_sa(const void *a, const void *b)
{
	const struct vg_sa *x = a, *y = b;

	return x->spi < y->spi ? -1 : x->spi > y->spi;
}

static void lifetime_str(const struct vg_sa *sa, char *buf, size_t len)
{
	size_t k, o = 0;

	buf[0] = '\0';
	for (k = 0; k < N_LT; k++) {
		uint64_t v = sa->lt[lt_names[k].attr];

		if (!v || o >= len)
			continue;
		o += snprintf(buf + o, len - o, "%s%s=%" PRIu64, o ? "," : "",
			      lt_names[k].cli, v);
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

/* "udp:4500-4500", with ",natOa=ADDR"; "-" without encapsulation. */
static const char *encap_str(const struct vg_sa *sa, char *buf, size_t len)
{
	char a[64];

	if (!(sa->has & VG_SA_ENCAP))
		return "-";
	snprintf(buf, len, "udp:%u-%u%s%s", sa->encap_sport, sa->encap_dport,
		 sa->has & VG_SA_NATOA ? ",natOa=" : "",
		 sa->has & VG_SA_NATOA ? fmt_addr(&sa->oa, a, sizeof(a)) : "");
	return buf;
}

/*
 * IPComp: "out C/S/I BEFORE->AFTER in D": packets sent compressed, small
 * (below the threshold) and incompressible (both sent uncompressed), the
 * payload bytes of the compressed ones before and after, packets
 * decompressed.  "-" for ESP.
 */
static const char *comp_str(const struct vg_sa *sa, char *buf, size_t len)
{
	if (sa->proto != IPPROTO_COMP)
		return "-";
	snprintf(buf, len, "out %" PRIu64 "/%" PRIu64 "/%" PRIu64 " %" PRIu64
		 "->%" PRIu64 " in %" PRIu64,
		 sa->st[VGATE_SA_STATS_A_COMP_OUT],
		 sa->st[VGATE_SA_STATS_A_COMP_SMALL_OUT],
		 sa->st[VGATE_SA_STATS_A_COMP_INCOMPRESSIBLE_OUT],
		 sa->st[VGATE_SA_STATS_A_COMP_BYTES_BEFORE],
		 sa->st[VGATE_SA_STATS_A_COMP_BYTES_AFTER],
		 sa->st[VGATE_SA_STATS_A_DECOMP_IN]);
	return buf;
}

static const struct pr_col sad_cols[] = {
	{ "SPI", "spi" }, { "SRC", "src" }, { "DST", "dst" },
	{ "MODE", "mode" }, { "PROTO", "proto" }, { "ENC", "enc" },
	{ "AUTH", "auth" }, { "REPLAY-WIN", "replay_window" },
	{ "FLAGS", "flags" }, { "SEQ", "seq" }, { "AGE", "age" },
	{ "PACKETS", "stats.packets" }, { "BYTES", "stats.bytes" },
	{ "ERRORS", "stats.errors" }, { "REPLAY", "stats.replay" },
	{ "AUTH-FAIL", "stats.auth_fail" }, { "REQID", "reqid" },
	{ "ENCAP", "encap" }, { "LIFETIME", "lifetime" },
	{ "COMPRESSION", "compression" }, { NULL, NULL }
};

#define PR_ST(p, key, sa, x) \
	pr_u64(p, PR_ANY, key, (sa)->st[VGATE_SA_STATS_A_##x])

static void sad_print(struct pr *p, const struct vg_sa *sa)
{
	char buf[256];
	size_t k;

	pr_obj_open(p, NULL);
	pr_strf(p, PR_ANY, "spi", "0x%08x", sa->spi);
	pr_addr(p, PR_ANY, "src", &sa->src, sa->src.family, "?");
	pr_addr(p, PR_ANY, "dst", &sa->dst, sa->dst.family, "?");
	pr_str(p, PR_ANY, "mode", mode_name(sa->mode));
	pr_str(p, PR_ANY, "proto", sa_proto_name(sa));
	pr_str(p, PR_ANY, "enc", sa_is_ah(sa) ? NULL : sa_enc_name(sa));
	pr_str(p, PR_JSON, "auth", auth_name(sa->auth));
	pr_str(p, PR_TEXT, "auth", sa->proto == IPPROTO_COMP ? NULL :
	       auth_name(sa->auth));
	pr_u64(p, PR_ANY, "replay_window", sa->replay_window);
	pr_flags(p, sa_flag_bits(sa));
	pr_bool(p, PR_ANY, "esn", sa->flags & VGATE_SA_F_ESN, "yes", "no");
	pr_u64(p, PR_ANY, "seq", sa->seq);
	pr_u64(p, PR_ANY, "seq_out", sa->oseq);
	pr_u64(p, PR_ANY, "seq_in", sa->iseq);
	pr_u64(p, PR_ANY, "age", sa->age);
	if (sa->reqid)
		pr_u64(p, PR_ANY, "reqid", sa->reqid);
	else
		pr_null(p, PR_ANY, "reqid");
	if (sa->has & VG_SA_ENCAP) {
		pr_str(p, PR_TEXT, "encap", encap_str(sa, buf, sizeof(buf)));
		pr_obj_open(p, "encap");
		pr_str(p, PR_ANY, "type", "udp");
		pr_u64(p, PR_ANY, "sport", sa->encap_sport);
		pr_u64(p, PR_ANY, "dport", sa->encap_dport);
		pr_addr(p, PR_ANY, "nat_oa", &sa->oa, sa->has & VG_SA_NATOA, NULL);
		pr_close(p);
	} else {
		pr_null(p, PR_ANY, "encap");
	}
	pr_obj_open(p, "stats");
	PR_ST(p, "packets", sa, PACKETS);
	PR_ST(p, "bytes", sa, BYTES);
	PR_ST(p, "packets_in", sa, PACKETS_IN);
	PR_ST(p, "bytes_in", sa, BYTES_IN);
	PR_ST(p, "packets_out", sa, PACKETS_OUT);
	PR_ST(p, "bytes_out", sa, BYTES_OUT);
	PR_ST(p, "errors", sa, ERRORS);
	PR_ST(p, "replay", sa, REPLAY);
	PR_ST(p, "auth_fail", sa, AUTH);
	if (sa->proto == IPPROTO_COMP) {
		PR_ST(p, "compressed_out", sa, COMP_OUT);
		PR_ST(p, "small_out", sa, COMP_SMALL_OUT);
		PR_ST(p, "incompressible_out", sa, COMP_INCOMPRESSIBLE_OUT);
		PR_ST(p, "comp_bytes_before", sa, COMP_BYTES_BEFORE);
		PR_ST(p, "comp_bytes_after", sa, COMP_BYTES_AFTER);
		PR_ST(p, "decompressed_in", sa, DECOMP_IN);
		PR_ST(p, "decomp_bytes_in", sa, DECOMP_BYTES_IN);
	}
	pr_close(p);
	lifetime_str(sa, buf, sizeof(buf));
	pr_str(p, PR_TEXT, "lifetime", buf);
	pr_obj_open(p, "lifetime");
	for (k = 0; k < N_LT; k++)
		pr_u64(p, PR_ANY, lt_names[k].json, sa->lt[lt_names[k].attr]);
	pr_close(p);
	pr_str(p, PR_TEXT, "compression", comp_str(sa, buf, sizeof(buf)));
	pr_close(p);
}

int show_sad(void)
{
	struct vg_sa *sas = NULL;
	struct pr p;
	size_t n = 0, i;
	int r;

	r = vg_nl_dump_sas(&sas, &n);
	if (r || vg_dry_run)
		goto out;
	sort_rows(sas, n, sizeof(*sas), cmp_sa);
	pr_init(&p, show_json, true);
	pr_table(&p, PR_ROWS, sad_cols);
	pr_arr_open(&p, NULL);
	for (i = 0; i < n; i++)
		sad_print(&p, &sas[i]);
	pr_close(&p);
	r = pr_table_end(&p, NULL);
	pr_end(&p);
out:
	free(sas);
	return r;
}

/* ---- ipsec show rule: the policy in evaluation order ---- */

static int cmp_rule(const void *a, const void *b)
{
	const struct vg_rule *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_peer(const void *a, const void *b)
{
	const struct vg_peer *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static const struct vg_peer *peer_by_name(const struct vg_peer *p, size_t n,
					  const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

static bool rule_dynamic(const struct vg_rule *ru)
{
	return ru->action == VGATE_ACTION_PROTECT &&
	       !(ru->has & (VG_RULE_SPI_OUT | VG_RULE_AH_SPI_OUT));
}

/* The selector, as show rule and show sa have it in JSON. */
static void rule_print_sel(struct pr *p, const struct vg_rule *ru)
{
	char buf[96];

	pr_u64(p, PR_ANY, "id", ru->id);
	pr_str(p, PR_ANY, "local", fmt_range(&ru->local, buf, sizeof(buf)));
	pr_ports(p, "lport", &ru->lport, ru->has & VG_RULE_LPORT);
	pr_str(p, PR_ANY, "proto", proto_name(ru->proto, buf, sizeof(buf)));
	pr_str(p, PR_ANY, "remote", fmt_range(&ru->remote, buf, sizeof(buf)));
	pr_ports(p, "rport", &ru->rport, ru->has & VG_RULE_RPORT);
}

static const char *rule_ports_str(const struct vg_rule *ru, char *buf,
				  size_t len)
{
	char a[16], b[16];

	if (!(ru->has & (VG_RULE_LPORT | VG_RULE_RPORT)))
		return "-";
	snprintf(buf, len, "%s%s%s%s%s",
		 ru->has & VG_RULE_LPORT ? "l:" : "",
		 ru->has & VG_RULE_LPORT ? ports_str(&ru->lport, true, a, sizeof(a)) : "",
		 (ru->has & VG_RULE_LPORT) && (ru->has & VG_RULE_RPORT) ? " " : "",
		 ru->has & VG_RULE_RPORT ? "r:" : "",
		 ru->has & VG_RULE_RPORT ? ports_str(&ru->rport, true, b, sizeof(b)) : "");
	return buf;
}

/*
 * "0xESPOUT/0xESPIN", "ah:0xOUT/0xIN", "comp:0xOUT/0xIN", those present,
 * space separated; CPIs like SPIs, as show sad and the JSON write them.
 */
static const char *rule_spis_str(const struct vg_rule *ru, char *buf,
				 size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (ru->has & VG_RULE_SPI_OUT)
		o += snprintf(buf, len, "0x%08x/0x%08x", ru->spi_out,
			      ru->spi_in);
	if ((ru->has & VG_RULE_AH_SPI_OUT) && o < len)
		o += snprintf(buf + o, len - o, "%sah:0x%08x/0x%08x",
			      o ? " " : "", ru->ah_spi_out, ru->ah_spi_in);
	if ((ru->has & VG_RULE_CPI_OUT) && o < len)
		snprintf(buf + o, len - o, "%scomp:0x%08x/0x%08x", o ? " " : "",
			 ru->cpi_out, ru->cpi_in);
	return buf;
}

static const struct pr_col rule_cols[] = {
	{ "ID", "id" }, { "DESCRIPTION", "descr" }, { "PROTO", "proto" },
	{ "LOCAL", "local" }, { "REMOTE", "remote" }, { "PORTS", "ports" },
	{ "ACTION", "action" }, { "SPI-OUT/SPI-IN", "spis" },
	{ "FLAGS", "self_traffic" }, { "PKTS-OUT", "stats.packets_out" },
	{ "BYTES-OUT", "stats.bytes_out" }, { "PKTS-IN", "stats.packets_in" },
	{ "BYTES-IN", "stats.bytes_in" }, { NULL, NULL }
};

#define PR_RULE_ST(p, key, ru, x) \
	pr_u64(p, PR_ANY, key, (ru)->st[VGATE_RULE_STATS_A_##x])

static void rule_print(struct pr *p, const struct vg_rule *ru)
{
	char buf[96];

	pr_obj_open(p, NULL);
	rule_print_sel(p, ru);
	pr_str(p, PR_TEXT, "ports", rule_ports_str(ru, buf, sizeof(buf)));
	pr_str(p, PR_ANY, "stage", stage_name(ru->stage));
	pr_str(p, PR_ANY, "peer", ru->has & VG_RULE_PEER_NAME ?
	       ru->peer_name : NULL);
	pr_addr(p, PR_ANY, "peer_addr", &ru->peer, ru->has & VG_RULE_PEER,
		NULL);
	pr_str(p, PR_JSON, "descr", ru->has & VG_RULE_DESCR ? ru->descr : NULL);
	pr_str(p, PR_TEXT, "descr", ru->descr[0] ? ru->descr : NULL);
	pr_str(p, PR_ANY, "family", ru->family == AF_INET6 ? "ipv6" : "ipv4");
	pr_str(p, PR_ANY, "action", action_name(ru->action));
	pr_str(p, PR_TEXT, "spis", ru->action != VGATE_ACTION_PROTECT ? NULL :
	       rule_dynamic(ru) ? "dynamic" :
	       rule_spis_str(ru, buf, sizeof(buf)));
	pr_spi(p, "spi_out", ru->spi_out, ru->has & VG_RULE_SPI_OUT);
	pr_spi(p, "spi_in", ru->spi_in, ru->has & VG_RULE_SPI_IN);
	pr_spi(p, "ah_spi_out", ru->ah_spi_out, ru->has & VG_RULE_AH_SPI_OUT);
	pr_spi(p, "ah_spi_in", ru->ah_spi_in, ru->has & VG_RULE_AH_SPI_IN);
	pr_spi(p, "cpi_out", ru->cpi_out, ru->has & VG_RULE_CPI_OUT);
	pr_spi(p, "cpi_in", ru->cpi_in, ru->has & VG_RULE_CPI_IN);
	pr_bool(p, PR_ANY, "dynamic", rule_dynamic(ru), "yes", "no");
	pr_bool(p, PR_ANY, "self_traffic", ru->flags & VGATE_RULE_F_SELF,
		"self", NULL);
	pr_obj_open(p, "stats");
	PR_RULE_ST(p, "packets_out", ru, PACKETS_OUT);
	PR_RULE_ST(p, "bytes_out", ru, BYTES_OUT);
	PR_RULE_ST(p, "packets_in", ru, PACKETS_IN);
	PR_RULE_ST(p, "bytes_in", ru, BYTES_IN);
	pr_close(p);
	pr_close(p);
}

/*
 * One section: the rules for which pick() is true, in ID order; in text
 * a table ("(none)" if empty), in JSON elements of the open array.
 */
static int rule_section(struct pr *p, const struct vg_rule *rules, size_t n,
			bool (*pick)(const struct vg_rule *, const void *),
			const void *arg)
{
	size_t i;

	pr_table(p, PR_ROWS, rule_cols);
	for (i = 0; i < n; i++)
		if (pick(&rules[i], arg))
			rule_print(p, &rules[i]);
	return pr_table_end(p, "  (none)\n");
}

static bool pick_stage(const struct vg_rule *ru, const void *arg)
{
	return ru->stage == *(const uint8_t *)arg;
}

static bool pick_peer(const struct vg_rule *ru, const void *arg)
{
	return ru->stage == VGATE_STAGE_PEER &&
	       !strcmp(ru->peer_name, (const char *)arg);
}

struct unknown_peer {
	const struct vg_peer *peers;
	size_t np;
};

/* Entries of a peer the dump did not show (deleted meanwhile). */
static bool pick_unknown(const struct vg_rule *ru, const void *arg)
{
	const struct unknown_peer *u = arg;

	return ru->stage == VGATE_STAGE_PEER &&
	       !peer_by_name(u->peers, u->np, ru->peer_name);
}

static const char *peer_addr_str(const struct vg_peer *p, char *buf,
				 size_t len)
{
	char a[64];

	if (p->hostname[0])
		snprintf(buf, len, "%s (%s)", fmt_addr(&p->addr, a, sizeof(a)),
			 p->hostname);
	else
		snprintf(buf, len, "%s", fmt_addr(&p->addr, a, sizeof(a)));
	return buf;
}

int show_rule(void)
{
	static const uint8_t pre = VGATE_STAGE_PRE, post = VGATE_STAGE_POST;
	struct vg_rule *rules = NULL;
	struct vg_peer *peers = NULL;
	struct unknown_peer u;
	struct vg_cfg cfg;
	size_t n = 0, np = 0, i, k;
	char buf[320];
	struct pr p;
	int r;

	r = vg_nl_dump_rules(&rules, &n);
	if (!r)
		r = vg_nl_dump_peers(&peers, &np);
	if (!r)
		r = vg_nl_get_config(&cfg);
	if (r || vg_dry_run)
		goto out;
	sort_rows(rules, n, sizeof(*rules), cmp_rule);
	sort_rows(peers, np, sizeof(*peers), cmp_peer);
	/* JSON: one array in evaluation order; text: a table per section. */
	pr_init(&p, show_json, true);
	pr_arr_open(&p, NULL);
	pr_text(&p, "Pre IPsec rules\n");
	r = rule_section(&p, rules, n, pick_stage, &pre);
	for (k = 0; !r && k < np; k++) {
		const struct vg_peer *pe = &peers[k];

		pr_text(&p, "\nPeer %s (ID %u, %s, admin %s, oper %s%s%s)%s%s\n",
			pe->name, pe->id, peer_addr_str(pe, buf, sizeof(buf)),
			admin_name(pe->admin), oper_name(pe->oper),
			pe->virt ? ", interface " : "",
			pe->virt ? (pe->ifname[0] ? pe->ifname : "?") : "",
			pe->descr[0] ? ": " : "", pe->descr);
		r = rule_section(&p, rules, n, pick_peer, pe->name);
	}
	/*
	 * Entries of peers the dump did not show: JSON has them in ID order,
	 * the text a section per peer.
	 */
	u.peers = peers;
	u.np = np;
	if (!r && p.json)
		r = rule_section(&p, rules, n, pick_unknown, &u);
	for (i = 0; !r && !p.json && i < n; i++) {
		if (!pick_unknown(&rules[i], &u))
			continue;
		for (k = 0; k < i; k++)
			if (rules[k].stage == VGATE_STAGE_PEER &&
			    !strcmp(rules[k].peer_name, rules[i].peer_name))
				break;
		if (k < i)
			continue;
		pr_text(&p, "\nPeer %s (unknown)\n", rules[i].peer_name);
		r = rule_section(&p, rules, n, pick_peer, rules[i].peer_name);
	}
	if (!r) {
		pr_text(&p, "\nPost IPsec rules\n");
		r = rule_section(&p, rules, n, pick_stage, &post);
	}
	pr_close(&p);
	if (!r)
		pr_text(&p, "\nPost default: %s\n", cfg.has & VG_CFG_POST_DEFAULT ?
			action_name(cfg.post_default) : "unknown");
	pr_end(&p);
out:
	free(rules);
	free(peers);
	return r;
}

/* ---- ipsec show peer ---- */

/* The IPComp option; a kernel that does not send it has accept. */
static const char *ipcomp_name(uint8_t v)
{
	return v == VGATE_IPCOMP_NO ? "no" :
	       v == VGATE_IPCOMP_FORCE ? "force" : "accept";
}

static const struct pr_col peer_cols[] = {
	{ "ID", "id" }, { "NAME", "name" }, { "DESCRIPTION", "descr" },
	{ "ADDRESS", "address" }, { "ADMIN", "admin" }, { "OPER", "oper" },
	{ "INTERFACE", "interface" }, { "PMTU", "propagate_pmtu" },
	{ "IPCOMP", "ipcomp" }, { "ENTRIES", "entries" }, { NULL, NULL }
};

static void peer_print(struct pr *p, const struct vg_peer *pe)
{
	char buf[320];

	pr_obj_open(p, NULL);
	pr_u64(p, PR_ANY, "id", pe->id);
	pr_str(p, PR_ANY, "name", pe->name);
	pr_str(p, PR_JSON, "descr", pe->has & VG_PEER_DESCR ? pe->descr : NULL);
	pr_str(p, PR_TEXT, "descr", pe->descr[0] ? pe->descr : NULL);
	pr_addr(p, PR_JSON, "addr", &pe->addr, pe->has & VG_PEER_ADDR, NULL);
	pr_str(p, PR_TEXT, "address", peer_addr_str(pe, buf, sizeof(buf)));
	pr_str(p, PR_ANY, "hostname",
	       pe->has & VG_PEER_HOSTNAME ? pe->hostname : NULL);
	pr_str(p, PR_ANY, "admin", admin_name(pe->admin));
	pr_str(p, PR_ANY, "oper", oper_name(pe->oper));
	pr_bool(p, PR_ANY, "virtual", pe->virt, "yes", "no");
	pr_str(p, PR_TEXT, "interface", !pe->virt ? NULL :
	       pe->ifname[0] ? pe->ifname : "?");
	pr_bool(p, PR_ANY, "propagate_pmtu", pe->pmtu, "propagate",
		"interface");
	pr_str(p, PR_ANY, "ipcomp", ipcomp_name(pe->ipcomp));
	pr_str(p, PR_ANY, "ifname", pe->has & VG_PEER_IFNAME ? pe->ifname : NULL);
	if (pe->has & VG_PEER_IFINDEX)
		pr_u64(p, PR_ANY, "ifindex", pe->ifindex);
	else
		pr_null(p, PR_ANY, "ifindex");
	pr_spi(p, "spi_out", pe->spi_out, pe->has & VG_PEER_SPI_OUT);
	pr_spi(p, "spi_in", pe->spi_in, pe->has & VG_PEER_SPI_IN);
	pr_u64(p, PR_ANY, "entries", pe->entries);
	pr_close(p);
}

int show_peer(const char *name)
{
	struct vg_peer *peers = NULL, one;
	size_t n = 0, i;
	struct pr p;
	int r;

	if (name) {
		r = vg_nl_get_peer(name, 0, &one);
		if (r == -ENOENT && !vg_dry_run)
			vg_err("no peer named \"%s\"", name);
		if (!r && !vg_dry_run) {
			peers = malloc(sizeof(*peers));
			if (!peers)
				return -ENOMEM;
			peers[0] = one;
			n = 1;
		}
	} else {
		r = vg_nl_dump_peers(&peers, &n);
	}
	if (r || vg_dry_run)
		goto out;
	sort_rows(peers, n, sizeof(*peers), cmp_peer);
	pr_init(&p, show_json, true);
	pr_table(&p, PR_ROWS, peer_cols);
	pr_arr_open(&p, NULL);
	for (i = 0; i < n; i++)
		peer_print(&p, &peers[i]);
	pr_close(&p);
	r = pr_table_end(&p, NULL);
	pr_end(&p);
out:
	free(peers);
	return r;
}

/* ---- ipsec show sa: the SA bundles ---- */

/*
 * An entry's SA bundle: ESP (out, in), AH (ah_out, ah_in) and IPComp
 * (cout, cin).  The counters shown are the ESP SAs', the AH SAs' for AH alone.
 */
struct bundle {
	const struct vg_rule *ru;
	const struct vg_sa *out, *in;		/* ESP */
	const struct vg_sa *ah_out, *ah_in;	/* AH */
	const struct vg_sa *cout, *cin;		/* IPComp */
	const struct vg_sa *st_out, *st_in;	/* whose counters */
	unsigned int flags;
};

static void find_bundle(struct bundle *b, const struct vg_rule *ru,
			const struct vg_sa *sas, size_t n)
{
	bool dyn = rule_dynamic(ru);
	bool want_esp = ru->has & VG_RULE_SPI_OUT;
	bool want_ah = ru->has & VG_RULE_AH_SPI_OUT;
	size_t i;

	memset(b, 0, sizeof(*b));
	b->ru = ru;
	for (i = 0; i < n; i++) {
		const struct vg_sa *sa = &sas[i];
		bool ah = sa_is_ah(sa);
		bool comp = sa->proto == IPPROTO_COMP;

		if (dyn) {
			/* The newest SAs with the entry's ID as REQID. */
			if (sa->reqid != ru->id)
				continue;
			if (addr_eq(&sa->dst, &ru->peer))
				*(comp ? &b->cout : ah ? &b->ah_out : &b->out) = sa;
			else if (addr_eq(&sa->src, &ru->peer))
				*(comp ? &b->cin : ah ? &b->ah_in : &b->in) = sa;
			continue;
		}
		if (comp) {
			if (!b->cout && (ru->has & VG_RULE_CPI_OUT) &&
			    sa->spi == ru->cpi_out &&
			    addr_eq(&sa->dst, &ru->peer))
				b->cout = sa;
			if (!b->cin && (ru->has & VG_RULE_CPI_IN) &&
			    sa->spi == ru->cpi_in &&
			    addr_eq(&sa->src, &ru->peer))
				b->cin = sa;
			continue;
		}
		if (!ah && want_esp && !b->out && sa->spi == ru->spi_out &&
		    addr_eq(&sa->dst, &ru->peer))
			b->out = sa;
		if (!ah && want_esp && !b->in && sa->spi == ru->spi_in &&
		    addr_eq(&sa->src, &ru->peer))
			b->in = sa;
		if (ah && want_ah && !b->ah_out && sa->spi == ru->ah_spi_out &&
		    addr_eq(&sa->dst, &ru->peer))
			b->ah_out = sa;
		if (ah && want_ah && !b->ah_in && sa->spi == ru->ah_spi_in &&
		    addr_eq(&sa->src, &ru->peer))
			b->ah_in = sa;
	}
	if (dyn) {
		want_esp = b->out || b->in || !(b->ah_out || b->ah_in);
		want_ah = b->ah_out || b->ah_in;
	}
	if ((want_esp && (!b->out || !b->in)) ||
	    (want_ah && (!b->ah_out || !b->ah_in)) ||
	    ((ru->has & VG_RULE_CPI_OUT) && (!b->cout || !b->cin)))
		b->flags |= F_MISSING;
	if (b->out)
		b->flags |= sa_flag_bits(b->out);
	if (b->in)
		b->flags |= sa_flag_bits(b->in);
	if (b->ah_out)
		b->flags |= sa_flag_bits(b->ah_out);
	if (b->ah_in)
		b->flags |= sa_flag_bits(b->ah_in);
	if ((b->out && (b->out->has & VG_SA_ENCAP)) ||
	    (b->in && (b->in->has & VG_SA_ENCAP)))
		b->flags |= F_UDP_ENCAP;
	b->st_out = want_esp ? b->out : b->ah_out;
	b->st_in = want_esp ? b->in : b->ah_in;
}

/*
 * The Bintec "CEA" flags of a bundle: C IPComp, E ESP, A AH, "-" where the
 * entry has none (a dynamic entry: where it has no SA yet).
 */
static const char *bundle_cea(const struct bundle *b, char buf[4])
{
	const struct vg_rule *ru = b->ru;
	bool dyn = rule_dynamic(ru);

	buf[0] = (ru->has & VG_RULE_CPI_OUT) || b->cout || b->cin ? 'C' : '-';
	buf[1] = (dyn ? b->out || b->in : ru->has & VG_RULE_SPI_OUT) ?
		 'E' : '-';
	buf[2] = (dyn ? b->ah_out || b->ah_in :
		  ru->has & VG_RULE_AH_SPI_OUT) ? 'A' : '-';
	buf[3] = '\0';
	return buf;
}

#define SA_ST(sa, x) ((sa) ? (sa)->st[VGATE_SA_STATS_A_##x] : 0)

static const struct pr_col sa_cols[] = {
	{ "ID", "id" }, { "PEER", "peer" }, { "LOCAL", "local" },
	{ "LPORT", "lport" }, { "PROTO", "proto" }, { "REMOTE", "remote" },
	{ "RPORT", "rport" }, { "PEER-ADDR", "peer_addr" }, { "CEA", "cea" },
	{ "SPI-OUT", "spi_out" }, { "SPI-IN", "spi_in" },
	{ "AH-SPI-OUT", "ah_spi_out" }, { "AH-SPI-IN", "ah_spi_in" },
	{ "FLAGS", "flags" }, { "BYTES-IN", "bytes_in" },
	{ "BYTES-OUT", "bytes_out" }, { "PKTS-IN", "packets_in" },
	{ "PKTS-OUT", "packets_out" }, { NULL, NULL }
};

/* The SA's SPI, else the rule's (has: the rule has one). */
static void pr_bundle_spi(struct pr *p, const char *key,
			  const struct vg_sa *sa, uint32_t spi, bool has)
{
	pr_spi(p, key, sa ? sa->spi : spi, sa || has);
}

static void bundle_print(struct pr *p, const struct bundle *b)
{
	const struct vg_rule *ru = b->ru;
	char cea[4];

	pr_obj_open(p, NULL);
	rule_print_sel(p, ru);
	pr_str(p, PR_JSON, "peer", ru->has & VG_RULE_PEER_NAME ?
	       ru->peer_name : NULL);
	pr_str(p, PR_TEXT, "peer", ru->peer_name[0] ? ru->peer_name : NULL);
	pr_addr(p, PR_ANY, "peer_addr", &ru->peer, ru->has & VG_RULE_PEER,
		NULL);
	pr_bool(p, PR_ANY, "dynamic", rule_dynamic(ru), "yes", "no");
	pr_bundle_spi(p, "spi_out", b->out, ru->spi_out,
		      ru->has & VG_RULE_SPI_OUT);
	pr_bundle_spi(p, "spi_in", b->in, ru->spi_in, ru->has & VG_RULE_SPI_IN);
	pr_bundle_spi(p, "ah_spi_out", b->ah_out, ru->ah_spi_out,
		      ru->has & VG_RULE_AH_SPI_OUT);
	pr_bundle_spi(p, "ah_spi_in", b->ah_in, ru->ah_spi_in,
		      ru->has & VG_RULE_AH_SPI_IN);
	pr_bundle_spi(p, "cpi_out", b->cout, ru->cpi_out,
		      ru->has & VG_RULE_CPI_OUT);
	pr_bundle_spi(p, "cpi_in", b->cin, ru->cpi_in, ru->has & VG_RULE_CPI_IN);
	pr_str(p, PR_ANY, "cea", bundle_cea(b, cea));
	pr_flags(p, b->flags);
	pr_u64(p, PR_ANY, "bytes_in", SA_ST(b->st_in, BYTES));
	pr_u64(p, PR_ANY, "bytes_out", SA_ST(b->st_out, BYTES));
	pr_u64(p, PR_ANY, "packets_in", SA_ST(b->st_in, PACKETS));
	pr_u64(p, PR_ANY, "packets_out", SA_ST(b->st_out, PACKETS));
	pr_close(p);
}

int show_sa(void)
{
	struct vg_rule *rules = NULL;
	struct vg_sa *sas = NULL;
	size_t nr = 0, ns = 0, i;
	struct bundle b;
	struct pr p;
	int r;

	r = vg_nl_dump_rules(&rules, &nr);
	if (!r)
		r = vg_nl_dump_sas(&sas, &ns);
	if (r || vg_dry_run)
		goto out;
	sort_rows(rules, nr, sizeof(*rules), cmp_rule);
	pr_init(&p, show_json, true);
	pr_table(&p, PR_ROWS, sa_cols);
	pr_arr_open(&p, NULL);
	for (i = 0; i < nr; i++) {
		if (rules[i].action != VGATE_ACTION_PROTECT)
			continue;
		find_bundle(&b, &rules[i], sas, ns);
		bundle_print(&p, &b);
	}
	pr_close(&p);
	r = pr_table_end(&p, NULL);
	pr_end(&p);
out:
	free(rules);
	free(sas);
	return r;
}

/* ---- ipsec show global ---- */

static const struct {
	int attr;
	const char *label, *json;
} global_names[] = {
	{ VGATE_STATS_A_SAS, "SAs", "sas" },
	{ VGATE_STATS_A_RULES, "rules", "rules" },
	{ VGATE_STATS_A_PEERS, "peers", "peers" },
	{ VGATE_STATS_A_PEERS_UP, "peers up", "peers_up" },
	{ VGATE_STATS_A_PEERS_DORMANT, "peers dormant", "peers_dormant" },
	{ VGATE_STATS_A_PEERS_BLOCKED, "peers blocked", "peers_blocked" },
	{ VGATE_STATS_A_PACKETS_IN, "packets in", "packets_in" },
	{ VGATE_STATS_A_PACKETS_OUT, "packets out", "packets_out" },
	{ VGATE_STATS_A_PASSED, "passed", "passed" },
	{ VGATE_STATS_A_OVERLAP_SKIPPED, "overlap skipped", "overlap_skipped" },
	{ VGATE_STATS_A_SELF_BYPASSED, "self bypassed", "self_bypassed" },
	{ VGATE_STATS_A_DROPPED, "dropped", "dropped" },
	{ VGATE_STATS_A_PROTECTED_IN, "protected in", "protected_in" },
	{ VGATE_STATS_A_PROTECTED_OUT, "protected out", "protected_out" },
	{ VGATE_STATS_A_ACQUIRES, "acquires", "acquires" },
	{ VGATE_STATS_A_PMTU_LEARNT, "path MTUs learnt", "pmtu_learnt" },
	{ VGATE_STATS_A_DUMMY_IN, "dummy in", "dummy_in" },
	{ VGATE_STATS_A_ERRORS, "errors", "errors" },
	{ VGATE_STATS_A_NATT_ESP_IN, "natt esp in", "natt_esp_in" },
	{ VGATE_STATS_A_NATT_IKE_IN, "natt ike in", "natt_ike_in" },
	{ VGATE_STATS_A_NATT_KEEPALIVES_IN, "natt keepalives in",
	  "natt_keepalives_in" },
	{ VGATE_STATS_A_NATT_KEEPALIVES_OUT, "natt keepalives out",
	  "natt_keepalives_out" },
};

#define N_GLOBAL (sizeof(global_names) / sizeof(global_names[0]))

/* Text: a line per counter, "drop REASON" for the drops. */
static void global_cols(struct pr *p, const int *attrs, size_t na,
			const int *drops, size_t nd)
{
	char label[64], key[64];
	size_t i, k;

	for (i = 0; i < na; i++)
		for (k = 0; k < N_GLOBAL; k++)
			if (global_names[k].attr == attrs[i])
				pr_col(p, global_names[k].label,
				       global_names[k].json);
	for (i = 0; i < nd; i++) {
		snprintf(label, sizeof(label), "drop %s", drop_name(drops[i]));
		snprintf(key, sizeof(key), "drops.%s", drop_json(drops[i]));
		pr_col(p, label, key);
	}
}

/* The counters attrs (those of global_names) and the drops. */
static void global_print(struct pr *p, const struct vg_stats *st,
			 const int *attrs, size_t na, const int *drops,
			 size_t nd)
{
	size_t i, k;

	for (i = 0; i < na; i++)
		for (k = 0; k < N_GLOBAL; k++)
			if (global_names[k].attr == attrs[i])
				pr_u64(p, PR_ANY, global_names[k].json,
				       st->v[attrs[i]]);
	pr_obj_open(p, "drops");
	for (i = 0; i < nd; i++)
		pr_u64(p, PR_ANY, drop_json(drops[i]), st->drops[drops[i]]);
	pr_close(p);
}

int show_global(void)
{
	int attrs[N_GLOBAL], drops[VGATE_DROP_MAX];
	struct vg_stats st;
	struct pr p;
	size_t i;
	int r;

	r = vg_nl_get_stats(&st);
	if (r || vg_dry_run)
		return r;
	for (i = 0; i < N_GLOBAL; i++)
		attrs[i] = global_names[i].attr;
	for (i = 0; i < VGATE_DROP_MAX; i++)
		drops[i] = i + 1;
	pr_init(&p, show_json, true);
	pr_table(&p, PR_PAIRS, NULL);
	pr_table_pairs_hdr(&p, "COUNTER", "VALUE");
	global_cols(&p, attrs, N_GLOBAL, drops, VGATE_DROP_MAX);
	pr_obj_open(&p, NULL);
	global_print(&p, &st, attrs, N_GLOBAL, drops, VGATE_DROP_MAX);
	pr_close(&p);
	r = pr_table_end(&p, NULL);
	pr_end(&p);
	return r;
}

/* ---- ipsec show natt ---- */

int show_natt(void)
{
	static const int cnt[] = {
		VGATE_STATS_A_NATT_ESP_IN, VGATE_STATS_A_NATT_IKE_IN,
		VGATE_STATS_A_NATT_KEEPALIVES_IN,
		VGATE_STATS_A_NATT_KEEPALIVES_OUT,
	};
	static const int drops[] = {
		VGATE_DROP_NATT_MALFORMED, VGATE_DROP_NATT_NO_DAEMON,
	};
	static const struct pr_col cols[] = {
		{ "socket", "socket" }, { "keepalive", "keepalive" },
		{ NULL, NULL }
	};
	const char *owner;
	struct vg_stats st;
	struct vg_cfg cfg;
	struct pr p;
	uint16_t port;
	uint8_t own;
	int r;

	r = vg_nl_get_encap_sock(&port, &own);
	if (!r)
		r = vg_nl_get_stats(&st);
	if (!r)
		r = vg_nl_get_config(&cfg);
	if (r || vg_dry_run)
		return r;
	owner = !port ? "none" : own == VGATE_ENCAP_OWNER_KERNEL ? "kernel" :
		"process";
	pr_init(&p, show_json, true);
	pr_table(&p, PR_LINES, cols);
	global_cols(&p, cnt, sizeof(cnt) / sizeof(cnt[0]), drops,
		    sizeof(drops) / sizeof(drops[0]));
	pr_obj_open(&p, NULL);
	if (port) {
		pr_u64(&p, PR_JSON, "port", port);
		pr_strf(&p, PR_TEXT, "socket", "udp port %u, owner %s", port,
			owner);
	} else {
		pr_null(&p, PR_JSON, "port");
		pr_str(&p, PR_TEXT, "socket", "none");
	}
	pr_str(&p, PR_JSON, "owner", owner);
	pr_u64(&p, PR_JSON, "keepalive", cfg.natt_keepalive);
	pr_strf(&p, PR_TEXT, "keepalive", "%u s%s", cfg.natt_keepalive,
		cfg.natt_keepalive ? "" : " (off)");
	global_print(&p, &st, cnt, sizeof(cnt) / sizeof(cnt[0]), drops,
		     sizeof(drops) / sizeof(drops[0]));
	pr_close(&p);
	r = pr_table_end(&p, NULL);
	pr_end(&p);
	return r;
}

/* ---- knobs ---- */

int show_knob(const char *name)
{
	const struct knob *k = knob_find(name);
	struct vg_cfg cfg;
	struct pr p;
	uint32_t v;
	int r;

	r = vg_nl_get_config(&cfg);
	if (r || vg_dry_run)
		return r;
	if (!(cfg.has & k->bit)) {
		vg_err("the kernel did not report %s", name);
		return -EPROTO;
	}
	v = knob_get(&cfg, k);
	pr_init(&p, show_json, true);
	pr_table(&p, PR_VALUES, NULL);
	pr_col(&p, k->name, k->json);
	pr_obj_open(&p, NULL);
	if (k->type == KNOB_ONOFF)
		pr_bool(&p, PR_ANY, k->json, v, "on", "off");
	else if (k->type == KNOB_ACTION)
		pr_str(&p, PR_ANY, k->json, action_name(v));
	else
		pr_u64(&p, PR_ANY, k->json, v);
	pr_close(&p);
	r = pr_table_end(&p, NULL);
	pr_end(&p);
	return r;
}

/* ---- ipsec explain ---- */

static const char *const reason_names[VGATE_WHY_MAX + 1] = {
	[VGATE_WHY_PRE_RULE] = "pre_rule",
	[VGATE_WHY_PEER_ENTRY] = "peer_entry",
	[VGATE_WHY_POST_RULE] = "post_rule",
	[VGATE_WHY_POST_DEFAULT] = "post_default",
	[VGATE_WHY_OVERLAP_SKIP] = "overlap_skip",
	[VGATE_WHY_SELF_BYPASS] = "self_bypass",
	[VGATE_WHY_PEER_BLOCKED] = "peer_blocked",
	[VGATE_WHY_PEER_DOWN] = "peer_down",
};

static const char *entry_str(const struct vg_verdict *v, char *buf, size_t len)
{
	if (v->has & VG_VERDICT_PEER_NAME)
		snprintf(buf, len, "entry %u of peer %s", v->rule_id,
			 v->peer_name);
	else
		snprintf(buf, len, "entry %u", v->rule_id);
	return buf;
}

const char *explain_text(const struct vg_flow *f, const struct vg_verdict *v,
			 char *buf, size_t len)
{
	const struct vg_addr *remote = f->dir == VGATE_DIR_IN ? &f->src : &f->dst;
	const char *act = action_name(v->action);
	char e[96], a[64];
	size_t o;

	switch (v->reason) {
	case VGATE_WHY_PRE_RULE:
		snprintf(buf, len, "pre rule %u (%s)", v->rule_id, act);
		break;
	case VGATE_WHY_PEER_ENTRY:
		snprintf(buf, len, "peer %s entry %u (%s)", v->peer_name,
			 v->rule_id, act);
		break;
	case VGATE_WHY_POST_RULE:
		snprintf(buf, len, "post rule %u (%s)", v->rule_id, act);
		break;
	case VGATE_WHY_POST_DEFAULT:
		snprintf(buf, len, "post default (%s)", act);
		break;
	case VGATE_WHY_OVERLAP_SKIP:
		snprintf(buf, len,
			 "overlap skip: %s matched, %s lies in its local range: routed in the clear",
			 entry_str(v, e, sizeof(e)),
			 fmt_addr(remote, a, sizeof(a)));
		break;
	case VGATE_WHY_SELF_BYPASS:
		snprintf(buf, len,
			 "self bypass: gateway's own traffic with a directly attached host");
		break;
	case VGATE_WHY_PEER_BLOCKED:
		snprintf(buf, len, "peer blocked: %s matched, the peer is blocked: %s",
			 entry_str(v, e, sizeof(e)),
			 v->action == VGATE_ACTION_DROP ? "dropped" : act);
		break;
	case VGATE_WHY_PEER_DOWN:
		snprintf(buf, len,
			 "peer down: %s matched, the peer is admin down and no other peer's entry took it: dropped, never in the clear",
			 entry_str(v, e, sizeof(e)));
		break;
	default:
		snprintf(buf, len, "%s (reason %u)", act, v->reason);
	}
	o = strlen(buf);
	if (v->self && v->reason != VGATE_WHY_SELF_BYPASS && o < len)
		snprintf(buf + o, len - o, " [gateway's own traffic]");
	return buf;
}

int show_explain(const struct vg_flow *f, const struct vg_verdict *v)
{
	static const struct pr_col cols[] = {
		{ "text", "text" }, { "lookups", "lookups" }, { NULL, NULL }
	};
	char text[320], per[32] = "";
	struct pr p;

	explain_text(f, v, text, sizeof(text));
	if ((v->has & VG_VERDICT_ITERATIONS) && v->iterations)
		snprintf(per, sizeof(per), "%.1f",
			 (double)v->ns / v->iterations);
	pr_init(&p, show_json, true);
	pr_table(&p, PR_VALUES, cols);
	pr_obj_open(&p, NULL);
	pr_str(&p, PR_JSON, "action", action_name(v->action));
	pr_str(&p, PR_JSON, "reason", v->reason <= VGATE_WHY_MAX &&
	       reason_names[v->reason] ? reason_names[v->reason] : "unknown");
	if (v->has & VG_VERDICT_RULE_ID)
		pr_u64(&p, PR_JSON, "rule_id", v->rule_id);
	else
		pr_null(&p, PR_JSON, "rule_id");
	pr_str(&p, PR_JSON, "stage", v->has & VG_VERDICT_STAGE ?
	       stage_name(v->stage) : NULL);
	pr_str(&p, PR_JSON, "peer", v->has & VG_VERDICT_PEER_NAME ?
	       v->peer_name : NULL);
	pr_bool(&p, PR_JSON, "self", v->self, NULL, NULL);
	pr_str(&p, PR_ANY, "text", text);
	if (per[0]) {
		pr_u64(&p, PR_JSON, "iterations", v->iterations);
		pr_u64(&p, PR_JSON, "nanoseconds", v->ns);
		pr_num(&p, PR_JSON, "ns_per_lookup", per);
		pr_strf(&p, PR_TEXT, "lookups",
			"%u lookups in %" PRIu64 " ns: %s ns/lookup",
			v->iterations, v->ns, per);
	}
	pr_close(&p);
	pr_table_end(&p, NULL);
	pr_end(&p);
	return 0;
}

/* ---- ip arp: the gratuitous-ARP policy (vgate_garp) ---- */

const struct garp_setting garp_settings[] = {
	{ VG_GARP_ACTIVE, "active", "active", VG_GARP_DEF_ACTIVE, true },
	{ VG_GARP_FORCE_UPDATE, "forceUpdate", "force_update",
	  VG_GARP_DEF_FORCE_UPDATE, true },
	{ VG_GARP_RATE_LIMIT, "rateLimit", "rate_limit", VG_GARP_DEF_RATE_LIMIT,
	  true },
	{ VG_GARP_VERIFY_TIMEOUT, "verifyTimeout", "verify_timeout_ms",
	  VG_GARP_DEF_VERIFY_TIMEOUT, false },
};

const size_t n_garp_settings = sizeof(garp_settings) / sizeof(garp_settings[0]);

const struct garp_setting *garp_setting_find(uint32_t bit)
{
	size_t i;

	for (i = 0; i < n_garp_settings; i++)
		if (garp_settings[i].bit == bit)
			return &garp_settings[i];
	return &garp_settings[0];
}

uint32_t garp_cfg_get(const struct vg_garp_cfg *cfg, uint32_t bit)
{
	switch (bit) {
	case VG_GARP_ACTIVE:
		return cfg->active;
	case VG_GARP_FORCE_UPDATE:
		return cfg->force_update;
	case VG_GARP_RATE_LIMIT:
		return cfg->rate_limit;
	case VG_GARP_VERIFY_TIMEOUT:
		return cfg->verify_timeout;
	case VG_GARP_PENDING:
		return cfg->pending;
	}
	return 0;
}

uint32_t garp_if_get(const struct vg_garp_if *ifc, uint32_t bit)
{
	switch (bit) {
	case VG_GARP_ACTIVE:
		return ifc->active;
	case VG_GARP_FORCE_UPDATE:
		return ifc->force_update;
	case VG_GARP_RATE_LIMIT:
		return ifc->rate_limit;
	}
	return 0;
}

uint32_t garp_if_eff(const struct vg_garp_if *ifc, uint32_t bit)
{
	switch (bit) {
	case VG_GARP_ACTIVE:
		return ifc->eff_active;
	case VG_GARP_FORCE_UPDATE:
		return ifc->eff_force_update;
	case VG_GARP_RATE_LIMIT:
		return ifc->eff_rate_limit;
	}
	return 0;
}

/* The reply bit of the effective value of setting bit. */
static uint32_t garp_eff_bit(uint32_t bit)
{
	switch (bit) {
	case VG_GARP_ACTIVE:
		return VG_GARP_EFF_ACTIVE;
	case VG_GARP_FORCE_UPDATE:
		return VG_GARP_EFF_FORCE_UPDATE;
	case VG_GARP_RATE_LIMIT:
		return VG_GARP_EFF_RATE_LIMIT;
	}
	return 0;
}

static bool garp_inherit(uint32_t bit, uint32_t v)
{
	return bit == VG_GARP_RATE_LIMIT ? v == VGATE_GARP_RATE_INHERIT :
	       v == VGATE_GARP_INHERIT;
}

bool garp_if_overrides(const struct vg_garp_if *ifc, uint32_t bit)
{
	return (ifc->has & bit) && !garp_inherit(bit, garp_if_get(ifc, bit));
}

const char *garp_value_str(uint32_t bit, uint32_t v, char *buf, size_t len)
{
	if (bit != VG_GARP_VERIFY_TIMEOUT && garp_inherit(bit, v))
		return "inherit";
	switch (bit) {
	case VG_GARP_ACTIVE:
		return v ? "yes" : "no";
	case VG_GARP_FORCE_UPDATE:
		return v ? "on" : "off";
	}
	snprintf(buf, len, "%u", v);
	return buf;
}

/*
 * A setting's value: in JSON a string for switches and inherit, else a
 * number; in text as the CLI takes it.  Without one null ("-").
 */
static void pr_garp_value(struct pr *p, enum pr_out o, const char *key,
			  uint32_t bit, uint32_t v, bool has)
{
	char buf[16];

	if (!has)
		pr_null(p, o, key);
	else if (bit == VG_GARP_ACTIVE || bit == VG_GARP_FORCE_UPDATE ||
		 garp_inherit(bit, v))
		pr_str(p, o, key, garp_value_str(bit, v, buf, sizeof(buf)));
	else
		pr_u64(p, o, key, v);
}

/* Table and JSON names of the counters, by enum vgate_garp_counter. */
static const char *const garp_cnt_names[VGATE_GARP_CNT_MAX + 1][2] = {
	[VGATE_GARP_CNT_SEEN] = { "SEEN", "seen" },
	[VGATE_GARP_CNT_ACCEPTED_NEW] = { "ACC-NEW", "accepted_new" },
	[VGATE_GARP_CNT_ACCEPTED_CHANGED] = { "ACC-CHANGED", "accepted_changed" },
	[VGATE_GARP_CNT_UNCHANGED] = { "UNCHANGED", "unchanged" },
	[VGATE_GARP_CNT_REFUSED_POLICY] = { "REF-POLICY", "refused_policy" },
	[VGATE_GARP_CNT_REFUSED_VERIFY] = { "REF-VERIFY", "refused_verify" },
	[VGATE_GARP_CNT_REFUSED_OFFSUBNET] = { "REF-OFFSUBNET",
					       "refused_offsubnet" },
	[VGATE_GARP_CNT_RATE_LIMITED] = { "RATE-LIMITED", "rate_limited" },
	[VGATE_GARP_CNT_COALESCED] = { "COALESCED", "coalesced" },
	[VGATE_GARP_CNT_MALFORMED] = { "MALFORMED", "malformed" },
	[VGATE_GARP_CNT_PROBES_SENT] = { "PROBES-SENT", "probes_sent" },
	[VGATE_GARP_CNT_REQUESTS] = { "REQUESTS", "requests" },
};

static const struct pr_col garp_if_cols[] = {
	{ "INTERFACE", "name" }, { "ACTIVE", "active" },
	{ "FORCEUPDATE", "force_update" }, { "RATELIMIT", "rate_limit" },
	{ NULL, NULL }
};

/*
 * An interface: the settings' overrides (or inherit) and effective
 * values; the text cell is the effective value, "yes*" when the interface
 * overrides the global one.
 */
static void garp_if_print(struct pr *p, const struct vg_garp_if *ifc)
{
	char buf[16];
	size_t i;
	int c;

	pr_obj_open(p, NULL);
	pr_str(p, PR_ANY, "name", ifc->ifname);
	if (ifc->has & VG_GARP_IFINDEX)
		pr_u64(p, PR_ANY, "ifindex", ifc->ifindex);
	else
		pr_null(p, PR_ANY, "ifindex");
	for (i = 0; i < n_garp_settings; i++) {
		const struct garp_setting *s = &garp_settings[i];

		if (!s->iface)
			continue;
		pr_garp_value(p, PR_JSON, s->json, s->bit,
			      garp_if_get(ifc, s->bit), ifc->has & s->bit);
		if (!(ifc->has & garp_eff_bit(s->bit)))
			pr_str(p, PR_TEXT, s->json, "?");
		else
			pr_strf(p, PR_TEXT, s->json, "%s%s",
				garp_value_str(s->bit, garp_if_eff(ifc, s->bit),
					       buf, sizeof(buf)),
				garp_if_overrides(ifc, s->bit) ? "*" : "");
	}
	pr_obj_open(p, "effective");
	for (i = 0; i < n_garp_settings; i++) {
		const struct garp_setting *s = &garp_settings[i];

		if (s->iface)
			pr_garp_value(p, PR_JSON, s->json, s->bit,
				      garp_if_eff(ifc, s->bit),
				      ifc->has & garp_eff_bit(s->bit));
	}
	pr_close(p);
	pr_obj_open(p, "counters");
	for (c = 1; c <= VGATE_GARP_CNT_MAX; c++)
		pr_u64(p, PR_ANY, garp_cnt_names[c][1], ifc->cnt[c]);
	pr_close(p);
	pr_close(p);
}

/* The global settings: JSON members; text a line each, explained. */
static int garp_global_print(struct pr *p, const struct vg_garp_cfg *cfg)
{
	char buf[16];
	size_t i;

	pr_text(p, "Global (every interface inherits these unless it overrides them):\n");
	pr_table(p, PR_VALUES, NULL);
	for (i = 0; i < n_garp_settings; i++)
		pr_col(p, garp_settings[i].name, garp_settings[i].json);
	pr_col(p, "pending", "pending");
	for (i = 0; i < n_garp_settings; i++) {
		const struct garp_setting *s = &garp_settings[i];
		uint32_t v = garp_cfg_get(cfg, s->bit);
		const char *note = "";

		pr_garp_value(p, PR_JSON, s->json, s->bit, v,
			      cfg->has & s->bit);
		if (!(cfg->has & s->bit)) {
			pr_strf(p, PR_TEXT, s->json, "  %s ?", s->name);
			continue;
		}
		if (s->bit == VG_GARP_ACTIVE)
			note = v ? ": an announcement is verified with an own ARP request and applied only if a reply confirms it" :
			       ": a gratuitous ARP never changes the ARP table";
		else if (s->bit == VG_GARP_RATE_LIMIT && !v)
			note = " (unlimited)";
		pr_strf(p, PR_TEXT, s->json, "  %s %s%s%s", s->name,
			garp_value_str(s->bit, v, buf, sizeof(buf)),
			v == s->def ? " (default)" : "", note);
	}
	if (cfg->has & VG_GARP_PENDING) {
		pr_u64(p, PR_JSON, "pending", cfg->pending);
		pr_strf(p, PR_TEXT, "pending",
			"  pending %u (verifications running)", cfg->pending);
	} else {
		pr_null(p, PR_JSON, "pending");
		pr_str(p, PR_TEXT, "pending", "  pending ?");
	}
	return pr_table_end(p, NULL);
}

int show_garp(const char *ifname)
{
	struct vg_garp_if *ifs = NULL, one;
	struct vg_garp_cfg cfg;
	char key[64];
	size_t n = 0, i;
	struct pr p;
	int r, c;

	r = cli_garp_get_global(&cfg);
	if (!r && ifname) {
		r = cli_garp_get_if(ifname, &one);
		if (!r && !vg_dry_run) {
			ifs = malloc(sizeof(*ifs));
			if (!ifs)
				return -ENOMEM;
			ifs[0] = one;
			n = 1;
		}
	} else if (!r) {
		r = cli_garp_dump_ifs(&ifs, &n);
	}
	if (r || vg_dry_run)
		goto out;
	pr_init(&p, show_json, true);
	pr_obj_open(&p, NULL);
	r = garp_global_print(&p, &cfg);
	pr_text(&p, "\n");
	pr_table(&p, PR_ROWS, garp_if_cols);
	for (c = 1; c <= VGATE_GARP_CNT_MAX; c++) {
		snprintf(key, sizeof(key), "counters.%s", garp_cnt_names[c][1]);
		pr_col(&p, garp_cnt_names[c][0], key);
	}
	pr_arr_open(&p, "interfaces");
	for (i = 0; i < n; i++)
		garp_if_print(&p, &ifs[i]);
	pr_close(&p);
	if (!r)
		r = pr_table_end(&p, "(no Ethernet interfaces)\n");
	else
		pr_table_end(&p, NULL);
	if (!r && n)
		pr_text(&p, "(* interface override; the other values are the global ones)\n");
	pr_close(&p);
	pr_end(&p);
out:
	free(ifs);
	return r;
}

int show_garp_setting(const struct vg_garp_req *g)
{
	const struct garp_setting *s = garp_setting_find(g->setting);
	struct vg_garp_cfg cfg;
	struct vg_garp_if ifc;
	char b1[16], b2[16];
	uint32_t eff_bit = garp_eff_bit(g->setting);
	struct pr p;
	int r;

	if (!g->iface) {
		r = cli_garp_get_global(&cfg);
		if (r || vg_dry_run)
			return r;
		if (!(cfg.has & s->bit)) {
			vg_err("the kernel did not report %s", s->name);
			return -EPROTO;
		}
	} else {
		r = cli_garp_get_if(g->ifc.ifname, &ifc);
		if (r || vg_dry_run)
			return r;
		if (!(ifc.has & s->bit) || !(ifc.has & eff_bit)) {
			vg_err("the kernel did not report %s of interface \"%s\"",
			       s->name, g->ifc.ifname);
			return -EPROTO;
		}
		if (!(ifc.has & VG_GARP_IFNAME))
			snprintf(ifc.ifname, sizeof(ifc.ifname), "%s",
				 g->ifc.ifname);
	}
	pr_init(&p, show_json, true);
	pr_table(&p, PR_VALUES, NULL);
	pr_col(&p, s->name, s->json);
	pr_obj_open(&p, NULL);
	if (!g->iface) {
		pr_garp_value(&p, PR_ANY, s->json, s->bit,
			      garp_cfg_get(&cfg, s->bit), true);
	} else {
		/* Text: "SETTING VALUE (EFFECTIVE)". */
		pr_str(&p, PR_JSON, "name", ifc.ifname);
		if (ifc.has & VG_GARP_IFINDEX)
			pr_u64(&p, PR_JSON, "ifindex", ifc.ifindex);
		else
			pr_null(&p, PR_JSON, "ifindex");
		pr_garp_value(&p, PR_JSON, s->json, s->bit,
			      garp_if_get(&ifc, s->bit), true);
		pr_strf(&p, PR_TEXT, s->json, "%s %s (%s)", s->name,
			garp_value_str(s->bit, garp_if_get(&ifc, s->bit), b1,
				       sizeof(b1)),
			garp_value_str(s->bit, garp_if_eff(&ifc, s->bit), b2,
				       sizeof(b2)));
		pr_obj_open(&p, "effective");
		pr_garp_value(&p, PR_JSON, s->json, s->bit,
			      garp_if_eff(&ifc, s->bit), true);
		pr_close(&p);
	}
	pr_close(&p);
	r = pr_table_end(&p, NULL);
	pr_end(&p);
	return r;
}
