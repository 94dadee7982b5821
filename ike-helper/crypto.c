// SPDX-License-Identifier: GPL-2.0
/* IKEv2 crypto on OpenSSL 3 (crypto.h); after OpenIKED's crypto.c. */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto.h"

#define AES_BLOCK	16
#define GCM_SALT	4
#define GCM_IV		8
#define GCM_TAG		16

int ike_chunk_alloc(struct ike_chunk *c, size_t len)
{
	c->p = OPENSSL_zalloc(len ? len : 1);
	c->len = c->p ? len : 0;
	return c->p ? 0 : -ENOMEM;
}

void ike_chunk_free(struct ike_chunk *c)
{
	if (c->p)
		OPENSSL_clear_free(c->p, c->len);
	c->p = NULL;
	c->len = 0;
}

/* ---- PRF ---- */

static const char *prf_digest(uint16_t prf)
{
	switch (prf) {
	case IKEV2_PRF_HMAC_SHA1:
		return "SHA1";
	case IKEV2_PRF_HMAC_SHA2_256:
		return "SHA256";
	case IKEV2_PRF_HMAC_SHA2_384:
		return "SHA384";
	case IKEV2_PRF_HMAC_SHA2_512:
		return "SHA512";
	}
	return NULL;
}

size_t ike_prf_len(uint16_t prf)
{
	switch (prf) {
	case IKEV2_PRF_HMAC_SHA1:
		return 20;
	case IKEV2_PRF_HMAC_SHA2_256:
		return 32;
	case IKEV2_PRF_HMAC_SHA2_384:
		return 48;
	case IKEV2_PRF_HMAC_SHA2_512:
		return 64;
	case IKEV2_PRF_AES128_XCBC:
		return 16;
	}
	return 0;
}

/* For the HMAC PRFs the preferred key length is the output length (2.13). */
size_t ike_prf_keylen(uint16_t prf)
{
	return ike_prf_len(prf);
}

static int hmac(const char *digest, const uint8_t *key, size_t klen,
		const struct ike_blob *in, unsigned int n_in, uint8_t *out,
		size_t outcap)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	EVP_MAC *mac;
	unsigned int i;
	size_t outl;
	int ok;

	mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = ctx && EVP_MAC_init(ctx, key, klen, params);
	for (i = 0; ok && i < n_in; i++)
		ok = !in[i].len || EVP_MAC_update(ctx, in[i].p, in[i].len);
	ok = ok && EVP_MAC_final(ctx, out, &outl, outcap);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -EIO;
}

/* One AES-128 block (ECB) under key. */
static int aes128_block(EVP_CIPHER_CTX *ctx, const uint8_t key[16],
			const uint8_t in[16], uint8_t out[16])
{
	int outl;

	if (!EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_EncryptUpdate(ctx, out, &outl, in, AES_BLOCK))
		return -EIO;
	return 0;
}

/* AES-XCBC-MAC (RFC 3566) of the concatenated inputs, 16-octet key. */
static int xcbc_mac(EVP_CIPHER_CTX *ctx, const uint8_t key[16],
		    const struct ike_blob *in, unsigned int n_in,
		    uint8_t out[16])
{
	uint8_t k[3][16], e[16] = { 0 }, blk[16];
	size_t fill = 0, total = 0, i, j;
	unsigned int n;
	int r = 0;

	for (n = 0; n < 3 && !r; n++) {
		memset(blk, n + 1, sizeof(blk));
		r = aes128_block(ctx, key, blk, k[n]);
	}
	for (n = 0; n < n_in; n++)
		total += in[n].len;
	/* Every full block but the last goes through K1 as it comes. */
	for (n = 0; n < n_in && !r; n++) {
		for (j = 0; j < in[n].len && !r; j++) {
			if (fill == AES_BLOCK) {
				for (i = 0; i < AES_BLOCK; i++)
					e[i] ^= blk[i];
				r = aes128_block(ctx, k[0], e, e);
				fill = 0;
			}
			blk[fill++] = in[n].p[j];
		}
	}
	if (!r) {
		/* The last block: whole with K2, else 10* padded with K3. */
		const uint8_t *kx = total && fill == AES_BLOCK ? k[1] : k[2];

		if (!total || fill < AES_BLOCK) {
			blk[fill] = 0x80;
			memset(blk + fill + 1, 0, AES_BLOCK - fill - 1);
		}
		for (i = 0; i < AES_BLOCK; i++)
			e[i] ^= blk[i] ^ kx[i];
		r = aes128_block(ctx, k[0], e, out);
	}
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(e, sizeof(e));
	OPENSSL_cleanse(blk, sizeof(blk));
	return r;
}

/* PRF-AES128-XCBC (RFC 4434): a key of another length is made 16 first. */
static int xcbc_prf(const uint8_t *key, size_t klen,
		    const struct ike_blob *in, unsigned int n_in, uint8_t *out)
{
	static const uint8_t zero[16];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	struct ike_blob kb = { key, klen };
	uint8_t k[16] = { 0 };
	int r = 0;

	if (!ctx)
		return -ENOMEM;
	if (klen == 16)
		memcpy(k, key, 16);
	else if (klen < 16)
		memcpy(k, key, klen);	/* zero padded */
	else
		r = xcbc_mac(ctx, zero, &kb, 1, k);
	if (!r)
		r = xcbc_mac(ctx, k, in, n_in, out);
	OPENSSL_cleanse(k, sizeof(k));
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
	    const struct ike_blob *in, unsigned int n_in, uint8_t *out)
{
	const char *digest = prf_digest(prf);

	if (prf == IKEV2_PRF_AES128_XCBC)
		return xcbc_prf(key, klen, in, n_in, out);
	if (!digest || !klen)
		return -EINVAL;
	return hmac(digest, key, klen, in, n_in, out, ike_prf_len(prf));
}

#define PRF_PLUS_MAX_SEED	8

int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
		 const struct ike_blob *seed, unsigned int n_seed,
		 uint8_t *out, size_t outlen)
{
	struct ike_blob in[PRF_PLUS_MAX_SEED + 2];
	size_t plen = ike_prf_len(prf), pos = 0, n;
	uint8_t t[IKE_PRF_MAX], counter;
	unsigned int i;
	int r = 0;

	if (!plen || n_seed > PRF_PLUS_MAX_SEED || outlen > 255 * plen)
		return -EINVAL;
	/* T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n) (2.13). */
	for (counter = 1; pos < outlen && !r; counter++) {
		n = 0;
		if (counter > 1) {
			in[n].p = t;
			in[n++].len = plen;
		}
		for (i = 0; i < n_seed; i++)
			in[n++] = seed[i];
		in[n].p = &counter;
		in[n++].len = 1;
		r = ike_prf(prf, key, klen, in, n, t);
		if (!r) {
			n = outlen - pos < plen ? outlen - pos : plen;
			memcpy(out + pos, t, n);
			pos += n;
		}
	}
	OPENSSL_cleanse(t, sizeof(t));
	if (r)
		OPENSSL_cleanse(out, outlen);
	return r;
}

/* ---- key lengths ---- */

static int aes_keybits_ok(uint16_t bits)
{
	return bits == 128 || bits == 192 || bits == 256;
}

/* ChaCha20-Poly1305 (RFC 7634 2): a 256-bit key and the same 4-octet salt. */
static size_t chacha_keylen(uint16_t keybits)
{
	return !keybits || keybits == 256 ? 32 + GCM_SALT : 0;
}

size_t ike_encr_keylen(uint16_t encr, uint16_t keybits)
{
	if (encr == IKEV2_ENCR_CHACHA20_POLY1305)
		return chacha_keylen(keybits);
	if (!aes_keybits_ok(keybits))
		return 0;
	switch (encr) {
	case IKEV2_ENCR_AES_CBC:
		return keybits / 8;
	case IKEV2_ENCR_AES_GCM_16:
		return keybits / 8 + GCM_SALT;	/* RFC 5282 7.1 */
	}
	return 0;
}


static const char *integ_digest(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_SHA1_96:
		return "SHA1";
	case IKEV2_INTEG_HMAC_SHA2_256_128:
		return "SHA256";
	case IKEV2_INTEG_HMAC_SHA2_384_192:
		return "SHA384";
	case IKEV2_INTEG_HMAC_SHA2_512_256:
		return "SHA512";
	}
	return NULL;
}

size_t ike_integ_keylen(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_SHA1_96:
		return 20;
	case IKEV2_INTEG_HMAC_SHA2_256_128:
		return 32;
	case IKEV2_INTEG_HMAC_SHA2_384_192:
		return 48;
	case IKEV2_INTEG_HMAC_SHA2_512_256:
		return 64;
	}
	return 0;
}

/* RFC 4868: the ICV is half the HMAC; HMAC-SHA1-96 keeps 12 octets. */
size_t ike_integ_icvlen(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_SHA1_96:
		return 12;
	case IKEV2_INTEG_HMAC_SHA2_256_128:
		return 16;
	case IKEV2_INTEG_HMAC_SHA2_384_192:
		return 24;
	case IKEV2_INTEG_HMAC_SHA2_512_256:
		return 32;
	}
	return 0;
}

static int is_aead(uint16_t encr)
{
	return encr == IKEV2_ENCR_AES_GCM_16 ||
	       encr == IKEV2_ENCR_CHACHA20_POLY1305;
}

/* ---- IKE SA keys ---- */

static int algs_lengths(const struct ike_algs *a, size_t *pk, size_t *ek,
			size_t *ak)
{
	*pk = ike_prf_keylen(a->prf);
	*ek = ike_encr_keylen(a->encr, a->encr_keybits);
	*ak = ike_integ_keylen(a->integ);
	if (!*pk || !*ek)
		return -EINVAL;
	/* AEAD: no integrity transform; otherwise one is needed. */
	if (is_aead(a->encr) ? a->integ != IKEV2_INTEG_NONE : !*ak)
		return -EINVAL;
	return 0;
}

static void slice(struct ike_blob *b, const uint8_t **p, size_t len)
{
	b->p = *p;
	b->len = len;
	*p += len;
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} from SKEYSEED. */
static int sa_keys_expand(struct ike_sa_keys *k, const struct ike_algs *a,
			  const uint8_t *skeyseed, size_t seedlen,
			  const struct ike_blob *ni,
			  const struct ike_blob *nr, const uint8_t *spii,
			  const uint8_t *spir)
{
	struct ike_blob seed[4] = { *ni, *nr, { spii, IKEV2_SPI_LEN },
				    { spir, IKEV2_SPI_LEN } };
	size_t pk, ek, ak;
	const uint8_t *p;
	int r;

	r = algs_lengths(a, &pk, &ek, &ak);
	if (!r)
		r = ike_chunk_alloc(&k->buf, 3 * pk + 2 * ak + 2 * ek);
	if (!r)
		r = ike_prf_plus(a->prf, skeyseed, seedlen, seed, 4, k->buf.p,
				 k->buf.len);
	if (r) {
		ike_sa_keys_free(k);
		return r;
	}
	p = k->buf.p;
	slice(&k->d, &p, pk);
	slice(&k->ai, &p, ak);
	slice(&k->ar, &p, ak);
	slice(&k->ei, &p, ek);
	slice(&k->er, &p, ek);
	slice(&k->pi, &p, pk);
	slice(&k->pr, &p, pk);
	return 0;
}

static int nonces_ok(const struct ike_blob *ni, const struct ike_blob *nr)
{
	return ni->len >= IKEV2_NONCE_MIN && nr->len >= IKEV2_NONCE_MIN;
}

int ike_sa_keys_derive(struct ike_sa_keys *k, const struct ike_algs *a,
		       const struct ike_blob *gir, const struct ike_blob *ni,
		       const struct ike_blob *nr,
		       const uint8_t spii[IKEV2_SPI_LEN],
		       const uint8_t spir[IKEV2_SPI_LEN])
{
	uint8_t key[2 * IKEV2_NONCE_MAX], skeyseed[IKE_PRF_MAX];
	size_t hi = ni->len, hr = nr->len;
	int r;

	memset(k, 0, sizeof(*k));
	if (!nonces_ok(ni, nr) || hi > IKEV2_NONCE_MAX || hr > IKEV2_NONCE_MAX)
		return -EINVAL;
	/* 2.14: AES-XCBC and AES-CMAC take 64 bits of each nonce here. */
	if (a->prf == IKEV2_PRF_AES128_XCBC)
		hi = hr = 8;
	memcpy(key, ni->p, hi);
	memcpy(key + hi, nr->p, hr);
	r = ike_prf(a->prf, key, hi + hr, gir, 1, skeyseed);
	if (!r)
		r = sa_keys_expand(k, a, skeyseed, ike_prf_len(a->prf), ni, nr,
				   spii, spir);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}

int ike_sa_keys_rekey(struct ike_sa_keys *k, const struct ike_algs *a,
		      uint16_t old_prf, const struct ike_blob *old_sk_d,
		      const struct ike_blob *gir, const struct ike_blob *ni,
		      const struct ike_blob *nr,
		      const uint8_t spii[IKEV2_SPI_LEN],
		      const uint8_t spir[IKEV2_SPI_LEN])
{
	struct ike_blob in[3] = { *gir, *ni, *nr };
	uint8_t skeyseed[IKE_PRF_MAX];
	int r;

	memset(k, 0, sizeof(*k));
	if (!nonces_ok(ni, nr))
		return -EINVAL;
	/*
	 * 2.18: the exchange belongs to the old SA, so its PRF makes
	 * SKEYSEED; the keys then come from the new SA's PRF.
	 */
	if (!ike_prf_len(old_prf))
		return -EINVAL;
	r = ike_prf(old_prf, old_sk_d->p, old_sk_d->len, in, 3, skeyseed);
	if (!r)
		r = sa_keys_expand(k, a, skeyseed, ike_prf_len(old_prf), ni,
				   nr, spii, spir);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return r;
}

void ike_sa_keys_free(struct ike_sa_keys *k)
{
	ike_chunk_free(&k->buf);
	memset(k, 0, sizeof(*k));
}

int ike_child_keys_derive(struct ike_child_keys *k, uint16_t prf,
			  const struct ike_blob *sk_d,
			  const struct ike_blob *gir,
			  const struct ike_blob *ni, const struct ike_blob *nr,
			  size_t encr_len, size_t integ_len)
{
	struct ike_blob seed[3];
	const uint8_t *p;
	unsigned int n = 0;
	int r;

	memset(k, 0, sizeof(*k));
	if (!nonces_ok(ni, nr) || (!encr_len && !integ_len))
		return -EINVAL;
	if (gir)
		seed[n++] = *gir;
	seed[n++] = *ni;
	seed[n++] = *nr;
	r = ike_chunk_alloc(&k->buf, 2 * (encr_len + integ_len));
	if (!r)
		r = ike_prf_plus(prf, sk_d->p, sk_d->len, seed, n, k->buf.p,
				 k->buf.len);
	if (r) {
		ike_child_keys_free(k);
		return r;
	}
	p = k->buf.p;
	slice(&k->ei, &p, encr_len);
	slice(&k->ai, &p, integ_len);
	slice(&k->er, &p, encr_len);
	slice(&k->ar, &p, integ_len);
	return 0;
}

void ike_child_keys_free(struct ike_child_keys *k)
{
	ike_chunk_free(&k->buf);
	memset(k, 0, sizeof(*k));
}

/* ---- AUTH (2.15) and NAT detection (2.23) ---- */

int ike_auth_octets(uint16_t prf, const struct ike_blob *msg,
		    const struct ike_blob *nonce, const struct ike_blob *sk_p,
		    const struct ike_blob *id_body, struct ike_chunk *out)
{
	size_t plen = ike_prf_len(prf);
	int r;

	out->p = NULL;
	out->len = 0;
	if (!plen)
		return -EINVAL;
	r = ike_chunk_alloc(out, msg->len + nonce->len + plen);
	if (r)
		return r;
	memcpy(out->p, msg->p, msg->len);
	memcpy(out->p + msg->len, nonce->p, nonce->len);
	/* MACedIDForI/R = prf(SK_px, RestOfInit/RespIDPayload). */
	r = ike_prf(prf, sk_p->p, sk_p->len, id_body, 1,
		    out->p + msg->len + nonce->len);
	if (r)
		ike_chunk_free(out);
	return r;
}

int ike_auth_psk(uint16_t prf, const struct ike_blob *psk,
		 const struct ike_blob *msg, const struct ike_blob *nonce,
		 const struct ike_blob *sk_p, const struct ike_blob *id_body,
		 uint8_t *out)
{
	/* 17 octets, no NUL (2.15). */
	static const struct ike_blob pad = {
		(const uint8_t *)"Key Pad for IKEv2", 17 };
	uint8_t key[IKE_PRF_MAX];
	struct ike_chunk octets;
	struct ike_blob in;
	int r;

	r = ike_prf(prf, psk->p, psk->len, &pad, 1, key);
	if (r)
		return r;
	r = ike_auth_octets(prf, msg, nonce, sk_p, id_body, &octets);
	if (!r) {
		in.p = octets.p;
		in.len = octets.len;
		r = ike_prf(prf, key, ike_prf_len(prf), &in, 1, out);
		ike_chunk_free(&octets);
	}
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}

int ike_natd_hash(const uint8_t spii[IKEV2_SPI_LEN],
		  const uint8_t spir[IKEV2_SPI_LEN], const uint8_t *addr,
		  size_t alen, uint16_t port, uint8_t out[IKE_NATD_LEN])
{
	uint8_t p[2] = { port >> 8, port & 0xff };
	EVP_MD_CTX *ctx;
	int ok;

	if (alen != 4 && alen != 16)
		return -EINVAL;
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
	     EVP_DigestUpdate(ctx, spii, IKEV2_SPI_LEN) &&
	     EVP_DigestUpdate(ctx, spir, IKEV2_SPI_LEN) &&
	     EVP_DigestUpdate(ctx, addr, alen) &&
	     EVP_DigestUpdate(ctx, p, 2) &&
	     EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

/* ---- AES-GCM ---- */

static const EVP_CIPHER *gcm_cipher(size_t klen)
{
	return klen == 16 ? EVP_aes_128_gcm() : klen == 24 ? EVP_aes_192_gcm() :
	       klen == 32 ? EVP_aes_256_gcm() : NULL;
}

/* An AEAD of 12-octet nonce and 16-octet tag: AES-GCM, ChaCha20-Poly1305. */
static int aead(const EVP_CIPHER *cipher, int enc, const uint8_t *key,
		const uint8_t nonce[12], const uint8_t *aad, size_t aadlen,
		const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx;
	int outl, ok;

	if (!cipher || len > INT32_MAX || aadlen > INT32_MAX)
		return -EINVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) &&
	     EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) &&
	     (!aadlen || EVP_CipherUpdate(ctx, NULL, &outl, aad, aadlen)) &&
	     (!len || EVP_CipherUpdate(ctx, out, &outl, in, len));
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, GCM_TAG,
					 tag);
	ok = ok && EVP_CipherFinal_ex(ctx, out + len, &outl);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, GCM_TAG,
					 tag);
	EVP_CIPHER_CTX_free(ctx);
	if (!ok && !enc) {
		OPENSSL_cleanse(out, len);	/* unauthenticated plaintext */
		return -EBADMSG;
	}
	return ok ? 0 : -EIO;
}

int ike_gcm_seal(const uint8_t *key, size_t klen, const uint8_t nonce[12],
		 const uint8_t *aad, size_t aadlen, const uint8_t *in,
		 size_t len, uint8_t *out, uint8_t tag[16])
{
	return aead(gcm_cipher(klen), 1, key, nonce, aad, aadlen, in, len, out,
		    tag);
}

int ike_gcm_open(const uint8_t *key, size_t klen, const uint8_t nonce[12],
		 const uint8_t *aad, size_t aadlen, const uint8_t *in,
		 size_t len, uint8_t *out, const uint8_t tag[16])
{
	return aead(gcm_cipher(klen), 0, key, nonce, aad, aadlen, in, len, out,
		    (uint8_t *)tag);
}

/* The SK payload's AEAD under c (nonce = salt | IV for both, RFC 7634 3). */
static int sk_aead(const struct ike_sk_ctx *c, int enc, const uint8_t *nonce,
		   const uint8_t *aad, size_t aadlen, const uint8_t *in,
		   size_t len, uint8_t *out, uint8_t *tag)
{
	size_t klen = c->ekey.len - GCM_SALT;
	const EVP_CIPHER *cipher = c->encr == IKEV2_ENCR_CHACHA20_POLY1305 ?
				   EVP_chacha20_poly1305() : gcm_cipher(klen);

	return aead(cipher, enc, c->ekey.p, nonce, aad, aadlen, in, len, out,
		    tag);
}

/* ---- the Encrypted payload ---- */

int ike_sk_ctx_check(const struct ike_sk_ctx *c)
{
	size_t ek = ike_encr_keylen(c->encr, c->encr_keybits);

	if (!ek || c->ekey.len != ek)
		return -EINVAL;
	if (is_aead(c->encr))
		return c->integ == IKEV2_INTEG_NONE && !c->akey.len ? 0 :
								     -EINVAL;
	return integ_digest(c->integ) &&
	       c->akey.len == ike_integ_keylen(c->integ) ? 0 : -EINVAL;
}

static size_t sk_iv_len(const struct ike_sk_ctx *c)
{
	return is_aead(c->encr) ? GCM_IV : AES_BLOCK;
}

static size_t sk_icv_len(const struct ike_sk_ctx *c)
{
	return is_aead(c->encr) ? GCM_TAG : ike_integ_icvlen(c->integ);
}

static const EVP_CIPHER *cbc_cipher(size_t klen)
{
	return klen == 16 ? EVP_aes_128_cbc() : klen == 24 ? EVP_aes_192_cbc() :
	       klen == 32 ? EVP_aes_256_cbc() : NULL;
}

static int cbc(int enc, const struct ike_sk_ctx *c, const uint8_t *iv,
	       const uint8_t *in, size_t len, uint8_t *out)
{
	const EVP_CIPHER *cipher = cbc_cipher(c->ekey.len);
	EVP_CIPHER_CTX *ctx;
	int outl, ok;

	if (!cipher || len > INT32_MAX)
		return -EINVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_CipherInit_ex(ctx, cipher, NULL, c->ekey.p, iv, enc) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, out, &outl, in, len) &&
	     EVP_CipherFinal_ex(ctx, out + outl, &outl);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

/* The truncated HMAC of msg[0, len) (RFC 4868 2.3; 3.14). */
static int sk_icv(const struct ike_sk_ctx *c, const uint8_t *msg, size_t len,
		  uint8_t *icv)
{
	struct ike_blob in = { msg, len };
	uint8_t full[64];
	int r;

	r = hmac(integ_digest(c->integ), c->akey.p, c->akey.len, &in, 1, full,
		 sizeof(full));
	if (!r)
		memcpy(icv, full, sk_icv_len(c));
	OPENSSL_cleanse(full, sizeof(full));
	return r;
}

static void put_be(uint8_t *p, uint64_t v, unsigned int n)
{
	while (n--) {
		p[n] = v & 0xff;
		v >>= 8;
	}
}

/* GCM nonce: the salt after the key in SK_e, then the explicit IV. */
static void gcm_nonce(const struct ike_sk_ctx *c, const uint8_t *iv,
		      uint8_t nonce[12])
{
	memcpy(nonce, c->ekey.p + c->ekey.len - GCM_SALT, GCM_SALT);
	memcpy(nonce + GCM_SALT, iv, GCM_IV);
}

int ike_sk_encrypt(struct ike_sk_ctx *c, uint8_t *msg, size_t cap,
		   size_t sk_off, size_t data_off, const uint8_t *plain,
		   size_t plain_len, size_t *msg_len)
{
	size_t ivl = sk_iv_len(c), icvl = sk_icv_len(c), blk, pad, ctl, total;
	uint8_t *iv, *ct, nonce[12];
	int r;

	r = ike_sk_ctx_check(c);
	if (r)
		return r;
	if (sk_off + IKEV2_GEN_HDR_LEN > data_off || data_off < IKEV2_HDR_LEN)
		return -EINVAL;
	/* 3.14: pad to the block size (GCM: none), then the pad length. */
	blk = is_aead(c->encr) ? 1 : AES_BLOCK;
	pad = (blk - (plain_len + 1) % blk) % blk;
	ctl = plain_len + pad + 1;
	total = data_off + ivl + ctl + icvl;
	if (total > cap || total - sk_off > 0xffff || total > UINT32_MAX)
		return -ENOSPC;
	msg[sk_off + 2] = (total - sk_off) >> 8;
	msg[sk_off + 3] = (total - sk_off) & 0xff;
	put_be(msg + 24, total, 4);
	iv = msg + data_off;
	ct = iv + ivl;
	if (plain_len)
		memmove(ct, plain, plain_len);
	memset(ct + plain_len, 0, pad);
	ct[ctl - 1] = pad;
	if (is_aead(c->encr)) {
		/* RFC 5282 3.1: an IV never repeats under one key. */
		put_be(iv, c->iv_seq++, GCM_IV);
		gcm_nonce(c, iv, nonce);
		r = sk_aead(c, 1, nonce, msg, data_off, ct, ctl, ct, ct + ctl);
	} else {
		r = RAND_bytes(iv, ivl) == 1 ? 0 : -EIO;
		if (!r)
			r = cbc(1, c, iv, ct, ctl, ct);
		if (!r)
			r = sk_icv(c, msg, total - icvl, ct + ctl);
	}
	if (r)
		OPENSSL_cleanse(ct, ctl);
	*msg_len = total;
	return r;
}

int ike_sk_decrypt(const struct ike_sk_ctx *c, const uint8_t *msg,
		   size_t msg_len, size_t data_off, uint8_t *plain,
		   size_t *plain_len)
{
	size_t ivl = sk_iv_len(c), icvl = sk_icv_len(c), ctl, padl;
	const uint8_t *iv, *ct;
	uint8_t nonce[12], icv[64];
	int r;

	r = ike_sk_ctx_check(c);
	if (r)
		return r;
	if (data_off < IKEV2_HDR_LEN || data_off > msg_len ||
	    msg_len - data_off < ivl + 1 + icvl)
		return -EBADMSG;
	iv = msg + data_off;
	ct = iv + ivl;
	ctl = msg_len - data_off - ivl - icvl;
	if (is_aead(c->encr)) {
		gcm_nonce(c, iv, nonce);
		r = sk_aead(c, 0, nonce, msg, data_off, ct, ctl, plain,
			    (uint8_t *)ct + ctl);
	} else {
		if (ctl % AES_BLOCK)
			return -EBADMSG;
		/* The ICV first: nothing is decrypted from a forgery. */
		r = sk_icv(c, msg, msg_len - icvl, icv);
		if (!r && CRYPTO_memcmp(icv, ct + ctl, icvl))
			r = -EBADMSG;
		if (!r)
			r = cbc(0, c, iv, ct, ctl, plain);
	}
	if (r)
		return r;
	padl = plain[ctl - 1];
	if (padl + 1 > ctl) {
		OPENSSL_cleanse(plain, ctl);
		return -EBADMSG;
	}
	*plain_len = ctl - padl - 1;
	return 0;
}
