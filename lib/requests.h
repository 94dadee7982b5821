/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate requests: the commands of the three families on a handle, with
 * the structs of objects.h, garp.h and bwm.h.  Each returns 0 or -errno
 * with vg_error() saying why (handle.h).
 */
#ifndef LIBVGATE_REQUESTS_H
#define LIBVGATE_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>

#include "bwm.h"
#include "garp.h"
#include "handle.h"
#include "objects.h"

/* Which object a "vgate" request carries. */
enum vg_obj {
	VG_OBJ_NONE,
	VG_OBJ_SA,
	VG_OBJ_RULE,
	VG_OBJ_CONFIG,
	VG_OBJ_PEER,
	VG_OBJ_FLOW,
	VG_OBJ_ENCAP_SOCK,
};

/* Command cmd of "vgate" with obj (a struct of that kind, or NULL), acked. */
int vg_request(struct vg_handle *h, uint8_t cmd, enum vg_obj kind,
	       const void *obj);

static inline int vg_sa_new(struct vg_handle *h, const struct vg_sa *sa)
{
	return vg_request(h, VGATE_CMD_SA_NEW, VG_OBJ_SA, sa);
}

static inline int vg_sa_del(struct vg_handle *h, const struct vg_sa *sa)
{
	return vg_request(h, VGATE_CMD_SA_DEL, VG_OBJ_SA, sa);
}

static inline int vg_rule_new(struct vg_handle *h, const struct vg_rule *r)
{
	return vg_request(h, VGATE_CMD_RULE_NEW, VG_OBJ_RULE, r);
}

static inline int vg_peer_new(struct vg_handle *h, const struct vg_peer *p)
{
	return vg_request(h, VGATE_CMD_PEER_NEW, VG_OBJ_PEER, p);
}

static inline int vg_config_set(struct vg_handle *h, const struct vg_cfg *c)
{
	return vg_request(h, VGATE_CMD_CONFIG_SET, VG_OBJ_CONFIG, c);
}

/*
 * Transactions (kernel/netlink.c): the policy and SA requests that follow
 * TXN_BEGIN on this handle's socket go to a private copy, installed whole
 * by TXN_COMMIT or dropped by TXN_ABORT (or when the handle closes).
 */
static inline int vg_txn_begin(struct vg_handle *h)
{
	return vg_request(h, VGATE_CMD_TXN_BEGIN, VG_OBJ_NONE, NULL);
}

static inline int vg_txn_commit(struct vg_handle *h)
{
	return vg_request(h, VGATE_CMD_TXN_COMMIT, VG_OBJ_NONE, NULL);
}

static inline int vg_txn_abort(struct vg_handle *h)
{
	return vg_request(h, VGATE_CMD_TXN_ABORT, VG_OBJ_NONE, NULL);
}

/*
 * A request of family f without attributes (the transaction commands of
 * the three families), acked.
 */
int vg_family_request(struct vg_handle *h, const struct vg_family_desc *f,
		      uint8_t cmd);

/*
 * Transactions of "vgate_garp" (its SETs) and "vgate_bwm" (IF_SET,
 * CLASS_*, FILTER_*), as for "vgate": one per namespace, owned by the
 * handle's socket, installed whole by COMMIT (which cannot fail), dropped
 * by ABORT or when the handle closes; other sockets get -EBUSY meanwhile.
 * The three families share the handle's socket, so one handle can hold
 * all three transactions.
 */
static inline int vg_garp_txn_begin(struct vg_handle *h)
{
	return vg_family_request(h, &vg_family_garp, VGATE_GARP_CMD_TXN_BEGIN);
}

static inline int vg_garp_txn_commit(struct vg_handle *h)
{
	return vg_family_request(h, &vg_family_garp, VGATE_GARP_CMD_TXN_COMMIT);
}

static inline int vg_garp_txn_abort(struct vg_handle *h)
{
	return vg_family_request(h, &vg_family_garp, VGATE_GARP_CMD_TXN_ABORT);
}

static inline int vg_bwm_txn_begin(struct vg_handle *h)
{
	return vg_family_request(h, &vg_family_bwm, VGATE_BWM_CMD_TXN_BEGIN);
}

static inline int vg_bwm_txn_commit(struct vg_handle *h)
{
	return vg_family_request(h, &vg_family_bwm, VGATE_BWM_CMD_TXN_COMMIT);
}

static inline int vg_bwm_txn_abort(struct vg_handle *h)
{
	return vg_family_request(h, &vg_family_bwm, VGATE_BWM_CMD_TXN_ABORT);
}

/* Disable every shaped interface of the namespace (in an open txn). */
static inline int vg_bwm_flush(struct vg_handle *h)
{
	return vg_family_request(h, &vg_family_bwm, VGATE_BWM_CMD_FLUSH);
}

/*
 * One RULE_NEW carrying rules[0..*sent) (the kernel adds them all or
 * none): as many as fit in VG_BATCH_BYTES, at most VG_BATCH_RULES, at
 * least one.
 */
#define VG_BATCH_RULES 64
#define VG_BATCH_BYTES 16384	/* libnl's socket send buffer is 32 KB */
int vg_rule_batch(struct vg_handle *h, const struct vg_rule *const *rules,
		  size_t n, size_t *sent);

/* Single replies ("vgate"). */
int vg_stats_fetch(struct vg_handle *h, struct vg_stats *st);
int vg_config_fetch(struct vg_handle *h, struct vg_cfg *cfg);
/* PEER_GET by name (or by ID when name is NULL); -ENOENT: no reply. */
int vg_peer_fetch(struct vg_handle *h, const char *name, uint32_t id,
		  struct vg_peer *out);
/*
 * SA_GET of the SA (spi, dst's family and address, proto; proto 0 is
 * IPPROTO_ESP): its configuration and counters (never keys) into *out;
 * -ENOENT when there is none (the kernel's error or no reply).
 */
int vg_sa_fetch(struct vg_handle *h, uint32_t spi, const struct vg_addr *dst,
		uint8_t proto, struct vg_sa *out);
/* RULE_GET of rule id; -ENOENT: no reply (a kernel error is one too). */
int vg_rule_fetch(struct vg_handle *h, uint32_t id, struct vg_rule *out);
int vg_explain(struct vg_handle *h, const struct vg_flow *f,
	       struct vg_verdict *v);
int vg_encap_sock_fetch(struct vg_handle *h, struct vg_encap_sock *es);

/* Dumps, as iterators (handle.h) that decode each reply into a struct. */
enum vg_dump_kind {
	VG_DUMP_SAS,		/* struct vg_sa */
	VG_DUMP_RULES,		/* struct vg_rule */
	VG_DUMP_PEERS,		/* struct vg_peer */
	VG_DUMP_GARP_IFS,	/* struct vg_garp_if */
	VG_DUMP_BWM_IFS,	/* struct vg_bwm_item */
	VG_DUMP_BWM_CLASSES,	/* struct vg_bwm_item, of ifname */
	VG_DUMP_BWM_FILTERS,	/* struct vg_bwm_item, of ifname */
};

/* ifname: the interface of the bm class and filter dumps, else NULL. */
int vg_objs_dump_start(struct vg_handle *h, struct vg_dump *d,
		       enum vg_dump_kind kind, const char *ifname);
/* 1 and *obj filled, 0 end, VG_DUMP_RESTART, or -errno. */
int vg_objs_dump_next(struct vg_dump *d, enum vg_dump_kind kind, void *obj);
/* The whole dump into a malloc()ed array (restarts handled). */
int vg_objs_dump_all(struct vg_handle *h, enum vg_dump_kind kind,
		     const char *ifname, void **v, size_t *n);
size_t vg_dump_obj_size(enum vg_dump_kind kind);

/* "vgate_garp" */
int vg_garp_set_global(struct vg_handle *h, const struct vg_garp_cfg *cfg);
int vg_garp_set_if(struct vg_handle *h, const struct vg_garp_if *ifc);
int vg_garp_fetch_global(struct vg_handle *h, struct vg_garp_cfg *cfg);
/* -ENOENT: the reply named no interface. */
int vg_garp_fetch_if(struct vg_handle *h, const char *ifname,
		     struct vg_garp_if *out);

/* "vgate_bwm": IF_SET, CLASS_NEW/SET/DEL, FILTER_NEW/DEL with b. */
int vg_bwm_request(struct vg_handle *h, uint8_t cmd,
		   const struct vg_bwm_obj *b);
/* IF_GET of one interface (its item into *out). */
int vg_bwm_fetch_if(struct vg_handle *h, const char *ifname,
		    struct vg_bwm_item *out);

#endif
