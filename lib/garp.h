/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate: the gratuitous-ARP policy of vgate_garp.ko (family
 * "vgate_garp"): its settings and counters as plain structs.
 */
#ifndef LIBVGATE_GARP_H
#define LIBVGATE_GARP_H

#include <stdint.h>

#include <linux/vgate.h>

#include "addr.h"

/* Defaults of the settings (include/uapi/linux/vgate.h). */
#define VG_GARP_DEF_ACTIVE		0
#define VG_GARP_DEF_FORCE_UPDATE	0
#define VG_GARP_DEF_RATE_LIMIT		10
#define VG_GARP_DEF_VERIFY_TIMEOUT	500

/* Which settings a struct holds (.has), and which one a command names. */
enum {
	VG_GARP_ACTIVE = 1U << 0,
	VG_GARP_FORCE_UPDATE = 1U << 1,
	VG_GARP_RATE_LIMIT = 1U << 2,
	VG_GARP_VERIFY_TIMEOUT = 1U << 3,	/* global only */
	VG_GARP_PENDING = 1U << 4,		/* global, reply only */
	VG_GARP_IFINDEX = 1U << 5,		/* interface */
	VG_GARP_IFNAME = 1U << 6,		/* interface */
	VG_GARP_EFF_ACTIVE = 1U << 7,		/* interface, reply only */
	VG_GARP_EFF_FORCE_UPDATE = 1U << 8,	/* interface, reply only */
	VG_GARP_EFF_RATE_LIMIT = 1U << 9,	/* interface, reply only */
	VG_GARP_COUNTERS = 1U << 10,		/* interface, reply only */
};

/* The namespace-wide settings (VGATE_GARP_A_GLOBAL). */
struct vg_garp_cfg {
	uint32_t has;
	uint8_t active;			/* 0 or 1 */
	uint8_t force_update;		/* 0 or 1 */
	uint32_t rate_limit;		/* per second and interface, 0: unlimited */
	uint32_t verify_timeout;	/* ms */
	uint32_t pending;		/* verifications running */
};

/* One interface (VGATE_GARP_A_IF). */
struct vg_garp_if {
	uint32_t has;
	uint32_t ifindex;
	char ifname[VG_IFNAMSIZ];
	uint8_t active;			/* 0, 1 or VGATE_GARP_INHERIT */
	uint8_t force_update;		/* 0, 1 or VGATE_GARP_INHERIT */
	uint32_t rate_limit;		/* or VGATE_GARP_RATE_INHERIT */
	uint8_t eff_active;		/* the values in force */
	uint8_t eff_force_update;
	uint32_t eff_rate_limit;
	uint64_t cnt[VGATE_GARP_CNT_MAX + 1];	/* by enum vgate_garp_counter */
};

#endif
