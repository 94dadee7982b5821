/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What main.c, file.c and the tests call: the grammar engine (grammar.h)
 * and the subsystems' registrations and entry points (ipsec.h, garp.h,
 * bwm.h).
 */
#ifndef VGATE_CMD_H
#define VGATE_CMD_H

#include "grammar.h"
#include "ipsec.h"

extern const struct cmd_subsys ipsec_subsys;	/* ipsec.c */
extern const struct cmd_subsys garp_subsys;	/* garp.c */
extern const struct cmd_subsys bwm_subsys;	/* bwm.c */
extern const struct cmd_subsys core_subsys;	/* core.c */

#endif
