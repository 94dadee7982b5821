// SPDX-License-Identifier: GPL-2.0
/*
 * The whole foundation against another implementation: an IKEv2 exchange
 * between two strongSwan 5.9.8 charons (PSK, aes128-sha256-modp2048),
 * captured with the keys charon logged (tests/data/README.md).  From the
 * messages and charon's g^ir alone, libike must derive charon's SKEYSEED
 * keys, decrypt both IKE_AUTH messages and the INFORMATIONAL pair, find
 * the AUTH payloads to be what ike_auth_psk() computes, and rebuild every
 * message byte for byte.
 */
#include <errno.h>
#include <libgen.h>
#include <stdint.h>

#include "crypto.h"
#include "pld.h"
#include "tap.h"
#include "hex.h"

#define NMSG 6

static char data_dir[512];
static uint8_t msgbuf[NMSG][1024];
static size_t msglen[NMSG];
static struct ike_msg m[NMSG];

/* charon's values: name -> bytes (from strongswan-5.9.8-psk-keys.txt). */
static struct { char name[16]; uint8_t v[600]; size_t len; } keys[16];
static unsigned int nkeys;

static const struct ike_blob *key(const char *name)
{
	static struct ike_blob b;
	unsigned int i;

	for (i = 0; i < nkeys; i++)
		if (!strcmp(keys[i].name, name)) {
			b.p = keys[i].v;
			b.len = keys[i].len;
			return &b;
		}
	b.p = NULL;
	b.len = 0;
	return &b;
}

static int load(void)
{
	char path[600], line[2048], name[16], hexs[1300];
	unsigned int i;
	FILE *f;
	long n;

	for (i = 0; i < NMSG; i++) {
		snprintf(path, sizeof(path), "%s/strongswan-5.9.8-psk-%u.bin",
			 data_dir, i + 1);
		f = fopen(path, "rb");
		if (!f)
			return -1;
		msglen[i] = fread(msgbuf[i], 1, sizeof(msgbuf[i]), f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/strongswan-5.9.8-psk-keys.txt",
		 data_dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && nkeys < 16) {
		if (line[0] == '#' ||
		    sscanf(line, "%15s %1299s", name, hexs) != 2)
			continue;
		n = unhex(keys[nkeys].v, sizeof(keys[nkeys].v), hexs);
		if (n < 0)
			break;
		strcpy(keys[nkeys].name, name);
		keys[nkeys++].len = n;
	}
	fclose(f);
	return 0;
}

static int same(const struct ike_blob *a, const struct ike_blob *b)
{
	return a->len && a->len == b->len && !memcmp(a->p, b->p, a->len);
}

static int round_trip(unsigned int i)
{
	static uint8_t out[2048];
	struct ike_wbuf w;

	ike_wbuf_init(&w, out, sizeof(out));
	return ike_msg_build(&w, &m[i]) == (long)msglen[i] &&
	       !memcmp(out, msgbuf[i], msglen[i]);
}

/* Decrypt message i's SK with one direction's keys, parse the inside. */
static int open_sk(unsigned int i, const struct ike_blob *ek,
		   const struct ike_blob *ak, uint8_t *plain, size_t *plen)
{
	struct ike_sk_ctx c = { IKEV2_ENCR_AES_CBC, 128,
				IKEV2_INTEG_HMAC_SHA2_256_128, *ek, *ak, 0 };
	const struct ike_pld *sk = ike_msg_find(&m[i], IKEV2_PL_SK, 0);

	return sk && !ike_sk_decrypt(&c, msgbuf[i], msglen[i],
				     sk->u.sk.data.p - msgbuf[i], plain, plen) &&
	       ike_msg_parse_inner(&m[i], sk->u.sk.first, plain, *plen) ==
	       IKE_OK;
}

static void types(const struct ike_msg *mm, char *out)
{
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < mm->n_pld; i++)
		sprintf(out + strlen(out), "%s%u", i ? "," : "", mm->pl[i].type);
}

int main(int argc, char **argv)
{
	static uint8_t plain[NMSG][1024];
	struct ike_algs a = { IKEV2_ENCR_AES_CBC, 128, IKEV2_PRF_HMAC_SHA2_256,
			      IKEV2_INTEG_HMAC_SHA2_256_128 };
	const struct ike_pld *ni, *nr, *id, *auth;
	struct ike_blob psk = { (const uint8_t *)"test", 4 }, b1, b2;
	struct ike_sa_keys k = { 0 };
	struct ike_chunk oct = { 0 };
	uint8_t mac[64];
	size_t plen[NMSG] = { 0 };
	char *dir = strdup(argv[0]), t[256];
	unsigned int i;
	int ok;

	(void)argc;
	snprintf(data_dir, sizeof(data_dir), "%s/data", dirname(dir));
	free(dir);
	CHECK(!load() && nkeys == 11, "strongSwan exchange and charon's keys loaded");
	ok = 1;
	for (i = 0; i < NMSG; i++)
		ok &= ike_msg_parse(&m[i], msgbuf[i], msglen[i]) == IKE_OK &&
		      round_trip(i);
	CHECK(ok, "all 6 messages parse and rebuild byte for byte");
	ni = ike_msg_find(&m[0], IKEV2_PL_NONCE, 0);
	nr = ike_msg_find(&m[1], IKEV2_PL_NONCE, 0);
	CHECK(ni && nr && !ike_sa_keys_derive(&k, &a, key("gir"), &ni->u.nonce,
					     &nr->u.nonce, m[1].hdr.ispi,
					     m[1].hdr.rspi),
	      "IKE SA keys derived from Ni, Nr, SPIs and charon's g^ir");
	CHECK(same(&k.d, key("sk_d")) && same(&k.ai, key("sk_ai")) &&
	      same(&k.ar, key("sk_ar")) && same(&k.ei, key("sk_ei")) &&
	      same(&k.er, key("sk_er")) && same(&k.pi, key("sk_pi")) &&
	      same(&k.pr, key("sk_pr")),
	      "SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr: charon's");
	CHECK(open_sk(2, &k.ei, &k.ai, plain[2], &plen[2]),
	      "IKE_AUTH request: ICV good, decrypted with SK_ei, inner payloads parse");
	types(&m[2], t);
	CHECK(!strcmp(t, "46,35,41,36,39,33,44,45,41,41,41,41,41"),
	      "IKE_AUTH request: SK{IDi N IDr AUTH SA TSi TSr N N N N N}, as charon logged it (got %s)", t);
	CHECK(open_sk(3, &k.er, &k.ar, plain[3], &plen[3]),
	      "IKE_AUTH response: decrypted with SK_er");
	types(&m[3], t);
	CHECK(!strcmp(t, "46,36,39,41,41,41"),
	      "IKE_AUTH response: SK{IDr AUTH N N N} (got %s)", t);
	CHECK(open_sk(4, &k.ei, &k.ai, plain[4], &plen[4]) &&
	      open_sk(5, &k.er, &k.ar, plain[5], &plen[5]),
	      "INFORMATIONAL request and response: decrypted");
	types(&m[4], t);
	CHECK(!strcmp(t, "46,42") && m[4].pl[1].u.d.proto == IKEV2_PROTO_IKE &&
	      m[5].n_pld == 1 && !plen[5],
	      "INFORMATIONAL: SK{D(IKE)}, answered by an empty SK (got %s)", t);
	/* AUTH (2.15), initiator: msg 1 | Nr | prf(SK_pi, IDi body). */
	id = ike_msg_find(&m[2], IKEV2_PL_IDI, 0);
	auth = ike_msg_find(&m[2], IKEV2_PL_AUTH, 0);
	b1.p = msgbuf[0];
	b1.len = msglen[0];
	CHECK(id && auth && !ike_auth_octets(a.prf, &b1, &nr->u.nonce, &k.pi,
					     &id->body, &oct) &&
	      oct.len == key("octets")->len &&
	      !memcmp(oct.p, key("octets")->p, oct.len),
	      "initiator's signed octets: charon's");
	ike_chunk_free(&oct);
	CHECK(id && auth && auth->u.auth.method == IKEV2_AUTH_SHARED_KEY_MIC &&
	      !ike_auth_psk(a.prf, &psk, &b1, &nr->u.nonce, &k.pi, &id->body,
			    mac) && auth->u.auth.data.len == 32 &&
	      !memcmp(mac, auth->u.auth.data.p, 32),
	      "initiator's AUTH: what ike_auth_psk() computes");
	id = ike_msg_find(&m[3], IKEV2_PL_IDR, 0);
	auth = ike_msg_find(&m[3], IKEV2_PL_AUTH, 0);
	b2.p = msgbuf[1];
	b2.len = msglen[1];
	CHECK(id && auth && !ike_auth_psk(a.prf, &psk, &b2, &ni->u.nonce, &k.pr,
					  &id->body, mac) &&
	      !memcmp(mac, auth->u.auth.data.p, 32),
	      "responder's AUTH: what ike_auth_psk() computes");
	psk.p = (const uint8_t *)"tesT";
	CHECK(id && auth && !ike_auth_psk(a.prf, &psk, &b2, &ni->u.nonce, &k.pr,
					  &id->body, mac) &&
	      memcmp(mac, auth->u.auth.data.p, 32),
	      "responder's AUTH: another PSK does not match");
	msgbuf[2][msglen[2] - 1] ^= 1;
	CHECK(!open_sk(2, &k.ei, &k.ai, plain[2], &plen[2]),
	      "IKE_AUTH request with a flipped ICV bit: refused");
	ike_sa_keys_free(&k);
	return tap_done();
}
