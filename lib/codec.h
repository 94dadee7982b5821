/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate codec: the structs of objects.h, garp.h and bwm.h to and from
 * generic netlink attributes (libnl-3 messages).  No I/O, no printing, no
 * global state.  *_put() append a nest and return 0 or -EMSGSIZE;
 * *_get() clear the struct, fill it from a nest and return 0 or -EPROTO
 * (a known attribute of the wrong size).
 */
#ifndef LIBVGATE_CODEC_H
#define LIBVGATE_CODEC_H

#include <stddef.h>

#include <linux/netlink.h>
#include <linux/genetlink.h>

#include "bwm.h"
#include "garp.h"
#include "objects.h"
#include "schema.h"

struct nl_msg;
struct nlattr;

/* "vgate": VGATE_A_SA, _RULE, _PEER, _FLOW, _CONFIG, _ENCAP_SOCK nests. */
int vg_sa_put(struct nl_msg *m, const struct vg_sa *sa);
int vg_rule_put(struct nl_msg *m, const struct vg_rule *r);
int vg_peer_put(struct nl_msg *m, const struct vg_peer *p);
int vg_flow_put(struct nl_msg *m, const struct vg_flow *f);
int vg_cfg_put(struct nl_msg *m, const struct vg_cfg *cfg);
int vg_encap_sock_put(struct nl_msg *m, const struct vg_encap_sock *es);

int vg_sa_get(struct nlattr *nest, struct vg_sa *sa);
int vg_rule_get(struct nlattr *nest, struct vg_rule *r);
int vg_peer_get(struct nlattr *nest, struct vg_peer *p);
int vg_flow_get(struct nlattr *nest, struct vg_flow *f);
int vg_cfg_get(struct nlattr *nest, struct vg_cfg *cfg);
int vg_stats_get(struct nlattr *nest, struct vg_stats *st);
int vg_verdict_get(struct nlattr *nest, struct vg_verdict *v);
int vg_encap_sock_get(struct nlattr *nest, struct vg_encap_sock *es);

/*
 * A "set" of some fields, to be sent whole with RULE_SET or PEER_SET
 * (which replace the object): base (the object as it is) keeps its
 * configuration (VG_RULE_CONFIG, VG_PEER_CONFIG: what a reply adds
 * besides is dropped) except the fields whose has-bits are in given,
 * which take set's value: present if set->has says so, else absent
 * (cleared).  Driven by the codec's field tables; for rules local and
 * remote (VG_RULE_LOCAL, VG_RULE_REMOTE) and the port ranges too.  No
 * checks: the caller validates the result, as the kernel does.
 */
void vg_rule_overlay(struct vg_rule *base, const struct vg_rule *set,
		     uint32_t given);
void vg_peer_overlay(struct vg_peer *base, const struct vg_peer *set,
		     uint32_t given);

/* An ACQUIRE or SA_EXPIRE message of the "events" group. */
int vg_event_decode(struct nlmsghdr *nlh, struct vg_event *ev);

/* "vgate_garp": VGATE_GARP_A_GLOBAL and VGATE_GARP_A_IF nests. */
int vg_garp_cfg_put(struct nl_msg *m, const struct vg_garp_cfg *cfg);
int vg_garp_if_put(struct nl_msg *m, const struct vg_garp_if *ifc);
int vg_garp_cfg_get(struct nlattr *nest, struct vg_garp_cfg *cfg);
int vg_garp_if_get(struct nlattr *nest, struct vg_garp_if *ifc);

/*
 * "vgate_bwm": the IF nest (only IFNAME unless full: then ENABLED and the
 * shaper settings in .has), the CLASS nest, the FILTER nest (only ID
 * unless full).
 */
int vg_bwm_if_put(struct nl_msg *m, const struct vg_bwm_obj *b, int full);
int vg_bwm_class_put(struct nl_msg *m, const struct vg_bwm_obj *b);
int vg_bwm_filter_put(struct nl_msg *m, const struct vg_bwm_obj *b, int full);
/* A GET reply's top level attributes (IF, and CLASS or FILTER). */
int vg_bwm_item_get(struct nlattr **top, struct vg_bwm_item *x);

/*
 * Index a stream of attributes by type with their descriptions: tb[t]
 * (max + 1 entries) is the last attribute of type t or NULL.
 */
int vg_attrs_index(struct nlattr *head, int len, const struct vg_attr_desc *d,
		   int max, struct nlattr **tb);
int vg_nest_index(struct nlattr *nest, const struct vg_attr_desc *d, int max,
		  struct nlattr **tb);
/* The top level attributes of a generic netlink message of family f. */
int vg_genl_index(const struct vg_family_desc *f, struct nlmsghdr *nlh,
		  struct nlattr **tb);
/* A string attribute into out (truncated, always terminated). */
void vg_get_str(struct nlattr *a, char *out, size_t size);

#endif
