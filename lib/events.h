/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate events: a socket joined to the "events" multicast group of
 * the family "vgate", with ACQUIRE and SA_EXPIRE decoded into struct
 * vg_event (objects.h).  Its fd is non-blocking and can be polled.
 */
#ifndef LIBVGATE_EVENTS_H
#define LIBVGATE_EVENTS_H

#include "objects.h"

struct vg_events;

/* Open and join; NULL with *err = -errno (-ENOENT: vgate not loaded). */
struct vg_events *vg_events_open(int *err);
void vg_events_close(struct vg_events *ev);
int vg_events_fd(const struct vg_events *ev);
/*
 * The next event: 1 (*out filled), 0 none pending, -ENOBUFS events were
 * lost (the socket's buffer overflowed: resynchronise with a dump, then
 * go on reading), -EPROTO a malformed event (skipped), other -errno.
 * Events of commands this library does not know are skipped.
 */
int vg_events_next(struct vg_events *ev, struct vg_event *out);

#endif
