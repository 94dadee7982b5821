/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate: the bandwidth manager of vgate_bwm.ko (family "vgate_bwm"):
 * an interface's shaper, its classes and filters as plain structs.
 */
#ifndef LIBVGATE_BWM_H
#define LIBVGATE_BWM_H

#include <stdint.h>
#include <netinet/in.h>

#include <linux/vgate.h>

#include "addr.h"

/* struct vg_bwm_obj.has and struct vg_bwm_item.has */
enum {
	VG_BWM_RATE = 1U << 0,
	VG_BWM_MODE = 1U << 1,
	VG_BWM_OVERHEAD = 1U << 2,
	VG_BWM_ESP = 1U << 3,
	VG_BWM_LIMIT = 1U << 4,
	VG_BWM_DEFAULT = 1U << 5,
	VG_BWM_PARENT = 1U << 6,
	VG_BWM_CEIL = 1U << 7,
	VG_BWM_PRIO = 1U << 8,
	VG_BWM_BORROW = 1U << 9,
	VG_BWM_NAME = 1U << 10,
	VG_BWM_SERVICE = 1U << 11,
	VG_BWM_PROTO = 1U << 12,
	VG_BWM_SRC = 1U << 13,
	VG_BWM_DST = 1U << 14,
	VG_BWM_SPORT = 1U << 15,
	VG_BWM_DPORT = 1U << 16,
};

struct vg_bwm_range {
	uint8_t family;			/* AF_INET or AF_INET6 */
	struct in6_addr min, max;	/* IPv4: the first 4 bytes */
};

/*
 * What a request sets: the interface's shaper (IF_SET), a class or a
 * filter of interface ifname.  Only the fields in .has are sent.
 */
struct vg_bwm_obj {
	uint32_t has;
	char ifname[VG_IFNAMSIZ];	/* empty: every interface (GET) */
	uint16_t id;			/* class or filter */
	/* interface */
	uint8_t enabled;		/* IF_SET: 1 enable, 0 disable */
	uint64_t rate;			/* interface or class, bit/s */
	uint8_t mode, esp;		/* enum vgate_bwm_mode, _esp */
	uint16_t overhead;
	uint32_t limit;
	uint16_t defcls;
	/* class */
	uint16_t parent;
	uint64_t ceil;
	uint8_t prio, borrow;
	char name[VGATE_BWM_NAME_MAX];
	/* filter */
	uint16_t classid;
	uint8_t service, proto;		/* enum vgate_bwm_service; IPPROTO_x */
	struct vg_bwm_range src, dst;
	uint16_t sport[2], dport[2];
};

/*
 * One reply of a GET: the interface, and with CLASS_GET or FILTER_GET one
 * of its classes or filters.  .has: VG_BWM_SERVICE.. of the filter.
 */
struct vg_bwm_item {
	char ifname[VG_IFNAMSIZ];
	uint8_t enabled, mode, esp;
	uint16_t overhead, defcls;
	uint32_t limit, nclasses, nfilters;
	uint64_t rate, link_speed;
	uint64_t st[VGATE_BWM_STAT_MAX + 1];	/* by enum vgate_bwm_stat */
	/* class */
	uint16_t id, parent;
	uint64_t crate, ceil, user_ceil;	/* ceil: the one in force */
	uint8_t prio, borrow, leaf;
	char name[VGATE_BWM_NAME_MAX];
	/* filter */
	uint16_t classid;
	uint8_t service, proto, family;
	uint32_t has;
	struct in6_addr src[2], dst[2];
	uint16_t sport[2], dport[2];
	uint64_t matches;
};

#endif
