/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gratuitous-ARP policy of vgate_garp.ko ("ip arp ..."): its settings
 * and counters as plain structs, and the transport for its generic
 * netlink family "vgate_garp" (garp.c).  The parser fills the structs and
 * never talks to netlink; show.c and config.c print them.
 */
#ifndef VGATE_GARP_H
#define VGATE_GARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vgate.h>

#define VG_IFNAMSIZ 16			/* IFNAMSIZ: names of 1..15 bytes */

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

/* What an "ip arp" command asks for (struct vg_req.garp). */
enum vg_garp_op {
	VG_GARP_OP_NONE,
	VG_GARP_OP_SET,		/* set .setting (global cfg or ifc) */
	VG_GARP_OP_GET,		/* print .setting */
	VG_GARP_OP_SHOW,	/* ip arp show [interface IF] */
};

struct vg_garp_req {
	uint8_t op;			/* enum vg_garp_op */
	bool iface;			/* the interface form: ifc, not cfg */
	uint32_t setting;		/* VG_GARP_x named by the command */
	struct vg_garp_cfg cfg;
	struct vg_garp_if ifc;		/* ifname set for the interface form */
};

/*
 * Transport (garp.c).  Each returns 0 or a negative errno after printing a
 * message: "gratuitous-ARP policy module not loaded (modprobe vgate_garp)"
 * when the family is not registered, the interface's name for -ENODEV and
 * -EOPNOTSUPP.  In dry-run the requests are printed and nothing is read.
 */
int vg_garp_set_global(const struct vg_garp_cfg *cfg);
int vg_garp_set_if(const struct vg_garp_if *ifc);	/* by ifname */
int vg_garp_get_global(struct vg_garp_cfg *cfg);
int vg_garp_get_if(const char *ifname, struct vg_garp_if *out);
/* Every Ethernet interface of the namespace, in ifindex order (malloc). */
int vg_garp_dump_ifs(struct vg_garp_if **ifs, size_t *n);
/* Is vgate_garp.ko loaded?  1 yes (and in dry-run), 0 no, < 0 error. */
int vg_garp_present(void);

#endif
