// SPDX-License-Identifier: GPL-2.0
/*
 * libvgate handle: the generic netlink socket, requests, acknowledgements,
 * extended acks and dumps (handle.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "codec.h"
#include "handle.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
/* Newer than some installed headers (Linux 6.0). */
#ifndef NLMSGERR_ATTR_MISS_TYPE
#define NLMSGERR_ATTR_MISS_TYPE 5
#define NLMSGERR_ATTR_MISS_NEST 6
#endif
#define VG_EXTACK_MAX 6

static const struct vg_family_desc *const families[] = {
	&vg_family_vgate, &vg_family_garp, &vg_family_bwm,
};

#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

struct vg_handle {
	struct nl_sock *sock;
	int ids[N_FAMILIES];		/* resolved family ids, 0 until then */
	vg_dry_run_fn dry;
	void *dry_arg;
	vg_recv_fn recv;		/* vg_set_recv_hook(): no socket */
	void *recv_arg;
	uint32_t recv_seq;		/* the hook's requests: 1, 2, ... */
	vg_dry_run_fn tap;		/* vg_set_recv_tap() */
	void *tap_arg;
	struct vg_error err;
	/* the request being answered */
	const struct vg_family_desc *f;
	struct nl_msg *req;
	uint32_t seq;
	bool answered;			/* ack, error or DONE seen */
	bool intr;			/* NLM_F_DUMP_INTR seen */
	/* what nl_recv() read and is not yet consumed */
	unsigned char *buf;
	int len, pos;
};

struct vg_handle *vg_open(void)
{
	return calloc(1, sizeof(struct vg_handle));
}

static void drop_buf(struct vg_handle *h)
{
	free(h->buf);
	h->buf = NULL;
	h->len = 0;
	h->pos = 0;
}

void vg_close(struct vg_handle *h)
{
	if (!h)
		return;
	drop_buf(h);
	if (h->sock)
		nl_socket_free(h->sock);
	free(h);
}

void vg_set_dry_run(struct vg_handle *h, vg_dry_run_fn fn, void *arg)
{
	h->dry = fn;
	h->dry_arg = arg;
}

void vg_set_recv_hook(struct vg_handle *h, vg_recv_fn fn, void *arg)
{
	drop_buf(h);
	if (h->sock) {
		nl_socket_free(h->sock);
		h->sock = NULL;
	}
	memset(h->ids, 0, sizeof(h->ids));
	h->recv = fn;
	h->recv_arg = arg;
	h->recv_seq = 0;
}

void vg_set_recv_tap(struct vg_handle *h, vg_dry_run_fn fn, void *arg)
{
	h->tap = fn;
	h->tap_arg = arg;
}

bool vg_is_dry_run(const struct vg_handle *h)
{
	return h->dry != NULL;
}

const struct vg_error *vg_error(const struct vg_handle *h)
{
	return &h->err;
}

const char *vg_error_sys(const struct vg_error *e)
{
	return nl_geterror(e->nlerr);
}

static void err_reset(struct vg_handle *h, const struct vg_family_desc *f,
		      uint8_t cmd)
{
	memset(&h->err, 0, sizeof(h->err));
	h->err.family = f;
	h->err.cmd = cmd;
	h->err.offset = -1;
}

static int fail(struct vg_handle *h, enum vg_err_kind kind, int err, int nlerr)
{
	h->err.kind = kind;
	h->err.err = err;
	h->err.nlerr = nlerr;
	return err;
}

static int sock_open(struct vg_handle *h)
{
	int one = 1, r;

	if (h->sock)
		return 0;
	h->sock = nl_socket_alloc();
	if (!h->sock)
		return fail(h, VG_ERR_OPEN, -ENOMEM, -NLE_NOMEM);
	r = genl_connect(h->sock);
	if (r < 0) {
		nl_socket_free(h->sock);
		h->sock = NULL;
		return fail(h, VG_ERR_OPEN, -EIO, r);
	}
	/* Ask for extended acks; old kernels without it just ignore us. */
	setsockopt(nl_socket_get_fd(h->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl_socket_enable_msg_peek(h->sock);
	return 0;
}

/*
 * A family's id, asked on a socket of its own: libnl's resolver checks
 * sequence numbers against what libnl itself last received, and the
 * handle's socket reads its replies with nl_recv(), so after the first
 * request there it would drop the controller's answer and report the
 * family missing (a second family on one handle: vgate -f with SA and bm
 * lines, config save with garp and bm).
 */
static int resolve(const char *name)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk)
		return -NLE_NOMEM;
	r = genl_connect(sk);
	if (!r)
		r = genl_ctrl_resolve(sk, name);
	nl_socket_free(sk);
	return r;
}

static int *family_id(struct vg_handle *h, const struct vg_family_desc *f)
{
	size_t i;

	for (i = 0; i < N_FAMILIES; i++)
		if (families[i] == f)
			return &h->ids[i];
	return NULL;
}

/* Open the socket and resolve f's id. */
static int family_open(struct vg_handle *h, const struct vg_family_desc *f)
{
	int *id = family_id(h, f);
	int r;

	if (!id)
		return fail(h, VG_ERR_RESOLVE, -EINVAL, -NLE_INVAL);
	if (h->recv) {
		/* No socket: ids as a kernel would give them, one each. */
		*id = GENL_MIN_ID + (int)(id - h->ids);
		return 0;
	}
	r = sock_open(h);
	if (r || *id > 0)
		return r;
	r = resolve(f->name);
	if (r == -NLE_OBJ_NOTFOUND)
		return fail(h, VG_ERR_NOFAMILY, -ENOENT, r);
	if (r < 0)
		return fail(h, VG_ERR_RESOLVE, -EIO, r);
	*id = r;
	return 0;
}

int vg_family_present(struct vg_handle *h, const struct vg_family_desc *f)
{
	int r;

	if (h->dry)
		return 1;
	err_reset(h, f, 0);
	r = family_open(h, f);
	if (r == -ENOENT)
		return 0;
	return r ? r : 1;
}

struct nl_msg *vg_msg_new(const struct vg_family_desc *f, uint8_t cmd,
			  int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, flags, cmd,
			     f->version))
		return m;
	if (m)
		nlmsg_free(m);
	return NULL;
}

static void msg_free(struct nl_msg *m)
{
	if (!m)
		return;
	explicit_bzero(nlmsg_hdr(m), nlmsg_get_max_size(m));
	nlmsg_free(m);
}

int vg_build_failed(struct vg_handle *h, const struct vg_family_desc *f,
		    struct nl_msg *m)
{
	err_reset(h, f, m ? ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(m)))->cmd
			  : 0);
	msg_free(m);
	return fail(h, VG_ERR_BUILD, -ENOMEM, 0);
}

/* ---- naming the attribute an extack offset points at ---- */

static int attr_at(struct nlattr *head, int len, const struct vg_attr_desc *d,
		   int max, const char *base, int offs, char *out, size_t n)
{
	struct nlattr *a;
	int rem, t, start, plen;
	const char *name;

	nla_for_each_attr(a, head, len, rem) {
		t = nla_type(a);
		name = t > 0 && t <= max && d && d[t].name ? d[t].name : "?";
		start = (const char *)a - base;
		if (offs == start) {
			snprintf(out, n, "%s", name);
			return 0;
		}
		if (offs > start && offs < start + (int)a->nla_len &&
		    d && t > 0 && t <= max && d[t].type == VG_AT_NEST) {
			plen = snprintf(out, n, "%s.", name);
			if (plen < 0 || (size_t)plen >= n)
				return -1;
			return attr_at(nla_data(a), nla_len(a), d[t].nest,
				       d[t].nest_max, base, offs, out + plen,
				       n - plen);
		}
	}
	return -1;
}

/*
 * The error of an NLMSG_ERROR or NLMSG_DONE as the kernel sends it:
 * -1..-4095 (an errno).  Anything else no kernel sends, and it would not
 * be an errno for the caller (strerror(-err) of INT_MIN overflows): a
 * protocol error.
 */
static int kernel_errno(int err)
{
	return err < 0 && err >= -4095 ? err : -EPROTO;
}

/*
 * The error code and extended ack of an NLMSG_ERROR (struct nlmsgerr,
 * the request echoed unless capped, TLVs) or NLMSG_DONE (int, TLVs).
 */
int vg_extack_decode(struct nlmsghdr *nlh, const struct vg_family_desc *f,
		     struct nlmsghdr *req, struct vg_error *e)
{
	struct nlattr *tb[VG_EXTACK_MAX + 1] = { 0 };
	/* nlh passed nlmsg_ok(): nlmsg_len >= NLMSG_HDRLEN, all readable */
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN, off;
	struct nlattr *a;
	int rem, len, err;
	char *tlvs;

	e->msg[0] = '\0';
	e->attr[0] = '\0';
	e->offset = -1;
	e->miss_type = 0;
	e->miss_nest = 0;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *me = nlmsg_data(nlh);

		if (plen < sizeof(*me))
			return -EPROTO;
		err = me->error ? kernel_errno(me->error) : 0;
		off = sizeof(*me);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			/* The echoed request: its length is the sender's word. */
			if (me->msg.nlmsg_len < NLMSG_HDRLEN ||
			    me->msg.nlmsg_len - NLMSG_HDRLEN > plen - off)
				return err;	/* no room left for TLVs */
			off += me->msg.nlmsg_len - NLMSG_HDRLEN;
		}
	} else {
		if (plen < sizeof(int))
			return 0;
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		off = sizeof(int);
		if (err >= 0)
			return 0;
		err = kernel_errno(err);
	}
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= plen)
		return err;
	tlvs = (char *)nlmsg_data(nlh) + off;
	len = plen - off;
	nla_for_each_attr(a, (struct nlattr *)tlvs, len, rem)
		if (nla_type(a) <= VG_EXTACK_MAX)
			tb[nla_type(a)] = a;
	a = tb[NLMSGERR_ATTR_MSG];
	if (a && nla_len(a) > 0)
		vg_get_str(a, e->msg, sizeof(e->msg));
	a = tb[NLMSGERR_ATTR_OFFS];
	if (a && nla_len(a) >= 4) {
		e->offset = nla_get_u32(a);
		if (req && f) {
			struct genlmsghdr *g = nlmsg_data(req);

			if (attr_at(genlmsg_attrdata(g, 0),
				    genlmsg_attrlen(g, 0), f->top, f->top_max,
				    (const char *)req, e->offset, e->attr,
				    sizeof(e->attr)))
				e->attr[0] = '\0';
		}
	}
	a = tb[NLMSGERR_ATTR_MISS_TYPE];
	if (a && nla_len(a) >= 4)
		e->miss_type = nla_get_u32(a);
	a = tb[NLMSGERR_ATTR_MISS_NEST];
	if (a && nla_len(a) >= 4)
		e->miss_nest = nla_get_u32(a);
	return err;
}

/* ---- sending and reading the answer ---- */

static int send_req(struct vg_handle *h, const struct vg_family_desc *f,
		    struct nl_msg *m)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	int r;

	h->f = f;
	h->req = m;
	h->answered = false;
	h->intr = false;
	drop_buf(h);
	if (h->dry) {
		h->dry(f, nlh, h->dry_arg);
		h->answered = true;
		return 0;
	}
	r = family_open(h, f);
	if (r)
		return r;
	nlh->nlmsg_type = *family_id(h, f);
	if (h->recv) {
		/* As if sent: the answer comes from the hook. */
		nlh->nlmsg_seq = h->seq = ++h->recv_seq;
		nlh->nlmsg_pid = 0;
		if (h->tap)
			h->tap(f, nlh, h->tap_arg);
		return 0;
	}
	nlh->nlmsg_seq = NL_AUTO_SEQ;	/* a new one when sent again */
	nlh->nlmsg_pid = NL_AUTO_PORT;
	r = nl_send_auto(h->sock, m);
	if (r < 0)
		return fail(h, VG_ERR_IO, -EIO, r);
	h->seq = nlh->nlmsg_seq;
	return 0;
}

/*
 * The next message answering the request: 1 a reply (tb indexed), 0 the
 * answer is complete (ack or NLMSG_DONE), or -errno.
 */
static int next_msg(struct vg_handle *h, struct nlattr **tb)
{
	struct sockaddr_nl peer;
	struct nlmsghdr *nlh;
	int r;

	while (!h->answered) {
		if (h->pos >= h->len) {
			drop_buf(h);
			if (h->recv)
				r = h->recv(h->recv_arg, &h->buf);
			else
				r = nl_recv(h->sock, &peer, &h->buf, NULL);
			if (r <= 0)
				return fail(h, VG_ERR_IO, -EIO,
					    r ? r : -NLE_MSG_TRUNC);
			h->len = r;
		}
		nlh = (struct nlmsghdr *)(h->buf + h->pos);
		if (!nlmsg_ok(nlh, h->len - h->pos)) {
			h->pos = h->len;
			continue;
		}
		h->pos += NLMSG_ALIGN(nlh->nlmsg_len);
		if (nlh->nlmsg_seq != h->seq)
			continue;	/* left over from an abandoned dump */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			h->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			continue;
		case NLMSG_ERROR:
		case NLMSG_DONE:
			h->answered = true;
			r = vg_extack_decode(nlh, h->f, nlmsg_hdr(h->req),
					     &h->err);
			if (r < 0)
				return fail(h, VG_ERR_KERNEL, r, 0);
			return 0;
		}
		if (vg_genl_index(h->f, nlh, tb))
			return fail(h, VG_ERR_REPLY, -EPROTO, 0);
		return 1;
	}
	return 0;
}

int vg_transact(struct vg_handle *h, const struct vg_family_desc *f,
		struct nl_msg *m, vg_reply_fn fn, void *arg, bool *intr)
{
	struct nlattr *tb[VG_TOP_MAX + 1];
	int r, perr = 0;

	err_reset(h, f, ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(m)))->cmd);
	r = send_req(h, f, m);
	while (!r && (r = next_msg(h, tb)) == 1) {
		r = 0;
		if (fn && !perr)
			perr = fn(tb, arg);
	}
	/* The kernel's error first; then one of the reply parser. */
	if (!r && perr)
		r = fail(h, VG_ERR_REPLY, perr, 0);
	if (intr)
		*intr = h->intr;
	h->req = NULL;
	msg_free(m);
	return r;
}

/* ---- dumps ---- */

int vg_dump_start(struct vg_handle *h, struct vg_dump *d,
		  const struct vg_family_desc *f, struct nl_msg *m)
{
	memset(d, 0, sizeof(*d));
	d->h = h;
	d->f = f;
	d->req = m;
	err_reset(h, f, ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(m)))->cmd);
	return send_req(h, f, m);
}

int vg_dump_next(struct vg_dump *d, struct nlattr ***tb)
{
	struct vg_handle *h = d->h;
	int r;

	if (d->done)
		return 0;
	r = next_msg(h, d->tb);
	if (r == 1) {
		*tb = d->tb;
		return 1;
	}
	if (r < 0 || !h->intr) {
		d->done = true;
		return r;
	}
	if (++d->tries >= VG_DUMP_TRIES) {
		d->done = true;
		return fail(h, VG_ERR_DUMP_INTR, -EAGAIN, 0);
	}
	r = send_req(h, d->f, d->req);
	if (r) {
		d->done = true;
		return r;
	}
	return VG_DUMP_RESTART;
}

void vg_dump_end(struct vg_dump *d)
{
	if (d->h && d->h->req == d->req)
		d->h->req = NULL;
	msg_free(d->req);
	d->req = NULL;
}
