// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 message codec (pld.h).  Structure after OpenIKED's ikev2_pld.c:
 * one walk over the generic payload chain, a validating decoder per
 * payload type.  Each decoder receives exactly its payload's body (the
 * chain walk has checked the generic length), so no decoder can read past
 * its payload, let alone the datagram.
 */
#include <string.h>

#include "pld.h"

#define NO_NEXT		((size_t)-1)

static const char *const err_names[IKE_E__COUNT] = {
	[IKE_OK] = "ok",
	[IKE_E_SHORT] = "short",
	[IKE_E_VERSION] = "version",
	[IKE_E_LENGTH] = "length",
	[IKE_E_SPI] = "spi",
	[IKE_E_EXCHANGE] = "exchange",
	[IKE_E_PLD_SHORT] = "pld_short",
	[IKE_E_PLD_LENGTH] = "pld_length",
	[IKE_E_CRITICAL] = "critical",
	[IKE_E_TRAILING] = "trailing",
	[IKE_E_TOO_MANY] = "too_many",
	[IKE_E_DUPLICATE] = "duplicate",
	[IKE_E_SK_NOT_LAST] = "sk_not_last",
	[IKE_E_SK_NESTED] = "sk_nested",
	[IKE_E_SA_EMPTY] = "sa_empty",
	[IKE_E_SA_PROP_LEN] = "sa_prop_len",
	[IKE_E_SA_PROP_LAST] = "sa_prop_last",
	[IKE_E_SA_PROP_NUM] = "sa_prop_num",
	[IKE_E_SA_SPI_SIZE] = "sa_spi_size",
	[IKE_E_SA_XFORM_LEN] = "sa_xform_len",
	[IKE_E_SA_XFORM_LAST] = "sa_xform_last",
	[IKE_E_SA_XFORM_COUNT] = "sa_xform_count",
	[IKE_E_SA_ATTR] = "sa_attr",
	[IKE_E_SA_ATTR_DUP] = "sa_attr_dup",
	[IKE_E_KE_LEN] = "ke_len",
	[IKE_E_NONCE_LEN] = "nonce_len",
	[IKE_E_ID_LEN] = "id_len",
	[IKE_E_AUTH_LEN] = "auth_len",
	[IKE_E_N_LEN] = "n_len",
	[IKE_E_N_SPI_SIZE] = "n_spi_size",
	[IKE_E_D_LEN] = "d_len",
	[IKE_E_D_PROTO] = "d_proto",
	[IKE_E_TS_LEN] = "ts_len",
	[IKE_E_TS_COUNT] = "ts_count",
	[IKE_E_TS_TYPE] = "ts_type",
	[IKE_E_SK_LEN] = "sk_len",
	[IKE_E_SKF_LEN] = "skf_len",
	[IKE_E_SKF_NUM] = "skf_num",
	[IKE_E_SKF_NEXT] = "skf_next",
	[IKE_E_CERT_LEN] = "cert_len",
	[IKE_E_CERTREQ_LEN] = "certreq_len",
	[IKE_E_NOSPC] = "nospc",
	[IKE_E_BUILD] = "build",
};

const char *ike_err_str(enum ike_err e)
{
	if ((unsigned int)e >= IKE_E__COUNT || !err_names[e])
		return "unknown";
	return err_names[e];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void blob(struct ike_blob *b, const uint8_t *p, size_t len)
{
	b->p = p;
	b->len = len;
}

/* ---- header ---- */

static int exchange_known(uint8_t x)
{
	return x >= IKEV2_EXCH_IKE_SA_INIT && x <= IKEV2_EXCH_INFORMATIONAL;
}

enum ike_err ike_hdr_parse(struct ike_hdr *h, const uint8_t *buf, size_t len)
{
	static const uint8_t zero[IKEV2_SPI_LEN];

	if (len < IKEV2_HDR_LEN)
		return IKE_E_SHORT;
	memcpy(h->ispi, buf, IKEV2_SPI_LEN);
	memcpy(h->rspi, buf + 8, IKEV2_SPI_LEN);
	h->next = buf[16];
	h->version = buf[17];
	h->exchange = buf[18];
	h->flags = buf[19];
	h->msgid = get32(buf + 20);
	h->length = get32(buf + 24);
	/* 2.5: a higher major version is answered, minor ones are ignored. */
	if (h->version >> 4 != IKEV2_VERSION_MAJOR)
		return IKE_E_VERSION;
	if (h->length != len)
		return IKE_E_LENGTH;
	if (!memcmp(h->ispi, zero, IKEV2_SPI_LEN))
		return IKE_E_SPI;
	if (!exchange_known(h->exchange))
		return IKE_E_EXCHANGE;
	return IKE_OK;
}

/* ---- SA ---- */

/* One attribute at p (len octets left): its length, or 0 if truncated. */
static size_t attr_len(const uint8_t *p, size_t len)
{
	size_t alen;

	if (len < 4)
		return 0;
	alen = get16(p) & IKEV2_ATTR_AF ? 4 : 4 + (size_t)get16(p + 2);
	return alen > len ? 0 : alen;
}

static int attr_is_keylen(const uint8_t *p)
{
	return (get16(p) & ~IKEV2_ATTR_AF) == IKEV2_ATTR_KEY_LENGTH;
}

static enum ike_err attrs_parse(struct ike_xform *x, const uint8_t *p,
				size_t len)
{
	size_t pos = 0, alen;

	x->keylen = 0;
	blob(&x->attrs, p, len);
	while (pos < len) {
		alen = attr_len(p + pos, len - pos);
		if (!alen)
			return IKE_E_SA_ATTR;
		if (attr_is_keylen(p + pos)) {
			/* 3.3.5: Key Length is TV; 0 would read as "none". */
			if (!(get16(p + pos) & IKEV2_ATTR_AF) ||
			    !get16(p + pos + 2))
				return IKE_E_SA_ATTR;
			if (x->keylen)
				return IKE_E_SA_ATTR_DUP;
			x->keylen = get16(p + pos + 2);
		}
		pos += alen;
	}
	return IKE_OK;
}

unsigned int ike_xform_unknown_attrs(const struct ike_xform *x)
{
	const uint8_t *p = x->attrs.p;
	size_t pos = 0, alen;
	unsigned int n = 0;

	while (pos < x->attrs.len &&
	       (alen = attr_len(p + pos, x->attrs.len - pos))) {
		if (!attr_is_keylen(p + pos))
			n++;
		pos += alen;
	}
	return n;
}

static enum ike_err xforms_parse(struct ike_prop *pr, unsigned int count,
				 const uint8_t *p, size_t len)
{
	struct ike_xform *x;
	size_t pos = 0, xlen;
	enum ike_err e;
	uint8_t last = IKEV2_XFORM_MORE;

	pr->n_xforms = 0;
	while (pos < len) {
		if (last != IKEV2_XFORM_MORE)
			return IKE_E_SA_XFORM_LAST;	/* data after "last" */
		if (len - pos < IKEV2_XFORM_HDR_LEN)
			return IKE_E_SA_XFORM_LEN;
		last = p[pos];
		xlen = get16(p + pos + 2);
		if (last != IKEV2_XFORM_LAST && last != IKEV2_XFORM_MORE)
			return IKE_E_SA_XFORM_LAST;
		if (xlen < IKEV2_XFORM_HDR_LEN || xlen > len - pos)
			return IKE_E_SA_XFORM_LEN;
		if (pr->n_xforms == IKE_MAX_XFORMS)
			return IKE_E_TOO_MANY;
		x = &pr->xf[pr->n_xforms++];
		x->type = p[pos + 4];
		x->id = get16(p + pos + 6);
		e = attrs_parse(x, p + pos + IKEV2_XFORM_HDR_LEN,
				xlen - IKEV2_XFORM_HDR_LEN);
		if (e)
			return e;
		pos += xlen;
	}
	if (last != IKEV2_XFORM_LAST && pr->n_xforms)
		return IKE_E_SA_XFORM_LAST;	/* "more" but nothing follows */
	if (pr->n_xforms != count)
		return IKE_E_SA_XFORM_COUNT;
	return IKE_OK;
}

static enum ike_err prop_parse(struct ike_prop *pr, const uint8_t *p,
			       size_t len)
{
	size_t hlen;

	pr->num = p[4];
	pr->proto = p[5];
	pr->spi_size = p[6];
	if (pr->spi_size != 0 && pr->spi_size != 4 && pr->spi_size != 8)
		return IKE_E_SA_SPI_SIZE;
	hlen = IKEV2_PROP_HDR_LEN + pr->spi_size;
	if (hlen > len)
		return IKE_E_SA_PROP_LEN;
	memset(pr->spi, 0, sizeof(pr->spi));
	memcpy(pr->spi, p + IKEV2_PROP_HDR_LEN, pr->spi_size);
	return xforms_parse(pr, p[7], p + hlen, len - hlen);
}

enum ike_err ike_sa_parse(struct ike_sa *sa, const uint8_t *p, size_t len)
{
	struct ike_prop *pr;
	size_t pos = 0, plen;
	enum ike_err e;
	uint8_t last = IKEV2_PROP_MORE;

	sa->n_props = 0;
	if (!len)
		return IKE_E_SA_EMPTY;
	while (pos < len) {
		if (last != IKEV2_PROP_MORE)
			return IKE_E_SA_PROP_LAST;
		if (len - pos < IKEV2_PROP_HDR_LEN)
			return IKE_E_SA_PROP_LEN;
		last = p[pos];
		plen = get16(p + pos + 2);
		if (last != IKEV2_PROP_LAST && last != IKEV2_PROP_MORE)
			return IKE_E_SA_PROP_LAST;
		if (plen < IKEV2_PROP_HDR_LEN || plen > len - pos)
			return IKE_E_SA_PROP_LEN;
		if (sa->n_props == IKE_MAX_PROPS)
			return IKE_E_TOO_MANY;
		pr = &sa->prop[sa->n_props];
		e = prop_parse(pr, p + pos, plen);
		if (e)
			return e;
		/* 3.3.1: the first is 1, each next the same (AND) or +1. */
		if (sa->n_props ? pr->num != sa->prop[sa->n_props - 1].num &&
				  pr->num != sa->prop[sa->n_props - 1].num + 1 :
				  pr->num != 1)
			return IKE_E_SA_PROP_NUM;
		sa->n_props++;
		pos += plen;
	}
	if (last != IKEV2_PROP_LAST)
		return IKE_E_SA_PROP_LAST;
	return IKE_OK;
}

/* ---- small payloads ---- */

static enum ike_err ke_parse(struct ike_ke *ke, const uint8_t *p, size_t len)
{
	if (len <= 4)
		return IKE_E_KE_LEN;
	ke->group = get16(p);
	blob(&ke->data, p + 4, len - 4);
	return IKE_OK;
}

static enum ike_err nonce_parse(struct ike_blob *n, const uint8_t *p,
				size_t len)
{
	if (len < IKEV2_NONCE_MIN || len > IKEV2_NONCE_MAX)
		return IKE_E_NONCE_LEN;
	blob(n, p, len);
	return IKE_OK;
}

static enum ike_err id_parse(struct ike_id *id, const uint8_t *p, size_t len)
{
	if (len <= 4)
		return IKE_E_ID_LEN;
	id->type = p[0];
	blob(&id->data, p + 4, len - 4);
	if (id->type == IKEV2_ID_IPV4_ADDR && id->data.len != 4)
		return IKE_E_ID_LEN;
	if (id->type == IKEV2_ID_IPV6_ADDR && id->data.len != 16)
		return IKE_E_ID_LEN;
	return IKE_OK;
}

static enum ike_err auth_parse(struct ike_auth *a, const uint8_t *p,
			       size_t len)
{
	if (len <= 4)
		return IKE_E_AUTH_LEN;
	a->method = p[0];
	blob(&a->data, p + 4, len - 4);
	return IKE_OK;
}

static enum ike_err notify_parse(struct ike_notify *n, const uint8_t *p,
				 size_t len)
{
	if (len < 4)
		return IKE_E_N_LEN;
	n->proto = p[0];
	n->spi_size = p[1];
	n->type = get16(p + 2);
	if (n->spi_size != 0 && n->spi_size != 4 && n->spi_size != 8)
		return IKE_E_N_SPI_SIZE;
	if (len < 4u + n->spi_size)
		return IKE_E_N_LEN;
	memset(n->spi, 0, sizeof(n->spi));
	memcpy(n->spi, p + 4, n->spi_size);
	blob(&n->data, p + 4 + n->spi_size, len - 4 - n->spi_size);
	return IKE_OK;
}

static enum ike_err delete_parse(struct ike_delete *d, const uint8_t *p,
				 size_t len)
{
	if (len < 4)
		return IKE_E_D_LEN;
	d->proto = p[0];
	d->spi_size = p[1];
	d->n_spi = get16(p + 2);
	/* 3.11: IKE SA: size 0 and no SPI; AH and ESP: 4-octet SPIs. */
	if (d->proto == IKEV2_PROTO_IKE ? d->spi_size || d->n_spi :
	    (d->proto != IKEV2_PROTO_AH && d->proto != IKEV2_PROTO_ESP) ||
	    d->spi_size != 4)
		return IKE_E_D_PROTO;
	if (len - 4 != (size_t)d->n_spi * d->spi_size)
		return IKE_E_D_LEN;
	blob(&d->spis, p + 4, len - 4);
	return IKE_OK;
}

static size_t ts_addr_len(uint8_t type)
{
	return type == IKEV2_TS_IPV4_ADDR_RANGE ? 4 :
	       type == IKEV2_TS_IPV6_ADDR_RANGE ? 16 : 0;
}

enum ike_err ike_ts_parse(struct ike_ts_pld *tp, const uint8_t *p, size_t len)
{
	size_t pos = 4, slen, alen;
	struct ike_ts *t;
	unsigned int i, count;

	tp->n = 0;
	if (len < 4)
		return IKE_E_TS_LEN;
	count = p[0];
	if (!count)
		return IKE_E_TS_COUNT;
	if (count > IKE_MAX_TS)
		return IKE_E_TOO_MANY;
	for (i = 0; i < count; i++) {
		if (len - pos < 8)
			return IKE_E_TS_LEN;
		t = &tp->ts[i];
		t->type = p[pos];
		alen = ts_addr_len(t->type);
		if (!alen)
			return IKE_E_TS_TYPE;
		slen = get16(p + pos + 2);
		if (slen != 8 + 2 * alen || slen > len - pos)
			return IKE_E_TS_LEN;
		t->proto = p[pos + 1];
		t->sport = get16(p + pos + 4);
		t->eport = get16(p + pos + 6);
		memset(t->start, 0, sizeof(t->start));
		memset(t->end, 0, sizeof(t->end));
		memcpy(t->start, p + pos + 8, alen);
		memcpy(t->end, p + pos + 8 + alen, alen);
		pos += slen;
	}
	tp->n = count;
	if (pos != len)
		return IKE_E_TS_COUNT;	/* selectors beyond the count */
	return IKE_OK;
}

static enum ike_err sk_parse(struct ike_sk *sk, uint8_t next,
			     const uint8_t *p, size_t len)
{
	sk->first = next;
	sk->frag_num = sk->frag_total = 0;
	if (!len)
		return IKE_E_SK_LEN;
	blob(&sk->data, p, len);
	return IKE_OK;
}

/* RFC 7383 2.5. */
static enum ike_err skf_parse(struct ike_sk *sk, uint8_t next,
			      const uint8_t *p, size_t len)
{
	if (len <= 4)
		return IKE_E_SKF_LEN;
	sk->first = next;
	sk->frag_num = get16(p);
	sk->frag_total = get16(p + 2);
	if (!sk->frag_num || !sk->frag_total || sk->frag_num > sk->frag_total)
		return IKE_E_SKF_NUM;
	if (sk->frag_num != 1 && next != IKEV2_PL_NONE)
		return IKE_E_SKF_NEXT;
	blob(&sk->data, p + 4, len - 4);
	return IKE_OK;
}

static enum ike_err cert_parse(struct ike_cert *c, const uint8_t *p,
			       size_t len, enum ike_err short_err)
{
	if (len < 2)
		return short_err;
	c->enc = p[0];
	blob(&c->data, p + 1, len - 1);
	return IKE_OK;
}

static enum ike_err certreq_parse(struct ike_cert *c, const uint8_t *p,
				  size_t len)
{
	/* An empty CA list is allowed: "any CA" (3.7). */
	if (len < 1)
		return IKE_E_CERTREQ_LEN;
	c->enc = p[0];
	blob(&c->data, p + 1, len - 1);
	if (c->enc == IKEV2_CERT_X509_SIG &&
	    c->data.len % IKEV2_CERTREQ_HASH_LEN)
		return IKE_E_CERTREQ_LEN;
	return IKE_OK;
}

/* ---- the chain ---- */

static int type_known(uint8_t t)
{
	return (t >= IKEV2_PL_SA && t <= IKEV2_PL_EAP) || t == IKEV2_PL_SKF;
}

/* Payloads that may appear once in a message (with its inner part). */
static int type_singular(uint8_t t)
{
	switch (t) {
	case IKEV2_PL_SA: case IKEV2_PL_KE: case IKEV2_PL_IDI:
	case IKEV2_PL_IDR: case IKEV2_PL_AUTH: case IKEV2_PL_NONCE:
	case IKEV2_PL_TSI: case IKEV2_PL_TSR: case IKEV2_PL_SK:
	case IKEV2_PL_CP: case IKEV2_PL_SKF:
		return 1;
	}
	return 0;
}

static enum ike_err decode(struct ike_msg *m, struct ike_pld *pl, uint8_t next,
			   const uint8_t *p, size_t len)
{
	switch (pl->type) {
	case IKEV2_PL_SA:
		return ike_sa_parse(&m->sa, p, len);
	case IKEV2_PL_KE:
		return ke_parse(&pl->u.ke, p, len);
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		return id_parse(&pl->u.id, p, len);
	case IKEV2_PL_CERT:
		return cert_parse(&pl->u.cert, p, len, IKE_E_CERT_LEN);
	case IKEV2_PL_CERTREQ:
		return certreq_parse(&pl->u.cert, p, len);
	case IKEV2_PL_AUTH:
		return auth_parse(&pl->u.auth, p, len);
	case IKEV2_PL_NONCE:
		return nonce_parse(&pl->u.nonce, p, len);
	case IKEV2_PL_NOTIFY:
		return notify_parse(&pl->u.n, p, len);
	case IKEV2_PL_DELETE:
		return delete_parse(&pl->u.d, p, len);
	case IKEV2_PL_VENDOR:
		blob(&pl->u.vendor, p, len);
		return IKE_OK;
	case IKEV2_PL_TSI:
		return ike_ts_parse(&m->tsi, p, len);
	case IKEV2_PL_TSR:
		return ike_ts_parse(&m->tsr, p, len);
	case IKEV2_PL_SK:
		return sk_parse(&pl->u.sk, next, p, len);
	case IKEV2_PL_SKF:
		return skf_parse(&pl->u.sk, next, p, len);
	}
	return IKE_OK;	/* CP, EAP: the body only, for now */
}

static enum ike_err add_payload(struct ike_msg *m, uint8_t type, uint8_t next,
				const uint8_t *p, size_t len, int inner)
{
	struct ike_pld *pl;
	uint64_t bit;

	if (m->n_pld == IKE_MAX_PAYLOADS)
		return IKE_E_TOO_MANY;
	pl = &m->pl[m->n_pld];
	memset(pl, 0, sizeof(*pl));
	pl->type = type;
	pl->critical = !!(p[1] & IKEV2_CRITICAL);
	pl->inner = !!inner;
	pl->known = !!type_known(type);
	blob(&pl->body, p + IKEV2_GEN_HDR_LEN, len - IKEV2_GEN_HDR_LEN);
	if (!pl->known) {
		/* 2.5, 3.2: skip it, unless the sender says we must not. */
		if (pl->critical)
			return IKE_E_CRITICAL;
		m->n_pld++;
		return IKE_OK;
	}
	if (type_singular(type)) {
		bit = 1ull << (type - IKEV2_PL_SA);
		if (m->seen & bit)
			return IKE_E_DUPLICATE;
		m->seen |= bit;
	}
	m->n_pld++;
	return decode(m, pl, next, pl->body.p, pl->body.len);
}

static enum ike_err chain_parse(struct ike_msg *m, uint8_t type,
				const uint8_t *buf, size_t len, size_t base,
				int inner)
{
	size_t pos = 0, plen;
	enum ike_err e;
	uint8_t next;

	while (type != IKEV2_PL_NONE) {
		m->bad_type = type;
		m->bad_off = base + pos;
		if (len - pos < IKEV2_GEN_HDR_LEN)
			return IKE_E_PLD_SHORT;
		next = buf[pos];
		plen = get16(buf + pos + 2);
		if (plen < IKEV2_GEN_HDR_LEN || plen > len - pos)
			return IKE_E_PLD_LENGTH;
		if (inner && (type == IKEV2_PL_SK || type == IKEV2_PL_SKF))
			return IKE_E_SK_NESTED;
		e = add_payload(m, type, next, buf + pos, plen, inner);
		if (e)
			return e;
		pos += plen;
		/* 3.14: SK is last; its Next Payload names the inner first. */
		if (type == IKEV2_PL_SK || type == IKEV2_PL_SKF) {
			if (pos != len)
				return IKE_E_SK_NOT_LAST;
			break;
		}
		type = next;
	}
	m->bad_type = 0;
	m->bad_off = base + pos;
	if (pos != len)
		return IKE_E_TRAILING;
	return IKE_OK;
}

enum ike_err ike_msg_parse(struct ike_msg *m, const uint8_t *buf, size_t len)
{
	enum ike_err e;

	m->buf = buf;
	m->len = len;
	m->n_pld = 0;
	m->seen = 0;
	m->sa.n_props = 0;
	m->tsi.n = m->tsr.n = 0;
	m->bad_type = 0;
	m->bad_off = 0;
	e = ike_hdr_parse(&m->hdr, buf, len);
	if (e)
		return e;
	return chain_parse(m, m->hdr.next, buf + IKEV2_HDR_LEN,
			   len - IKEV2_HDR_LEN, IKEV2_HDR_LEN, 0);
}

enum ike_err ike_msg_parse_inner(struct ike_msg *m, uint8_t first,
				 const uint8_t *buf, size_t len)
{
	return chain_parse(m, first, buf, len, 0, 1);
}

const struct ike_pld *ike_msg_find(const struct ike_msg *m, uint8_t type,
				   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < m->n_pld; i++)
		if (m->pl[i].type == type && !n--)
			return &m->pl[i];
	return NULL;
}

const struct ike_notify *ike_msg_notify(const struct ike_msg *m, uint16_t type)
{
	unsigned int i;

	for (i = 0; i < m->n_pld; i++)
		if (m->pl[i].type == IKEV2_PL_NOTIFY &&
		    m->pl[i].u.n.type == type)
			return &m->pl[i].u.n;
	return NULL;
}

const struct ike_notify *ike_msg_error(const struct ike_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->n_pld; i++)
		if (m->pl[i].type == IKEV2_PL_NOTIFY &&
		    m->pl[i].u.n.type <= IKEV2_N_ERROR_MAX)
			return &m->pl[i].u.n;
	return NULL;
}

/* ---- building ---- */

static void put8(struct ike_wbuf *w, uint8_t v)
{
	ike_build_bytes(w, &v, 1);
}

static void put16(struct ike_wbuf *w, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	ike_build_bytes(w, b, 2);
}

static void put32(struct ike_wbuf *w, uint32_t v)
{
	uint8_t b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	ike_build_bytes(w, b, 4);
}

static void set16(struct ike_wbuf *w, size_t off, size_t v)
{
	if (w->err)
		return;
	if (v > 0xffff) {
		w->err = IKE_E_NOSPC;	/* no length field can say it */
		return;
	}
	w->p[off] = v >> 8;
	w->p[off + 1] = v & 0xff;
}

static void fail(struct ike_wbuf *w, enum ike_err e)
{
	if (!w->err)
		w->err = e;
}

void ike_wbuf_init(struct ike_wbuf *w, uint8_t *buf, size_t cap)
{
	w->p = buf;
	w->cap = cap;
	w->len = 0;
	w->next_off = NO_NEXT;
	w->first = IKEV2_PL_NONE;
	w->has_hdr = 0;
	w->err = IKE_OK;
}

void ike_build_bytes(struct ike_wbuf *w, const void *p, size_t len)
{
	if (w->err)
		return;
	if (len > w->cap - w->len) {
		w->err = IKE_E_NOSPC;
		return;
	}
	if (len)
		memcpy(w->p + w->len, p, len);
	w->len += len;
}

void ike_build_hdr(struct ike_wbuf *w, const struct ike_hdr *h)
{
	ike_build_bytes(w, h->ispi, IKEV2_SPI_LEN);
	ike_build_bytes(w, h->rspi, IKEV2_SPI_LEN);
	w->next_off = w->len;
	put8(w, IKEV2_PL_NONE);
	put8(w, h->version);
	put8(w, h->exchange);
	put8(w, h->flags);
	put32(w, h->msgid);
	put32(w, 0);
	w->has_hdr = 1;
}

/* Chain a payload of this type to the previous one (or the header). */
static void link_next(struct ike_wbuf *w, uint8_t type)
{
	if (w->err)
		return;
	if (w->next_off == NO_NEXT)
		w->first = type;
	else
		w->p[w->next_off] = type;
}

size_t ike_build_begin(struct ike_wbuf *w, uint8_t type, int critical)
{
	size_t off = w->len;

	link_next(w, type);
	put8(w, IKEV2_PL_NONE);
	put8(w, critical ? IKEV2_CRITICAL : 0);
	put16(w, 0);
	if (!w->err)
		w->next_off = off;
	return off;
}

void ike_build_end(struct ike_wbuf *w, size_t off)
{
	set16(w, off + 2, w->len - off);
}

void ike_build_raw(struct ike_wbuf *w, uint8_t type, int critical,
		   const uint8_t *p, size_t len)
{
	size_t off = ike_build_begin(w, type, critical);

	ike_build_bytes(w, p, len);
	ike_build_end(w, off);
}

static void build_attrs(struct ike_wbuf *w, const struct ike_xform *x)
{
	const uint8_t *p = x->attrs.p;
	size_t pos = 0, alen;

	if (x->keylen) {
		put16(w, IKEV2_ATTR_AF | IKEV2_ATTR_KEY_LENGTH);
		put16(w, x->keylen);
	}
	while (pos < x->attrs.len &&
	       (alen = attr_len(p + pos, x->attrs.len - pos))) {
		if (!attr_is_keylen(p + pos))
			ike_build_bytes(w, p + pos, alen);
		pos += alen;
	}
}

static void build_prop(struct ike_wbuf *w, const struct ike_prop *pr,
		       int last)
{
	size_t off = w->len, xoff;
	unsigned int i;

	if (pr->spi_size > IKE_MAX_SPI_LEN || pr->n_xforms > IKE_MAX_XFORMS) {
		fail(w, IKE_E_BUILD);
		return;
	}
	put8(w, last ? IKEV2_PROP_LAST : IKEV2_PROP_MORE);
	put8(w, 0);
	put16(w, 0);
	put8(w, pr->num);
	put8(w, pr->proto);
	put8(w, pr->spi_size);
	put8(w, pr->n_xforms);
	ike_build_bytes(w, pr->spi, pr->spi_size);
	for (i = 0; i < pr->n_xforms; i++) {
		xoff = w->len;
		put8(w, i + 1 == pr->n_xforms ? IKEV2_XFORM_LAST :
						IKEV2_XFORM_MORE);
		put8(w, 0);
		put16(w, 0);
		put8(w, pr->xf[i].type);
		put8(w, 0);
		put16(w, pr->xf[i].id);
		build_attrs(w, &pr->xf[i]);
		set16(w, xoff + 2, w->len - xoff);
	}
	set16(w, off + 2, w->len - off);
}

void ike_build_sa(struct ike_wbuf *w, const struct ike_sa *sa)
{
	size_t off = ike_build_begin(w, IKEV2_PL_SA, 0);
	unsigned int i;

	if (!sa->n_props || sa->n_props > IKE_MAX_PROPS)
		fail(w, IKE_E_BUILD);
	for (i = 0; i < sa->n_props && i < IKE_MAX_PROPS; i++)
		build_prop(w, &sa->prop[i], i + 1 == sa->n_props);
	ike_build_end(w, off);
}

void ike_build_ke(struct ike_wbuf *w, const struct ike_ke *ke)
{
	size_t off = ike_build_begin(w, IKEV2_PL_KE, 0);

	put16(w, ke->group);
	put16(w, 0);
	ike_build_bytes(w, ke->data.p, ke->data.len);
	ike_build_end(w, off);
}

void ike_build_nonce(struct ike_wbuf *w, const uint8_t *p, size_t len)
{
	ike_build_raw(w, IKEV2_PL_NONCE, 0, p, len);
}

/* A payload of one type octet, three reserved, then data (ID, AUTH). */
static void build_typed(struct ike_wbuf *w, uint8_t pl, uint8_t type,
			const struct ike_blob *data)
{
	size_t off = ike_build_begin(w, pl, 0);

	put8(w, type);
	put8(w, 0);
	put16(w, 0);
	ike_build_bytes(w, data->p, data->len);
	ike_build_end(w, off);
}

void ike_build_id(struct ike_wbuf *w, uint8_t type, const struct ike_id *id)
{
	build_typed(w, type, id->type, &id->data);
}

void ike_build_auth(struct ike_wbuf *w, const struct ike_auth *a)
{
	build_typed(w, IKEV2_PL_AUTH, a->method, &a->data);
}

void ike_build_notify(struct ike_wbuf *w, const struct ike_notify *n)
{
	size_t off = ike_build_begin(w, IKEV2_PL_NOTIFY, 0);

	if (n->spi_size > IKE_MAX_SPI_LEN)
		fail(w, IKE_E_BUILD);
	put8(w, n->proto);
	put8(w, n->spi_size);
	put16(w, n->type);
	ike_build_bytes(w, n->spi, n->spi_size);
	ike_build_bytes(w, n->data.p, n->data.len);
	ike_build_end(w, off);
}

void ike_build_delete(struct ike_wbuf *w, const struct ike_delete *d)
{
	size_t off = ike_build_begin(w, IKEV2_PL_DELETE, 0);

	if (d->spis.len != (size_t)d->n_spi * d->spi_size)
		fail(w, IKE_E_BUILD);
	put8(w, d->proto);
	put8(w, d->spi_size);
	put16(w, d->n_spi);
	ike_build_bytes(w, d->spis.p, d->spis.len);
	ike_build_end(w, off);
}

void ike_build_ts(struct ike_wbuf *w, uint8_t type,
		  const struct ike_ts_pld *tp)
{
	size_t off = ike_build_begin(w, type, 0), alen;
	const struct ike_ts *t;
	unsigned int i;

	if (!tp->n || tp->n > IKE_MAX_TS)
		fail(w, IKE_E_BUILD);
	put8(w, tp->n);
	put8(w, 0);
	put16(w, 0);
	for (i = 0; i < tp->n && i < IKE_MAX_TS; i++) {
		t = &tp->ts[i];
		alen = ts_addr_len(t->type);
		if (!alen)
			fail(w, IKE_E_BUILD);
		put8(w, t->type);
		put8(w, t->proto);
		put16(w, 8 + 2 * alen);
		put16(w, t->sport);
		put16(w, t->eport);
		ike_build_bytes(w, t->start, alen);
		ike_build_bytes(w, t->end, alen);
	}
	ike_build_end(w, off);
}

void ike_build_cert(struct ike_wbuf *w, uint8_t type,
		    const struct ike_cert *c)
{
	size_t off = ike_build_begin(w, type, 0);

	put8(w, c->enc);
	ike_build_bytes(w, c->data.p, c->data.len);
	ike_build_end(w, off);
}

void ike_build_vendor(struct ike_wbuf *w, const uint8_t *p, size_t len)
{
	ike_build_raw(w, IKEV2_PL_VENDOR, 0, p, len);
}

size_t ike_build_sk_begin(struct ike_wbuf *w, uint8_t first)
{
	size_t off = ike_build_begin(w, IKEV2_PL_SK, 0);

	/* SK ends the chain: its Next Payload is the first inner one. */
	if (!w->err)
		w->p[off] = first;
	w->next_off = NO_NEXT;
	return off;
}

size_t ike_build_skf_begin(struct ike_wbuf *w, uint8_t first, uint16_t num,
			   uint16_t total)
{
	size_t off = ike_build_begin(w, IKEV2_PL_SKF, 0);

	if (!w->err)
		w->p[off] = first;
	put16(w, num);
	put16(w, total);
	w->next_off = NO_NEXT;
	return off;
}

void ike_build_sk(struct ike_wbuf *w, uint8_t type, const struct ike_sk *sk)
{
	size_t off = ike_build_begin(w, type, 0);

	if (!w->err)
		w->p[off] = sk->first;
	if (type == IKEV2_PL_SKF) {
		put16(w, sk->frag_num);
		put16(w, sk->frag_total);
	}
	ike_build_bytes(w, sk->data.p, sk->data.len);
	ike_build_end(w, off);
	w->next_off = NO_NEXT;
}

long ike_build_done(struct ike_wbuf *w)
{
	if (w->err)
		return -(long)w->err;
	if (w->has_hdr) {
		w->p[24] = (w->len >> 24) & 0xff;
		w->p[25] = (w->len >> 16) & 0xff;
		w->p[26] = (w->len >> 8) & 0xff;
		w->p[27] = w->len & 0xff;
	}
	return (long)w->len;
}

static void build_one(struct ike_wbuf *w, const struct ike_msg *m,
		      const struct ike_pld *pl)
{
	if (!pl->known) {
		ike_build_raw(w, pl->type, pl->critical, pl->body.p,
			      pl->body.len);
		return;
	}
	switch (pl->type) {
	case IKEV2_PL_SA:
		ike_build_sa(w, &m->sa);
		break;
	case IKEV2_PL_KE:
		ike_build_ke(w, &pl->u.ke);
		break;
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		ike_build_id(w, pl->type, &pl->u.id);
		break;
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
		ike_build_cert(w, pl->type, &pl->u.cert);
		break;
	case IKEV2_PL_AUTH:
		ike_build_auth(w, &pl->u.auth);
		break;
	case IKEV2_PL_NONCE:
		ike_build_nonce(w, pl->u.nonce.p, pl->u.nonce.len);
		break;
	case IKEV2_PL_NOTIFY:
		ike_build_notify(w, &pl->u.n);
		break;
	case IKEV2_PL_DELETE:
		ike_build_delete(w, &pl->u.d);
		break;
	case IKEV2_PL_VENDOR:
		ike_build_vendor(w, pl->u.vendor.p, pl->u.vendor.len);
		break;
	case IKEV2_PL_TSI:
		ike_build_ts(w, pl->type, &m->tsi);
		break;
	case IKEV2_PL_TSR:
		ike_build_ts(w, pl->type, &m->tsr);
		break;
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF:
		ike_build_sk(w, pl->type, &pl->u.sk);
		break;
	default:
		ike_build_raw(w, pl->type, 0, pl->body.p, pl->body.len);
	}
}

long ike_msg_build(struct ike_wbuf *w, const struct ike_msg *m)
{
	unsigned int i;

	ike_build_hdr(w, &m->hdr);
	for (i = 0; i < m->n_pld; i++)
		if (!m->pl[i].inner)
			build_one(w, m, &m->pl[i]);
	return ike_build_done(w);
}
