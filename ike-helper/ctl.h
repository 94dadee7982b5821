/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate-iked's control socket (a draft of the CLI's way in, issue 15): a
 * UNIX stream socket of mode 0600, and only a client of the daemon's own
 * uid (SO_PEERCRED) is served.  One request line, then the answer lines,
 * the last "OK" or "ERROR <why>", then the daemon closes the connection:
 *
 *   show ike     one IKE_SA line per IKE SA, a CHILD_SA line per CHILD SA
 *   show stats   the STATS line (counters by reason)
 *   help         the commands
 *
 * Nothing secret is ever written there.  Format of the lines: README.md.
 */
#ifndef VGATE_IKED_CTL_H
#define VGATE_IKED_CTL_H

struct iked;

/* Listen on path (a stale socket file is replaced); the fd or -1. */
int ctl_open(const char *path, char *err, size_t errlen);
/* Accept one client and serve its request. */
void ctl_serve(struct iked *d, int lfd);

#endif
