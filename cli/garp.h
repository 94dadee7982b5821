/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gratuitous-ARP policy of vgate_garp.ko ("ip arp ..."): its settings
 * and counters as plain structs, the request of an "ip arp" command.  The parser fills the structs and
 * never talks to netlink; show.c and config.c print them.
 */
#ifndef VGATE_GARP_H
#define VGATE_GARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vgate.h>

#include "lib/garp.h"

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
 * The CLI's calls into libvgate (nl.c).  Each returns 0 or a negative
 * errno after printing a message: "gratuitous-ARP policy module not loaded
 * (modprobe vgate_garp)" when the family is not registered, the
 * interface's name for -ENODEV and -EOPNOTSUPP.  In dry-run the requests
 * are printed and nothing is read.
 */
int cli_garp_set_global(const struct vg_garp_cfg *cfg);
int cli_garp_set_if(const struct vg_garp_if *ifc);	/* by ifname */
int cli_garp_get_global(struct vg_garp_cfg *cfg);
int cli_garp_get_if(const char *ifname, struct vg_garp_if *out);
/* Every Ethernet interface of the namespace, in ifindex order (malloc). */
int cli_garp_dump_ifs(struct vg_garp_if **ifs, size_t *n);
/* Is vgate_garp.ko loaded?  1 yes (and in dry-run), 0 no, < 0 error. */
int cli_garp_present(void);

#endif
