// SPDX-License-Identifier: GPL-2.0
/* vgate-iked's policy: algorithms, proposal selection, selectors (policy.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2.h"
#include "policy.h"

/* One table for both directions: token <-> transform, and the display. */
struct alg {
	const char *tok;	/* configuration spelling */
	uint8_t type;		/* enum ikev2_xform_type */
	uint16_t id;
	uint16_t bits;		/* ENCR Key Length; 0: none sent */
	uint8_t ike, esp;	/* allowed in IKE / ESP proposals */
};

static const struct alg algs[] = {
	{ "aes128", IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128, 1, 1 },
	{ "aes192", IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 192, 1, 1 },
	{ "aes256", IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 256, 1, 1 },
	{ "aes128gcm16", IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 128, 1, 1 },
	{ "aes192gcm16", IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 192, 1, 1 },
	{ "aes256gcm16", IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256, 1, 1 },
	{ "chacha20poly1305", IKEV2_XFORM_ENCR, IKEV2_ENCR_CHACHA20_POLY1305,
	  0, 1, 1 },
	/* HMAC-SHA1-96: ESP only (RFC 8221: MUST- for IKEv2's own integrity) */
	{ "sha1", IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0, 0, 1 },
	{ "sha256", IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0, 1, 1 },
	{ "sha384", IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_384_192, 0, 1, 1 },
	{ "sha512", IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_512_256, 0, 1, 1 },
	{ "prfsha256", IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0, 1, 0 },
	{ "prfsha384", IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_384, 0, 1, 0 },
	{ "prfsha512", IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_512, 0, 1, 0 },
	{ "modp2048", IKEV2_XFORM_DH, IKEV2_DH_MODP_2048, 0, 1, 1 },
	{ "modp3072", IKEV2_XFORM_DH, IKEV2_DH_MODP_3072, 0, 1, 1 },
	{ "modp4096", IKEV2_XFORM_DH, IKEV2_DH_MODP_4096, 0, 1, 1 },
	{ "ecp256", IKEV2_XFORM_DH, IKEV2_DH_ECP_256, 0, 1, 1 },
	{ "ecp384", IKEV2_XFORM_DH, IKEV2_DH_ECP_384, 0, 1, 1 },
	{ "ecp521", IKEV2_XFORM_DH, IKEV2_DH_ECP_521, 0, 1, 1 },
	{ "curve25519", IKEV2_XFORM_DH, IKEV2_DH_CURVE25519, 0, 1, 1 },
	{ "x25519", IKEV2_XFORM_DH, IKEV2_DH_CURVE25519, 0, 1, 1 },
	/* weak, only when configured (dh.c needs IKE_DH_ALLOW_WEAK) */
	{ "modp1024", IKEV2_XFORM_DH, IKEV2_DH_MODP_1024, 0, 1, 1 },
	{ "modp1536", IKEV2_XFORM_DH, IKEV2_DH_MODP_1536, 0, 1, 1 },
	{ "noesn", IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0, 0, 1 },
	{ "esn", IKEV2_XFORM_ESN, IKEV2_ESN_YES, 0, 0, 1 },
};
#define N_ALGS (sizeof(algs) / sizeof(algs[0]))

/* The PRF strongSwan pairs with an integrity token when none is given. */
static uint16_t integ_prf(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_SHA2_256_128:
		return IKEV2_PRF_HMAC_SHA2_256;
	case IKEV2_INTEG_HMAC_SHA2_384_192:
		return IKEV2_PRF_HMAC_SHA2_384;
	case IKEV2_INTEG_HMAC_SHA2_512_256:
		return IKEV2_PRF_HMAC_SHA2_512;
	}
	return 0;
}

int pol_encr_aead(uint16_t encr)
{
	return encr == IKEV2_ENCR_AES_GCM_16 ||
	       encr == IKEV2_ENCR_CHACHA20_POLY1305;
}

static const struct alg *alg_by_tok(const char *tok, size_t len)
{
	size_t i;

	for (i = 0; i < N_ALGS; i++)
		if (strlen(algs[i].tok) == len && !strncmp(algs[i].tok, tok, len))
			return &algs[i];
	return NULL;
}

static const struct alg *alg_by_id(uint8_t type, uint16_t id, uint16_t bits)
{
	size_t i;

	for (i = 0; i < N_ALGS; i++)
		if (algs[i].type == type && algs[i].id == id &&
		    (type != IKEV2_XFORM_ENCR || algs[i].bits == bits))
			return &algs[i];
	return NULL;
}

static int prop_has(const struct ike_prop *p, uint8_t type, uint16_t id,
		    uint16_t bits)
{
	unsigned int i;

	for (i = 0; i < p->n_xforms; i++)
		if (p->xf[i].type == type && p->xf[i].id == id &&
		    p->xf[i].keylen == bits)
			return 1;
	return 0;
}

static int prop_count(const struct ike_prop *p, uint8_t type)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < p->n_xforms; i++)
		n += p->xf[i].type == type;
	return n;
}

static int prop_add(struct ike_prop *p, uint8_t type, uint16_t id,
		    uint16_t bits)
{
	if (prop_has(p, type, id, bits))
		return 0;
	if (p->n_xforms >= IKE_MAX_XFORMS)
		return -1;
	memset(&p->xf[p->n_xforms], 0, sizeof(p->xf[0]));
	p->xf[p->n_xforms].type = type;
	p->xf[p->n_xforms].id = id;
	p->xf[p->n_xforms].keylen = bits;
	p->n_xforms++;
	return 0;
}

/* One proposal "tok-tok-..." (len octets of s). */
static int prop_parse(const char *s, size_t len, uint8_t proto,
		      struct ike_prop *p, char *err, size_t errlen)
{
	const char *kind = proto == IKEV2_PROTO_IKE ? "ike" : "esp";
	const char *e = s + len, *t;
	unsigned int i;
	int aead = 0, plain = 0, n_integ = 0, n_prf = 0, n_dh = 0;

	memset(p, 0, sizeof(*p));
	p->proto = proto;
	while (s < e) {
		const struct alg *a;

		for (t = s; t < e && *t != '-'; t++)
			;
		a = alg_by_tok(s, t - s);
		if (!a || !(proto == IKEV2_PROTO_IKE ? a->ike : a->esp)) {
			snprintf(err, errlen, "unknown %s algorithm '%.*s'%s",
				 kind, (int)(t - s), s,
				 a ? " (not allowed there)" : "");
			return -1;
		}
		if (a->type == IKEV2_XFORM_ENCR)
			pol_encr_aead(a->id) ? aead++ : plain++;
		if (prop_add(p, a->type, a->id, a->bits)) {
			snprintf(err, errlen, "too many algorithms in one proposal");
			return -1;
		}
		s = t + 1;
	}
	n_integ = prop_count(p, IKEV2_XFORM_INTEG);
	if (aead && plain) {
		snprintf(err, errlen, "AEAD and non-AEAD ciphers in one %s proposal (split it with ',')",
			 kind);
		return -1;
	}
	if (!aead && !plain) {
		snprintf(err, errlen, "%s proposal without a cipher", kind);
		return -1;
	}
	if (aead && n_integ) {
		snprintf(err, errlen, "an AEAD cipher takes no integrity algorithm in one %s proposal",
			 kind);
		return -1;
	}
	if (plain && !n_integ) {
		snprintf(err, errlen, "%s proposal with a CBC cipher but no integrity algorithm",
			 kind);
		return -1;
	}
	if (proto == IKEV2_PROTO_IKE) {
		n_prf = prop_count(p, IKEV2_XFORM_PRF);
		/* strongSwan: without prfX, each integrity algorithm's PRF */
		for (i = 0; !n_prf && i < p->n_xforms; i++)
			if (p->xf[i].type == IKEV2_XFORM_INTEG &&
			    prop_add(p, IKEV2_XFORM_PRF,
				     integ_prf(p->xf[i].id), 0))
				return -1;
		if (!prop_count(p, IKEV2_XFORM_PRF)) {
			snprintf(err, errlen, "ike proposal without a PRF (add prfsha256, prfsha384 or prfsha512)");
			return -1;
		}
		n_dh = prop_count(p, IKEV2_XFORM_DH);
		if (!n_dh) {
			snprintf(err, errlen, "ike proposal without a DH group");
			return -1;
		}
	} else if (!prop_count(p, IKEV2_XFORM_ESN)) {
		prop_add(p, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0);
	}
	return 0;
}

int pol_prop_parse(const char *s, uint8_t proto, struct ike_sa *out,
		   char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	while (*s) {
		const char *e;
		size_t n;

		while (isspace((unsigned char)*s) || *s == ',')
			s++;
		if (!*s)
			break;
		for (e = s; *e && *e != ',' && !isspace((unsigned char)*e); e++)
			;
		n = e - s;
		if (out->n_props >= IKE_MAX_PROPS) {
			snprintf(err, errlen, "more than %d proposals",
				 IKE_MAX_PROPS);
			return -1;
		}
		if (prop_parse(s, n, proto, &out->prop[out->n_props], err,
			       errlen))
			return -1;
		out->prop[out->n_props].num = out->n_props + 1;
		out->n_props++;
		s = e;
	}
	if (!out->n_props) {
		snprintf(err, errlen, "no proposal");
		return -1;
	}
	return 0;
}

static void cat(char *buf, size_t len, const char *fmt, const char *s)
{
	size_t l = strlen(buf);

	if (l < len)
		snprintf(buf + l, len - l, fmt, s);
}

/* Unknown transforms print as KIND<number>[_<key bits>]. */
static const char *xf_kind(uint8_t type)
{
	static const char *const k[] = { "type0-", "encr", "prf", "integ",
					 "dh", "esn" };

	return type < 6 ? k[type] : "xform";
}

void pol_prop_str(const struct ike_sa *sa, char *buf, size_t len)
{
	static const uint8_t order[] = { IKEV2_XFORM_ENCR, IKEV2_XFORM_INTEG,
		IKEV2_XFORM_PRF, IKEV2_XFORM_DH, IKEV2_XFORM_ESN };
	unsigned int i, j, k;
	char tmp[48];

	if (len)
		buf[0] = 0;
	for (i = 0; i < sa->n_props; i++) {
		const struct ike_prop *p = &sa->prop[i];
		int first = 1;

		if (i)
			cat(buf, len, "%s", ", ");
		if (p->proto != IKEV2_PROTO_IKE && p->proto != IKEV2_PROTO_ESP)
			cat(buf, len, "%s", p->proto == IKEV2_PROTO_AH ?
			    "ah:" : "proto?:");
		for (k = 0; k < sizeof(order); k++)
			for (j = 0; j < p->n_xforms; j++) {
				const struct ike_xform *x = &p->xf[j];
				const struct alg *a;

				if (x->type != order[k])
					continue;
				if (x->type == IKEV2_XFORM_INTEG &&
				    x->id == IKEV2_INTEG_NONE)
					continue;
				a = alg_by_id(x->type, x->id, x->keylen);
				if (a && ike_xform_unknown_attrs(x) == 0)
					snprintf(tmp, sizeof(tmp), "%s", a->tok);
				else if (x->keylen)
					snprintf(tmp, sizeof(tmp), "%s%u_%u",
						 xf_kind(x->type), x->id,
						 x->keylen);
				else
					snprintf(tmp, sizeof(tmp), "%s%u",
						 xf_kind(x->type), x->id);
				cat(buf, len, first ? "%s" : "-%s", tmp);
				first = 0;
			}
	}
}

/* The peer's transforms of one type, chosen from ours (our order). */
static int pick(const struct ike_prop *o, const struct ike_prop *p,
		uint8_t type, uint16_t *id, uint16_t *bits)
{
	unsigned int i, j;
	int peer_has = 0;

	for (j = 0; j < p->n_xforms; j++)
		if (p->xf[j].type == type &&
		    !(type == IKEV2_XFORM_INTEG &&
		      p->xf[j].id == IKEV2_INTEG_NONE))
			peer_has = 1;
	for (i = 0; i < o->n_xforms; i++) {
		if (o->xf[i].type != type)
			continue;
		for (j = 0; j < p->n_xforms; j++)
			if (p->xf[j].type == type && p->xf[j].id == o->xf[i].id &&
			    p->xf[j].keylen == o->xf[i].keylen &&
			    !ike_xform_unknown_attrs(&p->xf[j])) {
				*id = o->xf[i].id;
				if (bits)
					*bits = o->xf[i].keylen;
				return 1;
			}
	}
	/* the peer offers none of this type: fine if we need none */
	if (!peer_has) {
		*id = 0;
		return 0;
	}
	return -1;
}

int pol_select(const struct ike_sa *ours, const struct ike_sa *peer,
	       uint8_t proto, int ignore_dh, struct pol_choice *c)
{
	unsigned int i, j;

	for (i = 0; i < ours->n_props; i++) {
		const struct ike_prop *o = &ours->prop[i];

		for (j = 0; j < peer->n_props; j++) {
			const struct ike_prop *p = &peer->prop[j];
			int r;

			if (p->proto != proto || o->proto != proto)
				continue;
			if (proto == IKEV2_PROTO_ESP ? p->spi_size != 4 :
			    p->spi_size != 0 && p->spi_size != 8)
				continue;
			memset(c, 0, sizeof(*c));
			c->num = p->num;
			c->proto = proto;
			c->spi_size = p->spi_size;
			memcpy(c->spi, p->spi, p->spi_size);
			if (pick(o, p, IKEV2_XFORM_ENCR, &c->encr,
				 &c->encr_bits) != 1)
				continue;
			r = pick(o, p, IKEV2_XFORM_INTEG, &c->integ, NULL);
			if (r < 0 || (r == 0 && !pol_encr_aead(c->encr)))
				continue;
			if (proto == IKEV2_PROTO_IKE) {
				if (pick(o, p, IKEV2_XFORM_PRF, &c->prf,
					 NULL) != 1 ||
				    pick(o, p, IKEV2_XFORM_DH, &c->dh,
					 NULL) != 1)
					continue;
			} else {
				/*
				 * PFS: a DH group in our proposal is
				 * required of the peer's, and one in the
				 * peer's needs one of ours
				 */
				r = ignore_dh ? 0 :
				    pick(o, p, IKEV2_XFORM_DH, &c->dh, NULL);
				if (r < 0 || (r == 0 && !ignore_dh &&
					      prop_count(o, IKEV2_XFORM_DH)))
					continue;
				if (ignore_dh)
					c->dh = 0;
				r = pick(o, p, IKEV2_XFORM_ESN, &c->esn, NULL);
				if (r < 0 ||
				    (r == 0 && !prop_has(o, IKEV2_XFORM_ESN,
							 IKEV2_ESN_NO, 0)))
					continue;
			}
			return 0;
		}
	}
	return -1;
}

void pol_choice_sa(const struct pol_choice *c, struct ike_sa *out)
{
	struct ike_prop *p = &out->prop[0];

	memset(out, 0, sizeof(*out));
	out->n_props = 1;
	p->num = c->num;
	p->proto = c->proto;
	p->spi_size = c->spi_size;
	memcpy(p->spi, c->spi, c->spi_size);
	prop_add(p, IKEV2_XFORM_ENCR, c->encr, c->encr_bits);
	if (c->integ)
		prop_add(p, IKEV2_XFORM_INTEG, c->integ, 0);
	if (c->proto == IKEV2_PROTO_IKE) {
		prop_add(p, IKEV2_XFORM_PRF, c->prf, 0);
		prop_add(p, IKEV2_XFORM_DH, c->dh, 0);
	} else {
		if (c->dh)	/* PFS in a CREATE_CHILD_SA */
			prop_add(p, IKEV2_XFORM_DH, c->dh, 0);
		prop_add(p, IKEV2_XFORM_ESN, c->esn, 0);
	}
}

const char *pol_encr_name(uint16_t encr, uint16_t bits, char *buf,
			  size_t len)
{
	const char *n;

	switch (encr) {
	case IKEV2_ENCR_AES_CBC:
		n = "AES_CBC";
		break;
	case IKEV2_ENCR_AES_GCM_16:
		n = "AES_GCM_16";
		break;
	case IKEV2_ENCR_CHACHA20_POLY1305:
		n = "CHACHA20_POLY1305";
		break;
	default:
		n = "ENCR_UNKNOWN";
	}
	if (bits)
		snprintf(buf, len, "%s-%u", n, bits);
	else
		snprintf(buf, len, "%s", n);
	return buf;
}

const char *pol_integ_name(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_NONE:
		return "NONE";
	case IKEV2_INTEG_HMAC_SHA1_96:
		return "HMAC_SHA1_96";
	case IKEV2_INTEG_HMAC_SHA2_256_128:
		return "HMAC_SHA2_256_128";
	case IKEV2_INTEG_HMAC_SHA2_384_192:
		return "HMAC_SHA2_384_192";
	case IKEV2_INTEG_HMAC_SHA2_512_256:
		return "HMAC_SHA2_512_256";
	}
	return "INTEG_UNKNOWN";
}

static const char *prf_name(uint16_t prf)
{
	switch (prf) {
	case IKEV2_PRF_HMAC_SHA2_256:
		return "PRF_HMAC_SHA2_256";
	case IKEV2_PRF_HMAC_SHA2_384:
		return "PRF_HMAC_SHA2_384";
	case IKEV2_PRF_HMAC_SHA2_512:
		return "PRF_HMAC_SHA2_512";
	}
	return "PRF_UNKNOWN";
}

const char *pol_dh_name(uint16_t dh)
{
	switch (dh) {
	case IKEV2_DH_MODP_1024:
		return "MODP_1024";
	case IKEV2_DH_MODP_1536:
		return "MODP_1536";
	case IKEV2_DH_MODP_2048:
		return "MODP_2048";
	case IKEV2_DH_MODP_3072:
		return "MODP_3072";
	case IKEV2_DH_MODP_4096:
		return "MODP_4096";
	case IKEV2_DH_ECP_256:
		return "ECP_256";
	case IKEV2_DH_ECP_384:
		return "ECP_384";
	case IKEV2_DH_ECP_521:
		return "ECP_521";
	case IKEV2_DH_CURVE25519:
		return "CURVE_25519";
	}
	return "DH_UNKNOWN";
}

void pol_choice_name(const struct pol_choice *c, char *buf, size_t len)
{
	char e[40];

	pol_encr_name(c->encr, c->encr_bits, e, sizeof(e));
	snprintf(buf, len, "%s", e);
	if (c->integ)
		cat(buf, len, "/%s", pol_integ_name(c->integ));
	if (c->proto == IKEV2_PROTO_IKE) {
		cat(buf, len, "/%s", prf_name(c->prf));
		cat(buf, len, "/%s", pol_dh_name(c->dh));
	} else {
		if (c->dh)	/* PFS: swanctl shows the group there too */
			cat(buf, len, "/%s", pol_dh_name(c->dh));
		if (c->esn)
			cat(buf, len, "/%s", "ESN");
	}
}

uint16_t pol_first_dh(const struct ike_sa *ours)
{
	unsigned int i, j;

	for (i = 0; i < ours->n_props; i++)
		for (j = 0; j < ours->prop[i].n_xforms; j++)
			if (ours->prop[i].xf[j].type == IKEV2_XFORM_DH)
				return ours->prop[i].xf[j].id;
	return 0;
}

int pol_has_dh(const struct ike_sa *ours, uint16_t group)
{
	unsigned int i;

	for (i = 0; i < ours->n_props; i++)
		if (prop_has(&ours->prop[i], IKEV2_XFORM_DH, group, 0))
			return 1;
	return 0;
}

/* ---- traffic selectors ---- */

static int alen(uint8_t type)
{
	return type == IKEV2_TS_IPV4_ADDR_RANGE ? 4 : 16;
}

static int addr_parse(const char *s, uint8_t *a, uint8_t *type)
{
	if (inet_pton(AF_INET, s, a) == 1) {
		*type = IKEV2_TS_IPV4_ADDR_RANGE;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*type = IKEV2_TS_IPV6_ADDR_RANGE;
		return 0;
	}
	return -1;
}

static int ts_one(const char *s, struct ike_ts *t)
{
	char tmp[128], *slash, *dash, *end;
	uint8_t type2;
	int i, n;
	long plen;

	if (strlen(s) >= sizeof(tmp))
		return -1;
	strcpy(tmp, s);
	memset(t, 0, sizeof(*t));
	t->eport = 65535;
	slash = strchr(tmp, '/');
	dash = strchr(tmp, '-');
	if (slash)
		*slash = 0;
	if (dash)
		*dash = 0;
	if (addr_parse(tmp, t->start, &t->type))
		return -1;
	n = alen(t->type);
	if (dash) {
		if (slash || addr_parse(dash + 1, t->end, &type2) ||
		    type2 != t->type || memcmp(t->start, t->end, n) > 0)
			return -1;
		return 0;
	}
	plen = n * 8;
	if (slash) {
		plen = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || plen < 0 || plen > n * 8)
			return -1;
	}
	for (i = 0; i < n; i++) {
		int bits = plen - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 :
			       (uint8_t)(0xff << (8 - bits));

		if (t->start[i] & ~mask)
			return -1;	/* host bits set: say what is meant */
		t->end[i] = t->start[i] | (uint8_t)~mask;
	}
	return 0;
}

int pol_ts_parse(const char *s, struct ike_ts_pld *ts, char *err,
		 size_t errlen)
{
	memset(ts, 0, sizeof(*ts));
	while (*s) {
		char one[128];
		const char *e;
		size_t n;

		while (isspace((unsigned char)*s) || *s == ',')
			s++;
		if (!*s)
			break;
		for (e = s; *e && *e != ',' && !isspace((unsigned char)*e); e++)
			;
		n = e - s;
		if (ts->n >= IKE_MAX_TS) {
			snprintf(err, errlen, "more than %d selectors",
				 IKE_MAX_TS);
			return -1;
		}
		if (n >= sizeof(one) || (memcpy(one, s, n), one[n] = 0,
					 ts_one(one, &ts->ts[ts->n]))) {
			snprintf(err, errlen, "bad selector '%.*s' (want ADDR, ADDR/PREFIX with no host bits, or ADDR-ADDR)",
				 (int)(n > 60 ? 60 : n), s);
			return -1;
		}
		ts->n++;
		s = e;
	}
	if (!ts->n) {
		snprintf(err, errlen, "no selector");
		return -1;
	}
	return 0;
}

/* The prefix length if [start, end] is one prefix, else -1. */
static int ts_prefix(const struct ike_ts *t)
{
	int n = alen(t->type), i, b, plen = 0, in_host = 0;

	for (i = 0; i < n; i++)
		for (b = 7; b >= 0; b--) {
			int s = (t->start[i] >> b) & 1, e = (t->end[i] >> b) & 1;

			if (!in_host && s == e) {
				plen++;
				continue;
			}
			in_host = 1;
			if (s != 0 || e != 1)
				return -1;
		}
	return plen;
}

void pol_ts_str(const struct ike_ts_pld *ts, char *buf, size_t len)
{
	unsigned int i;

	if (len)
		buf[0] = 0;
	for (i = 0; i < ts->n; i++) {
		const struct ike_ts *t = &ts->ts[i];
		int af = t->type == IKEV2_TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], one[160];
		int plen = ts_prefix(t);

		inet_ntop(af, t->start, a, sizeof(a));
		inet_ntop(af, t->end, b, sizeof(b));
		if (plen >= 0)
			snprintf(one, sizeof(one), "%s/%d", a, plen);
		else
			snprintf(one, sizeof(one), "%s-%s", a, b);
		if (t->proto || t->sport || t->eport != 65535) {
			size_t l = strlen(one);

			snprintf(one + l, sizeof(one) - l, "[%u/%u-%u]",
				 t->proto, t->sport, t->eport);
		}
		cat(buf, len, i ? ", %s" : "%s", one);
	}
}

static int ts_intersect(const struct ike_ts *a, const struct ike_ts *b,
			struct ike_ts *o)
{
	int n = alen(a->type);

	if (a->type != b->type)
		return 0;
	if (a->proto && b->proto && a->proto != b->proto)
		return 0;
	memset(o, 0, sizeof(*o));
	o->type = a->type;
	o->proto = a->proto ? a->proto : b->proto;
	o->sport = a->sport > b->sport ? a->sport : b->sport;
	o->eport = a->eport < b->eport ? a->eport : b->eport;
	if (o->sport > o->eport)
		return 0;
	memcpy(o->start, memcmp(a->start, b->start, n) > 0 ? a->start :
	       b->start, n);
	memcpy(o->end, memcmp(a->end, b->end, n) < 0 ? a->end : b->end, n);
	return memcmp(o->start, o->end, n) <= 0;
}

int pol_ts_narrow(const struct ike_ts_pld *conf, const struct ike_ts_pld *peer,
		  struct ike_ts_pld *out)
{
	unsigned int i, j, k;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < conf->n; i++)
		for (j = 0; j < peer->n; j++) {
			struct ike_ts t;
			int dup = 0;

			if (!ts_intersect(&conf->ts[i], &peer->ts[j], &t))
				continue;
			for (k = 0; k < out->n; k++)
				dup |= !memcmp(&out->ts[k], &t, sizeof(t));
			if (!dup && out->n < IKE_MAX_TS)
				out->ts[out->n++] = t;
		}
	return out->n;
}

int pol_ts_subset(const struct ike_ts_pld *inner,
		  const struct ike_ts_pld *outer)
{
	unsigned int i, j;

	if (!inner->n)
		return 0;
	for (i = 0; i < inner->n; i++) {
		int in = 0;

		for (j = 0; j < outer->n && !in; j++) {
			struct ike_ts t;

			in = ts_intersect(&inner->ts[i], &outer->ts[j], &t) &&
			     !memcmp(&t, &inner->ts[i], sizeof(t));
		}
		if (!in)
			return 0;
	}
	return 1;
}
