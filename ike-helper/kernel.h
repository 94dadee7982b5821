/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate-iked's kernel backend interface, after strongSwan's kernel_ipsec_t:
 * the daemon negotiates, a backend installs.  Backends: "vgate" (vgate.ko
 * through libvgate's generic netlink, the only C code that speaks it:
 * kernel_vgate.c; the default), "null" (in memory, kernel_null.c: host
 * tests and benchmarks).  kernel.c: the list of backends and the report
 * lines both print.
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
	/* UDP encapsulation (RFC 3948, a NAT between the peers): ESP from
	 * src:encap_sport to dst:encap_dport; 0: plain ESP */
	uint16_t encap_sport, encap_dport;
	/* volume limits in octets (esp_lifetime_kb), 0: none; the soft one
	 * brings a soft SA_EXPIRE (a rekey), the hard one ends the SA */
	uint64_t soft_bytes, hard_bytes;
};

/* What the kernel tells the daemon (vgate's "events" group). */
enum kernel_event_type {
	KERNEL_EV_ACQUIRE,	/* traffic for entry reqid, no SA: negotiate */
	KERNEL_EV_EXPIRE,	/* SA spi to dst reached a lifetime limit */
};

struct kernel_event {
	enum kernel_event_type type;
	uint32_t reqid;			/* ACQUIRE: the entry's ID */
	uint32_t spi;			/* EXPIRE */
	struct sockaddr_storage dst;	/* EXPIRE */
	int hard;			/* EXPIRE: removed (else soft) */
	char what[48];			/* EXPIRE: which limit, for logs */
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
	/*
	 * At start, for each peer: is reqid (its `protect` entry) usable?
	 * Logs what is wrong; -errno only when the backend cannot work with
	 * the peer at all.  NULL: nothing to check.
	 */
	int (*check_reqid)(void *ctx, const char *peer, uint32_t reqid,
			   int configured);
	/*
	 * Our NAT-T socket (UDP 4500, IPv4): ESP-in-UDP arrives on it, for
	 * the kernel to take out while we keep reading IKE from it.  0 or
	 * -errno (logged); NULL: the backend needs none.
	 */
	int (*natt_socket)(void *ctx, int fd, uint16_t port);
	/*
	 * Before we bind our NAT-T port: a socket the kernel opened itself
	 * on it (vgate's `ipsec natt socket`, for hand-keyed SAs) is let go,
	 * else our bind fails.  NULL: nothing to do.
	 */
	void (*natt_release)(void *ctx, uint16_t port);
	/* A descriptor to poll for events, -1 none; NULL: no events. */
	int (*event_fd)(void *ctx);
	/* The next event: 1 (*ev filled), 0 none left. */
	int (*event_next)(void *ctx, struct kernel_event *ev);
	void (*fini)(void *ctx);
};

extern const struct kernel_ops kernel_null_ops;
extern const struct kernel_ops kernel_vgate_ops;

/* "null", "vgate" -> its ops, or NULL. */
const struct kernel_ops *kernel_ops_find(const char *name);
/* The names, for messages: "vgate, null". */
const char *kernel_ops_names(void);

/* What a backend keeps of an SA it installed: no key, a check value. */
struct kernel_rec {
	char peer[64];
	enum kernel_dir dir;
	uint32_t spi, reqid;
	struct sockaddr_storage src, dst;
	uint16_t encr, encr_bits, integ;
	int esn;
	uint16_t encap_sport, encap_dport;
	uint64_t soft_bytes, hard_bytes;
	char check[9];		/* SHA-256(ekey | akey), first 4 octets, hex */
	struct ike_ts_pld ts_local, ts_remote;
};

/* Copy sa (not its keys) into r and compute the check value. */
void kernel_rec_fill(struct kernel_rec *r, const struct kernel_sa *sa);
/*
 * One report line: "SA WHAT peer=... dir=... spi=... proto=esp mode=tunnel
 * src= dst= enc= integ= esn= reqid= keys= local_ts= remote_ts=", then
 * " encap=udp:SPORT-DPORT" for a UDP-encapsulated SA, " bytes=SOFT/HARD"
 * for one with volume limits, and extra (may be
 * NULL) appended after a blank.
 */
void kernel_rec_print(FILE *f, const char *what, const struct kernel_rec *r,
		      const char *extra);
void kernel_addr_str(const struct sockaddr_storage *ss, char *buf,
		     size_t len);

#endif
