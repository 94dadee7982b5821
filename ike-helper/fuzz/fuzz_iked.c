// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over vgate-iked's receive path (ikev2_recv(): the
 * codec, the SA lookup, message IDs, the responder's IKE_SA_INIT with
 * proposal selection, INVALID_KE_PAYLOAD, the DH peer value and the key
 * derivation, the error answers).  An input is one datagram from the
 * configured peer 192.0.2.1[500] to us; the daemon state (half-open IKE
 * SAs, counters) carries over between inputs and is flushed every 64
 * inputs.  Answers go to a socket that is not open (sendmsg fails with
 * EBADF: nothing leaves); the log is off; the null backend reports to
 * /dev/null.  Beyond the sanitizers: every datagram is counted (rx) and
 * the number of IKE SAs stays bounded (at most one new per datagram).
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iked.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* cookies from 32 half-open SAs: both paths within each 64 inputs */
static const char conf_text[] =
	"cookie_threshold 32\n"
	"peer fuzz\n"
	"local 192.0.2.2\n"
	"remote 192.0.2.1\n"
	"local_id gwB.example\n"
	"remote_id gwA.example\n"
	"psk_file none\n"
	"ike aes128-sha256-modp2048, aes256-sha384-modp3072, aes128gcm16-prfsha256-x25519-ecp256, chacha20poly1305-prfsha512-ecp384\n"
	"esp aes128-sha256, aes128gcm16\n"
	"local_ts 10.2.0.0/24\n"
	"remote_ts 10.1.0.0/24\n";

static struct iked d;
static struct net_sock sock = { .fd = -1, .family = AF_INET, .port = 500 };
static struct sockaddr_storage src, dst;
static unsigned int runs;

static void init(void)
{
	struct sockaddr_in *s = (struct sockaddr_in *)&src;
	struct sockaddr_in *t = (struct sockaddr_in *)&dst;
	char err[256];

	log_verbosity = -1;
	if (conf_parse(&d.conf, conf_text, sizeof(conf_text) - 1, "fuzz",
		       CONF_NO_PSK_FILES, err, sizeof(err)) ||
	    ike_chunk_alloc(&d.conf.peers->psk, 4))
		abort();
	memcpy(d.conf.peers->psk.p, "test", 4);
	d.kops = &kernel_null_ops;
	d.report = fopen("/dev/null", "w");
	if (!d.report || d.kops->init(&d.kctx, d.report))
		abort();
	d.retx_base_ms = 1000;
	d.retx_tries = 5;
	s->sin_family = t->sin_family = AF_INET;
	s->sin_port = t->sin_port = htons(500);
	s->sin_addr.s_addr = htonl(0xc0000201);	/* 192.0.2.1 */
	t->sin_addr.s_addr = htonl(0xc0000202);	/* 192.0.2.2 */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[IKED_MSG_MAX];
	uint64_t before;
	unsigned int n_sa = 0;
	struct iked_sa *sa;

	if (!d.report)
		init();
	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	before = d.st.rx;
	ikev2_recv(&d, &sock, buf, size, &src, &dst);
	if (d.st.rx != before + 1)
		abort();
	for (sa = d.sas; sa; sa = sa->next)
		n_sa++;
	if (n_sa > 64)
		abort();	/* one per input at most, flushed every 64 */
	if (++runs % 64 == 0)
		ikev2_flush(&d);
	return 0;
}
