// SPDX-License-Identifier: GPL-2.0
/*
 * vgate-iked's policy.c: proposal parsing (the errors name the token),
 * selection (our order first, the peer's proposal number kept, every
 * type the peer offers chosen, unknown attributes refused, ESN, DH in
 * IKE_AUTH ignored), display names (swanctl's), selectors (parsing,
 * narrowing, subset, text).  TAP.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ikev2.h"
#include "policy.h"
#include "props.h"
#include "tap.h"

static struct ike_sa a, b;
static char err[256], txt[1024];

static int parse_err(const char *s, uint8_t proto, const char *want)
{
	err[0] = 0;
	return pol_prop_parse(s, proto, &a, err, sizeof(err)) == -1 &&
	       strstr(err, want) != NULL;
}

static void test_parse(void)
{
	CHECK(!pol_prop_parse("aes128gcm16-prfsha256-x25519", IKEV2_PROTO_IKE,
			      &a, err, sizeof(err)) && a.n_props == 1 &&
	      a.prop[0].n_xforms == 3 && a.prop[0].num == 1 &&
	      a.prop[0].xf[0].id == IKEV2_ENCR_AES_GCM_16 &&
	      a.prop[0].xf[0].keylen == 128,
	      "ike: aes128gcm16-prfsha256-x25519 is one proposal of 3 transforms");
	CHECK(!pol_prop_parse("aes256-sha384-ecp384", IKEV2_PROTO_IKE, &a, err,
			      sizeof(err)) &&
	      (pol_prop_str(&a, txt, sizeof(txt)),
	       !strcmp(txt, "aes256-sha384-prfsha384-ecp384")),
	      "ike: without a PRF, the integrity algorithm's (%s)", txt);
	CHECK(!pol_prop_parse("aes128gcm16-prfsha256-x25519-ecp256, aes256-sha256-sha512-modp2048",
			      IKEV2_PROTO_IKE, &a, err, sizeof(err)) &&
	      a.n_props == 2 && a.prop[1].num == 2 &&
	      (pol_prop_str(&a, txt, sizeof(txt)),
	       !strcmp(txt, "aes128gcm16-prfsha256-curve25519-ecp256, aes256-sha256-sha512-prfsha256-prfsha512-modp2048")),
	      "ike: two proposals, numbered, printed back (%s)", txt);
	CHECK(parse_err("aes129-sha256-x25519", IKEV2_PROTO_IKE,
			"unknown ike algorithm 'aes129'"),
	      "ike: an unknown token is named (%s)", err);
	CHECK(parse_err("aes128-prfsha256-x25519", IKEV2_PROTO_IKE,
			"CBC cipher but no integrity"),
	      "ike: CBC without integrity refused (%s)", err);
	CHECK(parse_err("aes128gcm16-sha256-prfsha256-x25519", IKEV2_PROTO_IKE,
			"AEAD cipher takes no integrity"),
	      "ike: AEAD with integrity refused (%s)", err);
	CHECK(parse_err("aes128gcm16-aes128-sha256-x25519", IKEV2_PROTO_IKE,
			"AEAD and non-AEAD"),
	      "ike: AEAD and CBC in one proposal refused (%s)", err);
	CHECK(parse_err("aes128gcm16-x25519", IKEV2_PROTO_IKE, "without a PRF"),
	      "ike: AEAD without a PRF refused (%s)", err);
	CHECK(parse_err("aes128gcm16-prfsha256", IKEV2_PROTO_IKE,
			"without a DH group"),
	      "ike: no DH group refused (%s)", err);
	CHECK(parse_err("aes128gcm16-esn-prfsha256-x25519", IKEV2_PROTO_IKE,
			"'esn' (not allowed there)"),
	      "ike: esn refused in IKE (%s)", err);
	CHECK(!pol_prop_parse("aes128gcm16-x25519", IKEV2_PROTO_ESP, &a, err,
			      sizeof(err)) &&
	      (pol_prop_str(&a, txt, sizeof(txt)),
	       !strcmp(txt, "aes128gcm16-curve25519-noesn")),
	      "esp: a DH group (PFS) taken in ESP (%s)", txt);
	{
		/* PFS: ours with a group takes no peer proposal without
		 * one, except where DH is not negotiated (IKE_AUTH) */
		static struct ike_sa ours, peer;
		struct pol_choice c;

		pol_prop_parse("aes128gcm16-x25519", IKEV2_PROTO_ESP, &ours,
			       err, sizeof(err));
		pol_prop_parse("aes128gcm16", IKEV2_PROTO_ESP, &peer, err,
			       sizeof(err));
		peer.prop[0].spi_size = 4;
		CHECK(pol_select(&ours, &peer, IKEV2_PROTO_ESP, 0, &c) &&
		      !pol_select(&ours, &peer, IKEV2_PROTO_ESP, 1, &c) &&
		      c.dh == 0,
		      "esp: PFS required: a proposal without a group refused in a rekey, taken in IKE_AUTH");
		pol_prop_parse("aes128gcm16-ecp256-x25519", IKEV2_PROTO_ESP,
			       &peer, err, sizeof(err));
		peer.prop[0].spi_size = 4;
		CHECK(!pol_select(&ours, &peer, IKEV2_PROTO_ESP, 0, &c) &&
		      c.dh == IKEV2_DH_CURVE25519 &&
		      (pol_choice_name(&c, txt, sizeof(txt)),
		       !strcmp(txt, "AES_GCM_16-128/CURVE_25519")),
		      "esp: PFS: our group chosen from the peer's (%s)", txt);
	}
	CHECK(!pol_prop_parse("aes128-sha256", IKEV2_PROTO_ESP, &a, err,
			      sizeof(err)) &&
	      (pol_prop_str(&a, txt, sizeof(txt)),
	       !strcmp(txt, "aes128-sha256-noesn")),
	      "esp: noesn when no ESN is given (%s)", txt);
	CHECK(!pol_prop_parse("aes128-sha1", IKEV2_PROTO_ESP, &a, err,
			      sizeof(err)) &&
	      a.prop[0].xf[1].id == IKEV2_INTEG_HMAC_SHA1_96 &&
	      !strcmp(pol_integ_name(a.prop[0].xf[1].id), "HMAC_SHA1_96"),
	      "esp: aes128-sha1 is AES-CBC with HMAC_SHA1_96");
	CHECK(parse_err("aes128-sha1-prfsha256-x25519", IKEV2_PROTO_IKE,
			"'sha1' (not allowed there)"),
	      "ike: sha1 refused in IKE (%s)", err);
	CHECK(parse_err(" , ", IKEV2_PROTO_ESP, "no proposal"),
	      "an empty list refused (%s)", err);
}

static void test_select(void)
{
	struct pol_choice c;
	struct ike_prop *pr;

	pol_prop_parse("aes128gcm16-prfsha256-x25519, aes256-sha256-modp2048",
		       IKEV2_PROTO_IKE, &a, err, sizeof(err));
	pol_prop_parse("aes256-sha256-modp2048, aes128gcm16-prfsha256-ecp256-x25519",
		       IKEV2_PROTO_IKE, &b, err, sizeof(err));
	CHECK(!pol_select(&a, &b, IKEV2_PROTO_IKE, 0, &c) && c.num == 2 &&
	      c.encr == IKEV2_ENCR_AES_GCM_16 && c.dh == IKEV2_DH_CURVE25519 &&
	      c.integ == 0 && (pol_choice_name(&c, txt, sizeof(txt)),
			       !strcmp(txt, "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519")),
	      "select: our first proposal wins, the peer's number kept (%s)", txt);
	CHECK(!pol_select(&b, &a, IKEV2_PROTO_IKE, 0, &c) && c.num == 2 &&
	      (pol_choice_name(&c, txt, sizeof(txt)),
	       !strcmp(txt, "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048")),
	      "select: the other way round, the other proposal (%s)", txt);
	pol_prop_parse("aes128gcm16-prfsha256-ecp384", IKEV2_PROTO_IKE, &b, err,
		       sizeof(err));
	CHECK(pol_select(&a, &b, IKEV2_PROTO_IKE, 0, &c) == -1,
	      "select: no common DH group -> NO_PROPOSAL_CHOSEN");
	pol_prop_parse("aes128gcm16-prfsha256-x25519", IKEV2_PROTO_IKE, &b, err,
		       sizeof(err));
	b.prop[0].xf[0].attrs.p = (const uint8_t *)"\x80\x0e\x00\x80\x80\x10\x00\x01";
	b.prop[0].xf[0].attrs.len = 8;
	CHECK(pol_select(&a, &b, IKEV2_PROTO_IKE, 0, &c) == -1,
	      "select: a transform with an unknown attribute is refused");
	pol_prop_parse("aes128gcm16-prfsha256-x25519", IKEV2_PROTO_IKE, &b, err,
		       sizeof(err));
	b.prop[0].proto = IKEV2_PROTO_ESP;
	CHECK(pol_select(&a, &b, IKEV2_PROTO_IKE, 0, &c) == -1,
	      "select: a proposal of another protocol is skipped");

	pol_prop_parse("aes128gcm16-noesn", IKEV2_PROTO_ESP, &a, err, sizeof(err));
	memset(&b, 0, sizeof(b));
	pr = prop_add(&b, IKEV2_PROTO_ESP, "\x12\x34\x56\x78", 4);
	xf(pr, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 128);
	xf(pr, IKEV2_XFORM_DH, IKEV2_DH_ECP_256, 0);
	CHECK(!pol_select(&a, &b, IKEV2_PROTO_ESP, 1, &c) && c.esn == 0 &&
	      c.dh == 0 && c.spi_size == 4 && !memcmp(c.spi, "\x12\x34\x56\x78", 4),
	      "select esp: no ESN transform = no ESN; DH ignored in IKE_AUTH; the SPI kept");
	CHECK(pol_select(&a, &b, IKEV2_PROTO_ESP, 0, &c) == -1,
	      "select esp: DH not ignored (CREATE_CHILD_SA) and not ours: refused");
	pol_prop_parse("aes128gcm16-esn", IKEV2_PROTO_ESP, &a, err, sizeof(err));
	CHECK(pol_select(&a, &b, IKEV2_PROTO_ESP, 1, &c) == -1,
	      "select esp: ESN required by us, the peer offers none: refused");
	b.prop[0].spi_size = 0;
	pol_prop_parse("aes128gcm16-noesn", IKEV2_PROTO_ESP, &a, err, sizeof(err));
	CHECK(pol_select(&a, &b, IKEV2_PROTO_ESP, 1, &c) == -1,
	      "select esp: an ESP proposal without its 4-octet SPI is refused");
}

static void test_ts(void)
{
	struct ike_ts_pld x, y, o;

	CHECK(!pol_ts_parse("10.1.0.0/24, 2001:db8::/32, 10.9.0.1-10.9.0.9, 192.0.2.7",
			    &x, err, sizeof(err)) && x.n == 4 &&
	      (pol_ts_str(&x, txt, sizeof(txt)),
	       !strcmp(txt, "10.1.0.0/24, 2001:db8::/32, 10.9.0.1-10.9.0.9, 192.0.2.7/32")),
	      "ts: prefix, IPv6, range, address; printed back (%s)", txt);
	CHECK(pol_ts_parse("10.1.0.1/24", &x, err, sizeof(err)) == -1 &&
	      strstr(err, "'10.1.0.1/24'"),
	      "ts: host bits refused, named (%s)", err);
	CHECK(pol_ts_parse("10.9.0.9-10.9.0.1", &x, err, sizeof(err)) == -1,
	      "ts: a range backwards refused");
	CHECK(pol_ts_parse("10.0.0.0-2001:db8::1", &x, err, sizeof(err)) == -1,
	      "ts: a range across families refused");
	CHECK(pol_ts_parse("10.0.0.0/33", &x, err, sizeof(err)) == -1,
	      "ts: prefix 33 refused for IPv4");
	pol_ts_parse("10.0.0.0/8, 2001:db8::/32", &x, err, sizeof(err));
	pol_ts_parse("10.1.0.0/24, 192.168.0.0/16, 2001:db8:5::/48", &y, err,
		     sizeof(err));
	CHECK(pol_ts_narrow(&x, &y, &o) == 2 &&
	      (pol_ts_str(&o, txt, sizeof(txt)),
	       !strcmp(txt, "10.1.0.0/24, 2001:db8:5::/48")),
	      "narrow: the intersections only (%s)", txt);
	CHECK(pol_ts_subset(&o, &x) && pol_ts_subset(&o, &y) &&
	      !pol_ts_subset(&x, &o),
	      "subset: the narrowed set lies in both, not the other way");
	y.ts[0].proto = 17;
	y.ts[0].sport = y.ts[0].eport = 500;
	CHECK(pol_ts_narrow(&x, &y, &o) == 2 && o.ts[0].proto == 17 &&
	      o.ts[0].sport == 500 && o.ts[0].eport == 500 &&
	      (pol_ts_str(&o, txt, sizeof(txt)),
	       !strncmp(txt, "10.1.0.0/24[17/500-500]", 23)),
	      "narrow: protocol and ports taken from the narrower side (%s)", txt);
	pol_ts_parse("172.16.0.0/12", &y, err, sizeof(err));
	CHECK(pol_ts_narrow(&x, &y, &o) == 0,
	      "narrow: disjoint sets -> nothing (TS_UNACCEPTABLE)");
}

int main(void)
{
	test_parse();
	test_select();
	test_ts();
	return tap_done();
}
