// SPDX-License-Identifier: GPL-2.0
/* IKEv2 Diffie-Hellman on OpenSSL 3 (dh.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "dh.h"

struct ike_dh {
	const struct ike_dh_group *g;
	EVP_PKEY *key;
};

/* OpenSSL 3 names RFC 3526's groups but not RFC 2409's group 2. */
static const char modp_1024_p[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
	"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
	"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";

static const struct ike_dh_group groups[] = {
	{ IKEV2_DH_MODP_1024, IKE_DH_MODP, "modp_1024", 128, 128, 1 },
	{ IKEV2_DH_MODP_1536, IKE_DH_MODP, "modp_1536", 192, 192, 1 },
	{ IKEV2_DH_MODP_2048, IKE_DH_MODP, "modp_2048", 256, 256, 0 },
	{ IKEV2_DH_MODP_3072, IKE_DH_MODP, "modp_3072", 384, 384, 0 },
	{ IKEV2_DH_MODP_4096, IKE_DH_MODP, "modp_4096", 512, 512, 0 },
	{ IKEV2_DH_ECP_256, IKE_DH_ECP, "P-256", 64, 32, 0 },
	{ IKEV2_DH_ECP_384, IKE_DH_ECP, "P-384", 96, 48, 0 },
	{ IKEV2_DH_ECP_521, IKE_DH_ECP, "P-521", 132, 66, 0 },
	{ IKEV2_DH_CURVE25519, IKE_DH_X25519, "X25519", 32, 32, 0 },
};

const struct ike_dh_group *ike_dh_group(uint16_t group)
{
	unsigned int i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].group == group)
			return &groups[i];
	return NULL;
}

uint16_t ike_dh_group_id(const struct ike_dh *dh)
{
	return dh->g->group;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);	/* OpenSSL clears private keys it frees */
	free(dh);
}

static int dh_alloc(struct ike_dh **dh, uint16_t group, unsigned int flags)
{
	const struct ike_dh_group *g = ike_dh_group(group);

	*dh = NULL;
	if (!g)
		return -ENOTSUP;
	if (g->weak && !(flags & IKE_DH_ALLOW_WEAK))
		return -EPERM;
	*dh = calloc(1, sizeof(**dh));
	if (!*dh)
		return -ENOMEM;
	(*dh)->g = g;
	return 0;
}

/* ---- MODP ---- */

/* The group's domain parameters (and a public value) as an EVP_PKEY. */
static EVP_PKEY *modp_pkey(const struct ike_dh_group *g, const BIGNUM *pub)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *p = NULL, *gen = NULL;
	int ok = !!bld;

	if (ok && g->group == IKEV2_DH_MODP_1024) {
		ok = BN_hex2bn(&p, modp_1024_p) && (gen = BN_new()) &&
		     BN_set_word(gen, 2) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, gen);
	} else if (ok) {
		ok = OSSL_PARAM_BLD_push_utf8_string(bld,
				OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0);
	}
	if (ok && pub)
		ok = OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub);
	ok = ok && (params = OSSL_PARAM_BLD_to_param(bld)) &&
	     (ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL)) &&
	     EVP_PKEY_fromdata_init(ctx) > 0 &&
	     EVP_PKEY_fromdata(ctx, &pkey, pub ? EVP_PKEY_PUBLIC_KEY :
				EVP_PKEY_KEY_PARAMETERS, params) > 0;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(gen);
	return ok ? pkey : NULL;
}

static EVP_PKEY *keygen_from(EVP_PKEY *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	EVP_PKEY *key = NULL;

	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_generate(ctx, &key) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	return key;
}

static int modp_prime(const struct ike_dh *dh, BIGNUM **p)
{
	*p = NULL;
	return EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_FFC_P, p) ? 0 :
									  -EIO;
}

/*
 * 1 < y < p-1.  With a safe prime (all of these groups) the only small
 * subgroup is {1, p-1}, so this range check is all the validation the
 * peer's value needs; a subgroup check would cost another exponentiation
 * with a full-length exponent.
 */
static int modp_peer(const struct ike_dh *dh, const uint8_t *peer, size_t len,
		     EVP_PKEY **pkey)
{
	BIGNUM *y = BN_bin2bn(peer, len, NULL), *p = NULL;
	int r = y ? modp_prime(dh, &p) : -ENOMEM;

	*pkey = NULL;
	if (!r && (BN_cmp(y, BN_value_one()) <= 0 || !BN_sub_word(p, 1) ||
		   BN_cmp(y, p) >= 0))
		r = -EDOM;
	if (!r) {
		*pkey = modp_pkey(dh->g, y);
		r = *pkey ? 0 : -EIO;
	}
	BN_free(y);
	BN_free(p);
	return r;
}

/* ---- ECP ---- */

static int ec_nid(const struct ike_dh_group *g)
{
	return g->group == IKEV2_DH_ECP_256 ? NID_X9_62_prime256v1 :
	       g->group == IKEV2_DH_ECP_384 ? NID_secp384r1 : NID_secp521r1;
}

/* A public (0x04 | x | y) and maybe private key of the curve. */
static EVP_PKEY *ec_pkey(const struct ike_dh_group *g, const uint8_t *point,
			 size_t len, const BIGNUM *priv)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int ok;

	ok = bld && OSSL_PARAM_BLD_push_utf8_string(bld,
				OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0) &&
	     OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, len) &&
	     (!priv || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
					      priv)) &&
	     (params = OSSL_PARAM_BLD_to_param(bld)) &&
	     (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) &&
	     EVP_PKEY_fromdata_init(ctx) > 0 &&
	     EVP_PKEY_fromdata(ctx, &pkey, priv ? EVP_PKEY_KEYPAIR :
				EVP_PKEY_PUBLIC_KEY, params) > 0;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return ok ? pkey : NULL;
}

/* RFC 5903 7: x | y on the wire, SEC 1's 0x04 | x | y for OpenSSL. */
static int ec_peer(const struct ike_dh *dh, const uint8_t *peer, size_t len,
		   EVP_PKEY **pkey)
{
	uint8_t point[1 + 132];
	EVP_PKEY_CTX *ctx;
	int ok;

	point[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(point + 1, peer, len);
	/* Decoding refuses a point not on the curve. */
	*pkey = ec_pkey(dh->g, point, 1 + len, NULL);
	if (!*pkey)
		return -EDOM;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, *pkey, NULL);
	ok = ctx && EVP_PKEY_public_check_quick(ctx) > 0;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		EVP_PKEY_free(*pkey);
		*pkey = NULL;
		return -EDOM;
	}
	return 0;
}

static int ec_public(const struct ike_dh *dh, uint8_t *out)
{
	size_t half = dh->g->publen / 2;
	BIGNUM *x = NULL, *y = NULL;
	int ok;

	ok = EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
	     EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) &&
	     BN_bn2binpad(x, out, half) == (int)half &&
	     BN_bn2binpad(y, out + half, half) == (int)half;
	BN_free(x);
	BN_free(y);
	return ok ? 0 : -EIO;
}

/* For known-answer tests: the public point computed from the scalar. */
static EVP_PKEY *ec_from_private(const struct ike_dh_group *g,
				 const uint8_t *priv, size_t len)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(ec_nid(g));
	BIGNUM *d = BN_bin2bn(priv, len, NULL);
	EC_POINT *pt = grp ? EC_POINT_new(grp) : NULL;
	EVP_PKEY *pkey = NULL;
	uint8_t point[1 + 132];
	size_t n = 0;

	if (d && pt && !BN_is_zero(d) &&
	    EC_POINT_mul(grp, pt, d, NULL, NULL, NULL))
		n = EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED,
				       point, sizeof(point), NULL);
	if (n == 1 + g->publen)
		pkey = ec_pkey(g, point, n, d);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	BN_clear_free(d);
	return pkey;
}

/* ---- the API ---- */

int ike_dh_new(struct ike_dh **dh, uint16_t group, unsigned int flags)
{
	EVP_PKEY *params;
	int r = dh_alloc(dh, group, flags);

	if (r)
		return r;
	switch ((*dh)->g->kind) {
	case IKE_DH_MODP:
		params = modp_pkey((*dh)->g, NULL);
		(*dh)->key = params ? keygen_from(params) : NULL;
		EVP_PKEY_free(params);
		break;
	case IKE_DH_ECP:
		(*dh)->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", (*dh)->g->name);
		break;
	case IKE_DH_X25519:
		(*dh)->key = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
		break;
	}
	if (!(*dh)->key) {
		ike_dh_free(*dh);
		*dh = NULL;
		return -EIO;
	}
	return 0;
}

int ike_dh_new_private(struct ike_dh **dh, uint16_t group,
		       const uint8_t *priv, size_t len)
{
	int r = dh_alloc(dh, group, IKE_DH_ALLOW_WEAK);

	if (r)
		return r;
	if ((*dh)->g->kind == IKE_DH_ECP && len == (*dh)->g->secretlen)
		(*dh)->key = ec_from_private((*dh)->g, priv, len);
	else if ((*dh)->g->kind == IKE_DH_X25519 && len == 32)
		(*dh)->key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL,
							  priv, len);
	if (!(*dh)->key) {
		r = (*dh)->g->kind == IKE_DH_MODP ? -ENOTSUP : -EINVAL;
		ike_dh_free(*dh);
		*dh = NULL;
	}
	return r;
}

int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t cap)
{
	size_t len = dh->g->publen;
	BIGNUM *y = NULL;
	int ok;

	if (cap < len)
		return -ENOSPC;
	switch (dh->g->kind) {
	case IKE_DH_MODP:
		ok = EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) &&
		     BN_bn2binpad(y, out, len) == (int)len;
		BN_free(y);
		return ok ? 0 : -EIO;
	case IKE_DH_ECP:
		return ec_public(dh, out);
	case IKE_DH_X25519:
		return EVP_PKEY_get_raw_public_key(dh->key, out, &len) &&
		       len == dh->g->publen ? 0 : -EIO;
	}
	return -EIO;
}

int ike_dh_prime(const struct ike_dh *dh, uint8_t *out, size_t cap)
{
	BIGNUM *p;
	int r;

	if (dh->g->kind != IKE_DH_MODP)
		return -EINVAL;
	if (cap < dh->g->publen)
		return -ENOSPC;
	r = modp_prime(dh, &p);
	if (!r && BN_bn2binpad(p, out, dh->g->publen) != (int)dh->g->publen)
		r = -EIO;
	BN_free(p);
	return r;
}

static int peer_key(const struct ike_dh *dh, const uint8_t *peer, size_t len,
		    EVP_PKEY **pkey)
{
	*pkey = NULL;
	if (len != dh->g->publen)
		return -EBADMSG;
	switch (dh->g->kind) {
	case IKE_DH_MODP:
		return modp_peer(dh, peer, len, pkey);
	case IKE_DH_ECP:
		return ec_peer(dh, peer, len, pkey);
	case IKE_DH_X25519:
		*pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer,
						    len);
		return *pkey ? 0 : -EIO;
	}
	return -EIO;
}

static int all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;

	while (len--)
		acc |= *p++;
	return !acc;
}

int ike_dh_derive(struct ike_dh *dh, const uint8_t *peer, size_t len,
		  struct ike_chunk *secret)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey;
	size_t n = dh->g->secretlen;
	int r, ok;

	secret->p = NULL;
	secret->len = 0;
	r = peer_key(dh, peer, len, &pkey);
	if (r)
		return r;
	r = ike_chunk_alloc(secret, n);
	ctx = r ? NULL : EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	/* g^ir padded to the modulus (2.14); validated above. */
	ok = ctx && EVP_PKEY_derive_init(ctx) > 0 &&
	     (dh->g->kind != IKE_DH_MODP || EVP_PKEY_CTX_set_dh_pad(ctx, 1) > 0) &&
	     EVP_PKEY_derive_set_peer_ex(ctx, pkey, 0) > 0;
	/* RFC 8031 2.3 (a low-order point): OpenSSL fails on all-zero. */
	if (ok && (EVP_PKEY_derive(ctx, secret->p, &n) <= 0 ||
		   n != dh->g->secretlen || all_zero(secret->p, n)))
		r = dh->g->kind == IKE_DH_X25519 ? -EDOM : -EIO;
	else if (!ok && !r)
		r = -EIO;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	if (r)
		ike_chunk_free(secret);
	return r;
}
