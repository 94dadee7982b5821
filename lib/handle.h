/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate handle: one generic netlink socket, the families "vgate",
 * "vgate_garp" and "vgate_bwm" resolved when first used (a command of one
 * family works whether or not another is registered).  Every call returns
 * 0 (or a count) or -errno, and leaves what went wrong in vg_error(): the
 * kernel's extack message, the attribute its offset points at, the
 * missing attribute.  Nothing here prints.
 *
 * Dry run: with a hook set (vg_set_dry_run), requests are handed to the
 * hook instead of the kernel; they succeed with no reply, dumps are empty
 * and no socket is opened.
 *
 * Receive hook (vg_set_recv_hook): a test seam.  No socket is opened and
 * no family looked up (each gets an id from GENL_MIN_ID on, in the order
 * "vgate", "vgate_garp", "vgate_bwm"); requests are numbered 1, 2, ...
 * (nlmsg_seq, from the hook's setting on) and not sent; every read of the
 * answer takes the next datagram from the hook.  From there the handle
 * runs as with the kernel: sequence and DUMP_INTR checks, errors, extack,
 * the reply codec.
 */
#ifndef LIBVGATE_HANDLE_H
#define LIBVGATE_HANDLE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "schema.h"

struct nl_msg;
struct nlattr;
struct vg_handle;

enum vg_err_kind {
	VG_ERR_NONE,
	VG_ERR_KERNEL,		/* the kernel refused: err, msg, attr */
	VG_ERR_OPEN,		/* no generic netlink socket: nlerr */
	VG_ERR_RESOLVE,		/* the family could not be looked up: nlerr */
	VG_ERR_NOFAMILY,	/* the family is not registered (-ENOENT) */
	VG_ERR_IO,		/* send or receive failed: nlerr */
	VG_ERR_BUILD,		/* the request did not fit (-ENOMEM) */
	VG_ERR_REPLY,		/* a reply we cannot understand (-EPROTO) */
	VG_ERR_DUMP_INTR,	/* the table kept changing (-EAGAIN) */
};

struct vg_error {
	enum vg_err_kind kind;
	int err;			/* the -errno the call returned */
	const struct vg_family_desc *family;
	uint8_t cmd;			/* the request's command */
	int nlerr;			/* libnl error code (OPEN, RESOLVE, IO) */
	char msg[256];			/* extack message, "" if none */
	int offset;			/* extack offset into the request, -1 */
	char attr[96];			/* the attribute there: "SA.SPI", "" */
	int miss_type;			/* extack: missing attribute, 0 */
	int miss_nest;			/* and the nest it was missing in */
};

typedef void (*vg_dry_run_fn)(const struct vg_family_desc *f,
			      struct nlmsghdr *nlh, void *arg);
/*
 * The next datagram of the kernel's answer: *buf malloc()ed (the handle
 * frees it), its length returned; <= 0 none (a libnl error code: the read
 * fails as on a socket).
 */
typedef int (*vg_recv_fn)(void *arg, unsigned char **buf);
/* Called with the top level attributes of each reply message. */
typedef int (*vg_reply_fn)(struct nlattr **tb, void *arg);

struct vg_handle *vg_open(void);
void vg_close(struct vg_handle *h);
void vg_set_dry_run(struct vg_handle *h, vg_dry_run_fn fn, void *arg);
/* The test seam above; NULL talks to the kernel again.  Closes the socket. */
void vg_set_recv_hook(struct vg_handle *h, vg_recv_fn fn, void *arg);
/*
 * With the receive hook: each request, numbered, is handed to fn before
 * its answer is read (a test sees what a command sends); NULL: none.
 */
void vg_set_recv_tap(struct vg_handle *h, vg_dry_run_fn fn, void *arg);
bool vg_is_dry_run(const struct vg_handle *h);
const struct vg_error *vg_error(const struct vg_handle *h);
/* libnl's text for e->nlerr. */
const char *vg_error_sys(const struct vg_error *e);
/* Is family f registered?  1 yes (always in a dry run), 0 no, < 0 error. */
int vg_family_present(struct vg_handle *h, const struct vg_family_desc *f);

/* A request of family f (its id is filled in when sent), or NULL. */
struct nl_msg *vg_msg_new(const struct vg_family_desc *f, uint8_t cmd,
			  int flags);
/*
 * Send m (freed here, wiped first: it may hold keys) and read the answer,
 * calling fn (may be NULL) for each reply message.  NLM_F_DUMP_INTR is
 * not retried here: *intr (may be NULL) says whether it was seen.
 */
int vg_transact(struct vg_handle *h, const struct vg_family_desc *f,
		struct nl_msg *m, vg_reply_fn fn, void *arg, bool *intr);
/* The same for a request that could not be built (m may be NULL). */
int vg_build_failed(struct vg_handle *h, const struct vg_family_desc *f,
		    struct nl_msg *m);

/*
 * A dump as an iterator.  vg_dump_next() returns 1 with the next reply's
 * top level attributes in *tb, 0 at the end, VG_DUMP_RESTART when the
 * kernel flagged the dump inconsistent (NLM_F_DUMP_INTR) and it has been
 * sent again from the start (drop what was collected), or -errno (after
 * VG_DUMP_TRIES restarts: -EAGAIN, VG_ERR_DUMP_INTR).
 */
#define VG_DUMP_RESTART 2
#define VG_DUMP_TRIES 5

struct vg_dump {
	struct vg_handle *h;
	const struct vg_family_desc *f;
	struct nl_msg *req;
	int tries;
	bool done;
	struct nlattr *tb[VG_TOP_MAX + 1];
};

/* Takes m (flags NLM_F_DUMP). */
int vg_dump_start(struct vg_handle *h, struct vg_dump *d,
		  const struct vg_family_desc *f, struct nl_msg *m);
int vg_dump_next(struct vg_dump *d, struct nlattr ***tb);
void vg_dump_end(struct vg_dump *d);

/*
 * Decode the extended ack of an NLMSG_ERROR or NLMSG_DONE message into e
 * (msg, offset, attr named with f's descriptions of request req, missing
 * type); returns the error code it carries.  Exposed for tests.
 */
int vg_extack_decode(struct nlmsghdr *nlh, const struct vg_family_desc *f,
		     struct nlmsghdr *req, struct vg_error *e);

#endif
