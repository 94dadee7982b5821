// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink transport for the vgate family (libnl-genl-3).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "genl.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define DUMP_RETRIES 5

bool vg_dry_run;

static struct nl_sock *sock;
/* vg_genl_fake_kernel(): replies from here, no socket; NULL in vgate. */
static vg_genl_recv_fn fake_recv;

/* ---- attribute descriptions: dry-run printing, reply checks, extack ---- */

static const struct adesc lt_desc[VGATE_LT_A_MAX + 1] = {
	[VGATE_LT_A_SOFT_BYTES] = { "SOFT_BYTES", AT_U64 },
	[VGATE_LT_A_HARD_BYTES] = { "HARD_BYTES", AT_U64 },
	[VGATE_LT_A_SOFT_PACKETS] = { "SOFT_PACKETS", AT_U64 },
	[VGATE_LT_A_HARD_PACKETS] = { "HARD_PACKETS", AT_U64 },
	[VGATE_LT_A_SOFT_SECONDS] = { "SOFT_SECONDS", AT_U64 },
	[VGATE_LT_A_HARD_SECONDS] = { "HARD_SECONDS", AT_U64 },
	[VGATE_LT_A_PAD] = { "PAD", AT_PAD },
};

static const struct adesc sa_stats_desc[VGATE_SA_STATS_A_MAX + 1] = {
	[VGATE_SA_STATS_A_PACKETS] = { "PACKETS", AT_U64 },
	[VGATE_SA_STATS_A_BYTES] = { "BYTES", AT_U64 },
	[VGATE_SA_STATS_A_ERRORS] = { "ERRORS", AT_U64 },
	[VGATE_SA_STATS_A_REPLAY] = { "REPLAY", AT_U64 },
	[VGATE_SA_STATS_A_AUTH] = { "AUTH", AT_U64 },
	[VGATE_SA_STATS_A_PAD] = { "PAD", AT_PAD },
	[VGATE_SA_STATS_A_PACKETS_IN] = { "PACKETS_IN", AT_U64 },
	[VGATE_SA_STATS_A_BYTES_IN] = { "BYTES_IN", AT_U64 },
	[VGATE_SA_STATS_A_PACKETS_OUT] = { "PACKETS_OUT", AT_U64 },
	[VGATE_SA_STATS_A_BYTES_OUT] = { "BYTES_OUT", AT_U64 },
	[VGATE_SA_STATS_A_COMP_OUT] = { "COMP_OUT", AT_U64 },
	[VGATE_SA_STATS_A_COMP_SMALL_OUT] = { "COMP_SMALL_OUT", AT_U64 },
	[VGATE_SA_STATS_A_COMP_INCOMPRESSIBLE_OUT] = {
		"COMP_INCOMPRESSIBLE_OUT", AT_U64 },
	[VGATE_SA_STATS_A_COMP_BYTES_BEFORE] = { "COMP_BYTES_BEFORE", AT_U64 },
	[VGATE_SA_STATS_A_COMP_BYTES_AFTER] = { "COMP_BYTES_AFTER", AT_U64 },
	[VGATE_SA_STATS_A_DECOMP_IN] = { "DECOMP_IN", AT_U64 },
	[VGATE_SA_STATS_A_DECOMP_BYTES_IN] = { "DECOMP_BYTES_IN", AT_U64 },
};

static const struct adesc encap_desc[VGATE_ENCAP_A_MAX + 1] = {
	[VGATE_ENCAP_A_TYPE] = { "TYPE", AT_U8 },
	[VGATE_ENCAP_A_SPORT] = { "SPORT", AT_U16 },
	[VGATE_ENCAP_A_DPORT] = { "DPORT", AT_U16 },
	[VGATE_ENCAP_A_OA] = { "OA", AT_ADDR },
};

static const struct adesc encap_sock_desc[VGATE_ENCAP_SOCK_A_MAX + 1] = {
	[VGATE_ENCAP_SOCK_A_FD] = { "FD", AT_U32 },
	[VGATE_ENCAP_SOCK_A_PORT] = { "PORT", AT_U16 },
	[VGATE_ENCAP_SOCK_A_OWNER] = { "OWNER", AT_U8 },
};

static const struct adesc sa_desc[VGATE_SA_A_MAX + 1] = {
	[VGATE_SA_A_SPI] = { "SPI", AT_U32 },
	[VGATE_SA_A_PROTO] = { "PROTO", AT_U8 },
	[VGATE_SA_A_FAMILY] = { "FAMILY", AT_U16 },
	[VGATE_SA_A_SRC] = { "SRC", AT_ADDR },
	[VGATE_SA_A_DST] = { "DST", AT_ADDR },
	[VGATE_SA_A_MODE] = { "MODE", AT_U8 },
	[VGATE_SA_A_ENC] = { "ENC", AT_U16 },
	[VGATE_SA_A_ENC_KEY] = { "ENC_KEY", AT_KEY },
	[VGATE_SA_A_AUTH] = { "AUTH", AT_U16 },
	[VGATE_SA_A_AUTH_KEY] = { "AUTH_KEY", AT_KEY },
	[VGATE_SA_A_REPLAY_WINDOW] = { "REPLAY_WINDOW", AT_U32 },
	[VGATE_SA_A_LIFETIME] = { "LIFETIME", AT_NEST, lt_desc, VGATE_LT_A_MAX },
	[VGATE_SA_A_FLAGS] = { "FLAGS", AT_U32 },
	[VGATE_SA_A_STATS] = { "STATS", AT_NEST, sa_stats_desc,
			       VGATE_SA_STATS_A_MAX },
	[VGATE_SA_A_SEQ] = { "SEQ", AT_U64 },
	[VGATE_SA_A_AGE] = { "AGE", AT_U64 },
	[VGATE_SA_A_PAD] = { "PAD", AT_PAD },
	[VGATE_SA_A_ENC_KEY_BITS] = { "ENC_KEY_BITS", AT_U16 },
	[VGATE_SA_A_REQID] = { "REQID", AT_U32 },
	[VGATE_SA_A_ENCAP] = { "ENCAP", AT_NEST, encap_desc, VGATE_ENCAP_A_MAX },
	[VGATE_SA_A_OSEQ] = { "OSEQ", AT_U64 },
	[VGATE_SA_A_REPLAY_SEQ] = { "REPLAY_SEQ", AT_U64 },
	[VGATE_SA_A_EXPIRE_LIMIT] = { "EXPIRE_LIMIT", AT_U8 },
	[VGATE_SA_A_EXPIRE_HARD] = { "EXPIRE_HARD", AT_U8 },
	[VGATE_SA_A_COMP] = { "COMP", AT_U16 },
};

static const struct adesc rule_stats_desc[VGATE_RULE_STATS_A_MAX + 1] = {
	[VGATE_RULE_STATS_A_PACKETS_OUT] = { "PACKETS_OUT", AT_U64 },
	[VGATE_RULE_STATS_A_BYTES_OUT] = { "BYTES_OUT", AT_U64 },
	[VGATE_RULE_STATS_A_PACKETS_IN] = { "PACKETS_IN", AT_U64 },
	[VGATE_RULE_STATS_A_BYTES_IN] = { "BYTES_IN", AT_U64 },
	[VGATE_RULE_STATS_A_PAD] = { "PAD", AT_PAD },
};

static const struct adesc rule_desc[VGATE_RULE_A_MAX + 1] = {
	[VGATE_RULE_A_ID] = { "ID", AT_U32 },
	[VGATE_RULE_A_FAMILY] = { "FAMILY", AT_U16 },
	[VGATE_RULE_A_LOCAL] = { "LOCAL", AT_ADDR },
	[VGATE_RULE_A_LOCAL_PLEN] = { "LOCAL_PLEN", AT_U8 },
	[VGATE_RULE_A_REMOTE] = { "REMOTE", AT_ADDR },
	[VGATE_RULE_A_REMOTE_PLEN] = { "REMOTE_PLEN", AT_U8 },
	[VGATE_RULE_A_PROTO] = { "PROTO", AT_U8 },
	[VGATE_RULE_A_LPORT_MIN] = { "LPORT_MIN", AT_U16 },
	[VGATE_RULE_A_LPORT_MAX] = { "LPORT_MAX", AT_U16 },
	[VGATE_RULE_A_RPORT_MIN] = { "RPORT_MIN", AT_U16 },
	[VGATE_RULE_A_RPORT_MAX] = { "RPORT_MAX", AT_U16 },
	[VGATE_RULE_A_ACTION] = { "ACTION", AT_U8 },
	[VGATE_RULE_A_PEER] = { "PEER", AT_ADDR },
	[VGATE_RULE_A_SPI_OUT] = { "SPI_OUT", AT_U32 },
	[VGATE_RULE_A_SPI_IN] = { "SPI_IN", AT_U32 },
	[VGATE_RULE_A_STATS] = { "STATS", AT_NEST, rule_stats_desc,
				 VGATE_RULE_STATS_A_MAX },
	[VGATE_RULE_A_STAGE] = { "STAGE", AT_U8 },
	[VGATE_RULE_A_PEER_NAME] = { "PEER_NAME", AT_STR },
	[VGATE_RULE_A_FLAGS] = { "FLAGS", AT_U32 },
	[VGATE_RULE_A_DESCR] = { "DESCR", AT_STR },
	[VGATE_RULE_A_LOCAL_END] = { "LOCAL_END", AT_ADDR },
	[VGATE_RULE_A_REMOTE_END] = { "REMOTE_END", AT_ADDR },
	[VGATE_RULE_A_AH_SPI_OUT] = { "AH_SPI_OUT", AT_U32 },
	[VGATE_RULE_A_AH_SPI_IN] = { "AH_SPI_IN", AT_U32 },
	[VGATE_RULE_A_CPI_OUT] = { "CPI_OUT", AT_U16 },
	[VGATE_RULE_A_CPI_IN] = { "CPI_IN", AT_U16 },
};

static const struct adesc peer_desc[VGATE_PEER_A_MAX + 1] = {
	[VGATE_PEER_A_ID] = { "ID", AT_U32 },
	[VGATE_PEER_A_NAME] = { "NAME", AT_STR },
	[VGATE_PEER_A_DESCR] = { "DESCR", AT_STR },
	[VGATE_PEER_A_FAMILY] = { "FAMILY", AT_U16 },
	[VGATE_PEER_A_ADDR] = { "ADDR", AT_ADDR },
	[VGATE_PEER_A_HOSTNAME] = { "HOSTNAME", AT_STR },
	[VGATE_PEER_A_ADMIN] = { "ADMIN", AT_U8 },
	[VGATE_PEER_A_OPER] = { "OPER", AT_U8 },
	[VGATE_PEER_A_BLOCK_SECONDS] = { "BLOCK_SECONDS", AT_U32 },
	[VGATE_PEER_A_VIRTUAL] = { "VIRTUAL", AT_U8 },
	[VGATE_PEER_A_IFINDEX] = { "IFINDEX", AT_U32 },
	[VGATE_PEER_A_IFNAME] = { "IFNAME", AT_STR },
	[VGATE_PEER_A_SPI_OUT] = { "SPI_OUT", AT_U32 },
	[VGATE_PEER_A_SPI_IN] = { "SPI_IN", AT_U32 },
	[VGATE_PEER_A_ENTRIES] = { "ENTRIES", AT_U32 },
	[VGATE_PEER_A_PROPAGATE_PMTU] = { "PROPAGATE_PMTU", AT_U8 },
	[VGATE_PEER_A_IPCOMP] = { "IPCOMP", AT_U8 },
};

static const struct adesc flow_desc[VGATE_FLOW_A_MAX + 1] = {
	[VGATE_FLOW_A_FAMILY] = { "FAMILY", AT_U16 },
	[VGATE_FLOW_A_SRC] = { "SRC", AT_ADDR },
	[VGATE_FLOW_A_DST] = { "DST", AT_ADDR },
	[VGATE_FLOW_A_PROTO] = { "PROTO", AT_U8 },
	[VGATE_FLOW_A_SPORT] = { "SPORT", AT_U16 },
	[VGATE_FLOW_A_DPORT] = { "DPORT", AT_U16 },
	[VGATE_FLOW_A_DIR] = { "DIR", AT_U8 },
	[VGATE_FLOW_A_ITERATIONS] = { "ITERATIONS", AT_U32 },
};

static const struct adesc verdict_desc[VGATE_VERDICT_A_MAX + 1] = {
	[VGATE_VERDICT_A_ACTION] = { "ACTION", AT_U8 },
	[VGATE_VERDICT_A_REASON] = { "REASON", AT_U8 },
	[VGATE_VERDICT_A_RULE_ID] = { "RULE_ID", AT_U32 },
	[VGATE_VERDICT_A_STAGE] = { "STAGE", AT_U8 },
	[VGATE_VERDICT_A_PEER_NAME] = { "PEER_NAME", AT_STR },
	[VGATE_VERDICT_A_SELF] = { "SELF", AT_U8 },
	[VGATE_VERDICT_A_NANOSECONDS] = { "NANOSECONDS", AT_U64 },
	[VGATE_VERDICT_A_ITERATIONS] = { "ITERATIONS", AT_U32 },
	[VGATE_VERDICT_A_PAD] = { "PAD", AT_PAD },
};

static const struct adesc stats_desc[VGATE_STATS_A_MAX + 1] = {
	[VGATE_STATS_A_SAS] = { "SAS", AT_U32 },
	[VGATE_STATS_A_RULES] = { "RULES", AT_U32 },
	[VGATE_STATS_A_PACKETS_IN] = { "PACKETS_IN", AT_U64 },
	[VGATE_STATS_A_PACKETS_OUT] = { "PACKETS_OUT", AT_U64 },
	[VGATE_STATS_A_PASSED] = { "PASSED", AT_U64 },
	[VGATE_STATS_A_PROTECTED_IN] = { "PROTECTED_IN", AT_U64 },
	[VGATE_STATS_A_PROTECTED_OUT] = { "PROTECTED_OUT", AT_U64 },
	[VGATE_STATS_A_DROPPED] = { "DROPPED", AT_U64 },
	[VGATE_STATS_A_ERRORS] = { "ERRORS", AT_U64 },
	[VGATE_STATS_A_DROPS] = { "DROPS", AT_NEST_U64 },
	[VGATE_STATS_A_PAD] = { "PAD", AT_PAD },
	[VGATE_STATS_A_PEERS] = { "PEERS", AT_U32 },
	[VGATE_STATS_A_PEERS_UP] = { "PEERS_UP", AT_U32 },
	[VGATE_STATS_A_PEERS_DORMANT] = { "PEERS_DORMANT", AT_U32 },
	[VGATE_STATS_A_PEERS_BLOCKED] = { "PEERS_BLOCKED", AT_U32 },
	[VGATE_STATS_A_OVERLAP_SKIPPED] = { "OVERLAP_SKIPPED", AT_U64 },
	[VGATE_STATS_A_SELF_BYPASSED] = { "SELF_BYPASSED", AT_U64 },
	[VGATE_STATS_A_ACQUIRES] = { "ACQUIRES", AT_U64 },
	[VGATE_STATS_A_NATT_ESP_IN] = { "NATT_ESP_IN", AT_U64 },
	[VGATE_STATS_A_NATT_IKE_IN] = { "NATT_IKE_IN", AT_U64 },
	[VGATE_STATS_A_NATT_KEEPALIVES_IN] = { "NATT_KEEPALIVES_IN", AT_U64 },
	[VGATE_STATS_A_NATT_KEEPALIVES_OUT] = { "NATT_KEEPALIVES_OUT", AT_U64 },
	[VGATE_STATS_A_PMTU_LEARNT] = { "PMTU_LEARNT", AT_U64 },
	[VGATE_STATS_A_DUMMY_IN] = { "DUMMY_IN", AT_U64 },
};

static const struct adesc cfg_desc[VGATE_CFG_A_MAX + 1] = {
	[VGATE_CFG_A_REPLAY_WINDOW] = { "REPLAY_WINDOW", AT_U32 },
	[VGATE_CFG_A_MAX_SAS] = { "MAX_SAS", AT_U32 },
	[VGATE_CFG_A_DROP_LOG] = { "DROP_LOG", AT_U8 },
	[VGATE_CFG_A_SWSKIP_OVERLAP] = { "SWSKIP_OVERLAP", AT_U8 },
	[VGATE_CFG_A_POST_DEFAULT] = { "POST_DEFAULT", AT_U8 },
	[VGATE_CFG_A_ACQUIRE_TIMEOUT] = { "ACQUIRE_TIMEOUT", AT_U32 },
	[VGATE_CFG_A_ACQUIRE_QUEUE] = { "ACQUIRE_QUEUE", AT_U32 },
	[VGATE_CFG_A_NATT_KEEPALIVE] = { "NATT_KEEPALIVE", AT_U32 },
};

static const struct adesc top_desc[VGATE_A_MAX + 1] = {
	[VGATE_A_SA] = { "SA", AT_NEST, sa_desc, VGATE_SA_A_MAX },
	[VGATE_A_RULE] = { "RULE", AT_NEST, rule_desc, VGATE_RULE_A_MAX },
	[VGATE_A_STATS] = { "STATS", AT_NEST, stats_desc, VGATE_STATS_A_MAX },
	[VGATE_A_CONFIG] = { "CONFIG", AT_NEST, cfg_desc, VGATE_CFG_A_MAX },
	[VGATE_A_PEER] = { "PEER", AT_NEST, peer_desc, VGATE_PEER_A_MAX },
	[VGATE_A_FLOW] = { "FLOW", AT_NEST, flow_desc, VGATE_FLOW_A_MAX },
	[VGATE_A_VERDICT] = { "VERDICT", AT_NEST, verdict_desc,
			      VGATE_VERDICT_A_MAX },
	[VGATE_A_ENCAP_SOCK] = { "ENCAP_SOCK", AT_NEST, encap_sock_desc,
				 VGATE_ENCAP_SOCK_A_MAX },
};

static const char *const cmd_names[VGATE_CMD_MAX + 1] = {
	[VGATE_CMD_SA_NEW] = "SA_NEW",
	[VGATE_CMD_SA_SET] = "SA_SET",
	[VGATE_CMD_SA_GET] = "SA_GET",
	[VGATE_CMD_SA_DEL] = "SA_DEL",
	[VGATE_CMD_SA_FLUSH] = "SA_FLUSH",
	[VGATE_CMD_RULE_NEW] = "RULE_NEW",
	[VGATE_CMD_RULE_SET] = "RULE_SET",
	[VGATE_CMD_RULE_GET] = "RULE_GET",
	[VGATE_CMD_RULE_DEL] = "RULE_DEL",
	[VGATE_CMD_RULE_FLUSH] = "RULE_FLUSH",
	[VGATE_CMD_STATS_GET] = "STATS_GET",
	[VGATE_CMD_CONFIG_GET] = "CONFIG_GET",
	[VGATE_CMD_CONFIG_SET] = "CONFIG_SET",
	[VGATE_CMD_PEER_NEW] = "PEER_NEW",
	[VGATE_CMD_PEER_SET] = "PEER_SET",
	[VGATE_CMD_PEER_GET] = "PEER_GET",
	[VGATE_CMD_PEER_DEL] = "PEER_DEL",
	[VGATE_CMD_PEER_FLUSH] = "PEER_FLUSH",
	[VGATE_CMD_TXN_BEGIN] = "TXN_BEGIN",
	[VGATE_CMD_TXN_COMMIT] = "TXN_COMMIT",
	[VGATE_CMD_TXN_ABORT] = "TXN_ABORT",
	[VGATE_CMD_EXPLAIN] = "EXPLAIN",
	[VGATE_CMD_ACQUIRE] = "ACQUIRE",
	[VGATE_CMD_ENCAP_SOCK_SET] = "ENCAP_SOCK_SET",
	[VGATE_CMD_ENCAP_SOCK_GET] = "ENCAP_SOCK_GET",
	[VGATE_CMD_ENCAP_SOCK_DEL] = "ENCAP_SOCK_DEL",
};

static struct vg_family vgate_family = {
	.name = VGATE_GENL_NAME,
	.missing = "kernel module not loaded (generic netlink family "
		   VGATE_GENL_NAME " not found)",
	.top = top_desc,
	.top_max = VGATE_A_MAX,
	.cmds = cmd_names,
	.cmd_max = VGATE_CMD_MAX,
};

const char *vg_family_cmd(const struct vg_family *f, int cmd)
{
	if (cmd > 0 && cmd <= f->cmd_max && f->cmds[cmd])
		return f->cmds[cmd];
	return "?";
}

const char *vg_cmd_name(int cmd)
{
	return vg_family_cmd(&vgate_family, cmd);
}

/* Exact payload size of a fixed-size type, 0 if variable. */
static int atype_len(enum atype t)
{
	switch (t) {
	case AT_U8:
		return 1;
	case AT_U16:
		return 2;
	case AT_U32:
		return 4;
	case AT_U64:
		return 8;
	default:
		return 0;
	}
}

/*
 * Index a stream of attributes by type, checking sizes.  Unknown types
 * (newer kernels) are ignored; a known attribute of the wrong size is an
 * error.
 */
static int attrs_index(struct nlattr *head, int len, const struct adesc *d,
		       int max, struct nlattr **tb)
{
	struct nlattr *a;
	int rem, t, want;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	nla_for_each_attr(a, head, len, rem) {
		t = nla_type(a);
		if (t <= 0 || t > max || d[t].type == AT_NONE ||
		    d[t].type == AT_PAD)
			continue;
		want = atype_len(d[t].type);
		if ((want && nla_len(a) < want) ||
		    (d[t].type == AT_ADDR && nla_len(a) != 4 &&
		     nla_len(a) != 16)) {
			vg_err("kernel reply: attribute %s has bad length %d",
				d[t].name, nla_len(a));
			return -EPROTO;
		}
		tb[t] = a;
	}
	return 0;
}

static int nest_index(struct nlattr *nest, const struct adesc *d, int max,
		      struct nlattr **tb)
{
	return attrs_index(nla_data(nest), nla_len(nest), d, max, tb);
}

int vg_nest_index(struct nlattr *nest, const struct adesc *d, int max,
		  struct nlattr **tb)
{
	return nest_index(nest, d, max, tb);
}

/* ---- dry-run printing ---- */

static void print_attrs(struct nlattr *head, int len, const struct adesc *d,
			int max, int depth)
{
	struct nlattr *a;
	char buf[64];
	int rem, t, want;

	nla_for_each_attr(a, head, len, rem) {
		const struct adesc *ad;

		t = nla_type(a);
		ad = t > 0 && t <= max && d ? &d[t] : NULL;
		printf("%*s%s", depth * 2, "", ad && ad->name ? ad->name : "?");
		if (!ad || !ad->name) {
			printf(" type %d <%d bytes>\n", t, nla_len(a));
			continue;
		}
		want = atype_len(ad->type);
		if (want && nla_len(a) != want) {
			printf(" <bad length %d>\n", nla_len(a));
			continue;
		}
		switch (ad->type) {
		case AT_U8:
			printf(" u8 %u\n", nla_get_u8(a));
			break;
		case AT_U16:
			printf(" u16 %u\n", nla_get_u16(a));
			break;
		case AT_U32:
			printf(" u32 %u\n", nla_get_u32(a));
			break;
		case AT_U64:
			printf(" u64 %" PRIu64 "\n", (uint64_t)nla_get_u64(a));
			break;
		case AT_ADDR: {
			struct vg_addr ad4 = { 0 };

			ad4.family = nla_len(a) == 16 ? AF_INET6 : AF_INET;
			ad4.len = nla_len(a) <= VG_ADDR_MAX ? nla_len(a) : 0;
			memcpy(ad4.a, nla_data(a), ad4.len);
			printf(" addr %s\n", fmt_addr(&ad4, buf, sizeof(buf)));
			break;
		}
		case AT_KEY:
			printf(" <%d bytes>\n", nla_len(a));
			break;
		case AT_STR:
			printf(" str \"%.*s\"\n", (int)strnlen(nla_data(a),
						       nla_len(a)),
			       (const char *)nla_data(a));
			break;
		case AT_NEST:
			printf(" nest\n");
			print_attrs(nla_data(a), nla_len(a), ad->nest,
				    ad->nest_max, depth + 1);
			break;
		default:
			printf(" <%d bytes>\n", nla_len(a));
		}
	}
}

static void print_request(const struct vg_family *f, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);

	printf("%s%s\n", vg_family_cmd(f, g->cmd),
	       nlh->nlmsg_flags & NLM_F_DUMP ? " dump" : "");
	print_attrs(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), f->top,
		    f->top_max, 1);
	fflush(stdout);
}

/* Name the attribute at byte offset offs of msg, e.g. "SA.SPI". */
static int attr_at(struct nlattr *head, int len, const struct adesc *d,
		   int max, const char *base, int offs, char *out, size_t n)
{
	struct nlattr *a;
	int rem, t, start, plen;
	const char *name;

	nla_for_each_attr(a, head, len, rem) {
		t = nla_type(a);
		name = t > 0 && t <= max && d && d[t].name ? d[t].name : "?";
		start = (const char *)a - base;
		if (offs == start) {
			snprintf(out, n, "%s", name);
			return 0;
		}
		if (offs > start && offs < start + (int)a->nla_len &&
		    d && t > 0 && t <= max && d[t].type == AT_NEST) {
			plen = snprintf(out, n, "%s.", name);
			if (plen < 0 || (size_t)plen >= n)
				return -1;
			return attr_at(nla_data(a), nla_len(a), d[t].nest,
				       d[t].nest_max, base, offs, out + plen,
				       n - plen);
		}
	}
	return -1;
}

/* ---- socket and request/response ---- */

struct ctx {
	const struct vg_family *fam;
	int err;		/* negative errno from the kernel */
	bool done;
	bool intr;		/* NLM_F_DUMP_INTR seen */
	char msg[256];		/* extack message */
	int offs;		/* extack offset, -1 if none */
	struct nl_msg *req;
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
	int perr;		/* error from parse */
};

static int sys_error(const char *what, int nlerr)
{
	vg_err("%s: %s", what, nl_geterror(nlerr));
	return -EIO;
}

static int nl_open(void)
{
	int one = 1, r;

	if (sock)
		return 0;
	sock = nl_socket_alloc();
	if (!sock) {
		vg_err("cannot allocate a netlink socket");
		return -ENOMEM;
	}
	if (fake_recv) {
		/* Not connected.  No auto-ack: no sequence number check. */
		nl_socket_disable_auto_ack(sock);
		return 0;
	}
	r = genl_connect(sock);
	if (r < 0) {
		r = sys_error("cannot open generic netlink socket", r);
		nl_socket_free(sock);
		sock = NULL;
		return r;
	}
	/* Ask for extended acks; old kernels without it just ignore us. */
	setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	nl_socket_enable_msg_peek(sock);
	return 0;
}

/* Open the socket and resolve f's id: 0, -ENOENT if f is not registered. */
static int family_open(struct vg_family *f, bool quiet)
{
	char what[96];
	int r, id;

	r = nl_open();
	if (r || f->id > 0)
		return r;
	if (fake_recv) {
		f->id = GENL_MIN_ID;	/* any: replies are not checked for it */
		return 0;
	}
	id = genl_ctrl_resolve(sock, f->name);
	if (id == -NLE_OBJ_NOTFOUND) {
		if (!quiet)
			vg_err("%s", f->missing);
		return -ENOENT;
	}
	if (id < 0) {
		snprintf(what, sizeof(what),
			 "cannot resolve generic netlink family %s", f->name);
		sys_error(what, id);
		return -EIO;
	}
	f->id = id;
	return 0;
}

struct nl_msg *vg_genl_msg(const struct vg_family *f, uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, flags, cmd,
			     f->version))
		return m;
	if (m)
		nlmsg_free(m);
	return NULL;
}

int vg_genl_nomem(struct nl_msg *m)
{
	vg_err("cannot build the netlink request");
	if (m)
		nlmsg_free(m);
	return -ENOMEM;
}

int vg_genl_present(struct vg_family *f)
{
	int r;

	if (vg_dry_run)
		return 1;
	r = family_open(f, true);
	if (r == -ENOENT)
		return 0;
	return r ? r : 1;
}

void vg_nl_close(void)
{
	if (sock)
		nl_socket_free(sock);
	sock = NULL;
}

static int fake_recv_cb(struct nl_sock *sk, struct sockaddr_nl *nla,
			unsigned char **buf, struct ucred **creds)
{
	(void)sk;
	nla->nl_family = AF_NETLINK;	/* from the kernel: port 0 */
	nla->nl_pid = 0;
	*creds = NULL;
	return fake_recv(buf);
}

void vg_genl_fake_kernel(vg_genl_recv_fn recv)
{
	vg_nl_close();
	fake_recv = recv;
}

/* Pull the extended ack TLVs that follow a netlink error header. */
static void parse_extack(struct ctx *c, struct nlmsghdr *nlh, void *tlvs)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int len = (char *)nlh + nlh->nlmsg_len - (char *)tlvs;
	struct nlattr *a;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	memset(tb, 0, sizeof(tb));
	nla_for_each_attr(a, tlvs, len, rem)
		if (nla_type(a) <= NLMSGERR_ATTR_MAX)
			tb[nla_type(a)] = a;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		size_t n = nla_len(tb[NLMSGERR_ATTR_MSG]);

		if (n >= sizeof(c->msg))
			n = sizeof(c->msg) - 1;
		memcpy(c->msg, nla_data(tb[NLMSGERR_ATTR_MSG]), n);
		c->msg[n] = '\0';
	}
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4)
		c->offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

/*
 * The error of an NLMSG_ERROR or NLMSG_DONE as a negative errno: the
 * kernel's -1..-4095, anything else (which no kernel sends) -EPROTO, so
 * that -err is always an errno for strerror().
 */
static int kernel_errno(int e)
{
	return e < 0 && e >= -4095 ? e : -EPROTO;
}

static int cb_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct ctx *c = arg;
	size_t off = sizeof(*e);

	(void)nla;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	c->err = kernel_errno(e->error);
	if (NLMSG_HDRLEN + off < nlh->nlmsg_len)
		parse_extack(c, nlh, (char *)e + off);
	c->done = true;
	return NL_STOP;
}

static int cb_ack(struct nl_msg *msg, void *arg)
{
	struct ctx *c = arg;

	(void)msg;
	c->done = true;
	return NL_STOP;
}

/* NLMSG_DONE of a dump; it carries the dump's error, if any. */
static int cb_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ctx *c = arg;
	int e;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		c->intr = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(int)) {
		memcpy(&e, nlmsg_data(nlh), sizeof(e));
		if (e < 0) {
			c->err = kernel_errno(e);
			parse_extack(c, nlh, (char *)nlmsg_data(nlh) + sizeof(int));
		}
	}
	c->done = true;
	return NL_STOP;
}

static int cb_intr(struct nl_msg *msg, void *arg)
{
	struct ctx *c = arg;

	(void)msg;
	c->intr = true;
	return NL_OK;
}

static int cb_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[VG_GENL_TOP_MAX + 1];
	struct ctx *c = arg;
	int r;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		c->intr = true;
	if (!c->parse || c->perr)
		return NL_OK;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		c->perr = -EPROTO;
		return NL_OK;
	}
	r = attrs_index(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0),
			c->fam->top, c->fam->top_max, tb);
	if (!r)
		r = c->parse(tb, c->arg);
	if (r)
		c->perr = r;
	return NL_OK;
}

static void report(const struct ctx *c, const char *cmd)
{
	char where[96] = "";
	struct nlmsghdr *nlh = nlmsg_hdr(c->req);
	struct genlmsghdr *g = nlmsg_data(nlh);

	if (c->offs >= 0 &&
	    !attr_at(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0),
		     c->fam->top, c->fam->top_max, (const char *)nlh, c->offs,
		     where + 12, sizeof(where) - 13))
		memcpy(where, " (attribute ", 12), strcat(where, ")");
	if (c->err == -EPERM && !c->msg[0])
		vg_err("%s: %s (CAP_NET_ADMIN required)",
			cmd, strerror(-c->err));
	else if (c->msg[0])
		vg_err("%s: %s: %s%s", cmd, c->msg,
			strerror(-c->err), where);
	else
		vg_err("%s: %s%s", cmd, strerror(-c->err),
			where);
}

int vg_genl_transact(struct vg_family *f, struct nl_msg *msg,
		     int (*parse)(struct nlattr **tb, void *arg), void *arg,
		     bool *intr)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	const char *name = vg_family_cmd(f, g->cmd);
	struct ctx c = { .fam = f, .offs = -1, .req = msg, .parse = parse,
			 .arg = arg };
	struct nl_cb *cb = NULL;
	int r;

	if (vg_dry_run) {
		print_request(f, msg);
		r = 0;
		goto out;
	}
	if (f->top_max > VG_GENL_TOP_MAX) {
		vg_err("%s: too many attribute types", f->name);
		r = -EINVAL;
		goto out;
	}
	r = family_open(f, false);
	if (r)
		goto out;
	nlh->nlmsg_type = f->id;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		r = -ENOMEM;
		vg_err("out of memory");
		goto out;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, cb_error, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, cb_ack, &c);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, cb_finish, &c);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, cb_intr, &c);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cb_valid, &c);

	if (fake_recv) {
		nl_complete_msg(sock, msg);	/* as if sent */
		nl_cb_overwrite_recv(cb, fake_recv_cb);
	} else {
		r = nl_send_auto(sock, msg);
		if (r < 0) {
			r = sys_error(name, r);
			goto out;
		}
	}
	while (!c.done) {
		r = nl_recvmsgs(sock, cb);
		if (r < 0 && !c.done) {
			r = sys_error(name, r);
			goto out;
		}
	}
	r = 0;
	if (c.err) {
		if (!f->error || !f->error(c.err, c.msg))
			report(&c, name);
		r = c.err;
	} else if (c.perr) {
		vg_err("%s: cannot understand the kernel's reply",
			name);
		r = c.perr;
	}
	if (intr)
		*intr = c.intr;
out:
	nl_cb_put(cb);
	explicit_bzero(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
	nlmsg_free(msg);
	return r;
}

/*
 * Send msg of the vgate family (freed here, wiped first: it may hold keys)
 * and read the answer.  Returns 0, or -errno after printing a message.
 */
static int transact(struct nl_msg *msg, int (*parse)(struct nlattr **, void *),
		    void *arg, bool *intr)
{
	return vg_genl_transact(&vgate_family, msg, parse, arg, intr);
}

static void put_addr(struct nl_msg *m, int type, const struct vg_addr *a)
{
	nla_put(m, type, a->len, a->a);
}

static int put_sa(struct nl_msg *m, const struct vg_sa *sa)
{
	struct nlattr *nest, *lt;
	int t;

	nest = nla_nest_start(m, VGATE_A_SA);
	if (!nest)
		return -EMSGSIZE;
	if (sa->has & VG_SA_SPI)
		nla_put_u32(m, VGATE_SA_A_SPI, sa->spi);
	if (sa->has & VG_SA_PROTO)
		nla_put_u8(m, VGATE_SA_A_PROTO, sa->proto);
	if (sa->has & VG_SA_FAMILY)
		nla_put_u16(m, VGATE_SA_A_FAMILY, sa->family);
	if (sa->has & VG_SA_SRC)
		put_addr(m, VGATE_SA_A_SRC, &sa->src);
	if (sa->has & VG_SA_DST)
		put_addr(m, VGATE_SA_A_DST, &sa->dst);
	if (sa->has & VG_SA_MODE)
		nla_put_u8(m, VGATE_SA_A_MODE, sa->mode);
	if (sa->has & VG_SA_COMP)
		nla_put_u16(m, VGATE_SA_A_COMP, sa->comp);
	if (sa->has & VG_SA_ENC)
		nla_put_u16(m, VGATE_SA_A_ENC, sa->enc);
	if (sa->has & VG_SA_ENC_KEY)
		nla_put(m, VGATE_SA_A_ENC_KEY, sa->enc_key_len, sa->enc_key);
	if (sa->has & VG_SA_AUTH)
		nla_put_u16(m, VGATE_SA_A_AUTH, sa->auth);
	if (sa->has & VG_SA_AUTH_KEY)
		nla_put(m, VGATE_SA_A_AUTH_KEY, sa->auth_key_len, sa->auth_key);
	if (sa->has & VG_SA_REPLAY)
		nla_put_u32(m, VGATE_SA_A_REPLAY_WINDOW, sa->replay_window);
	if (sa->has & VG_SA_LIFETIME) {
		lt = nla_nest_start(m, VGATE_SA_A_LIFETIME);
		if (!lt)
			return -EMSGSIZE;
		for (t = 1; t <= VGATE_LT_A_MAX; t++)
			if (sa->lt_has & (1U << t))
				nla_put_u64(m, t, sa->lt[t]);
		nla_nest_end(m, lt);
	}
	if (sa->has & VG_SA_FLAGS)
		nla_put_u32(m, VGATE_SA_A_FLAGS, sa->flags);
	if (sa->has & VG_SA_REQID)
		nla_put_u32(m, VGATE_SA_A_REQID, sa->reqid);
	if (sa->has & VG_SA_ENCAP) {
		lt = nla_nest_start(m, VGATE_SA_A_ENCAP);
		if (!lt)
			return -EMSGSIZE;
		nla_put_u8(m, VGATE_ENCAP_A_TYPE, VGATE_ENCAP_ESPINUDP);
		nla_put_u16(m, VGATE_ENCAP_A_SPORT, sa->encap_sport);
		nla_put_u16(m, VGATE_ENCAP_A_DPORT, sa->encap_dport);
		if (sa->has & VG_SA_NATOA)
			put_addr(m, VGATE_ENCAP_A_OA, &sa->oa);
		nla_nest_end(m, lt);
	}
	if (sa->has & VG_SA_OSEQ)
		nla_put_u64(m, VGATE_SA_A_OSEQ, sa->oseq);
	if (sa->has & VG_SA_ISEQ)
		nla_put_u64(m, VGATE_SA_A_REPLAY_SEQ, sa->iseq);
	return nla_nest_end(m, nest);
}

static void put_range(struct nl_msg *m, int a, int plen, int end,
		      const struct vg_range *r)
{
	switch (r->kind) {
	case VG_RANGE_HOST:
		put_addr(m, a, &r->addr);
		break;
	case VG_RANGE_NET:
		put_addr(m, a, &r->addr);
		nla_put_u8(m, plen, r->plen);
		break;
	case VG_RANGE_RANGE:
		put_addr(m, a, &r->addr);
		put_addr(m, end, &r->end);
		break;
	}
}

static int put_rule(struct nl_msg *m, const struct vg_rule *r)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_RULE);

	if (!nest)
		return -EMSGSIZE;
	if (r->has & VG_RULE_ID)
		nla_put_u32(m, VGATE_RULE_A_ID, r->id);
	if (r->has & VG_RULE_FAMILY)
		nla_put_u16(m, VGATE_RULE_A_FAMILY, r->family);
	if (r->has & VG_RULE_STAGE)
		nla_put_u8(m, VGATE_RULE_A_STAGE, r->stage);
	if (r->has & VG_RULE_PEER_NAME)
		nla_put_string(m, VGATE_RULE_A_PEER_NAME, r->peer_name);
	if (r->has & VG_RULE_DESCR)
		nla_put_string(m, VGATE_RULE_A_DESCR, r->descr);
	put_range(m, VGATE_RULE_A_LOCAL, VGATE_RULE_A_LOCAL_PLEN,
		  VGATE_RULE_A_LOCAL_END, &r->local);
	put_range(m, VGATE_RULE_A_REMOTE, VGATE_RULE_A_REMOTE_PLEN,
		  VGATE_RULE_A_REMOTE_END, &r->remote);
	if (r->has & VG_RULE_PROTO)
		nla_put_u8(m, VGATE_RULE_A_PROTO, r->proto);
	if (r->has & VG_RULE_LPORT) {
		nla_put_u16(m, VGATE_RULE_A_LPORT_MIN, r->lport.min);
		nla_put_u16(m, VGATE_RULE_A_LPORT_MAX, r->lport.max);
	}
	if (r->has & VG_RULE_RPORT) {
		nla_put_u16(m, VGATE_RULE_A_RPORT_MIN, r->rport.min);
		nla_put_u16(m, VGATE_RULE_A_RPORT_MAX, r->rport.max);
	}
	if (r->has & VG_RULE_ACTION)
		nla_put_u8(m, VGATE_RULE_A_ACTION, r->action);
	if (r->has & VG_RULE_SPI_OUT)
		nla_put_u32(m, VGATE_RULE_A_SPI_OUT, r->spi_out);
	if (r->has & VG_RULE_SPI_IN)
		nla_put_u32(m, VGATE_RULE_A_SPI_IN, r->spi_in);
	if (r->has & VG_RULE_AH_SPI_OUT)
		nla_put_u32(m, VGATE_RULE_A_AH_SPI_OUT, r->ah_spi_out);
	if (r->has & VG_RULE_AH_SPI_IN)
		nla_put_u32(m, VGATE_RULE_A_AH_SPI_IN, r->ah_spi_in);
	if (r->has & VG_RULE_CPI_OUT)
		nla_put_u16(m, VGATE_RULE_A_CPI_OUT, r->cpi_out);
	if (r->has & VG_RULE_CPI_IN)
		nla_put_u16(m, VGATE_RULE_A_CPI_IN, r->cpi_in);
	if (r->has & VG_RULE_FLAGS)
		nla_put_u32(m, VGATE_RULE_A_FLAGS, r->flags);
	return nla_nest_end(m, nest);
}

static int put_peer(struct nl_msg *m, const struct vg_peer *p)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_PEER);

	if (!nest)
		return -EMSGSIZE;
	if (p->has & VG_PEER_ID)
		nla_put_u32(m, VGATE_PEER_A_ID, p->id);
	if (p->has & VG_PEER_NAME)
		nla_put_string(m, VGATE_PEER_A_NAME, p->name);
	if (p->has & VG_PEER_DESCR)
		nla_put_string(m, VGATE_PEER_A_DESCR, p->descr);
	if (p->has & VG_PEER_FAMILY)
		nla_put_u16(m, VGATE_PEER_A_FAMILY, p->family);
	if (p->has & VG_PEER_ADDR)
		put_addr(m, VGATE_PEER_A_ADDR, &p->addr);
	if (p->has & VG_PEER_HOSTNAME)
		nla_put_string(m, VGATE_PEER_A_HOSTNAME, p->hostname);
	if (p->has & VG_PEER_ADMIN)
		nla_put_u8(m, VGATE_PEER_A_ADMIN, p->admin);
	if (p->has & VG_PEER_OPER)
		nla_put_u8(m, VGATE_PEER_A_OPER, p->oper);
	if (p->has & VG_PEER_BLOCK)
		nla_put_u32(m, VGATE_PEER_A_BLOCK_SECONDS, p->block_seconds);
	if (p->has & VG_PEER_VIRTUAL)
		nla_put_u8(m, VGATE_PEER_A_VIRTUAL, p->virt);
	if (p->has & VG_PEER_PMTU)
		nla_put_u8(m, VGATE_PEER_A_PROPAGATE_PMTU, p->pmtu);
	if (p->has & VG_PEER_IPCOMP)
		nla_put_u8(m, VGATE_PEER_A_IPCOMP, p->ipcomp);
	if (p->has & VG_PEER_SPI_OUT)
		nla_put_u32(m, VGATE_PEER_A_SPI_OUT, p->spi_out);
	if (p->has & VG_PEER_SPI_IN)
		nla_put_u32(m, VGATE_PEER_A_SPI_IN, p->spi_in);
	return nla_nest_end(m, nest);
}

static int put_flow(struct nl_msg *m, const struct vg_flow *f)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_FLOW);

	if (!nest)
		return -EMSGSIZE;
	nla_put_u16(m, VGATE_FLOW_A_FAMILY, f->family);
	put_addr(m, VGATE_FLOW_A_SRC, &f->src);
	put_addr(m, VGATE_FLOW_A_DST, &f->dst);
	if (f->has & VG_FLOW_PROTO)
		nla_put_u8(m, VGATE_FLOW_A_PROTO, f->proto);
	if (f->has & VG_FLOW_SPORT)
		nla_put_u16(m, VGATE_FLOW_A_SPORT, f->sport);
	if (f->has & VG_FLOW_DPORT)
		nla_put_u16(m, VGATE_FLOW_A_DPORT, f->dport);
	if (f->has & VG_FLOW_DIR)
		nla_put_u8(m, VGATE_FLOW_A_DIR, f->dir);
	if (f->has & VG_FLOW_ITERATIONS)
		nla_put_u32(m, VGATE_FLOW_A_ITERATIONS, f->iterations);
	return nla_nest_end(m, nest);
}

static int put_cfg(struct nl_msg *m, const struct vg_cfg *cfg)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_CONFIG);

	if (!nest)
		return -EMSGSIZE;
	if (cfg->has & VG_CFG_REPLAY_WINDOW)
		nla_put_u32(m, VGATE_CFG_A_REPLAY_WINDOW, cfg->replay_window);
	if (cfg->has & VG_CFG_MAX_SAS)
		nla_put_u32(m, VGATE_CFG_A_MAX_SAS, cfg->max_sas);
	if (cfg->has & VG_CFG_DROP_LOG)
		nla_put_u8(m, VGATE_CFG_A_DROP_LOG, cfg->drop_log);
	if (cfg->has & VG_CFG_SWSKIP_OVERLAP)
		nla_put_u8(m, VGATE_CFG_A_SWSKIP_OVERLAP, cfg->swskip_overlap);
	if (cfg->has & VG_CFG_POST_DEFAULT)
		nla_put_u8(m, VGATE_CFG_A_POST_DEFAULT, cfg->post_default);
	if (cfg->has & VG_CFG_ACQUIRE_TIMEOUT)
		nla_put_u32(m, VGATE_CFG_A_ACQUIRE_TIMEOUT, cfg->acquire_timeout);
	if (cfg->has & VG_CFG_ACQUIRE_QUEUE)
		nla_put_u32(m, VGATE_CFG_A_ACQUIRE_QUEUE, cfg->acquire_queue);
	if (cfg->has & VG_CFG_NATT_KEEPALIVE)
		nla_put_u32(m, VGATE_CFG_A_NATT_KEEPALIVE, cfg->natt_keepalive);
	return nla_nest_end(m, nest);
}

static int put_encap_sock(struct nl_msg *m, uint16_t port)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_ENCAP_SOCK);

	if (!nest)
		return -EMSGSIZE;
	if (port)
		nla_put_u16(m, VGATE_ENCAP_SOCK_A_PORT, port);
	return nla_nest_end(m, nest);
}

/* Build the message for req; the family id is filled in at send time. */
static struct nl_msg *build(const struct vg_req *req)
{
	struct nl_msg *m = nlmsg_alloc();
	int flags = req->dump ? NLM_F_DUMP : NLM_F_ACK;
	int r = 0;

	if (!m)
		goto nomem;
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, flags, req->cmd,
			 VGATE_GENL_VERSION))
		goto nomem;
	switch (req->obj) {
	case VG_OBJ_SA:
		r = put_sa(m, &req->sa);
		break;
	case VG_OBJ_RULE:
		r = put_rule(m, &req->rule);
		break;
	case VG_OBJ_CONFIG:
		r = put_cfg(m, &req->cfg);
		break;
	case VG_OBJ_PEER:
		r = put_peer(m, &req->peer);
		break;
	case VG_OBJ_FLOW:
		r = put_flow(m, &req->flow);
		break;
	case VG_OBJ_ENCAP_SOCK:
		r = put_encap_sock(m, req->natt_port);
		break;
	case VG_OBJ_NONE:
		break;
	}
	if (r < 0)
		goto nomem;
	return m;
nomem:
	vg_err("cannot build the netlink request");
	if (m) {
		explicit_bzero(nlmsg_hdr(m), nlmsg_get_max_size(m));
		nlmsg_free(m);
	}
	return NULL;
}

int vg_nl_do(const struct vg_req *req)
{
	struct nl_msg *m = build(req);

	if (!m)
		return -ENOMEM;
	return transact(m, NULL, NULL, NULL);
}

/*
 * Worst case size of one rule nest (IPv6 ranges, ports, peer name and a
 * full description): a rule is only added to a batch if this much room is
 * left.
 */
#define RULE_NEST_MAX 640

int vg_nl_rule_batch(const struct vg_rule *const *rules, size_t n,
		     size_t *sent)
{
	struct nl_msg *m;
	size_t k = 0;

	*sent = 0;
	if (!n)
		return 0;
	m = nlmsg_alloc_size(VG_BATCH_BYTES);
	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, NLM_F_ACK,
			       VGATE_CMD_RULE_NEW, VGATE_GENL_VERSION))
		goto nomem;
	while (k < n && k < VG_BATCH_RULES &&
	       (!k || nlmsg_hdr(m)->nlmsg_len + RULE_NEST_MAX <= VG_BATCH_BYTES)) {
		if (put_rule(m, rules[k]) < 0)
			goto nomem;
		k++;
	}
	*sent = k;
	return transact(m, NULL, NULL, NULL);
nomem:
	vg_err("cannot build the netlink request");
	if (m)
		nlmsg_free(m);
	return -ENOMEM;
}

/* ---- replies into structs ---- */

static void get_addr(struct nlattr *a, struct vg_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->len = nla_len(a);
	out->family = out->len == 16 ? AF_INET6 : AF_INET;
	memcpy(out->a, nla_data(a), out->len);
}

static int sa_from_attrs(struct nlattr *nest, struct vg_sa *sa)
{
	struct nlattr *tb[VGATE_SA_A_MAX + 1];
	struct nlattr *sub[VGATE_SA_STATS_A_MAX + 1 > VGATE_LT_A_MAX + 1 ?
			   VGATE_SA_STATS_A_MAX + 1 : VGATE_LT_A_MAX + 1];
	int r, t;

	memset(sa, 0, sizeof(*sa));
	r = nest_index(nest, sa_desc, VGATE_SA_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_SA_A_SPI])
		sa->spi = nla_get_u32(tb[VGATE_SA_A_SPI]), sa->has |= VG_SA_SPI;
	if (tb[VGATE_SA_A_PROTO])
		sa->proto = nla_get_u8(tb[VGATE_SA_A_PROTO]), sa->has |= VG_SA_PROTO;
	if (tb[VGATE_SA_A_FAMILY])
		sa->family = nla_get_u16(tb[VGATE_SA_A_FAMILY]),
		sa->has |= VG_SA_FAMILY;
	if (tb[VGATE_SA_A_SRC])
		get_addr(tb[VGATE_SA_A_SRC], &sa->src), sa->has |= VG_SA_SRC;
	if (tb[VGATE_SA_A_DST])
		get_addr(tb[VGATE_SA_A_DST], &sa->dst), sa->has |= VG_SA_DST;
	if (tb[VGATE_SA_A_MODE])
		sa->mode = nla_get_u8(tb[VGATE_SA_A_MODE]), sa->has |= VG_SA_MODE;
	if (tb[VGATE_SA_A_ENC])
		sa->enc = nla_get_u16(tb[VGATE_SA_A_ENC]), sa->has |= VG_SA_ENC;
	if (tb[VGATE_SA_A_COMP])
		sa->comp = nla_get_u16(tb[VGATE_SA_A_COMP]), sa->has |= VG_SA_COMP;
	if (tb[VGATE_SA_A_ENC_KEY_BITS])
		sa->enc_key_bits = nla_get_u16(tb[VGATE_SA_A_ENC_KEY_BITS]);
	if (tb[VGATE_SA_A_AUTH])
		sa->auth = nla_get_u16(tb[VGATE_SA_A_AUTH]), sa->has |= VG_SA_AUTH;
	if (tb[VGATE_SA_A_REPLAY_WINDOW])
		sa->replay_window = nla_get_u32(tb[VGATE_SA_A_REPLAY_WINDOW]),
		sa->has |= VG_SA_REPLAY;
	if (tb[VGATE_SA_A_FLAGS])
		sa->flags = nla_get_u32(tb[VGATE_SA_A_FLAGS]), sa->has |= VG_SA_FLAGS;
	if (tb[VGATE_SA_A_SEQ])
		sa->seq = nla_get_u64(tb[VGATE_SA_A_SEQ]), sa->has |= VG_SA_SEQ;
	if (tb[VGATE_SA_A_AGE])
		sa->age = nla_get_u64(tb[VGATE_SA_A_AGE]), sa->has |= VG_SA_AGE;
	if (tb[VGATE_SA_A_REQID])
		sa->reqid = nla_get_u32(tb[VGATE_SA_A_REQID]), sa->has |= VG_SA_REQID;
	if (tb[VGATE_SA_A_ENCAP]) {
		struct nlattr *e[VGATE_ENCAP_A_MAX + 1];

		r = nest_index(tb[VGATE_SA_A_ENCAP], encap_desc,
			       VGATE_ENCAP_A_MAX, e);
		if (r)
			return r;
		if (e[VGATE_ENCAP_A_SPORT])
			sa->encap_sport = nla_get_u16(e[VGATE_ENCAP_A_SPORT]);
		if (e[VGATE_ENCAP_A_DPORT])
			sa->encap_dport = nla_get_u16(e[VGATE_ENCAP_A_DPORT]);
		if (e[VGATE_ENCAP_A_OA])
			get_addr(e[VGATE_ENCAP_A_OA], &sa->oa),
			sa->has |= VG_SA_NATOA;
		sa->has |= VG_SA_ENCAP;
	}
	if (tb[VGATE_SA_A_OSEQ])
		sa->oseq = nla_get_u64(tb[VGATE_SA_A_OSEQ]), sa->has |= VG_SA_OSEQ;
	if (tb[VGATE_SA_A_REPLAY_SEQ])
		sa->iseq = nla_get_u64(tb[VGATE_SA_A_REPLAY_SEQ]),
		sa->has |= VG_SA_ISEQ;
	if (tb[VGATE_SA_A_EXPIRE_LIMIT] && tb[VGATE_SA_A_EXPIRE_HARD]) {
		sa->expire_limit = nla_get_u8(tb[VGATE_SA_A_EXPIRE_LIMIT]);
		sa->expire_hard = nla_get_u8(tb[VGATE_SA_A_EXPIRE_HARD]);
		sa->has |= VG_SA_EXPIRE;
	}
	if (tb[VGATE_SA_A_LIFETIME]) {
		r = nest_index(tb[VGATE_SA_A_LIFETIME], lt_desc, VGATE_LT_A_MAX,
			       sub);
		if (r)
			return r;
		for (t = 1; t <= VGATE_LT_A_MAX; t++)
			if (sub[t]) {
				sa->lt[t] = nla_get_u64(sub[t]);
				sa->lt_has |= 1U << t;
			}
		sa->has |= VG_SA_LIFETIME;
	}
	if (tb[VGATE_SA_A_STATS]) {
		r = nest_index(tb[VGATE_SA_A_STATS], sa_stats_desc,
			       VGATE_SA_STATS_A_MAX, sub);
		if (r)
			return r;
		for (t = 1; t <= VGATE_SA_STATS_A_MAX; t++)
			if (sub[t])
				sa->st[t] = nla_get_u64(sub[t]);
		sa->has |= VG_SA_STATS;
	}
	return 0;
}

static void get_str(struct nlattr *a, char *out, size_t size)
{
	size_t n = strnlen(nla_data(a), nla_len(a));

	if (n >= size)
		n = size - 1;
	memcpy(out, nla_data(a), n);
	out[n] = '\0';
}

void vg_get_str(struct nlattr *a, char *out, size_t size)
{
	get_str(a, out, size);
}

static void get_range(struct nlattr **tb, int a, int plen, int end,
		      struct vg_range *r)
{
	memset(r, 0, sizeof(*r));
	if (!tb[a])
		return;
	get_addr(tb[a], &r->addr);
	r->kind = VG_RANGE_HOST;
	r->plen = r->addr.len * 8;
	if (tb[end]) {
		get_addr(tb[end], &r->end);
		r->kind = VG_RANGE_RANGE;
	} else if (tb[plen]) {
		r->plen = nla_get_u8(tb[plen]);
		if (r->plen == 0)
			r->kind = VG_RANGE_ANY;
		else if (r->plen < r->addr.len * 8)
			r->kind = VG_RANGE_NET;
	}
}

static int rule_from_attrs(struct nlattr *nest, struct vg_rule *ru)
{
	struct nlattr *tb[VGATE_RULE_A_MAX + 1];
	struct nlattr *sub[VGATE_RULE_STATS_A_MAX + 1];
	int r, t;

	memset(ru, 0, sizeof(*ru));
	r = nest_index(nest, rule_desc, VGATE_RULE_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_RULE_A_ID])
		ru->id = nla_get_u32(tb[VGATE_RULE_A_ID]), ru->has |= VG_RULE_ID;
	if (tb[VGATE_RULE_A_FAMILY])
		ru->family = nla_get_u16(tb[VGATE_RULE_A_FAMILY]),
		ru->has |= VG_RULE_FAMILY;
	get_range(tb, VGATE_RULE_A_LOCAL, VGATE_RULE_A_LOCAL_PLEN,
		  VGATE_RULE_A_LOCAL_END, &ru->local);
	get_range(tb, VGATE_RULE_A_REMOTE, VGATE_RULE_A_REMOTE_PLEN,
		  VGATE_RULE_A_REMOTE_END, &ru->remote);
	if (tb[VGATE_RULE_A_PROTO])
		ru->proto = nla_get_u8(tb[VGATE_RULE_A_PROTO]),
		ru->has |= VG_RULE_PROTO;
	if (tb[VGATE_RULE_A_LPORT_MIN] || tb[VGATE_RULE_A_LPORT_MAX]) {
		ru->lport.min = tb[VGATE_RULE_A_LPORT_MIN] ?
			nla_get_u16(tb[VGATE_RULE_A_LPORT_MIN]) : 0;
		ru->lport.max = tb[VGATE_RULE_A_LPORT_MAX] ?
			nla_get_u16(tb[VGATE_RULE_A_LPORT_MAX]) :
			tb[VGATE_RULE_A_LPORT_MIN] ? ru->lport.min : 65535;
		ru->has |= VG_RULE_LPORT;
	}
	if (tb[VGATE_RULE_A_RPORT_MIN] || tb[VGATE_RULE_A_RPORT_MAX]) {
		ru->rport.min = tb[VGATE_RULE_A_RPORT_MIN] ?
			nla_get_u16(tb[VGATE_RULE_A_RPORT_MIN]) : 0;
		ru->rport.max = tb[VGATE_RULE_A_RPORT_MAX] ?
			nla_get_u16(tb[VGATE_RULE_A_RPORT_MAX]) :
			tb[VGATE_RULE_A_RPORT_MIN] ? ru->rport.min : 65535;
		ru->has |= VG_RULE_RPORT;
	}
	if (tb[VGATE_RULE_A_ACTION])
		ru->action = nla_get_u8(tb[VGATE_RULE_A_ACTION]),
		ru->has |= VG_RULE_ACTION;
	if (tb[VGATE_RULE_A_PEER])
		get_addr(tb[VGATE_RULE_A_PEER], &ru->peer), ru->has |= VG_RULE_PEER;
	if (tb[VGATE_RULE_A_SPI_OUT])
		ru->spi_out = nla_get_u32(tb[VGATE_RULE_A_SPI_OUT]),
		ru->has |= VG_RULE_SPI_OUT;
	if (tb[VGATE_RULE_A_SPI_IN])
		ru->spi_in = nla_get_u32(tb[VGATE_RULE_A_SPI_IN]),
		ru->has |= VG_RULE_SPI_IN;
	if (tb[VGATE_RULE_A_AH_SPI_OUT])
		ru->ah_spi_out = nla_get_u32(tb[VGATE_RULE_A_AH_SPI_OUT]),
		ru->has |= VG_RULE_AH_SPI_OUT;
	if (tb[VGATE_RULE_A_AH_SPI_IN])
		ru->ah_spi_in = nla_get_u32(tb[VGATE_RULE_A_AH_SPI_IN]),
		ru->has |= VG_RULE_AH_SPI_IN;
	if (tb[VGATE_RULE_A_CPI_OUT])
		ru->cpi_out = nla_get_u16(tb[VGATE_RULE_A_CPI_OUT]),
		ru->has |= VG_RULE_CPI_OUT;
	if (tb[VGATE_RULE_A_CPI_IN])
		ru->cpi_in = nla_get_u16(tb[VGATE_RULE_A_CPI_IN]),
		ru->has |= VG_RULE_CPI_IN;
	if (tb[VGATE_RULE_A_STAGE])
		ru->stage = nla_get_u8(tb[VGATE_RULE_A_STAGE]),
		ru->has |= VG_RULE_STAGE;
	if (tb[VGATE_RULE_A_PEER_NAME]) {
		get_str(tb[VGATE_RULE_A_PEER_NAME], ru->peer_name,
			sizeof(ru->peer_name));
		ru->has |= VG_RULE_PEER_NAME;
	}
	if (!(ru->has & VG_RULE_STAGE)) {
		ru->stage = ru->has & VG_RULE_PEER_NAME ? VGATE_STAGE_PEER :
			    VGATE_STAGE_PRE;
	}
	if (tb[VGATE_RULE_A_FLAGS])
		ru->flags = nla_get_u32(tb[VGATE_RULE_A_FLAGS]),
		ru->has |= VG_RULE_FLAGS;
	if (tb[VGATE_RULE_A_DESCR]) {
		get_str(tb[VGATE_RULE_A_DESCR], ru->descr, sizeof(ru->descr));
		ru->has |= VG_RULE_DESCR;
	}
	if (tb[VGATE_RULE_A_STATS]) {
		r = nest_index(tb[VGATE_RULE_A_STATS], rule_stats_desc,
			       VGATE_RULE_STATS_A_MAX, sub);
		if (r)
			return r;
		for (t = 1; t <= VGATE_RULE_STATS_A_MAX; t++)
			if (sub[t])
				ru->st[t] = nla_get_u64(sub[t]);
		ru->has |= VG_RULE_STATS;
	}
	return 0;
}

static int peer_from_attrs(struct nlattr *nest, struct vg_peer *p)
{
	struct nlattr *tb[VGATE_PEER_A_MAX + 1];
	int r;

	memset(p, 0, sizeof(*p));
	r = nest_index(nest, peer_desc, VGATE_PEER_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_PEER_A_ID])
		p->id = nla_get_u32(tb[VGATE_PEER_A_ID]), p->has |= VG_PEER_ID;
	if (tb[VGATE_PEER_A_NAME])
		get_str(tb[VGATE_PEER_A_NAME], p->name, sizeof(p->name)),
		p->has |= VG_PEER_NAME;
	if (tb[VGATE_PEER_A_DESCR])
		get_str(tb[VGATE_PEER_A_DESCR], p->descr, sizeof(p->descr)),
		p->has |= VG_PEER_DESCR;
	if (tb[VGATE_PEER_A_FAMILY])
		p->family = nla_get_u16(tb[VGATE_PEER_A_FAMILY]),
		p->has |= VG_PEER_FAMILY;
	if (tb[VGATE_PEER_A_ADDR])
		get_addr(tb[VGATE_PEER_A_ADDR], &p->addr), p->has |= VG_PEER_ADDR;
	if (tb[VGATE_PEER_A_HOSTNAME])
		get_str(tb[VGATE_PEER_A_HOSTNAME], p->hostname,
			sizeof(p->hostname)), p->has |= VG_PEER_HOSTNAME;
	if (tb[VGATE_PEER_A_ADMIN])
		p->admin = nla_get_u8(tb[VGATE_PEER_A_ADMIN]),
		p->has |= VG_PEER_ADMIN;
	if (tb[VGATE_PEER_A_OPER])
		p->oper = nla_get_u8(tb[VGATE_PEER_A_OPER]), p->has |= VG_PEER_OPER;
	if (tb[VGATE_PEER_A_BLOCK_SECONDS])
		p->block_seconds = nla_get_u32(tb[VGATE_PEER_A_BLOCK_SECONDS]),
		p->has |= VG_PEER_BLOCK;
	if (tb[VGATE_PEER_A_VIRTUAL])
		p->virt = nla_get_u8(tb[VGATE_PEER_A_VIRTUAL]),
		p->has |= VG_PEER_VIRTUAL;
	if (tb[VGATE_PEER_A_PROPAGATE_PMTU])
		p->pmtu = nla_get_u8(tb[VGATE_PEER_A_PROPAGATE_PMTU]),
		p->has |= VG_PEER_PMTU;
	if (tb[VGATE_PEER_A_IPCOMP])
		p->ipcomp = nla_get_u8(tb[VGATE_PEER_A_IPCOMP]),
		p->has |= VG_PEER_IPCOMP;
	if (tb[VGATE_PEER_A_IFINDEX])
		p->ifindex = nla_get_u32(tb[VGATE_PEER_A_IFINDEX]),
		p->has |= VG_PEER_IFINDEX;
	if (tb[VGATE_PEER_A_IFNAME])
		get_str(tb[VGATE_PEER_A_IFNAME], p->ifname, sizeof(p->ifname)),
		p->has |= VG_PEER_IFNAME;
	if (tb[VGATE_PEER_A_SPI_OUT])
		p->spi_out = nla_get_u32(tb[VGATE_PEER_A_SPI_OUT]),
		p->has |= VG_PEER_SPI_OUT;
	if (tb[VGATE_PEER_A_SPI_IN])
		p->spi_in = nla_get_u32(tb[VGATE_PEER_A_SPI_IN]),
		p->has |= VG_PEER_SPI_IN;
	if (tb[VGATE_PEER_A_ENTRIES])
		p->entries = nla_get_u32(tb[VGATE_PEER_A_ENTRIES]),
		p->has |= VG_PEER_ENTRIES;
	return 0;
}

/* A growing array filled by a dump. */
struct vec {
	void *v;
	size_t n, cap, size;
};

static void *vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void *p = realloc(v->v, cap * v->size);

		if (!p)
			return NULL;
		v->v = p;
		v->cap = cap;
	}
	return (char *)v->v + v->n++ * v->size;
}

static int parse_sa_msg(struct nlattr **tb, void *arg)
{
	struct vg_sa *sa;

	if (!tb[VGATE_A_SA])
		return 0;
	sa = vec_push(arg);
	if (!sa)
		return -ENOMEM;
	return sa_from_attrs(tb[VGATE_A_SA], sa);
}

static int parse_rule_msg(struct nlattr **tb, void *arg)
{
	struct vg_rule *ru;

	if (!tb[VGATE_A_RULE])
		return 0;
	ru = vec_push(arg);
	if (!ru)
		return -ENOMEM;
	return rule_from_attrs(tb[VGATE_A_RULE], ru);
}

static int dump(uint8_t cmd, int (*parse)(struct nlattr **, void *),
		struct vec *v)
{
	struct vg_req req = { .cmd = cmd, .dump = true };
	bool intr = false;
	int r, i;

	for (i = 0; i < DUMP_RETRIES; i++) {
		struct nl_msg *m = build(&req);

		if (!m)
			return -ENOMEM;
		v->n = 0;
		r = transact(m, parse, v, &intr);
		if (r || !intr)
			return r;
	}
	vg_err("%s: the table kept changing during %d dumps, giving up",
		vg_cmd_name(cmd), DUMP_RETRIES);
	return -EAGAIN;
}

int vg_nl_dump_sas(struct vg_sa **sas, size_t *n)
{
	struct vec v = { .size = sizeof(struct vg_sa) };
	int r = dump(VGATE_CMD_SA_GET, parse_sa_msg, &v);

	if (r) {
		free(v.v);
		return r;
	}
	*sas = v.v;
	*n = v.n;
	return 0;
}

int vg_nl_dump_rules(struct vg_rule **rules, size_t *n)
{
	struct vec v = { .size = sizeof(struct vg_rule) };
	int r = dump(VGATE_CMD_RULE_GET, parse_rule_msg, &v);

	if (r) {
		free(v.v);
		return r;
	}
	*rules = v.v;
	*n = v.n;
	return 0;
}

static int parse_stats_msg(struct nlattr **tb, void *arg)
{
	struct nlattr *sub[VGATE_STATS_A_MAX + 1];
	struct vg_stats *st = arg;
	struct nlattr *a;
	int r, t, rem;

	if (!tb[VGATE_A_STATS])
		return 0;
	r = nest_index(tb[VGATE_A_STATS], stats_desc, VGATE_STATS_A_MAX, sub);
	if (r)
		return r;
	for (t = 1; t <= VGATE_STATS_A_MAX; t++) {
		if (!sub[t] || t == VGATE_STATS_A_DROPS)
			continue;
		st->v[t] = atype_len(stats_desc[t].type) == 4 ?
			nla_get_u32(sub[t]) : nla_get_u64(sub[t]);
		st->has |= 1ULL << t;
	}
	if (sub[VGATE_STATS_A_DROPS]) {
		/* Type 0 is no reason; it can only be padding. */
		nla_for_each_nested(a, sub[VGATE_STATS_A_DROPS], rem) {
			t = nla_type(a);
			if (t <= 0 || t > VGATE_DROP_MAX || nla_len(a) < 8)
				continue;
			st->drops[t] = nla_get_u64(a);
			st->drops_has |= 1ULL << t;
		}
	}
	return 0;
}

int vg_nl_get_stats(struct vg_stats *st)
{
	struct vg_req req = { .cmd = VGATE_CMD_STATS_GET };
	struct nl_msg *m = build(&req);

	memset(st, 0, sizeof(*st));
	if (!m)
		return -ENOMEM;
	return transact(m, parse_stats_msg, st, NULL);
}

static int parse_cfg_msg(struct nlattr **tb, void *arg)
{
	struct nlattr *sub[VGATE_CFG_A_MAX + 1];
	struct vg_cfg *cfg = arg;
	int r;

	if (!tb[VGATE_A_CONFIG])
		return 0;
	r = nest_index(tb[VGATE_A_CONFIG], cfg_desc, VGATE_CFG_A_MAX, sub);
	if (r)
		return r;
	if (sub[VGATE_CFG_A_REPLAY_WINDOW])
		cfg->replay_window = nla_get_u32(sub[VGATE_CFG_A_REPLAY_WINDOW]),
		cfg->has |= VG_CFG_REPLAY_WINDOW;
	if (sub[VGATE_CFG_A_MAX_SAS])
		cfg->max_sas = nla_get_u32(sub[VGATE_CFG_A_MAX_SAS]),
		cfg->has |= VG_CFG_MAX_SAS;
	if (sub[VGATE_CFG_A_DROP_LOG])
		cfg->drop_log = nla_get_u8(sub[VGATE_CFG_A_DROP_LOG]),
		cfg->has |= VG_CFG_DROP_LOG;
	if (sub[VGATE_CFG_A_SWSKIP_OVERLAP])
		cfg->swskip_overlap = nla_get_u8(sub[VGATE_CFG_A_SWSKIP_OVERLAP]),
		cfg->has |= VG_CFG_SWSKIP_OVERLAP;
	if (sub[VGATE_CFG_A_POST_DEFAULT])
		cfg->post_default = nla_get_u8(sub[VGATE_CFG_A_POST_DEFAULT]),
		cfg->has |= VG_CFG_POST_DEFAULT;
	if (sub[VGATE_CFG_A_ACQUIRE_TIMEOUT])
		cfg->acquire_timeout = nla_get_u32(sub[VGATE_CFG_A_ACQUIRE_TIMEOUT]),
		cfg->has |= VG_CFG_ACQUIRE_TIMEOUT;
	if (sub[VGATE_CFG_A_ACQUIRE_QUEUE])
		cfg->acquire_queue = nla_get_u32(sub[VGATE_CFG_A_ACQUIRE_QUEUE]),
		cfg->has |= VG_CFG_ACQUIRE_QUEUE;
	if (sub[VGATE_CFG_A_NATT_KEEPALIVE])
		cfg->natt_keepalive = nla_get_u32(sub[VGATE_CFG_A_NATT_KEEPALIVE]),
		cfg->has |= VG_CFG_NATT_KEEPALIVE;
	return 0;
}

int vg_nl_get_config(struct vg_cfg *cfg)
{
	struct vg_req req = { .cmd = VGATE_CMD_CONFIG_GET };
	struct nl_msg *m = build(&req);

	memset(cfg, 0, sizeof(*cfg));
	if (!m)
		return -ENOMEM;
	return transact(m, parse_cfg_msg, cfg, NULL);
}

static int parse_peer_msg(struct nlattr **tb, void *arg)
{
	struct vg_peer *p;

	if (!tb[VGATE_A_PEER])
		return 0;
	p = vec_push(arg);
	if (!p)
		return -ENOMEM;
	return peer_from_attrs(tb[VGATE_A_PEER], p);
}

int vg_nl_dump_peers(struct vg_peer **peers, size_t *n)
{
	struct vec v = { .size = sizeof(struct vg_peer) };
	int r = dump(VGATE_CMD_PEER_GET, parse_peer_msg, &v);

	if (r) {
		free(v.v);
		return r;
	}
	*peers = v.v;
	*n = v.n;
	return 0;
}

int vg_nl_get_peer(const char *name, uint32_t id, struct vg_peer *out)
{
	struct vg_req req = { .cmd = VGATE_CMD_PEER_GET, .obj = VG_OBJ_PEER };
	struct vec v = { .size = sizeof(struct vg_peer) };
	struct nl_msg *m;
	int r;

	if (name) {
		snprintf(req.peer.name, sizeof(req.peer.name), "%s", name);
		req.peer.has = VG_PEER_NAME;
	} else {
		req.peer.id = id;
		req.peer.has = VG_PEER_ID;
	}
	m = build(&req);
	memset(out, 0, sizeof(*out));
	if (!m)
		return -ENOMEM;
	r = transact(m, parse_peer_msg, &v, NULL);
	if (!r && v.n)
		*out = *(struct vg_peer *)v.v;
	else if (!r && !vg_dry_run)
		r = -ENOENT;
	free(v.v);
	return r;
}

static int parse_verdict_msg(struct nlattr **tb, void *arg)
{
	struct nlattr *sub[VGATE_VERDICT_A_MAX + 1];
	struct vg_verdict *v = arg;
	int r;

	if (!tb[VGATE_A_VERDICT])
		return 0;
	r = nest_index(tb[VGATE_A_VERDICT], verdict_desc, VGATE_VERDICT_A_MAX,
		       sub);
	if (r)
		return r;
	if (sub[VGATE_VERDICT_A_ACTION])
		v->action = nla_get_u8(sub[VGATE_VERDICT_A_ACTION]),
		v->has |= VG_VERDICT_ACTION;
	if (sub[VGATE_VERDICT_A_REASON])
		v->reason = nla_get_u8(sub[VGATE_VERDICT_A_REASON]),
		v->has |= VG_VERDICT_REASON;
	if (sub[VGATE_VERDICT_A_RULE_ID])
		v->rule_id = nla_get_u32(sub[VGATE_VERDICT_A_RULE_ID]),
		v->has |= VG_VERDICT_RULE_ID;
	if (sub[VGATE_VERDICT_A_STAGE])
		v->stage = nla_get_u8(sub[VGATE_VERDICT_A_STAGE]),
		v->has |= VG_VERDICT_STAGE;
	if (sub[VGATE_VERDICT_A_PEER_NAME])
		get_str(sub[VGATE_VERDICT_A_PEER_NAME], v->peer_name,
			sizeof(v->peer_name)), v->has |= VG_VERDICT_PEER_NAME;
	if (sub[VGATE_VERDICT_A_SELF])
		v->self = nla_get_u8(sub[VGATE_VERDICT_A_SELF]),
		v->has |= VG_VERDICT_SELF;
	if (sub[VGATE_VERDICT_A_NANOSECONDS])
		v->ns = nla_get_u64(sub[VGATE_VERDICT_A_NANOSECONDS]),
		v->has |= VG_VERDICT_NS;
	if (sub[VGATE_VERDICT_A_ITERATIONS])
		v->iterations = nla_get_u32(sub[VGATE_VERDICT_A_ITERATIONS]),
		v->has |= VG_VERDICT_ITERATIONS;
	return 0;
}

int vg_nl_explain(const struct vg_req *req, struct vg_verdict *v)
{
	struct nl_msg *m = build(req);

	memset(v, 0, sizeof(*v));
	if (!m)
		return -ENOMEM;
	return transact(m, parse_verdict_msg, v, NULL);
}

struct encap_sock_reply {
	uint16_t port;
	uint8_t owner;
};

static int parse_encap_sock_msg(struct nlattr **tb, void *arg)
{
	struct nlattr *sub[VGATE_ENCAP_SOCK_A_MAX + 1];
	struct encap_sock_reply *es = arg;
	int r;

	if (!tb[VGATE_A_ENCAP_SOCK])
		return 0;
	r = nest_index(tb[VGATE_A_ENCAP_SOCK], encap_sock_desc,
		       VGATE_ENCAP_SOCK_A_MAX, sub);
	if (r)
		return r;
	if (sub[VGATE_ENCAP_SOCK_A_PORT])
		es->port = nla_get_u16(sub[VGATE_ENCAP_SOCK_A_PORT]);
	if (sub[VGATE_ENCAP_SOCK_A_OWNER])
		es->owner = nla_get_u8(sub[VGATE_ENCAP_SOCK_A_OWNER]);
	return 0;
}

int vg_nl_get_encap_sock(uint16_t *port, uint8_t *owner)
{
	struct vg_req req = { .cmd = VGATE_CMD_ENCAP_SOCK_GET };
	struct encap_sock_reply es = { 0 };
	struct nl_msg *m = build(&req);
	int r;

	*port = 0;
	*owner = 0;
	if (!m)
		return -ENOMEM;
	r = transact(m, parse_encap_sock_msg, &es, NULL);
	*port = es.port;
	*owner = es.owner;
	return r;
}
