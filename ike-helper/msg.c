// SPDX-License-Identifier: GPL-2.0
/*
 * vgate-iked: the messages of one IKE SA (iked.h): sealing and opening
 * the SK payload, message IDs with a window of one (RFC 7296 2.3),
 * retransmission of our requests with exponential back-off (2.1, 2.4),
 * and the last response kept for the peer's retransmissions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "iked.h"
#include "log.h"

static void buf_replace(uint8_t **dst, size_t *dlen, const uint8_t *src,
			size_t len)
{
	if (*dst)
		OPENSSL_clear_free(*dst, *dlen);
	*dst = malloc(len);
	*dlen = *dst ? len : 0;
	if (*dst)
		memcpy(*dst, src, len);
}

int msg_tx(struct iked *d, struct net_sock *s,
	   const struct sockaddr_storage *local,
	   const struct sockaddr_storage *remote, const uint8_t *buf,
	   size_t len)
{
	unsigned int i;
	int r;

	for (i = 0; i < d->n_drop_tx && len > 18; i++)
		if (d->drop_tx[i] == buf[18]) {
			log_info("test hook: %s datagram (%zu octets) not sent",
				 ikev2_exch_name(buf[18]), len);
			d->drop_tx[i] = 0;	/* once */
			return 0;
		}
	r = net_send(s, local, remote, buf, len);
	if (r) {
		char a[64];

		log_err("send to %s: %s", net_str(remote, a, sizeof(a)),
			strerror(-r));
		return r;
	}
	d->st.tx++;
	return 0;
}

/* Header, SK around the inner chain, encrypted: the message's length. */
static long seal(struct iked_sa *sa, uint8_t exch, int response,
		 uint32_t msgid, struct ike_wbuf *inner, uint8_t *out,
		 size_t cap)
{
	struct ike_hdr h = { .version = 0x20, .exchange = exch,
			     .msgid = msgid };
	struct ike_wbuf w;
	size_t sk_off, data_off, len;
	long plen = inner->len;

	if (inner->err)
		return -1;
	memcpy(h.ispi, sa->ispi, IKEV2_SPI_LEN);
	memcpy(h.rspi, sa->rspi, IKEV2_SPI_LEN);
	h.flags = (sa->initiator ? IKEV2_FLAG_INITIATOR : 0) |
		  (response ? IKEV2_FLAG_RESPONSE : 0);
	ike_wbuf_init(&w, out, cap);
	ike_build_hdr(&w, &h);
	sk_off = ike_build_sk_begin(&w, plen ? inner->first : IKEV2_PL_NONE);
	data_off = w.len;
	if (ike_build_done(&w) < 0)
		return -1;
	if (ike_sk_encrypt(&sa->sk_out, out, cap, sk_off, data_off, inner->p,
			   plen, &len))
		return -1;
	return len;
}

static void request_keep(struct iked *d, struct iked_sa *sa, uint8_t exch,
			 uint32_t msgid, const uint8_t *buf, size_t len)
{
	buf_replace(&sa->req, &sa->req_len, buf, len);
	sa->req_msgid = msgid;
	sa->req_exch = exch;
	sa->req_tries = 1;
	sa->req_sent_ms = iked_now_ms();
	sa->retx_at = sa->req_sent_ms + d->retx_base_ms;
}

int msg_send_request(struct iked *d, struct iked_sa *sa, uint8_t exch,
		     struct ike_wbuf *inner)
{
	uint8_t out[IKED_MSG_MAX];
	long len;

	if (sa->retx_at)
		return -EBUSY;	/* window of one */
	inner->len = ike_build_done(inner) < 0 ? 0 : inner->len;
	len = seal(sa, exch, 0, sa->my_next, inner, out, sizeof(out));
	if (len < 0) {
		log_err("peer %s: cannot build the %s request",
			sa->peer->name, ikev2_exch_name(exch));
		return -EINVAL;
	}
	request_keep(d, sa, exch, sa->my_next, out, len);
	sa->my_next++;
	return msg_tx(d, sa->sock, &sa->local, &sa->remote, out, len);
}

int msg_send_response(struct iked *d, struct iked_sa *sa, uint8_t exch,
		      uint32_t msgid, struct ike_wbuf *inner)
{
	uint8_t out[IKED_MSG_MAX];
	long len;

	inner->len = ike_build_done(inner) < 0 ? 0 : inner->len;
	len = seal(sa, exch, 1, msgid, inner, out, sizeof(out));
	if (len < 0) {
		log_err("peer %s: cannot build the %s response",
			sa->peer->name, ikev2_exch_name(exch));
		return -EINVAL;
	}
	buf_replace(&sa->resp, &sa->resp_len, out, len);
	sa->resp_msgid = msgid;
	return msg_tx(d, sa->sock, &sa->local, &sa->remote, out, len);
}

int msg_send_clear(struct iked *d, struct iked_sa *sa, const uint8_t *buf,
		   size_t len, int response, uint32_t msgid)
{
	if (response) {
		buf_replace(&sa->resp, &sa->resp_len, buf, len);
		sa->resp_msgid = msgid;
	} else {
		request_keep(d, sa, buf[18], msgid, buf, len);
		sa->my_next = msgid + 1;
	}
	return msg_tx(d, sa->sock, &sa->local, &sa->remote, buf, len);
}

int msg_open(struct iked *d, struct iked_sa *sa, struct ike_msg *m,
	     const uint8_t *buf, size_t len, uint8_t *plain)
{
	const struct ike_pld *sk = ike_msg_find(m, IKEV2_PL_SK, 0);
	size_t plen = 0;
	enum ike_err e;

	if (!sk) {
		d->st.drop[ike_msg_find(m, IKEV2_PL_SKF, 0) ? DROP_FRAGMENT :
			   DROP_MISSING]++;
		return -1;
	}
	if (ike_sk_decrypt(&sa->sk_in, buf, len, sk->u.sk.data.p - buf, plain,
			   &plen)) {
		d->st.drop[DROP_DECRYPT]++;
		log_debug("peer %s: %s message %u does not decrypt: dropped",
			  sa->peer->name, ikev2_exch_name(m->hdr.exchange),
			  m->hdr.msgid);
		return -1;
	}
	e = ike_msg_parse_inner(m, sk->u.sk.first, plain, plen);
	if (e != IKE_OK) {
		d->st.parse[e]++;
		d->st.drop[DROP_INNER]++;
		log_info("peer %s: %s message %u: encrypted payloads malformed (%s): dropped",
			 sa->peer->name, ikev2_exch_name(m->hdr.exchange),
			 m->hdr.msgid, ike_err_str(e));
		return -1;
	}
	return 0;
}

void msg_request_done(struct iked_sa *sa)
{
	sa->retx_at = 0;
	sa->req_tries = 0;
}

int msg_retransmit(struct iked *d, struct iked_sa *sa, uint64_t now)
{
	if (!sa->retx_at || now < sa->retx_at)
		return 0;
	if (sa->req_tries >= d->retx_tries) {
		log_err("peer %s: no answer to %s (message %u) after %u transmissions in %.1f s: peer unreachable",
			sa->peer->name, ikev2_exch_name(sa->req_exch),
			sa->req_msgid, sa->req_tries,
			(now - sa->req_sent_ms) / 1000.0);
		return -1;
	}
	/* RFC 7296 2.4: exponential back-off */
	sa->retx_at = now + ((uint64_t)d->retx_base_ms << sa->req_tries);
	sa->req_tries++;
	d->st.retransmits++;
	log_info("peer %s: retransmitting %s (message %u), transmission %u, %llu ms after the first",
		 sa->peer->name, ikev2_exch_name(sa->req_exch), sa->req_msgid,
		 sa->req_tries,
		 (unsigned long long)(now - sa->req_sent_ms));
	msg_tx(d, sa->sock, &sa->local, &sa->remote, sa->req, sa->req_len);
	return 0;
}
