// SPDX-License-Identifier: GPL-2.0
/*
 * The command table and its grammar.  Parsing fills a struct vg_req and
 * never talks to netlink; running hands the request to nl.c or show.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netdb.h>

#include "bwm_cmd.h"
#include "check.h"
#include "cmd.h"
#include "config.h"
#include "names.h"
#include "parse.h"
#include "show.h"

/* A UAPI limit in a help string: one source for the numbers. */
#define VG_STR_(x) #x
#define VG_STR(x) VG_STR_(x)

bool cmd_shell;
bool cmd_quit;

/* ---- value vocabularies (the library's tables: names.h) ---- */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const sa_proto_choices[] = {
	"esp", "ah", "comp", NULL
};
static const char *const comp_choices[] = { "deflate", NULL };
static const char *const ipcomp_choices[] = {
	"accept", "no", "force", NULL
};
static const char *const encap_choices[] = { "udp", NULL };
static const char *const admin_choices[] = { "up", "down", "dialup", NULL };
static const char *const yesno_choices[] = { "yes", "no", NULL };
static const char *const family_choices[] = { "ipv4", "ipv6", NULL };
static const char *const passdrop_choices[] = { "pass", "drop", NULL };
static const char *const action_choices[] = {
	"pass", "drop", "protect", NULL
};
static const char *const any_choices[] = { "any", NULL };
static const char *const onoff_choices[] = { "on", "off", NULL };
static const char *const yesnoinherit_choices[] = {
	"yes", "no", "inherit", NULL
};
static const char *const onoffinherit_choices[] = {
	"on", "off", "inherit", NULL
};
static const char *const inherit_choices[] = { "inherit", NULL };

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

/* An IPComp CPI (RFC 3173 3.3): 0..255 name algorithms, not SAs. */
static int parse_cpi(const char *what, const char *s, uint32_t *cpi)
{
	return parse_num32(what, s, 256, 65535, cpi);
}

static int v_cpi(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_cpi(arg_name(a), s, &v);
}

static int v_addr(const struct cmd_arg *a, const char *s)
{
	struct vg_addr v;

	return parse_addr(arg_name(a), s, &v);
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

	return parse_num32(arg_name(a), s, VGATE_REPLAY_WINDOW_MIN,
			   VGATE_REPLAY_WINDOW_MAX, &v);
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

/* Protocol names and numbers: 0 for any/dont-verify. */
static int proto_lookup(const char *s, uint8_t *proto)
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

static bool proto_has_ports(uint8_t p)
{
	return p == IPPROTO_TCP || p == IPPROTO_UDP || p == IPPROTO_UDPLITE ||
	       p == IPPROTO_SCTP;
}

static int v_proto(const struct cmd_arg *a, const char *s)
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

static int v_range(const struct cmd_arg *a, const char *s)
{
	struct vg_range r;

	return parse_range(arg_name(a), s, &r);
}

static int v_peer_name(const struct cmd_arg *a, const char *s)
{
	(void)a;
	return parse_peer_name(a->kw ? a->kw : "peer name", s);
}

static int v_descr(const struct cmd_arg *a, const char *s)
{
	return parse_descr(arg_name(a), s);
}

static int v_port(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_num32(arg_name(a), s, 0, 65535, &v);
}

static int v_port1(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_num32(arg_name(a), s, 1, 65535, &v);
}

static int v_peer_id(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("peer ID", s, 1, UINT32_MAX, &v);
}

static int v_seconds(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("SECONDS", s, VGATE_BLOCK_SECONDS_MIN,
			   VGATE_BLOCK_SECONDS_MAX, &v);
}

static int v_iterations(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return parse_num32("--iterations", s, VGATE_ITERATIONS_MIN,
			   VGATE_ITERATIONS_MAX, &v);
}

static int v_reqid(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_num32(arg_name(a), s, 1, UINT32_MAX, &v);
}

/* Hostname or address: checked when parsed (resolution happens there). */
static int v_host(const struct cmd_arg *a, const char *s)
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

/* Knob values: the command's second word names the knob. */
static const struct knob *knob_of_arg(const struct cmd_arg *a);

static int parse_knob_value(const struct knob *k, const char *s, uint32_t *v)
{
	bool on;

	switch (k->type) {
	case KNOB_ONOFF:
		if (parse_onoff(k->name, s, &on))
			return -EINVAL;
		*v = on;
		return 0;
	case KNOB_ACTION:
		if (!strcmp(s, "pass")) {
			*v = VGATE_ACTION_PASS;
			return 0;
		}
		if (!strcmp(s, "drop")) {
			*v = VGATE_ACTION_DROP;
			return 0;
		}
		vg_err("bad %s \"%s\" (expected pass or drop)", k->name, s);
		return -EINVAL;
	default:
		return parse_num32(k->name, s, k->min, k->max, v);
	}
}

static int v_knob(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	return parse_knob_value(knob_of_arg(a), s, &v);
}

static int v_ifname(const struct cmd_arg *a, const char *s)
{
	(void)a;
	return parse_ifname("interface", s);
}

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

/* ---- grammars ---- */

enum {
	SA_SPI, SA_SRC, SA_DST, SA_MODE, SA_ENC, SA_ENC_KEY, SA_AUTH,
	SA_AUTH_KEY, SA_REPLAY, SA_SOFT_BYTES, SA_HARD_BYTES, SA_SOFT_PACKETS,
	SA_HARD_PACKETS, SA_SOFT_SECONDS, SA_HARD_SECONDS, SA_REQID, SA_ENCAP,
	SA_SPORT, SA_DPORT, SA_NATOA, SA_ESN, SA_SEQ_OUT, SA_SEQ_IN, SA_PROTO,
	SA_COMP, SA_NARGS
};

static const struct cmd_arg sa_add_args[SA_NARGS + 1] = {
	[SA_SPI] = { NULL, "SPI", NULL,
		     "security parameter index, 256..0xffffffff (proto comp: the CPI, 256..65535)",
		     ARG_POS | ARG_REQ, v_spi },
	[SA_SRC] = { "src", "ADDR", NULL, "outer source address, IPv4 or IPv6", ARG_REQ, v_addr },
	[SA_DST] = { "dst", "ADDR", NULL, "outer destination address (same family as src)",
		     ARG_REQ, v_addr },
	[SA_MODE] = { "mode", "MODE", mode_choices, "tunnel or transport",
		      ARG_REQ, v_choice },
	[SA_ENC] = { "enc", "ENC", enc_choices,
		     "encryption algorithm (ESP: required; AH, comp: none)", 0,
		     v_choice },
	[SA_ENC_KEY] = { "encKey", "HEX", NULL,
			 "encryption key in hex (GCM/ChaCha: key + 4-byte salt)", 0, v_key },
	[SA_AUTH] = { "auth", "AUTH", auth_choices,
		      "integrity algorithm (none or absent for GCM/ChaCha)", 0, v_choice },
	[SA_AUTH_KEY] = { "authKey", "HEX", NULL, "HMAC key in hex", 0, v_key },
	[SA_REPLAY] = { "replayWindow", "N", NULL,
			"anti-replay window in packets, "
			VG_STR(VGATE_REPLAY_WINDOW_MIN) " (off).."
			VG_STR(VGATE_REPLAY_WINDOW_MAX), 0, v_replay },
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
	[SA_REQID] = { "reqid", "ID", NULL,
		       "the dynamic protect entry (rule ID) this SA serves", 0,
		       v_reqid },
	[SA_ENCAP] = { "encap", "udp", encap_choices,
		       "UDP encapsulation of ESP (NAT traversal, RFC 3948)", 0,
		       v_choice },
	[SA_SPORT] = { "sport", "PORT", NULL,
		       "encap udp: UDP source port (default 4500)", 0, v_port1 },
	[SA_DPORT] = { "dport", "PORT", NULL,
		       "encap udp: UDP destination port (default 4500)", 0,
		       v_port1 },
	[SA_NATOA] = { "natOa", "ADDR", NULL,
		       "encap udp, transport mode: the peer's original address (NAT-OA)",
		       0, v_addr },
	[SA_ESN] = { "esn", "on|off", onoff_choices,
		     "extended 64-bit sequence numbers (RFC 4303), default off",
		     0, v_choice },
	[SA_SEQ_OUT] = { "seqOut", "N", NULL,
			 "start state: last outbound sequence number sent (default 0)",
			 0, v_u64 },
	[SA_SEQ_IN] = { "seqIn", "N", NULL,
			"start state: highest inbound sequence number received (default 0)",
			0, v_u64 },
	[SA_PROTO] = { "proto", "esp|ah|comp", sa_proto_choices,
		       "esp (default), ah (RFC 4302: auth and authKey, no enc) or comp (IPComp, RFC 3173: no keys)",
		       0, v_choice },
	[SA_COMP] = { "comp", "deflate", comp_choices,
		      "proto comp: compression algorithm (default deflate)", 0,
		      v_choice },
};

enum { SD_SPI, SD_DST, SD_PROTO, SD_NARGS };

static const struct cmd_arg sa_del_args[SD_NARGS + 1] = {
	[SD_SPI] = { NULL, "SPI", NULL, "SPI of the SA (proto comp: the CPI)",
		     ARG_POS | ARG_REQ, v_spi },
	[SD_DST] = { "dst", "ADDR", NULL, "outer destination address of the SA",
		     ARG_REQ, v_addr },
	[SD_PROTO] = { "proto", "esp|ah|comp", sa_proto_choices,
		       "protocol of the SA (default esp)", 0, v_choice },
};

enum {
	RU_ID, RU_PRE, RU_PEER, RU_POST, RU_DESCR, RU_FAMILY, RU_LOCAL,
	RU_REMOTE, RU_PROTO, RU_LPORT, RU_RPORT, RU_ACTION, RU_SPI_OUT,
	RU_SPI_IN, RU_AH_SPI_OUT, RU_AH_SPI_IN, RU_SELF, RU_CPI_OUT, RU_CPI_IN,
	RU_NARGS
};

static const struct cmd_arg rule_add_args[RU_NARGS + 1] = {
	[RU_ID] = { NULL, "ID", NULL,
		    "rule number 1..4294967295, unique across all stages",
		    ARG_POS | ARG_REQ, v_id },
	[RU_PRE] = { "pre", "pre", NULL,
		     "pre IPsec rule: pass or drop before any peer (default without peer)",
		     ARG_FLAG, NULL },
	[RU_PEER] = { "peer", "NAME", NULL,
		      "entry of this peer's traffic list (pass, drop or protect)",
		      ARG_PEER, v_peer_name },
	[RU_POST] = { "post", "post", NULL,
		      "post IPsec rule: pass or drop after every peer",
		      ARG_FLAG, NULL },
	[RU_DESCR] = { "descr", "TEXT", NULL,
		       "description (quote it if it has spaces)", 0, v_descr },
	[RU_FAMILY] = { "family", "FAMILY", family_choices,
			"ipv4 or ipv6 (default: from the addresses, else ipv4)",
			0, v_choice },
	[RU_LOCAL] = { "local", "RANGE", any_choices,
		       "local side: any, ADDR, ADDR/PLEN or ADDR-ADDR (default any)",
		       0, v_range },
	[RU_REMOTE] = { "remote", "RANGE", any_choices,
			"remote side: any, ADDR, ADDR/PLEN or ADDR-ADDR (default any)",
			0, v_range },
	[RU_PROTO] = { "proto", "PROTO", rule_proto_choices,
		       "IP protocol: name, 0..255, any or dont-verify (default any)",
		       0, v_proto },
	[RU_LPORT] = { "lport", "PORT[-PORT]", NULL,
		       "local port or range (tcp, udp, udplite, sctp only)", 0, v_ports },
	[RU_RPORT] = { "rport", "PORT[-PORT]", NULL,
		       "remote port or range (tcp, udp, udplite, sctp only)", 0, v_ports },
	[RU_ACTION] = { "action", "ACTION", action_choices,
			"pass (clear), drop, or protect (traffic list entries only)",
			ARG_REQ, v_choice },
	[RU_SPI_OUT] = { "spiOut", "SPI", NULL,
			 "outbound SA (protect; without spiOut/spiIn the entry is dynamic: ACQUIRE)",
			 0, v_spi },
	[RU_SPI_IN] = { "spiIn", "SPI", NULL,
			"inbound SA (protect, with spiOut)", 0, v_spi },
	[RU_AH_SPI_OUT] = { "ahSpiOut", "SPI", NULL,
			    "outbound AH SA (protect; alone: AH only, with spiOut: AH+ESP bundle)",
			    0, v_spi },
	[RU_AH_SPI_IN] = { "ahSpiIn", "SPI", NULL,
			   "inbound AH SA (protect, with ahSpiOut)", 0, v_spi },
	[RU_SELF] = { "selfTraffic", "on|off", onoff_choices,
		      "also capture the gateway's own traffic with attached hosts (default off)",
		      0, v_choice },
	[RU_CPI_OUT] = { "cpiOut", "CPI", NULL,
			 "outbound IPComp SA, 256..65535 (protect, with spiOut): compress, then ESP",
			 0, v_cpi },
	[RU_CPI_IN] = { "cpiIn", "CPI", NULL,
			"inbound IPComp SA (protect, with cpiOut)", 0, v_cpi },
};

static const struct cmd_arg rule_del_args[] = {
	{ NULL, "ID", NULL, "rule number", ARG_POS | ARG_REQ, v_id },
	{ 0 },
};

enum {
	PE_NAME, PE_ID, PE_ADDR, PE_HOSTNAME, PE_DESCR, PE_ADMIN, PE_VIRTUAL,
	PE_SPI_OUT, PE_SPI_IN, PE_PMTU, PE_IPCOMP, PE_NARGS
};

static const struct cmd_arg peer_add_args[PE_NARGS + 1] = {
	[PE_NAME] = { NULL, "NAME", NULL,
		      "peer name: 1..31 of A-Z a-z 0-9 _ . -", ARG_POS | ARG_REQ,
		      v_peer_name },
	[PE_ID] = { "id", "N", NULL,
		    "peer ID 1..4294967295, evaluation order (default: highest + 1)",
		    0, v_peer_id },
	[PE_ADDR] = { "addr", "ADDR|HOSTNAME", NULL,
		      "the peer gateway's IPv4 or IPv6 address or host name",
		      ARG_REQ, v_host },
	[PE_HOSTNAME] = { "hostname", "HOSTNAME", NULL,
			  "with addr ADDR: the host name ADDR was resolved from, kept for show and config save, not resolved again",
			  0, v_host },
	[PE_DESCR] = { "descr", "TEXT", NULL,
		       "description (quote it if it has spaces)", 0, v_descr },
	[PE_ADMIN] = { "admin", "STATUS", admin_choices,
		       "up (default), down (entries skipped) or dialup", 0, v_choice },
	[PE_VIRTUAL] = { "virtual", "yes|no", yesno_choices,
			 "route-based interface vgateN instead of a traffic list (default no)",
			 0, v_choice },
	[PE_SPI_OUT] = { "spiOut", "SPI", NULL,
			 "outbound SA of the virtual interface (virtual yes)", 0, v_spi },
	[PE_SPI_IN] = { "spiIn", "SPI", NULL,
			"inbound SA of the virtual interface (virtual yes)", 0, v_spi },
	[PE_PMTU] = { "propagatePmtu", "on|off", onoff_choices,
		      "on: tunnelled packets must fit the learnt path MTU to the peer; off (default): the interface MTU",
		      0, v_choice },
	[PE_IPCOMP] = { "ipcomp", "accept|no|force", ipcomp_choices,
			"IPComp of the peer's SA bundles: accept (default: when an entry names CPIs), no, force",
			0, v_choice },
};

static const struct cmd_arg peer_name_args[] = {
	{ NULL, "NAME", NULL, "peer name", ARG_POS | ARG_REQ | ARG_PEER,
	  v_peer_name },
	{ 0 },
};

static const struct cmd_arg peer_block_args[] = {
	{ NULL, "NAME", NULL, "peer name", ARG_POS | ARG_REQ | ARG_PEER,
	  v_peer_name },
	{ NULL, "SECONDS", NULL,
	  "block time " VG_STR(VGATE_BLOCK_SECONDS_MIN) ".."
	  VG_STR(VGATE_BLOCK_SECONDS_MAX) " seconds",
	  ARG_POS | ARG_REQ, v_seconds },
	{ 0 },
};

static const struct cmd_arg show_peer_args[] = {
	{ NULL, "NAME", NULL, "one peer (default: every peer)",
	  ARG_POS | ARG_PEER, v_peer_name },
	{ 0 },
};

enum {
	EX_SRC, EX_DST, EX_PROTO, EX_SPORT, EX_DPORT, EX_PORT, EX_IN, EX_OUT,
	EX_ITER, EX_NARGS
};

static const struct cmd_arg explain_args[EX_NARGS + 1] = {
	[EX_SRC] = { NULL, "SRC", NULL, "source address of the packet",
		     ARG_POS | ARG_REQ, v_addr },
	[EX_DST] = { NULL, "DST", NULL, "destination address of the packet",
		     ARG_POS | ARG_REQ, v_addr },
	[EX_PROTO] = { "proto", "PROTO", flow_proto_choices,
		       "IP protocol: name or 0..255 (default: none, no ports)",
		       0, v_proto },
	[EX_SPORT] = { "sport", "PORT", NULL, "source port", 0, v_port },
	[EX_DPORT] = { "dport", "PORT", NULL, "destination port", 0, v_port },
	[EX_PORT] = { "port", "PORT", NULL, "destination port (as dport)", 0,
		      v_port },
	[EX_IN] = { "in", "in", NULL,
		    "the packet arrives (local is DST)", ARG_FLAG, NULL },
	[EX_OUT] = { "out", "out", NULL,
		     "the packet leaves (local is SRC; default)", ARG_FLAG, NULL },
	[EX_ITER] = { "--iterations", "N", NULL,
		      "classify N times and print the time per lookup",
		      ARG_HIDDEN, v_iterations },
};

static const struct cmd_arg file_args[] = {
	{ NULL, "FILE", NULL, "file to write (replaced atomically)",
	  ARG_POS | ARG_REQ, NULL },
	{ 0 },
};

static const struct cmd_arg no_args[] = { { 0 } };

static const struct cmd_arg natt_socket_args[] = {
	{ "port", "PORT", NULL, "UDP port of vgate's own NAT-T socket (default 4500)",
	  0, v_port1 },
	{ 0 },
};

#define KNOB_ARGS(var, meta, choices, help)				\
	static const struct cmd_arg var[] = {				\
		{ NULL, meta, choices, help, ARG_POS, v_knob },		\
		{ 0 },							\
	}

KNOB_ARGS(replay_args, "N", NULL,
	  "new value " VG_STR(VGATE_REPLAY_WINDOW_MIN) ".."
	  VG_STR(VGATE_REPLAY_WINDOW_MAX) " (omit to show the current one)");
KNOB_ARGS(maxsas_args, "N", NULL,
	  "new value " VG_STR(VGATE_MAX_SAS_MIN) ".." VG_STR(VGATE_MAX_SAS_MAX)
	  " (omit to show the current one)");
KNOB_ARGS(droplog_args, "on|off", onoff_choices,
	  "log drops to the kernel log (omit to show the current setting)");
KNOB_ARGS(swskip_args, "on|off", onoff_choices,
	  "pass in the clear what a protect entry's local range holds as remote (omit to show)");
KNOB_ARGS(postdef_args, "pass|drop", passdrop_choices,
	  "what matches no rule (omit to show the current setting)");
KNOB_ARGS(acqtime_args, "N", NULL,
	  "seconds a held packet waits for its SA, "
	  VG_STR(VGATE_ACQUIRE_TIMEOUT_MIN) ".."
	  VG_STR(VGATE_ACQUIRE_TIMEOUT_MAX) " (omit to show)");
KNOB_ARGS(acqqueue_args, "N", NULL,
	  "packets held per dynamic entry, "
	  VG_STR(VGATE_ACQUIRE_QUEUE_MIN) ".."
	  VG_STR(VGATE_ACQUIRE_QUEUE_MAX) " (omit to show)");
KNOB_ARGS(nattka_args, "N", NULL,
	  "seconds of silence before a NAT keepalive, "
	  VG_STR(VGATE_NATT_KEEPALIVE_MIN) " (off).."
	  VG_STR(VGATE_NATT_KEEPALIVE_MAX) " (omit to show)");

static const struct {
	const struct cmd_arg *args;
	const char *name;
} knob_args[] = {
	{ replay_args, "replayWindow" }, { maxsas_args, "maxSas" },
	{ droplog_args, "dropLog" }, { swskip_args, "swSkipOverlapIp" },
	{ postdef_args, "postDefault" }, { acqtime_args, "acquireTimeout" },
	{ acqqueue_args, "acquireQueue" }, { nattka_args, "nattKeepalive" },
};

static const struct knob *knob_of_arg(const struct cmd_arg *a)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knob_args); i++)
		if (knob_args[i].args == a)
			return knob_find(knob_args[i].name);
	return &knobs[0];
}

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

/*
 * Command words standing for a value: any token matches, the word's arg
 * checks it (before the arguments) and TAB completes it.
 */
static const char W_IF[] = "IF";

static const struct cmd_arg if_word = {
	NULL, "IF", NULL, "an Ethernet interface", ARG_IFACE, v_ifname
};

static const struct cmd_arg *word_arg(const char *w)
{
	return w == W_IF ? &if_word : NULL;
}

static bool word_match(const char *w, const char *tok)
{
	return word_arg(w) || !strcmp(w, tok);
}

/* ---- parse functions: tokens to struct vg_req, no netlink ---- */

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

/* encap udp [sport N] [dport N] [natOa ADDR] */
static int parse_sa_encap(const char *const *val, struct vg_sa *sa)
{
	uint32_t p;
	int r;

	if (!val[SA_ENCAP]) {
		const int dep[] = { SA_SPORT, SA_DPORT, SA_NATOA };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(dep); i++)
			if (val[dep[i]]) {
				vg_err("bad %s \"%s\" (needs encap udp)",
				       sa_add_args[dep[i]].kw, val[dep[i]]);
				return -EINVAL;
			}
		return 0;
	}
	sa->encap_sport = 4500;
	sa->encap_dport = 4500;
	if (val[SA_SPORT]) {
		r = parse_num32("sport", val[SA_SPORT], 1, 65535, &p);
		if (r)
			return r;
		sa->encap_sport = p;
	}
	if (val[SA_DPORT]) {
		r = parse_num32("dport", val[SA_DPORT], 1, 65535, &p);
		if (r)
			return r;
		sa->encap_dport = p;
	}
	if (val[SA_NATOA]) {
		if (sa->mode != VGATE_MODE_TRANSPORT) {
			vg_err("bad natOa \"%s\" (transport mode only)",
			       val[SA_NATOA]);
			return -EINVAL;
		}
		r = parse_addr("natOa", val[SA_NATOA], &sa->oa);
		if (r)
			return r;
		if (sa->oa.family != AF_INET) {
			vg_err("bad natOa \"%s\" (IPv4 only so far)",
			       val[SA_NATOA]);
			return -EINVAL;
		}
		sa->has |= VG_SA_NATOA;
	}
	sa->has |= VG_SA_ENCAP;
	return 0;
}

/* esn, seqOut, seqIn: the sequence number space and its start state. */
static int parse_sa_seq(const char *const *val, struct vg_sa *sa)
{
	static const struct {
		int idx, has;
		const char *name;
	} seqs[] = {
		{ SA_SEQ_OUT, VG_SA_OSEQ, "seqOut" },
		{ SA_SEQ_IN, VG_SA_ISEQ, "seqIn" },
	};
	bool esn = false;
	uint64_t v;
	size_t i;
	int r;

	if (val[SA_ESN]) {
		r = parse_onoff("esn", val[SA_ESN], &esn);
		if (r)
			return r;
		sa->flags = esn ? VGATE_SA_F_ESN : 0;
		sa->has |= VG_SA_FLAGS;
	}
	if (esn && (sa->has & VG_SA_REPLAY) && !sa->replay_window) {
		vg_err("bad replayWindow \"%s\" (esn on needs a window of at least 1)",
		       val[SA_REPLAY]);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		if (!val[seqs[i].idx])
			continue;
		r = parse_num64(seqs[i].name, val[seqs[i].idx], &v);
		if (r)
			return r;
		if (!esn && v > UINT32_MAX) {
			vg_err("bad %s \"%s\" (above 4294967295 needs esn on)",
			       seqs[i].name, val[seqs[i].idx]);
			return -ERANGE;
		}
		if (seqs[i].has == VG_SA_OSEQ)
			sa->oseq = v;
		else
			sa->iseq = v;
		sa->has |= seqs[i].has;
	}
	return 0;
}

/*
 * The HMAC key @s of @auth (ESP or AH) into @sa, with the algorithm:
 * missing or of another length than @auth's is an error.
 */
static int parse_sa_auth_key(const char *s, const struct vg_auth_alg *auth,
			     struct vg_sa *sa)
{
	int r;

	if (!s) {
		vg_err("missing authKey for auth %s (%u bytes)", auth->name,
		       auth->key_len);
		return -EINVAL;
	}
	r = parse_hex_key("authKey", s, sa->auth_key, sizeof(sa->auth_key),
			  &sa->auth_key_len);
	if (r)
		return r;
	if (sa->auth_key_len != auth->key_len) {
		vg_err("bad authKey: %zu bytes, auth %s needs %u",
		       sa->auth_key_len, auth->name, auth->key_len);
		return -EINVAL;
	}
	sa->auth = auth->alg;
	sa->has |= VG_SA_AUTH_KEY;
	return 0;
}

/* AH (RFC 4302): an HMAC and its key; no cipher, no UDP encapsulation. */
static int parse_sa_ah(const char *const *val, struct vg_sa *sa)
{
	static const int no[] = { SA_ENC, SA_ENC_KEY, SA_ENCAP, SA_SPORT,
				  SA_DPORT, SA_NATOA };
	const struct vg_auth_alg *auth;
	char want[256];
	size_t i;

	sa->proto = IPPROTO_AH;
	for (i = 0; i < ARRAY_SIZE(no); i++) {
		if (!val[no[i]])
			continue;
		if (no[i] == SA_ENC_KEY)
			vg_err("bad encKey: proto ah takes no encryption key");
		else
			vg_err("bad %s \"%s\" (proto ah: %s)",
			       sa_add_args[no[i]].kw, val[no[i]],
			       no[i] == SA_ENC ? "AH does not encrypt" :
			       "AH cannot be UDP encapsulated");
		return -EINVAL;
	}
	if (!val[SA_AUTH]) {
		vg_err("missing auth for proto ah (%s)",
		       names_expected(hmac_choices, want, sizeof(want)));
		return -EINVAL;
	}
	auth = vg_auth_by_name(val[SA_AUTH]);
	if (!auth || auth->alg == VGATE_AUTH_NONE) {
		vg_err("bad auth \"%s\" (proto ah: expected %s)", val[SA_AUTH],
		       names_expected(hmac_choices, want, sizeof(want)));
		return -EINVAL;
	}
	return parse_sa_auth_key(val[SA_AUTH_KEY], auth, sa);
}

static int parse_lifetimes(const char *const *val, struct vg_sa *sa);

/* proto comp: an IPComp SA takes no keys and no sequence numbers. */
static int parse_sa_comp(const char *const *val, struct vg_sa *sa)
{
	static const int bad[] = {
		SA_ENC, SA_ENC_KEY, SA_AUTH, SA_AUTH_KEY, SA_REPLAY, SA_ENCAP,
		SA_SPORT, SA_DPORT, SA_NATOA, SA_ESN, SA_SEQ_OUT, SA_SEQ_IN
	};
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (val[bad[i]]) {
			vg_err("bad %s \"%s\" (proto comp takes no keys, replay window, encapsulation or sequence numbers)",
			       sa_add_args[bad[i]].kw, val[bad[i]]);
			return -EINVAL;
		}
	}
	sa->comp = VGATE_COMP_DEFLATE;
	r = parse_lifetimes(val, sa);
	if (r)
		return r;
	sa->has |= VG_SA_SPI | VG_SA_PROTO | VG_SA_FAMILY | VG_SA_SRC |
		   VG_SA_DST | VG_SA_MODE | VG_SA_COMP;
	return 0;
}

static int parse_sa(const struct cmd *c, const struct cmd_vals *v,
		    struct vg_req *req)
{
	const char *const *val = v->val;
	struct vg_sa *sa = &req->sa;
	const struct vg_enc_alg *enc;
	const struct vg_auth_alg *auth = NULL;
	const struct vg_name *mode;
	unsigned int enc_key_len;
	char want[256];
	int r;

	req->obj = VG_OBJ_SA;
	req->cmd = c->nlcmd;
	sa->proto = IPPROTO_ESP;
	if (val[SA_PROTO] && !strcmp(val[SA_PROTO], "ah"))
		sa->proto = IPPROTO_AH;
	else if (val[SA_PROTO] && !strcmp(val[SA_PROTO], "comp"))
		sa->proto = IPPROTO_COMP;
	if (sa->proto == IPPROTO_COMP)
		r = parse_cpi("CPI", val[SA_SPI], &sa->spi);
	else
		r = parse_spi("SPI", val[SA_SPI], &sa->spi);
	if (r)
		return r;
	r = parse_addr("src", val[SA_SRC], &sa->src);
	if (!r)
		r = same_family("src", val[SA_SRC], &sa->family, &sa->src);
	if (!r)
		r = parse_addr("dst", val[SA_DST], &sa->dst);
	if (!r)
		r = same_family("dst", val[SA_DST], &sa->family, &sa->dst);
	if (r)
		return r;
	if (val[SA_REQID]) {
		r = parse_num32("reqid", val[SA_REQID], 1, UINT32_MAX, &sa->reqid);
		if (r)
			return r;
		sa->has |= VG_SA_REQID;
	}

	mode = vg_name_find(vg_modes, vg_n_modes, val[SA_MODE]);
	if (!mode) {
		vg_err("bad mode \"%s\" (expected %s)", val[SA_MODE],
		       names_expected(mode_choices, want, sizeof(want)));
		return -EINVAL;
	}
	sa->mode = mode->value;

	if (sa->proto == IPPROTO_COMP)
		return parse_sa_comp(val, sa);
	if (val[SA_COMP]) {
		vg_err("bad comp \"%s\" (only with proto comp)", val[SA_COMP]);
		return -EINVAL;
	}
	if (sa->proto == IPPROTO_AH) {
		r = parse_sa_ah(val, sa);
		if (r)
			return r;
		goto common;
	}
	if (!val[SA_ENC]) {
		vg_err("missing enc (ESP needs an encryption algorithm; proto ah for AH, proto comp for IPComp)");
		return -EINVAL;
	}
	enc = vg_enc_by_name(val[SA_ENC]);
	if (!enc) {
		vg_err("bad enc \"%s\" (expected %s)", val[SA_ENC],
		       names_expected(enc_choices, want, sizeof(want)));
		return -EINVAL;
	}
	sa->enc = enc->alg;
	enc_key_len = enc->key_len + enc->salt_len;
	if (!enc_key_len && val[SA_ENC_KEY]) {
		vg_err("bad encKey: enc %s takes no key", enc->name);
		return -EINVAL;
	}
	if (enc_key_len) {
		if (!val[SA_ENC_KEY]) {
			vg_err("missing encKey for enc %s (%s)", enc->name,
			       enc->keydesc);
			return -EINVAL;
		}
		r = parse_hex_key("encKey", val[SA_ENC_KEY], sa->enc_key,
				  sizeof(sa->enc_key), &sa->enc_key_len);
		if (r)
			return r;
		if (sa->enc_key_len != enc_key_len) {
			vg_err("bad encKey: %zu bytes, enc %s needs %u (%s)",
			       sa->enc_key_len, enc->name, enc_key_len,
			       enc->keydesc);
			return -EINVAL;
		}
		sa->has |= VG_SA_ENC_KEY;
	}

	if (val[SA_AUTH]) {
		auth = vg_auth_by_name(val[SA_AUTH]);
		if (!auth) {
			vg_err("bad auth \"%s\" (expected %s)", val[SA_AUTH],
			       names_expected(auth_choices, want,
					      sizeof(want)));
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
		r = parse_sa_auth_key(val[SA_AUTH_KEY], auth, sa);
		if (r)
			return r;
	}
	sa->has |= VG_SA_ENC;

common:
	if (val[SA_REPLAY]) {
		r = parse_num32("replayWindow", val[SA_REPLAY],
				VGATE_REPLAY_WINDOW_MIN,
				VGATE_REPLAY_WINDOW_MAX, &sa->replay_window);
		if (r)
			return r;
		sa->has |= VG_SA_REPLAY;
	}
	r = parse_lifetimes(val, sa);
	if (r)
		return r;
	r = parse_sa_encap(val, sa);
	if (!r)
		r = parse_sa_seq(val, sa);
	if (r)
		return r;
	sa->has |= VG_SA_SPI | VG_SA_PROTO | VG_SA_FAMILY | VG_SA_SRC |
		   VG_SA_DST | VG_SA_MODE | VG_SA_AUTH;
	return 0;
}

static int parse_lifetimes(const char *const *val, struct vg_sa *sa)
{
	size_t i;
	int r;

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
	return 0;
}

static int parse_sa_del(const struct cmd *c, const struct cmd_vals *v,
			struct vg_req *req)
{
	struct vg_sa *sa = &req->sa;
	int r;

	req->obj = VG_OBJ_SA;
	req->cmd = c->nlcmd;
	sa->proto = IPPROTO_ESP;
	if (v->val[SD_PROTO] && !strcmp(v->val[SD_PROTO], "ah"))
		sa->proto = IPPROTO_AH;
	else if (v->val[SD_PROTO] && !strcmp(v->val[SD_PROTO], "comp"))
		sa->proto = IPPROTO_COMP;
	if (sa->proto == IPPROTO_COMP)
		r = parse_cpi("CPI", v->val[SD_SPI], &sa->spi);
	else
		r = parse_spi("SPI", v->val[SD_SPI], &sa->spi);
	if (!r)
		r = parse_addr("dst", v->val[SD_DST], &sa->dst);
	if (r)
		return r;
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

static const char *family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* The family of a rule comes from its addresses; they must agree. */
static int rule_family(const char *what, const char *tok, uint16_t *family,
		       const char **ftok, const struct vg_range *r)
{
	int f = range_family(r);

	if (!f)
		return 0;
	if (*family && *family != f) {
		vg_err("bad %s \"%s\" (%s, but \"%s\" is %s)", what, tok,
		       family_name(f), *ftok, family_name(*family));
		return -EINVAL;
	}
	*family = f;
	*ftok = tok;
	return 0;
}

static int parse_rule(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	const char *const *val = v->val;
	struct vg_rule *ru = &req->rule;
	const char *ftok = NULL, *stage_tok = NULL;
	int r, nstage = 0;

	req->obj = VG_OBJ_RULE;
	req->cmd = c->nlcmd;
	r = parse_rule_id(val[RU_ID], &ru->id);
	if (r)
		return r;
	ru->has |= VG_RULE_ID;

	/* Stage: pre, peer NAME or post. */
	ru->stage = VGATE_STAGE_PRE;
	if (val[RU_PRE]) {
		nstage++;
		stage_tok = "pre";
	}
	if (val[RU_PEER]) {
		nstage++;
		stage_tok = "peer";
		ru->stage = VGATE_STAGE_PEER;
		r = parse_peer_name("peer", val[RU_PEER]);
		if (r)
			return r;
		snprintf(ru->peer_name, sizeof(ru->peer_name), "%s",
			 val[RU_PEER]);
		ru->has |= VG_RULE_PEER_NAME;
	}
	if (val[RU_POST]) {
		nstage++;
		stage_tok = "post";
		ru->stage = VGATE_STAGE_POST;
	}
	if (nstage > 1) {
		vg_err("bad stage \"%s\" (give one of pre, peer NAME or post)",
		       stage_tok);
		return -EINVAL;
	}
	if (val[RU_PRE])
		ru->stage = VGATE_STAGE_PRE;
	ru->has |= VG_RULE_STAGE;

	if (val[RU_DESCR]) {
		r = parse_descr("descr", val[RU_DESCR]);
		if (r)
			return r;
		snprintf(ru->descr, sizeof(ru->descr), "%s", val[RU_DESCR]);
		ru->has |= VG_RULE_DESCR;
	}

	if (val[RU_LOCAL]) {
		r = parse_range("local", val[RU_LOCAL], &ru->local);
		if (!r)
			r = rule_family("local", val[RU_LOCAL], &ru->family,
					&ftok, &ru->local);
		if (r)
			return r;
	}
	if (val[RU_REMOTE]) {
		r = parse_range("remote", val[RU_REMOTE], &ru->remote);
		if (!r)
			r = rule_family("remote", val[RU_REMOTE], &ru->family,
					&ftok, &ru->remote);
		if (r)
			return r;
	}
	if (val[RU_FAMILY]) {
		int f = strcmp(val[RU_FAMILY], "ipv6") ? AF_INET : AF_INET6;

		if (ru->family && ru->family != f) {
			vg_err("bad family \"%s\" (\"%s\" is %s)", val[RU_FAMILY],
			       ftok, family_name(ru->family));
			return -EINVAL;
		}
		ru->family = f;
	}
	if (!ru->family)
		ru->family = AF_INET;
	ru->has |= VG_RULE_FAMILY;

	if (val[RU_PROTO]) {
		if (proto_lookup(val[RU_PROTO], &ru->proto)) {
			v_proto(&rule_add_args[RU_PROTO], val[RU_PROTO]);
			return -EINVAL;
		}
		if (ru->proto)
			ru->has |= VG_RULE_PROTO;
	}
	if (val[RU_LPORT]) {
		if (!proto_has_ports(ru->proto)) {
			vg_err("bad lport \"%s\" (ports need proto tcp, udp, udplite or sctp)",
			       val[RU_LPORT]);
			return -EINVAL;
		}
		r = parse_ports("lport", val[RU_LPORT], &ru->lport);
		if (r)
			return r;
		ru->has |= VG_RULE_LPORT;
	}
	if (val[RU_RPORT]) {
		if (!proto_has_ports(ru->proto)) {
			vg_err("bad rport \"%s\" (ports need proto tcp, udp, udplite or sctp)",
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
		if (ru->stage != VGATE_STAGE_PEER) {
			vg_err("bad action \"protect\" (only a peer's traffic list protects: give peer NAME%s)",
			       stage_tok ? ", not pre or post" : "");
			return -EINVAL;
		}
		if (!!val[RU_SPI_OUT] != !!val[RU_SPI_IN]) {
			vg_err("missing %s (spiOut and spiIn go together; without both the entry is dynamic)",
			       val[RU_SPI_OUT] ? "spiIn" : "spiOut");
			return -EINVAL;
		}
		if (val[RU_SPI_OUT]) {
			r = parse_spi("spiOut", val[RU_SPI_OUT], &ru->spi_out);
			if (!r)
				r = parse_spi("spiIn", val[RU_SPI_IN], &ru->spi_in);
			if (r)
				return r;
			ru->has |= VG_RULE_SPI_OUT | VG_RULE_SPI_IN;
		}
		if (!!val[RU_AH_SPI_OUT] != !!val[RU_AH_SPI_IN]) {
			vg_err("missing %s (ahSpiOut and ahSpiIn go together)",
			       val[RU_AH_SPI_OUT] ? "ahSpiIn" : "ahSpiOut");
			return -EINVAL;
		}
		if (val[RU_AH_SPI_OUT]) {
			r = parse_spi("ahSpiOut", val[RU_AH_SPI_OUT],
				      &ru->ah_spi_out);
			if (!r)
				r = parse_spi("ahSpiIn", val[RU_AH_SPI_IN],
					      &ru->ah_spi_in);
			if (r)
				return r;
			ru->has |= VG_RULE_AH_SPI_OUT | VG_RULE_AH_SPI_IN;
		}
		if (!!val[RU_CPI_OUT] != !!val[RU_CPI_IN]) {
			vg_err("missing %s (cpiOut and cpiIn go together)",
			       val[RU_CPI_OUT] ? "cpiIn" : "cpiOut");
			return -EINVAL;
		}
		if (val[RU_CPI_OUT] && !val[RU_SPI_OUT]) {
			vg_err("bad cpiOut \"%s\" (IPComp SAs come with ESP SAs: give spiOut and spiIn too)",
			       val[RU_CPI_OUT]);
			return -EINVAL;
		}
		if (val[RU_CPI_OUT]) {
			uint32_t o, i;

			r = parse_cpi("cpiOut", val[RU_CPI_OUT], &o);
			if (!r)
				r = parse_cpi("cpiIn", val[RU_CPI_IN], &i);
			if (r)
				return r;
			ru->cpi_out = o;
			ru->cpi_in = i;
			ru->has |= VG_RULE_CPI_OUT | VG_RULE_CPI_IN;
		}
	} else {
		static const int bad[] = {
			RU_SPI_OUT, RU_SPI_IN, RU_AH_SPI_OUT, RU_AH_SPI_IN,
			RU_CPI_OUT, RU_CPI_IN
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			if (val[bad[i]]) {
				vg_err("bad %s \"%s\" (only with action protect)",
				       rule_add_args[bad[i]].kw, val[bad[i]]);
				return -EINVAL;
			}
		}
	}
	if (val[RU_SELF]) {
		if (!strcmp(val[RU_SELF], "on"))
			ru->flags = VGATE_RULE_F_SELF;
		ru->has |= VG_RULE_FLAGS;
	}
	return 0;
}

static int parse_rule_del(const struct cmd *c, const struct cmd_vals *v,
			  struct vg_req *req)
{
	int r;

	req->obj = VG_OBJ_RULE;
	req->cmd = c->nlcmd;
	r = parse_rule_id(v->val[0], &req->rule.id);
	if (r)
		return r;
	req->rule.has = VG_RULE_ID;
	return 0;
}

static int parse_natt_socket(const struct cmd *c, const struct cmd_vals *v,
			     struct vg_req *req)
{
	uint32_t p = 4500;
	int r;

	req->cmd = c->nlcmd;
	req->obj = VG_OBJ_ENCAP_SOCK;
	if (v->val[0]) {
		r = parse_num32("port", v->val[0], 1, 65535, &p);
		if (r)
			return r;
	}
	req->natt_port = p;
	return 0;
}

static int parse_none(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	(void)v;
	req->cmd = c->nlcmd;
	req->obj = VG_OBJ_NONE;
	return 0;
}

/* ADDR, or a host name resolved now (IPv4 first, then IPv6). */
static int resolve_peer_addr(const char *s, struct vg_peer *p)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct addrinfo hints, *res = NULL;
	const char *why = "";
	size_t i;
	int r;

	if (!parse_addr_quiet(s, &p->addr)) {
		p->family = p->addr.family;
		return 0;
	}
	if (v_host(&peer_add_args[PE_ADDR], s))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(fams); i++) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = fams[i];
		hints.ai_socktype = SOCK_DGRAM;
		r = getaddrinfo(s, NULL, &hints, &res);
		if (r) {
			why = gai_strerror(r);
			continue;
		}
		memset(&p->addr, 0, sizeof(p->addr));
		p->addr.family = fams[i];
		if (fams[i] == AF_INET) {
			p->addr.len = 4;
			memcpy(p->addr.a,
			       &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
		} else {
			p->addr.len = 16;
			memcpy(p->addr.a,
			       &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
		}
		freeaddrinfo(res);
		p->family = fams[i];
		snprintf(p->hostname, sizeof(p->hostname), "%s", s);
		p->has |= VG_PEER_HOSTNAME;
		return 0;
	}
	vg_err("bad addr \"%s\" (not an address, and the host name does not resolve: %s)",
	       s, why);
	return -EINVAL;
}

static int parse_peer(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	const char *const *val = v->val;
	struct vg_peer *p = &req->peer;
	int r;

	req->obj = VG_OBJ_PEER;
	req->cmd = c->nlcmd;
	r = parse_peer_name("peer name", val[PE_NAME]);
	if (r)
		return r;
	snprintf(p->name, sizeof(p->name), "%s", val[PE_NAME]);
	p->has |= VG_PEER_NAME;
	if (val[PE_ID]) {
		r = parse_num32("peer ID", val[PE_ID], 1, UINT32_MAX, &p->id);
		if (r)
			return r;
		p->has |= VG_PEER_ID;
	} else {
		req->flags |= req->cmd == VGATE_CMD_PEER_NEW ?
			      VG_REQ_PEER_AUTO_ID : VG_REQ_PEER_BY_NAME;
	}
	if (val[PE_HOSTNAME]) {
		/* config save's form: what the kernel holds, and the name */
		if (parse_addr_quiet(val[PE_ADDR], &p->addr)) {
			vg_err("bad addr \"%s\" (with hostname: an IPv4 or IPv6 address)",
			       val[PE_ADDR]);
			return -EINVAL;
		}
		p->family = p->addr.family;
		snprintf(p->hostname, sizeof(p->hostname), "%s",
			 val[PE_HOSTNAME]);
		p->has |= VG_PEER_HOSTNAME;
	} else {
		r = resolve_peer_addr(val[PE_ADDR], p);
		if (r)
			return r;
	}
	p->has |= VG_PEER_FAMILY | VG_PEER_ADDR;
	if (val[PE_DESCR]) {
		r = parse_descr("descr", val[PE_DESCR]);
		if (r)
			return r;
		snprintf(p->descr, sizeof(p->descr), "%s", val[PE_DESCR]);
		p->has |= VG_PEER_DESCR;
	}
	if (val[PE_ADMIN]) {
		if (!strcmp(val[PE_ADMIN], "up"))
			p->admin = VGATE_PEER_ADMIN_UP;
		else if (!strcmp(val[PE_ADMIN], "down"))
			p->admin = VGATE_PEER_ADMIN_DOWN;
		else
			p->admin = VGATE_PEER_ADMIN_DIALUP;
		p->has |= VG_PEER_ADMIN;
	}
	if (val[PE_VIRTUAL]) {
		p->virt = !strcmp(val[PE_VIRTUAL], "yes");
		p->has |= VG_PEER_VIRTUAL;
	}
	if (val[PE_PMTU]) {
		p->pmtu = !strcmp(val[PE_PMTU], "on");
		p->has |= VG_PEER_PMTU;
	}
	if (val[PE_IPCOMP]) {
		p->ipcomp = !strcmp(val[PE_IPCOMP], "no") ? VGATE_IPCOMP_NO :
			    !strcmp(val[PE_IPCOMP], "force") ?
			    VGATE_IPCOMP_FORCE : VGATE_IPCOMP_ACCEPT;
		p->has |= VG_PEER_IPCOMP;
	}
	if (val[PE_SPI_OUT] || val[PE_SPI_IN]) {
		int i = val[PE_SPI_OUT] ? PE_SPI_OUT : PE_SPI_IN;

		if (!p->virt) {
			vg_err("bad %s \"%s\" (only with virtual yes)",
			       peer_add_args[i].kw, val[i]);
			return -EINVAL;
		}
		if (!val[PE_SPI_OUT] || !val[PE_SPI_IN]) {
			vg_err("missing %s (spiOut and spiIn go together)",
			       val[PE_SPI_OUT] ? "spiIn" : "spiOut");
			return -EINVAL;
		}
		r = parse_spi("spiOut", val[PE_SPI_OUT], &p->spi_out);
		if (!r)
			r = parse_spi("spiIn", val[PE_SPI_IN], &p->spi_in);
		if (r)
			return r;
		p->has |= VG_PEER_SPI_OUT | VG_PEER_SPI_IN;
	}
	return 0;
}

static int parse_peer_name_only(const struct cmd *c, const struct cmd_vals *v,
				struct vg_req *req)
{
	struct vg_peer *p = &req->peer;
	int r;

	req->obj = VG_OBJ_PEER;
	req->cmd = c->nlcmd;
	if (!v->val[0])		/* show peer: all */
		return 0;
	r = parse_peer_name("peer name", v->val[0]);
	if (r)
		return r;
	snprintf(p->name, sizeof(p->name), "%s", v->val[0]);
	p->has |= VG_PEER_NAME;
	return 0;
}

static int parse_peer_block(const struct cmd *c, const struct cmd_vals *v,
			    struct vg_req *req)
{
	struct vg_peer *p = &req->peer;
	int r;

	r = parse_peer_name_only(c, v, req);
	if (!r)
		r = parse_num32("SECONDS", v->val[1],
				VGATE_BLOCK_SECONDS_MIN,
				VGATE_BLOCK_SECONDS_MAX, &p->block_seconds);
	if (r)
		return r;
	p->oper = VGATE_PEER_OPER_BLOCKED;
	p->has |= VG_PEER_OPER | VG_PEER_BLOCK;
	req->flags |= VG_REQ_PEER_BY_NAME | VG_REQ_PEER_BLOCK;
	return 0;
}

static int parse_explain(const struct cmd *c, const struct cmd_vals *v,
			 struct vg_req *req)
{
	const char *const *val = v->val;
	struct vg_flow *f = &req->flow;
	uint32_t n;
	int r;

	req->obj = VG_OBJ_FLOW;
	req->cmd = c->nlcmd;
	r = parse_addr("SRC", val[EX_SRC], &f->src);
	if (!r)
		r = parse_addr("DST", val[EX_DST], &f->dst);
	if (r)
		return r;
	if (f->src.family != f->dst.family) {
		vg_err("bad DST \"%s\" (%s, but SRC \"%s\" is %s)", val[EX_DST],
		       family_name(f->dst.family), val[EX_SRC],
		       family_name(f->src.family));
		return -EINVAL;
	}
	f->family = f->src.family;
	if (val[EX_PROTO]) {
		if (proto_lookup(val[EX_PROTO], &f->proto)) {
			v_proto(&explain_args[EX_PROTO], val[EX_PROTO]);
			return -EINVAL;
		}
		f->has |= VG_FLOW_PROTO;
	}
	if (val[EX_DPORT] && val[EX_PORT]) {
		vg_err("bad port \"%s\" (port is dport, given twice)",
		       val[EX_PORT]);
		return -EINVAL;
	}
	{
		static const int pk[] = { EX_SPORT, EX_DPORT, EX_PORT };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(pk); i++) {
			const char *s = val[pk[i]];

			if (!s)
				continue;
			if (!proto_has_ports(f->proto)) {
				vg_err("bad %s \"%s\" (ports need proto tcp, udp, udplite or sctp)",
				       explain_args[pk[i]].kw, s);
				return -EINVAL;
			}
			r = parse_num32(explain_args[pk[i]].kw, s, 0, 65535, &n);
			if (r)
				return r;
			if (pk[i] == EX_SPORT) {
				f->sport = n;
				f->has |= VG_FLOW_SPORT;
			} else {
				f->dport = n;
				f->has |= VG_FLOW_DPORT;
			}
		}
	}
	if (val[EX_IN] && val[EX_OUT]) {
		vg_err("bad direction \"out\" (give in or out, not both)");
		return -EINVAL;
	}
	if (val[EX_IN] || val[EX_OUT]) {
		f->dir = val[EX_IN] ? VGATE_DIR_IN : VGATE_DIR_OUT;
		f->has |= VG_FLOW_DIR;
	}
	if (val[EX_ITER]) {
		r = parse_num32("--iterations", val[EX_ITER],
				VGATE_ITERATIONS_MIN, VGATE_ITERATIONS_MAX,
				&f->iterations);
		if (r)
			return r;
		f->has |= VG_FLOW_ITERATIONS;
	}
	return 0;
}

static int parse_knob(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	const struct knob *k = knob_find(c->words[1]);
	const char *s = v->val[0];
	uint32_t val;
	int r;

	req->knob = k->name;
	if (!s) {
		req->cmd = VGATE_CMD_CONFIG_GET;
		req->obj = VG_OBJ_NONE;
		return 0;
	}
	req->cmd = VGATE_CMD_CONFIG_SET;
	req->obj = VG_OBJ_CONFIG;
	r = parse_knob_value(k, s, &val);
	if (r)
		return r;
	knob_set(&req->cfg, k, val);
	return 0;
}

static int nwords(const struct cmd *c);

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
		const char *name = v->word[nwords(c) - 2];

		r = parse_ifname("interface", name);
		if (r)
			return r;
		snprintf(g->ifc.ifname, sizeof(g->ifc.ifname), "%s", name);
		g->ifc.has |= VG_GARP_IFNAME;
	}
	if (!v->val[0]) {
		g->op = VG_GARP_OP_GET;
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

/* ---- run functions ---- */

bool cmd_in_file;

/*
 * What this invocation knows of the peers: the running ones (one dump,
 * when first needed) changed by the peer commands it has sent since.
 * Inside a transaction GETs read the running configuration, so the IDs
 * and names of peers added by the same file come from here.
 */
static struct {
	bool loaded;
	struct vg_peer *v;
	size_t n;
} pm;

static int pm_load(void)
{
	if (pm.loaded)
		return 0;
	if (vg_nl_dump_peers(&pm.v, &pm.n))
		return -EIO;
	pm.loaded = true;
	return 0;
}

static struct vg_peer *pm_find(const char *name)
{
	size_t i;

	for (i = 0; i < pm.n; i++)
		if (!strcmp(pm.v[i].name, name))
			return &pm.v[i];
	return NULL;
}

static void pm_del(const char *name)
{
	struct vg_peer *p = pm_find(name);

	if (p) {
		*p = pm.v[pm.n - 1];
		pm.n--;
	}
}

static void pm_put(const struct vg_peer *p)
{
	struct vg_peer *q;
	size_t i;

	for (i = 0; i < pm.n; i++) {
		if (pm.v[i].id == p->id || !strcmp(pm.v[i].name, p->name)) {
			pm.v[i] = *p;
			return;
		}
	}
	q = realloc(pm.v, (pm.n + 1) * sizeof(*q));
	if (!q)
		return;
	pm.v = q;
	pm.v[pm.n++] = *p;
}

/*
 * The rules this invocation sent (in dry-run and in a command file): what
 * the warnings check when there is no kernel to ask, or, after a file
 * whose transaction flushed the rules, the whole rule set it committed
 * (no need to dump 100k rules back).  Found by ID through a hash table
 * (slot + 1, 0 empty), rebuilt when it fills up or after a delete.
 */
static struct {
	struct vg_rule *v;
	size_t n, cap;
	uint32_t *h;
	size_t hcap;		/* power of 2, or 0: rebuild before use */
	bool complete;		/* a flush was sent: v is every rule */
} sent;

static size_t sent_slot(uint32_t id)
{
	size_t i = (id * 2654435761U) & (sent.hcap - 1);

	while (sent.h[i] && sent.v[sent.h[i] - 1].id != id)
		i = (i + 1) & (sent.hcap - 1);
	return i;
}

static bool sent_rehash(size_t want)
{
	size_t cap = 64, i;
	uint32_t *h;

	while (cap < 2 * want)
		cap *= 2;
	h = calloc(cap, sizeof(*h));
	if (!h)
		return false;
	free(sent.h);
	sent.h = h;
	sent.hcap = cap;
	for (i = 0; i < sent.n; i++)
		sent.h[sent_slot(sent.v[i].id)] = (uint32_t)i + 1;
	return true;
}

static void sent_rule(uint8_t cmd, const struct vg_rule *ru)
{
	size_t slot;

	if (cmd == VGATE_CMD_RULE_FLUSH) {
		sent.n = 0;
		sent.hcap = 0;
		sent.complete = true;
		return;
	}
	if ((!sent.hcap || 2 * (sent.n + 1) > sent.hcap) &&
	    !sent_rehash(sent.n + 1))
		return;
	slot = sent_slot(ru->id);
	if (sent.h[slot]) {
		size_t i = sent.h[slot] - 1;

		if (cmd == VGATE_CMD_RULE_DEL) {
			sent.v[i] = sent.v[--sent.n];
			sent.hcap = 0;		/* slots moved: rebuild */
		} else {
			sent.v[i] = *ru;
		}
		return;
	}
	if (cmd == VGATE_CMD_RULE_DEL)
		return;
	if (sent.n == sent.cap) {
		size_t cap = sent.cap ? sent.cap * 2 : 64;
		struct vg_rule *q = realloc(sent.v, cap * sizeof(*q));

		if (!q)
			return;
		sent.v = q;
		sent.cap = cap;
	}
	sent.v[sent.n] = *ru;
	sent.h[slot] = (uint32_t)++sent.n;
}

void cmd_forget(void)
{
	free(pm.v);
	memset(&pm, 0, sizeof(pm));
	free(sent.v);
	free(sent.h);
	memset(&sent, 0, sizeof(sent));
}

static int run_do(const struct cmd *c, struct vg_req *req)
{
	(void)c;
	return vg_nl_do(req);
}

struct warn_ctx {
	uint32_t only;
};

static void warn_shadow(const struct vg_rule *b, const struct vg_rule *a,
			const char *msg, void *arg)
{
	struct warn_ctx *w = arg;

	if (!w->only || w->only == a->id || w->only == b->id)
		fprintf(stderr, "warning: %s\n", msg);
}

static void warn_self(const struct vg_rule *ru, const struct vg_ifaddr *ifa,
		      const char *msg, void *arg)
{
	struct warn_ctx *w = arg;

	(void)ifa;
	if (!w->only || w->only == ru->id)
		fprintf(stderr, "warning: %s\n", msg);
}

/* check_shadow() gave up: say so instead of staying silent. */
static void shadow_note(int r, size_t n)
{
	if (r == -E2BIG)
		fprintf(stderr,
			"note: shadow check skipped (%zu rules): too many rules with overlapping selectors to compare\n",
			n);
}

void cmd_warn_rules(uint32_t only_id)
{
	struct warn_ctx w = { only_id };
	struct vg_rule *rules = NULL;
	struct vg_peer *peers = NULL;
	struct vg_ifaddr *ifs = NULL;
	size_t nr = 0, np = 0, ni = 0;
	bool saved = vg_err_quiet;

	if (vg_dry_run) {
		/* No kernel: the rules and peers this invocation sent. */
		shadow_note(check_shadow(sent.v, sent.n, pm.v, pm.n,
					 warn_shadow, &w), sent.n);
		if (!check_ifaddrs(&ifs, &ni))
			check_self(sent.v, sent.n, ifs, ni, warn_self, &w);
		free(ifs);
		return;
	}
	vg_err_quiet = true;	/* warnings are best effort */
	if (cmd_in_file && sent.complete) {
		/* Just committed, flush included: what we sent is all. */
		if (!vg_nl_dump_peers(&peers, &np)) {
			shadow_note(check_shadow(sent.v, sent.n, peers, np,
						 warn_shadow, &w), sent.n);
			if (!check_ifaddrs(&ifs, &ni))
				check_self(sent.v, sent.n, ifs, ni, warn_self,
					   &w);
		}
	} else if (!vg_nl_dump_rules(&rules, &nr) &&
		   !vg_nl_dump_peers(&peers, &np)) {
		shadow_note(check_shadow(rules, nr, peers, np, warn_shadow,
					 &w), nr);
		if (!check_ifaddrs(&ifs, &ni))
			check_self(rules, nr, ifs, ni, warn_self, &w);
	}
	vg_err_quiet = saved;
	free(rules);
	free(peers);
	free(ifs);
}

static int run_rule(const struct cmd *c, struct vg_req *req)
{
	int r;

	(void)c;
	r = vg_nl_do(req);
	if (r)
		return r;
	if (vg_dry_run || cmd_in_file)
		sent_rule(req->cmd, &req->rule);
	if (!cmd_in_file && (req->cmd == VGATE_CMD_RULE_NEW ||
			     req->cmd == VGATE_CMD_RULE_SET))
		cmd_warn_rules(req->rule.id);
	return 0;
}

int cmd_rule_batch(const struct vg_rule *const *rules, size_t n,
		   size_t *sent_n)
{
	size_t i;
	int r = vg_nl_rule_batch(rules, n, sent_n);

	if (r)
		return r;
	if (vg_dry_run || cmd_in_file)
		for (i = 0; i < *sent_n; i++)
			sent_rule(VGATE_CMD_RULE_NEW, rules[i]);
	return 0;
}

static int run_peer(const struct cmd *c, struct vg_req *req)
{
	struct vg_peer *p = &req->peer, *known;
	size_t i;
	int r;

	(void)c;
	if (req->flags & (VG_REQ_PEER_AUTO_ID | VG_REQ_PEER_BY_NAME)) {
		r = pm_load();
		if (r)
			return r;
	}
	if (req->flags & VG_REQ_PEER_AUTO_ID) {
		p->id = 0;
		for (i = 0; i < pm.n; i++)
			if (pm.v[i].id > p->id)
				p->id = pm.v[i].id;
		if (p->id == UINT32_MAX) {
			vg_err("peer ID: the highest is 4294967295, give id N");
			return -ERANGE;
		}
		p->id++;
		p->has |= VG_PEER_ID;
	}
	if (req->flags & VG_REQ_PEER_BY_NAME) {
		known = pm_find(p->name);
		if (!known && vg_dry_run) {
			/* No kernel to ask: a stand-in ID. */
			p->id = 1;
		} else if (!known) {
			vg_err("no peer named \"%s\"", p->name);
			return -ENOENT;
		} else {
			p->id = known->id;
		}
		p->has |= VG_PEER_ID;
		if (req->flags & VG_REQ_PEER_BLOCK && known) {
			/* PEER_SET replaces: resend the configuration. */
			static const uint32_t keep = VG_PEER_DESCR |
				VG_PEER_FAMILY | VG_PEER_ADDR | VG_PEER_HOSTNAME |
				VG_PEER_ADMIN | VG_PEER_VIRTUAL |
				VG_PEER_SPI_OUT | VG_PEER_SPI_IN | VG_PEER_PMTU |
				VG_PEER_IPCOMP;

			snprintf(p->descr, sizeof(p->descr), "%s", known->descr);
			snprintf(p->hostname, sizeof(p->hostname), "%s",
				 known->hostname);
			p->family = known->family;
			p->addr = known->addr;
			p->admin = known->admin;
			p->virt = known->virt;
			p->pmtu = known->pmtu;
			p->ipcomp = known->ipcomp;
			p->spi_out = known->spi_out;
			p->spi_in = known->spi_in;
			p->has |= known->has & keep;
		}
	}
	r = vg_nl_do(req);
	if (r)
		return r;
	switch (req->cmd) {
	case VGATE_CMD_PEER_NEW:
	case VGATE_CMD_PEER_SET:
		/*
		 * In a command file, later lines find this peer by name
		 * (the kernel's GET reads the running configuration, not
		 * the open transaction): load the known peers first.
		 */
		if (!pm.loaded && cmd_in_file && !vg_dry_run)
			pm_load();
		if (pm.loaded)
			pm_put(p);
		break;
	case VGATE_CMD_PEER_DEL:
		pm_del(p->name);
		break;
	case VGATE_CMD_PEER_FLUSH:
		pm.n = 0;
		pm.loaded = true;
		break;
	}
	if (req->cmd == VGATE_CMD_PEER_NEW && !pm.loaded && vg_dry_run) {
		pm.loaded = true;
		pm_put(p);
	}
	return 0;
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

	if (!strcmp(what, "sa"))
		return show_sa();
	if (!strcmp(what, "sad"))
		return show_sad();
	if (!strcmp(what, "rule"))
		return show_rule();
	if (!strcmp(what, "peer"))
		return show_peer(req->peer.has & VG_PEER_NAME ?
				 req->peer.name : NULL);
	if (!strcmp(what, "natt"))
		return show_natt();
	return show_global();
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

static int run_explain(const struct cmd *c, struct vg_req *req)
{
	struct vg_verdict v;
	int r;

	(void)c;
	r = vg_nl_explain(req, &v);
	if (r || vg_dry_run)
		return r;
	return show_explain(&req->flow, &v);
}

static int run_config(const struct cmd *c, struct vg_req *req)
{
	if (!strcmp(c->words[1], "save"))
		return config_save(req->arg);
	return config_print(stdout);
}

static void usage_commands(FILE *f);

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
		usage_commands(stdout);
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

/* ---- the table ---- */

#define CMD_SHELL_ONLY "\001"	/* help prefix marking shell-only commands */

static const struct cmd cmds[] = {
	{ { "ipsec", "sa", "add" }, sa_add_args, parse_sa, run_do,
	  "add a security association", VGATE_CMD_SA_NEW },
	{ { "ipsec", "sa", "set" }, sa_add_args, parse_sa, run_do,
	  "replace an existing security association", VGATE_CMD_SA_SET },
	{ { "ipsec", "sa", "del" }, sa_del_args, parse_sa_del, run_do,
	  "delete a security association", VGATE_CMD_SA_DEL },
	{ { "ipsec", "sa", "flush" }, no_args, parse_none, run_do,
	  "delete every security association", VGATE_CMD_SA_FLUSH },
	{ { "ipsec", "peer", "add" }, peer_add_args, parse_peer, run_peer,
	  "add a peer (remote gateway with a traffic list, or virtual interface)",
	  VGATE_CMD_PEER_NEW },
	{ { "ipsec", "peer", "set" }, peer_add_args, parse_peer, run_peer,
	  "replace a peer's settings (its traffic list stays)",
	  VGATE_CMD_PEER_SET },
	{ { "ipsec", "peer", "del" }, peer_name_args, parse_peer_name_only,
	  run_peer, "delete a peer whose traffic list is empty",
	  VGATE_CMD_PEER_DEL },
	{ { "ipsec", "peer", "flush" }, no_args, parse_none, run_peer,
	  "delete every peer (after ipsec rule flush)", VGATE_CMD_PEER_FLUSH },
	{ { "ipsec", "peer", "block" }, peer_block_args, parse_peer_block,
	  run_peer, "block a peer for SECONDS (as a keying daemon does)",
	  VGATE_CMD_PEER_SET },
	{ { "ipsec", "rule", "add" }, rule_add_args, parse_rule, run_rule,
	  "add a rule: pre, peer NAME (traffic list entry) or post",
	  VGATE_CMD_RULE_NEW },
	{ { "ipsec", "rule", "set" }, rule_add_args, parse_rule, run_rule,
	  "replace the rule with that ID", VGATE_CMD_RULE_SET },
	{ { "ipsec", "rule", "del" }, rule_del_args, parse_rule_del, run_rule,
	  "delete a rule", VGATE_CMD_RULE_DEL },
	{ { "ipsec", "rule", "flush" }, no_args, parse_none, run_rule,
	  "delete every rule", VGATE_CMD_RULE_FLUSH },
	{ { "ipsec", "explain" }, explain_args, parse_explain, run_explain,
	  "which rule a packet would hit, and why", VGATE_CMD_EXPLAIN },
	{ { "ipsec", "show", "sa" }, no_args, parse_none, run_show,
	  "SA bundles: each protect entry with its SA pair and counters", 0 },

	{ { "ipsec", "show", "sad" }, no_args, parse_none, run_show,
	  "every security association with its counters", 0 },

	{ { "ipsec", "show", "rule" }, no_args, parse_none, run_show,
	  "the policy in evaluation order: pre rules, peers' traffic lists, post rules", 0 },

	{ { "ipsec", "show", "peer" }, show_peer_args, parse_peer_name_only,
	  run_show, "peers with their status", 0 },

	{ { "ipsec", "show", "global" }, no_args, parse_none, run_show,
	  "global statistics and drop reasons", 0 },

	{ { "ipsec", "show", "natt" }, no_args, parse_none, run_show,
	  "the NAT-T socket, the keepalive interval and the NAT-T counters", 0 },

	{ { "ipsec", "natt", "socket" }, natt_socket_args, parse_natt_socket,
	  run_do, "let vgate open its own NAT-T socket (no IKE daemon)",
	  VGATE_CMD_ENCAP_SOCK_SET },
	{ { "ipsec", "natt", "release" }, no_args, parse_none, run_do,
	  "let go of the NAT-T socket (before an IKE daemon takes the port)",
	  VGATE_CMD_ENCAP_SOCK_DEL },
	{ { "ipsec", "nattKeepalive" }, nattka_args, parse_knob, run_knob,
	  "seconds of silence before a UDP-encapsulated SA sends a NAT keepalive (knob)",
	  0 },

	{ { "ipsec", "replayWindow" }, replay_args, parse_knob, run_knob,
	  "default replay window for new SAs (knob)", 0 },

	{ { "ipsec", "maxSas" }, maxsas_args, parse_knob, run_knob,
	  "SAD size limit (knob)", 0 },

	{ { "ipsec", "dropLog" }, droplog_args, parse_knob, run_knob,
	  "log drops to the kernel log (knob)", 0 },

	{ { "ipsec", "swSkipOverlapIp" }, swskip_args, parse_knob, run_knob,
	  "overlap skip: route in the clear what lies in a protect entry's local range (knob)", 0 },

	{ { "ipsec", "postDefault" }, postdef_args, parse_knob, run_knob,
	  "pass or drop what no rule matches (knob)", 0 },

	{ { "ipsec", "acquireTimeout" }, acqtime_args, parse_knob, run_knob,
	  "seconds held packets wait for a negotiated SA (knob)", 0 },

	{ { "ipsec", "acquireQueue" }, acqqueue_args, parse_knob, run_knob,
	  "packets held per dynamic entry while an SA is negotiated (knob)", 0 },

	{ { "ip", "arp", "ackGratuitous", "active" }, ga_active_args,
	  parse_garp, run_garp,
	  "gratuitous ARP: verify, then apply (yes), or never change the ARP table (no, default)",
	  0 },

	{ { "ip", "arp", "ackGratuitous", "forceUpdate" }, ga_force_args,
	  parse_garp, run_garp,
	  "with active yes: also change an existing entry's MAC (default off)", 0 },

	{ { "ip", "arp", "ackGratuitous", "rateLimit" }, ga_rate_args,
	  parse_garp, run_garp,
	  "gratuitous ARPs considered per second and interface (default "
	  VG_STR(VGATE_GARP_RATE_LIMIT_DEFAULT) ")", 0 },

	{ { "ip", "arp", "ackGratuitous", "verifyTimeout" }, ga_verify_args,
	  parse_garp, run_garp,
	  "ms to wait for the replies verifying an announcement (default "
	  VG_STR(VGATE_GARP_VERIFY_TIMEOUT_DEFAULT) ")", 0 },

	{ { "ip", "arp", "ackGratuitous", "interface", W_IF, "active" },
	  gi_active_args, parse_garp, run_garp,
	  "this interface's active (override, or inherit the global one)", 0 },

	{ { "ip", "arp", "ackGratuitous", "interface", W_IF, "forceUpdate" },
	  gi_force_args, parse_garp, run_garp,
	  "this interface's forceUpdate (override, or inherit the global one)", 0 },

	{ { "ip", "arp", "ackGratuitous", "interface", W_IF, "rateLimit" },
	  gi_rate_args, parse_garp, run_garp,
	  "this interface's rateLimit (override, or inherit the global one)", 0 },

	{ { "ip", "arp", "show" }, garp_show_args, parse_garp_show, run_garp,
	  "gratuitous-ARP policy, verifications running, per-interface counters",
	  0 },

	{ { "bm", "interface", W_IF, "enable" }, bwm_if_enable_args, bwm_parse,
	  bwm_run, "shape IF: its total bandwidth, the mode, packet overhead", 0 },

	{ { "bm", "interface", W_IF, "disable" }, bwm_no_args, bwm_parse,
	  bwm_run, "stop shaping IF: its classes and filters go, its previous qdisc is back",
	  0 },

	{ { "bm", "class", W_IF, "add" }, bwm_class_add_args, bwm_parse, bwm_run,
	  "add a class: guaranteed bandwidth, parent, priority, borrowing, ceiling",
	  0 },

	{ { "bm", "class", W_IF, "set" }, bwm_class_set_args, bwm_parse, bwm_run,
	  "change a class", 0 },

	{ { "bm", "class", W_IF, "del" }, bwm_id_args, bwm_parse, bwm_run,
	  "delete a class (no subclasses, no filters naming it)", 0 },

	{ { "bm", "filter", W_IF, "add" }, bwm_filter_add_args, bwm_parse,
	  bwm_run, "add a filter: which packets go to a class", 0 },

	{ { "bm", "filter", W_IF, "del" }, bwm_id_args, bwm_parse, bwm_run,
	  "delete a filter", 0 },

	{ { "bm", "show", "interface" }, bwm_show_if_args, bwm_parse, bwm_run,
	  "shaped interfaces: settings and totals", 0 },

	{ { "bm", "show", "class" }, bwm_show_args, bwm_parse, bwm_run,
	  "classes of an interface with their statistics", 0 },

	{ { "bm", "show", "filter" }, bwm_show_args, bwm_parse, bwm_run,
	  "filters of an interface with their match counts", 0 },

	{ { "config", "save" }, file_args, parse_file, run_config,
	  "write the running configuration as commands for vgate -f", 0 },

	{ { "config", "show" }, no_args, parse_file, run_config,
	  "print the running configuration as commands for vgate -f", 0 },

	{ { "help" }, no_args, parse_none, run_help, "list commands", 0 },

	{ { "quit" }, no_args, parse_none, run_quit,
	  CMD_SHELL_ONLY "leave the shell", 0 },

	{ { "exit" }, no_args, parse_none, run_quit,
	  CMD_SHELL_ONLY "leave the shell", 0 },
};

static const struct {
	const char *word, *help;
} groups[] = {
	{ "ipsec", "IPsec SAs, peers, rules, statistics and knobs" },
	{ "sa", "security associations (SAD)" },
	{ "natt", "NAT traversal: the UDP socket ESP-in-UDP arrives on" },
	{ "peer", "peers: remote gateways with traffic lists" },
	{ "rule", "rules: pre, traffic list entries, post" },
	{ "show", "show state and counters" },
	{ "config", "save or print the running configuration" },
	{ "ip", "IP: the ARP policy (vgate_garp)" },
	{ "arp", "ARP: the gratuitous-ARP policy and its counters" },
	{ "ackGratuitous", "whether and how gratuitous ARPs change the ARP table" },
	{ "interface", "one interface's settings (override the global ones)" },
	{ "bm", "bandwidth manager (vgate_bwm): interfaces, classes, filters" },
	{ "class", "bandwidth classes of an interface" },
	{ "filter", "filters putting packets into classes" },
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
		if (!word_match(c->words[i], argv[i]))
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
static const struct cmd *lookup_words(int argc, char **argv, bool quiet);

/*
 * The command named by the first words of argv.  The last one found is
 * tried first (command files repeat the same command thousands of times):
 * which command the words name depends on those words only, and on
 * whether it is visible (quit and exit in the shell only).
 */
static const struct cmd *lookup(int argc, char **argv, bool quiet)
{
	static const struct cmd *last;
	const struct cmd *c = last;
	int n, i;

	if (c && visible(c)) {
		n = nwords(c);
		for (i = 0; i < n && i < argc; i++)
			if (!word_match(c->words[i], argv[i]))
				break;
		if (i == n)
			return c;
	}
	c = lookup_words(argc, argv, quiet);
	if (c)
		last = c;
	return c;
}

static const struct cmd *lookup_words(int argc, char **argv, bool quiet)
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
			if (!quiet) {
				join(name, sizeof(name), nwords(c),
				     (char **)c->words);
				vg_err("unknown keyword \"%s\" for \"%s\"",
				       argv[i], name);
			}
			return -EINVAL;
		}
		if (v->val[a]) {
			if (!quiet)
				vg_err("bad keyword \"%s\" (given twice)", argv[i]);
			return -EINVAL;
		}
		if (c->args[a].flags & ARG_FLAG) {
			v->val[a] = c->args[a].kw;
			continue;
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

	for (a = 0; c->args[a].meta; a++) {
		if (!(c->args[a].flags & ARG_REQ) || v->val[a])
			continue;
		join(name, sizeof(name), nwords(c), (char **)c->words);
		if (c->args[a].kw)
			vg_err("missing \"%s %s\" for \"%s\"", c->args[a].kw,
			       c->args[a].meta, name);
		else
			vg_err("missing %s for \"%s\"", c->args[a].meta, name);
		return -EINVAL;
	}
	return 0;
}

int cmd_parse(int argc, char **argv, const struct cmd **cp,
	      struct vg_req *req)
{
	const struct cmd *c;
	struct cmd_vals v;
	int i, n, r, pending;

	*cp = NULL;
	if (argc == 0)
		return 0;
	c = lookup(argc, argv, false);
	if (!c)
		return EXIT_USAGE;
	n = nwords(c);
	/* Not the whole of arg[] (4 KB), for 100k-line files. */
	memset(req, 0, offsetof(struct vg_req, arg));
	req->arg[0] = '\0';
	/* Value words come first: check them first. */
	for (i = 0, r = 0; i < n && !r; i++) {
		const struct cmd_arg *wa = word_arg(c->words[i]);

		if (wa && wa->valid)
			r = wa->valid(wa, argv[i]);
	}
	if (!r)
		r = assign(c, argc - n, argv + n, &v, false, &pending);
	for (i = 0; i < n; i++)
		v.word[i] = argv[i];
	if (!r)
		r = check_required(c, &v);
	if (!r)
		r = c->parse(c, &v, req);
	if (r) {
		explicit_bzero(req, sizeof(*req));
		return EXIT_USAGE;
	}
	*cp = c;
	return 0;
}

int cmd_exec(const struct cmd *c, struct vg_req *req)
{
	if (!c)
		return 0;
	return c->run(c, req) ? EXIT_KERNEL : 0;
}

bool cmd_is_config(const struct vg_req *req)
{
	switch (req->cmd) {
	case VGATE_CMD_RULE_NEW:
	case VGATE_CMD_RULE_SET:
	case VGATE_CMD_RULE_DEL:
	case VGATE_CMD_RULE_FLUSH:
	case VGATE_CMD_PEER_NEW:
	case VGATE_CMD_PEER_SET:
	case VGATE_CMD_PEER_DEL:
	case VGATE_CMD_PEER_FLUSH:
	case VGATE_CMD_CONFIG_SET:
		return true;
	}
	return false;
}

struct help_probe {
	bool literal_help;	/* "help" is itself a word that may follow */
	bool value;		/* a value may follow: "help" would be one */
};

static void help_probe_one(const char *word, const char *help, bool literal,
			   void *arg)
{
	struct help_probe *p = arg;

	(void)help;
	if (literal && !strcmp(word, "help"))
		p->literal_help = true;
	else if (!literal && strcmp(word, "<Enter>"))
		p->value = true;
}

/*
 * "vgate COMMAND... help" as "vgate COMMAND... ?": a last word "help"
 * where nothing but keywords (or the end) may come, so that "help" can be
 * neither a keyword nor a value there: "ipsec help", "bm class eth0 help",
 * "ipsec sa add 0x1000 help", but not "ipsec peer del help" (a peer named
 * help) nor "help" alone (the command).  Words before it that are already
 * wrong are left to the parser, which names the bad one.
 */
static bool help_word(int argc, char **argv)
{
	struct help_probe p = { false, false };

	if (argc < 2 || strcmp(argv[argc - 1], "help"))
		return false;
	if (!cmd_next(argc - 1, argv, help_probe_one, &p))
		return false;
	return !p.literal_help && !p.value;
}

int cmd_run(int argc, char **argv)
{
	const struct cmd *c;
	struct vg_req *req = malloc(sizeof(*req));
	int i, ret;

	if (!req) {
		vg_err("out of memory");
		return EXIT_KERNEL;
	}
	/*
	 * A "?" word asks what may follow the words before it.  Only here,
	 * for what a person types: in a command file "?" is a value like
	 * any other (config save writes a description "?" as "?").
	 */
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "?")) {
			cmd_help_next(stdout, i, argv);
			free(req);
			return 0;
		}
	}
	if (help_word(argc, argv)) {
		cmd_help_next(stdout, argc - 1, argv);
		free(req);
		return 0;
	}
	ret = cmd_parse(argc, argv, &c, req);
	if (!ret)
		ret = cmd_exec(c, req);
	explicit_bzero(req, sizeof(*req));
	free(req);
	return ret;
}

/* Peer names for TAB (a quiet dump; nothing in dry-run). */
static int complete_peers(void (*fn)(const char *word, const char *help,
				     bool literal, void *arg),
			  void *arg)
{
	struct vg_peer *peers = NULL;
	size_t n = 0, i;
	bool saved = vg_err_quiet;
	int count = 0;

	if (vg_dry_run)
		return 0;
	vg_err_quiet = true;
	if (!vg_nl_dump_peers(&peers, &n))
		for (i = 0; i < n; i++, count++)
			fn(peers[i].name, peers[i].descr[0] ? peers[i].descr :
			   "peer", true, arg);
	vg_err_quiet = saved;
	free(peers);
	return count;
}

/*
 * Interface names for TAB: the Ethernet interfaces of this namespace
 * (what the gratuitous-ARP policy applies to; any whose type cannot be
 * read is listed too).
 */
static int complete_ifaces(void (*fn)(const char *word, const char *help,
				      bool literal, void *arg),
			   void *arg)
{
	struct if_nameindex *ifs = if_nameindex(), *p;
	char path[64], type[16];
	int count = 0;

	if (!ifs)
		return 0;
	for (p = ifs; p->if_index; p++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/class/net/%s/type",
			 p->if_name);
		f = fopen(path, "r");
		if (f) {
			bool ether = fgets(type, sizeof(type), f) &&
				     atoi(type) == 1;	/* ARPHRD_ETHER */

			fclose(f);
			if (!ether)
				continue;
		}
		fn(p->if_name, "interface", true, arg);
		count++;
	}
	if_freenameindex(ifs);
	return count;
}

/* One-line help for a fixed value. */
static const char *choice_help(const struct cmd_arg *ca, const char *v)
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
		if (word_arg(w)) {
			const struct cmd_arg *wa = word_arg(w);

			if (wa->flags & ARG_IFACE)
				count += complete_ifaces(fn, arg);
			snprintf(ph, sizeof(ph), "<%s>", wa->meta);
			fn(ph, wa->help, false, arg);
			count++;
			continue;
		}
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
		if (ca->flags & ARG_PEER)
			count += complete_peers(fn, arg);
		if (ca->flags & ARG_IFACE)
			count += complete_ifaces(fn, arg);
		if (!ca->choices || (ca->flags & ARG_OPEN) ||
		    strcmp(ca->meta, "PROTO") == 0 ||
		    strcmp(ca->meta, "RANGE") == 0) {
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
		if (ca->flags & ARG_PEER)
			count += complete_peers(fn, arg);
		if (ca->flags & ARG_IFACE)
			count += complete_ifaces(fn, arg);
		if (!ca->choices || (ca->flags & ARG_OPEN)) {
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

		if (!ca->kw || v.val[a] || (ca->flags & ARG_HIDDEN))
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

		if (ca->flags & ARG_HIDDEN)
			continue;
		fputc(' ', f);
		if (opt)
			fputc('[', f);
		if (ca->flags & ARG_FLAG) {
			fputs(ca->kw, f);
			if (opt)
				fputc(']', f);
			continue;
		}
		if (ca->kw)
			fprintf(f, "%s ", ca->kw);
		if (ca->choices && !(ca->flags & ARG_OPEN) &&
		    strcmp(ca->meta, "RANGE") &&
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
	fprintf(f, "Usage: vgate [-j] [-f FILE] [COMMAND...]\n"
		   "  no COMMAND and no -f: interactive shell (TAB completes, ? helps)\n"
		   "  -j       JSON output for show commands\n"
		   "  -f FILE  apply a command file, one command per line\n"
		   "  -V       print the version (--version)\n\n");
	usage_commands(f);
}

/* The commands part of the usage: every command, then the value words. */
static void usage_commands(FILE *f)
{
	size_t i;

	fprintf(f, "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		char name[64];

		if (!visible(&cmds[i]))
			continue;
		join(name, sizeof(name), nwords(&cmds[i]), (char **)cmds[i].words);
		fprintf(f, "  %s", name);
		usage_args(f, &cmds[i]);
		fprintf(f, "\n      %s\n", help_text(&cmds[i]));
	}
	fprintf(f, "\nENC:   null aes128-cbc aes192-cbc aes256-cbc aes128-gcm aes256-gcm\n"
		   "       chacha20-poly1305 3des-cbc\n"
		   "AUTH:  none hmac-sha1 hmac-sha256 hmac-sha384 hmac-sha512\n"
		   "PROTO: tcp udp icmp icmpv6 sctp udplite 0..255 any dont-verify\n"
		   "RANGE: any | ADDR | ADDR/PLEN | ADDR-ADDR (IPv4 or IPv6)\n"
		   "STATUS: up down dialup\n");
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Words are separated by white space; "double quotes" keep spaces and '#'
 * in a word, \" and \\ inside them stand for " and \.  A '#' at the start
 * of a word starts a comment.
 */
int cmd_split(char *line, char **argv, int max)
{
	int n = 0;
	char *p = line, *o;

	for (;;) {
		bool more;

		while (is_space(*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (n == max)
			return -E2BIG;
		argv[n++] = o = p;
		while (*p && !is_space(*p)) {
			if (*p != '"') {
				*o++ = *p++;
				continue;
			}
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*o++ = *p++;
			}
			if (*p == '"')
				p++;
		}
		more = *p != '\0';
		*o = '\0';
		if (more)
			p++;
	}
	return n;
}

/*
 * Every command the one-shot CLI knows, in table order (vgate complete
 * --commands, the documentation tests).  Only public fields of struct
 * cmd are for fn: words[] (a value word reads as its placeholder, "IF").
 */
void cmd_foreach(void (*fn)(const struct cmd *c, void *arg), void *arg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (visible(&cmds[i]))
			fn(&cmds[i], arg);
}
