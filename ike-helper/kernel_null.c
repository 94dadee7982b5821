// SPDX-License-Identifier: GPL-2.0
/*
 * The null kernel backend (--kernel=null): SPIs allocated and SAs recorded
 * in memory, each change reported as one line on the report stream (the
 * daemon's stdout), never with its keys:
 *
 *   SA add peer=NAME dir=in|out spi=HEX proto=esp mode=tunnel src=ADDR
 *      dst=ADDR enc=NAME integ=NAME esn=yes|no reqid=N keys=CHECK
 *      local_ts=TS remote_ts=TS
 *   SA del peer=NAME dir=in|out spi=HEX
 *   SA list ... (same fields as add, on dump)
 *
 * keys=CHECK: the first 4 octets of SHA-256 over the encryption then the
 * integrity key, in hex: a one-way check value, so that a test can see
 * that two daemons derived the same keys (one's out is the other's in)
 * without either printing a key.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2.h"
#include "kernel.h"
#include "policy.h"

struct null_sa {
	struct null_sa *next;
	int used;			/* add_sa done (else SPI reserved) */
	char peer[64];
	enum kernel_dir dir;
	uint32_t spi, reqid;
	struct sockaddr_storage src, dst;
	uint16_t encr, encr_bits, integ;
	int esn;
	char check[9];
	struct ike_ts_pld ts_local, ts_remote;
};

struct null_ctx {
	FILE *report;
	struct null_sa *sas;
};

static void addr_str(const struct sockaddr_storage *ss, char *buf,
		     size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, buf, len))
		snprintf(buf, len, "?");
}

static int null_init(void **ctx, FILE *report)
{
	struct null_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->report = report;
	*ctx = c;
	return 0;
}

static struct null_sa *find(struct null_ctx *c, uint32_t spi)
{
	struct null_sa *s;

	for (s = c->sas; s; s = s->next)
		if (s->spi == spi)
			return s;
	return NULL;
}

static int null_get_spi(void *ctx, const struct sockaddr_storage *src,
			const struct sockaddr_storage *dst, uint8_t proto,
			uint32_t *spi)
{
	struct null_ctx *c = ctx;
	struct null_sa *s;
	uint32_t v;

	(void)src;
	(void)proto;
	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return -EIO;
	} while (v < 256 || find(c, v));	/* 1..255: reserved (RFC 4303) */
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->spi = v;
	s->dir = KERNEL_IN;
	s->dst = *dst;
	s->next = c->sas;
	c->sas = s;
	*spi = v;
	return 0;
}

static void print_sa(struct null_ctx *c, const char *what,
		     const struct null_sa *s)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], enc[40];
	char lts[512], rts[512];

	addr_str(&s->src, src, sizeof(src));
	addr_str(&s->dst, dst, sizeof(dst));
	pol_ts_str(&s->ts_local, lts, sizeof(lts));
	pol_ts_str(&s->ts_remote, rts, sizeof(rts));
	fprintf(c->report, "SA %s peer=%s dir=%s spi=%08x proto=esp mode=tunnel src=%s dst=%s enc=%s integ=%s esn=%s reqid=%u keys=%s local_ts=%s remote_ts=%s\n",
		what, s->peer, s->dir == KERNEL_IN ? "in" : "out", s->spi,
		src, dst, pol_encr_name(s->encr, s->encr_bits, enc,
					sizeof(enc)),
		pol_integ_name(s->integ), s->esn ? "yes" : "no", s->reqid,
		s->check, lts, rts);
	fflush(c->report);
}

static int null_add_sa(void *ctx, const struct kernel_sa *sa)
{
	struct null_ctx *c = ctx;
	struct null_sa *s = find(c, sa->spi);
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *h;
	int i;

	if (sa->dir == KERNEL_IN) {
		/* inbound SPIs come from get_spi */
		if (!s || s->used || s->dir != KERNEL_IN)
			return -ENOENT;
	} else {
		if (s && s->used)
			return -EEXIST;
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->next = c->sas;
		c->sas = s;
	}
	s->used = 1;
	snprintf(s->peer, sizeof(s->peer), "%s", sa->peer);
	s->dir = sa->dir;
	s->spi = sa->spi;
	s->reqid = sa->reqid;
	s->src = sa->src;
	s->dst = sa->dst;
	s->encr = sa->encr;
	s->encr_bits = sa->encr_bits;
	s->integ = sa->integ;
	s->esn = sa->esn;
	s->ts_local = *sa->ts_local;
	s->ts_remote = *sa->ts_remote;
	h = EVP_MD_CTX_new();
	if (!h || !EVP_DigestInit_ex(h, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(h, sa->ekey.p, sa->ekey.len) ||
	    !EVP_DigestUpdate(h, sa->akey.p, sa->akey.len) ||
	    !EVP_DigestFinal_ex(h, md, &mdlen))
		snprintf(s->check, sizeof(s->check), "?");
	else
		for (i = 0; i < 4; i++)
			sprintf(s->check + 2 * i, "%02x", md[i]);
	EVP_MD_CTX_free(h);
	print_sa(c, "add", s);
	return 0;
}

static int null_del_sa(void *ctx, const struct sockaddr_storage *dst,
		       uint8_t proto, uint32_t spi)
{
	struct null_ctx *c = ctx;
	struct null_sa **pp, *s;

	(void)dst;
	(void)proto;
	for (pp = &c->sas; *pp; pp = &(*pp)->next)
		if ((*pp)->spi == spi)
			break;
	s = *pp;
	if (!s)
		return -ENOENT;
	*pp = s->next;
	if (s->used) {
		fprintf(c->report, "SA del peer=%s dir=%s spi=%08x\n", s->peer,
			s->dir == KERNEL_IN ? "in" : "out", s->spi);
		fflush(c->report);
	}
	free(s);
	return 0;
}

static void null_dump(void *ctx)
{
	struct null_ctx *c = ctx;
	struct null_sa *s;

	for (s = c->sas; s; s = s->next)
		if (s->used)
			print_sa(c, "list", s);
}

static void null_fini(void *ctx)
{
	struct null_ctx *c = ctx;

	while (c->sas) {
		struct null_sa *s = c->sas;

		c->sas = s->next;
		free(s);
	}
	free(c);
}

const struct kernel_ops kernel_null_ops = {
	.name = "null",
	.init = null_init,
	.get_spi = null_get_spi,
	.add_sa = null_add_sa,
	.del_sa = null_del_sa,
	.dump = null_dump,
	.fini = null_fini,
};

const struct kernel_ops *kernel_ops_find(const char *name)
{
	if (!strcmp(name, "null"))
		return &kernel_null_ops;
	return NULL;
}
