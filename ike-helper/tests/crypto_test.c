// SPDX-License-Identifier: GPL-2.0
/*
 * IKE crypto (crypto.h): the PRFs against RFC 4231 (HMAC-SHA2) and RFC
 * 3566/4434 (AES-XCBC) vectors; prf+, the IKE SA keys, their rekey and a
 * Child SA's KEYMAT against tests/ref.py (the same from the RFC text with
 * Python's hmac); AES-GCM against the GCM specification's test cases; the
 * Encrypted payload both ways with every algorithm (AES-GCM, ChaCha20-
 * Poly1305, AES-CBC + HMAC), checked by ref.py
 * (HMAC ICV, GCM with Python's cryptography when installed) and by
 * tampering.  Without python3 the ref.py checks are TAP "# SKIP".
 */
#include <errno.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "pld.h"
#include "tap.h"
#include "hex.h"
#include "refpy.h"

static struct ike_msg msg;
/* --vectors DIR: each encrypted message and its keys, for tshark_check.sh */
static const char *vec_dir;

/* A malloc()ed hex string of p (for ref.py's arguments). */
static char *hx(const uint8_t *p, size_t len)
{
	char *s = malloc(2 * len + 2);

	if (!s)
		exit(2);
	tohex(s, p, len);
	if (!len)
		strcpy(s, "");
	return s;
}

static char *hb(const struct ike_blob *b)
{
	return hx(b->p, b->len);
}

#define SKIP_NO_PYTHON(what) do {					\
		if (!have_python) {					\
			CHECK(1, "%s # SKIP python3 not found", what);	\
			return;						\
		}							\
	} while (0)

/* ---- PRF known answers ---- */

struct kat {
	uint16_t prf;
	const char *key, *data, *out;	/* hex */
};

/* RFC 4231 test cases 1, 2, 6 (and 7 for SHA-256); RFC 4434 and 3566. */
static const struct kat kats[] = {
	{ IKEV2_PRF_HMAC_SHA2_256, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ IKEV2_PRF_HMAC_SHA2_384, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	  "faea9ea9076ede7f4af152e8b2fa9cb6" },
	{ IKEV2_PRF_HMAC_SHA2_512, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ IKEV2_PRF_HMAC_SHA2_256, "4a656665",
	  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ IKEV2_PRF_HMAC_SHA2_384, "4a656665",
	  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649" },
	{ IKEV2_PRF_HMAC_SHA2_512, "4a656665",
	  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ IKEV2_PRF_HMAC_SHA2_256, NULL /* 131 x aa */,
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
	  "65204b6579202d2048617368204b6579204669727374",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ IKEV2_PRF_HMAC_SHA2_384, NULL,
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
	  "65204b6579202d2048617368204b6579204669727374",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	  "0c2ef6ab4030fe8296248df163f44952" },
	{ IKEV2_PRF_HMAC_SHA2_512, NULL,
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
	  "65204b6579202d2048617368204b6579204669727374",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
	{ IKEV2_PRF_HMAC_SHA2_256, NULL,
	  "5468697320697320612074657374207573696e672061206c6172676572207468"
	  "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
	  "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
	  "647320746f20626520686173686564206265666f7265206265696e6720757365"
	  "642062792074686520484d414320616c676f726974686d2e",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	/* RFC 4434 section 4: PRF-AES128-XCBC with 16-, 10-, 18-octet keys */
	{ IKEV2_PRF_AES128_XCBC, "000102030405060708090a0b0c0d0e0f",
	  "000102030405060708090a0b0c0d0e0f10111213",
	  "47f51b4564966215b8985c63055ed308" },
	{ IKEV2_PRF_AES128_XCBC, "00010203040506070809",
	  "000102030405060708090a0b0c0d0e0f10111213",
	  "0fa087af7d866e7653434e602fdde835" },
	{ IKEV2_PRF_AES128_XCBC, "000102030405060708090a0b0c0d0e0fedcb",
	  "000102030405060708090a0b0c0d0e0f10111213",
	  "8cd3c93ae598a9803006ffb67c40e9e4" },
	/* RFC 3566 section 4: AES-XCBC-MAC-96's full MACs, 0..34 octets */
	{ IKEV2_PRF_AES128_XCBC, "000102030405060708090a0b0c0d0e0f", "",
	  "75f0251d528ac01c4573dfd584d79f29" },
	{ IKEV2_PRF_AES128_XCBC, "000102030405060708090a0b0c0d0e0f", "000102",
	  "5b376580ae2f19afe7219ceef172756f" },
	{ IKEV2_PRF_AES128_XCBC, "000102030405060708090a0b0c0d0e0f",
	  "000102030405060708090a0b0c0d0e0f",
	  "d2a246fa349b68a79998a4394ff7a263" },
	{ IKEV2_PRF_AES128_XCBC, "000102030405060708090a0b0c0d0e0f",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "f54f0ec8d2b9f3d36807734bd5283fd4" },
	{ IKEV2_PRF_AES128_XCBC, "000102030405060708090a0b0c0d0e0f",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	  "2021", "becbb3bccdb518a30677d5481fb6b4d8" },
};

static void test_prf_kats(void)
{
	uint8_t key[200], data[300], want[64], out[64];
	struct ike_blob in[2];
	unsigned int i;
	long kl, dl, wl;
	int r;

	for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		if (kats[i].key) {
			kl = unhex(key, sizeof(key), kats[i].key);
		} else {
			memset(key, 0xaa, 131);
			kl = 131;
		}
		dl = unhex(data, sizeof(data), kats[i].data);
		wl = unhex(want, sizeof(want), kats[i].out);
		/* The input in two pieces: the PRF takes a list. */
		in[0].p = data;
		in[0].len = dl / 2;
		in[1].p = data + dl / 2;
		in[1].len = dl - dl / 2;
		r = ike_prf(kats[i].prf, key, kl, in, 2, out);
		CHECK(kl >= 0 && dl >= 0 && wl == (long)ike_prf_len(kats[i].prf) &&
		      !r && !memcmp(out, want, wl),
		      "prf %u: known answer %u (RFC %s)", kats[i].prf, i,
		      kats[i].prf == IKEV2_PRF_AES128_XCBC ?
		      (i < 13 ? "4434" : "3566") : "4231");
	}
	in[0].p = data;
	in[0].len = 20;
	CHECK(ike_prf(99, key, 16, in, 1, out) == -EINVAL && !ike_prf_len(99),
	      "prf: an unknown PRF is refused");
}

/* ---- prf+ and the keys, against ref.py ---- */

static const char *hname(uint16_t prf)
{
	return prf == IKEV2_PRF_HMAC_SHA1 ? "sha1" :
	       prf == IKEV2_PRF_HMAC_SHA2_256 ? "sha256" :
	       prf == IKEV2_PRF_HMAC_SHA2_384 ? "sha384" : "sha512";
}

static uint8_t ni[32], nr[48], gir[256], skd_old[48];
static const uint8_t spii[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t spir[8] = { 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8 };

static void test_prf_plus(void)
{
	static const uint16_t prfs[] = { IKEV2_PRF_HMAC_SHA2_256,
					 IKEV2_PRF_HMAC_SHA2_384,
					 IKEV2_PRF_HMAC_SHA2_512,
					 IKEV2_PRF_HMAC_SHA1 };
	static const size_t lens[] = { 1, 31, 32, 33, 200, 1000 };
	struct ike_blob seed[2] = { { ni, sizeof(ni) }, { nr, sizeof(nr) } };
	static uint8_t out[255 * 64 + 1];
	static char big[2 * 255 * 64 + 16];
	char *k, *s, *o, line[4096];
	unsigned int i, j;
	int r;
	uint8_t cat[sizeof(ni) + sizeof(nr)];

	SKIP_NO_PYTHON("prf+ against ref.py");
	memcpy(cat, ni, sizeof(ni));
	memcpy(cat + sizeof(ni), nr, sizeof(nr));
	k = hx(gir, 40);
	s = hx(cat, sizeof(cat));	/* the seed: Ni | Nr */
	for (i = 0; i < sizeof(prfs) / sizeof(prfs[0]); i++) {
		for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			r = ike_prf_plus(prfs[i], gir, 40, seed, 2, out,
					 lens[j]);
			o = hx(out, lens[j]);
			CHECK(!r && !ref(line, sizeof(line), "prfplus %s %s %s %zu",
					 hname(prfs[i]), k, s, lens[j]) &&
			      !strcmp(line, o),
			      "prf+ %s, %zu octets: as ref.py (2.13)",
			      hname(prfs[i]), lens[j]);
			free(o);
		}
	}
	/* The most prf+ gives: 255 blocks; one octet more is refused. */
	r = ike_prf_plus(IKEV2_PRF_HMAC_SHA2_512, gir, 40, seed, 2, out,
			 255 * 64);
	o = hx(out + 254 * 64, 64);
	CHECK(!r && !ref(big, sizeof(big), "prfplus sha512 %s %s %u", k, s,
			 255 * 64) &&
	      strlen(big) == 2 * 255 * 64 && !strcmp(big + 2 * 254 * 64, o),
	      "prf+ sha512: all 255 blocks, the last as ref.py");
	free(o);
	CHECK(ike_prf_plus(IKEV2_PRF_HMAC_SHA2_512, gir, 40, seed, 2, out,
			   255 * 64 + 1) == -EINVAL,
	      "prf+: more than 255 blocks refused (2.13)");
	free(k);
	free(s);
}

/* "d ai ar ei er pi pr" as ref.py prints them. */
static char *keys_line(const struct ike_sa_keys *k)
{
	const struct ike_blob *b[7] = { &k->d, &k->ai, &k->ar, &k->ei, &k->er,
					&k->pi, &k->pr };
	char *s = calloc(1, 4096), *h;
	unsigned int i;

	for (i = 0; i < 7; i++) {
		h = hb(b[i]);
		strcat(s, i ? " " : "");
		strcat(s, *h ? h : "-");
		free(h);
	}
	return s;
}

static void test_sa_keys(void)
{
	static const struct ike_algs algs[] = {
		{ IKEV2_ENCR_AES_GCM_16, 256, IKEV2_PRF_HMAC_SHA2_256,
		  IKEV2_INTEG_NONE },
		{ IKEV2_ENCR_AES_CBC, 128, IKEV2_PRF_HMAC_SHA2_256,
		  IKEV2_INTEG_HMAC_SHA2_256_128 },
		{ IKEV2_ENCR_AES_CBC, 256, IKEV2_PRF_HMAC_SHA2_384,
		  IKEV2_INTEG_HMAC_SHA2_512_256 },
		{ IKEV2_ENCR_AES_GCM_16, 128, IKEV2_PRF_HMAC_SHA2_512,
		  IKEV2_INTEG_NONE },
	};
	struct ike_blob g = { gir, 256 }, bi = { ni, sizeof(ni) };
	struct ike_blob br = { nr, sizeof(nr) }, od = { skd_old, 48 };
	char *sg = hx(gir, 256), *si = hx(ni, sizeof(ni)), *sr = hx(nr, sizeof(nr));
	char *sa = hx(spii, 8), *sb = hx(spir, 8), *sd = hx(skd_old, 48);
	char line[4096], *mine;
	struct ike_sa_keys k;
	const struct ike_algs *a;
	unsigned int i;
	size_t pk, ak, ek;
	int r;

	SKIP_NO_PYTHON("IKE SA keys against ref.py");
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		a = &algs[i];
		pk = ike_prf_keylen(a->prf);
		ak = ike_integ_keylen(a->integ);
		ek = ike_encr_keylen(a->encr, a->encr_keybits);
		r = ike_sa_keys_derive(&k, a, &g, &bi, &br, spii, spir);
		mine = r ? strdup("error") : keys_line(&k);
		CHECK(!r && k.d.len == pk && k.ai.len == ak && k.ei.len == ek &&
		      k.pr.len == pk &&
		      !ref(line, sizeof(line), "ikekeys %s %s %s %s %s %s %zu %zu %zu",
			   hname(a->prf), sg, si, sr, sa, sb, pk, ak, ek) &&
		      !strcmp(line, mine),
		      "SA keys (encr %u/%u prf %u integ %u): the 7 keys as ref.py (2.14)",
		      a->encr, a->encr_keybits, a->prf, a->integ);
		free(mine);
		ike_sa_keys_free(&k);
		/* Rekeyed under an old SA whose PRF was SHA-384. */
		r = ike_sa_keys_rekey(&k, a, IKEV2_PRF_HMAC_SHA2_384, &od, &g,
				      &bi, &br, spii, spir);
		mine = r ? strdup("error") : keys_line(&k);
		CHECK(!r && !ref(line, sizeof(line),
				 "rekey sha384 %s %s %s %s %s %s %s %zu %zu %zu",
				 hname(a->prf), sd, sg, si, sr, sa, sb, pk, ak, ek) &&
		      !strcmp(line, mine),
		      "SA rekey (prf %u, old prf sha384): as ref.py (2.18)", a->prf);
		free(mine);
		ike_sa_keys_free(&k);
	}
	{
		struct ike_algs bad = { IKEV2_ENCR_AES_GCM_16, 128,
					IKEV2_PRF_HMAC_SHA2_256,
					IKEV2_INTEG_HMAC_SHA2_256_128 };

		CHECK(ike_sa_keys_derive(&k, &bad, &g, &bi, &br, spii, spir) ==
		      -EINVAL && !k.buf.p,
		      "SA keys: GCM with an integrity transform refused");
		bad.encr = IKEV2_ENCR_AES_CBC;
		bad.integ = IKEV2_INTEG_NONE;
		CHECK(ike_sa_keys_derive(&k, &bad, &g, &bi, &br, spii, spir) ==
		      -EINVAL, "SA keys: CBC without integrity refused");
		bi.len = 15;
		bad.integ = IKEV2_INTEG_HMAC_SHA2_256_128;
		CHECK(ike_sa_keys_derive(&k, &bad, &g, &bi, &br, spii, spir) ==
		      -EINVAL, "SA keys: a 15-octet nonce refused");
	}
	free(sg);
	free(si);
	free(sr);
	free(sa);
	free(sb);
	free(sd);
}

static void test_child_keys(void)
{
	struct ike_blob skd = { skd_old, 32 }, g = { gir, 256 };
	struct ike_blob bi = { ni, sizeof(ni) }, br = { nr, sizeof(nr) };
	char *sd = hx(skd_old, 32), *sg = hx(gir, 256), *si = hx(ni, sizeof(ni));
	char *sr = hx(nr, sizeof(nr)), line[2048], mine[2048], *h;
	const struct ike_blob *b[4];
	struct ike_child_keys k;
	unsigned int pfs, i;
	size_t ek = ike_encr_keylen(IKEV2_ENCR_AES_CBC, 256);
	size_t ak = ike_integ_keylen(IKEV2_INTEG_HMAC_SHA2_256_128);
	int r;

	SKIP_NO_PYTHON("Child SA keys against ref.py");
	for (pfs = 0; pfs < 2; pfs++) {
		r = ike_child_keys_derive(&k, IKEV2_PRF_HMAC_SHA2_256, &skd,
					  pfs ? &g : NULL, &bi, &br, ek, ak);
		b[0] = &k.ei;
		b[1] = &k.ai;
		b[2] = &k.er;
		b[3] = &k.ar;
		mine[0] = '\0';
		for (i = 0; !r && i < 4; i++) {
			h = hb(b[i]);
			strcat(mine, i ? " " : "");
			strcat(mine, h);
			free(h);
		}
		CHECK(!r && !ref(line, sizeof(line), "child sha256 %s %s %s %s %zu %zu",
				 sd, pfs ? sg : "-", si, sr, ek, ak) &&
		      !strcmp(line, mine),
		      "Child SA KEYMAT %s PFS: ei ai er ar as ref.py (2.17)",
		      pfs ? "with" : "without");
		ike_child_keys_free(&k);
	}
	/* AES-GCM child SA: 36 octets a direction (key and salt), no integ. */
	r = ike_child_keys_derive(&k, IKEV2_PRF_HMAC_SHA2_256, &skd, NULL, &bi,
				  &br, ike_encr_keylen(IKEV2_ENCR_AES_GCM_16, 256),
				  0);
	CHECK(!r && k.ei.len == 36 && k.er.len == 36 && !k.ai.len &&
	      k.er.p == k.ei.p + 36, "Child SA KEYMAT for AES-GCM-256: 2 x 36 octets");
	ike_child_keys_free(&k);
	CHECK(!k.buf.p && !k.ei.p, "Child SA keys: freed and cleared");
	free(sd);
	free(sg);
	free(si);
	free(sr);
}

/* ---- AES-GCM known answers (GCM specification test cases 4, 16) ---- */

static void test_gcm_kat(void)
{
	static const char *pt_h =
		"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
	static const struct {
		const char *key, *ct, *tag;
	} tc[] = {
		{ "feffe9928665731c6d6a8f9467308308",
		  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		  "5bc94fbc3221a5db94fae95ae7121a47" },
		{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
		  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
		  "76fc6ece0f4e1768cddf8853bb2d551b" },
	};
	uint8_t key[32], pt[64], ct[64], want[64], tag[16], wtag[16], aad[20];
	uint8_t nonce[12], out[64];
	long kl, pl;
	unsigned int i;

	unhex(aad, sizeof(aad), "feedfacedeadbeeffeedfacedeadbeefabaddad2");
	/* RFC 5282's split: salt cafebabe, explicit IV facedbaddecaf888. */
	unhex(nonce, sizeof(nonce), "cafebabe facedbaddecaf888");
	pl = unhex(pt, sizeof(pt), pt_h);
	for (i = 0; i < 2; i++) {
		kl = unhex(key, sizeof(key), tc[i].key);
		unhex(want, sizeof(want), tc[i].ct);
		unhex(wtag, sizeof(wtag), tc[i].tag);
		CHECK(!ike_gcm_seal(key, kl, nonce, aad, 20, pt, pl, ct, tag) &&
		      !memcmp(ct, want, pl) && !memcmp(tag, wtag, 16),
		      "AES-GCM-%ld: GCM spec test case %s", kl * 8, i ? "16" : "4");
		CHECK(!ike_gcm_open(key, kl, nonce, aad, 20, ct, pl, out, tag) &&
		      !memcmp(out, pt, pl),
		      "AES-GCM-%ld: opens back", kl * 8);
		tag[0] ^= 1;
		CHECK(ike_gcm_open(key, kl, nonce, aad, 20, ct, pl, out, tag) ==
		      -EBADMSG, "AES-GCM-%ld: a wrong tag -> EBADMSG", kl * 8);
	}
}

/* ---- the Encrypted payload ---- */

struct skcase {
	const char *name;
	uint16_t encr, bits, integ;
};

static const struct skcase skcases[] = {
	{ "AES-GCM-16-128", IKEV2_ENCR_AES_GCM_16, 128, IKEV2_INTEG_NONE },
	{ "AES-GCM-16-256", IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE },
	{ "AES-CBC-128/HMAC-SHA2-256-128", IKEV2_ENCR_AES_CBC, 128,
	  IKEV2_INTEG_HMAC_SHA2_256_128 },
	{ "AES-CBC-256/HMAC-SHA2-384-192", IKEV2_ENCR_AES_CBC, 256,
	  IKEV2_INTEG_HMAC_SHA2_384_192 },
	{ "AES-CBC-256/HMAC-SHA2-512-256", IKEV2_ENCR_AES_CBC, 256,
	  IKEV2_INTEG_HMAC_SHA2_512_256 },
	{ "AES-CBC-128/HMAC-SHA1-96", IKEV2_ENCR_AES_CBC, 128,
	  IKEV2_INTEG_HMAC_SHA1_96 },
	{ "ChaCha20-Poly1305", IKEV2_ENCR_CHACHA20_POLY1305, 0,
	  IKEV2_INTEG_NONE },
};

static uint8_t ekey[36], akey[64];

/* An IKE_AUTH message: the header, SK around IDi + N(INITIAL_CONTACT). */
static uint8_t sk_spi_tag;	/* the last octet of SPIi: one per case */

static long sk_message(struct ike_sk_ctx *c, uint8_t *buf, size_t cap,
		       uint8_t *plain, long *plain_len, size_t *data_off)
{
	struct ike_hdr h = { .version = 0x20, .exchange = IKEV2_EXCH_IKE_AUTH,
			     .flags = IKEV2_FLAG_INITIATOR, .msgid = 1 };
	struct ike_id id = { IKEV2_ID_FQDN, { (const uint8_t *)"gwA", 3 } };
	struct ike_notify n = { .type = IKEV2_N_INITIAL_CONTACT };
	struct ike_wbuf w, iw;
	size_t sk_off, len;
	int r;

	memcpy(h.ispi, spii, 8);
	h.ispi[7] = sk_spi_tag;
	memcpy(h.rspi, spir, 8);
	ike_wbuf_init(&iw, plain, 512);
	ike_build_id(&iw, IKEV2_PL_IDI, &id);
	ike_build_notify(&iw, &n);
	*plain_len = ike_build_done(&iw);
	ike_wbuf_init(&w, buf, cap);
	ike_build_hdr(&w, &h);
	sk_off = ike_build_sk_begin(&w, iw.first);
	*data_off = w.len;
	if (ike_build_done(&w) < 0)
		return -1;
	r = ike_sk_encrypt(c, buf, cap, sk_off, *data_off, plain, *plain_len,
			   &len);
	return r ? r : (long)len;
}

/* NN.bin: the message; keys: "NN ispi rspi sk_e sk_a encr bits integ". */
static void write_vector(const struct ike_sk_ctx *c, const uint8_t *buf,
			 size_t len)
{
	char path[512], *e, *a, *s;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%02u.bin", vec_dir, sk_spi_tag);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		exit(2);
	snprintf(path, sizeof(path), "%s/keys", vec_dir);
	f = fopen(path, "a");
	e = hb(&c->ekey);
	a = c->akey.len ? hb(&c->akey) : strdup("-");
	s = hx(buf, 16);
	if (!f || fprintf(f, "%02u %.16s %s %s %s %u %u %u\n", sk_spi_tag, s,
			  s + 16, e, a, c->encr, c->encr_keybits, c->integ) < 0 ||
	    fclose(f))
		exit(2);
	free(e);
	free(a);
	free(s);
}

static void sk_case(const struct skcase *sc)
{
	struct ike_sk_ctx c = { sc->encr, sc->bits, sc->integ,
				{ ekey, ike_encr_keylen(sc->encr, sc->bits) },
				{ akey, ike_integ_keylen(sc->integ) }, 0 };
	uint8_t buf[1024], plain[512], out[1024], first[1024];
	size_t icvl = sc->integ ? ike_integ_icvlen(sc->integ) : 16;
	size_t data_off, outlen = 0;
	char line[2048], *k, *m, *x, *aadh, *cth, *tagh, *nh;
	long len, plen, flen;
	int r;

	sk_spi_tag++;
	len = sk_message(&c, buf, sizeof(buf), plain, &plen, &data_off);
	if (vec_dir && len > 0)
		write_vector(&c, buf, len);
	CHECK(len > 0 && ike_msg_parse(&msg, buf, len) == IKE_OK &&
	      msg.n_pld == 1 && msg.pl[0].type == IKEV2_PL_SK &&
	      msg.pl[0].u.sk.first == IKEV2_PL_IDI &&
	      (size_t)(msg.pl[0].u.sk.data.p - buf) == data_off,
	      "%s: the encrypted message parses, SK last and whole", sc->name);
	CHECK(!ike_sk_decrypt(&c, buf, len, data_off, out, &outlen) &&
	      outlen == (size_t)plen && !memcmp(out, plain, plen) &&
	      ike_msg_parse_inner(&msg, msg.pl[0].u.sk.first, out, outlen) ==
	      IKE_OK && msg.n_pld == 3,
	      "%s: decrypts to the inner payloads, which parse", sc->name);
	if (sc->encr == IKEV2_ENCR_AES_CBC)
		CHECK((len - data_off - 16 - icvl) % 16 == 0 &&
		      (len - data_off - 16 - icvl) == (size_t)((plen + 1 + 15) / 16 * 16),
		      "%s: padded to whole blocks (3.14)", sc->name);
	else
		CHECK((size_t)len == data_off + 8 + plen + 1 + 16,
		      "%s: 8-octet IV, no padding, 16-octet ICV (RFC 5282, 7634)",
		      sc->name);
	/* Independent checks of what covers what. */
	if (!have_python) {
		CHECK(1, "%s: ICV by ref.py # SKIP python3 not found", sc->name);
	} else if (sc->encr == IKEV2_ENCR_AES_CBC) {
		k = hx(akey, c.akey.len);
		m = hx(buf, len - icvl);
		x = hx(buf + len - icvl, icvl);
		CHECK(!ref(line, sizeof(line), "icv %s %s %s %zu",
			   sc->integ == IKEV2_INTEG_HMAC_SHA1_96 ? "sha1" :
			   sc->integ == IKEV2_INTEG_HMAC_SHA2_256_128 ? "sha256" :
			   sc->integ == IKEV2_INTEG_HMAC_SHA2_384_192 ? "sha384" :
			   "sha512", k, m, icvl) && !strcmp(line, x),
		      "%s: the ICV is ref.py's truncated HMAC of header through ciphertext (RFC 4868)",
		      sc->name);
		free(k);
		free(m);
		free(x);
	} else {
		uint8_t nonce[12];

		memcpy(nonce, ekey + c.ekey.len - 4, 4);
		memcpy(nonce + 4, buf + data_off, 8);
		k = hx(ekey, c.ekey.len - 4);
		nh = hx(nonce, 12);
		aadh = hx(buf, data_off);
		cth = hx(buf + data_off + 8, len - data_off - 8 - 16);
		tagh = hx(buf + len - 16, 16);
		x = hx(out, outlen);
		r = ref(line, sizeof(line), "%s %s %s %s %s %s",
			sc->encr == IKEV2_ENCR_AES_GCM_16 ? "gcmopen" :
			"chachaopen", k, nh, aadh, cth, tagh);
		if (!r && !strcmp(line, "skip"))
			CHECK(1, "%s: AEAD by Python # SKIP no python3-cryptography",
			      sc->name);
		else
			CHECK(!r && !strncmp(line, x, strlen(x)),
			      "%s: Python's AEAD opens it: salt from SK_e, AAD = header through SK header (RFC 5282 5.1, RFC 7634 4)",
			      sc->name);
		free(k);
		free(nh);
		free(aadh);
		free(cth);
		free(tagh);
		free(x);
	}
	/* A second message: a fresh IV. */
	memcpy(first, buf, len);
	flen = len;
	len = sk_message(&c, buf, sizeof(buf), plain, &plen, &data_off);
	CHECK(len == flen && memcmp(first + data_off, buf + data_off, 8),
	      "%s: the next message has another IV", sc->name);
	/* Tampering: ciphertext, header (msgid), ICV, length. */
	buf[data_off + 20] ^= 0x01;
	CHECK(ike_sk_decrypt(&c, buf, len, data_off, out, &outlen) == -EBADMSG,
	      "%s: a flipped ciphertext bit -> EBADMSG", sc->name);
	buf[data_off + 20] ^= 0x01;
	buf[23] ^= 0x01;
	CHECK(ike_sk_decrypt(&c, buf, len, data_off, out, &outlen) == -EBADMSG,
	      "%s: a changed message ID (header) -> EBADMSG", sc->name);
	buf[23] ^= 0x01;
	buf[len - 1] ^= 0x80;
	CHECK(ike_sk_decrypt(&c, buf, len, data_off, out, &outlen) == -EBADMSG,
	      "%s: a flipped ICV bit -> EBADMSG", sc->name);
	buf[len - 1] ^= 0x80;
	CHECK(ike_sk_decrypt(&c, buf, len - 1, data_off, out, &outlen) ==
	      -EBADMSG, "%s: one octet short -> EBADMSG", sc->name);
	CHECK(!ike_sk_decrypt(&c, buf, len, data_off, out, &outlen) &&
	      outlen == (size_t)plen, "%s: untampered again: decrypts", sc->name);
	/* GCM authenticates with SK_e; CBC's ICV does not cover the key. */
	ekey[0] ^= 1;
	r = ike_sk_decrypt(&c, buf, len, data_off, out, &outlen);
	CHECK(sc->encr == IKEV2_ENCR_AES_CBC ?
	      r == -EBADMSG || (!r && (outlen != (size_t)plen ||
				       memcmp(out, plain, plen))) :
	      r == -EBADMSG,
	      "%s: another SK_e -> %s", sc->name,
	      sc->encr == IKEV2_ENCR_AES_CBC ? "not the plaintext" : "EBADMSG");
	ekey[0] ^= 1;
}

static void test_sk(void)
{
	struct ike_sk_ctx c = { IKEV2_ENCR_AES_GCM_16, 128, IKEV2_INTEG_NONE,
				{ ekey, 20 }, { NULL, 0 }, 0 };
	uint8_t buf[256], plain[512];
	size_t data_off;
	unsigned int i;
	long plen;

	for (i = 0; i < sizeof(skcases) / sizeof(skcases[0]); i++)
		sk_case(&skcases[i]);
	CHECK(sk_message(&c, buf, 60, plain, &plen, &data_off) == -ENOSPC,
	      "SK: a buffer too small -> ENOSPC");
	c.ekey.len = 16;
	CHECK(ike_sk_ctx_check(&c) == -EINVAL &&
	      sk_message(&c, buf, sizeof(buf), plain, &plen, &data_off) ==
	      -EINVAL, "SK: AES-GCM-128 without its salt -> EINVAL");
	c.encr = IKEV2_ENCR_AES_CBC;
	c.integ = IKEV2_INTEG_HMAC_SHA2_256_128;
	c.akey.p = akey;
	c.akey.len = 20;
	CHECK(ike_sk_ctx_check(&c) == -EINVAL,
	      "SK: HMAC-SHA2-256 with a 20-octet key -> EINVAL");
}

/* The NAT detection hash of spii, spir, ip (len octets) and port: ref.py's. */
static void check_natd(const uint8_t *ip, size_t len, uint16_t port,
		       const char *family)
{
	char line[256], *si = hx(spii, 8), *sr = hx(spir, 8), *sa = hx(ip, len);
	uint8_t natd[IKE_NATD_LEN];
	int r = ike_natd_hash(spii, spir, ip, len, port, natd);
	char *o = hx(natd, IKE_NATD_LEN);

	CHECK(!r && !ref(line, sizeof(line), "natd %s %s %s %u", si, sr, sa,
			 port) && !strcmp(line, o),
	      "NAT-D hash, %s port %u: as ref.py (2.23)", family, port);
	free(o);
	free(sa);
	free(sr);
	free(si);
}

/* AUTH with a shared key (2.15) and the NAT detection hash (2.23). */
static void test_auth_natd(void)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct ike_id id = { IKEV2_ID_FQDN, { (const uint8_t *)"gwA.example", 11 } };
	struct ike_algs a = { IKEV2_ENCR_AES_GCM_16, 256, IKEV2_PRF_HMAC_SHA2_256,
			      IKEV2_INTEG_NONE };
	struct ike_blob g = { gir, 256 }, bi = { ni, sizeof(ni) };
	struct ike_blob br = { nr, sizeof(nr) }, psk = { (const uint8_t *)"s3cret", 6 };
	struct ike_blob msg1 = { gir, 200 }, idb;
	uint8_t idbuf[64], out[64], natd[IKE_NATD_LEN];
	char line[256], *s[6], *o;
	struct ike_chunk oct;
	struct ike_sa_keys k;
	struct ike_wbuf w;
	unsigned int i;
	int r;

	/* The IDi payload's body as parsed: ID Type, RESERVED, data. */
	ike_wbuf_init(&w, idbuf, sizeof(idbuf));
	ike_build_id(&w, IKEV2_PL_IDI, &id);
	idb.p = idbuf + 4;
	idb.len = ike_build_done(&w) - 4;
	r = ike_sa_keys_derive(&k, &a, &g, &bi, &br, spii, spir);
	CHECK(!r && !ike_auth_octets(a.prf, &msg1, &br, &k.pi, &idb, &oct) &&
	      oct.len == 200 + sizeof(nr) + 32 &&
	      !memcmp(oct.p, gir, 200) && !memcmp(oct.p + 200, nr, sizeof(nr)),
	      "AUTH octets: message 1 | peer's nonce | prf(SK_pi, IDi body)");
	ike_chunk_free(&oct);
	if (!have_python) {
		CHECK(1, "AUTH and NAT-D against ref.py # SKIP python3 not found");
		ike_sa_keys_free(&k);
		return;
	}
	r = r || ike_auth_psk(a.prf, &psk, &msg1, &br, &k.pi, &idb, out);
	s[0] = hb(&psk);
	s[1] = hb(&msg1);
	s[2] = hb(&br);
	s[3] = hb(&k.pi);
	s[4] = hb(&idb);
	o = hx(out, 32);
	CHECK(!r && !ref(line, sizeof(line), "authpsk sha256 %s %s %s %s %s",
			 s[0], s[1], s[2], s[3], s[4]) && !strcmp(line, o),
	      "AUTH (shared key, HMAC-SHA2-256): as ref.py (2.15)");
	for (i = 0; i < 5; i++)
		free(s[i]);
	free(o);
	ike_sa_keys_free(&k);
	check_natd(v4, sizeof(v4), 500, "IPv4");
	check_natd(v6, sizeof(v6), 4500, "IPv6");
	CHECK(ike_natd_hash(spii, spir, v4, 5, 500, natd) == -EINVAL,
	      "NAT-D hash: a 5-octet address refused");
}

/* SKF (RFC 7383 2.5): the fragment numbers are covered too. */
static void test_skf(void)
{
	struct ike_sk_ctx c = { IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE,
				{ ekey, 36 }, { NULL, 0 }, 7 };
	struct ike_hdr h = { .version = 0x20, .exchange = IKEV2_EXCH_IKE_AUTH,
			     .msgid = 1 };
	uint8_t buf[512], out[512], part[100];
	size_t sk_off, data_off, len, outlen = 0;
	struct ike_wbuf w;
	int r;

	memset(part, 0x3c, sizeof(part));
	memcpy(h.ispi, spii, 8);
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	sk_off = ike_build_skf_begin(&w, IKEV2_PL_IDI, 1, 2);
	data_off = w.len;
	r = ike_build_done(&w) < 0 ? -1 :
	    ike_sk_encrypt(&c, buf, sizeof(buf), sk_off, data_off, part,
			   sizeof(part), &len);
	CHECK(!r && ike_msg_parse(&msg, buf, len) == IKE_OK &&
	      msg.pl[0].type == IKEV2_PL_SKF && msg.pl[0].u.sk.frag_num == 1 &&
	      msg.pl[0].u.sk.frag_total == 2 &&
	      (size_t)(msg.pl[0].u.sk.data.p - buf) == data_off,
	      "SKF: fragment 1/2 encrypted, parses with its numbers");
	CHECK(!r && !ike_sk_decrypt(&c, buf, len, data_off, out, &outlen) &&
	      outlen == sizeof(part) && !memcmp(out, part, outlen),
	      "SKF: decrypts to the fragment's part");
	buf[sk_off + 7] = 3;	/* total fragments 2 -> 3 */
	CHECK(!r && ike_sk_decrypt(&c, buf, len, data_off, out, &outlen) ==
	      -EBADMSG, "SKF: a changed Total Fragments -> EBADMSG (in the AAD)");
}

/* CBC: a message whose ICV is right but whose pad length is impossible. */
static void test_sk_bad_padding(void)
{
	struct ike_sk_ctx c = { IKEV2_ENCR_AES_CBC, 128,
				IKEV2_INTEG_HMAC_SHA2_256_128, { ekey, 16 },
				{ akey, 32 }, 0 };
	uint8_t buf[256], block[16], iv[16] = { 0 }, mac[32], out[64];
	struct ike_blob in;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	size_t len = 28 + 4 + 16 + 16 + 16, outlen;
	int ol;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, spii, 8);
	buf[16] = IKEV2_PL_SK;
	buf[17] = 0x20;
	buf[18] = IKEV2_EXCH_IKE_AUTH;
	buf[27] = len;
	buf[28] = IKEV2_PL_IDI;
	buf[31] = len - 28;
	memset(block, 0, 16);
	block[15] = 16;		/* pad length 16 in a 16-octet ciphertext */
	EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, ekey, iv);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	EVP_EncryptUpdate(ctx, buf + 48, &ol, block, 16);
	EVP_CIPHER_CTX_free(ctx);
	in.p = buf;
	in.len = len - 16;
	ike_prf(IKEV2_PRF_HMAC_SHA2_256, akey, 32, &in, 1, mac);
	memcpy(buf + len - 16, mac, 16);
	CHECK(ike_sk_decrypt(&c, buf, len, 32, out, &outlen) == -EBADMSG,
	      "SK CBC: a good ICV but pad length 16 of 16 -> EBADMSG");
	block[15] = 15;
	ctx = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, ekey, iv);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	EVP_EncryptUpdate(ctx, buf + 48, &ol, block, 16);
	EVP_CIPHER_CTX_free(ctx);
	ike_prf(IKEV2_PRF_HMAC_SHA2_256, akey, 32, &in, 1, mac);
	memcpy(buf + len - 16, mac, 16);
	CHECK(!ike_sk_decrypt(&c, buf, len, 32, out, &outlen) && outlen == 0,
	      "SK CBC: pad length 15 of 16 -> an empty inner chain");
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc == 3 && !strcmp(argv[1], "--vectors"))
		vec_dir = argv[2];
	refpy_init(argv[0]);
	for (i = 0; i < sizeof(ni); i++)
		ni[i] = 0x10 + i;
	for (i = 0; i < sizeof(nr); i++)
		nr[i] = 0xc0 ^ i;
	for (i = 0; i < sizeof(gir); i++)
		gir[i] = i * 13 + 7;
	for (i = 0; i < sizeof(skd_old); i++)
		skd_old[i] = 0x55 + i;
	for (i = 0; i < sizeof(ekey); i++)
		ekey[i] = 0x30 + i;
	for (i = 0; i < sizeof(akey); i++)
		akey[i] = 0x90 + i;
	test_prf_kats();
	test_prf_plus();
	test_sa_keys();
	test_child_keys();
	test_gcm_kat();
	test_sk();
	test_sk_bad_padding();
	test_skf();
	test_auth_natd();
	return tap_done();
}
