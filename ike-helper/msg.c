// SPDX-License-Identifier: GPL-2.0
/*
 * vgate-iked: the messages of one IKE SA (iked.h): sealing and opening
 * the SK payload, message IDs with a window of one (RFC 7296 2.3),
 * retransmission of our requests with exponential back-off (2.1, 2.4),
 * and the last response kept for the peer's retransmissions.
 *
 * IKE fragmentation (RFC 7383), when both sides sent
 * IKEV2_FRAGMENTATION_SUPPORTED: a message whose datagram would exceed
 * `fragment_size` goes out as SKF fragments, each encrypted and
 * integrity-protected on its own; the peer's fragments are checked one by
 * one as they come, kept decrypted, and the message is parsed when the
 * last one is in.  A retransmission is all fragments again; a fragment of
 * a request already answered makes us resend the answer only when it is
 * fragment 1 (7383 2.6.1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "iked.h"
#include "log.h"

static void dgrams_free(struct iked_dgrams *g)
{
	OPENSSL_clear_free(g->buf, g->len);
	memset(g, 0, sizeof(*g));
}

/* The message to keep: one datagram, or n fragments back to back. */
static int dgrams_set(struct iked_dgrams *g, const uint8_t *buf,
		      const size_t *off, unsigned int n)
{
	dgrams_free(g);
	g->buf = malloc(off[n]);
	if (!g->buf)
		return -ENOMEM;
	memcpy(g->buf, buf, off[n]);
	memcpy(g->off, off, (n + 1) * sizeof(*off));
	g->len = off[n];
	g->n = n;
	return 0;
}

static int dgrams_tx(struct iked *d, struct iked_sa *sa,
		     const struct iked_dgrams *g)
{
	unsigned int i;
	int r = 0;

	for (i = 0; i < g->n && !r; i++)
		r = msg_tx(d, sa->sock, &sa->local, &sa->remote,
			   g->buf + g->off[i], g->off[i + 1] - g->off[i]);
	if (g->n > 1)
		d->st.frags_sent += i;
	return r;
}

static void reasm_reset(struct iked_reasm *r)
{
	unsigned int i;

	for (i = 0; i < IKED_FRAG_MAX; i++)
		OPENSSL_clear_free(r->part[i], r->part_len[i]);
	memset(r, 0, sizeof(*r));
}

void msg_sa_free(struct iked_sa *sa)
{
	dgrams_free(&sa->req);
	dgrams_free(&sa->resp);
	reasm_reset(&sa->reasm[0]);
	reasm_reset(&sa->reasm[1]);
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

/* One SKF fragment: header, SKF num/total, chunk encrypted (its length). */
static long seal_fragment(struct iked_sa *sa, const struct ike_hdr *h,
			  uint8_t first, unsigned int num, unsigned int total,
			  const uint8_t *chunk, size_t clen, uint8_t *out,
			  size_t cap)
{
	struct ike_wbuf w;
	size_t skf_off, data_off, len;

	ike_wbuf_init(&w, out, cap);
	ike_build_hdr(&w, h);
	skf_off = ike_build_skf_begin(&w, num == 1 ? first : IKEV2_PL_NONE,
				      num, total);
	data_off = w.len;
	if (ike_build_done(&w) < 0 ||
	    ike_sk_encrypt(&sa->sk_out, out, cap, skf_off, data_off, chunk,
			   clen, &len))
		return -1;
	return len;
}

/*
 * The message sealed into g: as one datagram when it fits fragment_size
 * (with the IP and UDP headers and a non-ESP marker) or fragmentation is
 * not agreed, else as SKF fragments of that size at most.
 */
static int seal_dgrams(struct iked *d, struct iked_sa *sa, uint8_t exch,
		       int response, uint32_t msgid, struct ike_wbuf *inner,
		       struct iked_dgrams *g)
{
	static uint8_t out[IKED_MSG_MAX * 2];	/* fragments add overhead */
	size_t off[IKED_FRAG_MAX + 1] = { 0 }, limit, chunk;
	struct ike_hdr h = { .version = 0x20, .exchange = exch,
			     .msgid = msgid };
	unsigned int i, total;
	long len, one;

	len = seal(sa, exch, response, msgid, inner, out, IKED_MSG_MAX);
	if (len < 0)
		return -EINVAL;
	limit = d->conf.fragment_size;
	if (limit)
		limit -= (sa->remote.ss_family == AF_INET6 ? 40 : 20) + 8 +
			 (sa->sock->natt ? 4 : 0);
	if (!sa->frag_ok || !limit || (size_t)len <= limit ||
	    exch == IKEV2_EXCH_IKE_SA_INIT) {
		off[1] = len;
		return dgrams_set(g, out, off, 1);
	}
	memcpy(h.ispi, sa->ispi, IKEV2_SPI_LEN);
	memcpy(h.rspi, sa->rspi, IKEV2_SPI_LEN);
	h.flags = (sa->initiator ? IKEV2_FLAG_INITIATOR : 0) |
		  (response ? IKEV2_FLAG_RESPONSE : 0);
	/* a fragment of one octet: the overhead, padding included (a block
	 * cipher pads a chunk of n octets to n + 16 at most) */
	one = seal_fragment(sa, &h, inner->first, 1, 1, inner->p, 1, out,
			    sizeof(out));
	if (one < 0 || (size_t)one >= limit)
		return -EMSGSIZE;
	chunk = limit - one;
	total = (inner->len + chunk - 1) / chunk;
	if (total > IKED_FRAG_MAX)
		return -EMSGSIZE;
	for (i = 0; i < total; i++) {
		size_t c = i + 1 < total ? chunk : inner->len - i * chunk;

		len = seal_fragment(sa, &h, inner->first, i + 1, total,
				    inner->p + i * chunk, c, out + off[i],
				    sizeof(out) - off[i]);
		if (len < 0)
			return -EINVAL;
		off[i + 1] = off[i] + len;
	}
	log_debug("peer %s: %s %s %u: %zu octets in %u fragments of at most %zu",
		  sa->peer->name, ikev2_exch_name(exch),
		  response ? "response" : "request", msgid, inner->len, total,
		  limit);
	return dgrams_set(g, out, off, total);
}

static void request_keep(struct iked *d, struct iked_sa *sa, uint8_t exch,
			 uint32_t msgid)
{
	sa->req_msgid = msgid;
	sa->req_exch = exch;
	sa->req_tries = 1;
	sa->req_sent_ms = iked_now_ms();
	sa->retx_at = sa->req_sent_ms + d->retx_base_ms;
}

int msg_send_request(struct iked *d, struct iked_sa *sa, uint8_t exch,
		     struct ike_wbuf *inner)
{
	int r;

	if (sa->retx_at)
		return -EBUSY;	/* window of one */
	inner->len = ike_build_done(inner) < 0 ? 0 : inner->len;
	r = seal_dgrams(d, sa, exch, 0, sa->my_next, inner, &sa->req);
	if (r) {
		log_err("peer %s: cannot build the %s request (%s)",
			sa->peer->name, ikev2_exch_name(exch), strerror(-r));
		return r;
	}
	request_keep(d, sa, exch, sa->my_next);
	sa->my_next++;
	return dgrams_tx(d, sa, &sa->req);
}

int msg_send_response(struct iked *d, struct iked_sa *sa, uint8_t exch,
		      uint32_t msgid, struct ike_wbuf *inner)
{
	int r;

	inner->len = ike_build_done(inner) < 0 ? 0 : inner->len;
	r = seal_dgrams(d, sa, exch, 1, msgid, inner, &sa->resp);
	if (r) {
		log_err("peer %s: cannot build the %s response (%s)",
			sa->peer->name, ikev2_exch_name(exch), strerror(-r));
		return r;
	}
	sa->resp_msgid = msgid;
	return dgrams_tx(d, sa, &sa->resp);
}

int msg_send_clear(struct iked *d, struct iked_sa *sa, const uint8_t *buf,
		   size_t len, int response, uint32_t msgid)
{
	size_t off[2] = { 0, len };
	int r = dgrams_set(response ? &sa->resp : &sa->req, buf, off, 1);

	if (r)
		return r;
	if (response) {
		sa->resp_msgid = msgid;
	} else {
		request_keep(d, sa, buf[18], msgid);
		sa->my_next = msgid + 1;
	}
	return msg_tx(d, sa->sock, &sa->local, &sa->remote, buf, len);
}

void msg_resend_response(struct iked *d, struct iked_sa *sa)
{
	dgrams_tx(d, sa, &sa->resp);
}

/*
 * An SKF fragment of m (RFC 7383 2.6): checked and decrypted on its own,
 * kept; 1 while fragments are missing, 0 with the message in plain.
 */
static int fragment_recv(struct iked *d, struct iked_sa *sa,
			 struct ike_msg *m, const struct ike_pld *skf,
			 const uint8_t *buf, size_t len, uint8_t *plain,
			 size_t *plen, uint8_t *first)
{
	struct iked_reasm *r = &sa->reasm[!!(m->hdr.flags &
					     IKEV2_FLAG_RESPONSE)];
	const struct ike_sk *f = &skf->u.sk;
	unsigned int i;
	size_t n = 0;

	if (!sa->frag_ok || f->frag_total > IKED_FRAG_MAX) {
		d->st.drop[DROP_FRAGMENT]++;
		log_debug("peer %s: fragment %u of %u: %s: dropped",
			  sa->peer->name, f->frag_num, f->frag_total,
			  sa->frag_ok ? "too many fragments" :
			  "fragmentation was not negotiated");
		return -1;
	}
	if (ike_sk_decrypt(&sa->sk_in, buf, len, f->data.p - buf, plain, &n)) {
		d->st.drop[DROP_DECRYPT]++;
		log_debug("peer %s: %s message %u, fragment %u: does not decrypt: dropped",
			  sa->peer->name, ikev2_exch_name(m->hdr.exchange),
			  m->hdr.msgid, f->frag_num);
		return -1;
	}
	d->st.frags_rcvd++;
	if (r->total && (r->msgid != m->hdr.msgid ||
			 r->exch != m->hdr.exchange))
		reasm_reset(r);		/* a message given up */
	if (r->total && f->frag_total != r->total) {
		/* 2.6.2: more fragments: the peer made them smaller (PMTU)
		 * and resent; fewer: a late one of the old set */
		if (f->frag_total < r->total) {
			d->st.drop[DROP_FRAGMENT]++;
			return -1;
		}
		reasm_reset(r);
	}
	i = f->frag_num - 1;
	if (r->part[i] || r->len + n > IKED_MSG_MAX) {
		d->st.drop[DROP_FRAGMENT]++;	/* a duplicate; too big */
		return -1;
	}
	r->part[i] = malloc(n ? n : 1);
	if (!r->part[i])
		return -1;
	memcpy(r->part[i], plain, n);
	r->part_len[i] = n;
	r->len += n;
	r->msgid = m->hdr.msgid;
	r->exch = m->hdr.exchange;
	r->total = f->frag_total;
	if (i == 0)
		r->first = f->first;
	if (++r->have < r->total)
		return 1;
	for (i = 0, n = 0; i < r->total; i++) {
		memcpy(plain + n, r->part[i], r->part_len[i]);
		n += r->part_len[i];
	}
	*plen = n;
	*first = r->first;
	d->st.reassembled++;
	log_debug("peer %s: %s message %u reassembled from %u fragments, %zu octets",
		  sa->peer->name, ikev2_exch_name(m->hdr.exchange),
		  m->hdr.msgid, r->total, n);
	reasm_reset(r);
	return 0;
}

int msg_open(struct iked *d, struct iked_sa *sa, struct ike_msg *m,
	     const uint8_t *buf, size_t len, uint8_t *plain)
{
	const struct ike_pld *sk = ike_msg_find(m, IKEV2_PL_SK, 0);
	size_t plen = 0;
	enum ike_err e;
	uint8_t first;
	int r;

	if (!sk) {
		sk = ike_msg_find(m, IKEV2_PL_SKF, 0);
		if (!sk) {
			d->st.drop[DROP_MISSING]++;
			return -1;
		}
		r = fragment_recv(d, sa, m, sk, buf, len, plain, &plen,
				  &first);
		if (r)
			return r;
	} else {
		first = sk->u.sk.first;
		if (ike_sk_decrypt(&sa->sk_in, buf, len,
				   sk->u.sk.data.p - buf, plain, &plen)) {
			d->st.drop[DROP_DECRYPT]++;
			log_debug("peer %s: %s message %u does not decrypt: dropped",
				  sa->peer->name,
				  ikev2_exch_name(m->hdr.exchange),
				  m->hdr.msgid);
			return -1;
		}
	}
	e = ike_msg_parse_inner(m, first, plain, plen);
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
	dgrams_tx(d, sa, &sa->req);
	return 0;
}
