// SPDX-License-Identifier: GPL-2.0
/*
 * ESP packet transform.  The layout follows net/ipv4/esp4.c so that the
 * kernel's XFRM accepts every packet we send and vice versa:
 *   - every algorithm is one AEAD: rfc4106/rfc7539esp for combined modes,
 *     authenc(hmac(x),cbc(y)) for the others, wrapped in the IV generator
 *     that RFC 4106/7634 (seqiv) or RFC 3602 (echainiv) expects;
 *   - associated data is the ESP header (SPI, sequence number), the IV
 *     follows it and is written by the IV generator on output;
 *   - one scratch allocation per packet holds IV, request and scatterlist;
 *   - with ESN the associated data is SPI, high and low halves of the
 *     sequence number (12 bytes, RFC 4303 2.2.1 / RFC 4106 5), which is the
 *     layout esp4.c builds by moving the header; here it is a buffer of its
 *     own in the scratch area, the first scatterlist entry.  authencesn()
 *     authenticates it in the order RFC 4303 asks (high bits last).
 */
#include <crypto/aead.h>
#include <crypto/authenc.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/scatterlist.h>
#include <net/esp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>

#include "esp.h"
#include "ah.h"
#include "sad.h"
#include "fault.h"

struct enc_desc {
	const char *name;	/* crypto API cipher or AEAD */
	const char *geniv;
	u8 keylens[3];		/* allowed key lengths incl. salt, 0 = unused */
	bool aead;		/* combined mode: no separate AUTH */
	bool weak;
	u8 icvlen;		/* AEAD only */
};

static const struct enc_desc enc_descs[__VGATE_ENC_LAST] = {
	[VGATE_ENC_NULL] = { "ecb(cipher_null)", NULL, { 0 } },
	[VGATE_ENC_AES_CBC] = { "cbc(aes)", "echainiv", { 16, 24, 32 } },
	[VGATE_ENC_AES_GCM_16] = { "rfc4106(gcm(aes))", "seqiv", { 20, 28, 36 },
				   true, false, 16 },
	[VGATE_ENC_CHACHA20_POLY1305] = { "rfc7539esp(chacha20,poly1305)",
					  "seqiv", { 36 }, true, false, 16 },
	[VGATE_ENC_DES3_CBC] = { "cbc(des3_ede)", "echainiv", { 24 },
				 false, true },
};

struct auth_desc {
	const char *name;
	u8 keylen;
	u8 icvlen;
};

static const struct auth_desc auth_descs[__VGATE_AUTH_LAST] = {
	[VGATE_AUTH_HMAC_SHA1_96] = { "hmac(sha1)", 20, 12 },
	[VGATE_AUTH_HMAC_SHA256_128] = { "hmac(sha256)", 32, 16 },
	[VGATE_AUTH_HMAC_SHA384_192] = { "hmac(sha384)", 48, 24 },
	[VGATE_AUTH_HMAC_SHA512_256] = { "hmac(sha512)", 64, 32 },
};

unsigned int vgate_esp_key_bits(const struct vgate_sa_config *cfg)
{
	switch (cfg->enc) {
	case VGATE_ENC_AES_GCM_16:
	case VGATE_ENC_CHACHA20_POLY1305:
		return (cfg->enc_key_len - 4) * 8;	/* RFC 4106/7634 salt */
	default:
		return cfg->enc_key_len * 8;
	}
}

bool vgate_esp_alg_weak(u16 enc)
{
	return enc < __VGATE_ENC_LAST && enc_descs[enc].weak;
}

int vgate_esp_check_config(const struct vgate_sa_config *cfg,
			   struct nlattr **tb, struct netlink_ext_ack *extack)
{
	const struct enc_desc *e = &enc_descs[cfg->enc];
	int i;

	if (e->aead) {
		if (cfg->auth != VGATE_AUTH_NONE || tb[VGATE_SA_A_AUTH_KEY]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_AUTH] ?:
					    tb[VGATE_SA_A_AUTH_KEY],
					    "combined mode cipher takes no separate auth algorithm or key");
			return -EINVAL;
		}
	} else if (cfg->auth == VGATE_AUTH_NONE) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_ENC],
				    "this cipher needs an HMAC auth algorithm: ESP without integrity is refused");
		return -EINVAL;
	} else if (cfg->auth_key_len != auth_descs[cfg->auth].keylen) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_AUTH_KEY],
				    "auth key length does not match the auth algorithm");
		return -EINVAL;
	}
	if (cfg->enc == VGATE_ENC_NULL) {
		if (cfg->enc_key_len) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_ENC_KEY],
					    "NULL encryption takes no key");
			return -EINVAL;
		}
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(e->keylens); i++)
		if (e->keylens[i] && e->keylens[i] == cfg->enc_key_len)
			return 0;
	NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_SA_A_ENC_KEY] ?: tb[VGATE_SA_A_ENC],
			    "encryption key length does not match the cipher");
	return -EINVAL;
}

/* Key blob for authenc(): rtattr with the cipher key length, then keys. */
static int authenc_setkey(struct crypto_aead *aead,
			  const struct vgate_sa_config *cfg)
{
	struct crypto_authenc_key_param *param;
	unsigned int keylen;
	struct rtattr *rta;
	u8 *key, *p;
	int err;

	keylen = RTA_SPACE(sizeof(*param)) + cfg->auth_key_len +
		 cfg->enc_key_len;
	key = vgate_fault_ptr(kmalloc(keylen, GFP_KERNEL));
	if (!key)
		return -ENOMEM;
	rta = (struct rtattr *)key;
	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(cfg->enc_key_len);
	p = key + RTA_SPACE(sizeof(*param));
	memcpy(p, cfg->auth_key, cfg->auth_key_len);
	p += cfg->auth_key_len;
	memcpy(p, cfg->enc_key, cfg->enc_key_len);
	err = crypto_aead_setkey(aead, key, keylen);
	kfree_sensitive(key);
	return err;
}

int vgate_esp_init_sa(struct vgate_sa *sa, const struct vgate_sa_config *cfg,
		      struct netlink_ext_ack *extack)
{
	const struct enc_desc *e = &enc_descs[cfg->enc];
	char name[CRYPTO_MAX_ALG_NAME];
	struct crypto_aead *aead;
	int n, err;

	const char *authenc = cfg->flags & VGATE_SA_F_ESN ? "authencesn" :
							    "authenc";

	if (e->aead)
		n = snprintf(name, sizeof(name), "%s(%s)", e->geniv, e->name);
	else if (e->geniv)
		n = snprintf(name, sizeof(name), "%s(%s(%s,%s))", e->geniv,
			     authenc, auth_descs[cfg->auth].name, e->name);
	else
		n = snprintf(name, sizeof(name), "%s(%s,%s)", authenc,
			     auth_descs[cfg->auth].name, e->name);
	if (n >= sizeof(name))
		return -ENAMETOOLONG;

	aead = vgate_fault_errptr(crypto_alloc_aead(name, 0, 0));
	if (IS_ERR(aead)) {
		NL_SET_ERR_MSG(extack, "the kernel crypto API lacks this algorithm");
		return PTR_ERR(aead);
	}
	if (e->aead)
		err = crypto_aead_setkey(aead, cfg->enc_key, cfg->enc_key_len);
	else
		err = authenc_setkey(aead, cfg);
	if (err) {
		NL_SET_ERR_MSG(extack, "the crypto API refused the key");
		goto fail;
	}
	err = crypto_aead_setauthsize(aead, e->aead ? e->icvlen :
				      auth_descs[cfg->auth].icvlen);
	if (err) {
		NL_SET_ERR_MSG(extack, "the crypto API refused the ICV length");
		goto fail;
	}
	sa->aead = aead;
	sa->ivlen = crypto_aead_ivsize(aead);
	sa->icvlen = crypto_aead_authsize(aead);
	sa->blksize = ALIGN(crypto_aead_blocksize(aead), 4);
	return 0;
fail:
	crypto_free_aead(aead);
	return err;
}

void vgate_esp_destroy_sa(struct vgate_sa *sa)
{
	crypto_free_aead(sa->aead);
}

/* Outer IP header, UDP (NAT-T), ESP header, IV, ICV: every packet pays. */
static unsigned int esp_fixed_overhead(const struct vgate_sa *sa)
{
	unsigned int n = sa->encap_hlen + sizeof(struct ip_esp_hdr) +
			 sa->ivlen + sa->icvlen;

	if (sa->mode == VGATE_MODE_TUNNEL)
		n += sa->key.family == AF_INET ? sizeof(struct iphdr) :
						 sizeof(struct ipv6hdr);
	return n;
}

unsigned int vgate_esp_overhead(const struct vgate_sa *sa, unsigned int len)
{
	return esp_fixed_overhead(sa) + ALIGN(len + 2, sa->blksize) - len;
}

unsigned int vgate_esp_inner_mtu(const struct vgate_sa *sa, unsigned int mtu,
				 unsigned int hlen)
{
	unsigned int fixed = esp_fixed_overhead(sa) + hlen;

	if (mtu < fixed + sa->blksize + 68)
		return 68;
	return round_down(mtu - fixed, sa->blksize) - 2 + hlen;
}

unsigned int vgate_xf_overhead(const struct vgate_sa *sa, unsigned int len)
{
	if (sa->key.proto == IPPROTO_AH)
		return vgate_ah_overhead(sa);
	return vgate_esp_overhead(sa, len);
}

unsigned int vgate_xf_inner_mtu(const struct vgate_sa *sa, unsigned int mtu,
				unsigned int hlen)
{
	unsigned int fixed;

	if (sa->key.proto != IPPROTO_AH)
		return vgate_esp_inner_mtu(sa, mtu, hlen);
	fixed = vgate_ah_overhead(sa);
	return mtu < fixed + 68 ? 68 : mtu - fixed;
}

int vgate_esp_transport_off(struct sk_buff *skb, unsigned int *nh_off)
{
	u8 *prevhdr;
	int off;

	if (ip_hdr(skb)->version == 4) {
		*nh_off = offsetof(struct iphdr, protocol);
		return ip_hdrlen(skb);
	}
	off = ip6_find_1stfragopt(skb, &prevhdr);
	if (off >= 0)
		*nh_off = prevhdr - skb_network_header(skb);
	return off;
}

/*
 * Scratch layout: [IV][aead_request + ctx][scatterlist x nfrags][ESN AAD]
 * With ESN the AAD buffer takes one more scatterlist entry.
 */
static void *esp_alloc_tmp(struct crypto_aead *aead, int nfrags, bool esn)
{
	unsigned int len;

	if (esn)
		nfrags++;

	len = ALIGN(crypto_aead_ivsize(aead), crypto_tfm_ctx_alignment()) +
	      crypto_aead_alignmask(aead);
	len = ALIGN(len, crypto_tfm_ctx_alignment());
	len += sizeof(struct aead_request) + crypto_aead_reqsize(aead);
	len = ALIGN(len, __alignof__(struct scatterlist));
	len += sizeof(struct scatterlist) * nfrags;
	if (esn)
		len += VGATE_ESN_AAD_LEN;
	return vgate_fault_ptr(kmalloc(len, GFP_ATOMIC));
}

static u8 *esp_tmp_iv(struct crypto_aead *aead, void *tmp)
{
	return PTR_ALIGN((u8 *)tmp, crypto_aead_alignmask(aead) + 1);
}

static struct aead_request *esp_tmp_req(struct crypto_aead *aead, u8 *iv)
{
	struct aead_request *req;

	req = (void *)PTR_ALIGN(iv + crypto_aead_ivsize(aead),
				crypto_tfm_ctx_alignment());
	aead_request_set_tfm(req, aead);
	return req;
}

static struct scatterlist *esp_req_sg(struct crypto_aead *aead,
				      struct aead_request *req)
{
	return (void *)ALIGN((unsigned long)(req + 1) +
			     crypto_aead_reqsize(aead),
			     __alignof__(struct scatterlist));
}

/*
 * ESN: point sg[0] at the AAD (SPI, seq hi, seq lo), after the nfrags + 1
 * scatterlist entries; the skb from @offset (after the ESP header) goes
 * into the others.  Returns the entries to fill from the skb.
 */
static struct scatterlist *esp_esn_aad(struct scatterlist *sg, int nfrags,
				       __be32 spi, u64 seq)
{
	__be32 *aad = (__be32 *)(sg + nfrags + 1);

	aad[0] = spi;
	aad[1] = htonl(upper_32_bits(seq));
	aad[2] = htonl(lower_32_bits(seq));
	sg_init_table(sg, nfrags + 1);
	sg_set_buf(sg, aad, VGATE_ESN_AAD_LEN);
	return sg + 1;
}

static void esp_output_done(struct crypto_async_request *base, int err)
{
	struct sk_buff *skb = base->data;

	kfree(VGATE_SKB_CB(skb)->tmp);
	VGATE_SKB_CB(skb)->tmp = NULL;
	vgate_xmit_done(skb, err ? VGATE_DROP_CRYPTO : 0);
}

/*
 * Tunnel mode: push the outer header (the SA's family) in front of the ESP
 * header at skb->data; returns its length.  RFC 6040 normal mode: DSCP and
 * ECN are copied, CE becomes ECT(0).
 */
unsigned int vgate_push_outer(struct sk_buff *skb, struct vgate_sa *sa,
			      u8 inner_ds, u8 proto)
{
	u8 ds = INET_ECN_encapsulate(inner_ds, inner_ds);
	struct ipv6hdr *ip6h;

	if (sa->key.family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		iph->version = 4;
		iph->ihl = 5;
		iph->tos = ds;
		iph->frag_off = VGATE_SKB_CB(skb)->outer_df ? htons(IP_DF) : 0;
		iph->ttl = IPDEFTTL;	/* set from the route at transmit */
		iph->protocol = proto;
		iph->saddr = sa->saddr.a4;
		iph->daddr = sa->key.daddr.a4;
		iph->id = 0;
		iph->check = 0;
		skb_reset_network_header(skb);
		return sizeof(*iph);
	}
	ip6h = skb_push(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, ds, 0);
	ip6h->nexthdr = proto;
	ip6h->hop_limit = IPV6_DEFAULT_HOPLIMIT;	/* set at transmit */
	ip6h->saddr = sa->saddr.a6;
	ip6h->daddr = sa->key.daddr.a6;
	skb_reset_network_header(skb);
	return sizeof(*ip6h);
}

void vgate_esp_output(struct sk_buff *skb)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa;
	unsigned int hdrlen, hoff, nh_off = 0, plen, clen, padlen, tailen, i;
	bool inner6 = ip_hdr(skb)->version == 6;
	struct ip_esp_hdr *esph;
	struct aead_request *req;
	struct sk_buff *trailer;
	struct scatterlist *sg;
	__be64 seqno;
	int nfrags, err;
	u8 proto, ds, *tail, *iv;
	void *tmp;

	hdrlen = sizeof(*esph) + sa->ivlen;
	if (sa->mode == VGATE_MODE_TUNNEL) {
		proto = inner6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
		ds = inner6 ? ipv6_get_dsfield(ipv6_hdr(skb)) : ip_hdr(skb)->tos;
		hoff = 0;
	} else {
		err = vgate_esp_transport_off(skb, &nh_off);
		if (err < 0)
			goto malformed;
		hoff = err;
		proto = skb_network_header(skb)[nh_off];
	}
	plen = skb->len - hoff;
	clen = ALIGN(plen + 2, sa->blksize);
	padlen = clen - plen - 2;
	tailen = clen - plen + sa->icvlen;

	if (skb_cow_head(skb, hdrlen + sizeof(struct ipv6hdr) + LL_MAX_HEADER))
		goto nomem;
	nfrags = vgate_fault_int(skb_cow_data(skb, tailen, &trailer));
	if (nfrags < 0)
		goto nomem;
	tail = skb_tail_pointer(trailer);
	for (i = 0; i < padlen; i++)
		tail[i] = i + 1;
	tail[padlen] = padlen;
	tail[padlen + 1] = proto;
	pskb_put(skb, trailer, tailen);

	if (sa->mode == VGATE_MODE_TUNNEL) {
		skb_push(skb, hdrlen);
		hoff = vgate_push_outer(skb, sa, ds, IPPROTO_ESP);
	} else {
		/* Headers that stay in front of ESP move up by hdrlen. */
		skb_push(skb, hdrlen);
		memmove(skb->data, skb->data + hdrlen, hoff);
		skb_reset_network_header(skb);
		skb->data[nh_off] = IPPROTO_ESP;
	}
	esph = (struct ip_esp_hdr *)(skb->data + hoff);
	skb_set_transport_header(skb, hoff);
	if (sa->key.family == AF_INET)
		ip_hdr(skb)->tot_len = htons(skb->len);
	else
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - sizeof(struct ipv6hdr));

	esph->spi = sa->key.spi;
	esph->seq_no = htonl(cb->seq);
	seqno = cpu_to_be64(cb->seq);

	tmp = esp_alloc_tmp(sa->aead, nfrags, sa->esn);
	if (!tmp)
		goto nomem;
	iv = esp_tmp_iv(sa->aead, tmp);
	req = esp_tmp_req(sa->aead, iv);
	sg = esp_req_sg(sa->aead, req);
	cb->tmp = tmp;

	if (sa->esn) {
		err = skb_to_sgvec(skb, esp_esn_aad(sg, nfrags, esph->spi,
						    cb->seq),
				   hoff + sizeof(*esph),
				   sa->ivlen + clen + sa->icvlen);
	} else {
		sg_init_table(sg, nfrags);
		err = skb_to_sgvec(skb, sg, hoff, sizeof(*esph) + sa->ivlen +
				   clen + sa->icvlen);
	}
	if (unlikely(err < 0)) {
		kfree(tmp);
		cb->tmp = NULL;
		goto malformed;
	}
	aead_request_set_callback(req, 0, esp_output_done, skb);
	aead_request_set_crypt(req, sg, sg, sa->ivlen + clen, iv);
	aead_request_set_ad(req, sa->esn ? VGATE_ESN_AAD_LEN : sizeof(*esph));
	memset(iv, 0, sa->ivlen);
	memcpy(iv + sa->ivlen - min_t(unsigned int, sa->ivlen, 8),
	       (u8 *)&seqno + 8 - min_t(unsigned int, sa->ivlen, 8),
	       min_t(unsigned int, sa->ivlen, 8));

	/* No CRYPTO_TFM_REQ_MAY_BACKLOG: only -EINPROGRESS means queued. */
	err = crypto_aead_encrypt(req);
	if (err == -EINPROGRESS)
		return;
	esp_output_done(&req->base, err);
	return;
malformed:
	vgate_xmit_done(skb, VGATE_DROP_MALFORMED);
	return;
nomem:
	vgate_xmit_done(skb, VGATE_DROP_NOMEM);
}

/*
 * Check and strip the trailer (RFC 4303 2.4-2.6): pad length, the default
 * monotonic pad bytes, next header.  Returns the next header or -reason.
 */
static int esp_remove_trailer(struct sk_buff *skb, struct vgate_sa *sa,
			      unsigned int elen)
{
	u8 pad[256], nexthdr[2];
	unsigned int padlen, i;

	if (skb_copy_bits(skb, skb->len - sa->icvlen - 2, nexthdr, 2))
		return -VGATE_DROP_MALFORMED;
	padlen = nexthdr[0];
	if (padlen + 2 + sa->icvlen > elen)
		return -VGATE_DROP_BAD_PADDING;
	if (skb_copy_bits(skb, skb->len - sa->icvlen - 2 - padlen, pad, padlen))
		return -VGATE_DROP_MALFORMED;
	for (i = 0; i < padlen; i++)
		if (pad[i] != i + 1)
			return -VGATE_DROP_BAD_PADDING;
	if (pskb_trim(skb, skb->len - sa->icvlen - 2 - padlen))
		return -VGATE_DROP_NOMEM;
	return nexthdr[1];
}

static int esp_input_finish(struct sk_buff *skb, int err)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa;

	kfree(cb->tmp);
	cb->tmp = NULL;
	if (err == -EBADMSG)
		return -VGATE_DROP_AUTH;
	if (err)
		return -VGATE_DROP_CRYPTO;
	return esp_remove_trailer(skb, sa, skb->len - cb->esp_off -
				  sizeof(struct ip_esp_hdr) - sa->ivlen);
}

static void esp_input_done(struct crypto_async_request *base, int err)
{
	struct sk_buff *skb = base->data;

	vgate_rcv_done(skb, esp_input_finish(skb, err));
}

void vgate_esp_input(struct sk_buff *skb)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa;
	unsigned int off = cb->esp_off;
	struct aead_request *req;
	struct sk_buff *trailer;
	struct scatterlist *sg;
	int nfrags, elen, err;
	void *tmp;
	u8 *iv;

	elen = skb->len - off - sizeof(struct ip_esp_hdr) - sa->ivlen;
	if (elen < (int)(sa->icvlen + 2) ||
	    (elen - sa->icvlen) % crypto_aead_blocksize(sa->aead)) {
		vgate_rcv_done(skb, -VGATE_DROP_MALFORMED);
		return;
	}
	nfrags = vgate_fault_int(skb_cow_data(skb, 0, &trailer));
	if (nfrags < 0)
		goto nomem;
	tmp = esp_alloc_tmp(sa->aead, nfrags, sa->esn);
	if (!tmp)
		goto nomem;
	cb->tmp = tmp;
	iv = esp_tmp_iv(sa->aead, tmp);
	req = esp_tmp_req(sa->aead, iv);
	sg = esp_req_sg(sa->aead, req);

	if (sa->esn) {
		unsigned int aoff = off + sizeof(struct ip_esp_hdr);

		err = skb_to_sgvec(skb, esp_esn_aad(sg, nfrags, sa->key.spi,
						    cb->seq),
				   aoff, skb->len - aoff);
	} else {
		sg_init_table(sg, nfrags);
		err = skb_to_sgvec(skb, sg, off, skb->len - off);
	}
	if (unlikely(err < 0)) {
		kfree(tmp);
		cb->tmp = NULL;
		vgate_rcv_done(skb, -VGATE_DROP_MALFORMED);
		return;
	}
	skb->ip_summed = CHECKSUM_NONE;
	aead_request_set_callback(req, 0, esp_input_done, skb);
	aead_request_set_crypt(req, sg, sg, elen + sa->ivlen, iv);
	aead_request_set_ad(req, sa->esn ? VGATE_ESN_AAD_LEN :
			    sizeof(struct ip_esp_hdr));

	err = crypto_aead_decrypt(req);
	if (err == -EINPROGRESS)
		return;
	vgate_rcv_done(skb, esp_input_finish(skb, err));
	return;
nomem:
	vgate_rcv_done(skb, -VGATE_DROP_NOMEM);
}
