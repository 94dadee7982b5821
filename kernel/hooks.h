/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netfilter hooks of one namespace: outbound protection at POST_ROUTING,
 * ESP input at LOCAL_IN, the cleartext check at PRE_ROUTING, for IPv4
 * (hooks.c) and IPv6 (hooks6.c); the ESP steps both share are in hooks.c.
 */
#ifndef _VGATE_HOOKS_H
#define _VGATE_HOOKS_H

#include <uapi/linux/vgate.h>
#include "netns.h"
#include "policy.h"

struct nf_hook_ops;

#define VGATE_HOOKS4	3
#define VGATE_HOOKS6	3

/* hooks6.c: the IPv6 hooks, into @ops[VGATE_HOOKS6]. */
void vgate_hooks6_fill(struct vgate_net *vn, struct nf_hook_ops *ops);

/* Module load and unload: the per-CPU backlog of nested layers. */
void vgate_hooks_init(void);
void vgate_hooks_uninit(void);

int vgate_hooks_register(struct vgate_net *vn);
void vgate_hooks_unregister(struct vgate_net *vn);

struct vgate_sa;
struct vgate_verdict;
struct sk_buff;
/*
 * Encrypt and send @skb (IPv4 or IPv6) through @sa; consumes both (see
 * hooks.c).  @pmtu: the peer's propagatePmtu (the path MTU rather than the
 * interface MTU bounds the packet).
 */
void vgate_output_sa(struct vgate_net *vn, struct vgate_sa *sa,
		     struct sk_buff *skb, bool pmtu);

/*
 * The same through a bundle: @sa first (ESP), then @next (AH, outermost)
 * from @sa's completion; consumes both references (@next may be NULL).
 */
void vgate_output_bundle(struct vgate_net *vn, struct vgate_sa *sa,
			 struct vgate_sa *next, struct sk_buff *skb, bool pmtu);

union vgate_addr;
/*
 * A dynamic entry's bundle (REQID @reqid, towards @addr): its ESP SA, with
 * its AH SA in *@next, or its AH SA alone; with references, NULL if none.
 */
struct vgate_sa *vgate_bundle_reqid(struct vgate_net *vn, u32 reqid,
				    u8 family, const union vgate_addr *addr,
				    struct vgate_sa **next);

/* Output hooks: send @skb by the PROTECT verdict @v.  Always NF_STOLEN. */
unsigned int vgate_protect(struct vgate_net *vn, const struct vgate_verdict *v,
			   struct sk_buff *skb);

/*
 * LOCAL_IN: @skb (network header at skb->data) carries ESP at @esp_off;
 * for IPv6, @nh_off is the offset of the next header field naming it.
 * Takes the packet: NF_STOLEN.
 */
unsigned int vgate_esp_rcv(struct vgate_net *vn, struct sk_buff *skb,
			   unsigned int esp_off, unsigned int nh_off);

/*
 * The same for ESP or AH (@proto); @via_ah is the SPI of the AH SA that
 * already authenticated and stripped an AH in front (0: none).
 */
unsigned int vgate_xf_rcv(struct vgate_net *vn, struct sk_buff *skb,
			  unsigned int esp_off, unsigned int nh_off, u8 proto,
			  __be32 via_ah);

/* An ICMPv6 error at @icmp_off: learn a path MTU to one of our peers. */
void vgate_pmtu_learn6(struct vgate_net *vn, struct sk_buff *skb,
		       unsigned int icmp_off);

/* Count, log if asked (drop_log) and free. */
void vgate_drop(struct vgate_net *vn, struct sk_buff *skb,
		enum vgate_drop_reason reason);

/*
 * What the drop log line names besides the addresses, where the drop site
 * knows it: the SA (its SPI; its peer, found by the SA's remote address,
 * unless @peer is given), or an SPI the packet named that no SA has, the
 * peer and the rule of a verdict.  Looked at only when drop_log is on.
 */
struct vgate_drop_ctx {
	const struct vgate_sa *sa;
	bool inbound;			/* @sa is inbound: its peer is its SRC */
	__be32 spi;			/* without @sa */
	const struct vgate_peer *peer;
	const struct vgate_rule *rule;
};

void vgate_drop_ctx(struct vgate_net *vn, struct sk_buff *skb,
		    enum vgate_drop_reason reason,
		    const struct vgate_drop_ctx *ctx);
/* A packet of the SA @sa (inbound or outbound). */
void vgate_drop_sa(struct vgate_net *vn, struct sk_buff *skb,
		   enum vgate_drop_reason reason, const struct vgate_sa *sa,
		   bool inbound);
/* A packet a verdict @v dropped, or whose entry could not protect it. */
void vgate_drop_verdict(struct vgate_net *vn, struct sk_buff *skb,
			enum vgate_drop_reason reason,
			const struct vgate_verdict *v);

/* vgate's own ESP being sent; a decrypted packet being re-injected. */
bool vgate_skb_is_sent(const struct sk_buff *skb);
bool vgate_skb_is_decrypted(const struct sk_buff *skb);

/*
 * The end of both output hooks (vgate_output, vgate_output6): judge @skb
 * leaving by the verdict @v its classification gave (@err < 0: malformed).
 * NF_ACCEPT for no policy, a pass rule, or a decrypted packet being
 * forwarded that no other entry protects; NF_STOLEN when dropped or
 * protected (vgate_protect).  Inline: it is the per-packet path.
 */
static inline unsigned int vgate_output_verdict(struct vgate_net *vn,
						struct sk_buff *skb, int err,
						const struct vgate_verdict *v)
{
	if (err < 0) {
		vgate_drop(vn, skb, VGATE_DROP_MALFORMED);
		return NF_STOLEN;
	}
	if (!v->action)		/* no policy at all */
		goto pass;
	/*
	 * A decrypted packet being forwarded was accepted by the entry that
	 * decrypted it; only another peer's entry may take it on (hub and
	 * spoke): pre and post rules and the post default do not apply.  A
	 * down or blocked peer's entry drops it (fail closed).
	 */
	if (!vgate_verdict_is_peer_entry(v) && vgate_skb_is_decrypted(skb))
		goto pass;
	if (v->rule)
		vgate_rule_count(v->rule, false, skb->len);
	if (vgate_verdict_passes(vn, v))
		goto pass;
	if (v->action == VGATE_ACTION_DROP) {
		vgate_drop_verdict(vn, skb, vgate_verdict_drop_reason(v), v);
		return NF_STOLEN;
	}
	return vgate_protect(vn, v, skb);
pass:
	vgate_count(vn, VGATE_CNT_PASSED);
	return NF_ACCEPT;
}

/*
 * For natt.c: send a packet vgate built (routed, IPv4 header complete but
 * the checksum) past vgate's own output hook.
 */
void vgate_send_local(struct vgate_net *vn, struct sk_buff *skb);

#endif /* _VGATE_HOOKS_H */
