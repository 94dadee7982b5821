/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate: addresses, ranges and ports as the objects of every family
 * hold them, and the length limits of names and descriptions.
 */
#ifndef LIBVGATE_ADDR_H
#define LIBVGATE_ADDR_H

#include <stdint.h>

#define VG_ADDR_MAX 16

/* An address of either family. */
struct vg_addr {
	uint16_t family;		/* AF_INET or AF_INET6; 0 = unset */
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

/* A rule's local or remote side: RANGE := any | ADDR | ADDR/PLEN | ADDR-ADDR */
enum vg_range_kind {
	VG_RANGE_ANY,
	VG_RANGE_HOST,		/* addr */
	VG_RANGE_NET,		/* addr/plen */
	VG_RANGE_RANGE,		/* addr-end, inclusive */
};

struct vg_range {
	uint8_t kind;		/* enum vg_range_kind */
	uint8_t plen;		/* VG_RANGE_NET */
	struct vg_addr addr;	/* start (not ANY) */
	struct vg_addr end;	/* VG_RANGE_RANGE */
};

#define VG_NAME_MAX 31		/* peer names: 1..31 of [A-Za-z0-9_.-] */
#define VG_DESCR_MAX 255
#define VG_HOST_MAX 255
#define VG_IFNAMSIZ 16		/* IFNAMSIZ: names of 1..15 bytes */

#endif
