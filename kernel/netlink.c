// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "vgate".  include/uapi/linux/vgate.h documents the
 * commands and attributes.  Every request is validated completely before
 * anything changes; errors name the attribute through extack.
 */
#include <linux/in.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <linux/inetdevice.h>
#include <net/netlink.h>

#include "netns.h"
#include "netlink.h"
#include "config.h"
#include "sad.h"
#include "esp.h"
#include "ah.h"
#include "ipcomp.h"
#include "replay.h"
#include "policy.h"
#include "acquire.h"
#include "natt.h"
#include "fault.h"

static const struct nla_policy lt_policy[VGATE_LT_A_MAX + 1] = {
	[VGATE_LT_A_SOFT_BYTES] = { .type = NLA_U64 },
	[VGATE_LT_A_HARD_BYTES] = { .type = NLA_U64 },
	[VGATE_LT_A_SOFT_PACKETS] = { .type = NLA_U64 },
	[VGATE_LT_A_HARD_PACKETS] = { .type = NLA_U64 },
	[VGATE_LT_A_SOFT_SECONDS] = { .type = NLA_U64 },
	[VGATE_LT_A_HARD_SECONDS] = { .type = NLA_U64 },
	[VGATE_LT_A_PAD] = { .type = NLA_REJECT },
};

static const struct nla_policy sa_policy[VGATE_SA_A_MAX + 1] = {
	[VGATE_SA_A_SPI] = { .type = NLA_U32 },
	[VGATE_SA_A_PROTO] = { .type = NLA_U8 },
	[VGATE_SA_A_FAMILY] = { .type = NLA_U16 },
	[VGATE_SA_A_SRC] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_SA_A_DST] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_SA_A_MODE] = NLA_POLICY_RANGE(NLA_U8, VGATE_MODE_TRANSPORT,
					     VGATE_MODE_TUNNEL),
	[VGATE_SA_A_ENC] = NLA_POLICY_RANGE(NLA_U16, 1, VGATE_ENC_MAX),
	[VGATE_SA_A_ENC_KEY] = { .type = NLA_BINARY, .len = VGATE_KEY_MAX_LEN },
	[VGATE_SA_A_AUTH] = NLA_POLICY_RANGE(NLA_U16, 1, VGATE_AUTH_MAX),
	[VGATE_SA_A_AUTH_KEY] = { .type = NLA_BINARY,
				  .len = VGATE_KEY_MAX_LEN },
	[VGATE_SA_A_REPLAY_WINDOW] = NLA_POLICY_MAX(NLA_U32,
						    VGATE_REPLAY_WINDOW_MAX),
	[VGATE_SA_A_LIFETIME] = NLA_POLICY_NESTED(lt_policy),
	[VGATE_SA_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, VGATE_SA_F_SETTABLE),
	[VGATE_SA_A_STATS] = { .type = NLA_REJECT },
	[VGATE_SA_A_SEQ] = { .type = NLA_REJECT },
	[VGATE_SA_A_AGE] = { .type = NLA_REJECT },
	[VGATE_SA_A_PAD] = { .type = NLA_REJECT },
	[VGATE_SA_A_ENC_KEY_BITS] = { .type = NLA_REJECT },
	[VGATE_SA_A_REQID] = { .type = NLA_U32 },
	[VGATE_SA_A_ENCAP] = NLA_POLICY_NESTED(vgate_encap_policy),
	[VGATE_SA_A_OSEQ] = { .type = NLA_U64 },
	[VGATE_SA_A_REPLAY_SEQ] = { .type = NLA_U64 },
	[VGATE_SA_A_EXPIRE_LIMIT] = { .type = NLA_REJECT },
	[VGATE_SA_A_EXPIRE_HARD] = { .type = NLA_REJECT },
	[VGATE_SA_A_COMP] = NLA_POLICY_RANGE(NLA_U16, 1, VGATE_COMP_MAX),
};

static const struct nla_policy vgate_policy[VGATE_A_MAX + 1] = {
	[VGATE_A_SA] = NLA_POLICY_NESTED(sa_policy),
	[VGATE_A_RULE] = NLA_POLICY_NESTED(vgate_rule_policy),
	[VGATE_A_STATS] = { .type = NLA_REJECT },
	[VGATE_A_CONFIG] = NLA_POLICY_NESTED(vgate_config_policy),
	[VGATE_A_PEER] = NLA_POLICY_NESTED(vgate_peer_policy),
	[VGATE_A_FLOW] = NLA_POLICY_NESTED(vgate_flow_policy),
	[VGATE_A_VERDICT] = { .type = NLA_REJECT },
	[VGATE_A_ENCAP_SOCK] = NLA_POLICY_NESTED(vgate_encap_sock_policy),
};

/*
 * Report a missing attribute: its type in NLMSGERR_ATTR_MISS_TYPE and @msg,
 * which must be a string literal (extack keeps the pointer).
 */
bool vgate_nl_attr_missing(struct netlink_ext_ack *extack, struct nlattr *nest,
			   struct nlattr **tb, int type, const char *msg)
{
	if (!NL_REQ_ATTR_CHECK(extack, nest, tb, type))
		return false;
	if (extack)
		extack->_msg = msg;
	return true;
}

int vgate_nl_parse_addr4(struct nlattr *a, union vgate_addr *addr,
			 struct netlink_ext_ack *extack)
{
	if (nla_len(a) != sizeof(addr->a4)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "IPv4 address must be 4 bytes");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	addr->a4 = nla_get_in_addr(a);
	return 0;
}

int vgate_nl_parse_family(struct nlattr *a, u8 *family,
			  struct netlink_ext_ack *extack)
{
	u16 f = nla_get_u16(a);

	if (f != AF_INET && f != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, a, "family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	*family = f;
	return 0;
}

static int parse_sa_addr(struct nlattr *a, u8 family, union vgate_addr *addr,
			 struct netlink_ext_ack *extack)
{
	if (family == AF_INET)
		return vgate_nl_parse_addr4(a, addr, extack);
	if (nla_len(a) != sizeof(addr->a6)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "IPv6 address must be 16 bytes");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	nla_memcpy(&addr->a6, a, sizeof(addr->a6));
	return 0;
}

static int put_sa_addr(struct sk_buff *skb, int type, u8 family,
		       const union vgate_addr *addr)
{
	if (family == AF_INET)
		return nla_put_in_addr(skb, type, addr->a4);
	return nla_put_in6_addr(skb, type, &addr->a6);
}

int vgate_nl_parse_spi(struct nlattr *a, u32 *spi, struct netlink_ext_ack *extack)
{
	*spi = nla_get_u32(a);
	if (*spi < 256) {
		NL_SET_ERR_MSG_ATTR(extack, a, "SPI 0..255 is reserved (RFC 4303)");
		return -EINVAL;
	}
	return 0;
}

/* The missing attribute type is reported in NLMSGERR_ATTR_MISS_TYPE. */
struct nlattr *vgate_nl_get_nest(struct genl_info *info, int type)
{
	if (GENL_REQ_ATTR_CHECK(info, type)) {
		NL_SET_ERR_MSG(info->extack, "missing request attribute");
		return NULL;
	}
	return info->attrs[type];
}

/* SPI, DST, PROTO, FAMILY: enough to name an SA. */
static int sa_parse_key(struct nlattr *nest, struct nlattr **tb,
			struct vgate_sa_key *key,
			struct netlink_ext_ack *extack)
{
	u32 spi;
	int err;

	err = nla_parse_nested(tb, VGATE_SA_A_MAX, nest, sa_policy, extack);
	if (err)
		return err;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_SA_A_SPI,
				  "missing SPI"))
		return -EINVAL;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_SA_A_FAMILY,
				  "missing address family"))
		return -EINVAL;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_SA_A_DST,
				  "missing destination address"))
		return -EINVAL;
	memset(key, 0, sizeof(*key));
	err = vgate_nl_parse_family(tb[VGATE_SA_A_FAMILY], &key->family,
				    extack);
	if (err)
		return err;
	err = vgate_nl_parse_spi(tb[VGATE_SA_A_SPI], &spi, extack);
	if (err)
		return err;
	err = parse_sa_addr(tb[VGATE_SA_A_DST], key->family, &key->daddr,
			    extack);
	if (err)
		return err;
	key->spi = htonl(spi);
	key->proto = tb[VGATE_SA_A_PROTO] ? nla_get_u8(tb[VGATE_SA_A_PROTO]) :
					    IPPROTO_ESP;
	if (key->proto != IPPROTO_ESP && key->proto != IPPROTO_AH &&
	    key->proto != IPPROTO_COMP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_PROTO],
				    "protocol must be ESP (50), AH (51) or IPComp (108)");
		return -EPROTONOSUPPORT;
	}
	/* RFC 3173 3.3: the CPI is 16 bits; 0..255 were refused above. */
	if (key->proto == IPPROTO_COMP && spi > U16_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_SPI],
				    "an IPComp CPI is 256..65535");
		return -EINVAL;
	}
	if (key->proto != IPPROTO_COMP && tb[VGATE_SA_A_COMP]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_COMP],
				    "only IPComp SAs take a compression algorithm");
		return -EINVAL;
	}
	return 0;
}

static int lifetime_parse(struct nlattr *nest, struct vgate_lifetime *lt,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VGATE_LT_A_MAX + 1];
	u64 *v[VGATE_LT_A_MAX + 1] = {
		[VGATE_LT_A_SOFT_BYTES] = &lt->soft_bytes,
		[VGATE_LT_A_HARD_BYTES] = &lt->hard_bytes,
		[VGATE_LT_A_SOFT_PACKETS] = &lt->soft_packets,
		[VGATE_LT_A_HARD_PACKETS] = &lt->hard_packets,
		[VGATE_LT_A_SOFT_SECONDS] = &lt->soft_seconds,
		[VGATE_LT_A_HARD_SECONDS] = &lt->hard_seconds,
	};
	int i, err;

	err = nla_parse_nested(tb, VGATE_LT_A_MAX, nest, lt_policy, extack);
	if (err)
		return err;
	for (i = VGATE_LT_A_SOFT_BYTES; i <= VGATE_LT_A_HARD_SECONDS; i++)
		if (tb[i])
			*v[i] = nla_get_u64(tb[i]);
	for (i = VGATE_LT_A_SOFT_BYTES; i <= VGATE_LT_A_HARD_SECONDS; i += 2) {
		if (*v[i] && *v[i + 1] && *v[i] > *v[i + 1]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i],
					    "soft lifetime exceeds the hard one");
			return -EINVAL;
		}
	}
	return 0;
}

/* @replay_window: the default (the replay_window knob in force). */
static int sa_parse(u32 replay_window, struct nlattr *nest,
		    struct vgate_sa_config *cfg, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VGATE_SA_A_MAX + 1];
	int err;

	err = sa_parse_key(nest, tb, &cfg->key, extack);
	if (err)
		return err;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_SA_A_SRC,
				  "missing source address"))
		return -EINVAL;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_SA_A_MODE,
				  "missing mode"))
		return -EINVAL;
	if (cfg->key.proto == IPPROTO_COMP) {
		err = vgate_ipcomp_check_config(tb, extack);
		if (err)
			return err;
		err = parse_sa_addr(tb[VGATE_SA_A_SRC], cfg->key.family,
				    &cfg->saddr, extack);
		if (err)
			return err;
		cfg->mode = nla_get_u8(tb[VGATE_SA_A_MODE]);
		cfg->comp = tb[VGATE_SA_A_COMP] ?
			    nla_get_u16(tb[VGATE_SA_A_COMP]) :
			    VGATE_COMP_DEFLATE;
		if (tb[VGATE_SA_A_REQID])
			cfg->reqid = nla_get_u32(tb[VGATE_SA_A_REQID]);
		if (tb[VGATE_SA_A_LIFETIME])
			return lifetime_parse(tb[VGATE_SA_A_LIFETIME], &cfg->lt,
					      extack);
		return 0;
	}
	if (cfg->key.proto == IPPROTO_ESP &&
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_SA_A_ENC,
				  "missing encryption algorithm"))
		return -EINVAL;
	if (cfg->key.proto == IPPROTO_AH &&
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_SA_A_AUTH,
				  "missing auth algorithm (AH needs an HMAC)"))
		return -EINVAL;
	err = parse_sa_addr(tb[VGATE_SA_A_SRC], cfg->key.family, &cfg->saddr,
			    extack);
	if (err)
		return err;
	cfg->mode = nla_get_u8(tb[VGATE_SA_A_MODE]);
	cfg->enc = tb[VGATE_SA_A_ENC] ? nla_get_u16(tb[VGATE_SA_A_ENC]) : 0;
	cfg->auth = tb[VGATE_SA_A_AUTH] ? nla_get_u16(tb[VGATE_SA_A_AUTH]) :
					  VGATE_AUTH_NONE;
	if (tb[VGATE_SA_A_ENC_KEY]) {
		cfg->enc_key_len = nla_len(tb[VGATE_SA_A_ENC_KEY]);
		nla_memcpy(cfg->enc_key, tb[VGATE_SA_A_ENC_KEY],
			   sizeof(cfg->enc_key));
	}
	if (tb[VGATE_SA_A_AUTH_KEY]) {
		cfg->auth_key_len = nla_len(tb[VGATE_SA_A_AUTH_KEY]);
		nla_memcpy(cfg->auth_key, tb[VGATE_SA_A_AUTH_KEY],
			   sizeof(cfg->auth_key));
	} else if (cfg->auth != VGATE_AUTH_NONE) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_AUTH],
				    "missing auth key");
		return -EINVAL;
	}
	cfg->replay_window = tb[VGATE_SA_A_REPLAY_WINDOW] ?
			     nla_get_u32(tb[VGATE_SA_A_REPLAY_WINDOW]) :
			     replay_window;
	if (tb[VGATE_SA_A_REQID])
		cfg->reqid = nla_get_u32(tb[VGATE_SA_A_REQID]);
	if (tb[VGATE_SA_A_FLAGS])
		cfg->flags = nla_get_u32(tb[VGATE_SA_A_FLAGS]);
	if ((cfg->flags & VGATE_SA_F_ESN) && !cfg->replay_window) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_REPLAY_WINDOW] ?:
				    tb[VGATE_SA_A_FLAGS],
				    "ESN needs a replay window of at least 1");
		return -EINVAL;
	}
	if (tb[VGATE_SA_A_OSEQ])
		cfg->oseq = nla_get_u64(tb[VGATE_SA_A_OSEQ]);
	if (tb[VGATE_SA_A_REPLAY_SEQ])
		cfg->replay_seq = nla_get_u64(tb[VGATE_SA_A_REPLAY_SEQ]);
	if (!(cfg->flags & VGATE_SA_F_ESN) &&
	    (cfg->oseq > U32_MAX || cfg->replay_seq > U32_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, cfg->oseq > U32_MAX ?
				    tb[VGATE_SA_A_OSEQ] :
				    tb[VGATE_SA_A_REPLAY_SEQ],
				    "sequence number above 2^32 - 1 needs ESN");
		return -ERANGE;
	}
	if (tb[VGATE_SA_A_LIFETIME]) {
		err = lifetime_parse(tb[VGATE_SA_A_LIFETIME], &cfg->lt, extack);
		if (err)
			return err;
	}
	if (tb[VGATE_SA_A_ENCAP]) {
		if (cfg->key.family != AF_INET) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_ENCAP],
					    "UDP encapsulation is IPv4 only");
			return -EAFNOSUPPORT;
		}
		err = vgate_natt_parse_sa(tb[VGATE_SA_A_ENCAP], cfg, extack);
		if (err)
			return err;
	}
	if (cfg->key.proto == IPPROTO_AH)
		return vgate_ah_check_config(cfg, tb, extack);
	return vgate_esp_check_config(cfg, tb, extack);
}

/*
 * SA_NEW, SA_SET, SA_DEL, SA_FLUSH act on the SAD, or, from the socket
 * that has a transaction open, are staged in it (sad.c); from any other
 * socket meanwhile they fail with -EBUSY.
 */
static int vgate_sa_new_set(struct sk_buff *skb, struct genl_info *info,
			    bool replace)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct vgate_sa_config *cfg;
	struct vgate_txn *txn;
	struct nlattr *nest;
	int err;

	nest = vgate_nl_get_nest(info, VGATE_A_SA);
	if (!nest)
		return -EINVAL;
	cfg = vgate_fault_ptr(kzalloc(sizeof(*cfg), GFP_KERNEL));
	if (!cfg)
		return -ENOMEM;
	mutex_lock(&vn->lock);
	txn = vgate_txn_owned(vn, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto unlock;
	}
	/* The transaction's knobs, as for its rules. */
	err = sa_parse(txn ? txn->cfg.replay_window : vn->cfg.replay_window,
		       nest, cfg, info->extack);
	if (err)
		goto unlock;
	if (txn) {
		err = vgate_sa_stage_add(vn, &txn->sas, cfg, replace,
					 txn->cfg.max_sas, info->extack);
		goto unlock;
	}
	err = vgate_sa_add(vn, cfg, replace, info->extack);
	if (!err)
		err = vgate_net_enable(vn);
	/* Packets held for this REQID leave now if the SA is outbound. */
	if (!err && cfg->reqid)
		vgate_acquire_release(vn, cfg->reqid);
unlock:
	mutex_unlock(&vn->lock);
	kfree_sensitive(cfg);
	return err;
}

static int vgate_nl_sa_new(struct sk_buff *skb, struct genl_info *info)
{
	return vgate_sa_new_set(skb, info, false);
}

static int vgate_nl_sa_set(struct sk_buff *skb, struct genl_info *info)
{
	return vgate_sa_new_set(skb, info, true);
}

int vgate_nl_put_u64(struct sk_buff *skb, int type, u64 v, int pad)
{
	return nla_put_u64_64bit(skb, type, v, pad);
}

/* @limit: 0 in replies, the limit reached in SA_EXPIRE events. */
static int sa_fill(struct sk_buff *skb, struct vgate_sa *sa, bool hard,
		   u8 limit)
{
	u64 st[VGATE_SA_CNT_NR];
	struct nlattr *nest, *n;

	nest = nla_nest_start(skb, VGATE_A_SA);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VGATE_SA_A_SPI, ntohl(sa->key.spi)) ||
	    nla_put_u8(skb, VGATE_SA_A_PROTO, sa->key.proto) ||
	    nla_put_u16(skb, VGATE_SA_A_FAMILY, sa->key.family) ||
	    put_sa_addr(skb, VGATE_SA_A_SRC, sa->key.family, &sa->saddr) ||
	    put_sa_addr(skb, VGATE_SA_A_DST, sa->key.family, &sa->key.daddr) ||
	    nla_put_u8(skb, VGATE_SA_A_MODE, sa->mode) ||
	    (sa->key.proto == IPPROTO_ESP &&
	     (nla_put_u16(skb, VGATE_SA_A_ENC, sa->enc) ||
	      nla_put_u16(skb, VGATE_SA_A_ENC_KEY_BITS, sa->enc_key_bits))) ||
	    (sa->key.proto == IPPROTO_COMP ?
	     nla_put_u16(skb, VGATE_SA_A_COMP, sa->comp) :
	     nla_put_u16(skb, VGATE_SA_A_AUTH, sa->auth)) ||
	    nla_put_u32(skb, VGATE_SA_A_REPLAY_WINDOW, sa->replay->window) ||
	    nla_put_u32(skb, VGATE_SA_A_FLAGS, vgate_sa_flags(sa)) ||
	    (sa->reqid && nla_put_u32(skb, VGATE_SA_A_REQID, sa->reqid)) ||
	    vgate_nl_put_u64(skb, VGATE_SA_A_SEQ, atomic64_read(&sa->seq_out) +
		    vgate_replay_top(sa->replay), VGATE_SA_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_A_OSEQ, atomic64_read(&sa->seq_out),
			     VGATE_SA_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_A_REPLAY_SEQ,
			     vgate_replay_top(sa->replay), VGATE_SA_A_PAD) ||
	    (limit && (nla_put_u8(skb, VGATE_SA_A_EXPIRE_LIMIT, limit) ||
		       nla_put_u8(skb, VGATE_SA_A_EXPIRE_HARD, hard))) ||
	    vgate_nl_put_u64(skb, VGATE_SA_A_AGE, ktime_get_seconds() - sa->added,
			     VGATE_SA_A_PAD) ||
	    vgate_natt_fill_sa(skb, sa))
		goto cancel;

	n = nla_nest_start(skb, VGATE_SA_A_LIFETIME);
	if (!n ||
	    vgate_nl_put_u64(skb, VGATE_LT_A_SOFT_BYTES, sa->lt.soft_bytes,
			     VGATE_LT_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_LT_A_HARD_BYTES, sa->lt.hard_bytes,
			     VGATE_LT_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_LT_A_SOFT_PACKETS, sa->lt.soft_packets,
			     VGATE_LT_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_LT_A_HARD_PACKETS, sa->lt.hard_packets,
			     VGATE_LT_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_LT_A_SOFT_SECONDS, sa->lt.soft_seconds,
			     VGATE_LT_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_LT_A_HARD_SECONDS, sa->lt.hard_seconds,
			     VGATE_LT_A_PAD))
		goto cancel;
	nla_nest_end(skb, n);

	vgate_sa_read_stats(sa, st);
	n = nla_nest_start(skb, VGATE_SA_A_STATS);
	if (!n ||
	    vgate_nl_put_u64(skb, VGATE_SA_STATS_A_PACKETS,
			     st[VGATE_SA_CNT_PACKETS_IN] +
			     st[VGATE_SA_CNT_PACKETS_OUT], VGATE_SA_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_STATS_A_BYTES,
			     st[VGATE_SA_CNT_BYTES_IN] + st[VGATE_SA_CNT_BYTES_OUT],
			     VGATE_SA_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_STATS_A_PACKETS_IN,
			     st[VGATE_SA_CNT_PACKETS_IN], VGATE_SA_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_STATS_A_BYTES_IN,
			     st[VGATE_SA_CNT_BYTES_IN], VGATE_SA_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_STATS_A_PACKETS_OUT,
			     st[VGATE_SA_CNT_PACKETS_OUT], VGATE_SA_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_STATS_A_BYTES_OUT,
			     st[VGATE_SA_CNT_BYTES_OUT], VGATE_SA_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_STATS_A_ERRORS, st[VGATE_SA_CNT_ERRORS],
			     VGATE_SA_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_STATS_A_REPLAY, st[VGATE_SA_CNT_REPLAY],
			     VGATE_SA_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_SA_STATS_A_AUTH, st[VGATE_SA_CNT_AUTH],
			     VGATE_SA_STATS_A_PAD))
		goto cancel;
	if (sa->key.proto == IPPROTO_COMP) {
		static const u8 comp_attrs[][2] = {
			{ VGATE_SA_STATS_A_COMP_OUT, VGATE_SA_CNT_COMP_OUT },
			{ VGATE_SA_STATS_A_COMP_SMALL_OUT,
			  VGATE_SA_CNT_COMP_SMALL_OUT },
			{ VGATE_SA_STATS_A_COMP_INCOMPRESSIBLE_OUT,
			  VGATE_SA_CNT_COMP_INCOMPRESSIBLE_OUT },
			{ VGATE_SA_STATS_A_COMP_BYTES_BEFORE,
			  VGATE_SA_CNT_COMP_BYTES_BEFORE },
			{ VGATE_SA_STATS_A_COMP_BYTES_AFTER,
			  VGATE_SA_CNT_COMP_BYTES_AFTER },
			{ VGATE_SA_STATS_A_DECOMP_IN, VGATE_SA_CNT_DECOMP_IN },
			{ VGATE_SA_STATS_A_DECOMP_BYTES_IN,
			  VGATE_SA_CNT_DECOMP_BYTES_IN },
		};
		int i;

		for (i = 0; i < ARRAY_SIZE(comp_attrs); i++)
			if (vgate_nl_put_u64(skb, comp_attrs[i][0],
					     st[comp_attrs[i][1]],
					     VGATE_SA_STATS_A_PAD))
				goto cancel;
	}
	nla_nest_end(skb, n);
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

void vgate_nl_sa_expire(struct vgate_net *vn, struct vgate_sa *sa, bool hard,
			u8 limit)
{
	struct sk_buff *msg;
	void *hdr;

	msg = vgate_fault_ptr(genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL));
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vgate_family, 0, VGATE_CMD_SA_EXPIRE);
	if (!hdr || sa_fill(msg, sa, hard, limit)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	/* -ESRCH: nobody listens. */
	genlmsg_multicast_netns(&vgate_family, vn->net, msg, 0, 0, GFP_KERNEL);
}

struct sk_buff *vgate_nl_reply_alloc(struct genl_info *info, u8 cmd,
				     void **hdr)
{
	struct sk_buff *msg = vgate_fault_ptr(genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL));

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &vgate_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int vgate_nl_sa_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct nlattr *tb[VGATE_SA_A_MAX + 1];
	struct vgate_sa_key key;
	struct nlattr *nest;
	struct vgate_sa *sa;
	struct sk_buff *msg;
	void *hdr;
	int err;

	nest = vgate_nl_get_nest(info, VGATE_A_SA);
	if (!nest)
		return -EINVAL;
	err = sa_parse_key(nest, tb, &key, info->extack);
	if (err)
		return err;
	sa = vgate_sa_lookup(vn, &key);
	if (!sa) {
		NL_SET_ERR_MSG(info->extack, "no such SA");
		return -ENOENT;
	}
	msg = vgate_nl_reply_alloc(info, VGATE_CMD_SA_GET, &hdr);
	err = msg ? sa_fill(msg, sa, false, 0) : -ENOMEM;
	vgate_sa_put(sa);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vgate_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vgate_net *vn = vgate_net(sock_net(skb->sk));
	long idx = 0, start = cb->args[0];
	struct vgate_sa *sa;
	void *hdr;
	int err = 0;

	mutex_lock(&vn->lock);
	cb->seq = vn->generation + 1;	/* never 0: 0 disables the check */
	list_for_each_entry(sa, &vn->sa_list, list) {
		if (idx++ < start)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vgate_family,
				  NLM_F_MULTI, VGATE_CMD_SA_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		if (sa_fill(skb, sa, false, 0)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	mutex_unlock(&vn->lock);
	if (err && skb->len == 0)
		return err;
	return skb->len;
}

static int vgate_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct nlattr *tb[VGATE_SA_A_MAX + 1];
	struct vgate_sa_key key;
	struct vgate_txn *txn;
	struct nlattr *nest;
	int err;

	nest = vgate_nl_get_nest(info, VGATE_A_SA);
	if (!nest)
		return -EINVAL;
	err = sa_parse_key(nest, tb, &key, info->extack);
	if (err)
		return err;
	mutex_lock(&vn->lock);
	txn = vgate_txn_owned(vn, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		mutex_unlock(&vn->lock);
		return PTR_ERR(txn);
	}
	err = txn ? vgate_sa_stage_del(vn, &txn->sas, &key) :
		    vgate_sa_del(vn, &key);
	mutex_unlock(&vn->lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no such SA");
	return err;
}

static int vgate_nl_sa_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct vgate_txn *txn;

	mutex_lock(&vn->lock);
	txn = vgate_txn_owned(vn, info->snd_portid, info->extack);
	if (!IS_ERR(txn)) {
		if (txn)
			vgate_sa_stage_flush(&txn->sas);
		else
			vgate_sa_flush(vn);
	}
	mutex_unlock(&vn->lock);
	return PTR_ERR_OR_ZERO(txn);
}

static int stats_fill(struct vgate_net *vn, struct sk_buff *skb)
{
	static const int cnt_attr[VGATE_CNT_NR] = {
		[VGATE_CNT_PACKETS_IN] = VGATE_STATS_A_PACKETS_IN,
		[VGATE_CNT_PACKETS_OUT] = VGATE_STATS_A_PACKETS_OUT,
		[VGATE_CNT_PASSED] = VGATE_STATS_A_PASSED,
		[VGATE_CNT_PROTECTED_IN] = VGATE_STATS_A_PROTECTED_IN,
		[VGATE_CNT_PROTECTED_OUT] = VGATE_STATS_A_PROTECTED_OUT,
		[VGATE_CNT_OVERLAP_SKIPPED] = VGATE_STATS_A_OVERLAP_SKIPPED,
		[VGATE_CNT_SELF_BYPASSED] = VGATE_STATS_A_SELF_BYPASSED,
		[VGATE_CNT_ACQUIRES] = VGATE_STATS_A_ACQUIRES,
		[VGATE_CNT_NATT_ESP_IN] = VGATE_STATS_A_NATT_ESP_IN,
		[VGATE_CNT_NATT_IKE_IN] = VGATE_STATS_A_NATT_IKE_IN,
		[VGATE_CNT_NATT_KEEPALIVES_IN] = VGATE_STATS_A_NATT_KEEPALIVES_IN,
		[VGATE_CNT_NATT_KEEPALIVES_OUT] = VGATE_STATS_A_NATT_KEEPALIVES_OUT,
		[VGATE_CNT_PMTU_LEARNT] = VGATE_STATS_A_PMTU_LEARNT,
		[VGATE_CNT_DUMMY_IN] = VGATE_STATS_A_DUMMY_IN,
	};
	u32 rules = 0, peers, up, dormant, blocked;
	struct vgate_stats_snapshot snap;
	struct nlattr *nest, *drops;
	struct vgate_spd *spd;
	int i;

	vgate_stats_read(vn, &snap);
	nest = nla_nest_start(skb, VGATE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	mutex_lock(&vn->lock);
	spd = rcu_dereference_protected(vn->spd, lockdep_is_held(&vn->lock));
	if (spd)
		rules = spd->nrules;
	vgate_peer_counts(vn, &peers, &up, &dormant, &blocked);
	mutex_unlock(&vn->lock);
	if (nla_put_u32(skb, VGATE_STATS_A_SAS, atomic_read(&vn->sa_count)) ||
	    nla_put_u32(skb, VGATE_STATS_A_RULES, rules) ||
	    nla_put_u32(skb, VGATE_STATS_A_PEERS, peers) ||
	    nla_put_u32(skb, VGATE_STATS_A_PEERS_UP, up) ||
	    nla_put_u32(skb, VGATE_STATS_A_PEERS_DORMANT, dormant) ||
	    nla_put_u32(skb, VGATE_STATS_A_PEERS_BLOCKED, blocked) ||
	    vgate_nl_put_u64(skb, VGATE_STATS_A_DROPPED, snap.dropped,
			     VGATE_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_STATS_A_ERRORS, snap.errors, VGATE_STATS_A_PAD))
		goto cancel;
	for (i = 0; i < VGATE_CNT_NR; i++)
		if (vgate_nl_put_u64(skb, cnt_attr[i], snap.cnt[i], VGATE_STATS_A_PAD))
			goto cancel;
	drops = nla_nest_start(skb, VGATE_STATS_A_DROPS);
	if (!drops)
		goto cancel;
	for (i = 1; i < __VGATE_DROP_LAST; i++)
		if (vgate_nl_put_u64(skb, i, snap.drops[i], VGATE_DROP_UNSPEC))
			goto cancel;
	nla_nest_end(skb, drops);
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Reply to a GET with the attributes @fill puts for the namespace. */
static int reply_with(struct genl_info *info, u8 cmd,
		      int (*fill)(struct vgate_net *vn, struct sk_buff *skb))
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = vgate_nl_reply_alloc(info, cmd, &hdr);
	if (!msg)
		return -ENOMEM;
	if (fill(vn, msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vgate_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	return reply_with(info, VGATE_CMD_STATS_GET, stats_fill);
}

static int vgate_nl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	return reply_with(info, VGATE_CMD_CONFIG_GET, vgate_config_fill);
}

/*
 * The userns_admin setting (config.c) for every request: doit through
 * pre_doit, dumps through their start callback.  Reads included: they
 * parse requests and walk the tables like the rest.
 */
static int vgate_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	return vgate_userns_check(skb, genl_info_net(info), info->extack);
}

static int vgate_nl_dump_start(struct netlink_callback *cb)
{
	return vgate_userns_check(cb->skb, sock_net(cb->skb->sk), cb->extack);
}

static const struct genl_ops vgate_ops[] = {
	{ .cmd = VGATE_CMD_SA_NEW, .doit = vgate_nl_sa_new,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_SA_SET, .doit = vgate_nl_sa_set,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_SA_GET, .doit = vgate_nl_sa_get,
	  .dumpit = vgate_nl_sa_dump,
	  .start = vgate_nl_dump_start, .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_SA_DEL, .doit = vgate_nl_sa_del,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_SA_FLUSH, .doit = vgate_nl_sa_flush,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_RULE_NEW, .doit = vgate_nl_rule_new,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_RULE_SET, .doit = vgate_nl_rule_set,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_RULE_GET, .doit = vgate_nl_rule_get,
	  .dumpit = vgate_nl_rule_dump,
	  .start = vgate_nl_dump_start, .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_RULE_DEL, .doit = vgate_nl_rule_del,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_RULE_FLUSH, .doit = vgate_nl_rule_flush,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_STATS_GET, .doit = vgate_nl_stats_get,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_CONFIG_GET, .doit = vgate_nl_config_get,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_CONFIG_SET, .doit = vgate_nl_config_set,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_PEER_NEW, .doit = vgate_nl_peer_new,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_PEER_SET, .doit = vgate_nl_peer_set,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_PEER_GET, .doit = vgate_nl_peer_get,
	  .dumpit = vgate_nl_peer_dump,
	  .start = vgate_nl_dump_start, .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_PEER_DEL, .doit = vgate_nl_peer_del,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_PEER_FLUSH, .doit = vgate_nl_peer_flush,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_TXN_BEGIN, .doit = vgate_nl_txn_begin,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_TXN_COMMIT, .doit = vgate_nl_txn_commit,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_TXN_ABORT, .doit = vgate_nl_txn_abort,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_EXPLAIN, .doit = vgate_nl_explain,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_ENCAP_SOCK_SET, .doit = vgate_nl_encap_sock_set,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_ENCAP_SOCK_GET, .doit = vgate_nl_encap_sock_get,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_CMD_ENCAP_SOCK_DEL, .doit = vgate_nl_encap_sock_del,
	  .flags = GENL_UNS_ADMIN_PERM },
};

static const struct genl_multicast_group vgate_mcgrps[] = {
	/* Events carry flow addresses: CAP_NET_ADMIN in the netns's userns. */
	{ .name = VGATE_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct genl_family vgate_family __ro_after_init = {
	.name = VGATE_GENL_NAME,
	.version = VGATE_GENL_VERSION,
	.maxattr = VGATE_A_MAX,
	.policy = vgate_policy,
	.netnsok = true,
	.parallel_ops = false,
	.pre_doit = vgate_nl_pre_doit,
	.module = THIS_MODULE,
	.ops = vgate_ops,
	.n_ops = ARRAY_SIZE(vgate_ops),
	.resv_start_op = VGATE_CMD_CONFIG_SET + 1,
	.mcgrps = vgate_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vgate_mcgrps),
};

/* A transaction dies with the socket that opened it. */
static int vgate_nl_notify(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		vgate_txn_release(vgate_net(n->net), n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block vgate_nl_notifier = {
	.notifier_call = vgate_nl_notify,
};

int __init vgate_genl_init(void)
{
	int err = genl_register_family(&vgate_family);

	if (err)
		return err;
	err = netlink_register_notifier(&vgate_nl_notifier);
	if (err)
		genl_unregister_family(&vgate_family);
	return err;
}

void vgate_genl_uninit(void)
{
	netlink_unregister_notifier(&vgate_nl_notifier);
	genl_unregister_family(&vgate_family);
}
