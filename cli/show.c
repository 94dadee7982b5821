// SPDX-License-Identifier: GPL-2.0
/*
 * Show commands: fetch through nl.c, print aligned tables (header row,
 * like "ip -s" or a Bintec monitor view) or one JSON document (-j).
 * Keys are never printed: the kernel never returns them.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "show.h"

bool show_json;

/* ---- names ---- */

const char *enc_name(uint16_t enc)
{
	switch (enc) {
	case VGATE_ENC_NULL:
		return "null";
	case VGATE_ENC_AES_CBC:
		return "aes-cbc";
	case VGATE_ENC_AES_GCM_16:
		return "aes-gcm";
	case VGATE_ENC_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	case VGATE_ENC_DES3_CBC:
		return "3des-cbc";
	}
	return "unknown";
}

/*
 * The cipher as the CLI takes it ("aes256-gcm"), when the kernel said the
 * key size; the family name otherwise.
 */
const char *sa_enc_name(const struct vg_sa *sa)
{
	static char buf[24];

	if ((sa->enc == VGATE_ENC_AES_CBC || sa->enc == VGATE_ENC_AES_GCM_16) &&
	    sa->enc_key_bits) {
		snprintf(buf, sizeof(buf), "aes%u-%s", sa->enc_key_bits,
			 sa->enc == VGATE_ENC_AES_CBC ? "cbc" : "gcm");
		return buf;
	}
	return enc_name(sa->enc);
}

const char *auth_name(uint16_t auth)
{
	switch (auth) {
	case VGATE_AUTH_NONE:
		return "none";
	case VGATE_AUTH_HMAC_SHA1_96:
		return "hmac-sha1";
	case VGATE_AUTH_HMAC_SHA256_128:
		return "hmac-sha256";
	case VGATE_AUTH_HMAC_SHA384_192:
		return "hmac-sha384";
	case VGATE_AUTH_HMAC_SHA512_256:
		return "hmac-sha512";
	}
	return "unknown";
}

const char *mode_name(uint8_t mode)
{
	switch (mode) {
	case VGATE_MODE_TUNNEL:
		return "tunnel";
	case VGATE_MODE_TRANSPORT:
		return "transport";
	}
	return "unknown";
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
	switch (proto) {
	case 0:
		return "any";
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

/* Table and JSON names of the drop reasons, by enum vgate_drop_reason. */
static const char *const drop_names[VGATE_DROP_MAX + 1][2] = {
	[VGATE_DROP_NO_SA] = { "no-sa", "no_sa" },
	[VGATE_DROP_REPLAY] = { "replay", "replay" },
	[VGATE_DROP_AUTH] = { "auth", "auth" },
	[VGATE_DROP_BAD_PADDING] = { "bad-padding", "bad_padding" },
	[VGATE_DROP_MALFORMED] = { "malformed", "malformed" },
	[VGATE_DROP_POLICY] = { "policy", "policy" },
	[VGATE_DROP_RULE] = { "rule", "rule" },
	[VGATE_DROP_EXPIRED] = { "expired", "expired" },
	[VGATE_DROP_SEQ_OVERFLOW] = { "seq-overflow", "seq_overflow" },
	[VGATE_DROP_MTU] = { "mtu", "mtu" },
	[VGATE_DROP_NOMEM] = { "nomem", "nomem" },
	[VGATE_DROP_CRYPTO] = { "crypto", "crypto" },
	[VGATE_DROP_NO_ROUTE] = { "no-route", "no_route" },
};

/* ---- a table of strings with aligned columns ---- */

#define TBL_MAX_COLS 20

struct table {
	int ncol;
	const char *hdr[TBL_MAX_COLS];
	char **cells;		/* nrow * ncol */
	size_t nrow, cap;
	int col;		/* next cell of the current row */
	bool oom;
};

static void tbl_init(struct table *t, const char *const *hdr)
{
	memset(t, 0, sizeof(*t));
	while (hdr[t->ncol] && t->ncol < TBL_MAX_COLS) {
		t->hdr[t->ncol] = hdr[t->ncol];
		t->ncol++;
	}
}

static void tbl_row(struct table *t)
{
	char **p;

	if (t->nrow == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		p = realloc(t->cells, cap * t->ncol * sizeof(*p));
		if (!p) {
			t->oom = true;
			return;
		}
		t->cells = p;
		t->cap = cap;
	}
	memset(&t->cells[t->nrow * t->ncol], 0, t->ncol * sizeof(char *));
	t->nrow++;
	t->col = 0;
}

static void tbl_cell(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tbl_cell(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (t->oom || !t->nrow || t->col >= t->ncol)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		t->oom = true;
	}
	va_end(ap);
	t->cells[(t->nrow - 1) * t->ncol + t->col++] = s;
}

static void tbl_put(const char *s, size_t w, bool last)
{
	if (last)
		printf("%s\n", s);
	else
		printf("%-*s  ", (int)w, s);
}

static int tbl_print(struct table *t)
{
	size_t w[TBL_MAX_COLS], r;
	int c;

	if (t->oom) {
		vg_err("out of memory");
		return -ENOMEM;
	}
	for (c = 0; c < t->ncol; c++) {
		w[c] = strlen(t->hdr[c]);
		for (r = 0; r < t->nrow; r++) {
			const char *s = t->cells[r * t->ncol + c];

			if (s && strlen(s) > w[c])
				w[c] = strlen(s);
		}
	}
	for (c = 0; c < t->ncol; c++)
		tbl_put(t->hdr[c], w[c], c + 1 == t->ncol);
	for (r = 0; r < t->nrow; r++) {
		for (c = 0; c < t->ncol; c++) {
			const char *s = t->cells[r * t->ncol + c];

			tbl_put(s ? s : "-", w[c], c + 1 == t->ncol);
		}
	}
	fflush(stdout);
	return 0;
}

static void tbl_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrow * t->ncol; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* ---- helpers ---- */

static bool addr_eq(const struct vg_addr *a, const struct vg_addr *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->a, b->a, a->len);
}

static const char *prefix_str(const struct vg_prefix *p, bool has, char *buf,
			      size_t len)
{
	char a[64];

	if (!has)
		return "any";
	snprintf(buf, len, "%s/%u", fmt_addr(&p->addr, a, sizeof(a)), p->plen);
	return buf;
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

enum { F_MISSING = 1U << 16 };

static const struct {
	unsigned int bit;
	const char *name;
} flag_names[] = {
	{ VGATE_SA_F_WEAK, "weak" },
	{ VGATE_SA_F_EXPIRED, "expired" },
	{ VGATE_SA_F_SOFT_EXPIRED, "soft-expired" },
	{ F_MISSING, "missing-sa" },
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

static void json_flags(struct json *j, unsigned int f)
{
	size_t i;

	json_arr_open(j, "flags");
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (f & flag_names[i].bit)
			json_str(j, NULL, flag_names[i].name);
	json_close(j);
}

static void json_spi(struct json *j, const char *key, uint32_t spi, bool has)
{
	char buf[16];

	if (!has) {
		json_null(j, key);
		return;
	}
	snprintf(buf, sizeof(buf), "0x%08x", spi);
	json_str(j, key, buf);
}

static void json_addr(struct json *j, const char *key, const struct vg_addr *a,
		      bool has)
{
	char buf[64];

	if (!has) {
		json_null(j, key);
		return;
	}
	json_str(j, key, fmt_addr(a, buf, sizeof(buf)));
}

static void json_ports(struct json *j, const char *key,
		       const struct vg_ports *p, bool has)
{
	if (!has) {
		json_null(j, key);
		return;
	}
	json_obj_open(j, key);
	json_u64(j, "min", p->min);
	json_u64(j, "max", p->max);
	json_close(j);
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

static int cmp_sa(const void *a, const void *b)
{
	const struct vg_sa *x = a, *y = b;

	return x->spi < y->spi ? -1 : x->spi > y->spi;
}

static void sad_json(const struct vg_sa *sas, size_t n)
{
	struct json j;
	size_t i, k;

	json_init(&j, stdout, true);
	json_arr_open(&j, NULL);
	for (i = 0; i < n; i++) {
		const struct vg_sa *sa = &sas[i];

		json_obj_open(&j, NULL);
		json_spi(&j, "spi", sa->spi, true);
		json_addr(&j, "src", &sa->src, sa->src.family);
		json_addr(&j, "dst", &sa->dst, sa->dst.family);
		json_str(&j, "mode", mode_name(sa->mode));
		json_str(&j, "enc", sa_enc_name(sa));
		json_str(&j, "auth", auth_name(sa->auth));
		json_u64(&j, "replay_window", sa->replay_window);
		json_flags(&j, sa_flag_bits(sa));
		json_u64(&j, "seq", sa->seq);
		json_u64(&j, "age", sa->age);
		json_obj_open(&j, "stats");
		json_u64(&j, "packets", sa->st[VGATE_SA_STATS_A_PACKETS]);
		json_u64(&j, "bytes", sa->st[VGATE_SA_STATS_A_BYTES]);
		json_u64(&j, "errors", sa->st[VGATE_SA_STATS_A_ERRORS]);
		json_u64(&j, "replay", sa->st[VGATE_SA_STATS_A_REPLAY]);
		json_u64(&j, "auth_fail", sa->st[VGATE_SA_STATS_A_AUTH]);
		json_close(&j);
		json_obj_open(&j, "lifetime");
		for (k = 0; k < N_LT; k++)
			json_u64(&j, lt_names[k].json, sa->lt[lt_names[k].attr]);
		json_close(&j);
		json_close(&j);
	}
	json_close(&j);
	json_end(&j);
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

int show_sad(void)
{
	static const char *const hdr[] = {
		"SPI", "SRC", "DST", "MODE", "ENC", "AUTH", "REPLAY-WIN",
		"FLAGS", "SEQ", "AGE", "PACKETS", "BYTES", "ERRORS", "REPLAY",
		"AUTH-FAIL", "LIFETIME", NULL
	};
	struct vg_sa *sas = NULL;
	struct table t;
	size_t n = 0, i;
	char a[64], b[64], f[64], lt[256];
	int r;

	r = vg_nl_dump_sas(&sas, &n);
	if (r || vg_dry_run)
		goto out;
	qsort(sas, n, sizeof(*sas), cmp_sa);
	if (show_json) {
		sad_json(sas, n);
		goto out;
	}
	tbl_init(&t, hdr);
	for (i = 0; i < n; i++) {
		const struct vg_sa *sa = &sas[i];

		lifetime_str(sa, lt, sizeof(lt));
		tbl_row(&t);
		tbl_cell(&t, "0x%08x", sa->spi);
		tbl_cell(&t, "%s", fmt_addr(&sa->src, a, sizeof(a)));
		tbl_cell(&t, "%s", fmt_addr(&sa->dst, b, sizeof(b)));
		tbl_cell(&t, "%s", mode_name(sa->mode));
		tbl_cell(&t, "%s", sa_enc_name(sa));
		tbl_cell(&t, "%s", auth_name(sa->auth));
		tbl_cell(&t, "%u", sa->replay_window);
		tbl_cell(&t, "%s", flags_str(sa_flag_bits(sa), f, sizeof(f)));
		tbl_cell(&t, "%" PRIu64, sa->seq);
		tbl_cell(&t, "%" PRIu64, sa->age);
		tbl_cell(&t, "%" PRIu64, sa->st[VGATE_SA_STATS_A_PACKETS]);
		tbl_cell(&t, "%" PRIu64, sa->st[VGATE_SA_STATS_A_BYTES]);
		tbl_cell(&t, "%" PRIu64, sa->st[VGATE_SA_STATS_A_ERRORS]);
		tbl_cell(&t, "%" PRIu64, sa->st[VGATE_SA_STATS_A_REPLAY]);
		tbl_cell(&t, "%" PRIu64, sa->st[VGATE_SA_STATS_A_AUTH]);
		tbl_cell(&t, "%s", lt);
	}
	r = tbl_print(&t);
	tbl_free(&t);
out:
	free(sas);
	return r;
}

/* ---- ipsec show rule ---- */

static int cmp_rule(const void *a, const void *b)
{
	const struct vg_rule *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void rule_json_common(struct json *j, const struct vg_rule *ru)
{
	char buf[64];

	json_u64(j, "id", ru->id);
	json_str(j, "local", prefix_str(&ru->local, ru->has & VG_RULE_LOCAL,
					buf, sizeof(buf)));
	json_ports(j, "lport", &ru->lport, ru->has & VG_RULE_LPORT);
	json_str(j, "proto", proto_name(ru->proto, buf, sizeof(buf)));
	json_str(j, "remote", prefix_str(&ru->remote, ru->has & VG_RULE_REMOTE,
					 buf, sizeof(buf)));
	json_ports(j, "rport", &ru->rport, ru->has & VG_RULE_RPORT);
}

int show_rule(void)
{
	static const char *const hdr[] = {
		"ID", "LOCAL", "LPORT", "PROTO", "REMOTE", "RPORT", "ACTION",
		"PEER", "SPI-OUT", "SPI-IN", "PKTS-OUT", "BYTES-OUT", "PKTS-IN",
		"BYTES-IN", NULL
	};
	struct vg_rule *rules = NULL;
	struct table t;
	size_t n = 0, i;
	char b1[64], b2[64], b3[64], b4[64], b5[64];
	int r;

	r = vg_nl_dump_rules(&rules, &n);
	if (r || vg_dry_run)
		goto out;
	qsort(rules, n, sizeof(*rules), cmp_rule);
	if (show_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_arr_open(&j, NULL);
		for (i = 0; i < n; i++) {
			const struct vg_rule *ru = &rules[i];

			json_obj_open(&j, NULL);
			rule_json_common(&j, ru);
			json_str(&j, "action", action_name(ru->action));
			json_addr(&j, "peer", &ru->peer, ru->has & VG_RULE_PEER);
			json_spi(&j, "spi_out", ru->spi_out,
				 ru->action == VGATE_ACTION_PROTECT);
			json_spi(&j, "spi_in", ru->spi_in,
				 ru->action == VGATE_ACTION_PROTECT);
			json_obj_open(&j, "stats");
			json_u64(&j, "packets_out",
				 ru->st[VGATE_RULE_STATS_A_PACKETS_OUT]);
			json_u64(&j, "bytes_out",
				 ru->st[VGATE_RULE_STATS_A_BYTES_OUT]);
			json_u64(&j, "packets_in",
				 ru->st[VGATE_RULE_STATS_A_PACKETS_IN]);
			json_u64(&j, "bytes_in",
				 ru->st[VGATE_RULE_STATS_A_BYTES_IN]);
			json_close(&j);
			json_close(&j);
		}
		json_close(&j);
		json_end(&j);
		goto out;
	}
	tbl_init(&t, hdr);
	for (i = 0; i < n; i++) {
		const struct vg_rule *ru = &rules[i];
		bool prot = ru->action == VGATE_ACTION_PROTECT;

		tbl_row(&t);
		tbl_cell(&t, "%u", ru->id);
		tbl_cell(&t, "%s", prefix_str(&ru->local, ru->has & VG_RULE_LOCAL,
					      b1, sizeof(b1)));
		tbl_cell(&t, "%s", ports_str(&ru->lport, ru->has & VG_RULE_LPORT,
					     b2, sizeof(b2)));
		tbl_cell(&t, "%s", proto_name(ru->proto, b3, sizeof(b3)));
		tbl_cell(&t, "%s", prefix_str(&ru->remote,
					      ru->has & VG_RULE_REMOTE, b4,
					      sizeof(b4)));
		tbl_cell(&t, "%s", ports_str(&ru->rport, ru->has & VG_RULE_RPORT,
					     b5, sizeof(b5)));
		tbl_cell(&t, "%s", action_name(ru->action));
		tbl_cell(&t, "%s", prot && (ru->has & VG_RULE_PEER) ?
			 fmt_addr(&ru->peer, b1, sizeof(b1)) : "-");
		if (prot) {
			tbl_cell(&t, "0x%08x", ru->spi_out);
			tbl_cell(&t, "0x%08x", ru->spi_in);
		} else {
			tbl_cell(&t, "-");
			tbl_cell(&t, "-");
		}
		tbl_cell(&t, "%" PRIu64, ru->st[VGATE_RULE_STATS_A_PACKETS_OUT]);
		tbl_cell(&t, "%" PRIu64, ru->st[VGATE_RULE_STATS_A_BYTES_OUT]);
		tbl_cell(&t, "%" PRIu64, ru->st[VGATE_RULE_STATS_A_PACKETS_IN]);
		tbl_cell(&t, "%" PRIu64, ru->st[VGATE_RULE_STATS_A_BYTES_IN]);
	}
	r = tbl_print(&t);
	tbl_free(&t);
out:
	free(rules);
	return r;
}

/* ---- ipsec show sa: the SA bundles ---- */

struct bundle {
	const struct vg_rule *ru;
	const struct vg_sa *out, *in;
	unsigned int flags;
};

static void find_bundle(struct bundle *b, const struct vg_rule *ru,
			const struct vg_sa *sas, size_t n)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	b->ru = ru;
	for (i = 0; i < n; i++) {
		if (!b->out && sas[i].spi == ru->spi_out &&
		    addr_eq(&sas[i].dst, &ru->peer))
			b->out = &sas[i];
		if (!b->in && sas[i].spi == ru->spi_in &&
		    addr_eq(&sas[i].src, &ru->peer))
			b->in = &sas[i];
	}
	if (!b->out || !b->in)
		b->flags |= F_MISSING;
	if (b->out)
		b->flags |= sa_flag_bits(b->out);
	if (b->in)
		b->flags |= sa_flag_bits(b->in);
}

#define SA_ST(sa, x) ((sa) ? (sa)->st[VGATE_SA_STATS_A_##x] : 0)

int show_sa(void)
{
	static const char *const hdr[] = {
		"ID", "LOCAL", "LPORT", "PROTO", "REMOTE", "RPORT", "PEER",
		"SPI-OUT", "SPI-IN", "FLAGS", "BYTES-IN", "BYTES-OUT",
		"PKTS-IN", "PKTS-OUT", NULL
	};
	struct vg_rule *rules = NULL;
	struct vg_sa *sas = NULL;
	size_t nr = 0, ns = 0, i;
	struct bundle b;
	struct table t;
	char b1[64], b2[64], b3[64], b4[64], b5[64];
	int r;

	r = vg_nl_dump_rules(&rules, &nr);
	if (!r)
		r = vg_nl_dump_sas(&sas, &ns);
	if (r || vg_dry_run)
		goto out;
	qsort(rules, nr, sizeof(*rules), cmp_rule);
	if (show_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_arr_open(&j, NULL);
		for (i = 0; i < nr; i++) {
			if (rules[i].action != VGATE_ACTION_PROTECT)
				continue;
			find_bundle(&b, &rules[i], sas, ns);
			json_obj_open(&j, NULL);
			rule_json_common(&j, &rules[i]);
			json_addr(&j, "peer", &rules[i].peer,
				  rules[i].has & VG_RULE_PEER);
			json_spi(&j, "spi_out", rules[i].spi_out, true);
			json_spi(&j, "spi_in", rules[i].spi_in, true);
			json_flags(&j, b.flags);
			json_u64(&j, "bytes_in", SA_ST(b.in, BYTES));
			json_u64(&j, "bytes_out", SA_ST(b.out, BYTES));
			json_u64(&j, "packets_in", SA_ST(b.in, PACKETS));
			json_u64(&j, "packets_out", SA_ST(b.out, PACKETS));
			json_close(&j);
		}
		json_close(&j);
		json_end(&j);
		goto out;
	}
	tbl_init(&t, hdr);
	for (i = 0; i < nr; i++) {
		const struct vg_rule *ru = &rules[i];

		if (ru->action != VGATE_ACTION_PROTECT)
			continue;
		find_bundle(&b, ru, sas, ns);
		tbl_row(&t);
		tbl_cell(&t, "%u", ru->id);
		tbl_cell(&t, "%s", prefix_str(&ru->local, ru->has & VG_RULE_LOCAL,
					      b1, sizeof(b1)));
		tbl_cell(&t, "%s", ports_str(&ru->lport, ru->has & VG_RULE_LPORT,
					     b2, sizeof(b2)));
		tbl_cell(&t, "%s", proto_name(ru->proto, b3, sizeof(b3)));
		tbl_cell(&t, "%s", prefix_str(&ru->remote,
					      ru->has & VG_RULE_REMOTE, b4,
					      sizeof(b4)));
		tbl_cell(&t, "%s", ports_str(&ru->rport, ru->has & VG_RULE_RPORT,
					     b5, sizeof(b5)));
		tbl_cell(&t, "%s", fmt_addr(&ru->peer, b1, sizeof(b1)));
		tbl_cell(&t, "0x%08x", ru->spi_out);
		tbl_cell(&t, "0x%08x", ru->spi_in);
		tbl_cell(&t, "%s", flags_str(b.flags, b2, sizeof(b2)));
		tbl_cell(&t, "%" PRIu64, SA_ST(b.in, BYTES));
		tbl_cell(&t, "%" PRIu64, SA_ST(b.out, BYTES));
		tbl_cell(&t, "%" PRIu64, SA_ST(b.in, PACKETS));
		tbl_cell(&t, "%" PRIu64, SA_ST(b.out, PACKETS));
	}
	r = tbl_print(&t);
	tbl_free(&t);
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
	{ VGATE_STATS_A_PACKETS_IN, "packets in", "packets_in" },
	{ VGATE_STATS_A_PACKETS_OUT, "packets out", "packets_out" },
	{ VGATE_STATS_A_PASSED, "passed", "passed" },
	{ VGATE_STATS_A_DROPPED, "dropped", "dropped" },
	{ VGATE_STATS_A_PROTECTED_IN, "protected in", "protected_in" },
	{ VGATE_STATS_A_PROTECTED_OUT, "protected out", "protected_out" },
	{ VGATE_STATS_A_ERRORS, "errors", "errors" },
};

int show_global(void)
{
	static const char *const hdr[] = { "COUNTER", "VALUE", NULL };
	struct vg_stats st;
	struct table t;
	size_t i;
	int r, d;

	r = vg_nl_get_stats(&st);
	if (r || vg_dry_run)
		return r;
	if (show_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_obj_open(&j, NULL);
		for (i = 0; i < sizeof(global_names) / sizeof(global_names[0]); i++)
			json_u64(&j, global_names[i].json,
				 st.v[global_names[i].attr]);
		json_obj_open(&j, "drops");
		for (d = 1; d <= VGATE_DROP_MAX; d++)
			json_u64(&j, drop_names[d][1], st.drops[d]);
		json_close(&j);
		json_close(&j);
		json_end(&j);
		return 0;
	}
	tbl_init(&t, hdr);
	for (i = 0; i < sizeof(global_names) / sizeof(global_names[0]); i++) {
		tbl_row(&t);
		tbl_cell(&t, "%s", global_names[i].label);
		tbl_cell(&t, "%" PRIu64, st.v[global_names[i].attr]);
	}
	for (d = 1; d <= VGATE_DROP_MAX; d++) {
		tbl_row(&t);
		tbl_cell(&t, "drop %s", drop_names[d][0]);
		tbl_cell(&t, "%" PRIu64, st.drops[d]);
	}
	r = tbl_print(&t);
	tbl_free(&t);
	return r;
}

/* ---- knobs ---- */

int show_knob(const char *name)
{
	struct vg_cfg cfg;
	const char *json_key;
	uint32_t bit;
	uint64_t v;
	int r;

	r = vg_nl_get_config(&cfg);
	if (r || vg_dry_run)
		return r;
	if (!strcmp(name, "replayWindow")) {
		bit = VG_CFG_REPLAY_WINDOW;
		v = cfg.replay_window;
		json_key = "replay_window";
	} else if (!strcmp(name, "maxSas")) {
		bit = VG_CFG_MAX_SAS;
		v = cfg.max_sas;
		json_key = "max_sas";
	} else {
		bit = VG_CFG_DROP_LOG;
		v = cfg.drop_log;
		json_key = "drop_log";
	}
	if (!(cfg.has & bit)) {
		vg_err("the kernel did not report %s", name);
		return -EPROTO;
	}
	if (show_json) {
		struct json j;

		json_init(&j, stdout, true);
		json_obj_open(&j, NULL);
		if (bit == VG_CFG_DROP_LOG)
			json_bool(&j, json_key, v);
		else
			json_u64(&j, json_key, v);
		json_close(&j);
		json_end(&j);
	} else if (bit == VG_CFG_DROP_LOG) {
		printf("%s\n", v ? "on" : "off");
	} else {
		printf("%" PRIu64 "\n", v);
	}
	return 0;
}
