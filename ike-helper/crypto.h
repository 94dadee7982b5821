/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 crypto on OpenSSL 3 (EVP only): the PRFs, prf+ (RFC 7296 2.13),
 * the IKE SA keys (2.14, rekeyed 2.18), a Child SA's KEYMAT (2.17), and
 * the Encrypted payload (3.14) with AES-GCM-16 (RFC 5282), ChaCha20-Poly1305
 * (RFC 7634) or AES-CBC and HMAC-SHA1/SHA2 (RFC 4868).
 *
 * Key material lives in struct ike_chunk buffers, wiped when freed
 * (OPENSSL_clear_free); intermediate secrets (SKEYSEED) are wiped before a
 * function returns.  Errors: -EINVAL (unsupported algorithm, bad length),
 * -ENOMEM, -ENOSPC (buffer too small), -EBADMSG (integrity check failed,
 * or padding that cannot be), -EIO (OpenSSL failed).
 */
#ifndef VGATE_IKE_CRYPTO_H
#define VGATE_IKE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "ikev2.h"
#include "pld.h"	/* struct ike_blob */

#define IKE_PRF_MAX	64	/* longest PRF output (HMAC-SHA2-512) */

struct ike_chunk {
	uint8_t *p;
	size_t len;
};

int ike_chunk_alloc(struct ike_chunk *c, size_t len);
/* Wipe and free; a zeroed chunk is fine. */
void ike_chunk_free(struct ike_chunk *c);

/*
 * PRF output length, and its preferred key length (the length of SK_d,
 * SK_pi, SK_pr); 0 if unsupported.  Supported: HMAC-SHA2-256/384/512,
 * HMAC-SHA1 (legacy peers), AES128-XCBC (RFC 4434).
 */
size_t ike_prf_len(uint16_t prf);
size_t ike_prf_keylen(uint16_t prf);

/* prf(key, in[0] | in[1] | ...): ike_prf_len(prf) octets to out. */
int ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
	    const struct ike_blob *in, unsigned int n_in, uint8_t *out);
/* prf+ (2.13): outlen octets, at most 255 * ike_prf_len(prf). */
int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
		 const struct ike_blob *seed, unsigned int n_seed,
		 uint8_t *out, size_t outlen);

/*
 * Key lengths in octets (0 if unsupported; ENCR includes the 4-octet salt
 * of AES-GCM and ChaCha20-Poly1305, whose keybits is 0 or 256).
 */
size_t ike_encr_keylen(uint16_t encr, uint16_t keybits);
size_t ike_integ_keylen(uint16_t integ);
size_t ike_integ_icvlen(uint16_t integ);

/* An IKE SA's algorithms (INTEG is IKEV2_INTEG_NONE with AES-GCM). */
struct ike_algs {
	uint16_t encr, encr_keybits, prf, integ;
};

/* The seven keys of 2.14, slices of one wiped buffer. */
struct ike_sa_keys {
	struct ike_chunk buf;
	struct ike_blob d, ai, ar, ei, er, pi, pr;
};

/*
 * SKEYSEED = prf(Ni | Nr, g^ir); the keys = prf+(SKEYSEED, Ni | Nr | SPIi
 * | SPIr).  g^ir as ike_dh_derive() gives it (padded to the modulus).
 */
int ike_sa_keys_derive(struct ike_sa_keys *k, const struct ike_algs *a,
		       const struct ike_blob *gir, const struct ike_blob *ni,
		       const struct ike_blob *nr,
		       const uint8_t spii[IKEV2_SPI_LEN],
		       const uint8_t spir[IKEV2_SPI_LEN]);
/*
 * 2.18: SKEYSEED = prf_old(SK_d old, g^ir new | Ni | Nr), then as above
 * with the new SA's algorithms, nonces and SPIs.
 */
int ike_sa_keys_rekey(struct ike_sa_keys *k, const struct ike_algs *a,
		      uint16_t old_prf, const struct ike_blob *old_sk_d,
		      const struct ike_blob *gir, const struct ike_blob *ni,
		      const struct ike_blob *nr,
		      const uint8_t spii[IKEV2_SPI_LEN],
		      const uint8_t spir[IKEV2_SPI_LEN]);
void ike_sa_keys_free(struct ike_sa_keys *k);

/*
 * A Child SA's keys (2.17): KEYMAT = prf+(SK_d, [g^ir new |] Ni | Nr),
 * taken initiator-to-responder first, encryption before integrity:
 * ei, ai (i->r), then er, ar (r->i).  gir: NULL without PFS.
 */
struct ike_child_keys {
	struct ike_chunk buf;
	struct ike_blob ei, ai, er, ar;
};

int ike_child_keys_derive(struct ike_child_keys *k, uint16_t prf,
			  const struct ike_blob *sk_d,
			  const struct ike_blob *gir,
			  const struct ike_blob *ni, const struct ike_blob *nr,
			  size_t encr_len, size_t integ_len);
void ike_child_keys_free(struct ike_child_keys *k);

/*
 * One direction of an IKE SA's Encrypted payload: SK_ei/SK_ai to send as
 * initiator (and receive as responder), SK_er/SK_ar the other way.
 * The keys are not copied: they must outlive the struct.
 */
struct ike_sk_ctx {
	uint16_t encr, encr_keybits, integ;
	struct ike_blob ekey;	/* SK_e: key, then salt for an AEAD */
	struct ike_blob akey;	/* SK_a: empty for an AEAD */
	uint64_t iv_seq;	/* AEAD: the next IV (never repeats a nonce) */
};

/* Check the algorithms and key lengths: 0 or -EINVAL. */
int ike_sk_ctx_check(const struct ike_sk_ctx *c);

/*
 * Encrypt: msg[0, data_off) holds the header, any payloads before SK and
 * the SK (or SKF) payload header; plain (the inner payloads) becomes
 * IV | ciphertext (padding, pad length) | ICV from data_off on.  The SK
 * payload's length (at sk_off) and the message length are set first:
 * they are covered by the AAD (GCM) or the ICV (CBC).  *msg_len: the
 * whole message.
 */
int ike_sk_encrypt(struct ike_sk_ctx *c, uint8_t *msg, size_t cap,
		   size_t sk_off, size_t data_off, const uint8_t *plain,
		   size_t plain_len, size_t *msg_len);
/*
 * Decrypt: msg (msg_len octets, as parsed: the SK or SKF payload's data
 * from data_off to the end) into plain (room for msg_len octets); checks
 * the ICV before anything else.  *plain_len: the inner payloads, without
 * padding.
 */
int ike_sk_decrypt(const struct ike_sk_ctx *c, const uint8_t *msg,
		   size_t msg_len, size_t data_off, uint8_t *plain,
		   size_t *plain_len);

/*
 * 2.15: the octets a peer's AUTH covers, its "SignedOctets": its own
 * IKE_SA_INIT message as sent (msg), the other peer's nonce data, and
 * prf(SK_px, its ID payload body from the ID Type on); SK_pi for the
 * initiator, SK_pr for the responder.  For signatures.
 */
int ike_auth_octets(uint16_t prf, const struct ike_blob *msg,
		    const struct ike_blob *nonce, const struct ike_blob *sk_p,
		    const struct ike_blob *id_body, struct ike_chunk *out);
/*
 * 2.15: a shared-key AUTH: prf(prf(PSK, "Key Pad for IKEv2"),
 * SignedOctets); ike_prf_len(prf) octets to out.
 */
int ike_auth_psk(uint16_t prf, const struct ike_blob *psk,
		 const struct ike_blob *msg, const struct ike_blob *nonce,
		 const struct ike_blob *sk_p, const struct ike_blob *id_body,
		 uint8_t *out);

/* 2.23: NAT_DETECTION_*_IP data, SHA-1(SPIi | SPIr | address | port). */
#define IKE_NATD_LEN	20
int ike_natd_hash(const uint8_t spii[IKEV2_SPI_LEN],
		  const uint8_t spir[IKEV2_SPI_LEN], const uint8_t *addr,
		  size_t alen, uint16_t port, uint8_t out[IKE_NATD_LEN]);

/*
 * AES-GCM with a 16-octet tag, as the Encrypted payload uses it: nonce =
 * salt (4) | iv (8) (RFC 5282 4).  Exposed for known-answer tests.
 */
int ike_gcm_seal(const uint8_t *key, size_t klen, const uint8_t nonce[12],
		 const uint8_t *aad, size_t aadlen, const uint8_t *in,
		 size_t len, uint8_t *out, uint8_t tag[16]);
int ike_gcm_open(const uint8_t *key, size_t klen, const uint8_t nonce[12],
		 const uint8_t *aad, size_t aadlen, const uint8_t *in,
		 size_t len, uint8_t *out, const uint8_t tag[16]);

#endif
