/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 Diffie-Hellman on OpenSSL 3 (after OpenIKED's dh.c): MODP groups
 * 14, 15, 16 (RFC 3526), ECP groups 19, 20, 21 (RFC 5903), Curve25519
 * (group 31, RFC 8031), and for legacy peers only MODP groups 2 (RFC 2409)
 * and 5 (RFC 3526), which need IKE_DH_ALLOW_WEAK.
 *
 * Public values in the KE payload's format (RFC 7296 3.4): MODP as a
 * big-endian number padded to the prime's length; ECP as x | y, each
 * padded to the field size, without the 0x04 prefix (RFC 5903 7);
 * Curve25519 as the 32-octet u-coordinate (RFC 8031 2).  The shared
 * secret g^ir likewise: MODP padded to the prime, ECP the x-coordinate,
 * Curve25519 the 32 octets.
 *
 * Errors: -ENOTSUP (group not supported), -EPERM (weak group not
 * allowed), -EBADMSG (peer value of the wrong length for the group),
 * -EDOM (peer value invalid: out of 1 < y < p-1, a point not on the curve,
 * an all-zero Curve25519 result), -ENOMEM, -EIO (OpenSSL failed).
 */
#ifndef VGATE_IKE_DH_H
#define VGATE_IKE_DH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"	/* struct ike_chunk */

enum ike_dh_kind {
	IKE_DH_MODP,
	IKE_DH_ECP,
	IKE_DH_X25519,
};

struct ike_dh_group {
	uint16_t group;		/* enum ikev2_dh */
	enum ike_dh_kind kind;
	const char *name;	/* OpenSSL's group or curve name */
	size_t publen;		/* KE data length */
	size_t secretlen;	/* g^ir length */
	int weak;		/* legacy only: 2 and 5 */
};

/* The group's description, or NULL if not supported. */
const struct ike_dh_group *ike_dh_group(uint16_t group);

#define IKE_DH_ALLOW_WEAK	0x1

struct ike_dh;

/* A fresh key pair of the group. */
int ike_dh_new(struct ike_dh **dh, uint16_t group, unsigned int flags);
/*
 * A key pair from a given private value (ECP: the scalar, big-endian;
 * Curve25519: the 32-octet scalar): for known-answer tests only.
 */
int ike_dh_new_private(struct ike_dh **dh, uint16_t group,
		       const uint8_t *priv, size_t len);
void ike_dh_free(struct ike_dh *dh);

uint16_t ike_dh_group_id(const struct ike_dh *dh);
/* Our public value as KE data: ike_dh_group()->publen octets to out. */
int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t cap);
/* g^ir from the peer's KE data, validated; secret: wiped on free. */
int ike_dh_derive(struct ike_dh *dh, const uint8_t *peer, size_t len,
		  struct ike_chunk *secret);
/* A MODP group's prime (publen octets): for tests and diagnostics. */
int ike_dh_prime(const struct ike_dh *dh, uint8_t *out, size_t cap);

#endif
