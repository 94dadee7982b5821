// SPDX-License-Identifier: GPL-2.0
/*
 * Diffie-Hellman (dh.h): RFC 5903 section 8's vectors for groups 19, 20,
 * 21 (fixed private keys -> the printed public values and shared secret);
 * RFC 7748's X25519 vectors; the MODP primes against their RFC 2409/3526
 * formula and an exchange against Python's pow() (tests/ref.py), two
 * parties of each group agreeing, and every kind of bad peer value.
 */
#include <errno.h>
#include <stdint.h>

#include "dh.h"
#include "tap.h"
#include "hex.h"
#include "refpy.h"

/* RFC 5903 section 8: i, g^i (x, y), r, g^r (x, y), g^ir x. */
struct ecp_vec {
	uint16_t group;
	const char *sec, *i, *gix, *giy, *r, *grx, *gry, *girx;
};

static const struct ecp_vec ecp[] = {
	{ IKEV2_DH_ECP_256, "8.1",
	  "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
	  "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180",
	  "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
	  "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
	  "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
	  "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
	  "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE" },
	{ IKEV2_DH_ECP_384, "8.2",
	  "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
	  "E35B5380 41E649EE 3FAEF896 783AB194",
	  "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
	  "DE3AC808 ACB4BDB4 C88732AE E95F41AA",
	  "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
	  "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
	  "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
	  "E0308312 916B8ED2 960E4BD5 5A7448FC",
	  "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
	  "0D1AC43A 0336DEF9 6FDA41D0 774A3571",
	  "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
	  "F83FA401 42209DFF 5EAAD96D B9E6386C",
	  "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
	  "D6031355 69B9E9D0 9CF5D4A2 70F59746" },
	{ IKEV2_DH_ECP_521, "8.3",
	  "0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 393DCE47 608172A0"
	  "95AA85A3 0FE1C295 2C6771D9 37BA9777 F5957B26 39BAB072 462F68C2 7A57382D"
	  "4A52",
	  "0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B D98BAB43 57C9ECBE"
	  "E1E3BF42 E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4 601723C4 195D176C"
	  "ED3E",
	  "017CAE20 B6641D2E EB695786 D8C94614 6239D099 E18E1D5A 514C739D 7CB4A10A"
	  "D8A78801 5AC405D7 799DC75E 7B7D5B6C F2261A6A 7F150743 8BF01BEB 6CA3926F"
	  "9582",
	  "0145BA99 A847AF43 793FDD0E 872E7CDF A16BE30F DC780F97 BCCC3F07 8380201E"
	  "9C677D60 0B343757 A3BDBF2A 3163E4C2 F869CCA7 458AA4A4 EFFC311F 5CB15168"
	  "5EB9",
	  "00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 728B5E57 39735A21"
	  "9B97C356 436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C ED2B6171 640012D9"
	  "460F",
	  "015C6822 6383956E 3BD066E7 97B623C2 7CE0EAC2 F551A10C 2C724D98 52077B87"
	  "220B6536 C5C408A1 D2AEBB8E 86D678AE 49CB5709 1F473229 6579AB44 FCD17F0F"
	  "C56A",
	  "01144C7D 79AE6956 BC8EDB8E 7C787C45 21CB086F A64407F9 7894E5E6 B2D79B04"
	  "D1427E73 CA4BAA24 0A347868 59810C06 B3C715A3 A8CC3151 F2BEE417 996D19F3"
	  "DDEA" },
};

static int secret_is(struct ike_dh *dh, const uint8_t *peer, size_t len,
		     const uint8_t *want, size_t wlen)
{
	struct ike_chunk s;
	int ok;

	ok = !ike_dh_derive(dh, peer, len, &s) && s.len == wlen &&
	     !memcmp(s.p, want, wlen);
	ike_chunk_free(&s);
	return ok;
}

static int derive_err(struct ike_dh *dh, const uint8_t *peer, size_t len)
{
	struct ike_chunk s;
	int r = ike_dh_derive(dh, peer, len, &s);

	if (!r)
		ike_chunk_free(&s);
	return r ? r : 1;
}

static void test_ecp_vectors(void)
{
	uint8_t i[66], r[66], gi[132], gr[132], gir[66], pub[132], bad[133];
	struct ike_dh *di = NULL, *dr = NULL;
	const struct ecp_vec *v;
	unsigned int k;
	long n, h;

	for (k = 0; k < sizeof(ecp) / sizeof(ecp[0]); k++) {
		v = &ecp[k];
		n = unhex(i, sizeof(i), v->i);
		unhex(r, sizeof(r), v->r);
		h = unhex(gi, sizeof(gi), v->gix);
		unhex(gi + h, sizeof(gi) - h, v->giy);
		unhex(gr, sizeof(gr), v->grx);
		unhex(gr + h, sizeof(gr) - h, v->gry);
		unhex(gir, sizeof(gir), v->girx);
		CHECK(!ike_dh_new_private(&di, v->group, i, n) &&
		      !ike_dh_public(di, pub, sizeof(pub)) &&
		      !memcmp(pub, gi, 2 * h) &&
		      ike_dh_group(v->group)->publen == (size_t)(2 * h),
		      "group %u: i -> KEi data gix | giy (RFC 5903 %s)",
		      v->group, v->sec);
		CHECK(di && secret_is(di, gr, 2 * h, gir, n),
		      "group %u: i with g^r -> girx (RFC 5903 %s)", v->group,
		      v->sec);
		CHECK(!ike_dh_new_private(&dr, v->group, r, n) &&
		      !ike_dh_public(dr, pub, sizeof(pub)) &&
		      !memcmp(pub, gr, 2 * h) && secret_is(dr, gi, 2 * h, gir, n),
		      "group %u: r -> grx | gry, and with g^i the same girx",
		      v->group);
		/* Bad peer values. */
		CHECK(di && derive_err(di, gr, 2 * h - 1) == -EBADMSG,
		      "group %u: a value one octet short -> EBADMSG", v->group);
		bad[0] = 0x04;
		memcpy(bad + 1, gr, 2 * h);
		CHECK(di && derive_err(di, bad, 2 * h + 1) == -EBADMSG,
		      "group %u: SEC 1's 0x04 | x | y -> EBADMSG (RFC 5903 7)",
		      v->group);
		memcpy(bad, gr, 2 * h);
		bad[2 * h - 1] ^= 1;
		CHECK(di && derive_err(di, bad, 2 * h) == -EDOM,
		      "group %u: a point off the curve -> EDOM", v->group);
		memset(bad, 0, 2 * h);
		CHECK(di && derive_err(di, bad, 2 * h) == -EDOM,
		      "group %u: (0, 0) -> EDOM", v->group);
		memset(bad, 0xff, 2 * h);
		CHECK(di && derive_err(di, bad, 2 * h) == -EDOM,
		      "group %u: coordinates past p -> EDOM", v->group);
		ike_dh_free(di);
		ike_dh_free(dr);
		di = dr = NULL;
	}
}

static void test_x25519(void)
{
	/* RFC 7748 5.2 (scalar, u, result), then 6.1 (Alice, Bob). */
	static const char *v52[2][3] = {
		{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
		{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
	};
	static const char *a = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
	static const char *apub = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
	static const char *b = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
	static const char *bpub = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
	static const char *k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
	uint8_t s[32], u[32], want[32], pa[32], pb[32], pub[32], zero[32] = { 0 };
	struct ike_dh *da = NULL, *db = NULL;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		unhex(s, 32, v52[i][0]);
		unhex(u, 32, v52[i][1]);
		unhex(want, 32, v52[i][2]);
		CHECK(!ike_dh_new_private(&da, IKEV2_DH_CURVE25519, s, 32) &&
		      secret_is(da, u, 32, want, 32),
		      "X25519: RFC 7748 5.2 vector %u", i + 1);
		ike_dh_free(da);
		da = NULL;
	}
	unhex(s, 32, a);
	unhex(pa, 32, apub);
	unhex(u, 32, b);
	unhex(pb, 32, bpub);
	unhex(want, 32, k);
	CHECK(!ike_dh_new_private(&da, IKEV2_DH_CURVE25519, s, 32) &&
	      !ike_dh_public(da, pub, 32) && !memcmp(pub, pa, 32) &&
	      !ike_dh_new_private(&db, IKEV2_DH_CURVE25519, u, 32) &&
	      !ike_dh_public(db, pub, 32) && !memcmp(pub, pb, 32),
	      "X25519: Alice's and Bob's public keys (RFC 7748 6.1)");
	CHECK(da && db && secret_is(da, pb, 32, want, 32) &&
	      secret_is(db, pa, 32, want, 32),
	      "X25519: both derive K (RFC 7748 6.1)");
	CHECK(da && derive_err(da, zero, 32) == -EDOM,
	      "X25519: u = 0 (all-zero secret) -> EDOM (RFC 8031 2.3)");
	zero[0] = 1;
	CHECK(da && derive_err(da, zero, 32) == -EDOM,
	      "X25519: u = 1 (low order) -> EDOM");
	CHECK(da && derive_err(da, pb, 31) == -EBADMSG,
	      "X25519: 31 octets -> EBADMSG");
	ike_dh_free(da);
	ike_dh_free(db);
}

/* Two fresh parties of a group agree; the values have the group's sizes. */
static void test_agree(uint16_t group, unsigned int flags)
{
	const struct ike_dh_group *g = ike_dh_group(group);
	struct ike_dh *a = NULL, *b = NULL;
	struct ike_chunk sa = { 0 }, sb = { 0 };
	uint8_t pa[512], pb[512];
	int ok;

	ok = g && !ike_dh_new(&a, group, flags) && !ike_dh_new(&b, group, flags) &&
	     !ike_dh_public(a, pa, sizeof(pa)) &&
	     !ike_dh_public(b, pb, sizeof(pb)) &&
	     !ike_dh_derive(a, pb, g->publen, &sa) &&
	     !ike_dh_derive(b, pa, g->publen, &sb);
	CHECK(ok && sa.len == g->secretlen && sb.len == sa.len &&
	      !memcmp(sa.p, sb.p, sa.len) && memcmp(pa, pb, g->publen),
	      "group %u (%s): two parties agree on a %zu-octet secret", group,
	      g ? g->name : "?", g ? g->secretlen : 0);
	ike_chunk_free(&sa);
	ike_chunk_free(&sb);
	ike_dh_free(a);
	ike_dh_free(b);
}

static void test_modp(uint16_t group, unsigned int flags)
{
	const struct ike_dh_group *g = ike_dh_group(group);
	size_t n = g->publen;
	uint8_t p[512], pub[512], bad[512], pyb[512], pys[512];
	char *line = malloc(4096), *hx = malloc(2 * 512 + 1);
	struct ike_dh *a = NULL;
	int r;

	test_agree(group, flags);
	r = ike_dh_new(&a, group, flags);
	CHECK(!r && !ike_dh_prime(a, p, sizeof(p)) &&
	      !ike_dh_public(a, pub, sizeof(pub)),
	      "group %u: key pair, prime and public value", group);
	if (r)
		goto out;
	if (!have_python) {
		CHECK(1, "group %u: prime by ref.py # SKIP python3 not found", group);
		CHECK(1, "group %u: exchange with ref.py # SKIP python3 not found",
		      group);
	} else {
		tohex(hx, p, n);
		CHECK(!ref(line, 4096, "prime %zu", n * 8) && !strcmp(line, hx),
		      "group %u: the prime is RFC %s's formula (ref.py)", group,
		      group == IKEV2_DH_MODP_1024 ? "2409" : "3526");
		tohex(hx, pub, n);
		/* Python's b; a b whose secret has a leading zero octet. */
		r = ref(line, 4096, "%s %zu %s 0123456789abcdef0123456789",
			group == IKEV2_DH_MODP_2048 ? "modpz" : "modp", n * 8, hx);
		CHECK(!r && strlen(line) == 4 * n + 1 &&
		      unhex(pyb, n, strtok(line, " ")) == (long)n &&
		      unhex(pys, n, strtok(NULL, " ")) == (long)n &&
		      secret_is(a, pyb, n, pys, n) &&
		      (group != IKEV2_DH_MODP_2048 || !pys[0]),
		      "group %u: same secret as Python's pow()%s", group,
		      group == IKEV2_DH_MODP_2048 ?
		      ", one with a leading zero octet kept (2.14 padding)" : "");
	}
	memset(bad, 0, n);
	CHECK(derive_err(a, bad, n) == -EDOM, "group %u: y = 0 -> EDOM", group);
	bad[n - 1] = 1;
	CHECK(derive_err(a, bad, n) == -EDOM, "group %u: y = 1 -> EDOM", group);
	memcpy(bad, p, n);
	bad[n - 1] -= 1;
	CHECK(derive_err(a, bad, n) == -EDOM, "group %u: y = p-1 -> EDOM", group);
	bad[n - 1] += 1;
	CHECK(derive_err(a, bad, n) == -EDOM, "group %u: y = p -> EDOM", group);
	memset(bad, 0xff, n);
	CHECK(derive_err(a, bad, n) == -EDOM, "group %u: y = 2^n-1 -> EDOM", group);
	bad[n - 1] = 2;
	memset(bad, 0, n - 1);
	CHECK(derive_err(a, bad, n) == 1, "group %u: y = 2 is accepted", group);
	CHECK(derive_err(a, pub, n - 1) == -EBADMSG &&
	      derive_err(a, pub, n + 1) == -EBADMSG,
	      "group %u: a value not of the prime's length -> EBADMSG", group);
out:
	ike_dh_free(a);
	free(line);
	free(hx);
}

static void test_groups(void)
{
	static const uint16_t none[] = { 0, 1, 17, 18, 22, 32, 99 };
	struct ike_dh *dh = NULL;
	unsigned int i;
	int ok = 1;

	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		ok &= ike_dh_new(&dh, none[i], IKE_DH_ALLOW_WEAK) == -ENOTSUP &&
		      !dh && !ike_dh_group(none[i]);
	CHECK(ok, "groups 0, 1, 17, 18, 22, 32, 99: not supported (ENOTSUP)");
	CHECK(ike_dh_new(&dh, IKEV2_DH_MODP_1024, 0) == -EPERM &&
	      ike_dh_new(&dh, IKEV2_DH_MODP_1536, 0) == -EPERM &&
	      ike_dh_group(2)->weak && ike_dh_group(5)->weak &&
	      !ike_dh_group(14)->weak && !ike_dh_group(31)->weak,
	      "groups 2 and 5: weak, refused without IKE_DH_ALLOW_WEAK");
	CHECK(ike_dh_group(14)->publen == 256 && ike_dh_group(15)->publen == 384 &&
	      ike_dh_group(16)->publen == 512 && ike_dh_group(19)->publen == 64 &&
	      ike_dh_group(20)->publen == 96 && ike_dh_group(21)->publen == 132 &&
	      ike_dh_group(31)->publen == 32 && ike_dh_group(21)->secretlen == 66,
	      "KE data lengths per group (RFC 3526, 5903 7, 8031 2)");
	CHECK(ike_dh_new_private(&dh, IKEV2_DH_MODP_2048, (const uint8_t *)"x",
				 1) == -ENOTSUP && !dh,
	      "a fixed private key is for ECP and Curve25519 only");
}

int main(int argc, char **argv)
{
	(void)argc;
	refpy_init(argv[0]);
	test_groups();
	test_ecp_vectors();
	test_x25519();
	test_agree(IKEV2_DH_ECP_256, 0);
	test_agree(IKEV2_DH_ECP_384, 0);
	test_agree(IKEV2_DH_ECP_521, 0);
	test_agree(IKEV2_DH_CURVE25519, 0);
	test_modp(IKEV2_DH_MODP_2048, 0);
	test_modp(IKEV2_DH_MODP_3072, 0);
	test_modp(IKEV2_DH_MODP_4096, 0);
	test_modp(IKEV2_DH_MODP_1024, IKE_DH_ALLOW_WEAK);
	test_modp(IKEV2_DH_MODP_1536, IKE_DH_ALLOW_WEAK);
	return tap_done();
}
