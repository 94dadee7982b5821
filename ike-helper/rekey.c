// SPDX-License-Identifier: GPL-2.0
/*
 * vgate-iked: rekeying an IKE SA with CREATE_CHILD_SA (RFC 7296 1.3.2,
 * 2.18).  The rekey's initiator becomes the new IKE SA's original
 * initiator; the new SA has fresh SPIs, nonces and a new Diffie-Hellman
 * exchange, its keys come from the old SA's SK_d (ike_sa_keys_rekey()),
 * its message IDs start at 0, and the CHILD SAs move to it as they are.
 * The rekey's initiator then deletes the old IKE SA (an INFORMATIONAL
 * Delete on it), which removes no CHILD SA.
 *
 * Our rekey starts at a random point between 80 and 90 % of ike_lifetime
 * when the IKE SA is idle and every CHILD SA is plainly installed (no
 * CHILD SA rekey half done, whose messages would straddle the two IKE
 * SAs).  For the same reason a peer's rekey request is answered
 * TEMPORARY_FAILURE (it tries again; RFC 7296 2.25.2) while another
 * request of ours is out or the SA is rekeyed already.  INVALID_KE_PAYLOAD
 * is followed once with the group the peer asks for.
 *
 * Simultaneous rekeys (2.8.2): the peer's request that comes while ours
 * is out is answered, its new SA kept aside (listed, hidden); when our
 * answer comes, both new SAs exist on both sides and the one made with
 * the lowest of the four nonces is redundant: its maker (the initiator
 * of that exchange) deletes it, and the winner's maker deletes the old
 * IKE SA.  If ours failed, the peer's is the one.
 */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "iked.h"
#include "log.h"

#define IKE_REKEY_RETRY_MS	10000	/* after TEMPORARY_FAILURE and such */
#define IKE_OLD_SA_MS		30000	/* the peer's Delete of the old SA */

void ike_rekey_schedule(struct iked_sa *sa, uint64_t now)
{
	uint64_t life = sa->peer->ike_life_s * 1000ULL;
	uint32_t r = 0;

	if (!life) {
		sa->rekey_at = 0;
		return;
	}
	RAND_bytes((uint8_t *)&r, sizeof(r));
	sa->rekey_at = now + life * 8 / 10 + (uint64_t)r % (life / 10 + 1);
}

/* Every CHILD SA installed both ways, none being rekeyed or deleted. */
static int children_settled(struct iked_sa *sa)
{
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++) {
		const struct child_sa *c = &sa->child[i];

		if (c->state != CHILD_FREE &&
		    (c->state != CHILD_INSTALLED || c->rekeying))
			return 0;
	}
	return 1;
}

static int listed(const struct iked *d, const struct iked_sa *sa)
{
	const struct iked_sa *o;

	for (o = d->sas; o && o != sa; o = o->next)
		;
	return !!o;
}

/* The new SA takes the old one's place: CHILD SAs, addresses, report. */
static void take_over(struct iked *d, struct iked_sa *old, struct iked_sa *ns)
{
	char is[17], rs[17], ois[17], ors[17], alg[160];

	ns->replaced = 0;
	ns->expire_at = 0;
	ns->state = SA_ESTABLISHED;
	ns->established_ms = iked_now_ms();
	ns->last_rx_ms = ns->established_ms;
	memcpy(ns->child, old->child, sizeof(ns->child));
	memset(old->child, 0, sizeof(old->child));	/* CHILD_FREE */
	ns->n_rekeys = old->n_rekeys;
	ike_rekey_schedule(ns, ns->established_ms);
	if (!listed(d, ns))
		ikev2_sa_link(d, ns);
	old->replaced = 1;
	old->rekey_at = 0;
	ikev2_hex(ns->ispi, 8, is);
	ikev2_hex(ns->rspi, 8, rs);
	ikev2_hex(old->ispi, 8, ois);
	ikev2_hex(old->rspi, 8, ors);
	pol_choice_name(&ns->alg, alg, sizeof(alg));
	fprintf(d->report, "IKE_SA rekeyed peer=%s role=%s ispi=%s rspi=%s old_ispi=%s old_rspi=%s proposal=%s\n",
		ns->peer->name, ns->initiator ? "initiator" : "responder",
		is, rs, ois, ors, alg);
	fflush(d->report);
	log_info("peer %s (%s): IKE SA rekeyed as %s, SPIs %s_i %s_r (were %s_i %s_r), %s",
		 ns->peer->name, ikev2_peer_addr(ns),
		 ns->initiator ? "initiator" : "responder", is, rs, ois, ors,
		 alg);
}

/* The new SA's keys from the old SA's SK_d and g^ir; 0 or -1. */
static int new_keys(struct iked *d, struct iked_sa *old, struct iked_sa *ns,
		    const struct ike_blob *peer_ke)
{
	struct ike_algs a = { ns->alg.encr, ns->alg.encr_bits, ns->alg.prf,
			      ns->alg.integ };
	struct ike_blob ni = { ns->ni, ns->ni_len }, nr = { ns->nr, ns->nr_len };
	struct ike_chunk gir = { 0 };
	struct ike_blob g;
	int r;

	r = ike_dh_derive(ns->dh, peer_ke->p, peer_ke->len, &gir);
	ike_dh_free(ns->dh);
	ns->dh = NULL;
	if (r) {
		d->st.drop[DROP_KE]++;
		log_err("peer %s (%s): its KE value for %s in the IKE SA rekey is invalid (%s)",
			old->peer->name, ikev2_peer_addr(old),
			pol_dh_name(ns->dh_group), strerror(-r));
		return -1;
	}
	g.p = gir.p;
	g.len = gir.len;
	r = ike_sa_keys_rekey(&ns->keys, &a, old->alg.prf, &old->keys.d, &g,
			      &ni, &nr, ns->ispi, ns->rspi);
	ike_chunk_free(&gir);
	if (r) {
		log_err("peer %s: IKE SA rekey: key derivation failed (%s)",
			old->peer->name, strerror(-r));
		return -1;
	}
	ikev2_sk_setup(ns);
	return 0;
}

static void copy_path(struct iked_sa *ns, const struct iked_sa *old)
{
	ns->local = old->local;
	ns->remote = old->remote;
	ns->sock = old->sock;
	ns->lid = old->lid;
	ns->nat_local = old->nat_local;
	ns->nat_remote = old->nat_remote;
	ns->frag_ok = old->frag_ok;	/* RFC 7383 2.3: inherited */
}

/* ---- as initiator ---- */

static int rekey_start(struct iked *d, struct iked_sa *sa)
{
	static struct ike_sa offer;	/* large: not on the stack */
	struct iked_sa *ns = ikev2_sa_alloc(sa->peer, 1);
	uint8_t plain[IKED_MSG_MAX], kev[1024];
	uint16_t group = sa->rekey_dh ? sa->rekey_dh : sa->alg.dh;
	struct ike_ke k;
	struct ike_wbuf w;
	unsigned int i;
	int r;

	sa->rekey_dh = 0;
	if (!ns)
		return 0;
	copy_path(ns, sa);
	ns->ni_len = IKED_NONCE_LEN;
	if (RAND_bytes(ns->ni, ns->ni_len) != 1 ||
	    ikev2_sa_set_dh(ns, group) ||
	    ike_dh_public(ns->dh, kev, sizeof(kev))) {
		ikev2_sa_free(ns);
		sa->rekey_at = iked_retry_at(IKE_REKEY_RETRY_MS);
		return 0;
	}
	offer = sa->peer->ike;
	for (i = 0; i < offer.n_props; i++) {
		offer.prop[i].spi_size = IKEV2_SPI_LEN;
		memcpy(offer.prop[i].spi, ns->ispi, IKEV2_SPI_LEN);
	}
	k.group = group;
	k.data.p = kev;
	k.data.len = ike_dh_group(group)->publen;
	ike_wbuf_init(&w, plain, sizeof(plain));
	ike_build_sa(&w, &offer);
	ike_build_nonce(&w, ns->ni, ns->ni_len);
	ike_build_ke(&w, &k);
	sa->rekey_new = ns;
	log_info("peer %s (%s): rekeying the IKE SA (KE %s)", sa->peer->name,
		 ikev2_peer_addr(sa), pol_dh_name(group));
	r = msg_send_request(d, sa, IKEV2_EXCH_CREATE_CHILD_SA, &w);
	OPENSSL_cleanse(plain, sizeof(plain));
	if (r) {
		sa->rekey_new = NULL;
		ikev2_sa_free(ns);
		sa->rekey_at = iked_retry_at(IKE_REKEY_RETRY_MS);
		return 0;
	}
	return 1;
}

int ike_rekey_timer(struct iked *d, struct iked_sa *sa, uint64_t now,
		    uint64_t *next)
{
	if (!sa->rekey_at || sa->rekey_new)
		return 0;
	if (now >= sa->rekey_at) {
		if (children_settled(sa))
			return rekey_start(d, sa);
		/* a CHILD SA rekey is under way: try again shortly */
		sa->rekey_at = now + 1000;
	}
	if (sa->rekey_at < *next)
		*next = sa->rekey_at;
	return 0;
}

/* Byte strings in lexicographic order, a prefix before what it starts. */
static int nonce_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);

	return r ? r : (al > bl) - (al < bl);
}

/* The lower nonce of one exchange's pair (ni, nr). */
static const uint8_t *low_nonce(const struct iked_sa *ns, size_t *len)
{
	int i_low = nonce_cmp(ns->ni, ns->ni_len, ns->nr, ns->nr_len) < 0;

	*len = i_low ? ns->ni_len : ns->nr_len;
	return i_low ? ns->ni : ns->nr;
}

/* The old SA goes to the peer's rekey, which we answered (2.8.2); the
 * peer, its initiator, deletes the old SA (else it expires). */
static void adopt_peers(struct iked *d, struct iked_sa *old,
			struct iked_sa *pn)
{
	take_over(d, old, pn);
	old->expire_at = iked_now_ms() + IKE_OLD_SA_MS;
}

/*
 * Both rekeys completed (2.8.2): the SA made with the lowest of the four
 * nonces is redundant.  Ours (ns): we delete it and the peer's stays;
 * the peer's (pn): it deletes that one and we delete the old SA.
 */
static void collision_resolve(struct iked *d, struct iked_sa *old,
			      struct iked_sa *ns, struct iked_sa *pn)
{
	size_t ol, pl;
	const uint8_t *o = low_nonce(ns, &ol), *p = low_nonce(pn, &pl);
	char a[17], b[17];

	if (nonce_cmp(o, ol, p, pl) < 0) {
		ikev2_hex(ns->ispi, 8, a);
		ikev2_hex(pn->ispi, 8, b);
		log_info("peer %s: IKE SA rekey collision: ours (%s_i) has the lowest nonce and goes; the peer's (%s_i) stays",
			 old->peer->name, a, b);
		adopt_peers(d, old, pn);
		ns->state = SA_ESTABLISHED;
		ns->replaced = 1;	/* hidden, quiet */
		ikev2_sa_link(d, ns);
		if (ikev2_delete_send(d, ns))
			ikev2_sa_destroy(d, ns, "rekey collision");
		return;
	}
	ikev2_hex(pn->ispi, 8, a);
	ikev2_hex(ns->ispi, 8, b);
	log_info("peer %s: IKE SA rekey collision: the peer's (%s_i) has the lowest nonce and goes; ours (%s_i) stays",
		 old->peer->name, a, b);
	take_over(d, old, ns);
	pn->replaced = 1;	/* the peer deletes it (else it expires) */
	pn->expire_at = iked_now_ms() + IKE_OLD_SA_MS;
	if (ikev2_delete_send(d, old))
		ikev2_sa_destroy(d, old, "rekeyed");
}

void ike_rekey_response(struct iked *d, struct iked_sa *sa, struct ike_msg *m)
{
	struct iked_sa *ns = sa->rekey_new, *pn = sa->rekey_peer;
	const struct ike_pld *ke = ike_msg_find(m, IKEV2_PL_KE, 0);
	const struct ike_pld *no = ike_msg_find(m, IKEV2_PL_NONCE, 0);
	const struct ike_notify *n;
	struct pol_choice c;
	char prop[1024];

	sa->rekey_new = NULL;
	sa->rekey_peer = NULL;
	n = ike_msg_error(m);
	if (n && pn) {
		log_info("peer %s (%s): our IKE SA rekey was refused with %s, the peer's went through: it is the one",
			 sa->peer->name, ikev2_peer_addr(sa),
			 ikev2_notify_name(n->type));
		ikev2_sa_free(ns);
		adopt_peers(d, sa, pn);
		return;
	}
	n = ike_msg_notify(m, IKEV2_N_INVALID_KE_PAYLOAD);
	if (n && n->data.len == 2) {
		uint16_t g = n->data.p[0] << 8 | n->data.p[1];

		if (pol_has_dh(&sa->peer->ike, g) && g != ns->dh_group) {
			log_info("peer %s (%s): IKE SA rekey: INVALID_KE_PAYLOAD: it wants %s instead of %s; retrying with it",
				 sa->peer->name, ikev2_peer_addr(sa),
				 pol_dh_name(g), pol_dh_name(ns->dh_group));
			sa->rekey_dh = g;
			sa->rekey_at = iked_now_ms();
			ikev2_sa_free(ns);
			return;
		}
	}
	n = ike_msg_error(m);
	if (n) {
		log_err("peer %s (%s): the IKE SA rekey was refused with %s (%u); trying again in %u..%u s",
			sa->peer->name, ikev2_peer_addr(sa),
			ikev2_notify_name(n->type), n->type,
			IKE_REKEY_RETRY_MS / 2000,
			IKE_REKEY_RETRY_MS * 3 / 2000);
		sa->rekey_at = iked_retry_at(IKE_REKEY_RETRY_MS);
		ikev2_sa_free(ns);
		return;
	}
	if (!ke || !no || m->sa.n_props != 1 ||
	    m->sa.prop[0].spi_size != IKEV2_SPI_LEN ||
	    pol_select(&sa->peer->ike, &m->sa, IKEV2_PROTO_IKE, 0, &c) ||
	    c.dh != ns->dh_group || ke->u.ke.group != ns->dh_group) {
		pol_prop_str(&m->sa, prop, sizeof(prop));
		log_err("peer %s (%s): the IKE SA rekey's answer (%s, KE %s) is not one we can take (we sent KE %s); trying again in %u..%u s",
			sa->peer->name, ikev2_peer_addr(sa),
			m->sa.n_props ? prop : "no SA payload",
			ke ? pol_dh_name(ke->u.ke.group) : "none",
			pol_dh_name(ns->dh_group), IKE_REKEY_RETRY_MS / 2000,
			IKE_REKEY_RETRY_MS * 3 / 2000);
		ikev2_sa_free(ns);
		if (pn)
			adopt_peers(d, sa, pn);
		else
			sa->rekey_at = iked_retry_at(IKE_REKEY_RETRY_MS);
		return;
	}
	ns->alg = c;
	memcpy(ns->rspi, c.spi, IKEV2_SPI_LEN);
	ns->nr_len = no->u.nonce.len;
	memcpy(ns->nr, no->u.nonce.p, ns->nr_len);
	if (new_keys(d, sa, ns, &ke->u.ke.data)) {
		sa->rekey_at = iked_retry_at(IKE_REKEY_RETRY_MS);
		ikev2_sa_free(ns);
		return;
	}
	if (pn) {
		collision_resolve(d, sa, ns, pn);
		return;
	}
	take_over(d, sa, ns);
	/* the old IKE SA goes: our Delete on it (its CHILD SAs moved) */
	if (ikev2_delete_send(d, sa))
		ikev2_sa_destroy(d, sa, "rekeyed");
}

/* ---- as responder ---- */

static void rekey_error(struct iked *d, struct iked_sa *sa,
			const struct ike_msg *m, uint16_t type,
			const uint8_t *data, size_t len)
{
	struct ike_notify nt = { .type = type };
	uint8_t plain[256];
	struct ike_wbuf w;

	nt.data.p = data;
	nt.data.len = len;
	ike_wbuf_init(&w, plain, sizeof(plain));
	ike_build_notify(&w, &nt);
	msg_send_response(d, sa, IKEV2_EXCH_CREATE_CHILD_SA, m->hdr.msgid, &w);
}

void ike_rekey_recv(struct iked *d, struct iked_sa *sa, struct ike_msg *m)
{
	static struct ike_sa chosen;
	const struct ike_pld *ke = ike_msg_find(m, IKEV2_PL_KE, 0);
	const struct ike_pld *no = ike_msg_find(m, IKEV2_PL_NONCE, 0);
	uint8_t plain[IKED_MSG_MAX], kev[1024];
	struct iked_sa *ns;
	struct pol_choice c;
	struct ike_ke k;
	struct ike_wbuf w;
	char a[1024], b[1024];

	if (sa->rekey_peer || (sa->retx_at && !sa->rekey_new) ||
	    sa->replaced || !children_settled(sa)) {
		log_info("peer %s: its IKE SA rekey comes while %s: answered TEMPORARY_FAILURE",
			 sa->peer->name,
			 sa->rekey_peer ? "one of its rekeys is pending" :
			 sa->replaced ? "the SA is already rekeyed" :
			 sa->retx_at ? "our request is outstanding" :
			 "a CHILD SA is being rekeyed");
		rekey_error(d, sa, m, IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (!ke || !no) {
		d->st.drop[DROP_MISSING]++;
		log_err("peer %s (%s): IKE SA rekey without KE or Nonce: answered INVALID_SYNTAX",
			sa->peer->name, ikev2_peer_addr(sa));
		rekey_error(d, sa, m, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	if (pol_select(&sa->peer->ike, &m->sa, IKEV2_PROTO_IKE, 0, &c) ||
	    c.spi_size != IKEV2_SPI_LEN) {
		pol_prop_str(&m->sa, a, sizeof(a));
		pol_prop_str(&sa->peer->ike, b, sizeof(b));
		log_err("peer %s (%s): NO_PROPOSAL_CHOSEN for the IKE SA rekey: received %s; configured %s",
			sa->peer->name, ikev2_peer_addr(sa), a, b);
		rekey_error(d, sa, m, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (ke->u.ke.group != c.dh) {
		uint8_t g[2] = { c.dh >> 8, c.dh & 0xff };

		log_info("peer %s (%s): IKE SA rekey: its KE is for %s, we chose %s: answered INVALID_KE_PAYLOAD",
			 sa->peer->name, ikev2_peer_addr(sa),
			 pol_dh_name(ke->u.ke.group), pol_dh_name(c.dh));
		rekey_error(d, sa, m, IKEV2_N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	ns = ikev2_sa_alloc(sa->peer, 0);
	if (!ns) {
		rekey_error(d, sa, m, IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	copy_path(ns, sa);
	ns->alg = c;
	memcpy(ns->ispi, c.spi, IKEV2_SPI_LEN);
	ns->ni_len = no->u.nonce.len;
	memcpy(ns->ni, no->u.nonce.p, ns->ni_len);
	ns->nr_len = IKED_NONCE_LEN;
	if (RAND_bytes(ns->nr, ns->nr_len) != 1 ||
	    ikev2_sa_set_dh(ns, c.dh) ||
	    ike_dh_public(ns->dh, kev, sizeof(kev)) ||
	    new_keys(d, sa, ns, &ke->u.ke.data)) {
		ikev2_sa_free(ns);
		rekey_error(d, sa, m, IKEV2_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	c.spi_size = IKEV2_SPI_LEN;
	memcpy(c.spi, ns->rspi, IKEV2_SPI_LEN);
	pol_choice_sa(&c, &chosen);
	k.group = c.dh;
	k.data.p = kev;
	k.data.len = ike_dh_group(c.dh)->publen;
	ike_wbuf_init(&w, plain, sizeof(plain));
	ike_build_sa(&w, &chosen);
	ike_build_nonce(&w, ns->nr, ns->nr_len);
	ike_build_ke(&w, &k);
	msg_send_response(d, sa, IKEV2_EXCH_CREATE_CHILD_SA, m->hdr.msgid, &w);
	OPENSSL_cleanse(plain, sizeof(plain));
	if (sa->rekey_new) {
		/* 2.8.2: ours is out too; decided when its answer comes */
		log_info("peer %s (%s): IKE SA rekey collision: the peer's rekey came while ours is out; answered, the lowest nonce decides when ours is answered",
			 sa->peer->name, ikev2_peer_addr(sa));
		ns->state = SA_ESTABLISHED;
		ns->replaced = 1;	/* hidden, quiet */
		ns->expire_at = iked_now_ms() + IKE_OLD_SA_MS;
		ikev2_sa_link(d, ns);
		sa->rekey_peer = ns;
		return;
	}
	take_over(d, sa, ns);
	/* the peer deletes the old IKE SA; if it does not, it goes anyway */
	sa->expire_at = iked_now_ms() + IKE_OLD_SA_MS;
}
