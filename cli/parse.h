/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Value parsers: numbers, SPIs, addresses, prefixes, ports, hex keys.
 * Each returns 0 or -EINVAL, and on failure has already printed a message
 * naming the bad token.  None of them talks to netlink.
 */
#ifndef VGATE_PARSE_H
#define VGATE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_ADDR_MAX 16

/* An address of any family: AF_INET now, AF_INET6 later. */
struct vg_addr {
	uint16_t family;		/* AF_INET; 0 = unset */
	uint8_t len;			/* bytes used in a[] */
	uint8_t a[VG_ADDR_MAX];		/* network byte order */
};

struct vg_prefix {
	struct vg_addr addr;
	uint8_t plen;
};

struct vg_ports {
	uint16_t min, max;
};

/* Prefix of every message: "vgate", or "FILE:LINE" while applying a file. */
extern const char *vg_err_prefix;
void vg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int parse_u32(const char *s, uint32_t *v);	/* decimal or 0x hex, quiet */
int parse_u64(const char *s, uint64_t *v);	/* decimal or 0x hex, quiet */

int parse_spi(const char *what, const char *s, uint32_t *spi);
int parse_num32(const char *what, const char *s, uint32_t min, uint32_t max,
		uint32_t *v);
int parse_num64(const char *what, const char *s, uint64_t *v);
int parse_addr(const char *what, const char *s, struct vg_addr *a);
/* ADDR[/LEN]; host bits must be clear. */
int parse_prefix(const char *what, const char *s, struct vg_prefix *p);
/* PORT or PORT-PORT. */
int parse_ports(const char *what, const char *s, struct vg_ports *p);
/* Hex, optional 0x; at most max bytes.  Never echoes the key. */
int parse_hex_key(const char *what, const char *s, uint8_t *buf, size_t max,
		  size_t *len);
int parse_onoff(const char *what, const char *s, bool *on);

/* Formatting helpers shared by show and dry-run output. */
const char *fmt_addr(const struct vg_addr *a, char *buf, size_t len);
int addr_family_len(int family);

#endif
