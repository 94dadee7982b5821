// SPDX-License-Identifier: GPL-2.0
/*
 * The vgate kernel backend (--kernel=vgate, the default): CHILD SAs into
 * vgate.ko's SAD of the daemon's network namespace, through libvgate
 * (lib/, the only C code that speaks vgate's generic netlink family).
 *
 * Each SA is ESP in tunnel mode with REQID = the peer's `protect` entry
 * (a PROTECT rule without SPI_OUT/SPI_IN): the kernel sends that entry's
 * traffic through the newest SA carrying its ID, and accepts inbound
 * traffic for it only through such an SA (include/uapi/linux/vgate.h,
 * "Bundles").  Algorithms: the IKEv2 transform IDs of the negotiated
 * proposal mapped to vgate's enums below; any other is refused with a log
 * line naming it.  The replay window is vgate's replay_window knob (the
 * administrator's, `vgate ipsec replayWindow`); no lifetime is set (the
 * daemon negotiates none yet: rekeying is not written).
 *
 * Keys: copied into a struct vg_sa for the request and wiped with
 * OPENSSL_cleanse() once it is sent (libvgate wipes the netlink message
 * itself, handle.h); never logged.  The report lines are kernel.c's, with
 * a one-way check value instead of the keys.
 *
 *   SA add ... (kernel.c's line)
 *   SA del peer=NAME dir=in|out spi=HEX
 *   SA list ... packets_in=N packets_out=N bytes_in=N bytes_out=N (dump)
 */
#include <errno.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include <libvgate.h>

#include "ikev2.h"
#include "kernel_vgate.h"
#include "log.h"
#include "policy.h"

/* An SPI reserved by get_spi (used 0) or an SA installed (used 1). */
struct vgk_sa {
	struct vgk_sa *next;
	int used;
	struct kernel_rec r;		/* spi, dir, dst: also when reserved */
};

struct vgk_ctx {
	FILE *report;
	struct vg_handle *h;
	struct vg_events *ev;		/* ACQUIRE and SA_EXPIRE; NULL: none */
	struct vgk_sa *sas;
};

#define VGK_SPI_TRIES 32

static void addr_to_vg(const struct sockaddr_storage *ss, struct vg_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = ss->ss_family;
	if (ss->ss_family == AF_INET6) {
		a->len = 16;
		memcpy(a->a, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	} else {
		a->len = 4;
		memcpy(a->a, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	}
}

static int same_addr(const struct sockaddr_storage *x,
		     const struct sockaddr_storage *y)
{
	struct vg_addr a, b;

	addr_to_vg(x, &a);
	addr_to_vg(y, &b);
	return a.family == b.family && !memcmp(a.a, b.a, a.len);
}

static struct vgk_sa *find(struct vgk_ctx *c, uint32_t spi,
			   const struct sockaddr_storage *dst)
{
	struct vgk_sa *s;

	for (s = c->sas; s; s = s->next)
		if (s->r.spi == spi && same_addr(&s->r.dst, dst))
			return s;
	return NULL;
}

/* The kernel's reason, for a log line: extack message and attribute. */
static const char *why(struct vgk_ctx *c, int err, char *buf, size_t len)
{
	const struct vg_error *e = vg_error(c->h);

	if (e->kind == VG_ERR_KERNEL && e->msg[0])
		snprintf(buf, len, "%s (%s%s%s)", strerror(-err), e->msg,
			 e->attr[0] ? ", at " : "", e->attr);
	else if (e->kind == VG_ERR_NOFAMILY)
		snprintf(buf, len, "vgate.ko is not loaded (no generic netlink family \"vgate\")");
	else
		snprintf(buf, len, "%s", strerror(-err));
	return buf;
}

static int vgk_init(void **ctx, FILE *report)
{
	struct vgk_ctx *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->report = report;
	c->h = vg_open();
	if (!c->h) {
		log_err("kernel backend vgate: no generic netlink socket");
		free(c);
		return -ENOMEM;
	}
	r = vg_family_present(c->h, &vg_family_vgate);
	if (r <= 0) {
		log_err("kernel backend vgate: %s; load it (modprobe vgate) or choose --kernel=null (nothing installed, for tests)",
			r ? "the generic netlink family \"vgate\" cannot be looked up" :
			    "vgate.ko is not loaded (no generic netlink family \"vgate\")");
		vg_close(c->h);
		free(c);
		return r ? r : -ENOENT;
	}
	c->ev = vg_events_open(&r);
	if (!c->ev)
		log_err("kernel backend vgate: cannot join vgate's \"events\" group (%s): no negotiation on traffic (ACQUIRE), SA expiry unseen",
			strerror(-r));
	*ctx = c;
	return 0;
}

static int vgk_event_fd(void *ctx)
{
	struct vgk_ctx *c = ctx;

	return c->ev ? vg_events_fd(c->ev) : -1;
}

static const char *limit_name(uint8_t l)
{
	switch (l) {
	case VGATE_EXPIRE_BYTES: return "bytes";
	case VGATE_EXPIRE_PACKETS: return "packets";
	case VGATE_EXPIRE_SECONDS: return "seconds";
	case VGATE_EXPIRE_SEQ: return "sequence number";
	}
	return "?";
}

static int vgk_event_next(void *ctx, struct kernel_event *ev)
{
	struct vgk_ctx *c = ctx;
	struct vg_event e;
	int r;

	if (!c->ev)
		return 0;
	for (;;) {
		r = vg_events_next(c->ev, &e);
		if (r == -EPROTO)
			continue;		/* malformed: skipped */
		if (r == -ENOBUFS) {
			/* an entry still without SA asks again after
			 * acquire_timeout; an expired SA shows at its use */
			log_err("kernel backend vgate: events lost (socket buffer full)");
			continue;
		}
		if (r <= 0)
			return 0;
		memset(ev, 0, sizeof(*ev));
		if (e.cmd == VGATE_CMD_ACQUIRE) {
			ev->type = KERNEL_EV_ACQUIRE;
			ev->reqid = e.acquire.rule.id;
			return 1;
		}
		if (e.cmd == VGATE_CMD_SA_EXPIRE &&
		    e.expire.proto == IPPROTO_ESP) {
			ev->type = KERNEL_EV_EXPIRE;
			ev->spi = e.expire.spi;
			ev->hard = e.expire.expire_hard;
			snprintf(ev->what, sizeof(ev->what), "%s",
				 limit_name(e.expire.expire_limit));
			if (e.expire.dst.family == AF_INET6) {
				struct sockaddr_in6 *a = (void *)&ev->dst;

				a->sin6_family = AF_INET6;
				memcpy(&a->sin6_addr, e.expire.dst.a, 16);
			} else {
				struct sockaddr_in *a = (void *)&ev->dst;

				a->sin_family = AF_INET;
				memcpy(&a->sin_addr, e.expire.dst.a, 4);
			}
			return 1;
		}
	}
}

/*
 * A random SPI of 256 or more that no SA of the namespace holds for dst
 * (SA_GET answers -ENOENT) and that this daemon has not handed out.
 *
 * The race left: vgate.ko has no larval SA (XFRM's ALLOCSPI), so nothing
 * reserves the SPI in the kernel between this check and add_sa; another
 * keying daemon or a manual `vgate ipsec sa add` of this namespace may
 * take it meanwhile.  add_sa then gets -EEXIST and the CHILD SA fails with
 * a log line saying so (a 1 in 2^32 chance per SA for random SPIs).
 */
static int vgk_get_spi(void *ctx, const struct sockaddr_storage *src,
		       const struct sockaddr_storage *dst, uint8_t proto,
		       uint32_t *spi)
{
	struct vgk_ctx *c = ctx;
	struct vg_addr d;
	struct vg_sa cur;
	struct vgk_sa *s;
	uint32_t v;
	int tries, r;
	char b[400];

	(void)src;
	if (proto != IKEV2_PROTO_ESP)
		return -EPROTONOSUPPORT;
	addr_to_vg(dst, &d);
	for (tries = 0; tries < VGK_SPI_TRIES; tries++) {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return -EIO;
		if (v < 256 || find(c, v, dst))	/* 1..255: RFC 4303 2.1 */
			continue;
		r = vg_sa_fetch(c->h, v, &d, IPPROTO_ESP, &cur);
		if (!r)
			continue;		/* held by an SA already */
		if (r != -ENOENT) {
			log_err("kernel backend vgate: SA_GET of SPI %08x: %s",
				v, why(c, r, b, sizeof(b)));
			return r;
		}
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->r.spi = v;
		s->r.dir = KERNEL_IN;
		s->r.dst = *dst;
		s->next = c->sas;
		c->sas = s;
		*spi = v;
		return 0;
	}
	log_err("kernel backend vgate: no free SPI after %d random tries",
		VGK_SPI_TRIES);
	return -ENOSPC;
}

/* IANA's names of the transforms policy.c has no token for (logs). */
static const char *encr_iana(uint16_t id)
{
	switch (id) {
	case IKEV2_ENCR_DES_IV64: return "ENCR_DES_IV64";
	case IKEV2_ENCR_DES: return "ENCR_DES";
	case IKEV2_ENCR_3DES: return "ENCR_3DES";
	case IKEV2_ENCR_NULL: return "ENCR_NULL";
	case IKEV2_ENCR_AES_CBC: return "ENCR_AES_CBC";
	case IKEV2_ENCR_AES_CTR: return "ENCR_AES_CTR";
	case IKEV2_ENCR_AES_CCM_8: return "ENCR_AES_CCM_8";
	case IKEV2_ENCR_AES_CCM_12: return "ENCR_AES_CCM_12";
	case IKEV2_ENCR_AES_CCM_16: return "ENCR_AES_CCM_16";
	case IKEV2_ENCR_AES_GCM_8: return "ENCR_AES_GCM_8";
	case IKEV2_ENCR_AES_GCM_12: return "ENCR_AES_GCM_12";
	case IKEV2_ENCR_AES_GCM_16: return "ENCR_AES_GCM_16";
	case IKEV2_ENCR_NULL_AUTH_AES_GMAC: return "ENCR_NULL_AUTH_AES_GMAC";
	case IKEV2_ENCR_CHACHA20_POLY1305: return "ENCR_CHACHA20_POLY1305";
	}
	return "ENCR_UNKNOWN";
}

static const char *integ_iana(uint16_t id)
{
	switch (id) {
	case IKEV2_INTEG_NONE: return "NONE";
	case IKEV2_INTEG_HMAC_MD5_96: return "AUTH_HMAC_MD5_96";
	case IKEV2_INTEG_HMAC_SHA1_96: return "AUTH_HMAC_SHA1_96";
	case IKEV2_INTEG_AES_XCBC_96: return "AUTH_AES_XCBC_96";
	case IKEV2_INTEG_HMAC_SHA2_256_128: return "AUTH_HMAC_SHA2_256_128";
	case IKEV2_INTEG_HMAC_SHA2_384_192: return "AUTH_HMAC_SHA2_384_192";
	case IKEV2_INTEG_HMAC_SHA2_512_256: return "AUTH_HMAC_SHA2_512_256";
	}
	return "AUTH_UNKNOWN";
}

/*
 * The IKEv2 transforms (RFC 7296 3.3.2) as vgate's enums, with the key
 * lengths vgate.ko takes (include/uapi/linux/vgate.h, "Algorithms"); a log
 * line naming the transform and -EOPNOTSUPP for any other.
 */
static int map_algs(const struct kernel_sa *sa, struct vg_sa *vs)
{
	char name[40];
	int aead = 0;

	switch (sa->encr) {
	case IKEV2_ENCR_AES_CBC:
		vs->enc = VGATE_ENC_AES_CBC;
		break;
	case IKEV2_ENCR_AES_GCM_16:
		vs->enc = VGATE_ENC_AES_GCM_16;
		aead = 1;
		break;
	case IKEV2_ENCR_CHACHA20_POLY1305:
		vs->enc = VGATE_ENC_CHACHA20_POLY1305;
		aead = 1;
		break;
	default:
		vs->enc = 0;
	}
	if (!vs->enc || (sa->encr != IKEV2_ENCR_CHACHA20_POLY1305 &&
			 sa->encr_bits != 128 && sa->encr_bits != 192 &&
			 sa->encr_bits != 256)) {
		log_err("peer %s: kernel backend vgate: ESP encryption transform %s (ID %u) with %u-bit keys is not supported by vgate.ko",
			sa->peer, encr_iana(sa->encr), sa->encr,
			sa->encr_bits);
		return -EOPNOTSUPP;
	}
	switch (sa->integ) {
	case IKEV2_INTEG_NONE:
		vs->auth = VGATE_AUTH_NONE;
		break;
	case IKEV2_INTEG_HMAC_SHA1_96:
		vs->auth = VGATE_AUTH_HMAC_SHA1_96;
		break;
	case IKEV2_INTEG_HMAC_SHA2_256_128:
		vs->auth = VGATE_AUTH_HMAC_SHA256_128;
		break;
	case IKEV2_INTEG_HMAC_SHA2_384_192:
		vs->auth = VGATE_AUTH_HMAC_SHA384_192;
		break;
	case IKEV2_INTEG_HMAC_SHA2_512_256:
		vs->auth = VGATE_AUTH_HMAC_SHA512_256;
		break;
	default:
		log_err("peer %s: kernel backend vgate: ESP integrity transform %s (ID %u) is not supported by vgate.ko",
			sa->peer, integ_iana(sa->integ), sa->integ);
		return -EOPNOTSUPP;
	}
	if (aead != (vs->auth == VGATE_AUTH_NONE)) {
		log_err("peer %s: kernel backend vgate: ESP %s with integrity %s: %s",
			sa->peer, pol_encr_name(sa->encr, sa->encr_bits, name,
						sizeof(name)),
			pol_integ_name(sa->integ),
			aead ? "an AEAD takes no integrity transform" :
			       "a cipher without integrity is refused");
		return -EOPNOTSUPP;
	}
	return 0;
}

int kernel_vgate_sa(const struct kernel_sa *sa, struct vg_sa *vs)
{
	int r;

	memset(vs, 0, sizeof(*vs));
	if (sa->proto != IKEV2_PROTO_ESP)
		return -EPROTONOSUPPORT;
	if (sa->src.ss_family != sa->dst.ss_family ||
	    sa->ekey.len > sizeof(vs->enc_key) ||
	    sa->akey.len > sizeof(vs->auth_key))
		return -EINVAL;
	r = map_algs(sa, vs);
	if (r)
		return r;
	vs->has = VG_SA_SPI | VG_SA_PROTO | VG_SA_FAMILY | VG_SA_SRC |
		  VG_SA_DST | VG_SA_MODE | VG_SA_ENC | VG_SA_AUTH |
		  VG_SA_REQID;
	vs->spi = sa->spi;
	vs->proto = IPPROTO_ESP;
	vs->family = sa->src.ss_family;
	addr_to_vg(&sa->src, &vs->src);
	addr_to_vg(&sa->dst, &vs->dst);
	vs->mode = VGATE_MODE_TUNNEL;
	vs->reqid = sa->reqid;
	if (sa->ekey.len) {
		vs->has |= VG_SA_ENC_KEY;
		memcpy(vs->enc_key, sa->ekey.p, sa->ekey.len);
		vs->enc_key_len = sa->ekey.len;
	}
	if (sa->akey.len) {
		vs->has |= VG_SA_AUTH_KEY;
		memcpy(vs->auth_key, sa->akey.p, sa->akey.len);
		vs->auth_key_len = sa->akey.len;
	}
	if (sa->esn) {
		vs->has |= VG_SA_FLAGS;
		vs->flags = VGATE_SA_F_ESN;
	}
	if (sa->hard_bytes) {
		vs->has |= VG_SA_LIFETIME;
		vs->lt_has = 1U << VGATE_LT_A_SOFT_BYTES |
			     1U << VGATE_LT_A_HARD_BYTES;
		vs->lt[VGATE_LT_A_SOFT_BYTES] = sa->soft_bytes;
		vs->lt[VGATE_LT_A_HARD_BYTES] = sa->hard_bytes;
	}
	if (sa->encap_sport) {
		vs->has |= VG_SA_ENCAP;
		vs->encap_sport = sa->encap_sport;
		vs->encap_dport = sa->encap_dport;
	}
	return 0;
}

static int vgk_add_sa(void *ctx, const struct kernel_sa *sa)
{
	struct vgk_ctx *c = ctx;
	struct vgk_sa *s = find(c, sa->spi, &sa->dst);
	struct vg_sa vs;
	char b[400];
	int r;

	if (sa->dir == KERNEL_IN ? !s || s->used : s && s->used)
		return sa->dir == KERNEL_IN ? -ENOENT : -EEXIST;
	r = kernel_vgate_sa(sa, &vs);
	if (!r)
		r = vg_sa_new(c->h, &vs);
	OPENSSL_cleanse(&vs, sizeof(vs));
	if (r == -EEXIST) {
		log_err("peer %s: kernel backend vgate: SPI %08x is already in vgate's SAD (another SA took it after get_spi found it free: no larval SA in vgate.ko); the CHILD SA fails",
			sa->peer, sa->spi);
		return r;
	}
	if (r) {
		if (r != -EOPNOTSUPP)
			log_err("peer %s: kernel backend vgate: SA_NEW of %s SA %08x refused: %s",
				sa->peer, sa->dir == KERNEL_IN ? "inbound" :
				"outbound", sa->spi, why(c, r, b, sizeof(b)));
		return r;
	}
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s) {
			/* installed but not recorded: take it out again */
			vs.has = VG_SA_SPI | VG_SA_FAMILY | VG_SA_DST |
				 VG_SA_PROTO;
			vs.spi = sa->spi;
			vs.proto = IPPROTO_ESP;
			vs.family = sa->dst.ss_family;
			addr_to_vg(&sa->dst, &vs.dst);
			vg_sa_del(c->h, &vs);
			return -ENOMEM;
		}
		s->next = c->sas;
		c->sas = s;
	}
	s->used = 1;
	kernel_rec_fill(&s->r, sa);
	kernel_rec_print(c->report, "add", &s->r, NULL);
	return 0;
}

static int vgk_del_sa(void *ctx, const struct sockaddr_storage *dst,
		      uint8_t proto, uint32_t spi)
{
	struct vgk_ctx *c = ctx;
	struct vgk_sa **pp, *s;
	struct vg_sa key = { .has = VG_SA_SPI | VG_SA_FAMILY | VG_SA_DST |
				    VG_SA_PROTO,
			     .spi = spi, .proto = IPPROTO_ESP,
			     .family = dst->ss_family };
	char b[400];
	int r = 0;

	if (proto != IKEV2_PROTO_ESP)
		return -EPROTONOSUPPORT;
	for (pp = &c->sas; *pp; pp = &(*pp)->next)
		if ((*pp)->r.spi == spi && same_addr(&(*pp)->r.dst, dst))
			break;
	s = *pp;
	if (!s)
		return -ENOENT;
	*pp = s->next;
	if (s->used) {
		addr_to_vg(dst, &key.dst);
		r = vg_sa_del(c->h, &key);
		if (r == -ENOENT) {
			log_info("peer %s: SA %08x was gone from vgate's SAD already (expired or deleted by hand)",
				 s->r.peer, spi);
			r = 0;
		} else if (r) {
			log_err("peer %s: kernel backend vgate: SA_DEL of SA %08x: %s",
				s->r.peer, spi, why(c, r, b, sizeof(b)));
		}
		fprintf(c->report, "SA del peer=%s dir=%s spi=%08x%s\n",
			s->r.peer, s->r.dir == KERNEL_IN ? "in" : "out", spi,
			r ? " failed=yes" : "");
		fflush(c->report);
	}
	free(s);
	return r;
}

static void vgk_dump(void *ctx)
{
	struct vgk_ctx *c = ctx;
	struct vgk_sa *s;
	struct vg_addr d;
	struct vg_sa cur;
	char extra[200];

	for (s = c->sas; s; s = s->next) {
		if (!s->used)
			continue;
		addr_to_vg(&s->r.dst, &d);
		if (vg_sa_fetch(c->h, s->r.spi, &d, IPPROTO_ESP, &cur))
			snprintf(extra, sizeof(extra), "kernel=gone");
		else
			snprintf(extra, sizeof(extra),
				 "packets_in=%llu packets_out=%llu bytes_in=%llu bytes_out=%llu",
				 (unsigned long long)cur.st[VGATE_SA_STATS_A_PACKETS_IN],
				 (unsigned long long)cur.st[VGATE_SA_STATS_A_PACKETS_OUT],
				 (unsigned long long)cur.st[VGATE_SA_STATS_A_BYTES_IN],
				 (unsigned long long)cur.st[VGATE_SA_STATS_A_BYTES_OUT]);
		kernel_rec_print(c->report, "list", &s->r, extra);
	}
}

/*
 * The peer's `protect` entry: a rule of vgate's with that ID, action
 * PROTECT, without SPIs (dynamic).  Rules may be added after the daemon
 * starts, so what is wrong is logged, not refused; a peer without
 * `protect` is refused: its SAs would serve no entry.
 */
static int vgk_check_reqid(void *ctx, const char *peer, uint32_t reqid,
			   int configured)
{
	struct vgk_ctx *c = ctx;
	struct vg_rule ru;
	char b[400];
	int r;

	if (!configured) {
		log_err("peer %s: no 'protect' line: with --kernel=vgate each peer names the PROTECT entry (vgate rule ID) its CHILD SAs serve",
			peer);
		return -EINVAL;
	}
	r = vg_rule_fetch(c->h, reqid, &ru);
	if (r == -ENOENT) {
		log_err("peer %s: warning: vgate has no rule %u (protect %u) yet; its CHILD SAs carry no traffic until that PROTECT entry exists",
			peer, reqid, reqid);
		return 0;
	}
	if (r) {
		log_err("peer %s: kernel backend vgate: RULE_GET %u: %s", peer,
			reqid, why(c, r, b, sizeof(b)));
		return 0;
	}
	if (ru.action != VGATE_ACTION_PROTECT)
		log_err("peer %s: warning: vgate rule %u is not a PROTECT entry; its CHILD SAs carry no traffic",
			peer, reqid);
	else if (ru.has & VG_RULE_SPI_OUT)
		log_err("peer %s: warning: vgate rule %u has manual SPIs (spiOut %08x); it does not use negotiated SAs",
			peer, reqid, ru.spi_out);
	else
		log_info("peer %s: CHILD SAs serve vgate's PROTECT entry %u (peer %s)",
			 peer, reqid, ru.peer_name);
	return 0;
}

/*
 * Hand our NAT-T socket to vgate.ko (VGATE_CMD_ENCAP_SOCK_SET with FD,
 * the L2TP model): it takes ESP-in-UDP and keepalives out of it, IKE stays
 * ours.  A socket vgate opened itself (`vgate ipsec natt socket`, for
 * hand-keyed SAs) is let go first, before our bind (vgk_natt_release):
 * its port is ours now.
 */
static void vgk_natt_release(void *ctx, uint16_t port)
{
	struct vgk_ctx *c = ctx;
	struct vg_encap_sock es = { 0 };

	if (vg_encap_sock_fetch(c->h, &es) ||
	    !(es.has & VG_ENCAP_SOCK_OWNER) ||
	    es.owner != VGATE_ENCAP_OWNER_KERNEL || es.port != port)
		return;
	log_info("kernel backend vgate: taking over vgate's own NAT-T socket (port %u): released for our bind",
		 es.port);
	vg_request(c->h, VGATE_CMD_ENCAP_SOCK_DEL, VG_OBJ_NONE, NULL);
}

static int vgk_natt_socket(void *ctx, int fd, uint16_t port)
{
	struct vgk_ctx *c = ctx;
	struct vg_encap_sock es = { 0 };
	char b[400];
	int r;

	es.has = VG_ENCAP_SOCK_FD;
	es.fd = fd;
	r = vg_request(c->h, VGATE_CMD_ENCAP_SOCK_SET, VG_OBJ_ENCAP_SOCK, &es);
	if (r) {
		log_err("kernel backend vgate: NAT-T socket (UDP %u) not handed to vgate: %s; ESP in UDP from peers behind a NAT will not be decrypted",
			port, why(c, r, b, sizeof(b)));
		return r;
	}
	log_info("kernel backend vgate: NAT-T socket (UDP %u) handed to vgate: it takes ESP in UDP from it",
		 port);
	return 0;
}

static void vgk_fini(void *ctx)
{
	struct vgk_ctx *c = ctx;

	/* what the daemon left installed goes: never an SA nobody keys */
	while (c->sas)
		vgk_del_sa(c, &c->sas->r.dst, IKEV2_PROTO_ESP, c->sas->r.spi);
	if (c->ev)
		vg_events_close(c->ev);
	vg_close(c->h);
	free(c);
}

const struct kernel_ops kernel_vgate_ops = {
	.name = "vgate",
	.init = vgk_init,
	.get_spi = vgk_get_spi,
	.add_sa = vgk_add_sa,
	.del_sa = vgk_del_sa,
	.dump = vgk_dump,
	.check_reqid = vgk_check_reqid,
	.natt_socket = vgk_natt_socket,
	.natt_release = vgk_natt_release,
	.event_fd = vgk_event_fd,
	.event_next = vgk_event_next,
	.fini = vgk_fini,
};
