/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AH (RFC 4302) transform: HMAC set-up, the ICV of one packet through the
 * async hash API, output and input.  The packet path (hooks.c) shares
 * struct vgate_skb_cb, the completion handlers and the decapsulation with
 * ESP.
 */
#ifndef _VGATE_AH_H
#define _VGATE_AH_H

#include <linux/skbuff.h>

struct vgate_sa;
struct vgate_sa_config;
struct netlink_ext_ack;
struct nlattr;

/* An AH SA: AUTH (HMAC) and AUTH_KEY, no ENC, ENC_KEY or ENCAP. */
int vgate_ah_check_config(const struct vgate_sa_config *cfg,
			  struct nlattr **tb, struct netlink_ext_ack *extack);
int vgate_ah_init_sa(struct vgate_sa *sa, const struct vgate_sa_config *cfg,
		     struct netlink_ext_ack *extack);
void vgate_ah_destroy_sa(struct vgate_sa *sa);

/* Bytes the SA adds to any packet: AH header and ICV, outer header. */
unsigned int vgate_ah_overhead(const struct vgate_sa *sa);

/* May an inbound AH header of @len bytes belong to @sa? */
bool vgate_ah_hlen_ok(const struct vgate_sa *sa, unsigned int len);

/*
 * Authenticate @skb (network header at skb->data) with the AH SA in its
 * cb: tunnel mode prepends an outer header (the SA's family) and AH,
 * transport mode inserts AH where ESP would go.  Always consumes @skb
 * through vgate_xmit_done().
 */
void vgate_ah_output(struct sk_buff *skb);

/*
 * Verify @skb (AH at cb->esp_off, cb->xf_hlen bytes long, header pulled).
 * Always consumes @skb through vgate_rcv_done(): the next header, with
 * the headers restored and AH still in place, or a negative drop reason.
 */
void vgate_ah_input(struct sk_buff *skb);

#endif /* _VGATE_AH_H */
