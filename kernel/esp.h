/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ESP (RFC 4303) transform: algorithm table, AEAD set-up, encryption and
 * decryption of one packet through the async crypto API.
 */
#ifndef _VGATE_ESP_H
#define _VGATE_ESP_H

#include <linux/skbuff.h>

struct vgate_sa;
struct vgate_sa_config;
struct netlink_ext_ack;
struct nlattr;

/* Lives in skb->cb while the packet belongs to vgate. */
struct vgate_skb_cb {
	struct vgate_sa *sa;	/* holds a reference */
	void *tmp;		/* scratch: IV, aead_request, scatterlist */
	u64 seq;		/* full (ESN: 64-bit) sequence number */
	/*
	 * Output of a bundle: the SA applied after @sa (AH outermost), with
	 * a reference; NULL if @sa is the last one.
	 */
	struct vgate_sa *next;
	/*
	 * Input: offset of the ESP (or AH) header from the network header
	 * (the IP header and, for IPv6, the extension headers in front of
	 * it); set by the caller of vgate_esp_input().  AH output: the same
	 * offset, of the AH header it inserted.
	 */
	u16 esp_off;
	/* Input: the length of the ESP header and IV, or of the AH header. */
	u16 xf_hlen;
	/* Input, IPv6: offset of the next header field that names ESP. */
	u16 nh_off;
	/* Output, IPv4 outer header: set DF (tunnel mode). */
	bool outer_df;
	bool ahead;		/* ESN: inferred into the next 2^32 block */
	/*
	 * Input: how many ESP or AH layers vgate removed from this packet
	 * before this one (0: the packet came from the wire); bounded by
	 * vgate_max_nesting (hooks.c).
	 */
	u8 depth;
	/*
	 * Input of a bundle: the SPI of the AH SA that authenticated the
	 * packet before @sa decrypted it; 0 if none did.  (3 bytes of cb
	 * remain free.)
	 */
	__be32 via_ah_spi;
};

/* ESN associated data: SPI, sequence number high and low halves. */
#define VGATE_ESN_AAD_LEN	12

#define VGATE_SKB_CB(skb) ((struct vgate_skb_cb *)(skb)->cb)

int vgate_esp_check_config(const struct vgate_sa_config *cfg,
			   struct nlattr **tb, struct netlink_ext_ack *extack);
int vgate_esp_init_sa(struct vgate_sa *sa, const struct vgate_sa_config *cfg,
		      struct netlink_ext_ack *extack);
void vgate_esp_destroy_sa(struct vgate_sa *sa);
bool vgate_esp_alg_weak(u16 enc);
/* Cipher key size in bits, salt excluded; 0 for NULL. */
unsigned int vgate_esp_key_bits(const struct vgate_sa_config *cfg);

/*
 * Bytes the SA adds to a payload of @len: the outer IP header (tunnel
 * mode, IPv4 or IPv6 after the SA's family), the UDP header of NAT-T, the
 * ESP header and IV, the
 * padding, pad length and next header, the ICV.  The one place that knows
 * the encapsulation overhead: everything else (MTU checks, the inner MTU
 * reported to senders) derives from it.
 */
unsigned int vgate_esp_overhead(const struct vgate_sa *sa, unsigned int len);

/*
 * The same for ESP or AH (@sa's protocol); AH adds the same to any
 * packet.
 */
unsigned int vgate_xf_overhead(const struct vgate_sa *sa, unsigned int len);

/* vgate_esp_inner_mtu() for ESP or AH. */
unsigned int vgate_xf_inner_mtu(const struct vgate_sa *sa, unsigned int mtu,
				unsigned int hlen);

/*
 * Tunnel mode: push the outer header of @sa (its family, next header
 * @proto) in front of skb->data; returns its length.
 */
unsigned int vgate_push_outer(struct sk_buff *skb, struct vgate_sa *sa,
			      u8 inner_ds, u8 proto);

/*
 * The largest packet that still fits @mtu once the SA encapsulated it;
 * @hlen is the length of the IP header (and IPv6 extension headers) that
 * transport mode keeps in front of ESP, 0 in tunnel mode.  At least 68.
 */
unsigned int vgate_esp_inner_mtu(const struct vgate_sa *sa, unsigned int mtu,
				 unsigned int hlen);

/*
 * Transport mode: offset of the ESP header in @skb (after the IPv4 header,
 * or after the IPv6 header and the extension headers that stay in front
 * of it) and of the byte that names the next header; negative on error.
 */
int vgate_esp_transport_off(struct sk_buff *skb, unsigned int *nh_off);

/*
 * Encrypt @skb (network header at skb->data, IPv4 or IPv6) with the SA in
 * its cb.  Tunnel mode: @skb becomes an outer IPv4 or IPv6 header (the
 * SA's family; next header 4 for an inner IPv4 packet, 41 for IPv6) and
 * ESP; transport mode: ESP is inserted after the IP header (IPv6: after the
 * extension headers that precede a fragment header).  Always consumes
 * @skb: vgate_xmit_done() is called with the result, synchronously or from
 * the crypto completion.
 */
void vgate_esp_output(struct sk_buff *skb);

/*
 * Decrypt @skb (outer IP header at skb->data, ESP at cb->esp_off).  Always
 * consumes @skb: vgate_rcv_done() is called with the result: the next
 * header (>= 0) with the ESP trailer removed, or a negative drop reason.
 */
void vgate_esp_input(struct sk_buff *skb);

/* Completion handlers, in hooks.c. */
void vgate_xmit_done(struct sk_buff *skb, int err);
void vgate_rcv_done(struct sk_buff *skb, int err);

#endif /* _VGATE_ESP_H */
