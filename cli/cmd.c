// SPDX-License-Identifier: GPL-2.0
/*
 * The command table and its grammar.  Parsing fills a struct vg_req and
 * never talks to netlink; running hands the request to nl.c or show.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd.h"
#include "parse.h"
#include "show.h"

bool cmd_shell;
bool cmd_quit;

/* ---- value vocabularies ---- */

struct enc_alg {
	const char *name;
	uint16_t alg;
	unsigned int keylen;
	bool aead;
	const char *keydesc;
};

static const struct enc_alg enc_algs[] = {
	{ "null", VGATE_ENC_NULL, 0, false, "no key" },
	{ "aes128-cbc", VGATE_ENC_AES_CBC, 16, false, "16-byte key" },
	{ "aes192-cbc", VGATE_ENC_AES_CBC, 24, false, "24-byte key" },
	{ "aes256-cbc", VGATE_ENC_AES_CBC, 32, false, "32-byte key" },
	{ "aes128-gcm", VGATE_ENC_AES_GCM_16, 20, true,
	  "16-byte key + 4-byte salt" },
	{ "aes256-gcm", VGATE_ENC_AES_GCM_16, 36, true,
	  "32-byte key + 4-byte salt" },
	{ "chacha20-poly1305", VGATE_ENC_CHACHA20_POLY1305, 36, true,
	  "32-byte key + 4-byte salt" },
	{ "3des-cbc", VGATE_ENC_DES3_CBC, 24, false, "24-byte key" },
};

struct auth_alg {
	const char *name;
	uint16_t alg;
	unsigned int keylen;
};

static const struct auth_alg auth_algs[] = {
	{ "none", VGATE_AUTH_NONE, 0 },
	{ "hmac-sha1", VGATE_AUTH_HMAC_SHA1_96, 20 },
	{ "hmac-sha256", VGATE_AUTH_HMAC_SHA256_128, 32 },
	{ "hmac-sha384", VGATE_AUTH_HMAC_SHA384_192, 48 },
	{ "hmac-sha512", VGATE_AUTH_HMAC_SHA512_256, 64 },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const enc_choices[] = {
	"null", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-gcm",
	"aes256-gcm", "chacha20-poly1305", "3des-cbc", NULL
};
static const char *const auth_choices[] = {
	"none", "hmac-sha1", "hmac-sha256", "hmac-sha384", "hmac-sha512", NULL
};
static const char *const mode_choices[] = { "tunnel", "transport", NULL };
static const char *const proto_choices[] = {
	"tcp", "udp", "icmp", "sctp", "any", NULL
};
static const char *const action_choices[] = {
	"pass", "drop", "protect", NULL
};
static const char *const any_choices[] = { "any", NULL };
static const char *const onoff_choices[] = { "on", "off", NULL };

/* ---- token validators (used while reading the tokens) ---- */

static const char *arg_name(const struct cmd_arg *a)
{
	return a->kw ? a->kw : a->meta;
}

static int v_spi(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_spi(arg_name(a), s, &v);
}

static int v_addr(const struct cmd_arg *a, const char *s)
{
	struct vg_addr v;

	return parse_addr(arg_name(a), s, &v);
}

static int v_prefix(const struct cmd_arg *a, const char *s)
{
	struct vg_prefix v;

	return strcmp(s, "any") ? parse_prefix(arg_name(a), s, &v) : 0;
}

static int v_id(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("rule ID", s, 1, UINT32_MAX, &v);
}

static int v_replay(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_num32(arg_name(a), s, 0, VGATE_REPLAY_WINDOW_MAX, &v);
}

static int v_u64(const struct cmd_arg *a, const char *s)
{
	uint64_t v;

	return parse_num64(arg_name(a), s, &v);
}

static int v_ports(const struct cmd_arg *a, const char *s)
{
	struct vg_ports v;

	return parse_ports(arg_name(a), s, &v);
}

static int v_key(const struct cmd_arg *a, const char *s)
{
	uint8_t buf[VGATE_KEY_MAX_LEN];
	size_t len;
	int r;

	r = parse_hex_key(arg_name(a), s, buf, sizeof(buf), &len);
	explicit_bzero(buf, sizeof(buf));
	return r;
}

static int v_choice(const struct cmd_arg *a, const char *s)
{
	char want[256] = "";
	int i;

	for (i = 0; a->choices[i]; i++) {
		if (!strcmp(a->choices[i], s))
			return 0;
		if (i)
			strncat(want, a->choices[i + 1] ? ", " : " or ",
				sizeof(want) - strlen(want) - 1);
		strncat(want, a->choices[i], sizeof(want) - strlen(want) - 1);
	}
	vg_err("bad %s \"%s\" (expected %s)", arg_name(a), s, want);
	return -EINVAL;
}

static int v_proto(const struct cmd_arg *a, const char *s)
{
	uint32_t n;
	int i;

	for (i = 0; a->choices[i]; i++)
		if (!strcmp(a->choices[i], s))
			return 0;
	if (!parse_u32(s, &n) && n <= 255)
		return 0;
	vg_err("bad proto \"%s\" (expected tcp, udp, icmp, sctp, 0..255 or any)",
	       s);
	return -EINVAL;
}

static int v_knob_replay(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("replayWindow", s, 0, VGATE_REPLAY_WINDOW_MAX, &v);
}

static int v_knob_maxsas(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("maxSas", s, 1, 1048576, &v);
}

static int v_knob_onoff(const struct cmd_arg *a, const char *s)
{
	bool on;

	(void)a;
	return parse_onoff("dropLog", s, &on);
}

/* ---- grammars ---- */

enum {
	SA_SPI, SA_SRC, SA_DST, SA_MODE, SA_ENC, SA_ENC_KEY, SA_AUTH,
	SA_AUTH_KEY, SA_REPLAY, SA_SOFT_BYTES, SA_HARD_BYTES, SA_SOFT_PACKETS,
	SA_HARD_PACKETS, SA_SOFT_SECONDS, SA_HARD_SECONDS, SA_NARGS
};

static const struct cmd_arg sa_add_args[SA_NARGS + 1] = {
	[SA_SPI] = { NULL, "SPI", NULL,
		     "security parameter index, 256..0xffffffff",
		     ARG_POS | ARG_REQ, v_spi },
	[SA_SRC] = { "src", "ADDR", NULL, "outer source address", ARG_REQ, v_addr },
	[SA_DST] = { "dst", "ADDR", NULL, "outer destination address",
		     ARG_REQ, v_addr },
	[SA_MODE] = { "mode", "MODE", mode_choices, "tunnel or transport",
		      ARG_REQ, v_choice },
	[SA_ENC] = { "enc", "ENC", enc_choices, "encryption algorithm",
		     ARG_REQ, v_choice },
	[SA_ENC_KEY] = { "encKey", "HEX", NULL,
			 "encryption key in hex (GCM/ChaCha: key + 4-byte salt)", 0, v_key },
	[SA_AUTH] = { "auth", "AUTH", auth_choices,
		      "integrity algorithm (none or absent for GCM/ChaCha)", 0, v_choice },
	[SA_AUTH_KEY] = { "authKey", "HEX", NULL, "HMAC key in hex", 0, v_key },
	[SA_REPLAY] = { "replayWindow", "N", NULL,
			"anti-replay window in packets, 0 (off)..4096", 0, v_replay },
	[SA_SOFT_BYTES] = { "softBytes", "N", NULL,
			    "soft byte limit: mark for rekeying", 0, v_u64 },
	[SA_HARD_BYTES] = { "hardBytes", "N", NULL,
			    "hard byte limit: SA expires", 0, v_u64 },
	[SA_SOFT_PACKETS] = { "softPackets", "N", NULL, "soft packet limit", 0, v_u64 },
	[SA_HARD_PACKETS] = { "hardPackets", "N", NULL, "hard packet limit", 0, v_u64 },
	[SA_SOFT_SECONDS] = { "softSeconds", "N", NULL,
			      "soft lifetime in seconds since added", 0, v_u64 },
	[SA_HARD_SECONDS] = { "hardSeconds", "N", NULL,
			      "hard lifetime in seconds since added", 0, v_u64 },
};

enum { SD_SPI, SD_DST, SD_NARGS };

static const struct cmd_arg sa_del_args[SD_NARGS + 1] = {
	[SD_SPI] = { NULL, "SPI", NULL, "SPI of the SA", ARG_POS | ARG_REQ, v_spi },
	[SD_DST] = { "dst", "ADDR", NULL, "outer destination address of the SA",
		     ARG_REQ, v_addr },
};

enum {
	RU_ID, RU_LOCAL, RU_REMOTE, RU_PROTO, RU_LPORT, RU_RPORT, RU_ACTION,
	RU_PEER, RU_SPI_OUT, RU_SPI_IN, RU_NARGS
};

static const struct cmd_arg rule_add_args[RU_NARGS + 1] = {
	[RU_ID] = { NULL, "ID", NULL,
		    "rule number 1..4294967295, evaluated in ascending order",
		    ARG_POS | ARG_REQ, v_id },
	[RU_LOCAL] = { "local", "PREFIX", any_choices,
		       "local side ADDR[/LEN] or any (default any)", 0, v_prefix },
	[RU_REMOTE] = { "remote", "PREFIX", any_choices,
			"remote side ADDR[/LEN] or any (default any)", 0, v_prefix },
	[RU_PROTO] = { "proto", "PROTO", proto_choices,
		       "tcp, udp, icmp, sctp, 0..255 or any (default any)", 0, v_proto },
	[RU_LPORT] = { "lport", "PORT[-PORT]", NULL,
		       "local port or range (tcp, udp, sctp only)", 0, v_ports },
	[RU_RPORT] = { "rport", "PORT[-PORT]", NULL,
		       "remote port or range (tcp, udp, sctp only)", 0, v_ports },
	[RU_ACTION] = { "action", "ACTION", action_choices,
			"pass (clear), drop, or protect (through the SA pair)",
			ARG_REQ, v_choice },
	[RU_PEER] = { "peer", "ADDR", NULL,
		      "peer gateway (action protect)", 0, v_addr },
	[RU_SPI_OUT] = { "spiOut", "SPI", NULL,
			 "SPI of the outbound SA (action protect)", 0, v_spi },
	[RU_SPI_IN] = { "spiIn", "SPI", NULL,
			"SPI of the inbound SA (action protect)", 0, v_spi },
};

static const struct cmd_arg rule_del_args[] = {
	{ NULL, "ID", NULL, "rule number", ARG_POS | ARG_REQ, v_id },
	{ 0 },
};

static const struct cmd_arg no_args[] = { { 0 } };

static const struct cmd_arg replay_args[] = {
	{ NULL, "N", NULL, "new value 0..4096 (omit to show the current one)",
	  ARG_POS, v_knob_replay },
	{ 0 },
};

static const struct cmd_arg maxsas_args[] = {
	{ NULL, "N", NULL, "new value 1..1048576 (omit to show the current one)",
	  ARG_POS, v_knob_maxsas },
	{ 0 },
};

static const struct cmd_arg droplog_args[] = {
	{ NULL, "on|off", onoff_choices,
	  "log drops to the kernel log (omit to show the current setting)",
	  ARG_POS, v_knob_onoff },
	{ 0 },
};

/* ---- parse functions: tokens to struct vg_req, no netlink ---- */

static const struct enc_alg *find_enc(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(enc_algs); i++)
		if (!strcmp(enc_algs[i].name, s))
			return &enc_algs[i];
	return NULL;
}

static const struct auth_alg *find_auth(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(auth_algs); i++)
		if (!strcmp(auth_algs[i].name, s))
			return &auth_algs[i];
	return NULL;
}

static int same_family(const char *what, const char *tok, uint16_t *family,
		       const struct vg_addr *a)
{
	if (*family && *family != a->family) {
		vg_err("bad %s \"%s\" (address family differs from the other addresses)",
		       what, tok);
		return -EINVAL;
	}
	*family = a->family;
	return 0;
}

static const struct {
	const char *soft, *hard;
	int soft_attr, hard_attr;
	int soft_idx, hard_idx;
} lifetimes[] = {
	{ "softBytes", "hardBytes", VGATE_LT_A_SOFT_BYTES,
	  VGATE_LT_A_HARD_BYTES, SA_SOFT_BYTES, SA_HARD_BYTES },
	{ "softPackets", "hardPackets", VGATE_LT_A_SOFT_PACKETS,
	  VGATE_LT_A_HARD_PACKETS, SA_SOFT_PACKETS, SA_HARD_PACKETS },
	{ "softSeconds", "hardSeconds", VGATE_LT_A_SOFT_SECONDS,
	  VGATE_LT_A_HARD_SECONDS, SA_SOFT_SECONDS, SA_HARD_SECONDS },
};

static int parse_sa(const struct cmd *c, const struct cmd_vals *v,
		    struct vg_req *req)
{
	const char *const *val = v->val;
	struct vg_sa *sa = &req->sa;
	const struct enc_alg *enc;
	const struct auth_alg *auth = NULL;
	size_t i;
	int r;

	(void)c;
	req->obj = VG_OBJ_SA;
	r = parse_spi("SPI", val[SA_SPI], &sa->spi);
	if (r)
		return r;
	sa->proto = IPPROTO_ESP;
	r = parse_addr("src", val[SA_SRC], &sa->src);
	if (!r)
		r = same_family("src", val[SA_SRC], &sa->family, &sa->src);
	if (!r)
		r = parse_addr("dst", val[SA_DST], &sa->dst);
	if (!r)
		r = same_family("dst", val[SA_DST], &sa->family, &sa->dst);
	if (r)
		return r;

	if (!strcmp(val[SA_MODE], "tunnel")) {
		sa->mode = VGATE_MODE_TUNNEL;
	} else if (!strcmp(val[SA_MODE], "transport")) {
		sa->mode = VGATE_MODE_TRANSPORT;
	} else {
		vg_err("bad mode \"%s\" (expected tunnel or transport)",
		       val[SA_MODE]);
		return -EINVAL;
	}

	enc = find_enc(val[SA_ENC]);
	if (!enc) {
		vg_err("bad enc \"%s\" (expected null, aes128-cbc, aes192-cbc, aes256-cbc, aes128-gcm, aes256-gcm, chacha20-poly1305 or 3des-cbc)",
		       val[SA_ENC]);
		return -EINVAL;
	}
	sa->enc = enc->alg;
	if (!enc->keylen && val[SA_ENC_KEY]) {
		vg_err("bad encKey: enc %s takes no key", enc->name);
		return -EINVAL;
	}
	if (enc->keylen) {
		if (!val[SA_ENC_KEY]) {
			vg_err("missing encKey for enc %s (%s)", enc->name,
			       enc->keydesc);
			return -EINVAL;
		}
		r = parse_hex_key("encKey", val[SA_ENC_KEY], sa->enc_key,
				  sizeof(sa->enc_key), &sa->enc_key_len);
		if (r)
			return r;
		if (sa->enc_key_len != enc->keylen) {
			vg_err("bad encKey: %zu bytes, enc %s needs %u (%s)",
			       sa->enc_key_len, enc->name, enc->keylen,
			       enc->keydesc);
			return -EINVAL;
		}
		sa->has |= VG_SA_ENC_KEY;
	}

	if (val[SA_AUTH]) {
		auth = find_auth(val[SA_AUTH]);
		if (!auth) {
			vg_err("bad auth \"%s\" (expected none, hmac-sha1, hmac-sha256, hmac-sha384 or hmac-sha512)",
			       val[SA_AUTH]);
			return -EINVAL;
		}
	}
	if (enc->aead) {
		if (auth && auth->alg != VGATE_AUTH_NONE) {
			vg_err("bad auth \"%s\" (enc %s authenticates itself: use auth none or omit auth)",
			       val[SA_AUTH], enc->name);
			return -EINVAL;
		}
		if (val[SA_AUTH_KEY]) {
			vg_err("bad authKey: enc %s takes no separate authentication key",
			       enc->name);
			return -EINVAL;
		}
		sa->auth = VGATE_AUTH_NONE;
	} else {
		if (!auth) {
			vg_err("missing auth for enc %s (an HMAC is required)",
			       enc->name);
			return -EINVAL;
		}
		if (auth->alg == VGATE_AUTH_NONE) {
			vg_err("bad auth \"none\" (enc %s needs an HMAC)",
			       enc->name);
			return -EINVAL;
		}
		if (!val[SA_AUTH_KEY]) {
			vg_err("missing authKey for auth %s (%u bytes)",
			       auth->name, auth->keylen);
			return -EINVAL;
		}
		r = parse_hex_key("authKey", val[SA_AUTH_KEY], sa->auth_key,
				  sizeof(sa->auth_key), &sa->auth_key_len);
		if (r)
			return r;
		if (sa->auth_key_len != auth->keylen) {
			vg_err("bad authKey: %zu bytes, auth %s needs %u",
			       sa->auth_key_len, auth->name, auth->keylen);
			return -EINVAL;
		}
		sa->auth = auth->alg;
		sa->has |= VG_SA_AUTH_KEY;
	}

	if (val[SA_REPLAY]) {
		r = parse_num32("replayWindow", val[SA_REPLAY], 0,
				VGATE_REPLAY_WINDOW_MAX, &sa->replay_window);
		if (r)
			return r;
		sa->has |= VG_SA_REPLAY;
	}
	for (i = 0; i < ARRAY_SIZE(lifetimes); i++) {
		int si = lifetimes[i].soft_idx, hi = lifetimes[i].hard_idx;
		int sa_ = lifetimes[i].soft_attr, ha = lifetimes[i].hard_attr;

		if (val[si]) {
			r = parse_num64(lifetimes[i].soft, val[si], &sa->lt[sa_]);
			if (r)
				return r;
			sa->lt_has |= 1U << sa_;
		}
		if (val[hi]) {
			r = parse_num64(lifetimes[i].hard, val[hi], &sa->lt[ha]);
			if (r)
				return r;
			sa->lt_has |= 1U << ha;
		}
		if (val[si] && val[hi] && sa->lt[sa_] && sa->lt[ha] &&
		    sa->lt[sa_] > sa->lt[ha]) {
			vg_err("bad %s \"%s\" (above %s %s)", lifetimes[i].soft,
			       val[si], lifetimes[i].hard, val[hi]);
			return -EINVAL;
		}
	}
	if (sa->lt_has)
		sa->has |= VG_SA_LIFETIME;
	sa->has |= VG_SA_SPI | VG_SA_PROTO | VG_SA_FAMILY | VG_SA_SRC |
		   VG_SA_DST | VG_SA_MODE | VG_SA_ENC | VG_SA_AUTH;
	return 0;
}

static int parse_sa_del(const struct cmd *c, const struct cmd_vals *v,
			struct vg_req *req)
{
	struct vg_sa *sa = &req->sa;
	int r;

	(void)c;
	req->obj = VG_OBJ_SA;
	r = parse_spi("SPI", v->val[SD_SPI], &sa->spi);
	if (!r)
		r = parse_addr("dst", v->val[SD_DST], &sa->dst);
	if (r)
		return r;
	sa->proto = IPPROTO_ESP;
	/* The header names SPI, DST and PROTO as the SA key; the kernel
	 * also requires FAMILY, and it is needed to tell IPv4 from IPv6.
	 */
	sa->family = sa->dst.family;
	sa->has = VG_SA_SPI | VG_SA_FAMILY | VG_SA_DST | VG_SA_PROTO;
	return 0;
}

static int parse_rule_id(const char *s, uint32_t *id)
{
	return parse_num32("rule ID", s, 1, UINT32_MAX, id);
}

static int parse_rule(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	const char *const *val = v->val;
	struct vg_rule *ru = &req->rule;
	bool ports_ok;
	uint32_t n;
	int r;

	(void)c;
	req->obj = VG_OBJ_RULE;
	r = parse_rule_id(val[RU_ID], &ru->id);
	if (r)
		return r;
	ru->has |= VG_RULE_ID;

	if (val[RU_LOCAL] && strcmp(val[RU_LOCAL], "any")) {
		r = parse_prefix("local", val[RU_LOCAL], &ru->local);
		if (!r)
			r = same_family("local", val[RU_LOCAL], &ru->family,
					&ru->local.addr);
		if (r)
			return r;
		ru->has |= VG_RULE_LOCAL;
	}
	if (val[RU_REMOTE] && strcmp(val[RU_REMOTE], "any")) {
		r = parse_prefix("remote", val[RU_REMOTE], &ru->remote);
		if (!r)
			r = same_family("remote", val[RU_REMOTE], &ru->family,
					&ru->remote.addr);
		if (r)
			return r;
		ru->has |= VG_RULE_REMOTE;
	}

	if (val[RU_PROTO]) {
		const char *p = val[RU_PROTO];

		if (!strcmp(p, "any"))
			ru->proto = 0;
		else if (!strcmp(p, "tcp"))
			ru->proto = IPPROTO_TCP;
		else if (!strcmp(p, "udp"))
			ru->proto = IPPROTO_UDP;
		else if (!strcmp(p, "icmp"))
			ru->proto = IPPROTO_ICMP;
		else if (!strcmp(p, "sctp"))
			ru->proto = IPPROTO_SCTP;
		else if (!parse_u32(p, &n) && n <= 255)
			ru->proto = n;
		else {
			vg_err("bad proto \"%s\" (expected tcp, udp, icmp, sctp, 0..255 or any)",
			       p);
			return -EINVAL;
		}
		if (ru->proto)
			ru->has |= VG_RULE_PROTO;
	}
	ports_ok = ru->proto == IPPROTO_TCP || ru->proto == IPPROTO_UDP ||
		   ru->proto == IPPROTO_SCTP;
	if (val[RU_LPORT]) {
		if (!ports_ok) {
			vg_err("bad lport \"%s\" (ports need proto tcp, udp or sctp)",
			       val[RU_LPORT]);
			return -EINVAL;
		}
		r = parse_ports("lport", val[RU_LPORT], &ru->lport);
		if (r)
			return r;
		ru->has |= VG_RULE_LPORT;
	}
	if (val[RU_RPORT]) {
		if (!ports_ok) {
			vg_err("bad rport \"%s\" (ports need proto tcp, udp or sctp)",
			       val[RU_RPORT]);
			return -EINVAL;
		}
		r = parse_ports("rport", val[RU_RPORT], &ru->rport);
		if (r)
			return r;
		ru->has |= VG_RULE_RPORT;
	}

	if (!strcmp(val[RU_ACTION], "pass")) {
		ru->action = VGATE_ACTION_PASS;
	} else if (!strcmp(val[RU_ACTION], "drop")) {
		ru->action = VGATE_ACTION_DROP;
	} else if (!strcmp(val[RU_ACTION], "protect")) {
		ru->action = VGATE_ACTION_PROTECT;
	} else {
		vg_err("bad action \"%s\" (expected pass, drop or protect)",
		       val[RU_ACTION]);
		return -EINVAL;
	}
	ru->has |= VG_RULE_ACTION;

	if (ru->action == VGATE_ACTION_PROTECT) {
		static const int need[] = { RU_PEER, RU_SPI_OUT, RU_SPI_IN };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(need); i++) {
			if (!val[need[i]]) {
				vg_err("missing %s for action protect",
				       rule_add_args[need[i]].kw);
				return -EINVAL;
			}
		}
		r = parse_addr("peer", val[RU_PEER], &ru->peer);
		if (!r)
			r = same_family("peer", val[RU_PEER], &ru->family,
					&ru->peer);
		if (!r)
			r = parse_spi("spiOut", val[RU_SPI_OUT], &ru->spi_out);
		if (!r)
			r = parse_spi("spiIn", val[RU_SPI_IN], &ru->spi_in);
		if (r)
			return r;
		ru->has |= VG_RULE_PEER | VG_RULE_SPI_OUT | VG_RULE_SPI_IN;
	} else {
		static const int bad[] = { RU_PEER, RU_SPI_OUT, RU_SPI_IN };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			if (val[bad[i]]) {
				vg_err("bad %s \"%s\" (only with action protect)",
				       rule_add_args[bad[i]].kw, val[bad[i]]);
				return -EINVAL;
			}
		}
	}
	if (!ru->family)
		ru->family = AF_INET;
	ru->has |= VG_RULE_FAMILY;
	return 0;
}

static int parse_rule_del(const struct cmd *c, const struct cmd_vals *v,
			  struct vg_req *req)
{
	int r;

	(void)c;
	req->obj = VG_OBJ_RULE;
	r = parse_rule_id(v->val[0], &req->rule.id);
	if (r)
		return r;
	req->rule.has = VG_RULE_ID;
	return 0;
}

static int parse_none(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	(void)c;
	(void)v;
	req->obj = VG_OBJ_NONE;
	return 0;
}

static int parse_knob(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	const char *name = c->words[1];
	const char *s = v->val[0];
	struct vg_cfg *cfg = &req->cfg;
	bool on;
	int r = 0;

	req->knob = name;
	if (!s) {
		req->cmd = VGATE_CMD_CONFIG_GET;
		req->obj = VG_OBJ_NONE;
		return 0;
	}
	req->cmd = VGATE_CMD_CONFIG_SET;
	req->obj = VG_OBJ_CONFIG;
	if (!strcmp(name, "replayWindow")) {
		r = parse_num32(name, s, 0, VGATE_REPLAY_WINDOW_MAX,
				&cfg->replay_window);
		cfg->has = VG_CFG_REPLAY_WINDOW;
	} else if (!strcmp(name, "maxSas")) {
		r = parse_num32(name, s, 1, 1048576, &cfg->max_sas);
		cfg->has = VG_CFG_MAX_SAS;
	} else {
		r = parse_onoff(name, s, &on);
		cfg->drop_log = on;
		cfg->has = VG_CFG_DROP_LOG;
	}
	return r;
}

/* ---- run functions ---- */

static int run_do(const struct cmd *c, struct vg_req *req)
{
	(void)c;
	return vg_nl_do(req);
}

static int run_knob(const struct cmd *c, struct vg_req *req)
{
	(void)c;
	if (req->cmd == VGATE_CMD_CONFIG_SET)
		return vg_nl_do(req);
	return show_knob(req->knob);
}

static int run_show(const struct cmd *c, struct vg_req *req)
{
	const char *what = c->words[2];

	(void)req;
	if (!strcmp(what, "sa"))
		return show_sa();
	if (!strcmp(what, "sad"))
		return show_sad();
	if (!strcmp(what, "rule"))
		return show_rule();
	return show_global();
}

static int run_help(const struct cmd *c, struct vg_req *req)
{
	(void)c;
	(void)req;
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

/* ---- the table ---- */

#define CMD_SHELL_ONLY "\001"	/* help prefix marking shell-only commands */

static const struct cmd cmds[] = {
	{ { "ipsec", "sa", "add" }, sa_add_args, parse_sa, run_do,
	  "add a security association" },
	{ { "ipsec", "sa", "set" }, sa_add_args, parse_sa, run_do,
	  "replace an existing security association" },
	{ { "ipsec", "sa", "del" }, sa_del_args, parse_sa_del, run_do,
	  "delete a security association" },
	{ { "ipsec", "sa", "flush" }, no_args, parse_none, run_do,
	  "delete every security association" },
	{ { "ipsec", "rule", "add" }, rule_add_args, parse_rule, run_do,
	  "add a traffic rule" },
	{ { "ipsec", "rule", "set" }, rule_add_args, parse_rule, run_do,
	  "replace the rule with that ID" },
	{ { "ipsec", "rule", "del" }, rule_del_args, parse_rule_del, run_do,
	  "delete a rule" },
	{ { "ipsec", "rule", "flush" }, no_args, parse_none, run_do,
	  "delete every rule" },
	{ { "ipsec", "show", "sa" }, no_args, parse_none, run_show,
	  "SA bundles: each protect rule with its SA pair and counters" },
	{ { "ipsec", "show", "sad" }, no_args, parse_none, run_show,
	  "every security association with its counters" },
	{ { "ipsec", "show", "rule" }, no_args, parse_none, run_show,
	  "every rule with its counters" },
	{ { "ipsec", "show", "global" }, no_args, parse_none, run_show,
	  "global statistics and drop reasons" },
	{ { "ipsec", "replayWindow" }, replay_args, parse_knob, run_knob,
	  "default replay window for new SAs (knob)" },
	{ { "ipsec", "maxSas" }, maxsas_args, parse_knob, run_knob,
	  "SAD size limit (knob)" },
	{ { "ipsec", "dropLog" }, droplog_args, parse_knob, run_knob,
	  "log drops to the kernel log (knob)" },
	{ { "help" }, no_args, parse_none, run_help, "list commands" },
	{ { "quit" }, no_args, parse_none, run_quit,
	  CMD_SHELL_ONLY "leave the shell" },
	{ { "exit" }, no_args, parse_none, run_quit,
	  CMD_SHELL_ONLY "leave the shell" },
};

/* Kernel commands of the table entries, by index. */
static const uint8_t cmd_ids[ARRAY_SIZE(cmds)] = {
	VGATE_CMD_SA_NEW, VGATE_CMD_SA_SET, VGATE_CMD_SA_DEL,
	VGATE_CMD_SA_FLUSH, VGATE_CMD_RULE_NEW, VGATE_CMD_RULE_SET,
	VGATE_CMD_RULE_DEL, VGATE_CMD_RULE_FLUSH,
};

static const struct {
	const char *word, *help;
} groups[] = {
	{ "ipsec", "IPsec SAs, rules, statistics and knobs" },
	{ "sa", "security associations (SAD)" },
	{ "rule", "traffic rules (SPD)" },
	{ "show", "show state and counters" },
};

static bool visible(const struct cmd *c)
{
	return cmd_shell || strncmp(c->help, CMD_SHELL_ONLY, 1);
}

static const char *help_text(const struct cmd *c)
{
	return c->help[0] == CMD_SHELL_ONLY[0] ? c->help + 1 : c->help;
}

static int nwords(const struct cmd *c)
{
	int n = 0;

	while (n < CMD_MAX_WORDS && c->words[n])
		n++;
	return n;
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
		if (strcmp(c->words[i], argv[i]))
			return false;
	return true;
}

static const char *group_help(const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(groups); i++)
		if (!strcmp(groups[i].word, word))
			return groups[i].help;
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
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		const char *w;
		bool dup = false;

		if (!visible(&cmds[i]) || !prefix_match(&cmds[i], n, argv) ||
		    n >= nwords(&cmds[i]))
			continue;
		w = cmds[i].words[n];
		for (j = 0; j < i; j++)
			if (visible(&cmds[j]) && prefix_match(&cmds[j], n, argv) &&
			    n < nwords(&cmds[j]) && !strcmp(cmds[j].words[n], w))
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
static const struct cmd *lookup(int argc, char **argv, bool quiet)
{
	char have[128], want[256];
	size_t i;
	int n;

	for (n = 0; ; n++) {
		bool any = false;

		for (i = 0; i < ARRAY_SIZE(cmds); i++) {
			if (!visible(&cmds[i]) || !prefix_match(&cmds[i], n, argv))
				continue;
			if (nwords(&cmds[i]) == n)
				return &cmds[i];
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
		for (i = 0; i < ARRAY_SIZE(cmds); i++)
			if (visible(&cmds[i]) && prefix_match(&cmds[i], n + 1, argv))
				break;
		if (i == ARRAY_SIZE(cmds)) {
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
 * Assign the value tokens to the arguments.  Returns 0 or -EINVAL (with a
 * message unless quiet).  *pending is set to the argument whose keyword
 * ended the tokens without a value (for completion), else -1.
 */
static int assign(const struct cmd *c, int argc, char **argv,
		  struct cmd_vals *v, bool quiet, int *pending)
{
	int na = nargs(c), i, a, pos = 0;
	char name[128];

	memset(v, 0, sizeof(*v));
	*pending = -1;
	join(name, sizeof(name), nwords(c), (char **)c->words);
	for (i = 0; i < argc; i++) {
		/* Positional arguments come first, in order. */
		while (pos < na && !(c->args[pos].flags & ARG_POS))
			pos++;
		if (pos < na && !v->val[pos] && i == pos) {
			v->val[pos] = argv[i];
			if (!quiet && c->args[pos].valid &&
			    c->args[pos].valid(&c->args[pos], argv[i]))
				return -EINVAL;
			pos++;
			continue;
		}
		for (a = 0; a < na; a++)
			if (c->args[a].kw && !strcmp(c->args[a].kw, argv[i]))
				break;
		if (a == na) {
			if (!quiet)
				vg_err("unknown keyword \"%s\" for \"%s\"",
				       argv[i], name);
			return -EINVAL;
		}
		if (v->val[a]) {
			if (!quiet)
				vg_err("bad keyword \"%s\" (given twice)", argv[i]);
			return -EINVAL;
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

	join(name, sizeof(name), nwords(c), (char **)c->words);
	for (a = 0; c->args[a].meta; a++) {
		if (!(c->args[a].flags & ARG_REQ) || v->val[a])
			continue;
		if (c->args[a].kw)
			vg_err("missing \"%s %s\" for \"%s\"", c->args[a].kw,
			       c->args[a].meta, name);
		else
			vg_err("missing %s for \"%s\"", c->args[a].meta, name);
		return -EINVAL;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	const struct cmd *c;
	struct cmd_vals v;
	struct vg_req req;
	int i, n, r, pending, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "?")) {
			cmd_help_next(stdout, i, argv);
			return 0;
		}
	}
	if (argc == 0)
		return 0;
	c = lookup(argc, argv, false);
	if (!c)
		return EXIT_USAGE;
	n = nwords(c);
	memset(&req, 0, sizeof(req));
	req.cmd = cmd_ids[c - cmds];
	if (c->run == run_show || c->run == run_help || c->run == run_quit)
		req.cmd = 0;
	ret = EXIT_USAGE;
	r = assign(c, argc - n, argv + n, &v, false, &pending);
	if (!r)
		r = check_required(c, &v);
	if (!r)
		r = c->parse(c, &v, &req);
	if (r)
		goto out;
	ret = c->run(c, &req) ? EXIT_KERNEL : 0;
out:
	explicit_bzero(&req, sizeof(req));
	return ret;
}

/* One-line help for a fixed value. */
static const char *choice_help(const struct cmd_arg *ca, const char *v)
{
	static char buf[96];
	const struct enc_alg *e;
	const struct auth_alg *a;

	if (ca->choices == enc_choices && (e = find_enc(v))) {
		snprintf(buf, sizeof(buf), "%s, %s", e->keydesc,
			 e->aead ? "AEAD (auth none)" :
			 e->alg == VGATE_ENC_DES3_CBC ? "with an HMAC; weak, legacy peers only" :
			 "with an HMAC");
		return buf;
	}
	if (ca->choices == auth_choices && (a = find_auth(v))) {
		if (!a->keylen)
			return "no separate integrity (GCM, ChaCha20-Poly1305)";
		snprintf(buf, sizeof(buf), "%u-byte key", a->keylen);
		return buf;
	}
	if (!strcmp(v, "tunnel"))
		return "encapsulate the whole IP packet (gateway to gateway)";
	if (!strcmp(v, "transport"))
		return "protect the payload only (host to host)";
	if (!strcmp(v, "pass"))
		return "forward in the clear";
	if (!strcmp(v, "drop"))
		return "drop matching packets";
	if (!strcmp(v, "protect"))
		return "send through the SA pair (needs peer, spiOut, spiIn)";
	if (!strcmp(v, "any"))
		return "match everything";
	if (!strcmp(v, "tcp") || !strcmp(v, "udp") || !strcmp(v, "icmp") ||
	    !strcmp(v, "sctp"))
		return "IP protocol";
	return ca->help;
}

int cmd_next(int argc, char **argv,
	     void (*fn)(const char *word, const char *help, bool literal,
			void *arg),
	     void *arg)
{
	const struct cmd *c;
	struct cmd_vals v;
	size_t i, j;
	int n, count = 0, pending, a, na;
	char ph[64];

	/* Command words. */
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		const char *w;
		bool dup = false;

		if (!visible(&cmds[i]) || !prefix_match(&cmds[i], argc, argv) ||
		    argc >= nwords(&cmds[i]))
			continue;
		w = cmds[i].words[argc];
		for (j = 0; j < i; j++)
			if (visible(&cmds[j]) &&
			    prefix_match(&cmds[j], argc, argv) &&
			    argc < nwords(&cmds[j]) &&
			    !strcmp(cmds[j].words[argc], w))
				dup = true;
		if (dup)
			continue;
		fn(w, nwords(&cmds[i]) == argc + 1 ? help_text(&cmds[i]) :
		   group_help(w), true, arg);
		count++;
	}
	if (count)
		return count;

	c = lookup(argc, argv, true);
	if (!c)
		return 0;
	n = nwords(c);
	if (assign(c, argc - n, argv + n, &v, true, &pending))
		return 0;
	na = nargs(c);
	if (pending >= 0) {
		const struct cmd_arg *ca = &c->args[pending];

		for (i = 0; ca->choices && ca->choices[i]; i++, count++)
			fn(ca->choices[i], choice_help(ca, ca->choices[i]),
			   true, arg);
		if (!ca->choices || strcmp(ca->meta, "PROTO") == 0 ||
		    strcmp(ca->meta, "PREFIX") == 0) {
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
		if (argc - n > a)	/* keywords started: too late */
			break;
		for (i = 0; ca->choices && ca->choices[i]; i++, count++)
			fn(ca->choices[i], ca->help, true, arg);
		if (!ca->choices) {
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

		if (!ca->kw || v.val[a])
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

		fputc(' ', f);
		if (opt)
			fputc('[', f);
		if (ca->kw)
			fprintf(f, "%s ", ca->kw);
		if (ca->choices && strcmp(ca->meta, "PREFIX") &&
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
	size_t i;

	fprintf(f, "Usage: vgate [-j] [-f FILE] [COMMAND...]\n"
		   "  no COMMAND and no -f: interactive shell (TAB completes, ? helps)\n"
		   "  -j       JSON output for show commands\n"
		   "  -f FILE  apply a command file, one command per line\n\n"
		   "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		char name[64];

		if (!visible(&cmds[i]))
			continue;
		join(name, sizeof(name), nwords(&cmds[i]), (char **)cmds[i].words);
		fprintf(f, "  %s", name);
		usage_args(f, &cmds[i]);
		fprintf(f, "\n      %s\n", help_text(&cmds[i]));
	}
	fprintf(f, "\nENC:  null aes128-cbc aes192-cbc aes256-cbc aes128-gcm aes256-gcm\n"
		   "      chacha20-poly1305 3des-cbc\n"
		   "AUTH: none hmac-sha1 hmac-sha256 hmac-sha384 hmac-sha512\n"
		   "PROTO: tcp udp icmp sctp 0..255 any; PREFIX: ADDR[/LEN] or any\n");
}

int cmd_split(char *line, char **argv, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		if (n == max)
			return -E2BIG;
		argv[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}
