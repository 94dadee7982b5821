// SPDX-License-Identifier: GPL-2.0
/*
 * AH packet transform (RFC 4302), after net/ipv4/ah4.c and net/ipv6/ah6.c
 * so that the kernel's XFRM accepts every packet we send and vice versa:
 *   - the ICV is an HMAC (ahash, asynchronous as esp.c uses its AEAD)
 *     over the whole packet from the IP header on, with the ICV field
 *     zeroed and the mutable fields of the headers in front of AH zeroed
 *     (RFC 4302 3.3.3.1): IPv4 TOS, flags and fragment offset, TTL,
 *     header checksum and the mutable options (a source route is replaced
 *     by its final destination); IPv6 traffic class, flow label, hop
 *     limit, option data of hop-by-hop and destination options whose
 *     type says it may change en route, and a routing header rearranged
 *     as it will arrive;
 *   - with ESN the high 32 bits of the sequence number follow the packet
 *     in the ICV computation (RFC 4302 3.3.3.2), not on the wire;
 *   - the header is padded to 32 bits for IPv4 and 64 bits for IPv6 (RFC
 *     4302 2.6, "only enough padding"); XFRM pads IPv4 AH to 64 bits
 *     unless the state has "flag align4", so inbound IPv4 AH is accepted
 *     with either length;
 *   - one scratch allocation per packet holds the saved headers, the
 *     received ICV, the high sequence bits, the digest, the request and
 *     the scatterlist.
 * The IPv4 identification is not mutable: it is chosen before the ICV is
 * computed (vgate_xmit_done() leaves it alone for AH).
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/netlink.h>
#include <linux/scatterlist.h>
#include <net/ah.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/dsfield.h>

#include "ah.h"
#include "esp.h"
#include "sad.h"
#include "netns.h"
#include "fault.h"

static const char *const ah_hash_names[__VGATE_AUTH_LAST] = {
	[VGATE_AUTH_HMAC_SHA1_96] = "hmac(sha1)",
	[VGATE_AUTH_HMAC_SHA256_128] = "hmac(sha256)",
	[VGATE_AUTH_HMAC_SHA384_192] = "hmac(sha384)",
	[VGATE_AUTH_HMAC_SHA512_256] = "hmac(sha512)",
};

/* Key length = digest size; the ICV is half of it (RFC 2404, 4868). */
static const u8 ah_key_lens[__VGATE_AUTH_LAST] = {
	[VGATE_AUTH_HMAC_SHA1_96] = 20,
	[VGATE_AUTH_HMAC_SHA256_128] = 32,
	[VGATE_AUTH_HMAC_SHA384_192] = 48,
	[VGATE_AUTH_HMAC_SHA512_256] = 64,
};

static const u8 ah_icv_lens[__VGATE_AUTH_LAST] = {
	[VGATE_AUTH_HMAC_SHA1_96] = 12,
	[VGATE_AUTH_HMAC_SHA256_128] = 16,
	[VGATE_AUTH_HMAC_SHA384_192] = 24,
	[VGATE_AUTH_HMAC_SHA512_256] = 32,
};

int vgate_ah_check_config(const struct vgate_sa_config *cfg,
			  struct nlattr **tb, struct netlink_ext_ack *extack)
{
	if (tb[VGATE_SA_A_ENC] || tb[VGATE_SA_A_ENC_KEY]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_ENC] ?:
				    tb[VGATE_SA_A_ENC_KEY],
				    "AH takes no encryption algorithm or key");
		return -EINVAL;
	}
	if (tb[VGATE_SA_A_ENCAP]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_ENCAP],
				    "AH cannot be UDP encapsulated (RFC 3948 is ESP only)");
		return -EINVAL;
	}
	if (cfg->auth == VGATE_AUTH_NONE) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_AUTH],
				    "AH needs an HMAC auth algorithm");
		return -EINVAL;
	}
	if (cfg->auth_key_len != ah_key_lens[cfg->auth]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_AUTH_KEY],
				    "auth key length does not match the auth algorithm");
		return -EINVAL;
	}
	return 0;
}

static unsigned int ah_hlen(const struct vgate_sa *sa, bool align8)
{
	unsigned int n = sizeof(struct ip_auth_hdr) + sa->icvlen;

	return align8 ? ALIGN(n, 8) : ALIGN(n, 4);
}

int vgate_ah_init_sa(struct vgate_sa *sa, const struct vgate_sa_config *cfg,
		     struct netlink_ext_ack *extack)
{
	struct crypto_ahash *ahash;
	int err;

	ahash = vgate_fault_errptr(crypto_alloc_ahash(ah_hash_names[cfg->auth], 0, 0));
	if (IS_ERR(ahash)) {
		NL_SET_ERR_MSG(extack, "the kernel crypto API lacks this algorithm");
		return PTR_ERR(ahash);
	}
	err = crypto_ahash_setkey(ahash, cfg->auth_key, cfg->auth_key_len);
	if (err) {
		NL_SET_ERR_MSG(extack, "the crypto API refused the key");
		crypto_free_ahash(ahash);
		return err;
	}
	sa->ahash = ahash;
	sa->ivlen = 0;
	sa->icvlen = ah_icv_lens[cfg->auth];
	sa->blksize = 4;
	sa->ahlen = ah_hlen(sa, cfg->key.family == AF_INET6);
	return 0;
}

void vgate_ah_destroy_sa(struct vgate_sa *sa)
{
	crypto_free_ahash(sa->ahash);
}

unsigned int vgate_ah_overhead(const struct vgate_sa *sa)
{
	unsigned int n = sa->ahlen;

	if (sa->mode == VGATE_MODE_TUNNEL)
		n += sa->key.family == AF_INET ? sizeof(struct iphdr) :
						 sizeof(struct ipv6hdr);
	return n;
}

/*
 * Scratch: [headers in front of AH (@hlen)][received ICV (input)][ESN high
 * bits][digest][ahash_request + ctx][scatterlist x (nfrags + 1)]
 */
struct ah_tmp {
	u8 *hdrs, *auth, *icv;
	__be32 *seqhi;
	struct ahash_request *req;
	struct scatterlist *sg;
};

static void *ah_alloc_tmp(struct crypto_ahash *ahash, int nfrags,
			  unsigned int size)
{
	unsigned int len;

	len = size + sizeof(__be32) + crypto_ahash_digestsize(ahash) +
	      (crypto_ahash_alignmask(ahash) &
	       ~(crypto_tfm_ctx_alignment() - 1));
	len = ALIGN(len, crypto_tfm_ctx_alignment());
	len += sizeof(struct ahash_request) + crypto_ahash_reqsize(ahash);
	len = ALIGN(len, __alignof__(struct scatterlist));
	len += sizeof(struct scatterlist) * (nfrags + 1);
	return vgate_fault_ptr(kmalloc(len, GFP_ATOMIC));
}

/* Lay out @base (see ah_alloc_tmp); @auth bytes of received ICV. */
static void ah_tmp_layout(struct crypto_ahash *ahash, void *base,
			  unsigned int hlen, unsigned int auth,
			  struct ah_tmp *t)
{
	t->hdrs = base;
	t->auth = t->hdrs + hlen;
	t->seqhi = (__be32 *)(t->auth + auth);
	t->icv = PTR_ALIGN((u8 *)(t->seqhi + 1),
			   crypto_ahash_alignmask(ahash) + 1);
	t->req = (void *)PTR_ALIGN(t->icv + crypto_ahash_digestsize(ahash),
				   crypto_tfm_ctx_alignment());
	ahash_request_set_tfm(t->req, ahash);
	t->sg = (void *)ALIGN((unsigned long)(t->req + 1) +
			      crypto_ahash_reqsize(ahash),
			      __alignof__(struct scatterlist));
}

/* As ah4.c: zero mutable options, a source route gives the destination. */
static int ip_clear_mutable_options(struct iphdr *iph, __be32 *daddr)
{
	unsigned char *optptr = (unsigned char *)(iph + 1);
	int l = iph->ihl * 4 - sizeof(struct iphdr);
	int optlen;

	while (l > 0) {
		switch (*optptr) {
		case IPOPT_END:
			return 0;
		case IPOPT_NOOP:
			l--;
			optptr++;
			continue;
		}
		if (l < 2)
			return -EINVAL;
		optlen = optptr[1];
		if (optlen < 2 || optlen > l)
			return -EINVAL;
		switch (*optptr) {
		case IPOPT_SEC:
		case 0x85:	/* extended security */
		case IPOPT_CIPSO:
		case IPOPT_RA:
		case 0x80 | 21:	/* RFC 1770 */
			break;
		case IPOPT_LSRR:
		case IPOPT_SSRR:
			if (optlen < 6)
				return -EINVAL;
			memcpy(daddr, optptr + optlen - 4, 4);
			fallthrough;
		default:
			memset(optptr, 0, optlen);
		}
		l -= optlen;
		optptr += optlen;
	}
	return 0;
}

/* As ah6.c: zero the data of options whose type has the "may change" bit. */
static bool zero_out_mutable_opts(struct ipv6_opt_hdr *opthdr,
				  unsigned int avail)
{
	u8 *opt = (u8 *)opthdr;
	int len = ipv6_optlen(opthdr);
	int off = 2, optlen;

	if (len > avail)
		return false;
	len -= 2;
	while (len > 0) {
		if (opt[off] == IPV6_TLV_PAD1) {
			optlen = 1;
		} else {
			if (len < 2)
				return false;
			optlen = opt[off + 1] + 2;
			if (len < optlen)
				return false;
			if (opt[off] & 0x20)
				memset(&opt[off + 2], 0, opt[off + 1]);
		}
		off += optlen;
		len -= optlen;
	}
	return len == 0;
}

/* As ah6.c (RFC 4302 appendix A2): the routing header as it will arrive. */
static int ipv6_rearrange_rthdr(struct ipv6hdr *iph, struct ipv6_rt_hdr *rthdr,
				unsigned int avail)
{
	unsigned int segments, segments_left;
	struct in6_addr *addrs, final_addr;

	segments_left = rthdr->segments_left;
	if (segments_left == 0)
		return 0;
	segments = rthdr->hdrlen >> 1;
	if (segments_left > segments || ipv6_optlen(rthdr) > avail)
		return -EINVAL;
	rthdr->segments_left = 0;
	addrs = ((struct rt0_hdr *)rthdr)->addr;
	final_addr = addrs[segments - 1];
	addrs += segments - segments_left;
	memmove(addrs + 1, addrs, (segments_left - 1) * sizeof(*addrs));
	addrs[0] = iph->daddr;
	iph->daddr = final_addr;
	return 0;
}

/* Zero what may change en route in the @hlen bytes of headers before AH. */
static int ah_clear_mutable(struct sk_buff *skb, unsigned int hlen)
{
	struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int off = sizeof(*ip6h);
	u8 nexthdr = ip6h->nexthdr;

	if (ip_hdr(skb)->version == 4) {
		struct iphdr *iph = ip_hdr(skb);
		__be32 daddr = iph->daddr;
		int err = 0;

		iph->tos = 0;
		iph->frag_off = 0;
		iph->ttl = 0;
		iph->check = 0;
		if (iph->ihl > 5)
			err = ip_clear_mutable_options(iph, &daddr);
		iph->daddr = daddr;
		return err;
	}
	ip6h->priority = 0;
	ip6h->flow_lbl[0] = 0;
	ip6h->flow_lbl[1] = 0;
	ip6h->flow_lbl[2] = 0;
	ip6h->hop_limit = 0;
	while (off < hlen) {
		struct ipv6_opt_hdr *h = (void *)(skb->data + off);

		if (off + sizeof(*h) > hlen)
			return -EINVAL;
		switch (nexthdr) {
		case NEXTHDR_HOP:
		case NEXTHDR_DEST:
			if (!zero_out_mutable_opts(h, hlen - off))
				return -EINVAL;
			break;
		case NEXTHDR_ROUTING:
			if (ipv6_rearrange_rthdr(ip6h, (void *)h, hlen - off))
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
		nexthdr = h->nexthdr;
		off += ipv6_optlen(h);
	}
	return off == hlen ? 0 : -EINVAL;
}

/* The packet from the IP header on, then the ESN high bits if any. */
static int ah_set_sg(struct sk_buff *skb, struct vgate_sa *sa,
		     struct ah_tmp *t, int nfrags, u64 seq)
{
	int err;

	sg_init_table(t->sg, nfrags + 1);
	err = skb_to_sgvec_nomark(skb, t->sg, 0, skb->len);
	if (unlikely(err < 0))
		return err;
	if (sa->esn) {
		*t->seqhi = htonl(upper_32_bits(seq));
		sg_set_buf(t->sg + err, t->seqhi, sizeof(*t->seqhi));
		sg_mark_end(t->sg + err);
	} else {
		sg_mark_end(t->sg + err - 1);
	}
	ahash_request_set_crypt(t->req, t->sg, t->icv,
				skb->len + (sa->esn ? sizeof(*t->seqhi) : 0));
	return 0;
}

static void ah_output_finish(struct sk_buff *skb, int err)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa;
	struct ip_auth_hdr *ah;
	struct ah_tmp t;

	ah_tmp_layout(sa->ahash, cb->tmp, cb->esp_off, 0, &t);
	ah = (struct ip_auth_hdr *)(skb->data + cb->esp_off);
	memcpy(ah->auth_data, t.icv, sa->icvlen);
	memcpy(skb->data, t.hdrs, cb->esp_off);
	kfree(cb->tmp);
	cb->tmp = NULL;
	vgate_xmit_done(skb, err ? VGATE_DROP_CRYPTO : 0);
}

static void ah_output_done(struct crypto_async_request *base, int err)
{
	ah_output_finish(base->data, err);
}

void vgate_ah_output(struct sk_buff *skb)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa;
	unsigned int hdrlen = sa->ahlen, hoff, nh_off = 0;
	bool inner6 = ip_hdr(skb)->version == 6;
	struct ip_auth_hdr *ah;
	struct sk_buff *trailer;
	struct ah_tmp t;
	int nfrags, err;
	u8 proto, ds = 0;
	void *tmp;

	if (sa->mode == VGATE_MODE_TUNNEL) {
		proto = inner6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
		ds = inner6 ? ipv6_get_dsfield(ipv6_hdr(skb)) : ip_hdr(skb)->tos;
		hoff = 0;
	} else {
		err = vgate_esp_transport_off(skb, &nh_off);
		if (err < 0)
			goto malformed;
		hoff = err;
		proto = skb->data[nh_off];
	}
	if (skb_cow_head(skb, hdrlen + sizeof(struct ipv6hdr) + LL_MAX_HEADER))
		goto nomem;
	nfrags = vgate_fault_int(skb_cow_data(skb, 0, &trailer));
	if (nfrags < 0)
		goto nomem;

	skb_push(skb, hdrlen);
	if (sa->mode == VGATE_MODE_TUNNEL) {
		hoff = vgate_push_outer(skb, sa, ds, IPPROTO_AH);
	} else {
		/* Headers that stay in front of AH move up by hdrlen. */
		memmove(skb->data, skb->data + hdrlen, hoff);
		skb_reset_network_header(skb);
		skb->data[nh_off] = IPPROTO_AH;
	}
	skb_set_transport_header(skb, hoff);
	ah = (struct ip_auth_hdr *)(skb->data + hoff);
	ah->nexthdr = proto;
	ah->hdrlen = (hdrlen >> 2) - 2;
	ah->reserved = 0;
	ah->spi = sa->key.spi;
	ah->seq_no = htonl(lower_32_bits(cb->seq));
	memset(ah->auth_data, 0, hdrlen - sizeof(*ah));
	if (sa->key.family == AF_INET) {
		ip_hdr(skb)->tot_len = htons(skb->len);
		/* Covered by the ICV: chosen now, not at transmit. */
		ip_select_ident(sa->vn->net, skb, NULL);
	} else {
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - sizeof(struct ipv6hdr));
	}

	tmp = ah_alloc_tmp(sa->ahash, nfrags, hoff);
	if (!tmp)
		goto nomem;
	cb->tmp = tmp;
	cb->esp_off = hoff;
	ah_tmp_layout(sa->ahash, tmp, hoff, 0, &t);
	memcpy(t.hdrs, skb->data, hoff);
	err = ah_clear_mutable(skb, hoff);
	if (!err)
		err = ah_set_sg(skb, sa, &t, nfrags, cb->seq);
	if (unlikely(err)) {
		memcpy(skb->data, t.hdrs, hoff);
		kfree(tmp);
		cb->tmp = NULL;
		goto malformed;
	}
	ahash_request_set_callback(t.req, 0, ah_output_done, skb);
	/* No CRYPTO_TFM_REQ_MAY_BACKLOG: only -EINPROGRESS means queued. */
	err = crypto_ahash_digest(t.req);
	if (err == -EINPROGRESS)
		return;
	ah_output_finish(skb, err);
	return;
malformed:
	vgate_xmit_done(skb, VGATE_DROP_MALFORMED);
	return;
nomem:
	vgate_xmit_done(skb, VGATE_DROP_NOMEM);
}

static int ah_input_finish(struct sk_buff *skb, int err)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa;
	unsigned int hoff = cb->esp_off;
	struct ah_tmp t;
	u8 nexthdr;

	ah_tmp_layout(sa->ahash, cb->tmp, hoff, sa->icvlen, &t);
	if (!err && crypto_memneq(t.icv, t.auth, sa->icvlen))
		err = -EBADMSG;
	/* The headers as they arrived, the mutable fields included. */
	memcpy(skb->data, t.hdrs, hoff);
	kfree(cb->tmp);
	cb->tmp = NULL;
	if (err == -EBADMSG)
		return -VGATE_DROP_AUTH;
	if (err)
		return -VGATE_DROP_CRYPTO;
	nexthdr = ((struct ip_auth_hdr *)(skb->data + hoff))->nexthdr;
	return nexthdr;
}

static void ah_input_done(struct crypto_async_request *base, int err)
{
	struct sk_buff *skb = base->data;

	vgate_rcv_done(skb, ah_input_finish(skb, err));
}

/* The header length the SA's peer may send: RFC 4302 or XFRM's padding. */
bool vgate_ah_hlen_ok(const struct vgate_sa *sa, unsigned int len)
{
	return len == sa->ahlen ||
	       (sa->key.family == AF_INET && len == ah_hlen(sa, true));
}

void vgate_ah_input(struct sk_buff *skb)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa;
	unsigned int hoff = cb->esp_off;
	struct ip_auth_hdr *ah;
	struct sk_buff *trailer;
	struct ah_tmp t;
	int nfrags, err;
	void *tmp;

	/* vgate_xf_rcv() checked the length and pulled the header. */
	if (skb_unclone(skb, GFP_ATOMIC))
		goto nomem;
	nfrags = vgate_fault_int(skb_cow_data(skb, 0, &trailer));
	if (nfrags < 0)
		goto nomem;
	tmp = ah_alloc_tmp(sa->ahash, nfrags, hoff + sa->icvlen);
	if (!tmp)
		goto nomem;
	cb->tmp = tmp;
	ah_tmp_layout(sa->ahash, tmp, hoff, sa->icvlen, &t);
	ah = (struct ip_auth_hdr *)(skb->data + hoff);
	memcpy(t.hdrs, skb->data, hoff);
	memcpy(t.auth, ah->auth_data, sa->icvlen);
	memset(ah->auth_data, 0, sa->icvlen);
	skb->ip_summed = CHECKSUM_NONE;
	err = ah_clear_mutable(skb, hoff);
	if (!err)
		err = ah_set_sg(skb, sa, &t, nfrags, cb->seq);
	if (unlikely(err)) {
		memcpy(skb->data, t.hdrs, hoff);
		kfree(tmp);
		cb->tmp = NULL;
		vgate_rcv_done(skb, -VGATE_DROP_MALFORMED);
		return;
	}
	ahash_request_set_callback(t.req, 0, ah_input_done, skb);
	err = crypto_ahash_digest(t.req);
	if (err == -EINPROGRESS)
		return;
	vgate_rcv_done(skb, ah_input_finish(skb, err));
	return;
nomem:
	vgate_rcv_done(skb, -VGATE_DROP_NOMEM);
}
