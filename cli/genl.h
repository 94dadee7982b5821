/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink plumbing shared by the transports of the families the
 * CLI talks to: "vgate" (nl.c), "vgate_garp" (garp.c) and "vgate_bwm"
 * (bwm.c).  One socket; each family is resolved when first used, so a
 * command of one family works whether or not another one is registered.
 * Implemented in nl.c.
 */
#ifndef VGATE_GENL_H
#define VGATE_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl_msg;
struct nlattr;

/* Attribute descriptions: dry-run printing, reply checks, extack names. */
enum atype {
	AT_NONE,	/* unknown: skipped */
	AT_U8,
	AT_U16,
	AT_U32,
	AT_U64,
	AT_ADDR,
	AT_KEY,		/* secret: never printed */
	AT_STR,		/* NUL-terminated string */
	AT_NEST,
	AT_NEST_U64,	/* nest of u64 counters indexed by type (drops) */
	AT_PAD,
};

struct adesc {
	const char *name;
	enum atype type;
	const struct adesc *nest;
	int nest_max;
};

/* Top level attribute types a family may have (the reply index size). */
#define VG_GENL_TOP_MAX 31

struct vg_family {
	const char *name;		/* generic netlink family name */
	uint8_t version;		/* genlmsghdr version of requests */
	const char *missing;		/* message when it is not registered */
	const struct adesc *top;	/* top level attributes, by type */
	int top_max;			/* <= VG_GENL_TOP_MAX */
	const char *const *cmds;	/* command names, by number */
	int cmd_max;
	/*
	 * A clearer message than the generic one for a kernel error (err
	 * negative, extack message or ""); returns true if it printed one.
	 * May be NULL.
	 */
	bool (*error)(int err, const char *extack);
	int id;				/* resolved family id, 0 until then */
};

const char *vg_family_cmd(const struct vg_family *f, int cmd);
/* A request of family f (its id is filled in when sent), or NULL. */
struct nl_msg *vg_genl_msg(const struct vg_family *f, uint8_t cmd, int flags);
/* Report a request that could not be built; frees m. */
int vg_genl_nomem(struct nl_msg *m);
/*
 * Send msg (a request of family f, built with genlmsg_put(); freed here,
 * wiped first) and read the answer, calling parse with the top level
 * attributes of each reply message.  In dry-run the request is printed
 * instead.  Returns 0, or -errno after printing a message.
 */
int vg_genl_transact(struct vg_family *f, struct nl_msg *msg,
		     int (*parse)(struct nlattr **tb, void *arg), void *arg,
		     bool *intr);
/*
 * Is family f registered?  1 yes (always in dry-run), 0 no (quietly),
 * negative: another error, printed.
 */
int vg_genl_present(struct vg_family *f);

/*
 * Test seam (cli/fuzz/fuzz_reply.c): with recv set, no socket is opened,
 * family ids are not resolved and requests are not sent; each read of a
 * reply takes the next datagram from recv(): *buf malloc()ed (libnl
 * frees it), the length returned, or a negative libnl error when there
 * is none left.  Sequence numbers are not checked.  NULL (the default)
 * talks to the kernel.  Closes the socket.
 */
typedef int (*vg_genl_recv_fn)(unsigned char **buf);
void vg_genl_fake_kernel(vg_genl_recv_fn recv);

/* Index the attributes of a nest by type, checking fixed sizes. */
int vg_nest_index(struct nlattr *nest, const struct adesc *d, int max,
		  struct nlattr **tb);
/* A string attribute into out (truncated, always terminated). */
void vg_get_str(struct nlattr *a, char *out, size_t size);

#endif
