// SPDX-License-Identifier: GPL-2.0
/*
 * vgate-iked's IKEv2 state machine (RFC 7296): IKE_SA_INIT and IKE_AUTH
 * with a pre-shared key as initiator and responder, the first CHILD SA
 * (ESP, tunnel mode, selectors narrowed to the configured set),
 * INFORMATIONAL with Delete both ways, NAT detection (2.23),
 * INVALID_KE_PAYLOAD (1.2), COOKIE (2.6; as responder: cookie.c).
 *
 * Every failure a peer can cause is one log line naming the peer and what
 * was received against what is configured; every dropped datagram is
 * counted by reason (iked.h, ikev2_stats()).
 */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iked.h"
#include "log.h"

const char *ikev2_exch_name(uint8_t exch)
{
	switch (exch) {
	case IKEV2_EXCH_IKE_SA_INIT:
		return "IKE_SA_INIT";
	case IKEV2_EXCH_IKE_AUTH:
		return "IKE_AUTH";
	case IKEV2_EXCH_CREATE_CHILD_SA:
		return "CREATE_CHILD_SA";
	case IKEV2_EXCH_INFORMATIONAL:
		return "INFORMATIONAL";
	}
	return "exchange?";
}

const char *ikev2_notify_name(uint16_t t)
{
	switch (t) {
	case IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD:
		return "UNSUPPORTED_CRITICAL_PAYLOAD";
	case IKEV2_N_INVALID_IKE_SPI:
		return "INVALID_IKE_SPI";
	case IKEV2_N_INVALID_MAJOR_VERSION:
		return "INVALID_MAJOR_VERSION";
	case IKEV2_N_INVALID_SYNTAX:
		return "INVALID_SYNTAX";
	case IKEV2_N_INVALID_MESSAGE_ID:
		return "INVALID_MESSAGE_ID";
	case IKEV2_N_INVALID_SPI:
		return "INVALID_SPI";
	case IKEV2_N_NO_PROPOSAL_CHOSEN:
		return "NO_PROPOSAL_CHOSEN";
	case IKEV2_N_INVALID_KE_PAYLOAD:
		return "INVALID_KE_PAYLOAD";
	case IKEV2_N_AUTHENTICATION_FAILED:
		return "AUTHENTICATION_FAILED";
	case IKEV2_N_SINGLE_PAIR_REQUIRED:
		return "SINGLE_PAIR_REQUIRED";
	case IKEV2_N_NO_ADDITIONAL_SAS:
		return "NO_ADDITIONAL_SAS";
	case IKEV2_N_INTERNAL_ADDRESS_FAILURE:
		return "INTERNAL_ADDRESS_FAILURE";
	case IKEV2_N_FAILED_CP_REQUIRED:
		return "FAILED_CP_REQUIRED";
	case IKEV2_N_TS_UNACCEPTABLE:
		return "TS_UNACCEPTABLE";
	case IKEV2_N_INVALID_SELECTORS:
		return "INVALID_SELECTORS";
	case IKEV2_N_TEMPORARY_FAILURE:
		return "TEMPORARY_FAILURE";
	case IKEV2_N_CHILD_SA_NOT_FOUND:
		return "CHILD_SA_NOT_FOUND";
	}
	return "error notify";
}

uint64_t iked_retry_at(uint64_t base_ms)
{
	uint32_t r = 0;

	RAND_bytes((uint8_t *)&r, sizeof(r));
	return iked_now_ms() + base_ms / 2 + r % (base_ms + 1);
}

uint64_t iked_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *ikev2_peer_addr(const struct iked_sa *sa)
{
	static char b[64];

	return net_str(&sa->remote, b, sizeof(b));
}

void ikev2_hex(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* The ID payload's body: type, 3 reserved octets, data (2.15 hashes it). */
static size_t id_body(const struct conf_id *id, uint8_t *out)
{
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4 + id->len;
}

static void id_text(const struct conf_id *id, char *buf, size_t len)
{
	conf_id_str(id->type, id->data, id->len, buf, len);
}

/* ---- SA lifetime ---- */

void ikev2_sa_destroy(struct iked *d, struct iked_sa *sa, const char *why)
{
	struct iked_sa **pp;
	char is[17], rs[17];

	for (pp = &d->sas; *pp && *pp != sa; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = sa->next;
	for (pp = &d->sas; *pp; pp = &(*pp)->next)
		if ((*pp)->rekey_peer == sa)	/* 2.8.2, not yet decided */
			(*pp)->rekey_peer = NULL;
	if (sa->peer->initiate && sa->peer->retry_s && !d->shutting_down &&
	    !sa->peer->retry_at && !sa->replaced) {
		/* role initiate: keep it up */
		sa->peer->retry_at = iked_now_ms() +
				     sa->peer->retry_s * 1000ULL;
		log_info("peer %s: initiating again in %u s",
			 sa->peer->name, sa->peer->retry_s);
	}
	child_release_all(d, sa);
	if (sa->rekey_new)
		ikev2_sa_free(sa->rekey_new);
	if ((sa->state == SA_ESTABLISHED || sa->state == SA_DELETING) &&
	    !sa->replaced) {
		ikev2_hex(sa->ispi, 8, is);
		ikev2_hex(sa->rspi, 8, rs);
		fprintf(d->report, "IKE_SA down peer=%s ispi=%s rspi=%s reason=%s\n",
			sa->peer->name, is, rs, why);
		fflush(d->report);
	}
	log_info("peer %s: IKE SA removed (%s)", sa->peer->name, why);
	ikev2_sa_free(sa);
}

void ikev2_sa_free(struct iked_sa *sa)
{
	ike_dh_free(sa->dh);
	ike_sa_keys_free(&sa->keys);
	OPENSSL_clear_free(sa->init_i, sa->init_i_len);
	OPENSSL_clear_free(sa->init_r, sa->init_r_len);
	msg_sa_free(sa);
	free(sa->cookie);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

struct iked_sa *ikev2_sa_alloc(struct conf_peer *p, int initiator)
{
	struct iked_sa *sa = calloc(1, sizeof(*sa));
	uint8_t *spi;

	if (!sa)
		return NULL;
	sa->peer = p;
	sa->initiator = initiator;
	spi = initiator ? sa->ispi : sa->rspi;
	do {
		if (RAND_bytes(spi, IKEV2_SPI_LEN) != 1) {
			free(sa);
			return NULL;
		}
	} while (!memcmp(spi, "\0\0\0\0\0\0\0\0", 8));
	return sa;
}

void ikev2_sa_link(struct iked *d, struct iked_sa *sa)
{
	sa->next = d->sas;
	d->sas = sa;
}

static struct iked_sa *sa_new(struct iked *d, struct conf_peer *p,
			      int initiator)
{
	struct iked_sa *sa = ikev2_sa_alloc(p, initiator);

	if (sa)
		ikev2_sa_link(d, sa);
	return sa;
}

static void sa_local_id(struct iked_sa *sa)
{
	struct conf_peer *p = sa->peer;
	size_t l;
	const uint8_t *a;

	if (p->local_id.type) {
		sa->lid = p->local_id;
		return;
	}
	/* default: our address */
	a = net_addr(&sa->local, &l);
	sa->lid.type = l == 4 ? IKEV2_ID_IPV4_ADDR : IKEV2_ID_IPV6_ADDR;
	sa->lid.len = l;
	memcpy(sa->lid.data, a, l);
}

/* ---- keys ---- */

static int sa_keys(struct iked *d, struct iked_sa *sa, const uint8_t *peer_ke,
		   size_t ke_len)
{
	struct ike_algs a = { sa->alg.encr, sa->alg.encr_bits, sa->alg.prf,
			      sa->alg.integ };
	struct ike_blob ni = { sa->ni, sa->ni_len }, nr = { sa->nr, sa->nr_len };
	struct ike_chunk gir = { 0 };
	struct ike_blob g;
	int r;

	r = ike_dh_derive(sa->dh, peer_ke, ke_len, &gir);
	/* the private value is needed no more: gone before anything else */
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	if (r) {
		d->st.drop[DROP_KE]++;
		log_err("peer %s (%s): its KE value for %s is invalid (%s)",
			sa->peer->name, ikev2_peer_addr(sa),
			pol_dh_name(sa->dh_group), strerror(-r));
		return r;
	}
	g.p = gir.p;
	g.len = gir.len;
	r = ike_sa_keys_derive(&sa->keys, &a, &g, &ni, &nr, sa->ispi,
			       sa->rspi);
	ike_chunk_free(&gir);
	if (r) {
		log_err("peer %s: key derivation failed (%s)", sa->peer->name,
			strerror(-r));
		return r;
	}
	ikev2_sk_setup(sa);
	return 0;
}

void ikev2_sk_setup(struct iked_sa *sa)
{
	sa->have_keys = 1;
	sa->sk_out.encr = sa->sk_in.encr = sa->alg.encr;
	sa->sk_out.encr_keybits = sa->sk_in.encr_keybits = sa->alg.encr_bits;
	sa->sk_out.integ = sa->sk_in.integ = sa->alg.integ;
	sa->sk_out.ekey = sa->initiator ? sa->keys.ei : sa->keys.er;
	sa->sk_out.akey = sa->initiator ? sa->keys.ai : sa->keys.ar;
	sa->sk_in.ekey = sa->initiator ? sa->keys.er : sa->keys.ei;
	sa->sk_in.akey = sa->initiator ? sa->keys.ar : sa->keys.ai;
}

/* ---- NAT detection (2.23) ---- */

static void natd_add(struct ike_wbuf *w, struct iked_sa *sa, uint16_t type,
		     const struct sockaddr_storage *ss)
{
	struct ike_notify n = { .type = type };
	uint8_t h[IKE_NATD_LEN];
	size_t l;
	const uint8_t *a = net_addr(ss, &l);

	if (ike_natd_hash(sa->ispi, sa->rspi, a, l, net_port(ss), h))
		return;
	n.data.p = h;
	n.data.len = sizeof(h);
	ike_build_notify(w, &n);
}

/* Whether a NAT_DETECTION_* of type in m matches ss; -1: none sent. */
static int natd_match(const struct ike_msg *m, uint16_t type,
		      const uint8_t *ispi, const uint8_t *rspi,
		      const struct sockaddr_storage *ss)
{
	uint8_t h[IKE_NATD_LEN];
	unsigned int i;
	int seen = 0;
	size_t l;
	const uint8_t *a = net_addr(ss, &l);

	if (ike_natd_hash(ispi, rspi, a, l, net_port(ss), h))
		return -1;
	for (i = 0; i < m->n_pld; i++) {
		const struct ike_pld *p = &m->pl[i];

		if (p->type != IKEV2_PL_NOTIFY || p->u.n.type != type)
			continue;
		seen = 1;
		if (p->u.n.data.len == IKE_NATD_LEN &&
		    !memcmp(p->u.n.data.p, h, IKE_NATD_LEN))
			return 1;
	}
	return seen ? 0 : -1;
}

static void nat_check(struct iked_sa *sa, const struct ike_msg *m,
		      const uint8_t *rspi)
{
	int src = natd_match(m, IKEV2_N_NAT_DETECTION_SOURCE_IP, sa->ispi,
			     rspi, &sa->remote);
	int dst = natd_match(m, IKEV2_N_NAT_DETECTION_DESTINATION_IP,
			     sa->ispi, rspi, &sa->local);

	sa->nat_remote = src == 0;
	sa->nat_local = dst == 0;
	if (src < 0 || dst < 0)
		log_info("peer %s: sent no NAT detection payloads",
			 sa->peer->name);
	if (sa->nat_local || sa->nat_remote)
		log_info("peer %s (%s): NAT detected (%s%s%s): IKE on port 4500 from IKE_AUTH on, ESP in UDP (RFC 3948)",
			 sa->peer->name, ikev2_peer_addr(sa),
			 sa->nat_local ? "we are behind a NAT" : "",
			 sa->nat_local && sa->nat_remote ? ", " : "",
			 sa->nat_remote ? "the peer is behind a NAT" : "");
}

/*
 * 2.23: with a NAT between us, the initiator sends IKE_AUTH and all that
 * follows from its NAT-T port to the peer's (4500; ours, --natt-port, is
 * taken for the peer's too), so that IKE and ESP in UDP share one NAT
 * mapping.  The responder follows (ikev2_recv moves an SA to where its
 * authenticated messages come from).
 */
static void nat_float(struct iked *d, struct iked_sa *sa)
{
	struct net_sock *s;

	if (!sa->nat_local && !sa->nat_remote)
		return;
	s = net_find(&d->net, &sa->local, 1);
	if (!s) {
		log_err("peer %s (%s): NAT detected but no NAT-T socket (--natt-port 0, or none for this address): IKE stays on port %u and ESP will not cross the NAT",
			sa->peer->name, ikev2_peer_addr(sa),
			net_port(&sa->local));
		return;
	}
	sa->sock = s;
	net_set_port(&sa->local, s->port);
	net_set_port(&sa->remote, s->port);
}

static const char *nat_str(const struct iked_sa *sa)
{
	return sa->nat_local && sa->nat_remote ? "both" :
	       sa->nat_local ? "local" : sa->nat_remote ? "remote" : "none";
}

/* ---- reports ---- */

static void report_up(struct iked *d, struct iked_sa *sa)
{
	char is[17], rs[17], alg[160], lid[300], rid[300], la[64], ra[64];

	ikev2_hex(sa->ispi, 8, is);
	ikev2_hex(sa->rspi, 8, rs);
	pol_choice_name(&sa->alg, alg, sizeof(alg));
	id_text(&sa->lid, lid, sizeof(lid));
	id_text(&sa->peer->remote_id, rid, sizeof(rid));
	fprintf(d->report, "IKE_SA up peer=%s role=%s ispi=%s rspi=%s local=%s remote=%s local_id=%s remote_id=%s proposal=%s nat=%s\n",
		sa->peer->name, sa->initiator ? "initiator" : "responder",
		is, rs, net_str(&sa->local, la, sizeof(la)),
		net_str(&sa->remote, ra, sizeof(ra)), lid, rid, alg,
		nat_str(sa));
	fflush(d->report);
	log_info("peer %s (%s): IKE SA established as %s, %s", sa->peer->name,
		 ikev2_peer_addr(sa), sa->initiator ? "initiator" : "responder", alg);
}

/* ---- IKE_SA_INIT ---- */

static const struct ike_notify frag_supported = {
	.type = IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED
};

static int init_request_send(struct iked *d, struct iked_sa *sa)
{
	struct ike_hdr h = { .version = 0x20,
			     .exchange = IKEV2_EXCH_IKE_SA_INIT,
			     .flags = IKEV2_FLAG_INITIATOR };
	uint8_t buf[IKED_MSG_MAX], ke[1024];
	struct ike_ke k;
	struct ike_wbuf w;
	long len;

	memcpy(h.ispi, sa->ispi, 8);
	if (ike_dh_public(sa->dh, ke, sizeof(ke)))
		return -1;
	k.group = sa->dh_group;
	k.data.p = ke;
	k.data.len = ike_dh_group(sa->dh_group)->publen;
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	if (sa->cookie) {
		struct ike_notify n = { .type = IKEV2_N_COOKIE };

		n.data.p = sa->cookie;
		n.data.len = sa->cookie_len;
		ike_build_notify(&w, &n);
	}
	ike_build_sa(&w, &sa->peer->ike);
	ike_build_ke(&w, &k);
	ike_build_nonce(&w, sa->ni, sa->ni_len);
	natd_add(&w, sa, IKEV2_N_NAT_DETECTION_SOURCE_IP, &sa->local);
	natd_add(&w, sa, IKEV2_N_NAT_DETECTION_DESTINATION_IP, &sa->remote);
	if (d->conf.fragment_size)
		ike_build_notify(&w, &frag_supported);
	len = ike_build_done(&w);
	if (len < 0)
		return -1;
	OPENSSL_clear_free(sa->init_i, sa->init_i_len);
	sa->init_i = malloc(len);
	if (!sa->init_i)
		return -1;
	memcpy(sa->init_i, buf, len);
	sa->init_i_len = len;
	msg_request_done(sa);
	return msg_send_clear(d, sa, buf, len, 0, 0);
}

int ikev2_sa_set_dh(struct iked_sa *sa, uint16_t group)
{
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	sa->dh_group = group;
	/* 2 and 5 only reach here when configured */
	return ike_dh_new(&sa->dh, group, IKE_DH_ALLOW_WEAK);
}

void ikev2_initiate(struct iked *d, struct conf_peer *p)
{
	struct iked_sa *sa = sa_new(d, p, 1);
	char prop[512];

	if (!sa) {
		log_err("peer %s: out of memory", p->name);
		return;
	}
	sa->remote = p->remote;
	if (p->has_local)
		sa->local = p->local;
	else if (net_route_src(&p->remote, &sa->local)) {
		log_err("peer %s (%s): no route to it", p->name,
			ikev2_peer_addr(sa));
		ikev2_sa_destroy(d, sa, "no route");
		return;
	}
	sa->sock = net_find(&d->net, &sa->local, 0);
	if (!sa->sock) {
		log_err("peer %s: no socket for its local address",
			p->name);
		ikev2_sa_destroy(d, sa, "no socket");
		return;
	}
	net_set_port(&sa->local, sa->sock->port);
	sa_local_id(sa);
	sa->ni_len = IKED_NONCE_LEN;
	if (RAND_bytes(sa->ni, sa->ni_len) != 1 ||
	    ikev2_sa_set_dh(sa, pol_first_dh(&p->ike))) {
		ikev2_sa_destroy(d, sa, "no DH key");
		return;
	}
	sa->state = SA_INIT_SENT;
	pol_prop_str(&p->ike, prop, sizeof(prop));
	log_info("peer %s (%s): initiating, KE %s, proposals %s", p->name,
		 ikev2_peer_addr(sa), pol_dh_name(sa->dh_group), prop);
	if (init_request_send(d, sa))
		ikev2_sa_destroy(d, sa, "cannot send IKE_SA_INIT");
}

static struct conf_peer *peer_by_addr(struct iked *d,
				      const struct sockaddr_storage *src,
				      const struct sockaddr_storage *dst)
{
	struct conf_peer *p;

	for (p = d->conf.peers; p; p = p->next)
		if (net_addr_eq(&p->remote, src) &&
		    (!p->has_local || net_addr_eq(&p->local, dst)))
			return p;
	return NULL;
}

static unsigned int half_open_count(const struct iked *d)
{
	const struct iked_sa *sa;
	unsigned int n = 0;

	for (sa = d->sas; sa; sa = sa->next)
		n += sa->state == SA_INIT_DONE;
	return n;
}

/* A clear error answer to an IKE_SA_INIT request (no state kept). */
static void init_error(struct iked *d, struct net_sock *s,
		       const struct ike_msg *m,
		       const struct sockaddr_storage *src,
		       const struct sockaddr_storage *dst, uint16_t type,
		       const uint8_t *data, size_t dlen)
{
	struct ike_hdr h = { .version = 0x20,
			     .exchange = IKEV2_EXCH_IKE_SA_INIT,
			     .flags = IKEV2_FLAG_RESPONSE };
	struct ike_notify n = { .type = type };
	uint8_t buf[256];
	struct ike_wbuf w;
	long len;

	memcpy(h.ispi, m->hdr.ispi, 8);
	n.data.p = data;
	n.data.len = dlen;
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_notify(&w, &n);
	len = ike_build_done(&w);
	if (len > 0)
		msg_tx(d, s, dst, src, buf, len);
}

static void init_request_recv(struct iked *d, struct net_sock *s,
			      const struct ike_msg *m, const uint8_t *buf,
			      size_t len, const struct sockaddr_storage *src,
			      const struct sockaddr_storage *dst)
{
	const struct ike_pld *ke = ike_msg_find(m, IKEV2_PL_KE, 0);
	const struct ike_pld *no = ike_msg_find(m, IKEV2_PL_NONCE, 0);
	struct conf_peer *p = peer_by_addr(d, src, dst);
	uint8_t out[IKED_MSG_MAX], kev[1024];
	struct ike_hdr h = { .version = 0x20,
			     .exchange = IKEV2_EXCH_IKE_SA_INIT,
			     .flags = IKEV2_FLAG_RESPONSE };
	struct pol_choice c;
	struct ike_sa chosen;
	struct ike_ke k;
	struct iked_sa *sa;
	struct ike_wbuf w;
	unsigned int half_open;
	char a[64];
	long olen;

	if (!p) {
		d->st.drop[DROP_NO_PEER]++;
		log_info("IKE_SA_INIT from %s: no peer configured with that address: dropped",
			 net_str(src, a, sizeof(a)));
		return;
	}
	if (!(m->seen & (1ull << (IKEV2_PL_SA - IKEV2_PL_SA))) || !ke || !no) {
		d->st.drop[DROP_MISSING]++;
		log_info("peer %s (%s): IKE_SA_INIT request without SA, KE or Nonce: dropped",
			 p->name, net_str(src, a, sizeof(a)));
		return;
	}
	half_open = half_open_count(d);
	if (cookie_required(d, half_open)) {
		uint8_t ck[IKED_COOKIE_LEN];
		size_t ck_len;
		int r = cookie_check(d, m, &no->u.nonce, src, ck, &ck_len);

		if (r < 0)
			return;
		if (!r) {
			/* stateless: nothing is kept until it comes back */
			log_debug("peer %s (%s): %u half-open IKE SAs: IKE_SA_INIT answered with a COOKIE",
				  p->name, net_str(src, a, sizeof(a)),
				  half_open);
			init_error(d, s, m, src, dst, IKEV2_N_COOKIE, ck,
				   ck_len);
			return;
		}
	}
	if (half_open >= IKED_HALF_OPEN_MAX) {
		d->st.drop[DROP_HALF_OPEN]++;
		return;
	}
	if (pol_select(&p->ike, &m->sa, IKEV2_PROTO_IKE, 0, &c)) {
		char got[1024], ours[1024];

		pol_prop_str(&m->sa, got, sizeof(got));
		pol_prop_str(&p->ike, ours, sizeof(ours));
		log_err("peer %s (%s): NO_PROPOSAL_CHOSEN for the IKE SA: received %s; configured %s",
			p->name, net_str(src, a, sizeof(a)), got, ours);
		init_error(d, s, m, src, dst, IKEV2_N_NO_PROPOSAL_CHOSEN,
			   NULL, 0);
		return;
	}
	if (ke->u.ke.group != c.dh) {
		uint8_t g[2] = { c.dh >> 8, c.dh & 0xff };

		log_info("peer %s (%s): INVALID_KE_PAYLOAD: its KE is for %s, we chose %s from its proposals; asking for that",
			 p->name, net_str(src, a, sizeof(a)),
			 pol_dh_name(ke->u.ke.group), pol_dh_name(c.dh));
		init_error(d, s, m, src, dst, IKEV2_N_INVALID_KE_PAYLOAD, g,
			   2);
		return;
	}
	sa = sa_new(d, p, 0);
	if (!sa)
		return;
	memcpy(sa->ispi, m->hdr.ispi, 8);
	sa->remote = *src;
	sa->local = *dst;
	sa->sock = s;
	sa->alg = c;
	sa_local_id(sa);
	sa->state = SA_INIT_DONE;
	sa->expire_at = iked_now_ms() + IKED_HALF_OPEN_MS;
	sa->ni_len = no->u.nonce.len;
	memcpy(sa->ni, no->u.nonce.p, sa->ni_len);
	sa->nr_len = IKED_NONCE_LEN;
	if (RAND_bytes(sa->nr, sa->nr_len) != 1 || ikev2_sa_set_dh(sa, c.dh) ||
	    ike_dh_public(sa->dh, kev, sizeof(kev)) ||
	    sa_keys(d, sa, ke->u.ke.data.p, ke->u.ke.data.len)) {
		ikev2_sa_destroy(d, sa, "IKE_SA_INIT failed");
		return;
	}
	nat_check(sa, m, (const uint8_t *)"\0\0\0\0\0\0\0\0");
	memcpy(h.ispi, sa->ispi, 8);
	memcpy(h.rspi, sa->rspi, 8);
	c.spi_size = 0;
	pol_choice_sa(&c, &chosen);
	k.group = c.dh;
	k.data.p = kev;
	k.data.len = ike_dh_group(c.dh)->publen;
	ike_wbuf_init(&w, out, sizeof(out));
	ike_build_hdr(&w, &h);
	ike_build_sa(&w, &chosen);
	ike_build_ke(&w, &k);
	ike_build_nonce(&w, sa->nr, sa->nr_len);
	natd_add(&w, sa, IKEV2_N_NAT_DETECTION_SOURCE_IP, &sa->local);
	natd_add(&w, sa, IKEV2_N_NAT_DETECTION_DESTINATION_IP, &sa->remote);
	/* RFC 7383 2.3: answered in kind, used when both sent it */
	sa->frag_ok = d->conf.fragment_size &&
		      ike_msg_notify(m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED);
	if (sa->frag_ok)
		ike_build_notify(&w, &frag_supported);
	olen = ike_build_done(&w);
	sa->init_i = malloc(len);
	sa->init_r = olen > 0 ? malloc(olen) : NULL;
	if (!sa->init_i || !sa->init_r) {
		ikev2_sa_destroy(d, sa, "IKE_SA_INIT failed");
		return;
	}
	memcpy(sa->init_i, buf, len);
	sa->init_i_len = len;
	memcpy(sa->init_r, out, olen);
	sa->init_r_len = olen;
	sa->peer_next = 1;
	log_debug("peer %s (%s): IKE_SA_INIT answered", p->name,
		  ikev2_peer_addr(sa));
	msg_send_clear(d, sa, out, olen, 1, 0);
}

static int auth_request_send(struct iked *d, struct iked_sa *sa);

static void init_response_recv(struct iked *d, struct iked_sa *sa,
			       const struct ike_msg *m, const uint8_t *buf,
			       size_t len)
{
	const struct ike_pld *ke = ike_msg_find(m, IKEV2_PL_KE, 0);
	const struct ike_pld *no = ike_msg_find(m, IKEV2_PL_NONCE, 0);
	const struct ike_notify *n;
	struct pol_choice c;
	char prop[1024];

	if (sa->state != SA_INIT_SENT || m->hdr.msgid != 0) {
		d->st.drop[DROP_STATE]++;
		return;
	}
	n = ike_msg_notify(m, IKEV2_N_COOKIE);
	if (n) {
		/* a second one: its secret changed, or our retry after
		 * INVALID_KE_PAYLOAD; a few, not forever (2.6) */
		if (sa->cookie_tries++ >= 3 || !n->data.len ||
		    n->data.len > 64) {
			log_err("peer %s (%s): COOKIE %s: giving up",
				sa->peer->name, ikev2_peer_addr(sa),
				n->data.len && n->data.len <= 64 ?
				"asked for again and again" :
				"of a bad length (RFC 7296: 1..64 octets)");
			ikev2_sa_destroy(d, sa, "COOKIE");
			return;
		}
		free(sa->cookie);
		sa->cookie = malloc(n->data.len);
		if (!sa->cookie) {
			sa->cookie_len = 0;
			return;
		}
		memcpy(sa->cookie, n->data.p, n->data.len);
		sa->cookie_len = n->data.len;
		log_info("peer %s (%s): asked for a COOKIE; sending IKE_SA_INIT again with it",
			 sa->peer->name, ikev2_peer_addr(sa));
		init_request_send(d, sa);
		return;
	}
	n = ike_msg_notify(m, IKEV2_N_INVALID_KE_PAYLOAD);
	if (n) {
		uint16_t g = n->data.len == 2 ?
			     (n->data.p[0] << 8 | n->data.p[1]) : 0;

		if (!pol_has_dh(&sa->peer->ike, g) || g == sa->dh_group ||
		    sa->ke_retries++ >= 2) {
			log_err("peer %s (%s): INVALID_KE_PAYLOAD: it wants %s (group %u); we sent %s and have configured only the groups of: %s",
				sa->peer->name, ikev2_peer_addr(sa), pol_dh_name(g),
				g, pol_dh_name(sa->dh_group),
				(pol_prop_str(&sa->peer->ike, prop,
					      sizeof(prop)), prop));
			ikev2_sa_destroy(d, sa, "INVALID_KE_PAYLOAD");
			return;
		}
		log_info("peer %s (%s): INVALID_KE_PAYLOAD: it wants %s instead of %s; retrying with it",
			 sa->peer->name, ikev2_peer_addr(sa), pol_dh_name(g),
			 pol_dh_name(sa->dh_group));
		if (ikev2_sa_set_dh(sa, g) || init_request_send(d, sa))
			ikev2_sa_destroy(d, sa, "cannot retry IKE_SA_INIT");
		return;
	}
	n = ike_msg_error(m);
	if (n) {
		pol_prop_str(&sa->peer->ike, prop, sizeof(prop));
		if (n->type == IKEV2_N_NO_PROPOSAL_CHOSEN)
			log_err("peer %s (%s): NO_PROPOSAL_CHOSEN: the peer accepted none of our IKE proposals: %s",
				sa->peer->name, ikev2_peer_addr(sa), prop);
		else
			log_err("peer %s (%s): IKE_SA_INIT refused with %s (%u)",
				sa->peer->name, ikev2_peer_addr(sa),
				ikev2_notify_name(n->type), n->type);
		ikev2_sa_destroy(d, sa, ikev2_notify_name(n->type));
		return;
	}
	if (!(m->seen & (1ull << (IKEV2_PL_SA - IKEV2_PL_SA))) || !ke || !no ||
	    !memcmp(m->hdr.rspi, "\0\0\0\0\0\0\0\0", 8)) {
		d->st.drop[DROP_MISSING]++;
		log_info("peer %s: IKE_SA_INIT response without SA, KE, Nonce or SPI: dropped",
			 sa->peer->name);
		return;
	}
	if (m->sa.n_props != 1 || m->sa.prop[0].n_xforms > 4 ||
	    pol_select(&sa->peer->ike, &m->sa, IKEV2_PROTO_IKE, 0, &c) ||
	    c.dh != ke->u.ke.group || c.dh != sa->dh_group) {
		d->st.drop[DROP_PROPOSAL]++;
		pol_prop_str(&m->sa, prop, sizeof(prop));
		log_err("peer %s (%s): IKE_SA_INIT response chose %s with KE %s, which we did not offer (we sent KE %s): dropped",
			sa->peer->name, ikev2_peer_addr(sa), prop,
			pol_dh_name(ke->u.ke.group), pol_dh_name(sa->dh_group));
		return;
	}
	msg_request_done(sa);
	sa->alg = c;
	memcpy(sa->rspi, m->hdr.rspi, 8);
	sa->nr_len = no->u.nonce.len;
	memcpy(sa->nr, no->u.nonce.p, sa->nr_len);
	if (sa_keys(d, sa, ke->u.ke.data.p, ke->u.ke.data.len)) {
		ikev2_sa_destroy(d, sa, "bad KE");
		return;
	}
	sa->init_r = malloc(len);
	if (!sa->init_r) {
		ikev2_sa_destroy(d, sa, "out of memory");
		return;
	}
	memcpy(sa->init_r, buf, len);
	sa->init_r_len = len;
	nat_check(sa, m, sa->rspi);
	sa->frag_ok = d->conf.fragment_size &&
		      ike_msg_notify(m, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED);
	nat_float(d, sa);
	if (auth_request_send(d, sa))
		ikev2_sa_destroy(d, sa, "cannot send IKE_AUTH");
}

/* ---- IKE_AUTH ---- */

/* prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>) of one side. */
static int psk_auth(struct iked_sa *sa, int of_initiator,
		    const uint8_t *idb, size_t idb_len, uint8_t *out)
{
	struct ike_blob psk = { sa->peer->psk.p, sa->peer->psk.len };
	struct ike_blob msg, nonce, skp, id = { idb, idb_len };

	if (of_initiator) {
		msg = (struct ike_blob){ sa->init_i, sa->init_i_len };
		nonce = (struct ike_blob){ sa->nr, sa->nr_len };
		skp = sa->keys.pi;
	} else {
		msg = (struct ike_blob){ sa->init_r, sa->init_r_len };
		nonce = (struct ike_blob){ sa->ni, sa->ni_len };
		skp = sa->keys.pr;
	}
	return ike_auth_psk(sa->alg.prf, &psk, &msg, &nonce, &skp, &id, out);
}

static void build_id_auth(struct iked_sa *sa, struct ike_wbuf *w)
{
	uint8_t idb[4 + CONF_ID_MAX], mac[IKE_PRF_MAX];
	struct ike_id id = { sa->lid.type, { sa->lid.data, sa->lid.len } };
	struct ike_auth a = { IKEV2_AUTH_SHARED_KEY_MIC,
			      { mac, ike_prf_len(sa->alg.prf) } };
	size_t n = id_body(&sa->lid, idb);

	ike_build_id(w, sa->initiator ? IKEV2_PL_IDI : IKEV2_PL_IDR, &id);
	if (psk_auth(sa, sa->initiator, idb, n, mac))
		w->err = IKE_E_BUILD;
	ike_build_auth(w, &a);
	OPENSSL_cleanse(mac, sizeof(mac));
}

void ikev2_esp_offer(const struct iked_sa *sa, uint32_t spi, int with_dh,
		     struct ike_sa *out)
{
	unsigned int i, j, k;

	*out = sa->peer->esp;
	for (i = 0; i < out->n_props; i++) {
		struct ike_prop *p = &out->prop[i];

		/* IKE_AUTH: no DH (RFC 7296 1.2; the first CHILD SA uses
		 * the IKE SA's keys); a rekey keeps it: PFS */
		for (j = k = 0; j < p->n_xforms; j++)
			if (with_dh || p->xf[j].type != IKEV2_XFORM_DH)
				p->xf[k++] = p->xf[j];
		p->n_xforms = k;
		out->prop[i].spi_size = 4;
		out->prop[i].spi[0] = spi >> 24;
		out->prop[i].spi[1] = spi >> 16;
		out->prop[i].spi[2] = spi >> 8;
		out->prop[i].spi[3] = spi;
	}
}

/*
 * Send N(INITIAL_CONTACT) (2.4)?  Only when we have no other IKE SA with
 * that address: the peer may remove its other SAs with us on it (all of
 * them, with a gateway-wide policy such as `initial_contact gateway`).
 */
static int first_contact(const struct iked *d, const struct iked_sa *sa)
{
	const struct iked_sa *o;

	for (o = d->sas; o; o = o->next)
		if (o != sa && net_addr_eq(&o->remote, &sa->remote))
			return 0;
	return 1;
}

static int auth_request_send(struct iked *d, struct iked_sa *sa)
{
	static struct ike_sa offer;	/* large: not on the stack */
	struct ike_notify ic = { .type = IKEV2_N_INITIAL_CONTACT };
	uint8_t plain[IKED_MSG_MAX];
	struct child_sa *c = child_alloc(sa);
	struct ike_wbuf w;
	int r;

	if (!c)
		return -ENOMEM;
	r = d->kops->get_spi(d->kctx, &sa->remote, &sa->local,
			     IKEV2_PROTO_ESP, &c->spi_in);
	if (r) {
		log_err("peer %s: kernel backend %s: no SPI (%s)",
			sa->peer->name, d->kops->name, strerror(-r));
		c->spi_in = 0;
		return r;
	}
	c->state = CHILD_OFFERED;
	log_info("peer %s: offering the CHILD SA with our inbound SPI %08x",
		 sa->peer->name, c->spi_in);
	ike_wbuf_init(&w, plain, sizeof(plain));
	build_id_auth(sa, &w);
	if (sa->peer->remote_id.type) {
		struct ike_id idr = { sa->peer->remote_id.type,
				      { sa->peer->remote_id.data,
					sa->peer->remote_id.len } };

		ike_build_id(&w, IKEV2_PL_IDR, &idr);
	}
	if (first_contact(d, sa))
		ike_build_notify(&w, &ic);
	ikev2_esp_offer(sa, c->spi_in, 0, &offer);
	ike_build_sa(&w, &offer);
	ike_build_ts(&w, IKEV2_PL_TSI, &sa->peer->local_ts);
	ike_build_ts(&w, IKEV2_PL_TSR, &sa->peer->remote_ts);
	sa->state = SA_AUTH_SENT;
	r = msg_send_request(d, sa, IKEV2_EXCH_IKE_AUTH, &w);
	OPENSSL_cleanse(plain, sizeof(plain));
	return r;
}

static int id_matches(const struct conf_id *want, const struct ike_pld *p)
{
	return p && p->u.id.type == want->type &&
	       p->u.id.data.len == want->len &&
	       !memcmp(p->u.id.data.p, want->data, want->len);
}

/* Check the peer's ID and AUTH; a log line and -1 on failure. */
static int peer_auth_check(struct iked_sa *sa, const struct ike_msg *m)
{
	const struct ike_pld *id = ike_msg_find(m, sa->initiator ?
						IKEV2_PL_IDR : IKEV2_PL_IDI, 0);
	const struct ike_pld *au = ike_msg_find(m, IKEV2_PL_AUTH, 0);
	char got[300], want[300];
	uint8_t mac[IKE_PRF_MAX];
	size_t ml = ike_prf_len(sa->alg.prf);
	int ok;

	id_text(&sa->peer->remote_id, want, sizeof(want));
	if (!id || !au) {
		log_err("peer %s (%s): AUTHENTICATION_FAILED: its IKE_AUTH has no %s",
			sa->peer->name, ikev2_peer_addr(sa), !id ? "ID" : "AUTH");
		return -1;
	}
	conf_id_str(id->u.id.type, id->u.id.data.p, id->u.id.data.len, got,
		    sizeof(got));
	if (!id_matches(&sa->peer->remote_id, id)) {
		log_err("peer %s (%s): AUTHENTICATION_FAILED: ID mismatch: received %s, configured remote_id %s",
			sa->peer->name, ikev2_peer_addr(sa), got, want);
		return -1;
	}
	if (au->u.auth.method != IKEV2_AUTH_SHARED_KEY_MIC) {
		log_err("peer %s (%s): AUTHENTICATION_FAILED: %s authenticates with method %u; configured: PSK (shared key, method 2)",
			sa->peer->name, ikev2_peer_addr(sa), got,
			au->u.auth.method);
		return -1;
	}
	ok = !psk_auth(sa, !sa->initiator, id->body.p, id->body.len, mac) &&
	     au->u.auth.data.len == ml &&
	     !CRYPTO_memcmp(mac, au->u.auth.data.p, ml);
	OPENSSL_cleanse(mac, sizeof(mac));
	if (!ok) {
		log_err("peer %s (%s): AUTHENTICATION_FAILED: the AUTH of %s does not match the PSK of psk_file %s (the two sides' PSKs differ)",
			sa->peer->name, ikev2_peer_addr(sa), got,
			sa->peer->psk_file);
		return -1;
	}
	return 0;
}

uint32_t ikev2_spi32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/*
 * N(INITIAL_CONTACT) in the peer's IKE_AUTH (RFC 7296 2.4): it has no
 * other IKE SA with us, typically after a restart, so ours with it are
 * dead; remove them now rather than after DPD or their lifetime.  Which
 * ones is `initial_contact` (the seeds' initContactMode, LAN-Cell
 * Appendix 8): gateway, every IKE SA with that address; tunnel, only
 * those of the same peer, i.e. the same phase 2 selectors.  Only
 * established ones: of two IKE SAs the peers begin at the same time, each
 * with INITIAL_CONTACT, at most one is removed (the other was not yet
 * established at one side when that side's Delete would have to come).
 * No Delete is sent: the peer no longer knows these SAs.
 */
static void initial_contact(struct iked *d, struct iked_sa *sa,
			    const struct ike_msg *m)
{
	int tunnel = d->conf.initial_contact == CONF_IC_TUNNEL;
	struct iked_sa *o, *nx;
	unsigned int n = 0;

	if (!ike_msg_notify(m, IKEV2_N_INITIAL_CONTACT))
		return;
	for (o = d->sas; o; o = nx) {
		nx = o->next;
		if (o == sa || (o->state != SA_ESTABLISHED &&
				o->state != SA_DELETING) ||
		    !net_addr_eq(&o->remote, &sa->remote) ||
		    (tunnel && o->peer != sa->peer))
			continue;
		log_info("peer %s (%s): INITIAL_CONTACT from %s: removing our older IKE SA with it (initial_contact %s)",
			 o->peer->name, ikev2_peer_addr(o), sa->peer->name,
			 tunnel ? "tunnel" : "gateway");
		ikev2_sa_destroy(d, o, "INITIAL_CONTACT");
		n++;
	}
	if (n)
		d->st.initial_contact += n;
}

static void auth_request_recv(struct iked *d, struct iked_sa *sa,
			      struct ike_msg *m)
{
	static struct ike_sa chosen;
	struct child_sa *c = child_alloc(sa);
	struct ike_blob ni = { sa->ni, sa->ni_len }, nr = { sa->nr, sa->nr_len };
	struct ike_notify nt = { 0 };
	uint8_t plain[IKED_MSG_MAX];
	struct ike_ts_pld tsi, tsr;
	struct ike_wbuf w;
	int have_child, fail = 0;
	char lts[512], rts[512], a[1024], b[1024];

	ike_wbuf_init(&w, plain, sizeof(plain));
	if (peer_auth_check(sa, m)) {
		nt.type = IKEV2_N_AUTHENTICATION_FAILED;
		ike_build_notify(&w, &nt);
		msg_send_response(d, sa, IKEV2_EXCH_IKE_AUTH, m->hdr.msgid, &w);
		ikev2_sa_destroy(d, sa, "AUTHENTICATION_FAILED");
		return;
	}
	sa->state = SA_ESTABLISHED;
	sa->expire_at = 0;
	sa->established_ms = iked_now_ms();
	ike_rekey_schedule(sa, sa->established_ms);
	sa->peer_next = m->hdr.msgid + 1;
	build_id_auth(sa, &w);
	report_up(d, sa);

	have_child = (m->seen & (1ull << (IKEV2_PL_SA - IKEV2_PL_SA))) &&
		     (m->seen & (1ull << (IKEV2_PL_TSI - IKEV2_PL_SA))) &&
		     (m->seen & (1ull << (IKEV2_PL_TSR - IKEV2_PL_SA)));
	if (!have_child || !c) {
		log_info("peer %s: IKE_AUTH without a CHILD SA", sa->peer->name);
	} else if (pol_select(&sa->peer->esp, &m->sa, IKEV2_PROTO_ESP, 1,
			      &c->alg)) {
		pol_prop_str(&m->sa, a, sizeof(a));
		pol_prop_str(&sa->peer->esp, b, sizeof(b));
		log_err("peer %s (%s): NO_PROPOSAL_CHOSEN for the CHILD SA: received %s; configured %s",
			sa->peer->name, ikev2_peer_addr(sa), a, b);
		nt.type = IKEV2_N_NO_PROPOSAL_CHOSEN;
		fail = 1;
	} else if (!pol_ts_narrow(&sa->peer->remote_ts, &m->tsi, &tsi) ||
		   !pol_ts_narrow(&sa->peer->local_ts, &m->tsr, &tsr)) {
		pol_ts_str(&m->tsi, a, sizeof(a));
		pol_ts_str(&m->tsr, b, sizeof(b));
		pol_ts_str(&sa->peer->local_ts, lts, sizeof(lts));
		pol_ts_str(&sa->peer->remote_ts, rts, sizeof(rts));
		log_err("peer %s (%s): TS_UNACCEPTABLE: received TSi %s, TSr %s; configured remote_ts %s, local_ts %s",
			sa->peer->name, ikev2_peer_addr(sa), a, b, rts, lts);
		nt.type = IKEV2_N_TS_UNACCEPTABLE;
		fail = 1;
	} else {
		c->spi_out = ikev2_spi32(c->alg.spi);
		c->ts_local = tsr;
		c->ts_remote = tsi;
		if (d->kops->get_spi(d->kctx, &sa->remote, &sa->local,
				     IKEV2_PROTO_ESP, &c->spi_in) ||
		    child_install(d, sa, c, 0, &ni, &nr, NULL, 1)) {
			nt.type = IKEV2_N_NO_ADDITIONAL_SAS;
			fail = 1;
			child_release(d, sa, c);
		} else {
			child_schedule(sa, c, iked_now_ms());
			c->alg.spi_size = 4;
			c->alg.spi[0] = c->spi_in >> 24;
			c->alg.spi[1] = c->spi_in >> 16;
			c->alg.spi[2] = c->spi_in >> 8;
			c->alg.spi[3] = c->spi_in;
			pol_choice_sa(&c->alg, &chosen);
			ike_build_sa(&w, &chosen);
			ike_build_ts(&w, IKEV2_PL_TSI, &tsi);
			ike_build_ts(&w, IKEV2_PL_TSR, &tsr);
		}
	}
	if (fail)
		ike_build_notify(&w, &nt);
	msg_send_response(d, sa, IKEV2_EXCH_IKE_AUTH, m->hdr.msgid, &w);
	OPENSSL_cleanse(plain, sizeof(plain));
	initial_contact(d, sa, m);
}

static void info_auth_failed_send(struct iked *d, struct iked_sa *sa)
{
	struct ike_notify nt = { .type = IKEV2_N_AUTHENTICATION_FAILED };
	uint8_t plain[256];
	struct ike_wbuf w;

	ike_wbuf_init(&w, plain, sizeof(plain));
	ike_build_notify(&w, &nt);
	msg_send_request(d, sa, IKEV2_EXCH_INFORMATIONAL, &w);
}

static void auth_response_recv(struct iked *d, struct iked_sa *sa,
			       struct ike_msg *m)
{
	struct child_sa *c = child_by_state(sa, CHILD_OFFERED);
	struct ike_blob ni = { sa->ni, sa->ni_len }, nr = { sa->nr, sa->nr_len };
	const struct ike_notify *err;
	char a[1024], b[1024], e[1024];

	if (sa->state != SA_AUTH_SENT) {
		d->st.drop[DROP_STATE]++;
		return;
	}
	msg_request_done(sa);
	if (ike_msg_notify(m, IKEV2_N_AUTHENTICATION_FAILED)) {
		id_text(&sa->lid, a, sizeof(a));
		log_err("peer %s (%s): AUTHENTICATION_FAILED: the peer refused our AUTH (we are %s, PSK from %s): the PSKs or IDs differ",
			sa->peer->name, ikev2_peer_addr(sa), a, sa->peer->psk_file);
		ikev2_sa_destroy(d, sa, "AUTHENTICATION_FAILED");
		return;
	}
	if (peer_auth_check(sa, m)) {
		/* 2.21.2: tell the peer, then forget the SA */
		info_auth_failed_send(d, sa);
		ikev2_sa_destroy(d, sa, "AUTHENTICATION_FAILED");
		return;
	}
	sa->state = SA_ESTABLISHED;
	sa->established_ms = iked_now_ms();
	ike_rekey_schedule(sa, sa->established_ms);
	report_up(d, sa);
	initial_contact(d, sa, m);
	if (!c)
		return;
	err = ike_msg_error(m);
	if (err) {
		uint16_t t = err->type;

		pol_prop_str(&sa->peer->esp, a, sizeof(a));
		pol_ts_str(&sa->peer->local_ts, b, sizeof(b));
		pol_ts_str(&sa->peer->remote_ts, e, sizeof(e));
		if (t == IKEV2_N_NO_PROPOSAL_CHOSEN)
			log_err("peer %s (%s): NO_PROPOSAL_CHOSEN for the CHILD SA: the peer accepted none of our ESP proposals: %s",
				sa->peer->name, ikev2_peer_addr(sa), a);
		else if (t == IKEV2_N_TS_UNACCEPTABLE)
			log_err("peer %s (%s): TS_UNACCEPTABLE: the peer refused our selectors TSi %s, TSr %s",
				sa->peer->name, ikev2_peer_addr(sa), b, e);
		else
			log_err("peer %s (%s): the CHILD SA was refused with %s (%u)",
				sa->peer->name, ikev2_peer_addr(sa), ikev2_notify_name(t),
				t);
		child_release(d, sa, c);
		return;
	}
	if (!(m->seen & (1ull << (IKEV2_PL_SA - IKEV2_PL_SA))) ||
	    !(m->seen & (1ull << (IKEV2_PL_TSI - IKEV2_PL_SA))) ||
	    !(m->seen & (1ull << (IKEV2_PL_TSR - IKEV2_PL_SA)))) {
		log_err("peer %s (%s): IKE_AUTH response without a CHILD SA and without saying why",
			sa->peer->name, ikev2_peer_addr(sa));
		child_release(d, sa, c);
		return;
	}
	if (m->sa.n_props != 1 ||
	    pol_select(&sa->peer->esp, &m->sa, IKEV2_PROTO_ESP, 1, &c->alg)) {
		pol_prop_str(&m->sa, a, sizeof(a));
		log_err("peer %s (%s): the peer chose ESP %s, which we did not offer",
			sa->peer->name, ikev2_peer_addr(sa), a);
		child_release(d, sa, c);
		return;
	}
	if (!pol_ts_subset(&m->tsi, &sa->peer->local_ts) ||
	    !pol_ts_subset(&m->tsr, &sa->peer->remote_ts)) {
		pol_ts_str(&m->tsi, a, sizeof(a));
		pol_ts_str(&m->tsr, b, sizeof(b));
		log_err("peer %s (%s): TS_UNACCEPTABLE: the peer answered TSi %s, TSr %s, wider than our local_ts/remote_ts",
			sa->peer->name, ikev2_peer_addr(sa), a, b);
		child_release(d, sa, c);
		return;
	}
	c->spi_out = ikev2_spi32(c->alg.spi);
	c->ts_local = m->tsi;
	c->ts_remote = m->tsr;
	if (child_install(d, sa, c, 1, &ni, &nr, NULL, 1))
		child_release(d, sa, c);
	else
		child_schedule(sa, c, iked_now_ms());
}

/* ---- INFORMATIONAL ---- */

int ikev2_delete_send(struct iked *d, struct iked_sa *sa)
{
	struct ike_delete del = { .proto = IKEV2_PROTO_IKE };
	uint8_t plain[64];
	struct ike_wbuf w;

	ike_wbuf_init(&w, plain, sizeof(plain));
	ike_build_delete(&w, &del);
	sa->state = SA_DELETING;
	sa->delete_pending = 0;
	log_info("peer %s (%s): deleting the IKE SA", sa->peer->name,
		 ikev2_peer_addr(sa));
	return msg_send_request(d, sa, IKEV2_EXCH_INFORMATIONAL, &w);
}

void ikev2_delete(struct iked *d, struct iked_sa *sa, const char *why)
{
	if (sa->state != SA_ESTABLISHED) {
		if (sa->state != SA_DELETING)
			ikev2_sa_destroy(d, sa, why);
		return;
	}
	if (sa->retx_at)
		sa->delete_pending = 1;
	else if (ikev2_delete_send(d, sa))
		ikev2_sa_destroy(d, sa, why);
}

static void info_request_recv(struct iked *d, struct iked_sa *sa,
			      struct ike_msg *m)
{
	uint8_t plain[IKED_MSG_MAX], spis[4 * IKED_CHILD_MAX];
	struct ike_delete out = { .proto = IKEV2_PROTO_ESP, .spi_size = 4 };
	struct ike_wbuf w;
	unsigned int i, n = 0;
	int ike_del = 0;

	ike_wbuf_init(&w, plain, sizeof(plain));
	for (i = 0; i < m->n_pld; i++) {
		const struct ike_pld *p = &m->pl[i];

		if (p->type == IKEV2_PL_NOTIFY &&
		    p->u.n.type == IKEV2_N_AUTHENTICATION_FAILED) {
			log_err("peer %s (%s): AUTHENTICATION_FAILED: the peer did not accept our AUTH after all",
				sa->peer->name, ikev2_peer_addr(sa));
			ike_del = 1;
		}
		if (p->type != IKEV2_PL_DELETE)
			continue;
		if (p->u.d.proto == IKEV2_PROTO_IKE) {
			ike_del = 1;
			continue;
		}
		n += child_delete_recv(d, sa, &p->u.d, spis + 4 * n,
				       IKED_CHILD_MAX - n);
	}
	if (n && !ike_del) {
		out.n_spi = n;
		out.spis.p = spis;
		out.spis.len = 4 * n;
		ike_build_delete(&w, &out);
	}
	msg_send_response(d, sa, IKEV2_EXCH_INFORMATIONAL, m->hdr.msgid, &w);
	sa->peer_next = m->hdr.msgid + 1;
	if (ike_del) {
		log_info("peer %s (%s): the peer deleted the IKE SA",
			 sa->peer->name, ikev2_peer_addr(sa));
		ikev2_sa_destroy(d, sa, "deleted by the peer");
	}
}

/* ---- dispatch ---- */

static struct iked_sa *sa_find(struct iked *d, const struct ike_hdr *h,
			       const struct sockaddr_storage *src)
{
	static const uint8_t zero[8];
	struct iked_sa *sa;

	for (sa = d->sas; sa; sa = sa->next) {
		if (memcmp(sa->ispi, h->ispi, 8))
			continue;
		if (h->flags & IKEV2_FLAG_INITIATOR) {
			/* from the original initiator: we are responder */
			if (sa->initiator)
				continue;
			if (!memcmp(h->rspi, zero, 8) ?
			    net_addr_eq(&sa->remote, src) &&
			    h->exchange == IKEV2_EXCH_IKE_SA_INIT :
			    !memcmp(sa->rspi, h->rspi, 8))
				return sa;
		} else {
			if (!sa->initiator)
				continue;
			if (sa->state == SA_INIT_SENT ||
			    !memcmp(sa->rspi, h->rspi, 8))
				return sa;
		}
	}
	return NULL;
}

void ikev2_recv(struct iked *d, struct net_sock *s, uint8_t *buf, size_t len,
		const struct sockaddr_storage *src,
		const struct sockaddr_storage *dst)
{
	static struct ike_msg m;	/* ~30 KB */
	uint8_t plain[IKED_MSG_MAX];
	struct iked_sa *sa;
	enum ike_err e;
	int response;

	d->st.rx++;
	e = ike_msg_parse(&m, buf, len);
	if (e != IKE_OK) {
		char a[64];

		d->st.parse[e]++;
		log_debug("datagram from %s: %s: dropped",
			  net_str(src, a, sizeof(a)), ike_err_str(e));
		return;
	}
	response = !!(m.hdr.flags & IKEV2_FLAG_RESPONSE);
	sa = sa_find(d, &m.hdr, src);
	if (!sa) {
		if (!response && m.hdr.exchange == IKEV2_EXCH_IKE_SA_INIT &&
		    m.hdr.msgid == 0 &&
		    !memcmp(m.hdr.rspi, "\0\0\0\0\0\0\0\0", 8) &&
		    (m.hdr.flags & IKEV2_FLAG_INITIATOR) && !d->shutting_down) {
			init_request_recv(d, s, &m, buf, len, src, dst);
			return;
		}
		d->st.drop[DROP_NO_SA]++;
		return;
	}
	if (!response) {
		/* the peer's request: the next one, or a retransmission */
		if (sa->resp.n && m.hdr.msgid == sa->resp_msgid &&
		    m.hdr.msgid + 1 == sa->peer_next) {
			const struct ike_pld *f = ike_msg_find(&m,
							IKEV2_PL_SKF, 0);

			if (f && f->u.sk.frag_num != 1) {
				/* RFC 7383 2.6.1: fragment 1 only */
				d->st.drop[DROP_FRAGMENT]++;
				return;
			}
			d->st.answered_from_cache++;
			log_info("peer %s: %s request %u again: answered from the cache",
				 sa->peer->name,
				 ikev2_exch_name(m.hdr.exchange), m.hdr.msgid);
			msg_resend_response(d, sa);
			return;
		}
		if (m.hdr.msgid != sa->peer_next) {
			d->st.drop[DROP_MSGID]++;
			return;
		}
	} else if (!sa->retx_at || m.hdr.msgid != sa->req_msgid ||
		   m.hdr.exchange != sa->req_exch) {
		d->st.drop[DROP_RESPONSE]++;
		log_debug("peer %s: %s response %u answers nothing outstanding (%s %u%s): dropped",
			  sa->peer->name, ikev2_exch_name(m.hdr.exchange),
			  m.hdr.msgid, ikev2_exch_name(sa->req_exch),
			  sa->req_msgid, sa->retx_at ? "" : ", answered");
		return;
	}
	if (m.hdr.exchange == IKEV2_EXCH_IKE_SA_INIT) {
		if (response)
			init_response_recv(d, sa, &m, buf, len);
		else
			d->st.drop[DROP_STATE]++;
		return;
	}
	if (!sa->have_keys || msg_open(d, sa, &m, buf, len, plain))
		return;
	sa->last_rx_ms = iked_now_ms();
	if (s != sa->sock || net_port(src) != net_port(&sa->remote) ||
	    !net_addr_eq(src, &sa->remote)) {
		/*
		 * An authenticated message from another address or port
		 * (strongSwan moves to 4500 for IKE_AUTH when it does
		 * MOBIKE; a NAT): answer there from now on (2.23).
		 */
		char a[64], b[64];

		log_info("peer %s: now at %s (was %s), our port %u",
			 sa->peer->name, net_str(src, a, sizeof(a)),
			 net_str(&sa->remote, b, sizeof(b)), s->port);
		sa->sock = s;
		sa->remote = *src;
		sa->local = *dst;
		if (sa->state == SA_ESTABLISHED && s->natt &&
		    (sa->nat_local || sa->nat_remote))
			child_nat_moved(sa);
	}
	switch (m.hdr.exchange) {
	case IKEV2_EXCH_IKE_AUTH:
		if (response) {
			auth_response_recv(d, sa, &m);
		} else if (sa->state == SA_INIT_DONE) {
			auth_request_recv(d, sa, &m);
		} else {
			d->st.drop[DROP_STATE]++;
		}
		break;
	case IKEV2_EXCH_INFORMATIONAL:
		if (response) {
			msg_request_done(sa);
			sa->dpd_out = 0;
			if (sa->state == SA_DELETING) {
				ikev2_sa_destroy(d, sa, "deleted");
				break;
			}
			child_delete_response(d, sa);
			if (sa->delete_pending)
				ikev2_delete_send(d, sa);
		} else if (sa->state == SA_ESTABLISHED ||
			   sa->state == SA_DELETING) {
			info_request_recv(d, sa, &m);
		} else {
			d->st.drop[DROP_STATE]++;
		}
		break;
	case IKEV2_EXCH_CREATE_CHILD_SA:
		if (response) {
			msg_request_done(sa);
			if (sa->rekey_new)
				ike_rekey_response(d, sa, &m);
			else
				child_create_response(d, sa, &m);
		} else if (sa->state == SA_ESTABLISHED) {
			sa->peer_next = m.hdr.msgid + 1;
			if (m.sa.n_props &&
			    m.sa.prop[0].proto == IKEV2_PROTO_IKE)
				ike_rekey_recv(d, sa, &m);
			else
				child_create_recv(d, sa, &m);
		} else {
			d->st.drop[DROP_STATE]++;
		}
		break;
	default:
		d->st.drop[DROP_STATE]++;
	}
	OPENSSL_cleanse(plain, sizeof(plain));
}

/*
 * DPD (RFC 7296 2.4): after dpd_delay seconds without an authenticated
 * message from the peer, an empty INFORMATIONAL request; no answer after
 * the retransmissions: the peer is dead (ikev2_timers()).  ESP traffic
 * does not count yet (vgate.ko has no per-SA last-used time to ask).
 */
static void dpd_timer(struct iked *d, struct iked_sa *sa, uint64_t now,
		      uint64_t *next)
{
	uint64_t due;
	struct ike_wbuf w;
	uint8_t plain[16];

	if (!sa->peer->dpd_s)
		return;
	due = sa->last_rx_ms + sa->peer->dpd_s * 1000ULL;
	if (now < due) {
		if (due < *next)
			*next = due;
		return;
	}
	ike_wbuf_init(&w, plain, sizeof(plain));
	if (msg_send_request(d, sa, IKEV2_EXCH_INFORMATIONAL, &w))
		return;
	sa->dpd_out = 1;
	d->st.dpd_sent++;
	log_debug("peer %s: %u s without a message from it: liveness check",
		  sa->peer->name, sa->peer->dpd_s);
}

int ikev2_timers(struct iked *d)
{
	uint64_t now = iked_now_ms(), next = UINT64_MAX;
	struct iked_sa *sa, *nx;
	struct conf_peer *p;

	/* first the peers to initiate again: their SAs' timers follow */
	for (p = d->conf.peers; p && !d->shutting_down; p = p->next) {
		if (!p->retry_at)
			continue;
		if (now >= p->retry_at) {
			p->retry_at = 0;
			for (sa = d->sas; sa && sa->peer != p; sa = sa->next)
				;
			if (!sa)	/* none up or under way */
				ikev2_initiate(d, p);
			continue;
		}
		if (p->retry_at < next)
			next = p->retry_at;
	}
	for (sa = d->sas; sa; sa = nx) {
		nx = sa->next;
		if (sa->expire_at && now >= sa->expire_at) {
			if (sa->replaced) {
				log_info("peer %s (%s): the peer did not delete the IKE SA it rekeyed: removed",
					 sa->peer->name, ikev2_peer_addr(sa));
				ikev2_sa_destroy(d, sa, "rekeyed");
				continue;
			}
			log_info("peer %s (%s): no IKE_AUTH within %u s after IKE_SA_INIT: half-open IKE SA removed",
				 sa->peer->name, ikev2_peer_addr(sa),
				 IKED_HALF_OPEN_MS / 1000);
			ikev2_sa_destroy(d, sa, "half-open timeout");
			continue;
		}
		if (msg_retransmit(d, sa, now)) {
			if (sa->dpd_out) {
				d->st.dpd_dead++;
				log_err("peer %s (%s): DPD timeout: no answer to the liveness check after %u s without a message from it: peer dead, its SAs removed",
					sa->peer->name, ikev2_peer_addr(sa),
					(unsigned int)((now - sa->last_rx_ms) /
						       1000));
			}
			ikev2_sa_destroy(d, sa, sa->dpd_out ? "DPD timeout" :
					 "peer unreachable");
			continue;
		}
		/* the next request of an idle IKE SA (a window of one) */
		if (sa->state == SA_ESTABLISHED && !sa->retx_at &&
		    !d->shutting_down && !sa->replaced) {
			if (sa->delete_pending) {
				if (ikev2_delete_send(d, sa)) {
					ikev2_sa_destroy(d, sa, "cannot send Delete");
					continue;
				}
			} else if (!ike_rekey_timer(d, sa, now, &next) &&
				   !child_timers(d, sa, now, &next)) {
				dpd_timer(d, sa, now, &next);
			}
		}
		if (sa->retx_at && sa->retx_at < next)
			next = sa->retx_at;
		if (sa->expire_at && sa->expire_at < next)
			next = sa->expire_at;
	}
	/* a destroyed SA may have planned a retry */
	for (p = d->conf.peers; p; p = p->next)
		if (p->retry_at && p->retry_at < next)
			next = p->retry_at;
	if (next == UINT64_MAX)
		return -1;
	return next > now ? (int)(next - now) : 0;
}

void ikev2_shutdown(struct iked *d)
{
	struct iked_sa *sa, *nx;

	d->shutting_down = 1;
	for (sa = d->sas; sa; sa = nx) {
		nx = sa->next;
		if (sa->state != SA_ESTABLISHED) {
			if (sa->state != SA_DELETING)
				ikev2_sa_destroy(d, sa, "shutdown");
			continue;
		}
		if (sa->retx_at)
			sa->delete_pending = 1;
		else if (ikev2_delete_send(d, sa))
			ikev2_sa_destroy(d, sa, "shutdown");
	}
}

void ikev2_flush(struct iked *d)
{
	while (d->sas)
		ikev2_sa_destroy(d, d->sas, d->shutting_down ?
			   "shutdown, no answer to our Delete" : "flush");
}

void ikev2_stats(struct iked *d)
{
	static const char *const drop_name[DROP__COUNT] = {
		"not_marked", "too_big", "no_peer", "no_sa", "msgid",
		"response", "state", "missing", "decrypt", "inner",
		"fragment", "ke", "proposal", "half_open",
	};
	struct iked_sa *sa;
	unsigned int i, n_sa = 0;

	for (sa = d->sas; sa; sa = sa->next)
		n_sa++;
	fprintf(d->report, "STATS ike_sas=%u rx=%llu tx=%llu retransmits=%llu answered_from_cache=%llu dpd_sent=%llu dpd_dead=%llu cookies_sent=%llu cookies_ok=%llu cookies_bad=%llu initial_contact=%llu frags_sent=%llu frags_rcvd=%llu reassembled=%llu",
		n_sa, (unsigned long long)d->st.rx,
		(unsigned long long)d->st.tx,
		(unsigned long long)d->st.retransmits,
		(unsigned long long)d->st.answered_from_cache,
		(unsigned long long)d->st.dpd_sent,
		(unsigned long long)d->st.dpd_dead,
		(unsigned long long)d->st.cookies_sent,
		(unsigned long long)d->st.cookies_ok,
		(unsigned long long)d->st.cookies_bad,
		(unsigned long long)d->st.initial_contact,
		(unsigned long long)d->st.frags_sent,
		(unsigned long long)d->st.frags_rcvd,
		(unsigned long long)d->st.reassembled);
	for (i = 1; i < IKE_E__COUNT; i++)
		if (d->st.parse[i])
			fprintf(d->report, " parse_%s=%llu", ike_err_str(i),
				(unsigned long long)d->st.parse[i]);
	for (i = 0; i < DROP__COUNT; i++)
		if (d->st.drop[i])
			fprintf(d->report, " drop_%s=%llu", drop_name[i],
				(unsigned long long)d->st.drop[i]);
	fprintf(d->report, "\n");
	fflush(d->report);
}

void ikev2_show(struct iked *d, FILE *f)
{
	static const char *const state[] = { "INIT_SENT", "AUTH_SENT",
		"HALF_OPEN", "ESTABLISHED", "DELETING" };
	uint64_t now = iked_now_ms();
	struct iked_sa *sa;

	for (sa = d->sas; sa; sa = sa->next) {
		char is[17], rs[17], alg[160], la[64], ra[64], lt[512], rt[512];
		unsigned int i;

		if (sa->replaced)	/* rekeyed: its successor is listed */
			continue;
		ikev2_hex(sa->ispi, 8, is);
		ikev2_hex(sa->rspi, 8, rs);
		if (sa->state == SA_ESTABLISHED || sa->state == SA_DELETING)
			pol_choice_name(&sa->alg, alg, sizeof(alg));
		else
			snprintf(alg, sizeof(alg), "-");
		fprintf(f, "IKE_SA peer=%s state=%s role=%s ispi=%s rspi=%s local=%s remote=%s proposal=%s nat=%s age=%llu\n",
			sa->peer->name, state[sa->state],
			sa->initiator ? "initiator" : "responder", is, rs,
			net_str(&sa->local, la, sizeof(la)),
			net_str(&sa->remote, ra, sizeof(ra)), alg, nat_str(sa),
			sa->established_ms ?
			(unsigned long long)(now - sa->established_ms) / 1000 :
			0ULL);
		for (i = 0; i < IKED_CHILD_MAX; i++) {
			const struct child_sa *c = &sa->child[i];

			if (c->state != CHILD_INSTALLED)
				continue;
			pol_choice_name(&c->alg, alg, sizeof(alg));
			pol_ts_str(&c->ts_local, lt, sizeof(lt));
			pol_ts_str(&c->ts_remote, rt, sizeof(rt));
			fprintf(f, "CHILD_SA peer=%s spi_in=%08x spi_out=%08x proposal=%s local_ts=%s remote_ts=%s\n",
				sa->peer->name, c->spi_in, c->spi_out, alg, lt,
				rt);
		}
	}
}
