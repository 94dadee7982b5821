// SPDX-License-Identifier: GPL-2.0
/*
 * The handle without a kernel: extack decoding from built NLMSG_ERROR and
 * NLMSG_DONE messages, and the dry-run hook (no socket, empty dumps).
 */
#include <string.h>

#include <netlink/genl/genl.h>

#include "codec.h"
#include "handle.h"
#include "requests.h"
#include "msgbuild.h"
#include "tap.h"

#ifndef NLMSGERR_ATTR_MISS_TYPE
#define NLMSGERR_ATTR_MISS_TYPE 5
#define NLMSGERR_ATTR_MISS_NEST 6
#endif

/* An NLMSG_ERROR answering req: error, req echoed, TLVs. */
static struct nl_msg *error_for(struct nl_msg *req, int error, const char *msg,
				int offs, int miss)
{
	struct nlmsghdr *r = nlmsg_hdr(req);
	struct nl_msg *m = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_ACK_TLVS);
	struct nlmsgerr e = { .error = error, .msg = *r };
	void *p = nlmsg_reserve(m, sizeof(e) + r->nlmsg_len - NLMSG_HDRLEN,
				NLMSG_ALIGNTO);

	memcpy(p, &e, sizeof(e));
	memcpy((char *)p + sizeof(e), nlmsg_data(r), r->nlmsg_len - NLMSG_HDRLEN);
	if (msg)
		nla_put_string(m, NLMSGERR_ATTR_MSG, msg);
	if (offs >= 0)
		nla_put_u32(m, NLMSGERR_ATTR_OFFS, offs);
	if (miss) {
		nla_put_u32(m, NLMSGERR_ATTR_MISS_TYPE, miss);
		nla_put_u32(m, NLMSGERR_ATTR_MISS_NEST, VGATE_A_SA);
	}
	return m;
}

static int hook_calls;
static int hook_cmd;

static void hook(const struct vg_family_desc *f, struct nlmsghdr *nlh, void *a)
{
	(void)f;
	(void)a;
	hook_calls++;
	hook_cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
}

int main(void)
{
	struct nl_msg *req = tmsg(&vg_family_vgate, VGATE_CMD_SA_NEW), *m;
	struct vg_sa sa = { .has = VG_SA_SPI | VG_SA_DST, .spi = 1 };
	struct vg_error e;
	struct nlattr *spi, *nest;
	struct vg_handle *h;
	struct vg_sa *sas = NULL;
	size_t n = 99;
	int offs;

	sa.dst.len = 4;
	vg_sa_put(req, &sa);
	nest = tnest(req, VGATE_A_SA);
	spi = nla_find(nla_data(nest), nla_len(nest), VGATE_SA_A_SPI);
	offs = (char *)spi - (char *)nlmsg_hdr(req);

	m = error_for(req, -22, "SPI 1 is reserved", offs, 0);
	CHECK(vg_extack_decode(nlmsg_hdr(m), &vg_family_vgate, nlmsg_hdr(req),
			       &e) == -22, "extack: the error code");
	CHECK(!strcmp(e.msg, "SPI 1 is reserved"), "extack: the message");
	CHECK(e.offset == offs && !strcmp(e.attr, "SA.SPI"),
	      "extack: the offset names SA.SPI (%s)", e.attr);
	nlmsg_free(m);

	m = error_for(req, -22, NULL, -1, VGATE_SA_A_DST);
	vg_extack_decode(nlmsg_hdr(m), &vg_family_vgate, nlmsg_hdr(req), &e);
	CHECK(e.miss_type == VGATE_SA_A_DST && e.miss_nest == VGATE_A_SA &&
	      !e.msg[0] && e.offset == -1, "extack: missing attribute and nest");
	nlmsg_free(m);

	m = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_ACK_TLVS);
	{
		int err = -16;

		nlmsg_append(m, &err, sizeof(err), NLMSG_ALIGNTO);
	}
	nla_put_string(m, NLMSGERR_ATTR_MSG, "busy");
	CHECK(vg_extack_decode(nlmsg_hdr(m), &vg_family_vgate, NULL, &e) == -16 &&
	      !strcmp(e.msg, "busy"), "extack: an NLMSG_DONE carrying an error");
	nlmsg_free(m);

	m = error_for(req, 0, NULL, -1, 0);
	CHECK(vg_extack_decode(nlmsg_hdr(m), &vg_family_vgate, nlmsg_hdr(req),
			       &e) == 0, "extack: an ack is 0");
	nlmsg_free(m);
	nlmsg_free(req);

	h = vg_open();
	vg_set_dry_run(h, hook, NULL);
	CHECK(vg_sa_new(h, &sa) == 0 && hook_calls == 1 &&
	      hook_cmd == VGATE_CMD_SA_NEW, "dry run: the request goes to the hook");
	CHECK(vg_objs_dump_all(h, VG_DUMP_SAS, NULL, (void **)&sas, &n) == 0 &&
	      n == 0 && hook_calls == 2, "dry run: a dump is empty");
	CHECK(vg_family_present(h, &vg_family_bwm) == 1,
	      "dry run: every family is present");
	CHECK(vg_txn_begin(h) == 0 && hook_cmd == VGATE_CMD_TXN_BEGIN,
	      "dry run: TXN_BEGIN");
	free(sas);
	vg_close(h);
	return tap_done();
}
