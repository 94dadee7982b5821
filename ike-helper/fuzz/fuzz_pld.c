// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the IKEv2 message codec (pld.h): an input is one
 * datagram.  Beyond the sanitizers (no read outside the input, no
 * undefined behaviour), a message that parses must keep the codec's
 * promises:
 *   - every payload body lies inside the datagram;
 *   - it builds again (ike_msg_build) and the rebuilt message parses to
 *     the same decoded content (ike_msg_dump() prints the same), and
 *     building that gives the same bytes (the encoding is canonical);
 *   - an SK/SKF payload's data, taken as the decrypted inner chain, goes
 *     through ike_msg_parse_inner() with the same guarantees;
 *   - the same data goes through ike_sk_decrypt() (crypto.c) under fixed
 *     keys, AES-GCM, ChaCha20-Poly1305 and AES-CBC + HMAC: its length
 *     arithmetic on hostile
 *     input.  A forgery is expected to fail; a "success" must at least
 *     stay inside the buffer;
 *   - a KE payload's data goes to ike_dh_derive() (dh.c) for its group
 *     when the group is one of the fast ones (19, 20, 21, 31, 14): the
 *     peer value validation; a result is 0, -EBADMSG or -EDOM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "dh.h"
#include "pld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_msg m1, m2;
static uint8_t b1[65536 + 4096], b2[sizeof(b1)];

static char *dump(const struct ike_msg *m)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		abort();
	ike_msg_dump(m, f);
	fclose(f);
	return s;
}

static void inside(const struct ike_msg *m, const uint8_t *p, size_t len,
		   const uint8_t *ip, size_t ilen)
{
	unsigned int i;

	for (i = 0; i < m->n_pld; i++) {
		const struct ike_blob *b = &m->pl[i].body;
		const uint8_t *lo = m->pl[i].inner ? ip : p;
		size_t n = m->pl[i].inner ? ilen : len;

		if (b->len && (b->p < lo || b->p + b->len > lo + n))
			abort();
	}
}

static void round_trip(const uint8_t *data, size_t size)
{
	struct ike_wbuf w;
	long n1, n2;
	char *d1, *d2;

	ike_wbuf_init(&w, b1, sizeof(b1));
	n1 = ike_msg_build(&w, &m1);
	if (n1 < 0 || (size_t)n1 != size)
		abort();	/* what parsed always builds, as long */
	if (ike_msg_parse(&m2, b1, n1) != IKE_OK)
		abort();
	d1 = dump(&m1);
	d2 = dump(&m2);
	if (strcmp(d1, d2))
		abort();
	free(d1);
	free(d2);
	ike_wbuf_init(&w, b2, sizeof(b2));
	n2 = ike_msg_build(&w, &m2);
	if (n2 != n1 || memcmp(b1, b2, n1))
		abort();
	(void)data;
}

static const uint8_t key[36] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static void decrypt(const uint8_t *data, size_t size, size_t data_off)
{
	static struct ike_sk_ctx ctx[3] = {
		{ IKEV2_ENCR_AES_GCM_16, 128, IKEV2_INTEG_NONE, { key, 20 },
		  { NULL, 0 }, 0 },
		{ IKEV2_ENCR_CHACHA20_POLY1305, 0, IKEV2_INTEG_NONE,
		  { key, 36 }, { NULL, 0 }, 0 },
		{ IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA2_256_128,
		  { key, 16 }, { key, 32 }, 0 },
	};
	static uint8_t plain[sizeof(b1)];
	size_t plen;
	unsigned int i;
	int r;

	for (i = 0; i < 3; i++) {
		r = ike_sk_decrypt(&ctx[i], data, size, data_off, plain, &plen);
		if (r != -EBADMSG && (r || plen > size))
			abort();
	}
}

/* One key pair per group, made once: a DH key generation per input
 * would be most of the time. */
static void ke(const struct ike_ke *k)
{
	static const uint16_t fast[] = { IKEV2_DH_ECP_256, IKEV2_DH_ECP_384,
					 IKEV2_DH_ECP_521, IKEV2_DH_CURVE25519,
					 IKEV2_DH_MODP_2048 };
	static struct ike_dh *dh[5];
	struct ike_chunk s;
	unsigned int i;
	int r;

	for (i = 0; i < 5 && fast[i] != k->group; i++)
		;
	if (i == 5)
		return;
	if (!dh[i] && ike_dh_new(&dh[i], fast[i], 0))
		abort();
	r = ike_dh_derive(dh[i], k->data.p, k->data.len, &s);
	if (!r) {
		if (s.len != ike_dh_group(fast[i])->secretlen)
			abort();
		ike_chunk_free(&s);
	} else if (r != -EBADMSG && r != -EDOM) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ike_pld *sk, *kp;
	struct ike_hdr h;
	enum ike_err e;

	e = ike_msg_parse(&m1, data, size);
	if (ike_hdr_parse(&h, data, size) > IKE_E_EXCHANGE)
		abort();	/* the header alone knows only its errors */
	if ((unsigned int)e >= IKE_E__COUNT)
		abort();
	if (e != IKE_OK)
		return 0;
	inside(&m1, data, size, NULL, 0);
	round_trip(data, size);
	kp = ike_msg_find(&m1, IKEV2_PL_KE, 0);
	if (kp)
		ke(&kp->u.ke);
	sk = m1.n_pld ? &m1.pl[m1.n_pld - 1] : NULL;
	if (sk && (sk->type == IKEV2_PL_SK || sk->type == IKEV2_PL_SKF)) {
		const uint8_t *ip = sk->u.sk.data.p;
		size_t ilen = sk->u.sk.data.len;

		decrypt(data, size, ip - data);
		e = ike_msg_parse_inner(&m1, sk->u.sk.first, ip, ilen);
		if ((unsigned int)e >= IKE_E__COUNT)
			abort();
		if (e == IKE_OK)
			inside(&m1, data, size, ip, ilen);
	}
	return 0;
}
