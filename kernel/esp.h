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
	u32 seq;
	u8 outer_tos;
	u8 nexthdr;
};

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
 * Bytes ESP adds to a payload of @len, UDP encapsulation included, outer IP
 * header not included.
 */
unsigned int vgate_esp_overhead(const struct vgate_sa *sa, unsigned int len);

/*
 * Encrypt @skb (network header at skb->data) with the SA in its cb.  Tunnel
 * mode: @skb becomes outer IPv4 + ESP; transport mode: ESP is inserted after
 * the IP header.  Always consumes @skb: vgate_xmit_done() is called with the
 * result, synchronously or from the crypto completion.
 */
void vgate_esp_output(struct sk_buff *skb);

/*
 * Decrypt @skb (outer IP header at skb->data, ESP after it).  Always
 * consumes @skb: vgate_rcv_done() is called with the result: the next
 * header (>= 0) with the ESP trailer removed, or a negative drop reason.
 */
void vgate_esp_input(struct sk_buff *skb);

/* Completion handlers, in hooks.c. */
void vgate_xmit_done(struct sk_buff *skb, int err);
void vgate_rcv_done(struct sk_buff *skb, int err);

#endif /* _VGATE_ESP_H */
