/* SPDX-License-Identifier: GPL-2.0 */
/* The CLI's way to vgate-iked: its control socket (ike.c). */
#ifndef VGATE_CLI_IKE_H
#define VGATE_CLI_IKE_H

/* Where vgate-iked listens unless started with another --control. */
#define IKED_CONTROL_DEFAULT "/run/vgate-iked.ctl"

/* $VGATE_IKED_CONTROL, else IKED_CONTROL_DEFAULT. */
const char *ike_control_path(void);
/* ipsec show ike: the daemon's IKE and CHILD SAs (text or JSON). */
int ike_show(void);

#endif
