// SPDX-License-Identifier: GPL-2.0
/*
 * The IKEv2 codec (pld.h): every payload kind built, parsed back and
 * rebuilt byte for byte; encodings checked against bytes written by hand
 * from RFC 7296's figures and against the KEi payload RFC 5903 prints; and
 * one malformed message per parse error.
 *
 *   pld_test               the tests (TAP)
 *   pld_test --seeds DIR   also write the valid messages to DIR/seed-NAME
 *                          (the fuzz target's seed corpus)
 */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>

#include <libgen.h>

#include "crypto.h"
#include "dh.h"
#include "pld.h"
#include "props.h"
#include "tap.h"
#include "hex.h"

static const char *seed_dir;
static char data_dir[512];	/* tests/data, next to this program */
static struct ike_msg msg, msg2;	/* large: not on the stack */

static void seed(const char *name, const uint8_t *p, size_t len)
{
	char path[512];
	FILE *f;

	if (!seed_dir)
		return;
	snprintf(path, sizeof(path), "%s/seed-%s", seed_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static struct ike_hdr hdr(uint8_t exch, uint8_t flags, uint32_t msgid)
{
	struct ike_hdr h = {
		.ispi = { 1, 2, 3, 4, 5, 6, 7, 8 },
		.version = IKEV2_VERSION_MAJOR << 4,
		.exchange = exch,
		.flags = flags,
		.msgid = msgid,
	};

	if (exch != IKEV2_EXCH_IKE_SA_INIT || flags & IKEV2_FLAG_RESPONSE)
		memcpy(h.rspi, "\x11\x12\x13\x14\x15\x16\x17\x18", 8);
	return h;
}

/* parse(p) then build: the same bytes again (the codec is canonical). */
static int round_trip(const uint8_t *p, size_t len)
{
	static uint8_t out[65536];
	struct ike_wbuf w;
	long n;

	if (ike_msg_parse(&msg2, p, len))
		return 0;
	ike_wbuf_init(&w, out, sizeof(out));
	n = ike_msg_build(&w, &msg2);
	return n == (long)len && !memcmp(out, p, len);
}

static uint8_t gi[64], ni[32], natd_s[20], natd_d[20];

static void ike_proposals(struct ike_sa *sa)
{
	struct ike_prop *pr;

	memset(sa, 0, sizeof(*sa));
	pr = prop_add(sa, IKEV2_PROTO_IKE, NULL, 0);
	xf(pr, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 256);
	xf(pr, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	xf(pr, IKEV2_XFORM_DH, IKEV2_DH_ECP_256, 0);
	xf(pr, IKEV2_XFORM_DH, IKEV2_DH_CURVE25519, 0);
	pr = prop_add(sa, IKEV2_PROTO_IKE, NULL, 0);
	xf(pr, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128);
	xf(pr, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0);
	xf(pr, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	xf(pr, IKEV2_XFORM_DH, IKEV2_DH_MODP_2048, 0);
}

static void notify(struct ike_wbuf *w, uint16_t type, const uint8_t *d,
		   size_t len)
{
	struct ike_notify n = { .type = type, .data = { d, len } };

	ike_build_notify(w, &n);
}

/* IKE_SA_INIT request: SA, KE, Ni, N(NAT_DETECTION_*), N(FRAG), V. */
static long sa_init(uint8_t *buf, size_t cap)
{
	struct ike_hdr h = hdr(IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, 0);
	struct ike_ke ke = { IKEV2_DH_ECP_256, { gi, sizeof(gi) } };
	struct ike_wbuf w;
	struct ike_sa sa;

	ike_proposals(&sa);
	ike_wbuf_init(&w, buf, cap);
	ike_build_hdr(&w, &h);
	ike_build_sa(&w, &sa);
	ike_build_ke(&w, &ke);
	ike_build_nonce(&w, ni, sizeof(ni));
	notify(&w, IKEV2_N_NAT_DETECTION_SOURCE_IP, natd_s, sizeof(natd_s));
	notify(&w, IKEV2_N_NAT_DETECTION_DESTINATION_IP, natd_d,
	       sizeof(natd_d));
	notify(&w, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	ike_build_vendor(&w, (const uint8_t *)"vgate-iked", 10);
	return ike_build_done(&w);
}

static void test_sa_init(void)
{
	static const uint8_t rfc5903_kei_hdr[8] = {
		0x00, 0x00, 0x00, 0x48, 0x00, 0x13, 0x00, 0x00 };
	uint8_t buf[2048];
	const struct ike_pld *pl;
	const struct ike_prop *pr;
	const struct ike_notify *n;
	long len = sa_init(buf, sizeof(buf));
	size_t ke_off;

	CHECK(len > 0 && buf[16] == IKEV2_PL_SA && buf[17] == 0x20 &&
	      buf[18] == 34 && buf[19] == 0x08 &&
	      (buf[24] << 24 | buf[25] << 16 | buf[26] << 8 | buf[27]) == len,
	      "sa_init: built, header octets as RFC 7296 3.1 lays them out");
	seed("sa_init", buf, len);
	CHECK(ike_msg_parse(&msg, buf, len) == IKE_OK && msg.n_pld == 7,
	      "sa_init: parses, 7 payloads");
	CHECK(msg.hdr.exchange == IKEV2_EXCH_IKE_SA_INIT &&
	      msg.hdr.flags == IKEV2_FLAG_INITIATOR && msg.hdr.msgid == 0 &&
	      msg.hdr.ispi[7] == 8 && msg.hdr.rspi[0] == 0 &&
	      msg.hdr.length == (uint32_t)len,
	      "sa_init: header fields");
	pr = &msg.sa.prop[1];
	CHECK(msg.sa.n_props == 2 && msg.sa.prop[0].n_xforms == 4 &&
	      msg.sa.prop[0].xf[0].type == IKEV2_XFORM_ENCR &&
	      msg.sa.prop[0].xf[0].id == IKEV2_ENCR_AES_GCM_16 &&
	      msg.sa.prop[0].xf[0].keylen == 256 &&
	      msg.sa.prop[0].xf[3].id == IKEV2_DH_CURVE25519 &&
	      pr->num == 2 && pr->proto == IKEV2_PROTO_IKE &&
	      pr->spi_size == 0 && pr->n_xforms == 4 &&
	      pr->xf[0].keylen == 128 && pr->xf[1].keylen == 0 &&
	      pr->xf[1].id == IKEV2_INTEG_HMAC_SHA2_256_128 &&
	      pr->xf[3].id == IKEV2_DH_MODP_2048 &&
	      !ike_xform_unknown_attrs(&pr->xf[0]),
	      "sa_init: SA proposals, transforms and key lengths");
	pl = ike_msg_find(&msg, IKEV2_PL_KE, 0);
	CHECK(pl && pl->u.ke.group == IKEV2_DH_ECP_256 &&
	      pl->u.ke.data.len == 64 && !memcmp(pl->u.ke.data.p, gi, 64),
	      "sa_init: KE group and data");
	/* RFC 5903 8.1 prints KEi: 00000048 00130000 gix giy. */
	ke_off = pl->body.p - buf - 4;
	CHECK(!memcmp(buf + ke_off + 1, rfc5903_kei_hdr + 1, 7),
	      "sa_init: KE payload header as RFC 5903 8.1 prints KEi");
	pl = ike_msg_find(&msg, IKEV2_PL_NONCE, 0);
	CHECK(pl && pl->u.nonce.len == 32 && !memcmp(pl->u.nonce.p, ni, 32),
	      "sa_init: nonce");
	n = ike_msg_notify(&msg, IKEV2_N_NAT_DETECTION_DESTINATION_IP);
	CHECK(n && n->data.len == 20 && !memcmp(n->data.p, natd_d, 20) &&
	      n->spi_size == 0 && n->proto == 0 &&
	      ike_msg_notify(&msg, IKEV2_N_NAT_DETECTION_SOURCE_IP) &&
	      ike_msg_notify(&msg, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) &&
	      !ike_msg_notify(&msg, IKEV2_N_COOKIE),
	      "sa_init: notifies found by type");
	pl = ike_msg_find(&msg, IKEV2_PL_VENDOR, 0);
	CHECK(pl && pl->u.vendor.len == 10 &&
	      !memcmp(pl->u.vendor.p, "vgate-iked", 10) &&
	      !ike_msg_find(&msg, IKEV2_PL_VENDOR, 1),
	      "sa_init: vendor ID");
	CHECK(round_trip(buf, len), "sa_init: parse then build gives the same bytes");
}

/*
 * An INFORMATIONAL response written octet by octet from RFC 7296 3.1, 3.2
 * and 3.10: header, then N(INVALID_SPI) with an ESP SPI, then N with no
 * SPI.  Checks the parser against the RFC, not against our builder.
 */
static void test_by_hand(void)
{
	static const uint8_t m[] = {
		1, 2, 3, 4, 5, 6, 7, 8,			/* IKE SA initiator's SPI */
		9, 10, 11, 12, 13, 14, 15, 16,		/* responder's SPI */
		41, 0x20, 37, 0x20,			/* N, 2.0, INFORMATIONAL, R */
		0, 0, 0, 7,				/* message ID */
		0, 0, 0, 28 + 12 + 9,			/* length */
		41, 0x00, 0, 12,			/* N: next N, length 12 */
		3, 4, 0, 11,				/* ESP, SPI size 4, INVALID_SPI */
		0xde, 0xad, 0xbe, 0xef,			/* SPI */
		0, 0x80, 0, 9,				/* N: last, critical (ignored) */
		0, 0, 0x40, 0x00,			/* no SPI, INITIAL_CONTACT */
		0x5a,					/* one octet of data */
	};
	const struct ike_pld *a, *b;

	CHECK(ike_msg_parse(&msg, m, sizeof(m)) == IKE_OK && msg.n_pld == 2,
	      "by hand: an RFC-laid-out message parses");
	a = &msg.pl[0];
	b = &msg.pl[1];
	CHECK(msg.hdr.exchange == 37 && msg.hdr.flags == 0x20 &&
	      msg.hdr.msgid == 7 && msg.hdr.rspi[7] == 16,
	      "by hand: header");
	CHECK(a->u.n.proto == IKEV2_PROTO_ESP && a->u.n.spi_size == 4 &&
	      a->u.n.type == IKEV2_N_INVALID_SPI &&
	      !memcmp(a->u.n.spi, "\xde\xad\xbe\xef", 4) && !a->u.n.data.len,
	      "by hand: N(INVALID_SPI) with its SPI");
	CHECK(b->u.n.type == IKEV2_N_INITIAL_CONTACT && b->critical &&
	      b->known && b->u.n.data.len == 1 && b->u.n.data.p[0] == 0x5a,
	      "by hand: critical bit on a known payload is ignored (2.5)");
	seed("informational", m, sizeof(m));
}

static const uint8_t v4a[4] = { 10, 1, 0, 0 }, v4b[4] = { 10, 1, 0, 255 };

static void ts_fill(struct ike_ts_pld *tp)
{
	struct ike_ts *t;

	memset(tp, 0, sizeof(*tp));
	tp->n = 2;
	t = &tp->ts[0];
	t->type = IKEV2_TS_IPV4_ADDR_RANGE;
	t->proto = 6;
	t->sport = 0;
	t->eport = 65535;
	memcpy(t->start, v4a, 4);
	memcpy(t->end, v4b, 4);
	t = &tp->ts[1];
	t->type = IKEV2_TS_IPV6_ADDR_RANGE;
	t->proto = 0;
	t->sport = 500;
	t->eport = 500;
	memset(t->start, 0x20, 16);
	memset(t->end, 0xfe, 16);
}

static uint8_t inner[2048];
static long inner_len;
static uint8_t inner_first;

/* IKE_AUTH request's inner payloads. */
static void auth_inner(void)
{
	static const uint8_t hashes[40] = { 1, [20] = 2 };
	struct ike_id id = { IKEV2_ID_FQDN, { (const uint8_t *)"gwA.example", 11 } };
	/* Hash and URL of an X.509 certificate (3.6): SHA-1, then the URL. */
	static const uint8_t hash_url[] = "0123456789abcdefghijhttp://ca.example/gwA.der";
	struct ike_cert cert = { IKEV2_CERT_HASH_URL_X509, { hash_url, sizeof(hash_url) - 1 } };
	struct ike_cert creq = { IKEV2_CERT_X509_SIG, { hashes, 40 } };
	struct ike_auth auth = { IKEV2_AUTH_SHARED_KEY_MIC, { ni, 32 } };
	struct ike_prop *pr;
	struct ike_ts_pld ts;
	struct ike_sa sa;
	struct ike_wbuf w;

	memset(&sa, 0, sizeof(sa));
	pr = prop_add(&sa, IKEV2_PROTO_ESP, "\xc0\x01\x02\x03", 4);
	xf(pr, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_GCM_16, 128);
	xf(pr, IKEV2_XFORM_ESN, IKEV2_ESN_NO, 0);
	ts_fill(&ts);
	ike_wbuf_init(&w, inner, sizeof(inner));
	ike_build_id(&w, IKEV2_PL_IDI, &id);
	ike_build_cert(&w, IKEV2_PL_CERT, &cert);
	ike_build_cert(&w, IKEV2_PL_CERTREQ, &creq);
	ike_build_auth(&w, &auth);
	notify(&w, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	ike_build_sa(&w, &sa);
	ike_build_ts(&w, IKEV2_PL_TSI, &ts);
	ts.n = 1;
	ike_build_ts(&w, IKEV2_PL_TSR, &ts);
	inner_len = ike_build_done(&w);
	inner_first = w.first;
}

static void test_auth(void)
{
	struct ike_hdr h = hdr(IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1);
	struct ike_sk sk = { .first = 0 };
	const struct ike_pld *pl;
	const struct ike_ts *t;
	uint8_t buf[4096];
	struct ike_wbuf w;
	long len;

	auth_inner();
	CHECK(inner_len > 0 && inner_first == IKEV2_PL_IDI && inner[0] ==
	      IKEV2_PL_CERT, "auth: inner chain built, first payload IDi");
	/* The inner chain as if decrypted: SK carries it as its data here. */
	sk.first = inner_first;
	sk.data.p = inner;
	sk.data.len = inner_len;
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_sk(&w, IKEV2_PL_SK, &sk);
	len = ike_build_done(&w);
	seed("auth_sk", buf, len);
	CHECK(len > 0 && ike_msg_parse(&msg, buf, len) == IKE_OK &&
	      msg.n_pld == 1 && msg.pl[0].type == IKEV2_PL_SK &&
	      msg.pl[0].u.sk.first == IKEV2_PL_IDI &&
	      msg.pl[0].u.sk.data.len == (size_t)inner_len,
	      "auth: SK kept whole, its Next Payload names the first inner");
	CHECK(round_trip(buf, len), "auth: SK message round trip");
	CHECK(ike_msg_parse_inner(&msg, msg.pl[0].u.sk.first,
				  msg.pl[0].u.sk.data.p,
				  msg.pl[0].u.sk.data.len) == IKE_OK &&
	      msg.n_pld == 9 && msg.pl[1].inner,
	      "auth: inner payloads added after SK");
	pl = ike_msg_find(&msg, IKEV2_PL_IDI, 0);
	CHECK(pl && pl->u.id.type == IKEV2_ID_FQDN && pl->u.id.data.len == 11 &&
	      !memcmp(pl->u.id.data.p, "gwA.example", 11), "auth: IDi");
	pl = ike_msg_find(&msg, IKEV2_PL_CERT, 0);
	CHECK(pl && pl->u.cert.enc == IKEV2_CERT_HASH_URL_X509 &&
	      pl->u.cert.data.len == 45 &&
	      !memcmp(pl->u.cert.data.p + 20, "http://", 7), "auth: CERT");
	pl = ike_msg_find(&msg, IKEV2_PL_CERTREQ, 0);
	CHECK(pl && pl->u.cert.data.len == 40 && pl->u.cert.data.p[20] == 2,
	      "auth: CERTREQ with two CA hashes");
	pl = ike_msg_find(&msg, IKEV2_PL_AUTH, 0);
	CHECK(pl && pl->u.auth.method == IKEV2_AUTH_SHARED_KEY_MIC &&
	      pl->u.auth.data.len == 32, "auth: AUTH");
	CHECK(msg.sa.n_props == 1 && msg.sa.prop[0].proto == IKEV2_PROTO_ESP &&
	      msg.sa.prop[0].spi_size == 4 &&
	      !memcmp(msg.sa.prop[0].spi, "\xc0\x01\x02\x03", 4) &&
	      msg.sa.prop[0].xf[1].type == IKEV2_XFORM_ESN,
	      "auth: child SA proposal with its ESP SPI");
	t = &msg.tsi.ts[1];
	CHECK(msg.tsi.n == 2 && msg.tsi.ts[0].proto == 6 &&
	      msg.tsi.ts[0].eport == 65535 &&
	      !memcmp(msg.tsi.ts[0].end, v4b, 4) &&
	      t->type == IKEV2_TS_IPV6_ADDR_RANGE && t->sport == 500 &&
	      t->start[15] == 0x20 && t->end[0] == 0xfe && msg.tsr.n == 1,
	      "auth: TSi (IPv4 and IPv6 ranges) and TSr");
	/* The inner chain itself, as a message of its own, for the fuzzer. */
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_bytes(&w, inner, inner_len);
	buf[16] = inner_first;
	len = ike_build_done(&w);
	seed("auth_plain", buf, len);
	CHECK(round_trip(buf, len), "auth: the inner payloads round trip");
}

static long one_payload(uint8_t *buf, size_t cap, uint8_t type,
			const uint8_t *body, size_t len)
{
	struct ike_hdr h = hdr(IKEV2_EXCH_INFORMATIONAL, 0, 2);
	struct ike_wbuf w;

	ike_wbuf_init(&w, buf, cap);
	ike_build_hdr(&w, &h);
	ike_build_raw(&w, type, 0, body, len);
	return ike_build_done(&w);
}

static void test_ids(void)
{
	static const struct { uint8_t type; const char *data; size_t len; } ids[] = {
		{ IKEV2_ID_IPV4_ADDR, "\xc0\x00\x02\x01", 4 },
		{ IKEV2_ID_FQDN, "vpn.example.net", 15 },
		{ IKEV2_ID_RFC822_ADDR, "user@example.net", 16 },
		{ IKEV2_ID_IPV6_ADDR, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1", 16 },
		{ IKEV2_ID_DER_ASN1_DN, "\x30\x0b\x31\x09\x30\x07\x06\x03\x55\x04\x03", 11 },
		{ IKEV2_ID_KEY_ID, "\x00\x01\x02", 3 },
	};
	struct ike_hdr h = hdr(IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_RESPONSE, 1);
	const struct ike_pld *pl;
	struct ike_wbuf w;
	uint8_t buf[512];
	unsigned int i;
	long len;
	int ok;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct ike_id id = { ids[i].type,
				     { (const uint8_t *)ids[i].data, ids[i].len } };

		ike_wbuf_init(&w, buf, sizeof(buf));
		ike_build_hdr(&w, &h);
		ike_build_id(&w, IKEV2_PL_IDR, &id);
		len = ike_build_done(&w);
		ok = len > 0 && ike_msg_parse(&msg, buf, len) == IKE_OK;
		pl = ok ? ike_msg_find(&msg, IKEV2_PL_IDR, 0) : NULL;
		CHECK(pl && pl->u.id.type == ids[i].type &&
		      pl->u.id.data.len == ids[i].len &&
		      !memcmp(pl->u.id.data.p, ids[i].data, ids[i].len) &&
		      round_trip(buf, len),
		      "id type %u: round trip", ids[i].type);
	}
}

static void test_delete(void)
{
	static const uint8_t spis[12] = { 0xc0, 0, 0, 1, 0xc0, 0, 0, 2,
					  0xc0, 0, 0, 3 };
	struct ike_hdr h = hdr(IKEV2_EXCH_INFORMATIONAL, IKEV2_FLAG_INITIATOR, 3);
	struct ike_delete ike = { IKEV2_PROTO_IKE, 0, 0, { NULL, 0 } };
	struct ike_delete esp = { IKEV2_PROTO_ESP, 4, 3, { spis, 12 } };
	struct ike_wbuf w;
	uint8_t buf[256];
	long len;

	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_delete(&w, &esp);
	ike_build_delete(&w, &ike);
	len = ike_build_done(&w);
	seed("delete", buf, len);
	CHECK(len > 0 && ike_msg_parse(&msg, buf, len) == IKE_OK &&
	      msg.pl[0].u.d.proto == IKEV2_PROTO_ESP &&
	      msg.pl[0].u.d.n_spi == 3 && msg.pl[0].u.d.spis.len == 12 &&
	      msg.pl[0].u.d.spis.p[11] == 3 &&
	      msg.pl[1].u.d.proto == IKEV2_PROTO_IKE && !msg.pl[1].u.d.n_spi,
	      "delete: ESP with 3 SPIs, IKE with none");
	CHECK(round_trip(buf, len), "delete: round trip");
}

static void test_skf(void)
{
	struct ike_hdr h = hdr(IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1);
	struct ike_sk f = { IKEV2_PL_IDI, 1, 3, { ni, 32 } };
	struct ike_wbuf w;
	uint8_t buf[256];
	long len;

	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_sk(&w, IKEV2_PL_SKF, &f);
	len = ike_build_done(&w);
	seed("skf1", buf, len);
	CHECK(len > 0 && ike_msg_parse(&msg, buf, len) == IKE_OK &&
	      msg.pl[0].u.sk.frag_num == 1 && msg.pl[0].u.sk.frag_total == 3 &&
	      msg.pl[0].u.sk.first == IKEV2_PL_IDI &&
	      msg.pl[0].u.sk.data.len == 32,
	      "skf: fragment 1 of 3 with the first inner type");
	CHECK(round_trip(buf, len), "skf: round trip");
	f.frag_num = 3;
	f.first = IKEV2_PL_NONE;
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_sk(&w, IKEV2_PL_SKF, &f);
	len = ike_build_done(&w);
	CHECK(len > 0 && ike_msg_parse(&msg, buf, len) == IKE_OK &&
	      msg.pl[0].u.sk.frag_num == 3 && msg.pl[0].u.sk.first == 0,
	      "skf: fragment 3 of 3, Next Payload 0");
}

static void test_unknown(void)
{
	struct ike_hdr h = hdr(IKEV2_EXCH_INFORMATIONAL, 0, 4);
	struct ike_wbuf w;
	uint8_t buf[256];
	long len;

	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_raw(&w, 200, 0, (const uint8_t *)"xyz", 3);
	notify(&w, IKEV2_N_COOKIE, ni, 16);
	len = ike_build_done(&w);
	seed("unknown", buf, len);
	CHECK(len > 0 && ike_msg_parse(&msg, buf, len) == IKE_OK &&
	      msg.n_pld == 2 && !msg.pl[0].known && msg.pl[0].type == 200 &&
	      ike_msg_notify(&msg, IKEV2_N_COOKIE),
	      "unknown non-critical payload: skipped, the chain goes on");
	CHECK(round_trip(buf, len), "unknown non-critical payload: round trip");
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	notify(&w, IKEV2_N_COOKIE, ni, 16);
	ike_build_raw(&w, 200, 1, (const uint8_t *)"xyz", 3);
	len = ike_build_done(&w);
	CHECK(ike_msg_parse(&msg, buf, len) == IKE_E_CRITICAL &&
	      msg.bad_type == 200 && msg.bad_off == 28 + 24,
	      "unknown critical payload: UNSUPPORTED_CRITICAL_PAYLOAD, type and offset");
}

/* A transform with an unknown attribute, and the Key Length after it. */
static void test_attrs(void)
{
	static const uint8_t body[] = {
		0, 0, 0, 28,  1, 1, 0, 1,		/* prop: IKE, 1 xform */
		0, 0, 0, 20,  1, 0, 0, 12,		/* xform: ENCR AES_CBC */
		0x00, 0x63, 0, 4,  1, 2, 3, 4,		/* TLV attr 99, 4 octets */
		0x80, 14, 0, 128,			/* Key Length 128 (TV) */
	};
	uint8_t buf[256];
	long len = one_payload(buf, sizeof(buf), IKEV2_PL_SA, body,
			       sizeof(body));
	const struct ike_xform *x = &msg.sa.prop[0].xf[0];

	CHECK(ike_msg_parse(&msg, buf, len) == IKE_OK && x->keylen == 128 &&
	      ike_xform_unknown_attrs(x) == 1 && x->attrs.len == 12,
	      "attrs: Key Length found after an unknown attribute, kept");
	seed("attrs", buf, len);
}

struct bad {
	const char *name;
	uint8_t type;
	const char *body;	/* hex */
	enum ike_err want;
};

/* One payload with a malformed body each: the specific error. */
static const struct bad bads[] = {
	{ "sa empty", IKEV2_PL_SA, "", IKE_E_SA_EMPTY },
	{ "sa prop shorter than its header", IKEV2_PL_SA, "00000007 01010000",
	  IKE_E_SA_PROP_LEN },
	{ "sa prop past the payload", IKEV2_PL_SA, "00000009 01010000",
	  IKE_E_SA_PROP_LEN },
	{ "sa last-substruc 1", IKEV2_PL_SA, "01000008 01010000",
	  IKE_E_SA_PROP_LAST },
	{ "sa last-substruc says more, nothing follows", IKEV2_PL_SA,
	  "02000008 01010000", IKE_E_SA_PROP_LAST },
	{ "sa data after the last proposal", IKEV2_PL_SA,
	  "00000008 01010000 00000008 01010000", IKE_E_SA_PROP_LAST },
	{ "sa first proposal number 2", IKEV2_PL_SA, "00000008 02010000",
	  IKE_E_SA_PROP_NUM },
	{ "sa proposal numbers 1 then 3", IKEV2_PL_SA,
	  "02000008 01010000 00000008 03010000", IKE_E_SA_PROP_NUM },
	{ "sa spi size 3", IKEV2_PL_SA, "0000000b 01030300 aabbcc",
	  IKE_E_SA_SPI_SIZE },
	{ "sa spi past the proposal", IKEV2_PL_SA, "00000008 01030400",
	  IKE_E_SA_PROP_LEN },
	{ "sa xform shorter than its header", IKEV2_PL_SA,
	  "0000000f 01010001 00000007 010000", IKE_E_SA_XFORM_LEN },
	{ "sa xform past the proposal", IKEV2_PL_SA,
	  "00000010 01010001 0000000c 0100000c", IKE_E_SA_XFORM_LEN },
	{ "sa xform last-substruc 1", IKEV2_PL_SA,
	  "00000010 01010001 01000008 0100000c", IKE_E_SA_XFORM_LAST },
	{ "sa xform says more, nothing follows", IKEV2_PL_SA,
	  "00000010 01010001 03000008 0100000c", IKE_E_SA_XFORM_LAST },
	{ "sa xform count 2, one there", IKEV2_PL_SA,
	  "00000010 01010002 00000008 0100000c", IKE_E_SA_XFORM_COUNT },
	{ "sa xform count 0, one there", IKEV2_PL_SA,
	  "00000010 01010000 00000008 0100000c", IKE_E_SA_XFORM_COUNT },
	{ "sa attr truncated", IKEV2_PL_SA,
	  "00000012 01010001 0000000a 0100000c 800e", IKE_E_SA_ATTR },
	{ "sa TLV attr past the transform", IKEV2_PL_SA,
	  "00000014 01010001 0000000c 0100000c 00630004", IKE_E_SA_ATTR },
	{ "sa key length as TLV", IKEV2_PL_SA,
	  "00000016 01010001 0000000e 0100000c 000e0002 0080", IKE_E_SA_ATTR },
	{ "sa key length 0", IKEV2_PL_SA,
	  "00000014 01010001 0000000c 0100000c 800e0000", IKE_E_SA_ATTR },
	{ "sa key length twice", IKEV2_PL_SA,
	  "00000018 01010001 00000010 0100000c 800e0080 800e0100",
	  IKE_E_SA_ATTR_DUP },
	{ "ke without data", IKEV2_PL_KE, "00130000", IKE_E_KE_LEN },
	{ "ke of 3 octets", IKEV2_PL_KE, "001300", IKE_E_KE_LEN },
	{ "nonce of 15", IKEV2_PL_NONCE, "000102030405060708090a0b0c0d0e",
	  IKE_E_NONCE_LEN },
	{ "id without data", IKEV2_PL_IDI, "02000000", IKE_E_ID_LEN },
	{ "id ipv4 of 5 octets", IKEV2_PL_IDI, "01000000 0a000001 02",
	  IKE_E_ID_LEN },
	{ "id ipv6 of 4 octets", IKEV2_PL_IDR, "05000000 0a000001",
	  IKE_E_ID_LEN },
	{ "auth without data", IKEV2_PL_AUTH, "02000000", IKE_E_AUTH_LEN },
	{ "notify of 3 octets", IKEV2_PL_NOTIFY, "000040", IKE_E_N_LEN },
	{ "notify spi size 3", IKEV2_PL_NOTIFY, "03030004 aabbcc",
	  IKE_E_N_SPI_SIZE },
	{ "notify spi past the payload", IKEV2_PL_NOTIFY, "0304000b aabbcc",
	  IKE_E_N_LEN },
	{ "delete of 3 octets", IKEV2_PL_DELETE, "030400", IKE_E_D_LEN },
	{ "delete IKE with an SPI size", IKEV2_PL_DELETE, "01040000",
	  IKE_E_D_PROTO },
	{ "delete ESP with SPI size 8", IKEV2_PL_DELETE,
	  "03080001 0102030405060708", IKE_E_D_PROTO },
	{ "delete protocol 9", IKEV2_PL_DELETE, "09040001 01020304",
	  IKE_E_D_PROTO },
	{ "delete count 2, one SPI", IKEV2_PL_DELETE, "03040002 01020304",
	  IKE_E_D_LEN },
	{ "ts of 3 octets", IKEV2_PL_TSI, "010000", IKE_E_TS_LEN },
	{ "ts count 0", IKEV2_PL_TSI, "00000000", IKE_E_TS_COUNT },
	{ "ts count 17", IKEV2_PL_TSI, "11000000", IKE_E_TOO_MANY },
	{ "ts type 9", IKEV2_PL_TSI, "01000000 09000010 0000ffff 00000000 ffffffff",
	  IKE_E_TS_TYPE },
	{ "ts ipv4 selector length 15", IKEV2_PL_TSI,
	  "01000000 0700000f 0000ffff 00000000 ffffff", IKE_E_TS_LEN },
	{ "ts ipv4 selector truncated", IKEV2_PL_TSI,
	  "01000000 07000010 0000ffff 00000000 ffffff", IKE_E_TS_LEN },
	{ "ts count 2, one selector", IKEV2_PL_TSR,
	  "02000000 07000010 0000ffff 00000000 ffffffff", IKE_E_TS_LEN },
	{ "ts count 1, two selectors", IKEV2_PL_TSR,
	  "01000000 07000010 0000ffff 00000000 ffffffff"
	  " 07000010 0000ffff 00000000 ffffffff", IKE_E_TS_COUNT },
	{ "sk without data", IKEV2_PL_SK, "", IKE_E_SK_LEN },
	{ "skf without data", IKEV2_PL_SKF, "00010001", IKE_E_SKF_LEN },
	{ "skf number 0", IKEV2_PL_SKF, "00000001 aa", IKE_E_SKF_NUM },
	{ "skf total 0", IKEV2_PL_SKF, "00010000 aa", IKE_E_SKF_NUM },
	{ "skf number > total", IKEV2_PL_SKF, "00030002 aa", IKE_E_SKF_NUM },
	{ "cert without data", IKEV2_PL_CERT, "04", IKE_E_CERT_LEN },
	{ "certreq empty", IKEV2_PL_CERTREQ, "", IKE_E_CERTREQ_LEN },
	{ "certreq x509 hashes of 19", IKEV2_PL_CERTREQ,
	  "04 00010203040506070809 0a0b0c0d0e0f10111213"
	  " 000102030405060708090a0b0c0d0e0f101112", IKE_E_CERTREQ_LEN },
};

static void test_bad_payloads(void)
{
	uint8_t body[256], buf[512];
	unsigned int i;
	long blen, len;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		blen = unhex(body, sizeof(body), bads[i].body);
		len = blen < 0 ? -1 : one_payload(buf, sizeof(buf),
						  bads[i].type, body, blen);
		enum ike_err e = len < 0 ? IKE_E_BUILD :
				 ike_msg_parse(&msg, buf, len);

		CHECK(e == bads[i].want, "bad payload: %s -> %s (got %s)",
		      bads[i].name, ike_err_str(bads[i].want), ike_err_str(e));
	}
}

static void set_len(uint8_t *buf, uint32_t n)
{
	buf[24] = n >> 24;
	buf[25] = n >> 16;
	buf[26] = n >> 8;
	buf[27] = n;
}

/* Header and chain errors, each from the valid IKE_SA_INIT request. */
static void test_bad_chain(void)
{
	uint8_t good[2048], buf[4096];
	long len = sa_init(good, sizeof(good)), n;
	struct ike_hdr h = hdr(IKEV2_EXCH_INFORMATIONAL, 0, 9);
	struct ike_wbuf w;
	unsigned int i;

#define MUT(expr, want, what) do {					\
		memcpy(buf, good, len);					\
		n = len;						\
		expr;							\
		enum ike_err e_ = ike_msg_parse(&msg, buf, n);		\
		CHECK(e_ == (want), "bad message: %s -> %s (got %s)",	\
		      what, ike_err_str(want), ike_err_str(e_));	\
	} while (0)

	MUT(n = 27, IKE_E_SHORT, "27 octets");
	MUT(buf[17] = 0x10, IKE_E_VERSION, "major version 1");
	MUT(buf[17] = 0x30, IKE_E_VERSION, "major version 3");
	MUT(buf[17] = 0x21, IKE_OK, "minor version 1 (ignored, 2.5)");
	MUT(buf[19] |= 0x87, IKE_OK, "reserved flags set (ignored, 3.1)");
	MUT(n = len - 1, IKE_E_LENGTH, "datagram shorter than its length");
	MUT((buf[len] = 0, n = len + 1), IKE_E_LENGTH, "datagram longer");
	MUT(memset(buf, 0, 8), IKE_E_SPI, "initiator SPI zero");
	MUT(buf[18] = 33, IKE_E_EXCHANGE, "exchange type 33");
	MUT(buf[18] = 38, IKE_E_EXCHANGE, "exchange type 38");
	/* The SA payload's generic length is at 30..31. */
	MUT((buf[30] = 0, buf[31] = 3), IKE_E_PLD_LENGTH, "payload length 3");
	MUT((buf[30] = 0xff, buf[31] = 0xff), IKE_E_PLD_LENGTH,
	    "payload length past the message");
	MUT((buf[len] = 0, n = len + 1, set_len(buf, n)), IKE_E_TRAILING,
	    "an octet after the last payload");
	MUT((n = 28, set_len(buf, n)), IKE_E_PLD_SHORT,
	    "header names a payload, no room for it");
	MUT((n = 30, set_len(buf, n)), IKE_E_PLD_SHORT,
	    "2 octets of a generic header");

	/* SK in the middle; two SAs; SK inside SK; 65 payloads. */
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_raw(&w, IKEV2_PL_SK, 0, ni, 16);
	ike_build_vendor(&w, ni, 4);
	n = ike_build_done(&w);
	enum ike_err e = ike_msg_parse(&msg, buf, n);
	CHECK(e == IKE_E_SK_NOT_LAST, "bad message: SK not last -> sk_not_last (got %s)",
	      ike_err_str(e));
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_nonce(&w, ni, 16);
	ike_build_nonce(&w, ni, 16);
	n = ike_build_done(&w);
	e = ike_msg_parse(&msg, buf, n);
	CHECK(e == IKE_E_DUPLICATE, "bad message: two nonces -> duplicate (got %s)",
	      ike_err_str(e));
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_raw(&w, IKEV2_PL_SK, 0, ni, 16);
	n = ike_build_done(&w);
	CHECK(ike_msg_parse(&msg, good, len) == IKE_OK &&
	      ike_msg_parse_inner(&msg, w.first, buf, n) == IKE_E_SK_NESTED,
	      "bad message: SK inside SK -> sk_nested");
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	for (i = 0; i < IKE_MAX_PAYLOADS + 1; i++)
		ike_build_vendor(&w, ni, 1);
	n = ike_build_done(&w);
	e = ike_msg_parse(&msg, buf, n);
	CHECK(e == IKE_E_TOO_MANY, "bad message: 65 payloads -> too_many (got %s)",
	      ike_err_str(e));
	/* SKF: Next Payload set in fragment 2. */
	n = one_payload(buf, sizeof(buf), IKEV2_PL_SKF,
			(const uint8_t *)"\x00\x02\x00\x02\xaa", 5);
	buf[28] = IKEV2_PL_IDI;
	e = ike_msg_parse(&msg, buf, n);
	CHECK(e == IKE_E_SKF_NEXT, "bad message: SKF 2/2 with Next Payload -> skf_next (got %s)",
	      ike_err_str(e));
#undef MUT
}

static void test_build_errors(void)
{
	uint8_t buf[2048];
	struct ike_hdr h = hdr(IKEV2_EXCH_INFORMATIONAL, 0, 9);
	struct ike_ts_pld ts = { .n = 0 };
	struct ike_sa sa = { .n_props = 0 };
	struct ike_wbuf w;
	unsigned int i;
	int named = 1;

	CHECK(sa_init(buf, 300) == -IKE_E_NOSPC,
	      "build: a buffer too small -> nospc, nothing half-reported");
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_ts(&w, IKEV2_PL_TSI, &ts);
	CHECK(ike_build_done(&w) == -IKE_E_BUILD, "build: TS with no selector refused");
	ike_wbuf_init(&w, buf, sizeof(buf));
	ike_build_hdr(&w, &h);
	ike_build_sa(&w, &sa);
	CHECK(ike_build_done(&w) == -IKE_E_BUILD, "build: SA with no proposal refused");
	for (i = 0; i < IKE_E__COUNT; i++)
		if (!strcmp(ike_err_str(i), "unknown"))
			named = 0;
	CHECK(named && !strcmp(ike_err_str(IKE_E__COUNT), "unknown"),
	      "every error has a name");
}

/*
 * A real peer's message: strongSwan 5.9.8's IKE_SA_INIT request
 * (tests/data/, captured from charon initiating to 192.0.2.2 from
 * 192.0.2.1, proposals aes128-sha256-modp2048 and aes256-sha384-modp3072).
 */
static void test_strongswan(void)
{
	static const uint8_t a1[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2, 2 };
	static const uint8_t zero[8];
	const struct ike_notify *src, *dst;
	const struct ike_prop *p1, *p2;
	const struct ike_pld *ke, *nonce;
	uint8_t buf[2048], h1[IKE_NATD_LEN], h2[IKE_NATD_LEN];
	struct ike_chunk s = { 0 };
	struct ike_dh *dh = NULL;
	char path[600];
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/strongswan-5.9.8-ike_sa_init.bin",
		 data_dir);
	f = fopen(path, "rb");
	if (f) {
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	CHECK(len == 506 && ike_msg_parse(&msg, buf, len) == IKE_OK &&
	      msg.hdr.exchange == IKEV2_EXCH_IKE_SA_INIT &&
	      msg.hdr.flags == IKEV2_FLAG_INITIATOR && msg.n_pld == 8,
	      "strongSwan IKE_SA_INIT: parses, 8 payloads (SA, KE, Ni, 5 N)");
	p1 = &msg.sa.prop[0];
	p2 = &msg.sa.prop[1];
	CHECK(msg.sa.n_props == 2 && p1->n_xforms == 4 && p2->n_xforms == 4 &&
	      p1->xf[0].id == IKEV2_ENCR_AES_CBC && p1->xf[0].keylen == 128 &&
	      p1->xf[1].id == IKEV2_INTEG_HMAC_SHA2_256_128 &&
	      p1->xf[2].id == IKEV2_PRF_HMAC_SHA2_256 &&
	      p1->xf[3].id == IKEV2_DH_MODP_2048 && p2->num == 2 &&
	      p2->xf[0].keylen == 256 && p2->xf[3].id == IKEV2_DH_MODP_3072,
	      "strongSwan IKE_SA_INIT: the two proposals it was configured with");
	ke = ike_msg_find(&msg, IKEV2_PL_KE, 0);
	nonce = ike_msg_find(&msg, IKEV2_PL_NONCE, 0);
	CHECK(ke && ke->u.ke.group == IKEV2_DH_MODP_2048 &&
	      ke->u.ke.data.len == 256 && nonce && nonce->u.nonce.len == 32 &&
	      ike_msg_notify(&msg, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) &&
	      ike_msg_notify(&msg, IKEV2_N_SIGNATURE_HASH_ALGORITHMS),
	      "strongSwan IKE_SA_INIT: KE (group 14), nonce, notifies");
	CHECK(ke && !ike_dh_new(&dh, IKEV2_DH_MODP_2048, 0) &&
	      !ike_dh_derive(dh, ke->u.ke.data.p, ke->u.ke.data.len, &s) &&
	      s.len == 256,
	      "strongSwan IKE_SA_INIT: its KE value is accepted by dh.c");
	ike_chunk_free(&s);
	ike_dh_free(dh);
	/* 2.23: SHA-1(SPIi | SPIr (zero) | address | port), computed here. */
	src = ike_msg_notify(&msg, IKEV2_N_NAT_DETECTION_SOURCE_IP);
	dst = ike_msg_notify(&msg, IKEV2_N_NAT_DETECTION_DESTINATION_IP);
	CHECK(src && dst && src->data.len == 20 && dst->data.len == 20 &&
	      !ike_natd_hash(msg.hdr.ispi, zero, a1, 4, 500, h1) &&
	      !ike_natd_hash(msg.hdr.ispi, zero, a2, 4, 500, h2) &&
	      !memcmp(src->data.p, h1, 20) && !memcmp(dst->data.p, h2, 20),
	      "strongSwan IKE_SA_INIT: its NAT_DETECTION_* hashes are ike_natd_hash()'s");
	CHECK(len == 506 && round_trip(buf, len),
	      "strongSwan IKE_SA_INIT: parse then build gives its bytes back");
}

int main(int argc, char **argv)
{
	char *dir = strdup(argv[0]);
	unsigned int i;

	snprintf(data_dir, sizeof(data_dir), "%s/data", dirname(dir));
	free(dir);

	if (argc == 3 && !strcmp(argv[1], "--seeds")) {
		seed_dir = argv[2];
		mkdir(seed_dir, 0755);
	}
	for (i = 0; i < sizeof(gi); i++)
		gi[i] = i * 7 + 1;
	for (i = 0; i < sizeof(ni); i++)
		ni[i] = 0xa0 + i;
	memset(natd_s, 0x5c, sizeof(natd_s));
	memset(natd_d, 0xd5, sizeof(natd_d));
	test_sa_init();
	test_by_hand();
	test_auth();
	test_ids();
	test_delete();
	test_skf();
	test_unknown();
	test_attrs();
	test_bad_payloads();
	test_bad_chain();
	test_build_errors();
	test_strongswan();
	return tap_done();
}
