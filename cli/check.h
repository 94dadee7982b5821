/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy checks behind the CLI's warnings: pure functions on plain
 * structs (no netlink, no system calls except check_ifaddrs()), so that
 * they can be tested offline.
 */
#ifndef VGATE_CHECK_H
#define VGATE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "nl.h"

struct vg_ifaddr {
	char name[32];
	struct vg_addr addr;
	uint8_t plen;
};

/*
 * The kernel's evaluation order: PRE rules by ID, then every peer by peer
 * ID with its traffic list by rule ID, then POST rules by ID.  Entries of
 * an admin-down peer are left out (the kernel skips them); entries of a
 * peer missing from peers come after the known peers.  Fills order[] with
 * indices into rules and returns how many.
 */
size_t check_order(const struct vg_rule *rules, size_t n,
		   const struct vg_peer *peers, size_t np, size_t *order);

/*
 * Shadowed rules: a rule fully covered by an earlier one in evaluation
 * order (same family; the earlier rule's local and remote hold the later
 * one's, its proto is any or the same, its ports hold the later one's or
 * it has none).  fn is called once per shadowed rule with the first rule
 * that shadows it and the message text.  Returns the number found.
 */
int check_shadow(const struct vg_rule *rules, size_t n,
		 const struct vg_peer *peers, size_t np,
		 void (*fn)(const struct vg_rule *shadowed,
			    const struct vg_rule *by, const char *msg,
			    void *arg),
		 void *arg);

/*
 * Self capture: a drop or protect rule without selfTraffic whose local
 * side holds one of the gateway's own addresses (or is any while its
 * remote side reaches into that interface's network): the gateway's own
 * traffic with directly attached hosts bypasses it.  Loopback and IPv6
 * link-local addresses are not considered.  One call per rule.
 */
int check_self(const struct vg_rule *rules, size_t n,
	       const struct vg_ifaddr *ifs, size_t nif,
	       void (*fn)(const struct vg_rule *ru, const struct vg_ifaddr *ifa,
			  const char *msg, void *arg),
	       void *arg);

/* The addresses of this network namespace (getifaddrs), loopback skipped. */
int check_ifaddrs(struct vg_ifaddr **ifs, size_t *n);

#endif
