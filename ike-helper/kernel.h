/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate-iked's kernel backend interface, after strongSwan's kernel_ipsec_t:
 * the daemon negotiates, a backend installs.  Backends: "null" (in
 * memory, kernel_null.c: host tests and benchmarks); later "vgate"
 * (libvgate's generic netlink, the only C code that speaks it).
 *
 * Every op returns 0 or -errno.  update_sa and query_sa are not used yet
 * (rekeying, NAT-T address changes and DPD will need them): NULL in a
 * backend that lacks them.
 */
#ifndef VGATE_IKED_KERNEL_H
#define VGATE_IKED_KERNEL_H

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "pld.h"

enum kernel_dir { KERNEL_IN, KERNEL_OUT };

/* One ESP SA in tunnel mode, with the selectors it protects. */
struct kernel_sa {
	const char *peer;		/* the peer's configured name */
	enum kernel_dir dir;
	uint8_t proto;			/* IKEV2_PROTO_ESP */
	uint32_t spi;			/* host order */
	uint32_t reqid;
	struct sockaddr_storage src, dst;	/* the tunnel's outer addresses */
	uint16_t encr, encr_bits, integ;	/* IKEv2 transform IDs */
	int esn;
	struct ike_blob ekey, akey;	/* KEYMAT slices: the backend copies */
	const struct ike_ts_pld *ts_local, *ts_remote;
};

struct kernel_ops {
	const char *name;
	int (*init)(void **ctx, FILE *report);
	/* An inbound SPI reserved for an SA still being negotiated. */
	int (*get_spi)(void *ctx, const struct sockaddr_storage *src,
		       const struct sockaddr_storage *dst, uint8_t proto,
		       uint32_t *spi);
	int (*add_sa)(void *ctx, const struct kernel_sa *sa);
	int (*update_sa)(void *ctx, const struct kernel_sa *sa);
	int (*query_sa)(void *ctx, uint8_t proto, uint32_t spi,
			uint64_t *bytes, uint64_t *last_used);
	/* Also releases an SPI that get_spi reserved and nothing used. */
	int (*del_sa)(void *ctx, const struct sockaddr_storage *dst,
		      uint8_t proto, uint32_t spi);
	/* Print the SAs it holds (SIGUSR1; tests). */
	void (*dump)(void *ctx);
	void (*fini)(void *ctx);
};

extern const struct kernel_ops kernel_null_ops;

/* "null" -> its ops, or NULL. */
const struct kernel_ops *kernel_ops_find(const char *name);

#endif
