// SPDX-License-Identifier: GPL-2.0
/*
 * Stateless cookies of RFC 7296 2.6: with `cookie_threshold` or more
 * responder IKE SAs waiting for IKE_AUTH, an IKE_SA_INIT request is
 * answered with N(COOKIE) and no state until the initiator sends it back,
 * which proves it receives at its source address.
 *
 *   cookie = version (4 octets) | HMAC-SHA2-256(secret, Ni | IPi | SPIi)
 *
 * The secret is random, replaced every COOKIE_SECRET_MS; a cookie made
 * with the previous one is still taken (the version says which), so an
 * initiator that got its cookie just before the change is not turned
 * away.  The secrets are wiped when replaced and at exit.
 */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

#include "cookie.h"
#include "iked.h"

#define COOKIE_SECRET_MS	120000

static int secret_new(struct iked_cookies *ck, uint64_t now)
{
	struct iked_cookie_secret *s = &ck->s[++ck->version & 1];

	OPENSSL_cleanse(s->key, sizeof(s->key));
	if (RAND_bytes(s->key, sizeof(s->key)) != 1)
		return -1;
	s->version = ck->version;
	s->valid = 1;
	ck->changed_ms = now;
	return 0;
}

static size_t cookie_calc(const struct iked_cookie_secret *s,
			  const struct ike_msg *m, const struct ike_blob *ni,
			  const struct sockaddr_storage *src, uint8_t *out)
{
	struct ike_blob in[3] = { *ni };

	if (src->ss_family == AF_INET6) {
		in[1].p = ((const struct sockaddr_in6 *)src)->sin6_addr.s6_addr;
		in[1].len = 16;
	} else {
		in[1].p = (const uint8_t *)
			  &((const struct sockaddr_in *)src)->sin_addr;
		in[1].len = 4;
	}
	in[2].p = m->hdr.ispi;
	in[2].len = IKEV2_SPI_LEN;
	out[0] = s->version >> 24;
	out[1] = s->version >> 16;
	out[2] = s->version >> 8;
	out[3] = s->version;
	if (ike_prf(IKEV2_PRF_HMAC_SHA2_256, s->key, sizeof(s->key), in, 3,
		    out + 4))
		return 0;
	return IKED_COOKIE_LEN;
}

int cookie_required(const struct iked *d, unsigned int half_open)
{
	return d->conf.cookie_threshold >= 0 &&
	       half_open >= (unsigned int)d->conf.cookie_threshold;
}

int cookie_check(struct iked *d, const struct ike_msg *m,
		 const struct ike_blob *ni, const struct sockaddr_storage *src,
		 uint8_t *fresh, size_t *fresh_len)
{
	struct iked_cookies *ck = &d->cookies;
	const struct ike_notify *n = ike_msg_notify(m, IKEV2_N_COOKIE);
	uint64_t now = iked_now_ms();
	uint8_t want[IKED_COOKIE_LEN];
	int ok = 0;

	if (!ck->s[ck->version & 1].valid ||
	    now - ck->changed_ms >= COOKIE_SECRET_MS)
		if (secret_new(ck, now))
			return -1;
	if (n && n->data.len == IKED_COOKIE_LEN) {
		uint32_t v = (uint32_t)n->data.p[0] << 24 |
			     n->data.p[1] << 16 | n->data.p[2] << 8 |
			     n->data.p[3];
		const struct iked_cookie_secret *s = &ck->s[v & 1];

		if (s->valid && s->version == v &&
		    cookie_calc(s, m, ni, src, want) &&
		    !CRYPTO_memcmp(want, n->data.p, IKED_COOKIE_LEN))
			ok = 1;
	}
	if (ok) {
		d->st.cookies_ok++;
		return 1;
	}
	if (n)
		d->st.cookies_bad++;
	*fresh_len = cookie_calc(&ck->s[ck->version & 1], m, ni, src, fresh);
	if (!*fresh_len)
		return -1;
	d->st.cookies_sent++;
	return 0;
}

void cookie_wipe(struct iked *d)
{
	OPENSSL_cleanse(&d->cookies, sizeof(d->cookies));
}
