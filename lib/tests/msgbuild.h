/* SPDX-License-Identifier: GPL-2.0 */
/* Test helpers: generic netlink messages built in memory. */
#ifndef LIBVGATE_TEST_MSGBUILD_H
#define LIBVGATE_TEST_MSGBUILD_H

#include <errno.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "schema.h"

/* A message of family f's command cmd (type 0x20), or exits. */
struct nl_msg *tmsg(const struct vg_family_desc *f, int cmd);
/* The first nest of type t at the top level of m, or NULL. */
struct nlattr *tnest(struct nl_msg *m, int t);
/* The top level attributes of m indexed with f (static storage). */
struct nlattr **ttop(const struct vg_family_desc *f, struct nl_msg *m);

/*
 * The datagrams of a receive hook (vg_set_recv_hook(h, tq_recv, NULL)):
 * one message each, answering request seq, taken in the order pushed;
 * none left is a failed read.  tq_push() takes m.
 */
void tq_push(struct nl_msg *m, uint32_t seq);
int tq_recv(void *arg, unsigned char **buf);
/* How many were taken; tq_reset() frees those not taken and starts over. */
int tq_taken(void);
void tq_reset(void);

#endif
