// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel backends' common part: the list of backends (--kernel=NAME)
 * and the report lines every backend prints on the daemon's stdout, never
 * with a key:
 *
 *   SA add peer=NAME dir=in|out spi=HEX proto=esp mode=tunnel src=ADDR
 *      dst=ADDR enc=NAME integ=NAME esn=yes|no reqid=N keys=CHECK
 *      local_ts=TS remote_ts=TS [backend's extra fields]
 *
 * keys=CHECK: the first 4 octets of SHA-256 over the encryption then the
 * integrity key, in hex: a one-way check value, so that a test can see
 * that two daemons derived the same keys (one's out is the other's in)
 * without either printing a key.
 */
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <string.h>

#include "kernel.h"
#include "policy.h"

static const struct kernel_ops *const backends[] = {
	&kernel_vgate_ops,
	&kernel_null_ops,
};

const struct kernel_ops *kernel_ops_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (!strcmp(name, backends[i]->name))
			return backends[i];
	return NULL;
}

const char *kernel_ops_names(void)
{
	return "vgate, null";
}

void kernel_addr_str(const struct sockaddr_storage *ss, char *buf,
		     size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, buf, len))
		snprintf(buf, len, "?");
}

void kernel_rec_fill(struct kernel_rec *r, const struct kernel_sa *sa)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *h;
	int i;

	snprintf(r->peer, sizeof(r->peer), "%s", sa->peer);
	r->dir = sa->dir;
	r->spi = sa->spi;
	r->reqid = sa->reqid;
	r->src = sa->src;
	r->dst = sa->dst;
	r->encr = sa->encr;
	r->encr_bits = sa->encr_bits;
	r->integ = sa->integ;
	r->esn = sa->esn;
	r->encap_sport = sa->encap_sport;
	r->encap_dport = sa->encap_dport;
	r->soft_bytes = sa->soft_bytes;
	r->hard_bytes = sa->hard_bytes;
	r->ts_local = *sa->ts_local;
	r->ts_remote = *sa->ts_remote;
	h = EVP_MD_CTX_new();
	if (!h || !EVP_DigestInit_ex(h, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(h, sa->ekey.p, sa->ekey.len) ||
	    !EVP_DigestUpdate(h, sa->akey.p, sa->akey.len) ||
	    !EVP_DigestFinal_ex(h, md, &mdlen))
		snprintf(r->check, sizeof(r->check), "?");
	else
		for (i = 0; i < 4; i++)
			sprintf(r->check + 2 * i, "%02x", md[i]);
	EVP_MD_CTX_free(h);
}

void kernel_rec_print(FILE *f, const char *what, const struct kernel_rec *r,
		      const char *extra)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], enc[40];
	char lts[512], rts[512], encap[80] = "";
	int n = 0;

	if (r->encap_sport)
		n = snprintf(encap, sizeof(encap), " encap=udp:%u-%u",
			     r->encap_sport, r->encap_dport);
	if (r->hard_bytes)
		snprintf(encap + n, sizeof(encap) - n, " bytes=%llu/%llu",
			 (unsigned long long)r->soft_bytes,
			 (unsigned long long)r->hard_bytes);
	kernel_addr_str(&r->src, src, sizeof(src));
	kernel_addr_str(&r->dst, dst, sizeof(dst));
	pol_ts_str(&r->ts_local, lts, sizeof(lts));
	pol_ts_str(&r->ts_remote, rts, sizeof(rts));
	fprintf(f, "SA %s peer=%s dir=%s spi=%08x proto=esp mode=tunnel src=%s dst=%s enc=%s integ=%s esn=%s reqid=%u keys=%s local_ts=%s remote_ts=%s%s%s%s\n",
		what, r->peer, r->dir == KERNEL_IN ? "in" : "out", r->spi,
		src, dst, pol_encr_name(r->encr, r->encr_bits, enc,
					sizeof(enc)),
		pol_integ_name(r->integ), r->esn ? "yes" : "no", r->reqid,
		r->check, lts, rts, encap, extra ? " " : "",
		extra ? extra : "");
	fflush(f);
}
