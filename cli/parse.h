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

#include "lib/addr.h"

/*
 * Prefix of every message: "vgate", or the file name while applying a
 * file, followed by ":LINE" when vg_err_line is not 0.
 */
extern const char *vg_err_prefix;
extern unsigned long vg_err_line;
extern bool vg_err_quiet;	/* TAB completion: no messages */
void vg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int parse_u32(const char *s, uint32_t *v);	/* decimal or 0x hex, quiet */
int parse_u64(const char *s, uint64_t *v);	/* decimal or 0x hex, quiet */

int parse_spi(const char *what, const char *s, uint32_t *spi);
int parse_num32(const char *what, const char *s, uint32_t min, uint32_t max,
		uint32_t *v);
int parse_num64(const char *what, const char *s, uint64_t *v);
int parse_addr(const char *what, const char *s, struct vg_addr *a);
int parse_addr_quiet(const char *s, struct vg_addr *a);	/* no message */
/* ADDR[/LEN]; host bits must be clear. */
int parse_prefix(const char *what, const char *s, struct vg_prefix *p);
/* PORT or PORT-PORT. */
int parse_ports(const char *what, const char *s, struct vg_ports *p);
/* Hex, optional 0x; at most max bytes.  Never echoes the key. */
int parse_hex_key(const char *what, const char *s, uint8_t *buf, size_t max,
		  size_t *len);
int parse_onoff(const char *what, const char *s, bool *on);
/* any, ADDR, ADDR/PLEN (host bits clear) or ADDR-ADDR (start <= end). */
int parse_range(const char *what, const char *s, struct vg_range *r);
/* A peer name; refuses addresses (peers are objects, not addresses). */
int parse_peer_name(const char *what, const char *s);
/* A description: at most VG_DESCR_MAX bytes, printable. */
int parse_descr(const char *what, const char *s);
/* A network interface name as the kernel takes it: 1..15 bytes, no '/',
 * ':' or white space, not "." or "..".
 */
int parse_ifname(const char *what, const char *s);

/* Formatting helpers shared by show and dry-run output. */
const char *fmt_addr(const struct vg_addr *a, char *buf, size_t len);
int addr_family_len(int family);
/* "any", "A", "A/N" or "A-B"; a net of full length is shown as a host. */
const char *fmt_range(const struct vg_range *r, char *buf, size_t len);
/* Family of a range (0 for any). */
int range_family(const struct vg_range *r);
/* Lowest and highest address (16 bytes, big endian, left-aligned by
 * family length) a range covers in family; any covers everything.
 */
void range_bounds(const struct vg_range *r, int family, uint8_t lo[16],
		  uint8_t hi[16]);
/* Does range a cover every address of range b (same family)? */
bool range_covers(const struct vg_range *a, const struct vg_range *b,
		  int family);
/* Does range r hold address x? */
bool range_holds(const struct vg_range *r, const struct vg_addr *x);
/* Do ranges a and b share an address? */
bool range_overlaps(const struct vg_range *a, const struct vg_range *b,
		    int family);
/* Quote a word for a command line if needed ("a b" -> "\"a b\""). */
const char *fmt_word(const char *s, char *buf, size_t len);

#endif
