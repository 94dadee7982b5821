// SPDX-License-Identifier: GPL-2.0
/*
 * vgate-iked's CHILD SAs: installing them through the kernel backend,
 * rekeying them with CREATE_CHILD_SA (RFC 7296 1.3.3) as initiator and as
 * responder, collisions (2.8.1), and deleting them with INFORMATIONAL
 * (1.4.1).  The states are iked.h's enum child_state.
 *
 * Rekeying is make-before-break, the way strongSwan does it so that no
 * packet is lost: the rekey's initiator installs the new SA both ways when
 * the answer comes (the responder has its inbound SA by then), then
 * deletes the old SA; the responder installs the new inbound SA when it
 * answers and the new outbound SA only when the old SA is deleted (the
 * initiator may not have processed the answer before).  vgate.ko sends a
 * PROTECT entry's traffic through the newest SA of its REQID and takes it
 * in through any, so both SAs carry traffic during the change.
 *
 * Collisions: when both sides rekey the same SA at once, both exchanges
 * complete; the SA made by the exchange with the lowest of the four
 * nonces is redundant and deleted by that exchange's initiator, and the
 * other initiator deletes the old SA.  A rekey request for an SA we are
 * deleting gets TEMPORARY_FAILURE, for one we do not have
 * CHILD_SA_NOT_FOUND (2.25).
 */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

#include "iked.h"
#include "log.h"

#define REKEY_RETRY_MS	10000	/* after TEMPORARY_FAILURE and the like */

struct child_sa *child_alloc(struct iked_sa *sa)
{
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++)
		if (sa->child[i].state == CHILD_FREE) {
			memset(&sa->child[i], 0, sizeof(sa->child[i]));
			return &sa->child[i];
		}
	return NULL;
}

struct child_sa *child_by_state(struct iked_sa *sa, enum child_state st)
{
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++)
		if (sa->child[i].state == st)
			return &sa->child[i];
	return NULL;
}

static struct child_sa *child_by_spi_in(struct iked_sa *sa, uint32_t spi)
{
	unsigned int i;

	for (i = 0; spi && i < IKED_CHILD_MAX; i++)
		if (sa->child[i].state != CHILD_FREE &&
		    sa->child[i].spi_in == spi)
			return &sa->child[i];
	return NULL;
}

/* The peer names a CHILD SA by its own inbound SPI: our spi_out. */
static struct child_sa *child_by_spi_out(struct iked_sa *sa, uint32_t spi)
{
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++)
		if (sa->child[i].state != CHILD_FREE &&
		    sa->child[i].state != CHILD_OFFERED &&
		    sa->child[i].spi_out == spi)
			return &sa->child[i];
	return NULL;
}

static void spi_put(uint8_t *p, uint32_t spi)
{
	p[0] = spi >> 24;
	p[1] = spi >> 16;
	p[2] = spi >> 8;
	p[3] = spi;
}

/* Nonces compared as numbers of their first IKED_NONCE_CMP octets. */
static int nonce_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int r = memcmp(a, b, n);

	return r ? r : (al > bl) - (al < bl);
}

static void nonce_min(const struct ike_blob *x, const struct ike_blob *y,
		      uint8_t *out, size_t *out_len)
{
	const struct ike_blob *m = nonce_cmp(x->p, x->len, y->p, y->len) <= 0 ?
				   x : y;

	*out_len = m->len < IKED_NONCE_CMP ? m->len : IKED_NONCE_CMP;
	memcpy(out, m->p, *out_len);
}

static struct kernel_sa kernel_sa_of(struct iked_sa *sa, struct child_sa *c,
				     enum kernel_dir dir)
{
	struct kernel_sa k = { .peer = sa->peer->name, .dir = dir,
			       .proto = IKEV2_PROTO_ESP,
			       .reqid = sa->peer->reqid };

	k.encr = c->alg.encr;
	k.encr_bits = c->alg.encr_bits;
	k.integ = c->alg.integ;
	k.esn = c->alg.esn == IKEV2_ESN_YES;
	k.ts_local = &c->ts_local;
	k.ts_remote = &c->ts_remote;
	if (dir == KERNEL_IN) {
		k.spi = c->spi_in;
		k.src = sa->remote;
		k.dst = sa->local;
	} else {
		k.spi = c->spi_out;
		k.src = sa->local;
		k.dst = sa->remote;
	}
	/* esp_lifetime_kb: the kernel counts; its soft SA_EXPIRE rekeys,
	 * at a random point of 80..90 % as for the time (child_schedule) */
	k.hard_bytes = sa->peer->esp_life_kb * 1024;
	if (k.hard_bytes && !c->soft_bytes) {
		uint32_t r = 0;

		RAND_bytes((uint8_t *)&r, sizeof(r));
		c->soft_bytes = k.hard_bytes * 8 / 10 +
				(uint64_t)r % (k.hard_bytes / 10 + 1);
	}
	k.soft_bytes = c->soft_bytes;
	/* a NAT between us (2.23): ESP in UDP on the ports IKE uses now,
	 * the NAT-T ones (RFC 3948); without a NAT, plain ESP even when
	 * IKE moved to 4500 (strongSwan's MOBIKE does) */
	if ((sa->nat_local || sa->nat_remote) && sa->sock->natt) {
		k.encap_sport = net_port(&k.src);
		k.encap_dport = net_port(&k.dst);
	}
	return k;
}

static int install_out(struct iked *d, struct iked_sa *sa, struct child_sa *c,
		       const struct ike_blob *ekey, const struct ike_blob *akey)
{
	struct kernel_sa out = kernel_sa_of(sa, c, KERNEL_OUT);
	int r;

	out.ekey = *ekey;
	out.akey = *akey;
	r = d->kops->add_sa(d->kctx, &out);
	c->out_installed = !r;
	return r;
}

int child_install(struct iked *d, struct iked_sa *sa, struct child_sa *c,
		  int we_init, const struct ike_blob *ni,
		  const struct ike_blob *nr, const struct ike_blob *gir,
		  int out_now)
{
	struct ike_child_keys k = { 0 };
	size_t el = ike_encr_keylen(c->alg.encr, c->alg.encr_bits);
	size_t il = c->alg.integ ? ike_integ_keylen(c->alg.integ) : 0;
	struct kernel_sa in = kernel_sa_of(sa, c, KERNEL_IN);
	char alg[100], lt[512], rt[512];
	int r;

	r = ike_child_keys_derive(&k, sa->alg.prf, &sa->keys.d, gir, ni, nr,
				  el, il);
	if (r) {
		log_err("peer %s: CHILD SA keys: %s", sa->peer->name,
			strerror(-r));
		return r;
	}
	/* 2.17: the exchange initiator's outbound keys come first */
	in.ekey = we_init ? k.er : k.ei;
	in.akey = we_init ? k.ar : k.ai;
	r = d->kops->add_sa(d->kctx, &in);
	if (!r) {
		c->in_installed = 1;
		if (out_now) {
			r = install_out(d, sa, c, we_init ? &k.ei : &k.er,
					we_init ? &k.ai : &k.ar);
		} else {
			/* kept until the old SA goes: CHILD_HALF */
			c->out_keys = k;
			memset(&k, 0, sizeof(k));
		}
	}
	ike_child_keys_free(&k);
	if (r) {
		log_err("peer %s: kernel backend %s refused the CHILD SA (%s)",
			sa->peer->name, d->kops->name, strerror(-r));
		return r;
	}
	c->state = out_now ? CHILD_INSTALLED : CHILD_HALF;
	c->installed_ms = iked_now_ms();
	pol_choice_name(&c->alg, alg, sizeof(alg));
	pol_ts_str(&c->ts_local, lt, sizeof(lt));
	pol_ts_str(&c->ts_remote, rt, sizeof(rt));
	log_info("peer %s: CHILD SA %s, SPIs %08x in %08x out, %s, %s === %s%s",
		 sa->peer->name, c->replaces ? "rekeyed" : "established",
		 c->spi_in, c->spi_out, alg, lt, rt,
		 out_now ? "" : " (outbound once the old SA is deleted)");
	return 0;
}

/* The HALF SA that replaces old gets its outbound SA: old is gone. */
static void half_complete(struct iked *d, struct iked_sa *sa, uint32_t old)
{
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++) {
		struct child_sa *c = &sa->child[i];

		if (c->state != CHILD_HALF || c->replaces != old ||
		    c->redundant)
			continue;
		/* a HALF SA is one we answered: the responder's keys */
		install_out(d, sa, c, &c->out_keys.er, &c->out_keys.ar);
		ike_child_keys_free(&c->out_keys);
		if (!c->out_installed) {
			log_err("peer %s: kernel backend %s refused the outbound SA %08x of the rekeyed CHILD SA",
				sa->peer->name, d->kops->name, c->spi_out);
			c->state = CHILD_OLD;	/* delete it: it cannot send */
			continue;
		}
		c->state = CHILD_INSTALLED;
		c->replaces = 0;
		child_schedule(sa, c, iked_now_ms());
		log_info("peer %s: CHILD SA %08x/%08x now sends (the old SA %08x is gone)",
			 sa->peer->name, c->spi_in, c->spi_out, old);
	}
}

void child_release(struct iked *d, struct iked_sa *sa, struct child_sa *c)
{
	uint32_t old = c->spi_in;
	int was_up = c->state == CHILD_INSTALLED || c->state == CHILD_OLD ||
		     c->state == CHILD_DELETING;

	if (c->spi_in && d->kops->del_sa)
		d->kops->del_sa(d->kctx, &sa->local, IKEV2_PROTO_ESP,
				c->spi_in);
	if (c->out_installed && d->kops->del_sa)
		d->kops->del_sa(d->kctx, &sa->remote, IKEV2_PROTO_ESP,
				c->spi_out);
	ike_child_keys_free(&c->out_keys);
	ike_dh_free(c->dh);
	OPENSSL_cleanse(c, sizeof(*c));
	c->state = CHILD_FREE;
	if (was_up && old && !d->shutting_down)
		half_complete(d, sa, old);
}

void child_release_all(struct iked *d, struct iked_sa *sa)
{
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++)
		if (sa->child[i].state != CHILD_FREE) {
			/* no HALF is completed while the rest goes */
			sa->child[i].state = CHILD_FREE;
			child_release(d, sa, &sa->child[i]);
		}
}

void child_schedule(struct iked_sa *sa, struct child_sa *c, uint64_t now)
{
	uint64_t life = sa->peer->esp_life_s * 1000ULL;
	uint32_t r = 0;

	if (!life) {
		c->rekey_at = c->expire_at = 0;
		return;
	}
	/*
	 * Rekey at 80..90 % of the lifetime, at random, so that two peers
	 * with the same lifetime seldom collide; delete at 100 %.
	 */
	RAND_bytes((uint8_t *)&r, sizeof(r));
	c->rekey_at = now + life * 8 / 10 + (uint64_t)r % (life / 10 + 1);
	c->expire_at = now + life;
}

/* ---- rekeying, as initiator ---- */

static int rekey_start(struct iked *d, struct iked_sa *sa, struct child_sa *x)
{
	static struct ike_sa offer;	/* large: not on the stack */
	struct ike_notify rk = { .type = IKEV2_N_REKEY_SA,
				 .proto = IKEV2_PROTO_ESP, .spi_size = 4 };
	uint8_t plain[IKED_MSG_MAX], kev[1024];
	struct child_sa *n = child_alloc(sa);
	uint16_t group = x->pfs_retry ? x->pfs_retry :
			 pol_first_dh(&sa->peer->esp);
	struct ike_wbuf w;
	int r;

	if (!n) {
		log_err("peer %s: no room for a new CHILD SA to rekey %08x",
			sa->peer->name, x->spi_in);
		x->rekey_at = iked_retry_at(REKEY_RETRY_MS);
		return 0;
	}
	r = d->kops->get_spi(d->kctx, &sa->remote, &sa->local,
			     IKEV2_PROTO_ESP, &n->spi_in);
	n->nonce_len = IKED_NONCE_LEN;
	if (r || RAND_bytes(n->nonce, n->nonce_len) != 1) {
		log_err("peer %s: kernel backend %s: no SPI to rekey %08x (%s)",
			sa->peer->name, d->kops->name, x->spi_in,
			strerror(r ? -r : EIO));
		n->spi_in = 0;
		x->rekey_at = iked_retry_at(REKEY_RETRY_MS);
		return 0;
	}
	x->pfs_retry = 0;
	n->state = CHILD_OFFERED;
	if (group && (ike_dh_new(&n->dh, group, IKE_DH_ALLOW_WEAK) ||
		      ike_dh_public(n->dh, kev, sizeof(kev)))) {
		log_err("peer %s: no DH key (%s) to rekey %08x",
			sa->peer->name, pol_dh_name(group), x->spi_in);
		child_release(d, sa, n);
		x->rekey_at = iked_retry_at(REKEY_RETRY_MS);
		return 0;
	}
	n->dh_group = group;
	n->replaces = x->spi_in;
	n->ts_local = x->ts_local;
	n->ts_remote = x->ts_remote;
	x->rekeying = 1;
	spi_put(rk.spi, x->spi_in);
	ike_wbuf_init(&w, plain, sizeof(plain));
	ike_build_notify(&w, &rk);
	ikev2_esp_offer(sa, n->spi_in, 1, &offer);
	ike_build_sa(&w, &offer);
	ike_build_nonce(&w, n->nonce, n->nonce_len);
	if (group) {
		struct ike_ke k = { .group = group };

		k.data.p = kev;
		k.data.len = ike_dh_group(group)->publen;
		ike_build_ke(&w, &k);
	}
	ike_build_ts(&w, IKEV2_PL_TSI, &x->ts_local);
	ike_build_ts(&w, IKEV2_PL_TSR, &x->ts_remote);
	log_info("peer %s: rekeying CHILD SA %08x/%08x (new inbound SPI %08x%s%s)",
		 sa->peer->name, x->spi_in, x->spi_out, n->spi_in,
		 group ? ", PFS " : "", group ? pol_dh_name(group) : "");
	r = msg_send_request(d, sa, IKEV2_EXCH_CREATE_CHILD_SA, &w);
	OPENSSL_cleanse(plain, sizeof(plain));
	if (r) {
		x->rekeying = 0;
		x->rekey_at = iked_retry_at(REKEY_RETRY_MS);
		child_release(d, sa, n);
		return 0;
	}
	return 1;
}

/* Our rekey did not happen: the new SPI goes, the old SA stays. */
static void rekey_abandon(struct iked *d, struct iked_sa *sa,
			  struct child_sa *n, struct child_sa *x)
{
	child_release(d, sa, n);
	if (x) {
		x->rekeying = 0;
		x->rekey_at = iked_retry_at(REKEY_RETRY_MS);
	}
}

void child_create_response(struct iked *d, struct iked_sa *sa,
			   struct ike_msg *m)
{
	struct child_sa *n = child_by_state(sa, CHILD_OFFERED);
	struct child_sa *x = n ? child_by_spi_in(sa, n->replaces) : NULL;
	const struct ike_pld *no = ike_msg_find(m, IKEV2_PL_NONCE, 0);
	struct ike_chunk gir = { 0 };
	struct ike_blob ni, nr, g = { 0 };
	uint8_t my_min[IKED_NONCE_CMP];
	size_t my_min_len;
	char a[1024];
	const struct ike_notify *err;
	int r;

	if (!n)
		return;
	err = ike_msg_error(m);
	if (err) {
		uint16_t t = err->type;

		if (t == IKEV2_N_INVALID_KE_PAYLOAD && x &&
		    err->data.len == 2) {
			uint16_t g = err->data.p[0] << 8 | err->data.p[1];

			if (pol_has_dh(&sa->peer->esp, g) &&
			    g != n->dh_group) {
				log_info("peer %s: the rekey of CHILD SA %08x: INVALID_KE_PAYLOAD: it wants %s instead of %s; retrying with it",
					 sa->peer->name, x->spi_in,
					 pol_dh_name(g),
					 pol_dh_name(n->dh_group));
				child_release(d, sa, n);
				x->rekeying = 0;
				x->pfs_retry = g;
				x->rekey_at = iked_now_ms();
				return;
			}
		}
		if (t == IKEV2_N_CHILD_SA_NOT_FOUND && x) {
			log_err("peer %s (%s): CHILD_SA_NOT_FOUND: the peer has no CHILD SA %08x/%08x any more: removing ours",
				sa->peer->name, ikev2_peer_addr(sa),
				x->spi_in, x->spi_out);
			child_release(d, sa, n);
			child_release(d, sa, x);
			return;
		}
		log_err("peer %s (%s): the rekey of CHILD SA %08x was refused with %s (%u); trying again in %u..%u s",
			sa->peer->name, ikev2_peer_addr(sa), n->replaces,
			ikev2_notify_name(t), t, REKEY_RETRY_MS / 2000,
			REKEY_RETRY_MS * 3 / 2000);
		rekey_abandon(d, sa, n, x);
		return;
	}
	if (!no || !(m->seen & (1ull << (IKEV2_PL_SA - IKEV2_PL_SA))) ||
	    !(m->seen & (1ull << (IKEV2_PL_TSI - IKEV2_PL_SA))) ||
	    !(m->seen & (1ull << (IKEV2_PL_TSR - IKEV2_PL_SA)))) {
		log_err("peer %s (%s): CREATE_CHILD_SA response without SA, Nonce or selectors and without saying why",
			sa->peer->name, ikev2_peer_addr(sa));
		rekey_abandon(d, sa, n, x);
		return;
	}
	if (m->sa.n_props != 1 ||
	    pol_select(&sa->peer->esp, &m->sa, IKEV2_PROTO_ESP, 0, &n->alg)) {
		pol_prop_str(&m->sa, a, sizeof(a));
		log_err("peer %s (%s): the peer chose ESP %s for the rekey, which we did not offer",
			sa->peer->name, ikev2_peer_addr(sa), a);
		rekey_abandon(d, sa, n, x);
		return;
	}
	if (!pol_ts_subset(&m->tsi, &sa->peer->local_ts) ||
	    !pol_ts_subset(&m->tsr, &sa->peer->remote_ts)) {
		log_err("peer %s (%s): TS_UNACCEPTABLE: the peer answered the rekey with selectors wider than our local_ts/remote_ts",
			sa->peer->name, ikev2_peer_addr(sa));
		rekey_abandon(d, sa, n, x);
		return;
	}
	if (n->alg.dh != n->dh_group) {
		log_err("peer %s (%s): the peer chose %s for the rekey's PFS, we sent KE %s",
			sa->peer->name, ikev2_peer_addr(sa),
			n->alg.dh ? pol_dh_name(n->alg.dh) : "none",
			n->dh_group ? pol_dh_name(n->dh_group) : "none");
		rekey_abandon(d, sa, n, x);
		return;
	}
	if (n->dh_group) {
		const struct ike_pld *ke = ike_msg_find(m, IKEV2_PL_KE, 0);

		if (!ke || ke->u.ke.group != n->dh_group ||
		    ike_dh_derive(n->dh, ke->u.ke.data.p, ke->u.ke.data.len,
				  &gir)) {
			d->st.drop[DROP_KE]++;
			log_err("peer %s (%s): the rekey's answer has no valid KE for %s",
				sa->peer->name, ikev2_peer_addr(sa),
				pol_dh_name(n->dh_group));
			ike_chunk_free(&gir);
			rekey_abandon(d, sa, n, x);
			return;
		}
		g = (struct ike_blob){ gir.p, gir.len };
	}
	ike_dh_free(n->dh);
	n->dh = NULL;
	n->spi_out = ikev2_spi32(n->alg.spi);
	n->ts_local = m->tsi;
	n->ts_remote = m->tsr;
	ni = (struct ike_blob){ n->nonce, n->nonce_len };
	nr = no->u.nonce;
	r = child_install(d, sa, n, 1, &ni, &nr, n->dh_group ? &g : NULL, 1);
	ike_chunk_free(&gir);
	if (r) {
		rekey_abandon(d, sa, n, x);
		return;
	}
	sa->n_rekeys++;
	n->replaces = 0;
	child_schedule(sa, n, iked_now_ms());
	if (!x)		/* gone while we rekeyed (the peer deleted it) */
		return;
	x->rekeying = 0;
	x->rekey_at = 0;
	nonce_min(&ni, &nr, my_min, &my_min_len);
	if (x->peer_min_len &&
	    nonce_cmp(my_min, my_min_len, x->peer_min, x->peer_min_len) < 0) {
		/* 2.8.1: ours has the lowest nonce: ours goes, the peer's
		 * stays, and the peer deletes the old one */
		log_info("peer %s: rekey collision on CHILD SA %08x: ours (%08x) has the lowest nonce and goes; the peer's (%08x) stays",
			 sa->peer->name, x->spi_in, n->spi_in, x->peer_new);
		n->state = CHILD_OLD;
		return;
	}
	if (x->peer_min_len) {
		struct child_sa *p = child_by_spi_in(sa, x->peer_new);

		log_info("peer %s: rekey collision on CHILD SA %08x: the peer's (%08x) has the lowest nonce and goes; ours (%08x) stays",
			 sa->peer->name, x->spi_in, x->peer_new, n->spi_in);
		if (p)
			p->redundant = 1;
	}
	x->state = CHILD_OLD;
}

/* ---- rekeying, as responder ---- */

static void create_error(struct iked *d, struct iked_sa *sa,
			 struct ike_msg *m, uint16_t type, const uint8_t *spi)
{
	struct ike_notify nt = { .type = type };
	uint8_t plain[256];
	struct ike_wbuf w;

	if (spi) {
		nt.proto = IKEV2_PROTO_ESP;
		nt.spi_size = 4;
		memcpy(nt.spi, spi, 4);
	}
	ike_wbuf_init(&w, plain, sizeof(plain));
	ike_build_notify(&w, &nt);
	msg_send_response(d, sa, IKEV2_EXCH_CREATE_CHILD_SA, m->hdr.msgid, &w);
}

void child_create_recv(struct iked *d, struct iked_sa *sa, struct ike_msg *m)
{
	static struct ike_sa chosen;
	const struct ike_notify *rk = ike_msg_notify(m, IKEV2_N_REKEY_SA);
	const struct ike_pld *no = ike_msg_find(m, IKEV2_PL_NONCE, 0);
	uint8_t plain[IKED_MSG_MAX], nrv[IKED_NONCE_LEN], kev[1024];
	const struct ike_pld *ke = ike_msg_find(m, IKEV2_PL_KE, 0);
	struct ike_chunk gir = { 0 };
	struct ike_ts_pld tsi, tsr;
	struct child_sa *x, *n;
	struct ike_blob ni, nr, g = { 0 };
	struct ike_wbuf w;
	char a[1024], b[1024];
	int r;

	if (!rk && m->sa.n_props && m->sa.prop[0].proto == IKEV2_PROTO_IKE) {
		log_info("peer %s: CREATE_CHILD_SA rekeying the IKE SA is not done yet: answered NO_ADDITIONAL_SAS",
			 sa->peer->name);
		create_error(d, sa, m, IKEV2_N_NO_ADDITIONAL_SAS, NULL);
		return;
	}
	if (!rk) {
		/*
		 * One traffic selector set per entry: a new CHILD SA only
		 * when the IKE SA has none (the peer deleted it, e.g. at its
		 * hard lifetime, and negotiates it again).
		 */
		if (child_by_state(sa, CHILD_INSTALLED) ||
		    child_by_state(sa, CHILD_HALF) ||
		    child_by_state(sa, CHILD_OFFERED)) {
			log_info("peer %s: CREATE_CHILD_SA for a second CHILD SA: one per peer; answered NO_ADDITIONAL_SAS",
				 sa->peer->name);
			create_error(d, sa, m, IKEV2_N_NO_ADDITIONAL_SAS, NULL);
			return;
		}
		x = NULL;
	} else if (rk->proto != IKEV2_PROTO_ESP || rk->spi_size != 4) {
		log_info("peer %s: REKEY_SA for protocol %u: answered CHILD_SA_NOT_FOUND",
			 sa->peer->name, rk->proto);
		create_error(d, sa, m, IKEV2_N_CHILD_SA_NOT_FOUND, NULL);
		return;
	} else {
		x = child_by_spi_out(sa, ikev2_spi32(rk->spi));
	}
	if (rk && (!x || x->state == CHILD_HALF)) {
		log_info("peer %s: REKEY_SA for %08x, which is not a CHILD SA of ours: answered CHILD_SA_NOT_FOUND",
			 sa->peer->name, ikev2_spi32(rk->spi));
		create_error(d, sa, m, IKEV2_N_CHILD_SA_NOT_FOUND, rk->spi);
		return;
	}
	if (x && x->state != CHILD_INSTALLED) {
		log_info("peer %s: REKEY_SA for %08x, which we are deleting: answered TEMPORARY_FAILURE",
			 sa->peer->name, x->spi_out);
		create_error(d, sa, m, IKEV2_N_TEMPORARY_FAILURE, NULL);
		return;
	}
	if (!no || !(m->seen & (1ull << (IKEV2_PL_SA - IKEV2_PL_SA))) ||
	    !(m->seen & (1ull << (IKEV2_PL_TSI - IKEV2_PL_SA))) ||
	    !(m->seen & (1ull << (IKEV2_PL_TSR - IKEV2_PL_SA)))) {
		d->st.drop[DROP_MISSING]++;
		log_err("peer %s (%s): CREATE_CHILD_SA without SA, Nonce or selectors: answered INVALID_SYNTAX",
			sa->peer->name, ikev2_peer_addr(sa));
		create_error(d, sa, m, IKEV2_N_INVALID_SYNTAX, NULL);
		return;
	}
	n = child_alloc(sa);
	if (!n) {
		log_err("peer %s: no room for another CHILD SA: answered TEMPORARY_FAILURE",
			sa->peer->name);
		create_error(d, sa, m, IKEV2_N_TEMPORARY_FAILURE, NULL);
		return;
	}
	if (pol_select(&sa->peer->esp, &m->sa, IKEV2_PROTO_ESP, 0, &n->alg)) {
		pol_prop_str(&m->sa, a, sizeof(a));
		pol_prop_str(&sa->peer->esp, b, sizeof(b));
		log_err("peer %s (%s): NO_PROPOSAL_CHOSEN for the %s CHILD SA: received %s; configured %s",
			sa->peer->name, ikev2_peer_addr(sa),
			x ? "rekeyed" : "new", a, b);
		create_error(d, sa, m, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL);
		return;
	}
	if (!pol_ts_narrow(&sa->peer->remote_ts, &m->tsi, &tsi) ||
	    !pol_ts_narrow(&sa->peer->local_ts, &m->tsr, &tsr)) {
		pol_ts_str(&m->tsi, a, sizeof(a));
		pol_ts_str(&m->tsr, b, sizeof(b));
		log_err("peer %s (%s): TS_UNACCEPTABLE for the %s CHILD SA: received TSi %s, TSr %s",
			sa->peer->name, ikev2_peer_addr(sa),
			x ? "rekeyed" : "new", a, b);
		create_error(d, sa, m, IKEV2_N_TS_UNACCEPTABLE, NULL);
		return;
	}
	if (n->alg.dh && (!ke || ke->u.ke.group != n->alg.dh)) {
		uint8_t gr[2] = { n->alg.dh >> 8, n->alg.dh & 0xff };
		struct ike_notify nt = { .type = IKEV2_N_INVALID_KE_PAYLOAD };

		log_info("peer %s (%s): PFS: its KE is for %s, we chose %s: answered INVALID_KE_PAYLOAD",
			 sa->peer->name, ikev2_peer_addr(sa),
			 ke ? pol_dh_name(ke->u.ke.group) : "none",
			 pol_dh_name(n->alg.dh));
		n->state = CHILD_FREE;
		nt.data.p = gr;
		nt.data.len = 2;
		ike_wbuf_init(&w, plain, sizeof(plain));
		ike_build_notify(&w, &nt);
		msg_send_response(d, sa, IKEV2_EXCH_CREATE_CHILD_SA,
				  m->hdr.msgid, &w);
		return;
	}
	if (n->alg.dh) {
		r = ike_dh_new(&n->dh, n->alg.dh, IKE_DH_ALLOW_WEAK);
		if (!r)
			r = ike_dh_public(n->dh, kev, sizeof(kev));
		if (!r)
			r = ike_dh_derive(n->dh, ke->u.ke.data.p,
					  ke->u.ke.data.len, &gir);
		ike_dh_free(n->dh);
		n->dh = NULL;
		if (r) {
			d->st.drop[DROP_KE]++;
			log_err("peer %s (%s): PFS: its KE value for %s is invalid (%s): answered INVALID_SYNTAX",
				sa->peer->name, ikev2_peer_addr(sa),
				pol_dh_name(n->alg.dh), strerror(-r));
			ike_chunk_free(&gir);
			n->state = CHILD_FREE;
			create_error(d, sa, m, IKEV2_N_INVALID_SYNTAX, NULL);
			return;
		}
		g = (struct ike_blob){ gir.p, gir.len };
	}
	n->spi_out = ikev2_spi32(n->alg.spi);
	n->ts_local = tsr;
	n->ts_remote = tsi;
	n->replaces = x ? x->spi_in : 0;
	ni = no->u.nonce;
	nr = (struct ike_blob){ nrv, sizeof(nrv) };
	r = RAND_bytes(nrv, sizeof(nrv)) != 1 ||
	    d->kops->get_spi(d->kctx, &sa->remote, &sa->local,
			     IKEV2_PROTO_ESP, &n->spi_in) ||
	    child_install(d, sa, n, 0, &ni, &nr, n->alg.dh ? &g : NULL, !x);
	ike_chunk_free(&gir);
	if (r) {
		child_release(d, sa, n);
		create_error(d, sa, m, IKEV2_N_TEMPORARY_FAILURE, NULL);
		return;
	}
	if (!x) {
		child_schedule(sa, n, iked_now_ms());
	} else {
		sa->n_rekeys++;
		x->rekey_at = 0;	/* the peer has rekeyed it */
	}
	if (x && x->rekeying) {
		/* 2.8.1: ours is out too; decided when its answer comes */
		nonce_min(&ni, &nr, x->peer_min, &x->peer_min_len);
		x->peer_new = n->spi_in;
	}
	n->alg.spi_size = 4;
	spi_put(n->alg.spi, n->spi_in);
	pol_choice_sa(&n->alg, &chosen);
	ike_wbuf_init(&w, plain, sizeof(plain));
	ike_build_sa(&w, &chosen);
	ike_build_nonce(&w, nrv, sizeof(nrv));
	if (n->alg.dh) {
		struct ike_ke k = { .group = n->alg.dh };

		k.data.p = kev;
		k.data.len = ike_dh_group(n->alg.dh)->publen;
		ike_build_ke(&w, &k);
	}
	ike_build_ts(&w, IKEV2_PL_TSI, &tsi);
	ike_build_ts(&w, IKEV2_PL_TSR, &tsr);
	msg_send_response(d, sa, IKEV2_EXCH_CREATE_CHILD_SA, m->hdr.msgid, &w);
	OPENSSL_cleanse(plain, sizeof(plain));
}

/* ---- deleting ---- */

unsigned int child_delete_recv(struct iked *d, struct iked_sa *sa,
			       const struct ike_delete *del, uint8_t *spis,
			       unsigned int max)
{
	unsigned int j, n = 0;

	for (j = 0; j < del->n_spi && del->spi_size == 4; j++) {
		uint32_t s = ikev2_spi32(del->spis.p + 4 * j);
		struct child_sa *c = child_by_spi_out(sa, s);

		if (!c)
			continue;
		log_info("peer %s: the peer deleted the CHILD SA %08x/%08x",
			 sa->peer->name, c->spi_in, s);
		if (c->state == CHILD_DELETING) {
			/* 1.4.1: both deleted it at once: the outbound SA
			 * goes now, the inbound one with our answer */
			if (c->out_installed && d->kops->del_sa)
				d->kops->del_sa(d->kctx, &sa->remote,
						IKEV2_PROTO_ESP, c->spi_out);
			c->out_installed = 0;
			continue;
		}
		if (n < max) {
			spi_put(spis + 4 * n, c->spi_in);
			n++;
		}
		child_release(d, sa, c);
	}
	return n;
}

void child_delete_response(struct iked *d, struct iked_sa *sa)
{
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++)
		if (sa->child[i].state == CHILD_DELETING)
			child_release(d, sa, &sa->child[i]);
}

static int delete_send(struct iked *d, struct iked_sa *sa)
{
	uint8_t plain[256], spis[4 * IKED_CHILD_MAX];
	struct ike_delete del = { .proto = IKEV2_PROTO_ESP, .spi_size = 4 };
	struct ike_wbuf w;
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++) {
		struct child_sa *c = &sa->child[i];

		if (c->state != CHILD_OLD)
			continue;
		spi_put(spis + 4 * del.n_spi++, c->spi_in);
		c->state = CHILD_DELETING;
		log_info("peer %s: deleting CHILD SA %08x/%08x",
			 sa->peer->name, c->spi_in, c->spi_out);
	}
	if (!del.n_spi)
		return 0;
	del.spis.p = spis;
	del.spis.len = 4 * del.n_spi;
	ike_wbuf_init(&w, plain, sizeof(plain));
	ike_build_delete(&w, &del);
	if (msg_send_request(d, sa, IKEV2_EXCH_INFORMATIONAL, &w)) {
		/* cannot tell the peer: remove ours all the same */
		child_delete_response(d, sa);
		return 0;
	}
	return 1;
}

int child_timers(struct iked *d, struct iked_sa *sa, uint64_t now,
		 uint64_t *next)
{
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++) {
		struct child_sa *c = &sa->child[i];

		if (c->state != CHILD_INSTALLED || c->rekeying)
			continue;
		if (c->expire_at && now >= c->expire_at) {
			log_err("peer %s: CHILD SA %08x/%08x reached its lifetime (%u s) without being rekeyed: deleting it",
				sa->peer->name, c->spi_in, c->spi_out,
				sa->peer->esp_life_s);
			c->state = CHILD_OLD;
		}
	}
	if (delete_send(d, sa))
		return 1;
	for (i = 0; i < IKED_CHILD_MAX; i++) {
		struct child_sa *c = &sa->child[i];

		if (c->state != CHILD_INSTALLED || c->rekeying ||
		    !c->rekey_at)
			continue;
		if (now >= c->rekey_at && rekey_start(d, sa, c))
			return 1;
		if (c->rekey_at < *next)
			*next = c->rekey_at;
		if (c->expire_at && c->expire_at < *next)
			*next = c->expire_at;
	}
	return 0;
}

void child_nat_moved(struct iked_sa *sa)
{
	uint64_t now = iked_now_ms();
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++) {
		struct child_sa *c = &sa->child[i];

		if (c->state != CHILD_INSTALLED || c->rekeying)
			continue;
		log_info("peer %s (%s): the NAT moved the peer: CHILD SA %08x/%08x still sends ESP in UDP to the old port; rekeying it now",
			 sa->peer->name, ikev2_peer_addr(sa), c->spi_in,
			 c->spi_out);
		c->rekey_at = now;
	}
}

int child_expired(struct iked *d, struct iked_sa *sa, uint32_t spi,
		  int outbound, int hard, const char *what)
{
	unsigned int i;

	for (i = 0; i < IKED_CHILD_MAX; i++) {
		struct child_sa *c = &sa->child[i];

		if (c->state == CHILD_FREE ||
		    (outbound ? !c->out_installed || c->spi_out != spi :
				!c->in_installed || c->spi_in != spi))
			continue;
		if (!hard) {
			if (c->state == CHILD_INSTALLED && !c->rekeying) {
				log_info("peer %s: CHILD SA %08x reached its soft %s limit: rekeying",
					 sa->peer->name, spi, what);
				c->rekey_at = iked_now_ms();
			}
			return 1;
		}
		if (c->state == CHILD_INSTALLED) {
			log_info("peer %s: CHILD SA %08x expired in the kernel (hard %s limit): deleting the IKE SA to negotiate again",
				 sa->peer->name, spi, what);
			ikev2_delete(d, sa, "CHILD SA expired");
			return 1;
		}
		log_info("peer %s: CHILD SA %08x, already replaced, expired in the kernel (hard %s limit)",
			 sa->peer->name, spi, what);
		child_release(d, sa, c);
		return 1;
	}
	return 0;
}
