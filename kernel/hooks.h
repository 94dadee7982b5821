/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netfilter hooks of one namespace: outbound protection at POST_ROUTING,
 * ESP input at LOCAL_IN, the cleartext check at PRE_ROUTING, for IPv4
 * (hooks.c) and IPv6 (hooks6.c); the ESP steps both share are in hooks.c.
 */
#ifndef _VGATE_HOOKS_H
#define _VGATE_HOOKS_H

#include <uapi/linux/vgate.h>

struct vgate_net;
struct nf_hook_ops;

#define VGATE_HOOKS4	3
#define VGATE_HOOKS6	3

/* hooks6.c: the IPv6 hooks, into @ops[VGATE_HOOKS6]. */
void vgate_hooks6_fill(struct vgate_net *vn, struct nf_hook_ops *ops);

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

/* vgate's own ESP being sent; a decrypted packet being re-injected. */
bool vgate_skb_is_sent(const struct sk_buff *skb);
bool vgate_skb_is_decrypted(const struct sk_buff *skb);

/*
 * For natt.c: send a packet vgate built (routed, IPv4 header complete but
 * the checksum) past vgate's own output hook.
 */
void vgate_send_local(struct vgate_net *vn, struct sk_buff *skb);

#endif /* _VGATE_HOOKS_H */
