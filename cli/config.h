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
 * Fetch the running configuration and write it to f / to path; the
 * gratuitous-ARP policy too when vgate_garp.ko is loaded.
 */
int config_print(FILE *f);
int config_save(const char *path);

#endif
