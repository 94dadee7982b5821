/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vgate config save|show": the running configuration as commands that
 * recreate it exactly when fed to "vgate -f" (one transaction).
 */
#ifndef VGATE_CONFIG_H
#define VGATE_CONFIG_H

#include <stdio.h>

#include "nl.h"

/* The formatter: pure, no netlink.  Rules and peers in any order. */
int config_write(FILE *f, const struct vg_cfg *cfg,
		 const struct vg_peer *peers, size_t np,
		 const struct vg_rule *rules, size_t nr);
/*
 * The gratuitous-ARP policy (vgate_garp) as "ip arp ackGratuitous" lines:
 * every global setting, and each interface's overrides.  Pure.
 */
int config_write_garp(FILE *f, const struct vg_garp_cfg *cfg,
		      const struct vg_garp_if *ifs, size_t n);
/*
 * The subsystems' sections of config save|show (struct cmd_subsys.config):
 * fetch and write.  The "ipsec" knobs, peers and rules; the
 * gratuitous-ARP policy when vgate_garp.ko is loaded (else nothing).
 */
int config_print_ipsec(FILE *f);
int config_print_garp(FILE *f);
/*
 * Fetch the running configuration and write it to f / to path: each
 * subsystem's section in cmd_subsystems[] order.
 */
int config_print(FILE *f);
int config_save(const char *path);

#endif
