// SPDX-License-Identifier: GPL-2.0
/* Event decoding from messages built as the kernel sends them. */
#include <string.h>
#include <arpa/inet.h>

#include "codec.h"
#include "msgbuild.h"
#include "tap.h"

/* Decode m as an event into ev, then free m. */
static int decode(struct nl_msg *m, struct vg_event *ev)
{
	int r = vg_event_decode(nlmsg_hdr(m), ev);

	nlmsg_free(m);
	return r;
}

/* A message cmd whose one attribute is the nest holding attr = v. */
static struct nl_msg *one_u32(int cmd, int nest, int attr, uint32_t v)
{
	struct nl_msg *m = tmsg(&vg_family_vgate, cmd);
	struct nlattr *n = nla_nest_start(m, nest);

	nla_put_u32(m, attr, v);
	nla_nest_end(m, n);
	return m;
}

int main(void)
{
	struct nl_msg *m = tmsg(&vg_family_vgate, VGATE_CMD_ACQUIRE);
	struct vg_event ev;
	struct nlattr *n;
	uint8_t a[4];

	/* ACQUIRE: RULE (ID, STAGE, PEER_NAME), PEER (ID, NAME), FLOW. */
	n = nla_nest_start(m, VGATE_A_RULE);
	nla_put_u32(m, VGATE_RULE_A_ID, 10);
	nla_put_u8(m, VGATE_RULE_A_STAGE, VGATE_STAGE_PEER);
	nla_put_string(m, VGATE_RULE_A_PEER_NAME, "gwB");
	nla_nest_end(m, n);
	n = nla_nest_start(m, VGATE_A_PEER);
	nla_put_u32(m, VGATE_PEER_A_ID, 2);
	nla_put_string(m, VGATE_PEER_A_NAME, "gwB");
	nla_nest_end(m, n);
	n = nla_nest_start(m, VGATE_A_FLOW);
	nla_put_u16(m, VGATE_FLOW_A_FAMILY, AF_INET);
	inet_pton(AF_INET, "10.1.0.5", a);
	nla_put(m, VGATE_FLOW_A_SRC, 4, a);
	inet_pton(AF_INET, "10.2.0.9", a);
	nla_put(m, VGATE_FLOW_A_DST, 4, a);
	nla_put_u8(m, VGATE_FLOW_A_PROTO, 6);
	nla_put_u16(m, VGATE_FLOW_A_DPORT, 80);
	nla_nest_end(m, n);
	CHECK(!decode(m, &ev) && ev.cmd == VGATE_CMD_ACQUIRE, "acquire: decoded");
	CHECK(ev.acquire.rule.id == 10 && !strcmp(ev.acquire.rule.peer_name, "gwB") &&
	      ev.acquire.peer.id == 2 && !strcmp(ev.acquire.peer.name, "gwB"),
	      "acquire: the entry (REQID) and its peer");
	CHECK(ev.acquire.flow.family == AF_INET && ev.acquire.flow.proto == 6 &&
	      ev.acquire.flow.dport == 80 && !memcmp(ev.acquire.flow.dst.a, a, 4),
	      "acquire: the packet's flow");

	m = one_u32(VGATE_CMD_ACQUIRE, VGATE_A_PEER, VGATE_PEER_A_ID, 2);
	CHECK(decode(m, &ev) == -EPROTO,
	      "acquire without RULE and FLOW: -EPROTO");

	m = tmsg(&vg_family_vgate, VGATE_CMD_SA_EXPIRE);
	n = nla_nest_start(m, VGATE_A_SA);
	nla_put_u32(m, VGATE_SA_A_SPI, 0x1000);
	nla_put_u32(m, VGATE_SA_A_REQID, 10);
	nla_put_u8(m, VGATE_SA_A_EXPIRE_LIMIT, VGATE_EXPIRE_BYTES);
	nla_put_u8(m, VGATE_SA_A_EXPIRE_HARD, 0);
	nla_nest_end(m, n);
	CHECK(!decode(m, &ev) && ev.cmd == VGATE_CMD_SA_EXPIRE &&
	      ev.expire.spi == 0x1000 && ev.expire.reqid == 10 &&
	      ev.expire.expire_limit == VGATE_EXPIRE_BYTES &&
	      !ev.expire.expire_hard && (ev.expire.has & VG_SA_EXPIRE),
	      "sa expire: soft, bytes, SPI and REQID");

	m = one_u32(VGATE_CMD_SA_EXPIRE, VGATE_A_SA, VGATE_SA_A_SPI, 0x1000);
	CHECK(decode(m, &ev) == -EPROTO,
	      "sa expire without LIMIT and HARD: -EPROTO");

	m = tmsg(&vg_family_vgate, VGATE_CMD_SA_NEW);
	CHECK(decode(m, &ev) == -EOPNOTSUPP, "another command is not an event");
	return tap_done();
}
