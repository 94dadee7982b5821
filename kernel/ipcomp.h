/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPComp (RFC 3173) with DEFLATE (RFC 2394): compression of one packet
 * before ESP, decompression after it.  The crypto API's synchronous
 * "deflate" compressor, one transform and one scratch buffer per CPU,
 * shared by every IPComp SA, as XFRM's xfrm_ipcomp.c does.
 */
#ifndef _VGATE_IPCOMP_H
#define _VGATE_IPCOMP_H

#include <linux/skbuff.h>

struct vgate_net;
struct vgate_sa;
struct vgate_sa_config;
struct netlink_ext_ack;
struct nlattr;

/* Decompressed data must fit here: an IP packet is at most 64 KiB. */
#define VGATE_IPCOMP_SCRATCH	65536

/* The attributes an IPComp SA refuses; 0 or -EINVAL naming one. */
int vgate_ipcomp_check_config(struct nlattr **tb,
			      struct netlink_ext_ack *extack);
/* Take (first SA: allocate) the per-CPU transforms and scratch buffers. */
int vgate_ipcomp_init_sa(struct vgate_sa *sa, struct netlink_ext_ack *extack);
void vgate_ipcomp_destroy_sa(struct vgate_sa *sa);

/*
 * Compress @skb (network header at skb->data) with the IPComp SA @sa.
 * Tunnel mode: an outer header of the SA's family is pushed, naming
 * IPComp when the packet was compressed and IP-in-IP (4 or 41) when it was
 * not; transport mode: the IPComp header follows the IP header (IPv6: the
 * extension headers that precede a fragment header) when compressed.
 * Payloads below VGATE_COMP_THRESHOLD and those that do not become
 * smaller are sent uncompressed (RFC 3173 2.2).  Returns 0 or a drop
 * reason (the caller drops).
 */
int vgate_ipcomp_output(struct sk_buff *skb, struct vgate_sa *sa);

/*
 * Decompress the IPComp packet @skb: its IP header at skb->data and the
 * IPComp header at @off (after the IP header and, IPv6, the extension
 * headers in front of it; the byte naming IPComp at @nh_off).  On success
 * the IPComp SA (with a reference) is stored in *@comp and the packet is
 * the inner one (tunnel mode: the inner IP packet, at skb->data; transport
 * mode: the IP header names the decompressed payload).  Returns 0 or a
 * negative drop reason; *@comp is set whenever the SA was found.
 */
int vgate_ipcomp_input(struct vgate_net *vn, struct sk_buff *skb,
		       unsigned int off, unsigned int nh_off,
		       struct vgate_sa **comp);

/* Bytes IPComp adds at most: the outer header in tunnel mode, else 0. */
unsigned int vgate_ipcomp_overhead(const struct vgate_sa *sa);

#endif /* _VGATE_IPCOMP_H */
