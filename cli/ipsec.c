// SPDX-License-Identifier: GPL-2.0
/*
 * The "ipsec ..." commands: SAs, rules, peers, knobs, the NAT-T socket,
 * explain and the show views.  Parsing fills a struct vg_req and never
 * talks to netlink; running hands the request to nl.c or show.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netdb.h>

#include "check.h"
#include "cmd.h"
#include "config.h"
#include "ike.h"
#include "names.h"
#include "parse.h"
#include "show.h"
#include "values.h"

/* ---- value vocabularies (the library's tables: names.h) ---- */

static const char *const sa_proto_choices[] = {
	"esp", "ah", "comp", NULL
};
static const char *const comp_choices[] = { "deflate", NULL };
static const char *const ipcomp_choices[] = {
	"accept", "no", "force", NULL
};
static const char *const encap_choices[] = { "udp", NULL };
static const char *const admin_choices[] = { "up", "down", "dialup", NULL };
static const char *const family_choices[] = { "ipv4", "ipv6", NULL };
static const char *const passdrop_choices[] = { "pass", "drop", NULL };
static const char *const action_choices[] = {
	"pass", "drop", "protect", NULL
};
static const char *const any_choices[] = { "any", NULL };
static const char *const none_choices[] = { "none", NULL };

/* The values of a set that clear a field: SPIs and CPIs none, ports any. */
static bool is_none(const char *s)
{
	return !strcmp(s, "none");
}

static int v_spi_none(const struct cmd_arg *a, const char *s)
{
	return is_none(s) ? 0 : v_spi(a, s);
}

static int v_cpi_none(const struct cmd_arg *a, const char *s)
{
	return is_none(s) ? 0 : v_cpi(a, s);
}

static int v_ports_any(const struct cmd_arg *a, const char *s)
{
	return strcmp(s, "any") ? v_ports(a, s) : 0;
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

/*
 * rule add and rule set take the same words; set changes only those
 * given (none required), and clears with none (SPIs, CPIs), any (ports)
 * and descr "".
 */
#define RULE_ARGS(act_req, act_help, v_sp, v_cp, v_pt, sp_ch, pt_ch, clr) \
	[RU_ID] = { NULL, "ID", NULL,					\
		    "rule number 1..4294967295, unique across all stages", \
		    ARG_POS | ARG_REQ, v_id },				\
	[RU_PRE] = { "pre", "pre", NULL,				\
		     "pre IPsec rule: pass or drop before any peer (default without peer)", \
		     ARG_FLAG, NULL },					\
	[RU_PEER] = { "peer", "NAME", NULL,				\
		      "entry of this peer's traffic list (pass, drop or protect)", \
		      ARG_PEER, v_peer_name },				\
	[RU_POST] = { "post", "post", NULL,				\
		      "post IPsec rule: pass or drop after every peer",	\
		      ARG_FLAG, NULL },					\
	[RU_DESCR] = { "descr", "TEXT", NULL,				\
		       "description (quote it if it has spaces)" clr(", \"\": none"), \
		       0, v_descr },					\
	[RU_FAMILY] = { "family", "FAMILY", family_choices,		\
			"ipv4 or ipv6 (default: from the addresses, else ipv4)", \
			0, v_choice },					\
	[RU_LOCAL] = { "local", "RANGE", any_choices,			\
		       "local side: any, ADDR, ADDR/PLEN or ADDR-ADDR (default any)", \
		       0, v_range },					\
	[RU_REMOTE] = { "remote", "RANGE", any_choices,			\
			"remote side: any, ADDR, ADDR/PLEN or ADDR-ADDR (default any)", \
			0, v_range },					\
	[RU_PROTO] = { "proto", "PROTO", rule_proto_choices,		\
		       "IP protocol: name, 0..255, any or dont-verify (default any)", \
		       0, v_proto },					\
	[RU_LPORT] = { "lport", "PORT[-PORT]", pt_ch,			\
		       "local port or range (tcp, udp, udplite, sctp only)" clr("; any: none"), \
		       0, v_pt },					\
	[RU_RPORT] = { "rport", "PORT[-PORT]", pt_ch,			\
		       "remote port or range (tcp, udp, udplite, sctp only)" clr("; any: none"), \
		       0, v_pt },					\
	[RU_ACTION] = { "action", "ACTION", action_choices, act_help,	\
			act_req, v_choice },				\
	[RU_SPI_OUT] = { "spiOut", "SPI", sp_ch,			\
			 "outbound SA (protect; without spiOut/spiIn the entry is dynamic: ACQUIRE)" clr("; none: dynamic"), \
			 0, v_sp },					\
	[RU_SPI_IN] = { "spiIn", "SPI", sp_ch,				\
			"inbound SA (protect, with spiOut)" clr("; none: dynamic"), \
			0, v_sp },					\
	[RU_AH_SPI_OUT] = { "ahSpiOut", "SPI", sp_ch,			\
			    "outbound AH SA (protect; alone: AH only, with spiOut: AH+ESP bundle)" clr("; none: no AH"), \
			    0, v_sp },					\
	[RU_AH_SPI_IN] = { "ahSpiIn", "SPI", sp_ch,			\
			   "inbound AH SA (protect, with ahSpiOut)" clr("; none: no AH"), \
			   0, v_sp },					\
	[RU_SELF] = { "selfTraffic", "on|off", onoff_choices,		\
		      "also capture the gateway's own traffic with attached hosts (default off)", \
		      0, v_choice },					\
	[RU_CPI_OUT] = { "cpiOut", "CPI", sp_ch,			\
			 "outbound IPComp SA, 256..65535 (protect, with spiOut): compress, then ESP" clr("; none: no IPComp"), \
			 0, v_cp },					\
	[RU_CPI_IN] = { "cpiIn", "CPI", sp_ch,				\
			"inbound IPComp SA (protect, with cpiOut)" clr("; none: no IPComp"), \
			0, v_cp },					\
	{ 0 }

#define RULE_ADD_HELP(s)
#define RULE_SET_HELP(s) s

static const struct cmd_arg rule_add_args[RU_NARGS + 1] = {
	RULE_ARGS(ARG_REQ,
		  "pass (clear), drop, or protect (traffic list entries only)",
		  v_spi, v_cpi, v_ports, NULL, NULL, RULE_ADD_HELP)
};

static const struct cmd_arg rule_set_args[RU_NARGS + 1] = {
	RULE_ARGS(0,
		  "pass (clear), drop, or protect (traffic list entries only); SPIs and CPIs need protect",
		  v_spi_none, v_cpi_none, v_ports_any, none_choices,
		  any_choices, RULE_SET_HELP)
};

static const struct cmd_arg rule_del_args[] = {
	{ NULL, "ID", NULL, "rule number", ARG_POS | ARG_REQ, v_id },
	{ 0 },
};

enum {
	PE_NAME, PE_ID, PE_ADDR, PE_HOSTNAME, PE_DESCR, PE_ADMIN, PE_VIRTUAL,
	PE_SPI_OUT, PE_SPI_IN, PE_PMTU, PE_IPCOMP, PE_NARGS
};

/* peer add and peer set: as the rule's (set: none required, none clears). */
#define PEER_ARGS(addr_req, v_sp, sp_ch, clr)				\
	[PE_NAME] = { NULL, "NAME", NULL,				\
		      "peer name: 1..31 of A-Z a-z 0-9 _ . -", ARG_POS | ARG_REQ, \
		      v_peer_name },					\
	[PE_ID] = { "id", "N", NULL,					\
		    "peer ID 1..4294967295, evaluation order (default: highest + 1)" clr("; cannot change"), \
		    0, v_peer_id },					\
	[PE_ADDR] = { "addr", "ADDR|HOSTNAME", NULL,			\
		      "the peer gateway's IPv4 or IPv6 address or host name", \
		      addr_req, v_host },				\
	[PE_HOSTNAME] = { "hostname", "HOSTNAME", NULL,			\
			  "with addr ADDR: the host name ADDR was resolved from, kept for show and config save, not resolved again", \
			  0, v_host },					\
	[PE_DESCR] = { "descr", "TEXT", NULL,				\
		       "description (quote it if it has spaces)" clr(", \"\": none"), \
		       0, v_descr },					\
	[PE_ADMIN] = { "admin", "STATUS", admin_choices,		\
		       "up (default), down (entries skipped) or dialup", 0, v_choice }, \
	[PE_VIRTUAL] = { "virtual", "yes|no", yesno_choices,		\
			 "route-based interface vgateN instead of a traffic list (default no)", \
			 0, v_choice },					\
	[PE_SPI_OUT] = { "spiOut", "SPI", sp_ch,			\
			 "outbound SA of the virtual interface (virtual yes)" clr("; none: no SA"), \
			 0, v_sp },					\
	[PE_SPI_IN] = { "spiIn", "SPI", sp_ch,				\
			"inbound SA of the virtual interface (virtual yes)" clr("; none: no SA"), \
			0, v_sp },					\
	[PE_PMTU] = { "propagatePmtu", "on|off", onoff_choices,		\
		      "on: tunnelled packets must fit the learnt path MTU to the peer; off (default): the interface MTU", \
		      0, v_choice },					\
	[PE_IPCOMP] = { "ipcomp", "accept|no|force", ipcomp_choices,	\
			"IPComp of the peer's SA bundles: accept (default: when an entry names CPIs), no, force", \
			0, v_choice },					\
	{ 0 }

static const struct cmd_arg peer_add_args[PE_NARGS + 1] = {
	PEER_ARGS(ARG_REQ, v_spi, NULL, RULE_ADD_HELP)
};

static const struct cmd_arg peer_set_args[PE_NARGS + 1] = {
	PEER_ARGS(0, v_spi_none, none_choices, RULE_SET_HELP)
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

/*
 * The SAs of a protect entry: ESP, AH and IPComp, each a pair.  "rule
 * set" takes none for a cleared one.
 */
static const struct {
	int out, in;			/* RU_x */
	uint32_t out_bit, in_bit;	/* VG_RULE_x */
	bool cpi;
} rule_sas[] = {
	{ RU_SPI_OUT, RU_SPI_IN, VG_RULE_SPI_OUT, VG_RULE_SPI_IN, false },
	{ RU_AH_SPI_OUT, RU_AH_SPI_IN, VG_RULE_AH_SPI_OUT, VG_RULE_AH_SPI_IN,
	  false },
	{ RU_CPI_OUT, RU_CPI_IN, VG_RULE_CPI_OUT, VG_RULE_CPI_IN, true },
};

/* The member of a rule an SA word sets. */
static uint32_t *rule_sa_u32(struct vg_rule *ru, int idx)
{
	switch (idx) {
	case RU_SPI_OUT:
		return &ru->spi_out;
	case RU_SPI_IN:
		return &ru->spi_in;
	case RU_AH_SPI_OUT:
		return &ru->ah_spi_out;
	default:
		return &ru->ah_spi_in;
	}
}

static uint32_t rule_sa_get(const struct vg_rule *ru, int idx)
{
	if (idx == RU_CPI_OUT)
		return ru->cpi_out;
	if (idx == RU_CPI_IN)
		return ru->cpi_in;
	return *rule_sa_u32((struct vg_rule *)ru, idx);
}

/* One SA word's value into ru (a set's none: given, absent). */
static int parse_rule_sa(const char *const *val, int idx, uint32_t bit,
			 bool cpi, struct vg_rule *ru, uint32_t *given)
{
	const char *kw = rule_add_args[idx].kw;
	uint32_t v;
	int r;

	*given |= bit;
	if (is_none(val[idx]))
		return 0;
	r = cpi ? parse_cpi(kw, val[idx], &v) : parse_spi(kw, val[idx], &v);
	if (r)
		return r;
	if (idx == RU_CPI_OUT)
		ru->cpi_out = v;
	else if (idx == RU_CPI_IN)
		ru->cpi_in = v;
	else
		*rule_sa_u32(ru, idx) = v;
	ru->has |= bit;
	return 0;
}

/*
 * rule set: SA words go in as given (none: cleared); whether they fit
 * the action and each other is checked on the rule they make
 * (rule_check_set()), except against an action given with them.
 */
static int parse_rule_set_sas(const char *const *val, struct vg_rule *ru,
			      uint32_t *given)
{
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(rule_sas); i++) {
		const int idx[2] = { rule_sas[i].out, rule_sas[i].in };
		const uint32_t bit[2] = { rule_sas[i].out_bit,
					  rule_sas[i].in_bit };
		int k;

		for (k = 0; k < 2; k++) {
			if (!val[idx[k]])
				continue;
			if ((ru->has & VG_RULE_ACTION) &&
			    ru->action != VGATE_ACTION_PROTECT &&
			    !is_none(val[idx[k]])) {
				vg_err("bad %s \"%s\" (only with action protect)",
				       rule_add_args[idx[k]].kw, val[idx[k]]);
				return -EINVAL;
			}
			r = parse_rule_sa(val, idx[k], bit[k], rule_sas[i].cpi,
					  ru, given);
			if (r)
				return r;
		}
	}
	return 0;
}

/* rule add: the SAs of a protect entry, each pair whole. */
static int parse_rule_add_sas(const char *const *val, struct vg_rule *ru)
{
	uint32_t given = 0;
	int r;

	if (!!val[RU_SPI_OUT] != !!val[RU_SPI_IN]) {
		vg_err("missing %s (spiOut and spiIn go together; without both the entry is dynamic)",
		       val[RU_SPI_OUT] ? "spiIn" : "spiOut");
		return -EINVAL;
	}
	if (val[RU_SPI_OUT]) {
		r = parse_rule_sa(val, RU_SPI_OUT, VG_RULE_SPI_OUT, false, ru,
				  &given);
		if (!r)
			r = parse_rule_sa(val, RU_SPI_IN, VG_RULE_SPI_IN, false,
					  ru, &given);
		if (r)
			return r;
	}
	if (!!val[RU_AH_SPI_OUT] != !!val[RU_AH_SPI_IN]) {
		vg_err("missing %s (ahSpiOut and ahSpiIn go together)",
		       val[RU_AH_SPI_OUT] ? "ahSpiIn" : "ahSpiOut");
		return -EINVAL;
	}
	if (val[RU_AH_SPI_OUT]) {
		r = parse_rule_sa(val, RU_AH_SPI_OUT, VG_RULE_AH_SPI_OUT, false,
				  ru, &given);
		if (!r)
			r = parse_rule_sa(val, RU_AH_SPI_IN, VG_RULE_AH_SPI_IN,
					  false, ru, &given);
		if (r)
			return r;
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
		r = parse_rule_sa(val, RU_CPI_OUT, VG_RULE_CPI_OUT, true, ru,
				  &given);
		if (!r)
			r = parse_rule_sa(val, RU_CPI_IN, VG_RULE_CPI_IN, true,
					  ru, &given);
		if (r)
			return r;
	}
	return 0;
}

/* Stage: pre, peer NAME or post (add: pre by default). */
static int parse_rule_stage(const char *const *val, struct vg_rule *ru,
			    bool set, uint32_t *given, const char **stage_tok)
{
	int r, nstage = 0;

	ru->stage = VGATE_STAGE_PRE;
	if (val[RU_PRE]) {
		nstage++;
		*stage_tok = "pre";
	}
	if (val[RU_PEER]) {
		nstage++;
		*stage_tok = "peer";
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
		*stage_tok = "post";
		ru->stage = VGATE_STAGE_POST;
	}
	if (nstage > 1) {
		vg_err("bad stage \"%s\" (give one of pre, peer NAME or post)",
		       *stage_tok);
		return -EINVAL;
	}
	if (val[RU_PRE])
		ru->stage = VGATE_STAGE_PRE;
	if (set && !nstage)
		return 0;	/* kept */
	ru->has |= VG_RULE_STAGE;
	*given |= VG_RULE_STAGE | VG_RULE_PEER_NAME;
	return 0;
}

/* local, remote, family (add: ipv4 without addresses). */
static int parse_rule_family(const char *const *val, struct vg_rule *ru,
			     bool set, uint32_t *given)
{
	const char *ftok = NULL;
	int r;

	if (val[RU_LOCAL]) {
		r = parse_range("local", val[RU_LOCAL], &ru->local);
		if (!r)
			r = rule_family("local", val[RU_LOCAL], &ru->family,
					&ftok, &ru->local);
		if (r)
			return r;
		*given |= VG_RULE_LOCAL;
	}
	if (val[RU_REMOTE]) {
		r = parse_range("remote", val[RU_REMOTE], &ru->remote);
		if (!r)
			r = rule_family("remote", val[RU_REMOTE], &ru->family,
					&ftok, &ru->remote);
		if (r)
			return r;
		*given |= VG_RULE_REMOTE;
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
	if (!ru->family && !set)
		ru->family = AF_INET;
	if (ru->family) {
		ru->has |= VG_RULE_FAMILY;
		*given |= VG_RULE_FAMILY;
	}
	return 0;
}

/* lport, rport (a set's any: none). */
static int parse_rule_ports(const char *const *val, struct vg_rule *ru,
			    bool set, uint32_t *given)
{
	static const struct {
		int idx;
		uint32_t bit;
	} pk[] = { { RU_LPORT, VG_RULE_LPORT }, { RU_RPORT, VG_RULE_RPORT } };
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(pk); i++) {
		const char *s = val[pk[i].idx], *kw = rule_add_args[pk[i].idx].kw;

		if (!s)
			continue;
		*given |= pk[i].bit;
		if (set && !strcmp(s, "any"))
			continue;
		/* A set without proto: checked on the rule it makes. */
		if ((!set || val[RU_PROTO]) && !proto_has_ports(ru->proto)) {
			vg_err("bad %s \"%s\" (ports need proto tcp, udp, udplite or sctp)",
			       kw, s);
			return -EINVAL;
		}
		r = parse_ports(kw, s, pk[i].idx == RU_LPORT ? &ru->lport :
				&ru->rport);
		if (r)
			return r;
		ru->has |= pk[i].bit;
	}
	return 0;
}

/*
 * rule add fills in the defaults (stage pre, family ipv4, any) and
 * checks the whole rule; rule set takes only the words given into
 * req->rule, their bits into req->given (a cleared one too), and checks
 * what they say among themselves: run_rule() overlays them onto the
 * rule as it is and checks the result (rule_check_set()).
 */
static int parse_rule(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	const char *const *val = v->val;
	struct vg_rule *ru = &req->rule;
	const char *stage_tok = NULL;
	bool set = c->nlcmd == VGATE_CMD_RULE_SET;
	uint32_t *given = &req->given;
	size_t i;
	int r;

	req->obj = VG_OBJ_RULE;
	req->cmd = c->nlcmd;
	r = parse_rule_id(val[RU_ID], &ru->id);
	if (r)
		return r;
	ru->has |= VG_RULE_ID;

	r = parse_rule_stage(val, ru, set, given, &stage_tok);
	if (r)
		return r;

	if (val[RU_DESCR]) {
		r = parse_descr("descr", val[RU_DESCR]);
		if (r)
			return r;
		snprintf(ru->descr, sizeof(ru->descr), "%s", val[RU_DESCR]);
		*given |= VG_RULE_DESCR;
		if (!set || ru->descr[0])
			ru->has |= VG_RULE_DESCR;
	}

	r = parse_rule_family(val, ru, set, given);
	if (r)
		return r;

	if (val[RU_PROTO]) {
		if (proto_lookup(val[RU_PROTO], &ru->proto)) {
			v_proto(&rule_add_args[RU_PROTO], val[RU_PROTO]);
			return -EINVAL;
		}
		if (ru->proto)
			ru->has |= VG_RULE_PROTO;
		*given |= VG_RULE_PROTO;
	}
	r = parse_rule_ports(val, ru, set, given);
	if (r)
		return r;

	if (val[RU_ACTION]) {
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
		*given |= VG_RULE_ACTION;
	}

	if (ru->action == VGATE_ACTION_PROTECT && (ru->has & VG_RULE_STAGE) &&
	    ru->stage != VGATE_STAGE_PEER) {
		vg_err("bad action \"protect\" (only a peer's traffic list protects: give peer NAME%s)",
		       stage_tok ? ", not pre or post" : "");
		return -EINVAL;
	}
	if (set) {
		r = parse_rule_set_sas(val, ru, given);
		if (r)
			return r;
	} else if (ru->action == VGATE_ACTION_PROTECT) {
		r = parse_rule_add_sas(val, ru);
		if (r)
			return r;
	} else {
		for (i = 0; i < ARRAY_SIZE(rule_sas); i++) {
			const int idx[2] = { rule_sas[i].out, rule_sas[i].in };
			int k;

			for (k = 0; k < 2; k++) {
				if (!val[idx[k]])
					continue;
				vg_err("bad %s \"%s\" (only with action protect)",
				       rule_add_args[idx[k]].kw, val[idx[k]]);
				return -EINVAL;
			}
		}
	}
	if (val[RU_SELF]) {
		if (!strcmp(val[RU_SELF], "on"))
			ru->flags = VGATE_RULE_F_SELF;
		ru->has |= VG_RULE_FLAGS;
		*given |= VG_RULE_FLAGS;
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

/*
 * peer add and peer set.  A set takes the words given into req->peer and
 * their bits into req->given (descr "" and SPIs none clear); run_peer()
 * overlays them onto the peer as it is.  Without addr the address and
 * host name stay; a new addr drops a host name it did not come from.
 */
static int parse_peer(const struct cmd *c, const struct cmd_vals *v,
		      struct vg_req *req)
{
	const char *const *val = v->val;
	struct vg_peer *p = &req->peer;
	bool set = c->nlcmd == VGATE_CMD_PEER_SET;
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
	}
	if (set)
		req->flags |= VG_REQ_PEER_BY_NAME;
	else if (!val[PE_ID])
		req->flags |= VG_REQ_PEER_AUTO_ID;
	if (val[PE_HOSTNAME] && !val[PE_ADDR]) {
		vg_err("bad hostname \"%s\" (only with addr ADDR)",
		       val[PE_HOSTNAME]);
		return -EINVAL;
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
	} else if (val[PE_ADDR]) {
		r = resolve_peer_addr(val[PE_ADDR], p);
		if (r)
			return r;
	}
	if (val[PE_ADDR]) {
		p->has |= VG_PEER_FAMILY | VG_PEER_ADDR;
		req->given |= VG_PEER_FAMILY | VG_PEER_ADDR | VG_PEER_HOSTNAME;
	}
	if (val[PE_DESCR]) {
		r = parse_descr("descr", val[PE_DESCR]);
		if (r)
			return r;
		snprintf(p->descr, sizeof(p->descr), "%s", val[PE_DESCR]);
		req->given |= VG_PEER_DESCR;
		if (!set || p->descr[0])
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
	req->given |= p->has & (VG_PEER_ADMIN | VG_PEER_VIRTUAL | VG_PEER_PMTU |
				VG_PEER_IPCOMP);
	if (set) {
		static const int sp[] = { PE_SPI_OUT, PE_SPI_IN };
		size_t i;

		/* Pairs and virtual: checked on the peer they make. */
		for (i = 0; i < ARRAY_SIZE(sp); i++) {
			uint32_t bit = sp[i] == PE_SPI_OUT ? VG_PEER_SPI_OUT :
				       VG_PEER_SPI_IN;
			const char *kw = peer_add_args[sp[i]].kw;

			if (!val[sp[i]])
				continue;
			req->given |= bit;
			if (is_none(val[sp[i]]))
				continue;
			if (val[PE_VIRTUAL] && !p->virt) {
				vg_err("bad %s \"%s\" (only with virtual yes)",
				       kw, val[sp[i]]);
				return -EINVAL;
			}
			r = parse_spi(kw, val[sp[i]], sp[i] == PE_SPI_OUT ?
				      &p->spi_out : &p->spi_in);
			if (r)
				return r;
			p->has |= bit;
		}
		return 0;
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
	req->given = VG_PEER_OPER | VG_PEER_BLOCK;
	req->flags |= VG_REQ_PEER_BY_NAME;
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
		req->flags |= VG_REQ_READ;	/* shows: not a change */
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

/* ---- run functions ---- */

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
	uint32_t *gone;		/* IDs deleted since (a command file's) */
	size_t ngone;
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

/* A deleted rule's ID, or (gone false) one sent again: sent.gone. */
static void sent_gone(uint32_t id, bool gone)
{
	uint32_t *q;
	size_t i;

	for (i = 0; i < sent.ngone; i++) {
		if (sent.gone[i] != id)
			continue;
		if (!gone)
			sent.gone[i] = sent.gone[--sent.ngone];
		return;
	}
	if (!gone)
		return;
	q = realloc(sent.gone, (sent.ngone + 1) * sizeof(*q));
	if (!q)
		return;
	sent.gone = q;
	sent.gone[sent.ngone++] = id;
}

/* The rule with this ID as this invocation sent it, or NULL. */
static const struct vg_rule *sent_find(uint32_t id)
{
	size_t slot;

	if (!sent.n || ((!sent.hcap || 2 * sent.n > sent.hcap) &&
			!sent_rehash(sent.n)))
		return NULL;
	slot = sent_slot(id);
	return sent.h[slot] ? &sent.v[sent.h[slot] - 1] : NULL;
}

static void sent_rule(uint8_t cmd, const struct vg_rule *ru)
{
	size_t slot;

	if (cmd != VGATE_CMD_RULE_FLUSH)
		sent_gone(ru->id, cmd == VGATE_CMD_RULE_DEL);

	if (cmd == VGATE_CMD_RULE_FLUSH) {
		sent.n = 0;
		sent.hcap = 0;
		sent.complete = true;
		sent.ngone = 0;
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
	free(sent.gone);
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

/*
 * The rule as it is, for rule set: as this invocation sent it (in a
 * command file the kernel's GET reads the running configuration, not the
 * open transaction), else the kernel's.  *have false: a dry run with
 * nothing to go by (the set is sent as given).
 */
static int rule_base(uint32_t id, struct vg_rule *base, bool *have)
{
	const struct vg_rule *s = sent_find(id);
	size_t i;
	int r;

	*have = false;
	if (s) {
		*base = *s;
		*have = true;
		return 0;
	}
	for (i = 0; i < sent.ngone; i++)
		if (sent.gone[i] == id)
			break;
	if ((vg_dry_run || cmd_in_file) && (sent.complete || i < sent.ngone)) {
		vg_err("no rule with ID %u (deleted before)", id);
		return -ENOENT;
	}
	if (vg_dry_run)
		return 0;
	r = vg_nl_get_rule(id, base);
	if (r == -ENOENT)
		vg_err("no rule with ID %u", id);
	if (r)
		return r;
	*have = true;
	return 0;
}

static const char *sa_kw(int idx)
{
	return rule_add_args[idx].kw;
}

/* "spiOut 0x00001000" or "cpiOut 300": a kept SA word of the rule. */
static const char *fmt_rule_sa(const struct vg_rule *ru, int idx, char *buf,
			       size_t len)
{
	if (idx == RU_CPI_OUT || idx == RU_CPI_IN)
		snprintf(buf, len, "%s %u", sa_kw(idx), rule_sa_get(ru, idx));
	else
		snprintf(buf, len, "%s 0x%08x", sa_kw(idx),
			 rule_sa_get(ru, idx));
	return buf;
}

static const char *fmt_rule_ports(const struct vg_ports *p, char *buf,
				  size_t len)
{
	if (p->min == p->max)
		snprintf(buf, len, "%u", p->min);
	else
		snprintf(buf, len, "%u-%u", p->min, p->max);
	return buf;
}

/* The value a set gave for an SA word, as the user wrote it. */
static const char *given_sa(const struct vg_rule *set, int idx, uint32_t bit,
			    char *buf, size_t len)
{
	if (!(set->has & bit))
		return "none";
	snprintf(buf, len, idx == RU_CPI_OUT || idx == RU_CPI_IN ? "%u" :
		 "0x%08x", rule_sa_get(set, idx));
	return buf;
}

/* rule set: local, remote and family of the rule it makes agree. */
static int check_set_family(const struct vg_rule *m, const struct vg_rule *set,
			    uint32_t given)
{
	static const struct {
		const char *kw;
		uint32_t bit;
		size_t off;
	} side[] = {
		{ "local", VG_RULE_LOCAL, offsetof(struct vg_rule, local) },
		{ "remote", VG_RULE_REMOTE, offsetof(struct vg_rule, remote) },
	};
	char a[128], b[128];
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(side); i++) {
		const struct vg_range *r = (const void *)((const char *)m +
							  side[i].off);
		int f = range_family(r);

		if (!f || f == m->family)
			continue;
		/* A kept side of the other family: name what was given. */
		fmt_range(r, b, sizeof(b));
		for (k = 0; k < ARRAY_SIZE(side); k++) {
			const struct vg_range *g = (const void *)
				((const char *)set + side[k].off);

			if (k == i || !(given & side[k].bit) || !range_family(g))
				continue;
			vg_err("bad %s \"%s\" (%s, but the rule's %s %s is %s: give %s too)",
			       side[k].kw, fmt_range(g, a, sizeof(a)),
			       family_name(m->family), side[i].kw, b,
			       family_name(f), side[i].kw);
			return -EINVAL;
		}
		vg_err("bad family \"%s\" (the rule's %s %s is %s: give %s too)",
		       m->family == AF_INET6 ? "ipv6" : "ipv4", side[i].kw, b,
		       family_name(f), side[i].kw);
		return -EINVAL;
	}
	return 0;
}

/* rule set: ports need a protocol with ports. */
static int check_set_ports(const struct vg_rule *m, const struct vg_rule *set,
			   uint32_t given)
{
	static const struct {
		const char *kw;
		uint32_t bit;
		size_t off;
	} pk[] = {
		{ "lport", VG_RULE_LPORT, offsetof(struct vg_rule, lport) },
		{ "rport", VG_RULE_RPORT, offsetof(struct vg_rule, rport) },
	};
	char a[32], p[32];
	size_t i;

	if (proto_has_ports(m->proto))
		return 0;
	for (i = 0; i < ARRAY_SIZE(pk); i++) {
		const struct vg_ports *x = (const void *)((const char *)m +
							  pk[i].off);

		if (!(m->has & pk[i].bit))
			continue;
		fmt_rule_ports(x, a, sizeof(a));
		if (given & pk[i].bit) {
			vg_err("bad %s \"%s\" (ports need proto tcp, udp, udplite or sctp: the rule has proto %s)",
			       pk[i].kw, a,
			       m->proto ? proto_name(m->proto, p, sizeof(p)) :
			       "any");
			return -EINVAL;
		}
		vg_err("bad proto \"%s\" (the rule has %s %s: ports need proto tcp, udp, udplite or sctp; give lport any rport any too)",
		       set->proto ? proto_name(set->proto, p, sizeof(p)) : "any",
		       pk[i].kw, a);
		return -EINVAL;
	}
	return 0;
}

/* rule set: the SAs fit the action and each other. */
static int check_set_sas(const struct vg_rule *m, const struct vg_rule *set,
			 uint32_t given)
{
	char a[48], b[48], hint[160] = "";
	size_t i;
	int k;

	if (m->action != VGATE_ACTION_PROTECT) {
		const char *kept = NULL;

		for (i = 0; i < ARRAY_SIZE(rule_sas); i++) {
			const int idx[2] = { rule_sas[i].out, rule_sas[i].in };
			const uint32_t bit[2] = { rule_sas[i].out_bit,
						  rule_sas[i].in_bit };

			for (k = 0; k < 2; k++) {
				if (!(m->has & bit[k]))
					continue;
				if (given & bit[k]) {
					vg_err("bad %s \"%s\" (only with action protect: the rule has action %s)",
					       sa_kw(idx[k]),
					       given_sa(set, idx[k], bit[k], a,
							sizeof(a)),
					       action_name(m->action));
					return -EINVAL;
				}
				if (!kept)
					kept = fmt_rule_sa(m, idx[k], b,
							   sizeof(b));
				snprintf(hint + strlen(hint),
					 sizeof(hint) - strlen(hint), "%s%s none",
					 hint[0] ? " " : "", sa_kw(idx[k]));
			}
		}
		if (kept) {
			vg_err("bad action \"%s\" (the rule has %s: SPIs and CPIs only with action protect; give %s too)",
			       action_name(m->action), kept, hint);
			return -EINVAL;
		}
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(rule_sas); i++) {
		const int idx[2] = { rule_sas[i].out, rule_sas[i].in };
		const uint32_t bit[2] = { rule_sas[i].out_bit,
					  rule_sas[i].in_bit };

		for (k = 0; k < 2; k++) {
			if (!(m->has & bit[k]) || (m->has & bit[!k]))
				continue;
			/* idx[k] without its pair idx[!k]. */
			if (given & bit[!k])
				vg_err("bad %s \"none\" (%s and %s go together: the rule has %s; give %s none too)",
				       sa_kw(idx[!k]), sa_kw(idx[0]),
				       sa_kw(idx[1]),
				       fmt_rule_sa(m, idx[k], b, sizeof(b)),
				       sa_kw(idx[k]));
			else
				vg_err("missing %s (%s and %s go together)",
				       sa_kw(idx[!k]), sa_kw(idx[0]),
				       sa_kw(idx[1]));
			return -EINVAL;
		}
	}
	if ((m->has & VG_RULE_CPI_OUT) && !(m->has & VG_RULE_SPI_OUT)) {
		if (given & VG_RULE_CPI_OUT)
			vg_err("bad cpiOut \"%s\" (IPComp SAs come with ESP SAs: give spiOut and spiIn too)",
			       given_sa(set, RU_CPI_OUT, VG_RULE_CPI_OUT, a,
					sizeof(a)));
		else
			vg_err("bad spiOut \"none\" (the rule has %s: IPComp SAs come with ESP SAs; give cpiOut none cpiIn none too)",
			       fmt_rule_sa(m, RU_CPI_OUT, b, sizeof(b)));
		return -EINVAL;
	}
	return 0;
}

/*
 * rule set: the rule m that the fields given (set, given) make of the
 * rule as it is must be whole and valid, as for rule add.  The error
 * names the value given and the kept field it conflicts with.
 */
static int rule_check_set(struct vg_rule *m, const struct vg_rule *set,
			  uint32_t given)
{
	int r;

	/* "any" is no attribute. */
	if (!m->proto)
		m->has &= ~VG_RULE_PROTO;
	if ((m->has & VG_RULE_LPORT) && !m->lport.min && m->lport.max == 65535)
		m->has &= ~VG_RULE_LPORT;
	if ((m->has & VG_RULE_RPORT) && !m->rport.min && m->rport.max == 65535)
		m->has &= ~VG_RULE_RPORT;
	if (!(m->has & VG_RULE_LPORT))
		memset(&m->lport, 0, sizeof(m->lport));
	if (!(m->has & VG_RULE_RPORT))
		memset(&m->rport, 0, sizeof(m->rport));
	if (m->stage != VGATE_STAGE_PEER) {
		m->has &= ~VG_RULE_PEER_NAME;
		m->peer_name[0] = '\0';
	}
	r = check_set_family(m, set, given);
	if (!r)
		r = check_set_ports(m, set, given);
	if (r)
		return r;
	if (m->action == VGATE_ACTION_PROTECT && m->stage != VGATE_STAGE_PEER) {
		/* parse_rule() caught protect with pre or post given. */
		if (given & VG_RULE_ACTION)
			vg_err("bad action \"protect\" (only a peer's traffic list protects: the rule is a %s rule; give peer NAME too)",
			       stage_name(m->stage));
		else
			vg_err("bad stage \"%s\" (the rule has action protect: only a peer's traffic list protects; give action pass or drop too)",
			       stage_name(m->stage));
		return -EINVAL;
	}
	return check_set_sas(m, set, given);
}

/*
 * rule set: the fields given onto the rule as it is, checked.  *whole
 * false: a dry run without the rule (only the given fields go out).
 */
static int rule_set_merge(struct vg_req *req, bool *whole)
{
	struct vg_rule base;
	int r;

	r = rule_base(req->rule.id, &base, whole);
	if (r || !*whole)
		return r;
	vg_rule_overlay(&base, &req->rule, req->given);
	r = rule_check_set(&base, &req->rule, req->given);
	if (r)
		return r;
	req->rule = base;
	return 0;
}

static int run_rule(const struct cmd *c, struct vg_req *req)
{
	bool whole = true;
	int r;

	(void)c;
	if (req->cmd == VGATE_CMD_RULE_SET) {
		r = rule_set_merge(req, &whole);
		if (r)
			return r;
	}
	r = vg_nl_do(req);
	if (r || !whole)	/* the warnings check whole rules only */
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

/*
 * peer set: the peer m that the fields given make must be valid: SPIs
 * only on a virtual interface peer, in pairs.  The error names the value
 * given and the kept field it conflicts with.
 */
static int peer_check_set(const struct vg_peer *m, uint32_t given)
{
	static const struct {
		const char *kw;
		uint32_t bit;
	} sp[] = {
		{ "spiOut", VG_PEER_SPI_OUT }, { "spiIn", VG_PEER_SPI_IN },
	};
	size_t k;

	for (k = 0; k < 2; k++) {
		uint32_t v = k ? m->spi_in : m->spi_out;

		if (!(m->has & sp[k].bit))
			continue;
		if (!m->virt) {
			if (given & sp[k].bit)
				vg_err("bad %s \"0x%08x\" (only with virtual yes: the peer has virtual no)",
				       sp[k].kw, v);
			else
				vg_err("bad virtual \"no\" (the peer has %s 0x%08x: give spiOut none spiIn none too)",
				       sp[k].kw, v);
			return -EINVAL;
		}
		if (m->has & sp[!k].bit)
			continue;
		if (given & sp[!k].bit)
			vg_err("bad %s \"none\" (spiOut and spiIn go together: the peer has %s 0x%08x; give %s none too)",
			       sp[!k].kw, sp[k].kw, v, sp[k].kw);
		else
			vg_err("missing %s (spiOut and spiIn go together)",
			       sp[!k].kw);
		return -EINVAL;
	}
	return 0;
}

static int run_peer(const struct cmd *c, struct vg_req *req)
{
	struct vg_peer *p = &req->peer, *known;
	size_t i;
	int r;

	(void)c;
	if ((req->flags & VG_REQ_PEER_BY_NAME) && !cmd_in_file && !vg_dry_run) {
		/* Alone (or in the shell): the peers as they are now. */
		free(pm.v);
		memset(&pm, 0, sizeof(pm));
	}
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
		if ((p->has & VG_PEER_ID) && known && p->id != known->id) {
			vg_err("bad id \"%u\" (peer %s has ID %u: an ID cannot change; del and add the peer)",
			       p->id, p->name, known->id);
			return -EINVAL;
		}
		if ((p->has & VG_PEER_ID) && !known) {
			/* set NEWNAME id N: the peer with ID N renamed. */
			for (i = 0; i < pm.n && !known; i++)
				if (pm.v[i].id == p->id)
					known = &pm.v[i];
			req->given |= VG_PEER_NAME;
		}
		if (!known && vg_dry_run) {
			/* No kernel to ask: the fields given, a stand-in ID. */
			if (!(p->has & VG_PEER_ID))
				p->id = 1;
		} else if (!known && (p->has & VG_PEER_ID)) {
			vg_err("no peer with ID %u", p->id);
			return -ENOENT;
		} else if (!known) {
			vg_err("no peer named \"%s\"", p->name);
			return -ENOENT;
		} else {
			struct vg_peer m = *known;

			/* SET replaces: the fields given onto the peer. */
			vg_peer_overlay(&m, p, req->given);
			r = peer_check_set(&m, req->given);
			if (r)
				return r;
			*p = m;
		}
		p->has |= VG_PEER_ID;
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
	if (!strcmp(what, "ike"))
		return ike_show();
	return show_global();
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
/* Peer names for TAB on an ARG_PEER value (a quiet dump; nothing in dry-run). */
static int complete_peers(const struct cmd_arg *a, cmd_word_fn *fn, void *arg)
{
	struct vg_peer *peers = NULL;
	size_t n = 0, i;
	bool saved = vg_err_quiet;
	int count = 0;

	if (!(a->flags & ARG_PEER) || vg_dry_run)
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


/* ---- the table ---- */

static const struct cmd ipsec_cmds[] = {
	{ { "ipsec", "sa", "add" }, sa_add_args, parse_sa, run_do,
	  "add a security association", VGATE_CMD_SA_NEW, CMD_TXN },

	{ { "ipsec", "sa", "set" }, sa_add_args, parse_sa, run_do,
	  "replace an existing security association", VGATE_CMD_SA_SET, CMD_TXN },

	{ { "ipsec", "sa", "del" }, sa_del_args, parse_sa_del, run_do,
	  "delete a security association", VGATE_CMD_SA_DEL, CMD_TXN },

	{ { "ipsec", "sa", "flush" }, cmd_no_args, cmd_parse_none, run_do,
	  "delete every security association", VGATE_CMD_SA_FLUSH, CMD_TXN },

	{ { "ipsec", "peer", "add" }, peer_add_args, parse_peer, run_peer,
	  "add a peer (remote gateway with a traffic list, or virtual interface)",
	  VGATE_CMD_PEER_NEW, CMD_TXN },

	{ { "ipsec", "peer", "set" }, peer_set_args, parse_peer, run_peer,
	  "change the settings given of a peer (the others and its traffic list stay)",
	  VGATE_CMD_PEER_SET, CMD_TXN },

	{ { "ipsec", "peer", "del" }, peer_name_args, parse_peer_name_only,
	  run_peer, "delete a peer whose traffic list is empty",
	  VGATE_CMD_PEER_DEL, CMD_TXN },

	{ { "ipsec", "peer", "flush" }, cmd_no_args, cmd_parse_none, run_peer,
	  "delete every peer (after ipsec rule flush)", VGATE_CMD_PEER_FLUSH, CMD_TXN },

	{ { "ipsec", "peer", "block" }, peer_block_args, parse_peer_block,
	  run_peer, "block a peer for SECONDS (as a keying daemon does)",
	  VGATE_CMD_PEER_SET, CMD_TXN },

	{ { "ipsec", "rule", "add" }, rule_add_args, parse_rule, run_rule,
	  "add a rule: pre, peer NAME (traffic list entry) or post",
	  VGATE_CMD_RULE_NEW, CMD_TXN },

	{ { "ipsec", "rule", "set" }, rule_set_args, parse_rule, run_rule,
	  "change the fields given of the rule with that ID (the others stay)",
	  VGATE_CMD_RULE_SET, CMD_TXN },

	{ { "ipsec", "rule", "del" }, rule_del_args, parse_rule_del, run_rule,
	  "delete a rule", VGATE_CMD_RULE_DEL, CMD_TXN },

	{ { "ipsec", "rule", "flush" }, cmd_no_args, cmd_parse_none, run_rule,
	  "delete every rule", VGATE_CMD_RULE_FLUSH, CMD_TXN },

	{ { "ipsec", "explain" }, explain_args, parse_explain, run_explain,
	  "which rule a packet would hit, and why", VGATE_CMD_EXPLAIN, 0 },

	{ { "ipsec", "show", "sa" }, cmd_no_args, cmd_parse_none, run_show,
	  "SA bundles: each protect entry with its SA pair and counters", 0, 0 },

	{ { "ipsec", "show", "sad" }, cmd_no_args, cmd_parse_none, run_show,
	  "every security association with its counters", 0, 0 },

	{ { "ipsec", "show", "rule" }, cmd_no_args, cmd_parse_none, run_show,
	  "the policy in evaluation order: pre rules, peers' traffic lists, post rules", 0, 0 },

	{ { "ipsec", "show", "peer" }, show_peer_args, parse_peer_name_only,
	  run_show, "peers with their status", 0, 0 },

	{ { "ipsec", "show", "global" }, cmd_no_args, cmd_parse_none, run_show,
	  "global statistics and drop reasons", 0, 0 },

	{ { "ipsec", "show", "natt" }, cmd_no_args, cmd_parse_none, run_show,
	  "the NAT-T socket, the keepalive interval and the NAT-T counters", 0, 0 },

	{ { "ipsec", "show", "ike" }, cmd_no_args, cmd_parse_none, run_show,
	  "IKE and CHILD SAs of the IKE daemon vgate-iked (its control socket)", 0, 0 },

	{ { "ipsec", "natt", "socket" }, natt_socket_args, parse_natt_socket,
	  run_do, "let vgate open its own NAT-T socket (no IKE daemon)",
	  VGATE_CMD_ENCAP_SOCK_SET, 0 },

	{ { "ipsec", "natt", "release" }, cmd_no_args, cmd_parse_none, run_do,
	  "let go of the NAT-T socket (before an IKE daemon takes the port)",
	  VGATE_CMD_ENCAP_SOCK_DEL, 0 },

	{ { "ipsec", "nattKeepalive" }, nattka_args, parse_knob, run_knob,
	  "seconds of silence before a UDP-encapsulated SA sends a NAT keepalive (knob)",
	  0, CMD_TXN },

	{ { "ipsec", "replayWindow" }, replay_args, parse_knob, run_knob,
	  "default replay window for new SAs (knob)", 0, CMD_TXN },

	{ { "ipsec", "maxSas" }, maxsas_args, parse_knob, run_knob,
	  "SAD size limit (knob)", 0, CMD_TXN },

	{ { "ipsec", "dropLog" }, droplog_args, parse_knob, run_knob,
	  "log drops to the kernel log (knob)", 0, CMD_TXN },

	{ { "ipsec", "swSkipOverlapIp" }, swskip_args, parse_knob, run_knob,
	  "overlap skip: route in the clear what lies in a protect entry's local range (knob)", 0, CMD_TXN },

	{ { "ipsec", "postDefault" }, postdef_args, parse_knob, run_knob,
	  "pass or drop what no rule matches (knob)", 0, CMD_TXN },

	{ { "ipsec", "acquireTimeout" }, acqtime_args, parse_knob, run_knob,
	  "seconds held packets wait for a negotiated SA (knob)", 0, CMD_TXN },

	{ { "ipsec", "acquireQueue" }, acqqueue_args, parse_knob, run_knob,
	  "packets held per dynamic entry while an SA is negotiated (knob)", 0, CMD_TXN },
};

static const struct cmd_group ipsec_groups[] = {
	{ "ipsec", "IPsec SAs, peers, rules, statistics and knobs" },
	{ "sa", "security associations (SAD)" },
	{ "natt", "NAT traversal: the UDP socket ESP-in-UDP arrives on" },
	{ "peer", "peers: remote gateways with traffic lists" },
	{ "rule", "rules: pre, traffic list entries, post" },
	{ "show", "show state and counters" },
};

/* The value words of the ipsec commands, from the vocabulary (names.c). */
static void ipsec_usage(FILE *f)
{
	cmd_usage_values(f, "ENC:", enc_choices);
	cmd_usage_values(f, "AUTH:", auth_choices);
	cmd_usage_values(f, "PROTO:", rule_proto_choices);
	fprintf(f, "       or a number 0..255\n"
		"RANGE: any | ADDR | ADDR/PLEN | ADDR-ADDR (IPv4 or IPv6)\n"
		"STATUS: up down dialup\n");
}

const struct cmd_subsys ipsec_subsys = {
	.name = "ipsec",
	.cmds = ipsec_cmds,
	.ncmds = ARRAY_SIZE(ipsec_cmds),
	.groups = ipsec_groups,
	.ngroups = ARRAY_SIZE(ipsec_groups),
	.config = config_print_ipsec,
	.complete = complete_peers,
	.usage = ipsec_usage,
	.txn = &vg_family_vgate,
};
