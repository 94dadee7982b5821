// SPDX-License-Identifier: GPL-2.0
/*
 * NAT traversal, RFC 3948.
 *
 * Output: an SA with UDP encapsulation gets the UDP header (checksum 0,
 * RFC 3948 2.1) inserted between the outer IPv4 header and ESP once the
 * crypto is done; vgate_esp_overhead() counts its 8 bytes.
 *
 * Input: the namespace has one NAT-T socket, modelled on L2TP: either a
 * UDP socket a process (the keying daemon, which owns the IKE ports) bound
 * and handed over by its fd, or one vgate opens itself when no daemon
 * runs.  Its encap_rcv hook sorts each datagram (RFC 3948 2.2): a one byte
 * 0xFF is a NAT keepalive (counted, discarded); four zero bytes first is
 * the non-ESP marker of IKE, left to the socket's owner; more than 8
 * bytes with a non-zero SPI is ESP: the UDP header is removed and the
 * packet goes to vgate's ESP input as if it had arrived as ESP, never to
 * the kernel's XFRM (no UDP_ENCAP_ESPINUDP on the socket); anything else
 * is dropped as NATT_MALFORMED.
 *
 * Keepalives: every SA with encapsulation whose destination is not a local
 * address sends one when it has sent nothing for natt_keepalive seconds;
 * a per-namespace work runs once a second while such SAs exist.
 */
#include <linux/file.h>
#include <linux/inetdevice.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/esp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "netns.h"
#include "hooks.h"
#include "netlink.h"
#include "natt.h"
#include "sad.h"
#include "fault.h"

/* udp_sock encap_type: any value but UDP_ENCAP_ESPINUDP(_NON_IKE) etc. */
#define VGATE_UDP_ENCAP		0x76

const struct nla_policy vgate_encap_policy[VGATE_ENCAP_A_MAX + 1] = {
	[VGATE_ENCAP_A_TYPE] = NLA_POLICY_RANGE(NLA_U8, 1, VGATE_ENCAP_MAX),
	[VGATE_ENCAP_A_SPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[VGATE_ENCAP_A_DPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[VGATE_ENCAP_A_OA] = { .type = NLA_BINARY, .len = 16 },
};

const struct nla_policy vgate_encap_sock_policy[VGATE_ENCAP_SOCK_A_MAX + 1] = {
	[VGATE_ENCAP_SOCK_A_FD] = { .type = NLA_U32 },
	[VGATE_ENCAP_SOCK_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[VGATE_ENCAP_SOCK_A_OWNER] = { .type = NLA_REJECT },
};

int vgate_natt_parse_sa(struct nlattr *nest, struct vgate_sa_config *cfg,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VGATE_ENCAP_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, VGATE_ENCAP_A_MAX, nest, vgate_encap_policy,
			       extack);
	if (err)
		return err;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_ENCAP_A_SPORT,
				  "missing UDP source port") ||
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_ENCAP_A_DPORT,
				  "missing UDP destination port"))
		return -EINVAL;
	cfg->encap = tb[VGATE_ENCAP_A_TYPE] ?
		     nla_get_u8(tb[VGATE_ENCAP_A_TYPE]) : VGATE_ENCAP_ESPINUDP;
	cfg->encap_sport = htons(nla_get_u16(tb[VGATE_ENCAP_A_SPORT]));
	cfg->encap_dport = htons(nla_get_u16(tb[VGATE_ENCAP_A_DPORT]));
	if (tb[VGATE_ENCAP_A_OA]) {
		if (cfg->mode != VGATE_MODE_TRANSPORT) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_ENCAP_A_OA],
					    "NAT-OA applies to transport mode only");
			return -EINVAL;
		}
		err = vgate_nl_parse_addr4(tb[VGATE_ENCAP_A_OA], &cfg->oa,
					   extack);
		if (err)
			return err;
		cfg->has_oa = true;
	}
	return 0;
}

int vgate_natt_fill_sa(struct sk_buff *skb, const struct vgate_sa *sa)
{
	struct nlattr *nest;

	if (!sa->encap_hlen)
		return 0;
	nest = nla_nest_start(skb, VGATE_SA_A_ENCAP);
	if (!nest ||
	    nla_put_u8(skb, VGATE_ENCAP_A_TYPE, VGATE_ENCAP_ESPINUDP) ||
	    nla_put_u16(skb, VGATE_ENCAP_A_SPORT, ntohs(sa->encap_sport)) ||
	    nla_put_u16(skb, VGATE_ENCAP_A_DPORT, ntohs(sa->encap_dport)) ||
	    (sa->has_oa && nla_put_in_addr(skb, VGATE_ENCAP_A_OA, sa->oa.a4)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

void vgate_natt_sa_init(struct vgate_sa *sa, const struct vgate_sa_config *cfg)
{
	INIT_LIST_HEAD(&sa->natt_node);
	if (!cfg->encap)
		return;
	sa->encap_hlen = sizeof(struct udphdr);
	sa->encap_sport = cfg->encap_sport;
	sa->encap_dport = cfg->encap_dport;
	sa->has_oa = cfg->has_oa;
	sa->oa = cfg->oa;
	sa->natt_last_tx = jiffies;
}

void vgate_natt_sa_link(struct vgate_net *vn, struct vgate_sa *sa)
{
	lockdep_assert_held(&vn->lock);
	if (!sa->encap_hlen)
		return;
	list_add_tail(&sa->natt_node, &vn->natt_sas);
	schedule_delayed_work(&vn->natt_ka, HZ);
}

void vgate_natt_sa_unlink(struct vgate_sa *sa)
{
	list_del_init(&sa->natt_node);
}

int vgate_natt_push(struct sk_buff *skb, struct vgate_sa *sa)
{
	unsigned int ihl = ip_hdrlen(skb);
	struct udphdr *uh;
	struct iphdr *iph;

	if (skb_cow_head(skb, sizeof(*uh)))
		return -ENOMEM;
	iph = ip_hdr(skb);
	skb_push(skb, sizeof(*uh));
	memmove(skb->data, iph, ihl);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, ihl);
	iph = ip_hdr(skb);
	iph->protocol = IPPROTO_UDP;
	iph->tot_len = htons(skb->len);
	uh = udp_hdr(skb);
	uh->source = sa->encap_sport;
	uh->dest = sa->encap_dport;
	uh->len = htons(skb->len - ihl);
	uh->check = 0;
	WRITE_ONCE(sa->natt_last_tx, jiffies);
	return 0;
}

/*
 * Only the socket's own datagrams: leaving, sent through it; arriving, to
 * its port on an address of the gateway (not forwarded NAT-T of others).
 */
bool vgate_natt_is_encap(struct vgate_net *vn, const struct sk_buff *skb,
			 bool out)
{
	u16 port = READ_ONCE(vn->natt_port);
	const struct iphdr *iph = ip_hdr(skb);
	const struct udphdr *uh;
	struct udphdr _uh;

	if (!port || iph->protocol != IPPROTO_UDP ||
	    (iph->frag_off & htons(IP_OFFSET)))
		return false;
	if (out)
		return skb->sk && skb->sk == READ_ONCE(vn->natt_sk);
	uh = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_uh), &_uh);
	return uh && uh->dest == htons(port) &&
	       inet_addr_type(vn->net, iph->daddr) == RTN_LOCAL;
}

/* RFC 3948 3.1.2: replace NAT-OA with the received source in the sum. */
void vgate_natt_fixup(const struct vgate_sa *sa, struct sk_buff *skb)
{
	unsigned int ihl = ip_hdrlen(skb);
	const struct iphdr *iph = ip_hdr(skb);
	__be32 to = iph->saddr;
	__sum16 *check;

	if (!sa->has_oa || sa->mode != VGATE_MODE_TRANSPORT ||
	    sa->oa.a4 == to || ip_is_fragment(iph))
		return;
	switch (iph->protocol) {
	case IPPROTO_TCP:
		if (skb_ensure_writable(skb, ihl + sizeof(struct tcphdr)))
			return;
		check = &((struct tcphdr *)(skb->data + ihl))->check;
		inet_proto_csum_replace4(check, skb, sa->oa.a4, to, true);
		break;
	case IPPROTO_UDP:
		if (skb_ensure_writable(skb, ihl + sizeof(struct udphdr)))
			return;
		check = &((struct udphdr *)(skb->data + ihl))->check;
		if (!*check)	/* no checksum */
			return;
		inet_proto_csum_replace4(check, skb, sa->oa.a4, to, true);
		if (!*check)
			*check = CSUM_MANGLED_0;
		break;
	}
}

/* ---- the NAT-T socket ---- */

static int natt_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct vgate_net *vn = rcu_dereference_sk_user_data(sk);
	unsigned int len, ihl;
	struct iphdr *iph;
	const u8 *p;

	if (!vn)
		return 1;
	/* skb->data is the UDP header; UDP checked its length and sum. */
	len = skb->len - sizeof(struct udphdr);
	if (!pskb_may_pull(skb, sizeof(struct udphdr) + min(len, 8U)))
		goto malformed;
	p = skb->data + sizeof(struct udphdr);
	if (len == 1 && p[0] == 0xff) {
		vgate_count(vn, VGATE_CNT_NATT_KEEPALIVES_IN);
		consume_skb(skb);
		return 0;
	}
	if (len >= 4 && !p[0] && !p[1] && !p[2] && !p[3]) {
		/* Non-ESP marker: IKE, for the socket's owner. */
		if (sk->sk_kern_sock) {
			vgate_drop(vn, skb, VGATE_DROP_NATT_NO_DAEMON);
			return 0;
		}
		vgate_count(vn, VGATE_CNT_NATT_IKE_IN);
		return 1;
	}
	if (len <= sizeof(struct ip_esp_hdr))
		goto malformed;

	/* ESP: remove the UDP header, as if it had arrived as ESP. */
	if (skb_unclone(skb, GFP_ATOMIC)) {
		vgate_drop(vn, skb, VGATE_DROP_NOMEM);
		return 0;
	}
	ihl = skb_network_header_len(skb);
	iph = ip_hdr(skb);
	__skb_pull(skb, sizeof(struct udphdr));
	memmove(skb->data - ihl, iph, ihl);
	__skb_push(skb, ihl);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, ihl);
	iph = ip_hdr(skb);
	iph->protocol = IPPROTO_ESP;
	iph->tot_len = htons(skb->len);
	ip_send_check(iph);
	vgate_count(vn, VGATE_CNT_NATT_ESP_IN);
	vgate_esp_rcv(vn, skb, ihl, 0);
	return 0;
malformed:
	/* The network header is intact: drop() may log it. */
	vgate_drop(vn, skb, VGATE_DROP_NATT_MALFORMED);
	return 0;
}

/* Take the socket out of vn, if it is still there; true if it was. */
static bool natt_take(struct vgate_net *vn, struct sock *sk)
{
	bool taken = false;

	spin_lock_bh(&vn->natt_lock);
	if (vn->natt_sk == sk) {
		WRITE_ONCE(vn->natt_sk, NULL);
		WRITE_ONCE(vn->natt_port, 0);
		taken = true;
	}
	spin_unlock_bh(&vn->natt_lock);
	return taken;
}

/* The owner closed its socket (udp_destroy_sock(), process context). */
static void natt_encap_destroy(struct sock *sk)
{
	struct vgate_net *vn;

	rcu_read_lock();
	vn = rcu_dereference_sk_user_data(sk);
	rcu_read_unlock();
	if (vn && natt_take(vn, sk))
		sock_put(sk);
}

static void natt_setup(struct vgate_net *vn, struct socket *sock)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = vn,
		.encap_type = VGATE_UDP_ENCAP,
		.encap_rcv = natt_encap_rcv,
		.encap_destroy = natt_encap_destroy,
	};

	sock_hold(sock->sk);
	setup_udp_tunnel_sock(vn->net, sock, &cfg);
	spin_lock_bh(&vn->natt_lock);
	WRITE_ONCE(vn->natt_sk, sock->sk);
	WRITE_ONCE(vn->natt_port, ntohs(inet_sk(sock->sk)->inet_sport));
	spin_unlock_bh(&vn->natt_lock);
}

/* Let go of the NAT-T socket; false if there was none.  Under vn->lock. */
static bool natt_release(struct vgate_net *vn)
{
	struct socket *ksock = vn->natt_ksock;
	struct sock *sk;

	spin_lock_bh(&vn->natt_lock);
	sk = vn->natt_sk;
	spin_unlock_bh(&vn->natt_lock);
	if (!sk || !natt_take(vn, sk))
		return false;
	vn->natt_ksock = NULL;
	if (ksock) {
		sock_put(sk);
		udp_tunnel_sock_release(ksock);
	} else {
		/* The owner's socket becomes a plain UDP socket again. */
		WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
		WRITE_ONCE(udp_sk(sk)->encap_destroy, NULL);
		WRITE_ONCE(udp_sk(sk)->encap_type, 0);
		rcu_assign_sk_user_data(sk, NULL);
		sock_put(sk);
	}
	/* encap_rcv may still run on another CPU: it holds RCU. */
	synchronize_net();
	return true;
}

static int natt_sock_fd(struct vgate_net *vn, struct nlattr *a,
			struct netlink_ext_ack *extack)
{
	struct socket *sock;
	struct sock *sk;
	int err;

	sock = sockfd_lookup(nla_get_u32(a), &err);
	if (!sock) {
		NL_SET_ERR_MSG_ATTR(extack, a, "not a socket of the caller");
		return err;
	}
	sk = sock->sk;
	err = -EINVAL;
	if (sk->sk_family != AF_INET || sk->sk_type != SOCK_DGRAM ||
	    sk->sk_protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, a, "not an AF_INET UDP socket");
		goto out;
	}
	if (!net_eq(sock_net(sk), vn->net)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "socket of another network namespace");
		goto out;
	}
	if (!inet_sk(sk)->inet_num) {
		NL_SET_ERR_MSG_ATTR(extack, a, "socket is not bound");
		goto out;
	}
	err = -EBUSY;
	if (READ_ONCE(udp_sk(sk)->encap_type) || READ_ONCE(sk->sk_user_data)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "socket has a UDP encapsulation or user data already");
		goto out;
	}
	natt_setup(vn, sock);
	err = 0;
out:
	sockfd_put(sock);
	return err;
}

static int natt_sock_port(struct vgate_net *vn, struct nlattr *a,
			  struct netlink_ext_ack *extack)
{
	struct udp_port_cfg cfg = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = htons(nla_get_u16(a)),
	};
	struct socket *sock;
	int err;

	err = udp_sock_create(vn->net, &cfg, &sock);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, a, "cannot bind a UDP socket to this port");
		return err;
	}
	vn->natt_ksock = sock;
	natt_setup(vn, sock);
	return 0;
}

int vgate_nl_encap_sock_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct nlattr *tb[VGATE_ENCAP_SOCK_A_MAX + 1];
	struct nlattr *nest;
	int err;

	nest = vgate_nl_get_nest(info, VGATE_A_ENCAP_SOCK);
	if (!nest)
		return -EINVAL;
	err = nla_parse_nested(tb, VGATE_ENCAP_SOCK_A_MAX, nest,
			       vgate_encap_sock_policy, info->extack);
	if (err)
		return err;
	if (tb[VGATE_ENCAP_SOCK_A_FD] && tb[VGATE_ENCAP_SOCK_A_PORT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[VGATE_ENCAP_SOCK_A_PORT],
				    "FD or PORT, not both");
		return -EINVAL;
	}
	if (!tb[VGATE_ENCAP_SOCK_A_FD] &&
	    vgate_nl_attr_missing(info->extack, nest, tb,
				  VGATE_ENCAP_SOCK_A_PORT,
				  "missing FD or PORT"))
		return -EINVAL;
	mutex_lock(&vn->lock);
	if (READ_ONCE(vn->natt_port)) {
		NL_SET_ERR_MSG(info->extack,
			       "the namespace has a NAT-T socket: delete it first");
		err = -EBUSY;
	} else if (tb[VGATE_ENCAP_SOCK_A_FD]) {
		err = natt_sock_fd(vn, tb[VGATE_ENCAP_SOCK_A_FD], info->extack);
	} else {
		err = natt_sock_port(vn, tb[VGATE_ENCAP_SOCK_A_PORT],
				     info->extack);
	}
	if (!err)
		err = vgate_net_enable(vn);
	mutex_unlock(&vn->lock);
	return err;
}

static int encap_sock_fill(struct vgate_net *vn, struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, VGATE_A_ENCAP_SOCK);
	u16 port;

	if (!nest)
		return -EMSGSIZE;
	mutex_lock(&vn->lock);
	port = READ_ONCE(vn->natt_port);
	if (port &&
	    (nla_put_u16(skb, VGATE_ENCAP_SOCK_A_PORT, port) ||
	     nla_put_u8(skb, VGATE_ENCAP_SOCK_A_OWNER,
			vn->natt_ksock ? VGATE_ENCAP_OWNER_KERNEL :
					 VGATE_ENCAP_OWNER_USER))) {
		mutex_unlock(&vn->lock);
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	mutex_unlock(&vn->lock);
	nla_nest_end(skb, nest);
	return 0;
}

int vgate_nl_encap_sock_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = vgate_nl_reply_alloc(info, VGATE_CMD_ENCAP_SOCK_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	if (encap_sock_fill(vn, msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int vgate_nl_encap_sock_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	bool found;

	mutex_lock(&vn->lock);
	found = natt_release(vn);
	mutex_unlock(&vn->lock);
	if (!found) {
		NL_SET_ERR_MSG(info->extack, "no NAT-T socket");
		return -ENOENT;
	}
	return 0;
}

/* ---- keepalives ---- */

static void natt_send_keepalive(struct vgate_net *vn, struct vgate_sa *sa)
{
	unsigned int len = sizeof(struct udphdr) + 1;
	struct flowi4 fl4;
	struct sk_buff *skb;
	struct udphdr *uh;
	struct iphdr *iph;
	struct rtable *rt;

	rt = ip_route_output_ports(vn->net, &fl4, NULL, sa->key.daddr.a4,
				   sa->saddr.a4, sa->encap_dport,
				   sa->encap_sport, IPPROTO_UDP, 0, 0);
	if (IS_ERR(rt))
		return;
	skb = vgate_fault_ptr(alloc_skb(LL_MAX_HEADER + sizeof(*iph) + len, GFP_KERNEL));
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	skb_reserve(skb, LL_MAX_HEADER + sizeof(*iph) + sizeof(*uh));
	skb_put_u8(skb, 0xff);
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sa->encap_sport;
	uh->dest = sa->encap_dport;
	uh->len = htons(len);
	uh->check = 0;
	uh->check = csum_tcpudp_magic(fl4.saddr, fl4.daddr, len, IPPROTO_UDP,
				      csum_partial(uh, len, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = 0;
	iph->tot_len = htons(skb->len);
	iph->frag_off = 0;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_UDP;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	skb_dst_set(skb, &rt->dst);
	skb->protocol = htons(ETH_P_IP);
	ip_select_ident(vn->net, skb, NULL);
	vgate_count(vn, VGATE_CNT_NATT_KEEPALIVES_OUT);
	vgate_send_local(vn, skb);
}

static void natt_ka_work(struct work_struct *work)
{
	struct vgate_net *vn = container_of(to_delayed_work(work),
					    struct vgate_net, natt_ka);
	unsigned long idle = READ_ONCE(vn->cfg.natt_keepalive) * HZ;
	struct vgate_sa *sa;
	bool any;

	mutex_lock(&vn->lock);
	list_for_each_entry(sa, &vn->natt_sas, natt_node) {
		if (!idle || test_bit(VGATE_SA_BIT_EXPIRED, &sa->state) ||
		    time_before(jiffies, READ_ONCE(sa->natt_last_tx) + idle))
			continue;
		/* Inbound SAs have a local destination. */
		if (inet_addr_type(vn->net, sa->key.daddr.a4) == RTN_LOCAL)
			continue;
		WRITE_ONCE(sa->natt_last_tx, jiffies);
		natt_send_keepalive(vn, sa);
	}
	any = !list_empty(&vn->natt_sas);
	if (any)
		schedule_delayed_work(&vn->natt_ka, HZ);
	mutex_unlock(&vn->lock);
}

void vgate_natt_net_init(struct vgate_net *vn)
{
	spin_lock_init(&vn->natt_lock);
	INIT_LIST_HEAD(&vn->natt_sas);
	INIT_DELAYED_WORK(&vn->natt_ka, natt_ka_work);
}

void vgate_natt_net_exit(struct vgate_net *vn)
{
	mutex_lock(&vn->lock);
	natt_release(vn);
	mutex_unlock(&vn->lock);
	/* Waits for a running work and stops its re-arming. */
	cancel_delayed_work_sync(&vn->natt_ka);
}
