// SPDX-License-Identifier: GPL-2.0
/*
 * Token validators and value helpers shared by the subsystems' command
 * tables (values.h).  Each validator prints a message naming the bad
 * token; none talks to netlink.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <linux/vgate.h>

#include "names.h"
#include "parse.h"
#include "values.h"

const char *const onoff_choices[] = { "on", "off", NULL };
const char *const yesno_choices[] = { "yes", "no", NULL };

const char *arg_name(const struct cmd_arg *a)
{
	return a->kw ? a->kw : a->meta;
}

int v_spi(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_spi(arg_name(a), s, &v);
}

int parse_cpi(const char *what, const char *s, uint32_t *cpi)
{
	return parse_num32(what, s, 256, 65535, cpi);
}

int v_cpi(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_cpi(arg_name(a), s, &v);
}

int v_addr(const struct cmd_arg *a, const char *s)
{
	struct vg_addr v;

	return parse_addr(arg_name(a), s, &v);
}

int v_id(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("rule ID", s, 1, UINT32_MAX, &v);
}

int v_replay(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_num32(arg_name(a), s, VGATE_REPLAY_WINDOW_MIN,
			   VGATE_REPLAY_WINDOW_MAX, &v);
}

int v_u64(const struct cmd_arg *a, const char *s)
{
	uint64_t v;

	return parse_num64(arg_name(a), s, &v);
}

int v_ports(const struct cmd_arg *a, const char *s)
{
	struct vg_ports v;

	return parse_ports(arg_name(a), s, &v);
}

int v_key(const struct cmd_arg *a, const char *s)
{
	uint8_t buf[VGATE_KEY_MAX_LEN];
	size_t len;
	int r;

	r = parse_hex_key(arg_name(a), s, buf, sizeof(buf), &len);
	explicit_bzero(buf, sizeof(buf));
	return r;
}

int v_choice(const struct cmd_arg *a, const char *s)
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

/* Protocol names and numbers: 0 for any/dont-verify. */
int proto_lookup(const char *s, uint8_t *proto)
{
	const struct vg_name *p;
	uint32_t n;

	if (!strcmp(s, "any") || !strcmp(s, "dont-verify")) {
		*proto = 0;
		return 0;
	}
	p = vg_name_find(vg_protocols, vg_n_protocols, s);
	if (p && names_rule_proto(p->value)) {
		*proto = p->value;
		return 0;
	}
	if (!parse_u32(s, &n) && n <= 255) {
		*proto = n;
		return 0;
	}
	return -EINVAL;
}

bool proto_has_ports(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_UDPLITE ||
	       p == IPPROTO_SCTP;
}

int v_proto(const struct cmd_arg *a, const char *s)
{
	char want[256] = "";
	uint8_t p;
	size_t i;

	if (!proto_lookup(s, &p))
		return 0;
	for (i = 0; flow_proto_choices[i]; i++) {
		strncat(want, flow_proto_choices[i],
			sizeof(want) - strlen(want) - 1);
		strncat(want, ", ", sizeof(want) - strlen(want) - 1);
	}
	vg_err("bad %s \"%s\" (expected %s0..255, any or dont-verify)",
	       arg_name(a), s, want);
	return -EINVAL;
}

int v_range(const struct cmd_arg *a, const char *s)
{
	struct vg_range r;

	return parse_range(arg_name(a), s, &r);
}

int v_peer_name(const struct cmd_arg *a, const char *s)
{
	(void)a;
	return parse_peer_name(a->kw ? a->kw : "peer name", s);
}

int v_descr(const struct cmd_arg *a, const char *s)
{
	return parse_descr(arg_name(a), s);
}

int v_port(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_num32(arg_name(a), s, 0, 65535, &v);
}

int v_port1(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_num32(arg_name(a), s, 1, 65535, &v);
}

int v_peer_id(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("peer ID", s, 1, UINT32_MAX, &v);
}

int v_seconds(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("SECONDS", s, VGATE_BLOCK_SECONDS_MIN,
			   VGATE_BLOCK_SECONDS_MAX, &v);
}

int v_iterations(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("--iterations", s, VGATE_ITERATIONS_MIN,
			   VGATE_ITERATIONS_MAX, &v);
}

int v_reqid(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_num32(arg_name(a), s, 1, UINT32_MAX, &v);
}

/* Hostname or address: checked when parsed (resolution happens there). */
int v_host(const struct cmd_arg *a, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
		      ch == ':' || ch == '_'))
			break;
	}
	if (n == 0 || n > VG_HOST_MAX || i < n) {
		vg_err("bad %s \"%s\" (expected an IPv4 or IPv6 address or a host name)",
		       arg_name(a), s);
		return -EINVAL;
	}
	return 0;
}

int v_ifname(const struct cmd_arg *a, const char *s)
{
	(void)a;
	return parse_ifname("interface", s);
}
const char *value_help(const struct cmd_arg *ca, const char *v)
{
	static char buf[96];
	const struct vg_enc_alg *e;
	const struct vg_auth_alg *a;

	if (ca->choices == enc_choices && (e = vg_enc_by_name(v))) {
		snprintf(buf, sizeof(buf), "%s, %s", e->keydesc,
			 e->aead ? "AEAD (auth none)" :
			 e->weak ? "with an HMAC; weak, legacy peers only" :
			 "with an HMAC");
		return buf;
	}
	if (ca->choices == auth_choices && (a = vg_auth_by_name(v))) {
		if (!a->key_len)
			return "no separate integrity (GCM, ChaCha20-Poly1305)";
		snprintf(buf, sizeof(buf), "%u-byte key", a->key_len);
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
		return "through the SA pair (traffic list entries: peer NAME)";
	if (!strcmp(v, "dont-verify"))
		return "do not check the protocol (as any)";
	if (!strcmp(v, "up"))
		return "entries apply";
	if (!strcmp(v, "down"))
		return "entries skipped as if absent";
	if (!strcmp(v, "dialup"))
		return "entries apply; tunnel brought up once on demand";
	if (!strcmp(v, "any"))
		return "match everything";
	if (!strcmp(v, "inherit"))
		return "no override: the global setting applies";
	if (vg_name_find(vg_protocols, vg_n_protocols, v))
		return "IP protocol";
	return ca->help;
}
