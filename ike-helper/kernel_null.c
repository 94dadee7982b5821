// SPDX-License-Identifier: GPL-2.0
/*
 * The null kernel backend (--kernel=null): SPIs allocated and SAs recorded
 * in memory, each change reported as one line on the report stream (the
 * daemon's stdout, kernel.c), never with its keys:
 *
 *   SA add ... (kernel.c's line)
 *   SA del peer=NAME dir=in|out spi=HEX
 *   SA list ... (same fields as add, on dump)
 */
#include <errno.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

struct null_sa {
	struct null_sa *next;
	int used;			/* add_sa done (else SPI reserved) */
	struct kernel_rec r;		/* spi, dir, dst: also when reserved */
};

struct null_ctx {
	FILE *report;
	struct null_sa *sas;
};

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
		if (s->r.spi == spi)
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
	s->r.spi = v;
	s->r.dir = KERNEL_IN;
	s->r.dst = *dst;
	s->next = c->sas;
	c->sas = s;
	*spi = v;
	return 0;
}

static int null_add_sa(void *ctx, const struct kernel_sa *sa)
{
	struct null_ctx *c = ctx;
	struct null_sa *s = find(c, sa->spi);

	if (sa->dir == KERNEL_IN) {
		/* inbound SPIs come from get_spi */
		if (!s || s->used || s->r.dir != KERNEL_IN)
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
	kernel_rec_fill(&s->r, sa);
	kernel_rec_print(c->report, "add", &s->r, NULL);
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
		if ((*pp)->r.spi == spi)
			break;
	s = *pp;
	if (!s)
		return -ENOENT;
	*pp = s->next;
	if (s->used) {
		fprintf(c->report, "SA del peer=%s dir=%s spi=%08x\n",
			s->r.peer, s->r.dir == KERNEL_IN ? "in" : "out",
			s->r.spi);
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
			kernel_rec_print(c->report, "list", &s->r, NULL);
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
