// SPDX-License-Identifier: GPL-2.0
/*
 * The vgate backend without a kernel: kernel_vgate_sa() maps every IKEv2
 * ESP transform vgate.ko takes to its enums with the key lengths of
 * include/uapi/linux/vgate.h, carries SPI, addresses, tunnel mode, REQID
 * and ESN, and refuses the others naming them; the request it builds goes
 * through libvgate's codec and back unchanged (keys are write-only, so
 * they are compared in the struct); the backends are found by name; the
 * report line's key check value is SHA-256(ekey | akey).  TAP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/evp.h>
#include <string.h>
#include <unistd.h>

#include <libvgate.h>
#include <netlink/genl/genl.h>

#include "ikev2.h"
#include "kernel_vgate.h"
#include "tap.h"

static uint8_t ek[64], ak[64];
static struct ike_ts_pld ts;

static void sa_init(struct kernel_sa *sa, uint16_t encr, uint16_t bits,
		    uint16_t integ, size_t el, size_t al)
{
	struct sockaddr_in *s = (struct sockaddr_in *)&sa->src;
	struct sockaddr_in *d = (struct sockaddr_in *)&sa->dst;

	memset(sa, 0, sizeof(*sa));
	sa->peer = "p";
	sa->dir = KERNEL_OUT;
	sa->proto = IKEV2_PROTO_ESP;
	sa->spi = 0xc0ffee01;
	sa->reqid = 4000000000u;
	s->sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &s->sin_addr);
	d->sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.2", &d->sin_addr);
	sa->encr = encr;
	sa->encr_bits = bits;
	sa->integ = integ;
	sa->ekey.p = ek;
	sa->ekey.len = el;
	sa->akey.p = al ? ak : NULL;
	sa->akey.len = al;
	sa->ts_local = sa->ts_remote = &ts;
}

static const struct {
	const char *name;
	uint16_t encr, bits, integ;
	size_t el, al;
	uint16_t venc, vauth;
} ok_cases[] = {
	{ "AES-CBC-128 + HMAC-SHA1-96", IKEV2_ENCR_AES_CBC, 128,
	  IKEV2_INTEG_HMAC_SHA1_96, 16, 20, VGATE_ENC_AES_CBC,
	  VGATE_AUTH_HMAC_SHA1_96 },
	{ "AES-CBC-256 + HMAC-SHA2-256-128", IKEV2_ENCR_AES_CBC, 256,
	  IKEV2_INTEG_HMAC_SHA2_256_128, 32, 32, VGATE_ENC_AES_CBC,
	  VGATE_AUTH_HMAC_SHA256_128 },
	{ "AES-CBC-128 + HMAC-SHA2-384-192", IKEV2_ENCR_AES_CBC, 128,
	  IKEV2_INTEG_HMAC_SHA2_384_192, 16, 48, VGATE_ENC_AES_CBC,
	  VGATE_AUTH_HMAC_SHA384_192 },
	{ "AES-CBC-256 + HMAC-SHA2-512-256", IKEV2_ENCR_AES_CBC, 256,
	  IKEV2_INTEG_HMAC_SHA2_512_256, 32, 64, VGATE_ENC_AES_CBC,
	  VGATE_AUTH_HMAC_SHA512_256 },
	{ "AES-GCM-16-128 (key + salt 20)", IKEV2_ENCR_AES_GCM_16, 128,
	  IKEV2_INTEG_NONE, 20, 0, VGATE_ENC_AES_GCM_16, VGATE_AUTH_NONE },
	{ "AES-GCM-16-256 (key + salt 36)", IKEV2_ENCR_AES_GCM_16, 256,
	  IKEV2_INTEG_NONE, 36, 0, VGATE_ENC_AES_GCM_16, VGATE_AUTH_NONE },
	{ "ChaCha20-Poly1305 (key + salt 36)", IKEV2_ENCR_CHACHA20_POLY1305,
	  0, IKEV2_INTEG_NONE, 36, 0, VGATE_ENC_CHACHA20_POLY1305,
	  VGATE_AUTH_NONE },
};

static const struct {
	const char *name;
	uint16_t encr, bits, integ;
	const char *logged;
} bad_cases[] = {
	{ "3DES", IKEV2_ENCR_3DES, 0, IKEV2_INTEG_HMAC_SHA1_96, "ENCR_3DES (ID 3)" },
	{ "AES-CTR", IKEV2_ENCR_AES_CTR, 128, IKEV2_INTEG_HMAC_SHA1_96,
	  "ENCR_AES_CTR (ID 13)" },
	{ "AES-CCM-16", IKEV2_ENCR_AES_CCM_16, 128, IKEV2_INTEG_NONE,
	  "ENCR_AES_CCM_16 (ID 16)" },
	{ "AES-CBC-128 + AES-XCBC-96", IKEV2_ENCR_AES_CBC, 128,
	  IKEV2_INTEG_AES_XCBC_96, "AUTH_AES_XCBC_96 (ID 5)" },
	{ "AES-CBC-128 + HMAC-MD5-96", IKEV2_ENCR_AES_CBC, 128,
	  IKEV2_INTEG_HMAC_MD5_96, "AUTH_HMAC_MD5_96 (ID 1)" },
	{ "AES-CBC-128 without integrity", IKEV2_ENCR_AES_CBC, 128,
	  IKEV2_INTEG_NONE, "without integrity" },
	{ "AES-GCM-16-128 with HMAC-SHA2-256", IKEV2_ENCR_AES_GCM_16, 128,
	  IKEV2_INTEG_HMAC_SHA2_256_128, "AEAD takes no integrity" },
	{ "AES-CBC with 100-bit keys", IKEV2_ENCR_AES_CBC, 100,
	  IKEV2_INTEG_HMAC_SHA1_96, "ENCR_AES_CBC (ID 12) with 100-bit keys" },
};

/* Run kernel_vgate_sa with stderr in a pipe; the log into buf. */
static int build_logged(const struct kernel_sa *sa, struct vg_sa *vs,
			char *buf, size_t len)
{
	int p[2], saved = dup(2), r;
	ssize_t n;

	buf[0] = 0;
	if (saved < 0 || pipe(p))
		return -EIO;
	dup2(p[1], 2);
	r = kernel_vgate_sa(sa, vs);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
	close(p[0]);
	return r;
}

/* vs through libvgate's codec (vg_sa_put, vg_sa_get) and back. */
static int codec_roundtrip(const struct vg_sa *vs, struct vg_sa *back)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *tb[VGATE_A_MAX + 1];
	int r;

	if (!m || !genlmsg_put(m, 0, 0, 0x20, 0, 0, VGATE_CMD_SA_NEW, 1) ||
	    vg_sa_put(m, vs) < 0) {
		nlmsg_free(m);
		return -1;
	}
	r = genlmsg_parse(nlmsg_hdr(m), 0, tb, VGATE_A_MAX, NULL);
	if (!r && tb[VGATE_A_SA])
		r = vg_sa_get(tb[VGATE_A_SA], back);
	else
		r = -1;
	nlmsg_free(m);
	return r;
}

static void test_map(void)
{
	struct kernel_sa sa;
	struct vg_sa vs, back;
	char log[1024];
	size_t i;
	int r;

	for (i = 0; i < sizeof(ek); i++) {
		ek[i] = 0x10 + i;
		ak[i] = 0x80 + i;
	}
	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		sa_init(&sa, ok_cases[i].encr, ok_cases[i].bits,
			ok_cases[i].integ, ok_cases[i].el, ok_cases[i].al);
		r = kernel_vgate_sa(&sa, &vs);
		CHECK(!r && vs.enc == ok_cases[i].venc &&
		      vs.auth == ok_cases[i].vauth &&
		      vs.enc_key_len == ok_cases[i].el &&
		      !memcmp(vs.enc_key, ek, ok_cases[i].el) &&
		      vs.auth_key_len == ok_cases[i].al &&
		      (!ok_cases[i].al || !memcmp(vs.auth_key, ak,
						  ok_cases[i].al)) &&
		      !(vs.has & VG_SA_AUTH_KEY) == !ok_cases[i].al,
		      "%s: vgate enc %u auth %u, keys of %zu and %zu octets",
		      ok_cases[i].name, vs.enc, vs.auth, vs.enc_key_len,
		      vs.auth_key_len);
	}
	sa_init(&sa, IKEV2_ENCR_AES_GCM_16, 128, IKEV2_INTEG_NONE, 20, 0);
	sa.esn = 1;
	r = kernel_vgate_sa(&sa, &vs);
	CHECK(!r && vs.spi == 0xc0ffee01 && vs.proto == IPPROTO_ESP &&
	      vs.family == AF_INET && vs.src.len == 4 &&
	      !memcmp(vs.src.a, "\xc0\x00\x02\x01", 4) && vs.dst.len == 4 &&
	      !memcmp(vs.dst.a, "\xc0\x00\x02\x02", 4) &&
	      vs.mode == VGATE_MODE_TUNNEL && vs.reqid == 4000000000u &&
	      (vs.has & VG_SA_REQID) && (vs.has & VG_SA_FLAGS) &&
	      vs.flags == VGATE_SA_F_ESN && !(vs.has & VG_SA_REPLAY) &&
	      !(vs.has & VG_SA_LIFETIME),
	      "SPI, ESP, IPv4 outer addresses, tunnel mode, REQID, ESN flag; replay window from the knob, no lifetime");
	r = codec_roundtrip(&vs, &back);
	CHECK(!r && back.spi == vs.spi && back.reqid == vs.reqid &&
	      back.flags == VGATE_SA_F_ESN && back.enc == vs.enc &&
	      back.mode == VGATE_MODE_TUNNEL && back.family == AF_INET &&
	      !memcmp(back.dst.a, vs.dst.a, 4),
	      "the request through libvgate's codec and back: SPI, REQID, ESN, ENC, MODE, DST");
	sa.esn = 0;
	r = kernel_vgate_sa(&sa, &vs);
	CHECK(!r && !(vs.has & VG_SA_FLAGS) && !(vs.has & VG_SA_ENCAP),
	      "no ESN: no FLAGS attribute; no NAT: no ENCAP");
	sa.encap_sport = 4500;
	sa.encap_dport = 14500;
	r = kernel_vgate_sa(&sa, &vs);
	CHECK(!r && (vs.has & VG_SA_ENCAP) && vs.encap_sport == 4500 &&
	      vs.encap_dport == 14500 && !codec_roundtrip(&vs, &back) &&
	      (back.has & VG_SA_ENCAP) && back.encap_sport == 4500 &&
	      back.encap_dport == 14500,
	      "a NAT: ENCAP (ESP in UDP 4500 -> 14500), through the codec and back");
	sa.encap_sport = sa.encap_dport = 0;
	sa.soft_bytes = 90000;
	sa.hard_bytes = 102400;
	r = kernel_vgate_sa(&sa, &vs);
	CHECK(!r && (vs.has & VG_SA_LIFETIME) &&
	      vs.lt_has == (1U << VGATE_LT_A_SOFT_BYTES |
			    1U << VGATE_LT_A_HARD_BYTES) &&
	      vs.lt[VGATE_LT_A_SOFT_BYTES] == 90000 &&
	      vs.lt[VGATE_LT_A_HARD_BYTES] == 102400 &&
	      !codec_roundtrip(&vs, &back) && (back.has & VG_SA_LIFETIME) &&
	      back.lt[VGATE_LT_A_SOFT_BYTES] == 90000 &&
	      back.lt[VGATE_LT_A_HARD_BYTES] == 102400,
	      "esp_lifetime_kb: LIFETIME soft and hard bytes, through the codec and back");
	sa.soft_bytes = sa.hard_bytes = 0;
	{
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&sa.src;
		struct sockaddr_in6 *d = (struct sockaddr_in6 *)&sa.dst;

		memset(&sa.src, 0, sizeof(sa.src));
		memset(&sa.dst, 0, sizeof(sa.dst));
		s->sin6_family = d->sin6_family = AF_INET6;
		inet_pton(AF_INET6, "2001:db8:ff::1", &s->sin6_addr);
		inet_pton(AF_INET6, "2001:db8:ff::2", &d->sin6_addr);
		r = kernel_vgate_sa(&sa, &vs);
		CHECK(!r && vs.family == AF_INET6 && vs.src.len == 16 &&
		      vs.dst.len == 16 && vs.dst.a[15] == 2 &&
		      vs.dst.a[0] == 0x20,
		      "IPv6 outer addresses: family AF_INET6, 16 octets");
		((struct sockaddr_in *)&sa.dst)->sin_family = AF_INET;
		CHECK(kernel_vgate_sa(&sa, &vs) == -EINVAL,
		      "mixed outer families refused");
	}
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		sa_init(&sa, bad_cases[i].encr, bad_cases[i].bits,
			bad_cases[i].integ, 16, bad_cases[i].integ ? 20 : 0);
		r = build_logged(&sa, &vs, log, sizeof(log));
		CHECK(r == -EOPNOTSUPP && strstr(log, bad_cases[i].logged) &&
		      strstr(log, "peer p:"),
		      "%s refused, the log names it: %.*s", bad_cases[i].name,
		      (int)strcspn(log, "\n"), log);
	}
	sa_init(&sa, IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96, 16, 20);
	sa.proto = IKEV2_PROTO_AH;
	CHECK(kernel_vgate_sa(&sa, &vs) == -EPROTONOSUPPORT,
	      "not ESP: refused");
}

static void test_rec(void)
{
	struct kernel_sa sa;
	struct kernel_rec rec;
	unsigned char md[32];
	unsigned int mdlen;
	char want[9];
	EVP_MD_CTX *h = EVP_MD_CTX_new();

	sa_init(&sa, IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96, 16, 20);
	kernel_rec_fill(&rec, &sa);
	EVP_DigestInit_ex(h, EVP_sha256(), NULL);
	EVP_DigestUpdate(h, ek, 16);
	EVP_DigestUpdate(h, ak, 20);
	EVP_DigestFinal_ex(h, md, &mdlen);
	EVP_MD_CTX_free(h);
	snprintf(want, sizeof(want), "%02x%02x%02x%02x", md[0], md[1], md[2],
		 md[3]);
	CHECK(!strcmp(rec.check, want) && rec.spi == sa.spi &&
	      rec.reqid == sa.reqid && !strcmp(rec.peer, "p"),
	      "kernel_rec_fill: keys=%s is SHA-256(ekey | akey)'s first 4 octets, SPI and REQID kept",
	      rec.check);
	CHECK(kernel_ops_find("vgate") == &kernel_vgate_ops &&
	      kernel_ops_find("null") == &kernel_null_ops &&
	      !kernel_ops_find("xfrm"),
	      "backends by name: vgate, null; no other");
	CHECK(kernel_vgate_ops.get_spi && kernel_vgate_ops.add_sa &&
	      kernel_vgate_ops.del_sa && kernel_vgate_ops.dump &&
	      kernel_vgate_ops.check_reqid,
	      "the vgate backend has get_spi, add_sa, del_sa, dump, check_reqid");
}

int main(void)
{
	test_map();
	test_rec();
	return tap_done();
}
