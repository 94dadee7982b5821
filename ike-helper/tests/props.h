/* SPDX-License-Identifier: GPL-2.0 */
/* Test helper: SA proposals (struct ike_sa, pld.h) built by hand. */
#ifndef IKE_TEST_PROPS_H
#define IKE_TEST_PROPS_H

#include <stdint.h>
#include <string.h>

#include "pld.h"

/*
 * The next proposal of sa, numbered from 1, for proto with the SPI of
 * spi_size octets at spi (none: 0, NULL) and no transform yet.  sa must
 * start zeroed.
 */
static inline struct ike_prop *prop_add(struct ike_sa *sa, uint8_t proto,
					const void *spi, uint8_t spi_size)
{
	struct ike_prop *pr = &sa->prop[sa->n_props++];

	pr->num = sa->n_props;
	pr->proto = proto;
	pr->spi_size = spi_size;
	if (spi_size)
		memcpy(pr->spi, spi, spi_size);
	return pr;
}

/* The next transform of pr, without attributes but the key length kl. */
static inline void xf(struct ike_prop *pr, uint8_t type, uint16_t id,
		      uint16_t kl)
{
	struct ike_xform *x = &pr->xf[pr->n_xforms++];

	x->type = type;
	x->id = id;
	x->keylen = kl;
	x->attrs.p = NULL;
	x->attrs.len = 0;
}

#endif
