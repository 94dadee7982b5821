/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy checks behind the CLI's warnings: pure functions on plain
 * structs (no netlink, no system calls except check_ifaddrs()), so that
 * they can be tested offline.
 */
#ifndef VGATE_CHECK_H
#define VGATE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"

struct vg_ifaddr {
	char name[32];
	struct vg_addr addr;
	uint8_t plen;
	bool loopback;		/* on a loopback device: no attached network */
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

/* What check_shadow() calls for each shadowed rule. */
typedef void check_shadow_fn(const struct vg_rule *shadowed,
			     const struct vg_rule *by, const char *msg,
			     void *arg);

/*
 * Shadowed rules: a rule fully covered by an earlier one in evaluation
 * order (same family; the earlier rule's local and remote hold the later
 * one's, its proto is any or the same, its ports hold the later one's or
 * it has none; its flags include every flag of the later one, since a
 * rule without selfTraffic passes over self traffic that a later rule
 * with it captures).  fn is called once per shadowed rule, in evaluation
 * order, with the first rule that shadows it and the message text.
 * Returns the number found.
 *
 * Not pairwise: the rules that may cover a rule are looked up in an index
 * of enclosing prefixes (see check.c), O(n log n) for policies whose rules
 * rarely nest.  Rules with the same selectors differing only in ports or
 * protocol are still compared with each other; when the comparisons and
 * lookups exceed budget (0: no limit) the check gives up: -E2BIG, and fn
 * was not called.
 */
int check_shadow_budget(const struct vg_rule *rules, size_t n,
			const struct vg_peer *peers, size_t np,
			unsigned long budget, check_shadow_fn *fn, void *arg);

/* Work budget of check_shadow(): well under a second natively. */
#define CHECK_SHADOW_BUDGET 20000000UL

/* check_shadow_budget() with CHECK_SHADOW_BUDGET. */
int check_shadow(const struct vg_rule *rules, size_t n,
		 const struct vg_peer *peers, size_t np, check_shadow_fn *fn,
		 void *arg);

/*
 * Self capture: can self traffic (kernel/ownaddr.c) match the rule, which
 * then passes over it instead of capturing it?  True for a drop or
 * protect rule without selfTraffic whose local range holds one of the
 * gateway's own addresses ifs[*own].addr and whose remote range overlaps
 * a directly attached network ifs[*net].addr/plen (same family as the
 * rule; any overlaps everything).  Loopback addresses (127/8, ::1) and
 * IPv6 link-local addresses and networks (never classified) are left
 * out; an address of a loopback device or with prefix length 0 is an own
 * address without an attached network.  The kernel's IPv4 broadcast and
 * 0.0.0.0 ends are not considered.  *own is the address of the network
 * *net itself when the local range holds it.  Pure function.
 */
bool check_self_rule(const struct vg_rule *ru, const struct vg_ifaddr *ifs,
		     size_t nif, size_t *own, size_t *net);

/* check_self_rule() on every rule; fn once per rule it is true for. */
int check_self(const struct vg_rule *rules, size_t n,
	       const struct vg_ifaddr *ifs, size_t nif,
	       void (*fn)(const struct vg_rule *ru, const struct vg_ifaddr *ifa,
			  const char *msg, void *arg),
	       void *arg);

/* The addresses of this network namespace (getifaddrs). */
int check_ifaddrs(struct vg_ifaddr **ifs, size_t *n);

#endif
