// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's glue to libvgate: one handle for the run, the --dry-run hook
 * that prints each request, and the CLI's wording of every error the
 * library reports.  No netlink conversation of its own.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "nl.h"

bool vg_dry_run;

static struct vg_handle *handle;
/* vg_nl_fake_kernel(): the answers from here, no socket; NULL in vgate. */
static vg_recv_fn fake_recv;
static void *fake_arg;
static vg_dry_run_fn fake_tap;
static void *fake_tap_arg;

/* ---- dry-run printing ---- */

static void print_attrs(struct nlattr *head, int len, const struct vg_attr_desc *d,
			int max, int depth)
{
	struct nlattr *a;
	char buf[64];
	int rem, t, want;

	nla_for_each_attr(a, head, len, rem) {
		const struct vg_attr_desc *ad;

		t = nla_type(a);
		ad = t > 0 && t <= max && d ? &d[t] : NULL;
		printf("%*s%s", depth * 2, "", ad && ad->name ? ad->name : "?");
		if (!ad || !ad->name) {
			printf(" type %d <%d bytes>\n", t, nla_len(a));
			continue;
		}
		want = vg_attr_type_len(ad->type);
		if (want && nla_len(a) != want) {
			printf(" <bad length %d>\n", nla_len(a));
			continue;
		}
		switch (ad->type) {
		case VG_AT_U8:
			printf(" u8 %u\n", nla_get_u8(a));
			break;
		case VG_AT_U16:
			printf(" u16 %u\n", nla_get_u16(a));
			break;
		case VG_AT_U32:
			printf(" u32 %u\n", nla_get_u32(a));
			break;
		case VG_AT_U64:
			printf(" u64 %" PRIu64 "\n", (uint64_t)nla_get_u64(a));
			break;
		case VG_AT_ADDR: {
			struct vg_addr ad4 = { 0 };

			ad4.family = nla_len(a) == 16 ? AF_INET6 : AF_INET;
			ad4.len = nla_len(a) <= VG_ADDR_MAX ? nla_len(a) : 0;
			memcpy(ad4.a, nla_data(a), ad4.len);
			printf(" addr %s\n", fmt_addr(&ad4, buf, sizeof(buf)));
			break;
		}
		case VG_AT_KEY:
			printf(" <%d bytes>\n", nla_len(a));
			break;
		case VG_AT_STR:
			printf(" str \"%.*s\"\n", (int)strnlen(nla_data(a),
						       nla_len(a)),
			       (const char *)nla_data(a));
			break;
		case VG_AT_NEST:
			printf(" nest\n");
			print_attrs(nla_data(a), nla_len(a), ad->nest,
				    ad->nest_max, depth + 1);
			break;
		default:
			printf(" <%d bytes>\n", nla_len(a));
		}
	}
}

static void print_request(const struct vg_family_desc *f,
			  struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlh);

	(void)arg;
	printf("%s%s\n", vg_family_cmd(f, g->cmd),
	       nlh->nlmsg_flags & NLM_F_DUMP ? " dump" : "");
	print_attrs(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), f->top,
		    f->top_max, 1);
	fflush(stdout);
}


static struct vg_handle *h(void)
{
	if (!handle) {
		handle = vg_open();
		if (!handle) {
			vg_err("out of memory");
			exit(1);
		}
		if (vg_dry_run)
			vg_set_dry_run(handle, print_request, NULL);
		if (fake_recv)
			vg_set_recv_hook(handle, fake_recv, fake_arg);
		if (fake_recv && fake_tap)
			vg_set_recv_tap(handle, fake_tap, fake_tap_arg);
	}
	return handle;
}

void vg_nl_close(void)
{
	vg_close(handle);
	handle = NULL;
}

void vg_nl_fake_kernel(vg_recv_fn recv, void *arg)
{
	vg_nl_close();
	fake_recv = recv;
	fake_arg = arg;
}

void vg_nl_fake_tap(vg_dry_run_fn tap, void *arg)
{
	vg_nl_close();
	fake_tap = tap;
	fake_tap_arg = arg;
}

const char *vg_cmd_name(int cmd)
{
	return vg_family_cmd(&vg_family_vgate, cmd);
}

/* ---- errors ---- */

static const char *missing(const struct vg_family_desc *f)
{
	if (f == &vg_family_garp)
		return "gratuitous-ARP policy module not loaded (modprobe vgate_garp)";
	if (f == &vg_family_bwm)
		return "bandwidth manager module not loaded (modprobe vgate_bwm)";
	return "kernel module not loaded (generic netlink family "
	       VGATE_GENL_NAME " not found)";
}

/* The generic message for a kernel error. */
static void report_kernel(const struct vg_error *e, const char *cmd)
{
	char where[120] = "";

	if (e->attr[0])
		snprintf(where, sizeof(where), " (attribute %s)", e->attr);
	if (e->err == -EPERM && !e->msg[0])
		vg_err("%s: %s (CAP_NET_ADMIN required)", cmd, strerror(-e->err));
	else if (e->msg[0])
		vg_err("%s: %s: %s%s", cmd, e->msg, strerror(-e->err), where);
	else
		vg_err("%s: %s%s", cmd, strerror(-e->err), where);
}

/*
 * Print the CLI's message for the error of the last call (r < 0) and
 * return r.  kernel_msg, when set, words a kernel error itself and
 * returns true (the families' clearer messages).
 */
static int report(int r, bool (*kernel_msg)(const struct vg_error *e,
					    const void *arg),
		  const void *arg)
{
	const struct vg_error *e = vg_error(h());
	const char *cmd = vg_family_cmd(e->family ? e->family : &vg_family_vgate,
					e->cmd);
	char what[96];

	if (r >= 0)
		return r;
	switch (e->kind) {
	case VG_ERR_KERNEL:
		if (!kernel_msg || !kernel_msg(e, arg))
			report_kernel(e, cmd);
		break;
	case VG_ERR_OPEN:
		vg_err("cannot open generic netlink socket: %s", vg_error_sys(e));
		break;
	case VG_ERR_RESOLVE:
		snprintf(what, sizeof(what),
			 "cannot resolve generic netlink family %s",
			 e->family->name);
		vg_err("%s: %s", what, vg_error_sys(e));
		break;
	case VG_ERR_NOFAMILY:
		vg_err("%s", missing(e->family));
		break;
	case VG_ERR_IO:
		vg_err("%s: %s", cmd, vg_error_sys(e));
		break;
	case VG_ERR_BUILD:
		vg_err("cannot build the netlink request");
		break;
	case VG_ERR_REPLY:
		vg_err("%s: cannot understand the kernel's reply", cmd);
		break;
	case VG_ERR_DUMP_INTR:
		if (e->family == &vg_family_garp)
			vg_err("%s: the interfaces kept changing during %d dumps, giving up",
			       cmd, VG_DUMP_TRIES);
		else
			vg_err("%s: the table kept changing during %d dumps, giving up",
			       cmd, VG_DUMP_TRIES);
		break;
	case VG_ERR_NONE:
		break;
	}
	return r;
}

/* ---- "vgate" ---- */

int vg_nl_do(const struct vg_req *req)
{
	struct vg_encap_sock es = { 0 };
	const void *obj = NULL;

	switch (req->obj) {
	case VG_OBJ_SA:
		obj = &req->sa;
		break;
	case VG_OBJ_RULE:
		obj = &req->rule;
		break;
	case VG_OBJ_CONFIG:
		obj = &req->cfg;
		break;
	case VG_OBJ_PEER:
		obj = &req->peer;
		break;
	case VG_OBJ_FLOW:
		obj = &req->flow;
		break;
	case VG_OBJ_ENCAP_SOCK:
		es.port = req->natt_port;
		es.has = es.port ? VG_ENCAP_SOCK_PORT : 0;
		obj = &es;
		break;
	case VG_OBJ_NONE:
		break;
	}
	return report(vg_request(h(), req->cmd, req->obj, obj), NULL, NULL);
}

int cli_family_txn(const struct vg_family_desc *f, uint8_t cmd)
{
	return report(vg_family_request(h(), f, cmd), NULL, NULL);
}

int vg_nl_rule_batch(const struct vg_rule *const *rules, size_t n,
		     size_t *sent)
{
	return report(vg_rule_batch(h(), rules, n, sent), NULL, NULL);
}

static int dump_all(enum vg_dump_kind kind, const char *ifname, void *v,
		    size_t *n)
{
	*(void **)v = NULL;
	*n = 0;
	return report(vg_objs_dump_all(h(), kind, ifname, v, n), NULL, NULL);
}

int vg_nl_dump_sas(struct vg_sa **sas, size_t *n)
{
	return dump_all(VG_DUMP_SAS, NULL, sas, n);
}

int vg_nl_dump_rules(struct vg_rule **rules, size_t *n)
{
	return dump_all(VG_DUMP_RULES, NULL, rules, n);
}

int vg_nl_dump_peers(struct vg_peer **peers, size_t *n)
{
	return dump_all(VG_DUMP_PEERS, NULL, peers, n);
}

int vg_nl_get_stats(struct vg_stats *st)
{
	return report(vg_stats_fetch(h(), st), NULL, NULL);
}

int vg_nl_get_config(struct vg_cfg *cfg)
{
	return report(vg_config_fetch(h(), cfg), NULL, NULL);
}

int vg_nl_get_peer(const char *name, uint32_t id, struct vg_peer *out)
{
	int r = vg_peer_fetch(h(), name, id, out);

	/* No reply at all: the caller words "no such peer". */
	if (r == -ENOENT && vg_error(h())->kind == VG_ERR_NONE)
		return r;
	return report(r, NULL, NULL);
}

int vg_nl_get_rule(uint32_t id, struct vg_rule *out)
{
	int r = vg_rule_fetch(h(), id, out);
	const struct vg_error *e = vg_error(h());

	/* No such rule: the caller words it. */
	if (r == -ENOENT && (e->kind == VG_ERR_NONE ||
			     e->kind == VG_ERR_KERNEL))
		return r;
	return report(r, NULL, NULL);
}

int vg_nl_explain(const struct vg_req *req, struct vg_verdict *v)
{
	return report(vg_explain(h(), &req->flow, v), NULL, NULL);
}

int vg_nl_get_encap_sock(uint16_t *port, uint8_t *owner)
{
	struct vg_encap_sock es;
	int r = vg_encap_sock_fetch(h(), &es);

	*port = es.port;
	*owner = es.owner;
	return report(r, NULL, NULL);
}

/* ---- "vgate_garp" ---- */

static bool garp_msg(const struct vg_error *e, const void *ifname)
{
	if (!ifname)
		return false;
	if (e->err == -ENODEV) {
		vg_err("unknown interface \"%s\" (no such device in this network namespace)",
		       (const char *)ifname);
		return true;
	}
	if (e->err == -EOPNOTSUPP) {
		vg_err("interface \"%s\" is not an Ethernet interface (the gratuitous-ARP policy applies to Ethernet interfaces only)",
		       (const char *)ifname);
		return true;
	}
	return false;
}

int cli_garp_set_global(const struct vg_garp_cfg *cfg)
{
	return report(vg_garp_set_global(h(), cfg), NULL, NULL);
}

int cli_garp_set_if(const struct vg_garp_if *ifc)
{
	return report(vg_garp_set_if(h(), ifc), garp_msg, ifc->ifname);
}

int cli_garp_get_global(struct vg_garp_cfg *cfg)
{
	return report(vg_garp_fetch_global(h(), cfg), NULL, NULL);
}

int cli_garp_get_if(const char *ifname, struct vg_garp_if *out)
{
	int r = vg_garp_fetch_if(h(), ifname, out);

	if (r == -ENOENT && vg_error(h())->kind == VG_ERR_NONE) {
		vg_err("GARP_IF_GET: the kernel's reply names no interface");
		return -EPROTO;
	}
	return report(r, garp_msg, ifname);
}

int cli_garp_dump_ifs(struct vg_garp_if **ifs, size_t *n)
{
	return dump_all(VG_DUMP_GARP_IFS, NULL, ifs, n);
}

static int present(const struct vg_family_desc *f)
{
	int r = vg_family_present(h(), f);

	return r < 0 ? report(r, NULL, NULL) : r;
}

int cli_garp_present(void)
{
	return present(&vg_family_garp);
}

/* ---- "vgate_bwm" ---- */

static bool bwm_msg(const struct vg_error *e, const void *what)
{
	if (!what)
		return false;
	if (e->msg[0])
		vg_err("bm %s: %s", (const char *)what, e->msg);
	else
		vg_err("bm %s: %s", (const char *)what, strerror(-e->err));
	return true;
}

int cli_bwm_request(uint8_t cmd, const struct vg_bwm_obj *b, const char *what)
{
	return report(vg_bwm_request(h(), cmd, b), bwm_msg, what);
}

int cli_bwm_flush(void)
{
	return report(vg_bwm_flush(h()), bwm_msg, "flush");
}

int cli_bwm_fetch(uint8_t cmd, const char *ifname, bool dump,
		  struct vg_bwm_item **v, size_t *n, const char *what)
{
	enum vg_dump_kind kind = cmd == VGATE_BWM_CMD_CLASS_GET ?
				 VG_DUMP_BWM_CLASSES :
				 cmd == VGATE_BWM_CMD_FILTER_GET ?
				 VG_DUMP_BWM_FILTERS : VG_DUMP_BWM_IFS;
	int r;

	*v = NULL;
	*n = 0;
	if (dump)
		return report(vg_objs_dump_all(h(), kind, ifname, (void **)v, n),
			      bwm_msg, what);
	*v = malloc(sizeof(**v));
	if (!*v) {
		vg_err("out of memory");
		return -ENOMEM;
	}
	r = vg_bwm_fetch_if(h(), ifname, *v);
	if (!r)
		*n = 1;
	else if (r == -ENOENT && vg_error(h())->kind == VG_ERR_NONE)
		r = 0;
	return report(r, bwm_msg, what);
}

int cli_bwm_present(void)
{
	return present(&vg_family_bwm);
}
