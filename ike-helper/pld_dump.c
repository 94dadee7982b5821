// SPDX-License-Identifier: GPL-2.0
/*
 * A parsed message as text (pld.h, ike_msg_dump()): every decoded field,
 * blobs in hex.  Two messages that decode the same print the same, which
 * the fuzz target uses to check parse -> build -> parse; reserved fields
 * are not printed (they are not kept).
 */
#include <stdio.h>

#include "pld.h"

static void hex(FILE *f, const char *name, const uint8_t *p, size_t len)
{
	size_t i;

	fprintf(f, " %s=", name);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

static void hexb(FILE *f, const char *name, const struct ike_blob *b)
{
	hex(f, name, b->p, b->len);
}

static void dump_attrs(FILE *f, const struct ike_xform *x)
{
	const uint8_t *p = x->attrs.p;
	size_t pos = 0, alen;

	/* The unknown attributes in order; Key Length by itself. */
	fprintf(f, " keylen=%u attrs=", x->keylen);
	while (pos + 4 <= x->attrs.len) {
		alen = p[pos] & 0x80 ? 4 : 4 + (size_t)(p[pos + 2] << 8 |
							p[pos + 3]);
		if (alen > x->attrs.len - pos)
			break;
		if (((p[pos] << 8 | p[pos + 1]) & 0x7fff) !=
		    IKEV2_ATTR_KEY_LENGTH)
			hex(f, "a", p + pos, alen);
		pos += alen;
	}
}

static void dump_sa(FILE *f, const struct ike_sa *sa)
{
	const struct ike_prop *pr;
	unsigned int i, j;

	for (i = 0; i < sa->n_props; i++) {
		pr = &sa->prop[i];
		fprintf(f, "\n  prop num=%u proto=%u", pr->num, pr->proto);
		hex(f, "spi", pr->spi, pr->spi_size);
		for (j = 0; j < pr->n_xforms; j++) {
			fprintf(f, "\n   xform type=%u id=%u", pr->xf[j].type,
				pr->xf[j].id);
			dump_attrs(f, &pr->xf[j]);
		}
	}
}

static void dump_ts(FILE *f, const struct ike_ts_pld *tp)
{
	const struct ike_ts *t;
	size_t alen;
	unsigned int i;

	for (i = 0; i < tp->n; i++) {
		t = &tp->ts[i];
		alen = t->type == IKEV2_TS_IPV4_ADDR_RANGE ? 4 : 16;
		fprintf(f, "\n  ts type=%u proto=%u ports=%u-%u", t->type,
			t->proto, t->sport, t->eport);
		hex(f, "start", t->start, alen);
		hex(f, "end", t->end, alen);
	}
}

static void dump_pld(FILE *f, const struct ike_msg *m,
		     const struct ike_pld *pl)
{
	fprintf(f, "pld %u%s%s", pl->type, pl->inner ? " inner" : "",
		pl->known ? "" : " unknown");
	if (!pl->known) {
		fprintf(f, " critical=%u", pl->critical);
		hexb(f, "body", &pl->body);
		return;
	}
	switch (pl->type) {
	case IKEV2_PL_SA:
		dump_sa(f, &m->sa);
		break;
	case IKEV2_PL_KE:
		fprintf(f, " group=%u", pl->u.ke.group);
		hexb(f, "data", &pl->u.ke.data);
		break;
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		fprintf(f, " type=%u", pl->u.id.type);
		hexb(f, "data", &pl->u.id.data);
		break;
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
		fprintf(f, " enc=%u", pl->u.cert.enc);
		hexb(f, "data", &pl->u.cert.data);
		break;
	case IKEV2_PL_AUTH:
		fprintf(f, " method=%u", pl->u.auth.method);
		hexb(f, "data", &pl->u.auth.data);
		break;
	case IKEV2_PL_NONCE:
		hexb(f, "data", &pl->u.nonce);
		break;
	case IKEV2_PL_NOTIFY:
		fprintf(f, " proto=%u type=%u", pl->u.n.proto, pl->u.n.type);
		hex(f, "spi", pl->u.n.spi, pl->u.n.spi_size);
		hexb(f, "data", &pl->u.n.data);
		break;
	case IKEV2_PL_DELETE:
		fprintf(f, " proto=%u spi_size=%u n=%u", pl->u.d.proto,
			pl->u.d.spi_size, pl->u.d.n_spi);
		hexb(f, "spis", &pl->u.d.spis);
		break;
	case IKEV2_PL_VENDOR:
		hexb(f, "data", &pl->u.vendor);
		break;
	case IKEV2_PL_TSI:
		dump_ts(f, &m->tsi);
		break;
	case IKEV2_PL_TSR:
		dump_ts(f, &m->tsr);
		break;
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF:
		fprintf(f, " first=%u frag=%u/%u", pl->u.sk.first,
			pl->u.sk.frag_num, pl->u.sk.frag_total);
		hexb(f, "data", &pl->u.sk.data);
		break;
	default:
		hexb(f, "body", &pl->body);
	}
}

void ike_msg_dump(const struct ike_msg *m, FILE *f)
{
	const struct ike_hdr *h = &m->hdr;
	unsigned int i;

	fprintf(f, "hdr");
	hex(f, "ispi", h->ispi, sizeof(h->ispi));
	hex(f, "rspi", h->rspi, sizeof(h->rspi));
	fprintf(f, " version=%u.%u exchange=%u flags=%02x msgid=%u length=%u\n",
		h->version >> 4, h->version & 15, h->exchange, h->flags,
		h->msgid, h->length);
	for (i = 0; i < m->n_pld; i++) {
		dump_pld(f, m, &m->pl[i]);
		fprintf(f, "\n");
	}
}
