// SPDX-License-Identifier: GPL-2.0
/*
 * libvgate requests (requests.h): build with the codec, send on the
 * handle, decode the replies.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "codec.h"
#include "requests.h"

static int put_obj(struct nl_msg *m, enum vg_obj kind, const void *obj)
{
	switch (kind) {
	case VG_OBJ_SA:
		return vg_sa_put(m, obj);
	case VG_OBJ_RULE:
		return vg_rule_put(m, obj);
	case VG_OBJ_CONFIG:
		return vg_cfg_put(m, obj);
	case VG_OBJ_PEER:
		return vg_peer_put(m, obj);
	case VG_OBJ_FLOW:
		return vg_flow_put(m, obj);
	case VG_OBJ_ENCAP_SOCK:
		return vg_encap_sock_put(m, obj);
	case VG_OBJ_NONE:
		break;
	}
	return 0;
}

/* Send cmd with obj and collect the replies with fn. */
static int vgate_call(struct vg_handle *h, uint8_t cmd, enum vg_obj kind,
		      const void *obj, vg_reply_fn fn, void *arg)
{
	const struct vg_family_desc *f = &vg_family_vgate;
	struct nl_msg *m = vg_msg_new(f, cmd, NLM_F_ACK);

	if (!m || put_obj(m, kind, obj) < 0)
		return vg_build_failed(h, f, m);
	return vg_transact(h, f, m, fn, arg, NULL);
}

int vg_request(struct vg_handle *h, uint8_t cmd, enum vg_obj kind,
	       const void *obj)
{
	return vgate_call(h, cmd, kind, obj, NULL, NULL);
}

/*
 * Worst case size of one rule nest (IPv6 ranges, ports, peer name and a
 * full description): a rule is only added to a batch if this much room is
 * left.
 */
#define RULE_NEST_MAX 640

int vg_rule_batch(struct vg_handle *h, const struct vg_rule *const *rules,
		  size_t n, size_t *sent)
{
	const struct vg_family_desc *f = &vg_family_vgate;
	struct nl_msg *m;
	size_t k = 0;

	*sent = 0;
	if (!n)
		return 0;
	m = nlmsg_alloc_size(VG_BATCH_BYTES);
	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, NLM_F_ACK,
			       VGATE_CMD_RULE_NEW, f->version))
		return vg_build_failed(h, f, NULL);
	while (k < n && k < VG_BATCH_RULES &&
	       (!k || nlmsg_hdr(m)->nlmsg_len + RULE_NEST_MAX <= VG_BATCH_BYTES)) {
		if (vg_rule_put(m, rules[k]) < 0)
			return vg_build_failed(h, f, m);
		k++;
	}
	*sent = k;
	return vg_transact(h, f, m, NULL, NULL, NULL);
}

/* ---- single replies ---- */

/* The reply's nest of type attr decoded by get into the struct at arg. */
struct one {
	int attr;
	int (*get)(struct nlattr *nest, void *out);
	void *out;
	bool seen;
};

static int one_reply(struct nlattr **tb, void *arg)
{
	struct one *o = arg;

	if (!tb[o->attr] || o->seen)
		return 0;
	o->seen = true;
	return o->get(tb[o->attr], o->out);
}

#define ONE(a, fn, p) { .attr = (a), \
	.get = (int (*)(struct nlattr *, void *))(fn), .out = (p) }

int vg_stats_fetch(struct vg_handle *h, struct vg_stats *st)
{
	struct one o = ONE(VGATE_A_STATS, vg_stats_get, st);

	memset(st, 0, sizeof(*st));
	return vgate_call(h, VGATE_CMD_STATS_GET, VG_OBJ_NONE, NULL,
			  one_reply, &o);
}

int vg_config_fetch(struct vg_handle *h, struct vg_cfg *cfg)
{
	struct one o = ONE(VGATE_A_CONFIG, vg_cfg_get, cfg);

	memset(cfg, 0, sizeof(*cfg));
	return vgate_call(h, VGATE_CMD_CONFIG_GET, VG_OBJ_NONE, NULL,
			  one_reply, &o);
}

int vg_peer_fetch(struct vg_handle *h, const char *name, uint32_t id,
		  struct vg_peer *out)
{
	struct one o = ONE(VGATE_A_PEER, vg_peer_get, out);
	struct vg_peer key = { 0 };
	int r;

	if (name) {
		snprintf(key.name, sizeof(key.name), "%s", name);
		key.has = VG_PEER_NAME;
	} else {
		key.id = id;
		key.has = VG_PEER_ID;
	}
	memset(out, 0, sizeof(*out));
	r = vgate_call(h, VGATE_CMD_PEER_GET, VG_OBJ_PEER, &key, one_reply, &o);
	if (!r && !o.seen && !vg_is_dry_run(h))
		r = -ENOENT;
	return r;
}

int vg_sa_fetch(struct vg_handle *h, uint32_t spi, const struct vg_addr *dst,
		uint8_t proto, struct vg_sa *out)
{
	struct one o = ONE(VGATE_A_SA, vg_sa_get, out);
	struct vg_sa key = { .has = VG_SA_SPI | VG_SA_FAMILY | VG_SA_DST |
				    VG_SA_PROTO,
			     .spi = spi, .family = dst->family, .dst = *dst,
			     .proto = proto ? proto : IPPROTO_ESP };
	int r;

	memset(out, 0, sizeof(*out));
	r = vgate_call(h, VGATE_CMD_SA_GET, VG_OBJ_SA, &key, one_reply, &o);
	if (!r && !o.seen && !vg_is_dry_run(h))
		r = -ENOENT;
	return r;
}

int vg_rule_fetch(struct vg_handle *h, uint32_t id, struct vg_rule *out)
{
	struct one o = ONE(VGATE_A_RULE, vg_rule_get, out);
	struct vg_rule key = { .has = VG_RULE_ID, .id = id };
	int r;

	memset(out, 0, sizeof(*out));
	r = vgate_call(h, VGATE_CMD_RULE_GET, VG_OBJ_RULE, &key, one_reply, &o);
	if (!r && !o.seen && !vg_is_dry_run(h))
		r = -ENOENT;
	return r;
}

int vg_explain(struct vg_handle *h, const struct vg_flow *f,
	       struct vg_verdict *v)
{
	struct one o = ONE(VGATE_A_VERDICT, vg_verdict_get, v);

	memset(v, 0, sizeof(*v));
	return vgate_call(h, VGATE_CMD_EXPLAIN, VG_OBJ_FLOW, f, one_reply, &o);
}

int vg_encap_sock_fetch(struct vg_handle *h, struct vg_encap_sock *es)
{
	struct one o = ONE(VGATE_A_ENCAP_SOCK, vg_encap_sock_get, es);

	memset(es, 0, sizeof(*es));
	return vgate_call(h, VGATE_CMD_ENCAP_SOCK_GET, VG_OBJ_NONE, NULL,
			  one_reply, &o);
}

/* ---- dumps ---- */

static const struct dump_desc {
	const struct vg_family_desc *f;
	uint8_t cmd;
	int attr;		/* the nest each reply carries */
	size_t size;
} dumps[] = {
	[VG_DUMP_SAS] = { &vg_family_vgate, VGATE_CMD_SA_GET, VGATE_A_SA,
			  sizeof(struct vg_sa) },
	[VG_DUMP_RULES] = { &vg_family_vgate, VGATE_CMD_RULE_GET,
			    VGATE_A_RULE, sizeof(struct vg_rule) },
	[VG_DUMP_PEERS] = { &vg_family_vgate, VGATE_CMD_PEER_GET,
			    VGATE_A_PEER, sizeof(struct vg_peer) },
	[VG_DUMP_GARP_IFS] = { &vg_family_garp, VGATE_GARP_CMD_IF_GET,
			       VGATE_GARP_A_IF, sizeof(struct vg_garp_if) },
	[VG_DUMP_BWM_IFS] = { &vg_family_bwm, VGATE_BWM_CMD_IF_GET,
			      VGATE_BWM_A_IF, sizeof(struct vg_bwm_item) },
	[VG_DUMP_BWM_CLASSES] = { &vg_family_bwm, VGATE_BWM_CMD_CLASS_GET,
				  VGATE_BWM_A_IF, sizeof(struct vg_bwm_item) },
	[VG_DUMP_BWM_FILTERS] = { &vg_family_bwm, VGATE_BWM_CMD_FILTER_GET,
				  VGATE_BWM_A_IF, sizeof(struct vg_bwm_item) },
};

size_t vg_dump_obj_size(enum vg_dump_kind kind)
{
	return dumps[kind].size;
}

static int decode(enum vg_dump_kind kind, struct nlattr **tb, void *obj)
{
	struct nlattr *a = tb[dumps[kind].attr];

	switch (kind) {
	case VG_DUMP_SAS:
		return vg_sa_get(a, obj);
	case VG_DUMP_RULES:
		return vg_rule_get(a, obj);
	case VG_DUMP_PEERS:
		return vg_peer_get(a, obj);
	case VG_DUMP_GARP_IFS:
		return vg_garp_if_get(a, obj);
	default:
		return vg_bwm_item_get(tb, obj);
	}
}

int vg_objs_dump_start(struct vg_handle *h, struct vg_dump *d,
		       enum vg_dump_kind kind, const char *ifname)
{
	const struct dump_desc *dd = &dumps[kind];
	struct nl_msg *m = vg_msg_new(dd->f, dd->cmd, NLM_F_DUMP);

	if (m && ifname && *ifname && dd->f == &vg_family_bwm) {
		struct vg_bwm_obj key = { 0 };

		snprintf(key.ifname, sizeof(key.ifname), "%s", ifname);
		if (vg_bwm_if_put(m, &key, 0) < 0) {
			memset(d, 0, sizeof(*d));
			return vg_build_failed(h, dd->f, m);
		}
	}
	if (!m) {
		memset(d, 0, sizeof(*d));
		return vg_build_failed(h, dd->f, NULL);
	}
	return vg_dump_start(h, d, dd->f, m);
}

int vg_objs_dump_next(struct vg_dump *d, enum vg_dump_kind kind, void *obj)
{
	struct nlattr **tb;
	int r;

	/* Replies without the object's nest are skipped. */
	while ((r = vg_dump_next(d, &tb)) == 1 && !tb[dumps[kind].attr])
		;
	if (r != 1)
		return r;
	if (decode(kind, tb, obj)) {
		d->done = true;
		return -EPROTO;
	}
	return 1;
}

int vg_objs_dump_all(struct vg_handle *h, enum vg_dump_kind kind,
		     const char *ifname, void **v, size_t *n)
{
	size_t size = dumps[kind].size, cap = 0, cnt = 0;
	struct vg_dump d;
	char *arr = NULL;
	int r;

	r = vg_objs_dump_start(h, &d, kind, ifname);
	while (!r || r == 1 || r == VG_DUMP_RESTART) {
		if (r == VG_DUMP_RESTART)
			cnt = 0;
		if (cnt == cap) {
			char *p = realloc(arr, (cap ? cap * 2 : 16) * size);

			if (!p) {
				r = -ENOMEM;
				break;
			}
			arr = p;
			cap = cap ? cap * 2 : 16;
		}
		r = vg_objs_dump_next(&d, kind, arr + cnt * size);
		if (r == 1)
			cnt++;
		else if (!r)
			break;
	}
	vg_dump_end(&d);
	if (r) {
		free(arr);
		return r;
	}
	*v = arr;
	*n = cnt;
	return 0;
}

int vg_family_request(struct vg_handle *h, const struct vg_family_desc *f,
		      uint8_t cmd)
{
	struct nl_msg *m = vg_msg_new(f, cmd, NLM_F_ACK);

	if (!m)
		return vg_build_failed(h, f, m);
	return vg_transact(h, f, m, NULL, NULL, NULL);
}

/* ---- "vgate_garp" ---- */

static int garp_call(struct vg_handle *h, uint8_t cmd,
		     const struct vg_garp_cfg *cfg, const struct vg_garp_if *ifc,
		     vg_reply_fn fn, void *arg)
{
	const struct vg_family_desc *f = &vg_family_garp;
	struct nl_msg *m = vg_msg_new(f, cmd, NLM_F_ACK);

	if (!m || (cfg && vg_garp_cfg_put(m, cfg) < 0) ||
	    (ifc && vg_garp_if_put(m, ifc) < 0))
		return vg_build_failed(h, f, m);
	return vg_transact(h, f, m, fn, arg, NULL);
}

int vg_garp_set_global(struct vg_handle *h, const struct vg_garp_cfg *cfg)
{
	return garp_call(h, VGATE_GARP_CMD_SET, cfg, NULL, NULL, NULL);
}

int vg_garp_set_if(struct vg_handle *h, const struct vg_garp_if *ifc)
{
	return garp_call(h, VGATE_GARP_CMD_SET, NULL, ifc, NULL, NULL);
}

int vg_garp_fetch_global(struct vg_handle *h, struct vg_garp_cfg *cfg)
{
	struct one o = ONE(VGATE_GARP_A_GLOBAL, vg_garp_cfg_get, cfg);

	memset(cfg, 0, sizeof(*cfg));
	return garp_call(h, VGATE_GARP_CMD_GET, NULL, NULL, one_reply, &o);
}

int vg_garp_fetch_if(struct vg_handle *h, const char *ifname,
		     struct vg_garp_if *out)
{
	struct one o = ONE(VGATE_GARP_A_IF, vg_garp_if_get, out);
	struct vg_garp_if key = { .has = VG_GARP_IFNAME };
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(key.ifname, sizeof(key.ifname), "%s", ifname);
	r = garp_call(h, VGATE_GARP_CMD_IF_GET, NULL, &key, one_reply, &o);
	if (!r && !o.seen && !vg_is_dry_run(h))
		r = -ENOENT;
	return r;
}

/* ---- "vgate_bwm" ---- */

int vg_bwm_request(struct vg_handle *h, uint8_t cmd,
		   const struct vg_bwm_obj *b)
{
	const struct vg_family_desc *f = &vg_family_bwm;
	struct nl_msg *m = vg_msg_new(f, cmd, NLM_F_ACK);
	int r = m ? 0 : -ENOMEM;

	switch (cmd) {
	case VGATE_BWM_CMD_IF_SET:
		r = r ? r : vg_bwm_if_put(m, b, 1);
		break;
	case VGATE_BWM_CMD_CLASS_NEW:
	case VGATE_BWM_CMD_CLASS_SET:
	case VGATE_BWM_CMD_CLASS_DEL:
		r = r ? r : vg_bwm_if_put(m, b, 0);
		r = r ? r : vg_bwm_class_put(m, b);
		break;
	default:
		r = r ? r : vg_bwm_if_put(m, b, 0);
		r = r ? r : vg_bwm_filter_put(m, b,
					      cmd == VGATE_BWM_CMD_FILTER_NEW);
	}
	if (r < 0)
		return vg_build_failed(h, f, m);
	return vg_transact(h, f, m, NULL, NULL, NULL);
}

static int bwm_item_reply(struct nlattr **tb, void *arg)
{
	struct one *o = arg;

	if (!tb[VGATE_BWM_A_IF] || o->seen)
		return 0;
	o->seen = true;
	return vg_bwm_item_get(tb, o->out);
}

int vg_bwm_fetch_if(struct vg_handle *h, const char *ifname,
		    struct vg_bwm_item *out)
{
	const struct vg_family_desc *f = &vg_family_bwm;
	struct nl_msg *m = vg_msg_new(f, VGATE_BWM_CMD_IF_GET, NLM_F_ACK);
	struct vg_bwm_obj key = { 0 };
	struct one o = { .out = out };
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(key.ifname, sizeof(key.ifname), "%s", ifname);
	if (!m || vg_bwm_if_put(m, &key, 0) < 0)
		return vg_build_failed(h, f, m);
	r = vg_transact(h, f, m, bwm_item_reply, &o, NULL);
	if (!r && !o.seen && !vg_is_dry_run(h))
		r = -ENOENT;
	return r;
}
