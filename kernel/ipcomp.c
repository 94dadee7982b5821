// SPDX-License-Identifier: GPL-2.0
/*
 * IPComp packet transform (RFC 3173, DEFLATE: RFC 2394), laid out as
 * net/xfrm/xfrm_ipcomp.c so that XFRM's ipcomp4/ipcomp6 and
 * xfrm4_tunnel/xfrm6_tunnel accept every packet we send and vice versa:
 *   - the synchronous crypto API compressor "deflate" (raw deflate, the
 *     window RFC 2394 asks for), one transform per CPU, and one scratch
 *     buffer per CPU that receives the (de)compressed data, shared by all
 *     IPComp SAs and allocated with the first of them;
 *   - no allocation per packet: a packet that is not linear or is shared
 *     is made so (skb_linearize_cow(), as XFRM), and a decompressed packet
 *     that outgrows the buffer's tail room gets a bigger head;
 *   - tunnel mode sends a packet that stays uncompressed as IP-in-IP,
 *     which is what XFRM's IPComp tunnel mode sends and its IPIP/IP6IP6
 *     tunnel states receive.
 */
#include <linux/crypto.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/vmalloc.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/dsfield.h>

#include "netns.h"
#include "sad.h"
#include "esp.h"
#include "ipcomp.h"
#include "fault.h"

static DEFINE_MUTEX(ipcomp_mutex);
static unsigned int ipcomp_users;	/* IPComp SAs, under ipcomp_mutex */
static struct crypto_comp * __percpu *ipcomp_tfms;
static u8 * __percpu *ipcomp_scratches;

/* The canary in the scratch buffer's last byte, see ipcomp_decompress(). */
#define IPCOMP_CANARY	0x5a

static void ipcomp_free_percpu(void)
{
	int cpu;

	if (ipcomp_tfms) {
		for_each_possible_cpu(cpu) {
			struct crypto_comp *tfm = *per_cpu_ptr(ipcomp_tfms, cpu);

			if (!IS_ERR_OR_NULL(tfm))
				crypto_free_comp(tfm);
		}
		free_percpu(ipcomp_tfms);
		ipcomp_tfms = NULL;
	}
	if (ipcomp_scratches) {
		for_each_possible_cpu(cpu)
			vfree(*per_cpu_ptr(ipcomp_scratches, cpu));
		free_percpu(ipcomp_scratches);
		ipcomp_scratches = NULL;
	}
}

static int ipcomp_alloc_percpu(void)
{
	int cpu;

	ipcomp_tfms = alloc_percpu(struct crypto_comp *);
	ipcomp_scratches = alloc_percpu(u8 *);
	if (!ipcomp_tfms || !ipcomp_scratches)
		goto nomem;
	for_each_possible_cpu(cpu) {
		struct crypto_comp *tfm = crypto_alloc_comp("deflate", 0, 0);
		u8 *scratch;

		if (IS_ERR(tfm)) {
			ipcomp_free_percpu();
			return PTR_ERR(tfm);
		}
		*per_cpu_ptr(ipcomp_tfms, cpu) = tfm;
		scratch = vmalloc_node(VGATE_IPCOMP_SCRATCH, cpu_to_node(cpu));
		if (!scratch)
			goto nomem;
		*per_cpu_ptr(ipcomp_scratches, cpu) = scratch;
	}
	return 0;
nomem:
	ipcomp_free_percpu();
	return -ENOMEM;
}

int vgate_ipcomp_init_sa(struct vgate_sa *sa, struct netlink_ext_ack *extack)
{
	int err = 0;

	mutex_lock(&ipcomp_mutex);
	if (!ipcomp_users) {
		err = ipcomp_alloc_percpu();
		if (err == -ENOMEM)
			NL_SET_ERR_MSG(extack, "no memory for the IPComp buffers");
		else if (err)
			NL_SET_ERR_MSG(extack, "the kernel crypto API lacks deflate");
	}
	if (!err)
		ipcomp_users++;
	mutex_unlock(&ipcomp_mutex);
	return err;
}

void vgate_ipcomp_destroy_sa(struct vgate_sa *sa)
{
	mutex_lock(&ipcomp_mutex);
	if (!--ipcomp_users)
		ipcomp_free_percpu();
	mutex_unlock(&ipcomp_mutex);
}

int vgate_ipcomp_check_config(struct nlattr **tb,
			      struct netlink_ext_ack *extack)
{
	static const int refused[] = {
		VGATE_SA_A_ENC, VGATE_SA_A_ENC_KEY, VGATE_SA_A_AUTH,
		VGATE_SA_A_AUTH_KEY, VGATE_SA_A_REPLAY_WINDOW,
		VGATE_SA_A_FLAGS, VGATE_SA_A_ENCAP, VGATE_SA_A_OSEQ,
		VGATE_SA_A_REPLAY_SEQ,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		if (tb[refused[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[refused[i]],
					    "an IPComp SA takes no keys, sequence numbers, replay window, flags or encapsulation");
			return -EINVAL;
		}
	}
	return 0;
}

unsigned int vgate_ipcomp_overhead(const struct vgate_sa *sa)
{
	if (sa->mode != VGATE_MODE_TUNNEL)
		return 0;
	return sa->key.family == AF_INET ? sizeof(struct iphdr) :
					   sizeof(struct ipv6hdr);
}

static void ipcomp_set_len(struct sk_buff *skb)
{
	if (ip_hdr(skb)->version == 4) {
		ip_hdr(skb)->tot_len = htons(skb->len);
		ip_send_check(ip_hdr(skb));
	} else {
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - sizeof(struct ipv6hdr));
	}
}

/*
 * Compress @plen bytes at @data in place, behind the IPComp header's room;
 * the result's length, or 0 if it would not be smaller than @plen with the
 * IPComp header.
 */
static unsigned int ipcomp_compress(u8 *data, unsigned int plen)
{
	unsigned int dlen = plen - sizeof(struct ip_comp_hdr) - 1;
	struct crypto_comp *tfm;
	u8 *scratch;
	int err;

	local_bh_disable();
	tfm = *this_cpu_ptr(ipcomp_tfms);
	scratch = *this_cpu_ptr(ipcomp_scratches);
	/* Output that does not fit dlen fails: incompressible. */
	err = crypto_comp_compress(tfm, data, plen, scratch, &dlen);
	if (err || dlen + sizeof(struct ip_comp_hdr) >= plen)
		dlen = 0;
	else
		memcpy(data + sizeof(struct ip_comp_hdr), scratch, dlen);
	local_bh_enable();
	return dlen;
}

int vgate_ipcomp_output(struct sk_buff *skb, struct vgate_sa *sa)
{
	bool inner6 = ip_hdr(skb)->version == 6;
	unsigned int hoff, nh_off = 0, plen, dlen = 0;
	struct ip_comp_hdr *ipch;
	u8 proto, ds = 0;
	int off;

	if (sa->mode == VGATE_MODE_TUNNEL) {
		proto = inner6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
		ds = inner6 ? ipv6_get_dsfield(ipv6_hdr(skb)) : ip_hdr(skb)->tos;
		hoff = 0;
	} else {
		off = vgate_esp_transport_off(skb, &nh_off);
		if (off < 0)
			return VGATE_DROP_MALFORMED;
		hoff = off;
		proto = skb_network_header(skb)[nh_off];
	}
	plen = skb->len - hoff;
	if (plen < VGATE_COMP_THRESHOLD) {
		vgate_sa_count(sa, VGATE_SA_CNT_COMP_SMALL_OUT, 1);
		goto push;
	}
	if (skb_linearize_cow(skb))
		return VGATE_DROP_NOMEM;
	dlen = ipcomp_compress(skb->data + hoff, plen);
	if (!dlen) {
		vgate_sa_count(sa, VGATE_SA_CNT_COMP_INCOMPRESSIBLE_OUT, 1);
		goto push;
	}
	__skb_trim(skb, hoff + sizeof(*ipch) + dlen);
	ipch = (struct ip_comp_hdr *)(skb->data + hoff);
	ipch->nexthdr = proto;
	ipch->flags = 0;
	ipch->cpi = htons(ntohl(sa->key.spi));
	vgate_sa_count2(sa, VGATE_SA_CNT_COMP_OUT, 1,
			VGATE_SA_CNT_COMP_BYTES_BEFORE, plen);
	vgate_sa_count(sa, VGATE_SA_CNT_COMP_BYTES_AFTER,
		       dlen + sizeof(*ipch));
	proto = IPPROTO_COMP;
push:
	if (sa->mode == VGATE_MODE_TUNNEL) {
		if (skb_cow_head(skb, sizeof(struct ipv6hdr) + LL_MAX_HEADER))
			return VGATE_DROP_NOMEM;
		hoff = vgate_push_outer(skb, sa, ds, proto);
	} else if (dlen) {
		skb_network_header(skb)[nh_off] = IPPROTO_COMP;
	}
	skb_set_transport_header(skb, hoff);
	ipcomp_set_len(skb);
	return 0;
}

/*
 * Decompress @plen bytes at @data into the per-CPU scratch buffer (BHs
 * disabled by the caller).  A stream that fills the whole buffer and still
 * has output is a decompression bomb: the crypto API reports it as any
 * other error, so the buffer's last byte tells (a canary it overwrote).
 */
static int ipcomp_decompress(const u8 *data, unsigned int plen, u8 *scratch,
			     unsigned int *dlen)
{
	struct crypto_comp *tfm = *this_cpu_ptr(ipcomp_tfms);

	scratch[VGATE_IPCOMP_SCRATCH - 1] = IPCOMP_CANARY;
	*dlen = VGATE_IPCOMP_SCRATCH;
	if (!crypto_comp_decompress(tfm, data, plen, scratch, dlen))
		return 0;
	return scratch[VGATE_IPCOMP_SCRATCH - 1] != IPCOMP_CANARY ?
	       -VGATE_DROP_DECOMPRESS_OVERSIZE : -VGATE_DROP_DECOMPRESS;
}

int vgate_ipcomp_input(struct vgate_net *vn, struct sk_buff *skb,
		       unsigned int off, unsigned int nh_off,
		       struct vgate_sa **comp)
{
	const struct ip_comp_hdr *ipch;
	struct vgate_sa_key key = {};
	unsigned int plen, dlen, grow;
	struct vgate_sa *sa;
	u8 nexthdr, *scratch;
	int err;

	*comp = NULL;
	if (!pskb_may_pull(skb, off + sizeof(*ipch)))
		return -VGATE_DROP_IPCOMP_MALFORMED;
	ipch = (const struct ip_comp_hdr *)(skb->data + off);
	key.proto = IPPROTO_COMP;
	key.spi = htonl(ntohs(ipch->cpi));
	if (ip_hdr(skb)->version == 4) {
		key.family = AF_INET;
		key.daddr.a4 = ip_hdr(skb)->daddr;
	} else {
		key.family = AF_INET6;
		key.daddr.a6 = ipv6_hdr(skb)->daddr;
	}
	sa = vgate_sa_lookup(vn, &key);
	if (!sa)
		return -VGATE_DROP_NO_SA;
	*comp = sa;
	nexthdr = ipch->nexthdr;
	plen = skb->len - off - sizeof(*ipch);
	/* RFC 3173 2.2: flags are reserved; IPComp is never nested. */
	if (ipch->flags || nexthdr == IPPROTO_COMP || !plen)
		return -VGATE_DROP_IPCOMP_MALFORMED;
	if (test_bit(VGATE_SA_BIT_EXPIRED, &sa->state))
		return -VGATE_DROP_EXPIRED;
	if (skb_linearize_cow(skb))
		return -VGATE_DROP_NOMEM;

	local_bh_disable();
	scratch = *this_cpu_ptr(ipcomp_scratches);
	err = ipcomp_decompress(skb->data + off + sizeof(*ipch), plen, scratch,
				&dlen);
	if (!err && off + dlen > U16_MAX)
		err = -VGATE_DROP_DECOMPRESS_OVERSIZE;
	if (err)
		goto out;
	grow = dlen > plen + sizeof(*ipch) ? dlen - plen - sizeof(*ipch) : 0;
	if (grow > skb_tailroom(skb) &&
	    vgate_fault_int(pskb_expand_head(skb, 0, grow - skb_tailroom(skb), GFP_ATOMIC))) {
		err = -VGATE_DROP_NOMEM;
		goto out;
	}
	if (grow)
		__skb_put(skb, grow);
	else
		__skb_trim(skb, off + dlen);
	memcpy(skb->data + off, scratch, dlen);
out:
	local_bh_enable();
	if (err)
		return err;
	vgate_sa_count2(sa, VGATE_SA_CNT_DECOMP_IN, 1,
			VGATE_SA_CNT_DECOMP_BYTES_IN, plen + sizeof(*ipch));
	skb->ip_summed = CHECKSUM_NONE;
	skb_network_header(skb)[nh_off] = nexthdr;
	ipcomp_set_len(skb);
	return nexthdr;
}
