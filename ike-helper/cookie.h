/* SPDX-License-Identifier: GPL-2.0 */
/* vgate-iked's stateless cookies as responder (RFC 7296 2.6, cookie.c). */
#ifndef VGATE_IKED_COOKIE_H
#define VGATE_IKED_COOKIE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "pld.h"

#define IKED_COOKIE_LEN	36	/* version (4) | HMAC-SHA2-256 (32) */

struct iked_cookie_secret {
	uint32_t version;
	int valid;
	uint8_t key[32];
};

/* The current secret and the one before it (index: version & 1). */
struct iked_cookies {
	struct iked_cookie_secret s[2];
	uint32_t version;
	uint64_t changed_ms;
};

struct iked;

/* Must an IKE_SA_INIT request carry a cookie, with half_open responder
 * IKE SAs waiting for IKE_AUTH (conf cookie_threshold)? */
int cookie_required(const struct iked *d, unsigned int half_open);
/*
 * The request's N(COOKIE) against Ni, the source address and SPIi: 1 when
 * valid; 0 when missing or invalid, with the cookie to send in fresh
 * (IKED_COOKIE_LEN octets); -1 on an internal failure.  Counted in the
 * statistics (cookies_sent, cookies_ok, cookies_bad).
 */
int cookie_check(struct iked *d, const struct ike_msg *m,
		 const struct ike_blob *ni, const struct sockaddr_storage *src,
		 uint8_t *fresh, size_t *fresh_len);
void cookie_wipe(struct iked *d);

#endif
