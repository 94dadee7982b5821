// SPDX-License-Identifier: GPL-2.0
/*
 * The handle without a kernel: extack decoding from built NLMSG_ERROR and
 * NLMSG_DONE messages, errors no kernel sends, the dry-run hook (no
 * socket, empty dumps) and the receive hook (answers from memory).
 */
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
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

static const struct vg_family_desc *hook_family;

static void hook(const struct vg_family_desc *f, struct nlmsghdr *nlh, void *a)
{
	(void)a;
	hook_family = f;
	hook_calls++;
	hook_cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
}

/* A bare NLMSG_ERROR (no request echoed) or NLMSG_DONE carrying err. */
static struct nl_msg *bare(int type, int err)
{
	struct nl_msg *m = nlmsg_alloc_simple(type, 0);

	if (type == NLMSG_ERROR) {
		struct nlmsgerr e = { .error = err };

		nlmsg_hdr(m)->nlmsg_flags |= NLM_F_CAPPED;
		nlmsg_append(m, &e, sizeof(e), NLMSG_ALIGNTO);
	} else {
		nlmsg_append(m, &err, sizeof(err), NLMSG_ALIGNTO);
	}
	return m;
}

static struct nl_msg *sa_reply(uint32_t spi)
{
	struct nl_msg *m = tmsg(&vg_family_vgate, VGATE_CMD_SA_GET);
	struct vg_sa s = { .has = VG_SA_SPI, .spi = spi };

	vg_sa_put(m, &s);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_MULTI;
	return m;
}

static void errno_checks(void)
{
	static const struct { int type, err, want; const char *what; } c[] = {
		{ NLMSG_ERROR, INT_MIN, -EPROTO, "NLMSG_ERROR INT_MIN" },
		{ NLMSG_ERROR, -4096, -EPROTO, "NLMSG_ERROR -4096" },
		{ NLMSG_ERROR, 1, -EPROTO, "NLMSG_ERROR 1" },
		{ NLMSG_ERROR, INT_MAX, -EPROTO, "NLMSG_ERROR INT_MAX" },
		{ NLMSG_ERROR, -4095, -4095, "NLMSG_ERROR -4095 (kept)" },
		{ NLMSG_ERROR, -1, -1, "NLMSG_ERROR -1 (kept)" },
		{ NLMSG_DONE, INT_MIN, -EPROTO, "NLMSG_DONE INT_MIN" },
		{ NLMSG_DONE, -5000, -EPROTO, "NLMSG_DONE -5000" },
		{ NLMSG_DONE, 7, 0, "NLMSG_DONE 7 (the end of a dump)" },
	};
	struct vg_error e;
	struct nl_msg *m;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		m = bare(c[i].type, c[i].err);
		CHECK(vg_extack_decode(nlmsg_hdr(m), &vg_family_vgate, NULL,
				       &e) == c[i].want,
		      "kernel errno: %s is %d", c[i].what, c[i].want);
		nlmsg_free(m);
	}
}

/*
 * An NLMSG_ERROR whose echoed request claims echo_len bytes, then a
 * message TLV: the TLVs are read only where the echo leaves them.
 */
static void echo_check(uint32_t echo_len, const char *want, const char *what)
{
	struct nl_msg *m = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_ACK_TLVS);
	struct nlmsgerr e = { .error = -22 };
	struct vg_error ve;
	int r;

	e.msg.nlmsg_len = echo_len;
	nlmsg_append(m, &e, sizeof(e), NLMSG_ALIGNTO);
	nla_put_string(m, NLMSGERR_ATTR_MSG, "bad");
	r = vg_extack_decode(nlmsg_hdr(m), &vg_family_vgate, NULL, &ve);
	CHECK(r == -22 && !strcmp(ve.msg, want), "extack: %s (\"%s\")", what,
	      ve.msg);
	nlmsg_free(m);
}

static void recv_hook_checks(void)
{
	struct vg_sa sa = { .has = VG_SA_SPI | VG_SA_DST, .spi = 0x1000 };
	struct vg_sa *sas = NULL;
	struct vg_handle *h = vg_open();
	size_t n = 0;
	int r;

	sa.dst.len = 4;
	vg_set_recv_hook(h, tq_recv, NULL);
	CHECK(vg_family_present(h, &vg_family_garp) == 1,
	      "recv hook: a family is present without a socket");

	hook_calls = 0;
	vg_set_recv_tap(h, hook, NULL);
	tq_push(bare(NLMSG_ERROR, 0), 1);
	CHECK(vg_sa_new(h, &sa) == 0 && tq_taken() == 1,
	      "recv hook: request 1 acknowledged from the hook");
	CHECK(hook_calls == 1 && hook_cmd == VGATE_CMD_SA_NEW &&
	      hook_family == &vg_family_vgate,
	      "recv tap: the request is handed to the tap");
	vg_set_recv_tap(h, NULL, NULL);

	tq_push(bare(NLMSG_ERROR, 0), 1);		/* stale: request 1's */
	tq_push(bare(NLMSG_ERROR, INT_MIN), 2);
	r = vg_sa_new(h, &sa);
	CHECK(r == -EPROTO && vg_error(h)->kind == VG_ERR_KERNEL &&
	      vg_error(h)->err == -EPROTO && tq_taken() == 3,
	      "recv hook: an answer of another sequence number is skipped, error INT_MIN is -EPROTO (%d)",
	      r);

	tq_push(sa_reply(0x1000), 3);
	tq_push(sa_reply(0x2000), 3);
	tq_push(bare(NLMSG_DONE, 0), 3);
	r = vg_objs_dump_all(h, VG_DUMP_SAS, NULL, (void **)&sas, &n);
	CHECK(r == 0 && n == 2 && sas[0].spi == 0x1000 && sas[1].spi == 0x2000,
	      "recv hook: a dump of two SAs through the codec");
	free(sas);

	r = vg_sa_new(h, &sa);
	CHECK(r < 0 && vg_error(h)->kind == VG_ERR_IO,
	      "recv hook: no datagram left is a failed read");
	vg_close(h);
}

/* The request vg_sa_fetch() sends, decoded by the tap. */
static struct vg_sa fetch_req;
static int fetch_cmd;

static void fetch_tap(const struct vg_family_desc *f, struct nlmsghdr *nlh,
		      void *a)
{
	struct nlattr *tb[VGATE_A_MAX + 1];

	(void)f;
	(void)a;
	fetch_cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	memset(&fetch_req, 0, sizeof(fetch_req));
	if (!genlmsg_parse(nlh, 0, tb, VGATE_A_MAX, NULL) && tb[VGATE_A_SA])
		vg_sa_get(tb[VGATE_A_SA], &fetch_req);
}

static void sa_fetch_checks(void)
{
	struct vg_addr dst = { .family = AF_INET, .len = 4,
			       .a = { 192, 0, 2, 1 } };
	struct vg_handle *h = vg_open();
	struct vg_sa out;
	int r;

	vg_set_recv_hook(h, tq_recv, NULL);
	vg_set_recv_tap(h, fetch_tap, NULL);
	tq_push(sa_reply(0x1234), 1);
	tq_push(bare(NLMSG_ERROR, 0), 1);
	r = vg_sa_fetch(h, 0x1234, &dst, 0, &out);
	CHECK(r == 0 && out.spi == 0x1234 && (out.has & VG_SA_SPI),
	      "vg_sa_fetch: the reply decoded (%d)", r);
	CHECK(fetch_cmd == VGATE_CMD_SA_GET &&
	      fetch_req.has == (VG_SA_SPI | VG_SA_FAMILY | VG_SA_DST |
				VG_SA_PROTO) &&
	      fetch_req.spi == 0x1234 && fetch_req.family == AF_INET &&
	      fetch_req.proto == IPPROTO_ESP && fetch_req.dst.len == 4 &&
	      !memcmp(fetch_req.dst.a, dst.a, 4),
	      "vg_sa_fetch: SA_GET carries SPI, FAMILY, DST and PROTO ESP (proto 0)");
	tq_push(bare(NLMSG_ERROR, -ENOENT), 2);
	r = vg_sa_fetch(h, 0x1235, &dst, IPPROTO_ESP, &out);
	CHECK(r == -ENOENT && !out.has, "vg_sa_fetch: no such SA is -ENOENT (%d)",
	      r);
	tq_push(bare(NLMSG_ERROR, 0), 3);
	r = vg_sa_fetch(h, 0x1236, &dst, IPPROTO_ESP, &out);
	CHECK(r == -ENOENT, "vg_sa_fetch: an ack without a reply is -ENOENT (%d)",
	      r);
	tq_reset();
	vg_close(h);
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
	CHECK(vg_txn_begin(h) == 0 && hook_cmd == VGATE_CMD_TXN_BEGIN &&
	      hook_family == &vg_family_vgate, "dry run: TXN_BEGIN");
	CHECK(vg_garp_txn_begin(h) == 0 && hook_family == &vg_family_garp &&
	      hook_cmd == VGATE_GARP_CMD_TXN_BEGIN, "dry run: garp TXN_BEGIN");
	CHECK(vg_garp_txn_commit(h) == 0 && hook_family == &vg_family_garp &&
	      hook_cmd == VGATE_GARP_CMD_TXN_COMMIT, "dry run: garp TXN_COMMIT");
	CHECK(vg_garp_txn_abort(h) == 0 && hook_family == &vg_family_garp &&
	      hook_cmd == VGATE_GARP_CMD_TXN_ABORT, "dry run: garp TXN_ABORT");
	CHECK(vg_bwm_txn_begin(h) == 0 && hook_family == &vg_family_bwm &&
	      hook_cmd == VGATE_BWM_CMD_TXN_BEGIN, "dry run: bwm TXN_BEGIN");
	CHECK(vg_bwm_txn_commit(h) == 0 && hook_family == &vg_family_bwm &&
	      hook_cmd == VGATE_BWM_CMD_TXN_COMMIT, "dry run: bwm TXN_COMMIT");
	CHECK(vg_bwm_txn_abort(h) == 0 && hook_family == &vg_family_bwm &&
	      hook_cmd == VGATE_BWM_CMD_TXN_ABORT, "dry run: bwm TXN_ABORT");
	CHECK(vg_bwm_flush(h) == 0 && hook_family == &vg_family_bwm &&
	      hook_cmd == VGATE_BWM_CMD_FLUSH, "dry run: bwm FLUSH");
	free(sas);
	vg_close(h);

	errno_checks();
	echo_check(NLMSG_HDRLEN, "bad", "an echo of a bare header, then TLVs");
	echo_check(0xffffffff, "", "an echo longer than the message: no TLVs read");
	echo_check(NLMSG_HDRLEN + 12, "", "an echo reaching into the TLVs: none read");
	echo_check(3, "", "an echo shorter than a header: no TLVs read");
	recv_hook_checks();
	sa_fetch_checks();
	return tap_done();
}
