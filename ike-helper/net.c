// SPDX-License-Identifier: GPL-2.0
/* vgate-iked's UDP sockets (net.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "net.h"

uint16_t net_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

void net_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

const uint8_t *net_addr(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = 4;
		return (const uint8_t *)
		       &((const struct sockaddr_in *)ss)->sin_addr;
	}
	*len = 16;
	return (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
}

int net_addr_eq(const struct sockaddr_storage *a,
		const struct sockaddr_storage *b)
{
	size_t la, lb;
	const uint8_t *pa, *pb;

	if (a->ss_family != b->ss_family)
		return 0;
	pa = net_addr(a, &la);
	pb = net_addr(b, &lb);
	return !memcmp(pa, pb, la);
}

const char *net_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t l;
	const uint8_t *p = net_addr(ss, &l);

	if (!inet_ntop(ss->ss_family, p, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s[%u]", a, net_port(ss));
	return buf;
}

static int sock_open(struct net *n, int family, const char *addr,
		     uint16_t port, int natt, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct net_sock *s;
	int fd, on = 1, r;

	if (n->n >= NET_MAX_SOCKS) {
		snprintf(err, errlen, "too many listen addresses");
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = family;
	if (addr) {
		size_t l;

		if (inet_pton(family, addr, (void *)net_addr(&ss, &l)) != 1) {
			snprintf(err, errlen, "--listen %s: not an address",
				 addr);
			return -1;
		}
	}
	net_set_port(&ss, port);
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (family == AF_INET6) {
		r = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		r = r ? r : setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO,
				       &on, sizeof(on));
	} else {
		r = setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	}
	if (r || bind(fd, (struct sockaddr *)&ss, family == AF_INET ?
		      sizeof(struct sockaddr_in) :
		      sizeof(struct sockaddr_in6)))
		goto fail;
	s = &n->s[n->n++];
	s->fd = fd;
	s->family = family;
	s->port = port;
	s->natt = natt;
	s->wildcard = !addr;
	return 0;
fail:
	snprintf(err, errlen, "UDP socket on %s port %u: %s",
		 addr ? addr : family == AF_INET ? "0.0.0.0" : "::", port,
		 strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int net_open(struct net *n, char *const *listen, int n_listen,
	     uint16_t port, uint16_t natt_port, char *err, size_t errlen)
{
	int i, k;

	memset(n, 0, sizeof(*n));
	for (k = 0; k < 2; k++) {
		uint16_t p = k ? natt_port : port;

		if (!p)
			continue;
		if (!n_listen) {
			if (sock_open(n, AF_INET, NULL, p, k, err, errlen) ||
			    sock_open(n, AF_INET6, NULL, p, k, err, errlen))
				goto fail;
			continue;
		}
		for (i = 0; i < n_listen; i++)
			if (sock_open(n, strchr(listen[i], ':') ? AF_INET6 :
				      AF_INET, listen[i], p, k, err, errlen))
				goto fail;
	}
	return 0;
fail:
	net_close(n);
	return -1;
}

void net_close(struct net *n)
{
	int i;

	for (i = 0; i < n->n; i++)
		close(n->s[i].fd);
	n->n = 0;
}

ssize_t net_recv(struct net_sock *s, uint8_t *buf, size_t cap,
		 struct sockaddr_storage *src, struct sockaddr_storage *dst)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		       CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { buf, cap };
	struct msghdr mh = {
		.msg_name = src, .msg_namelen = sizeof(*src),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b),
	};
	struct cmsghdr *c;
	ssize_t len;

	memset(src, 0, sizeof(*src));
	len = recvmsg(s->fd, &mh, 0);
	if (len < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	memset(dst, 0, sizeof(*dst));
	dst->ss_family = s->family;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in *)dst)->sin_addr = pi.ipi_addr;
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in6 *)dst)->sin6_addr = pi.ipi6_addr;
		}
	}
	net_set_port(dst, s->port);
	if (s->natt) {
		static const uint8_t zero[4];

		if (len < 4 || memcmp(buf, zero, 4))
			return -EPROTO;
		memmove(buf, buf + 4, len - 4);
		len -= 4;
	}
	return len;
}

int net_send(struct net_sock *s, const struct sockaddr_storage *local,
	     const struct sockaddr_storage *dst, const uint8_t *buf,
	     size_t len)
{
	static uint8_t marker[4];
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov[2] = { { marker, 4 }, { (void *)buf, len } };
	struct msghdr mh = {
		.msg_name = (void *)dst,
		.msg_namelen = dst->ss_family == AF_INET ?
			       sizeof(struct sockaddr_in) :
			       sizeof(struct sockaddr_in6),
		.msg_iov = s->natt ? iov : iov + 1,
		.msg_iovlen = s->natt ? 2 : 1,
	};

	memset(&cbuf, 0, sizeof(cbuf));
	if (s->wildcard && local && local->ss_family == s->family) {
		struct cmsghdr *c;

		mh.msg_control = cbuf.b;
		c = (struct cmsghdr *)cbuf.b;
		if (s->family == AF_INET) {
			struct in_pktinfo pi = { 0 };

			pi.ipi_spec_dst =
				((const struct sockaddr_in *)local)->sin_addr;
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		} else {
			struct in6_pktinfo pi = { 0 };

			pi.ipi6_addr =
				((const struct sockaddr_in6 *)local)->sin6_addr;
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	}
	if (sendmsg(s->fd, &mh, 0) < 0)
		return -errno;
	return 0;
}

struct net_sock *net_find(struct net *n, const struct sockaddr_storage *local,
			  int natt)
{
	struct net_sock *best = NULL;
	int i;

	for (i = 0; i < n->n; i++) {
		struct net_sock *s = &n->s[i];
		struct sockaddr_storage b;
		socklen_t bl = sizeof(b);

		if (s->family != local->ss_family || s->natt != natt)
			continue;
		if (s->wildcard) {
			if (!best)
				best = s;
			continue;
		}
		if (!getsockname(s->fd, (struct sockaddr *)&b, &bl) &&
		    net_addr_eq(&b, local))
			return s;
	}
	return best;
}

int net_route_src(const struct sockaddr_storage *dst,
		  struct sockaddr_storage *src)
{
	socklen_t l = sizeof(*src);
	int fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)dst,
		    dst->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
		    sizeof(struct sockaddr_in6));
	if (!r)
		r = getsockname(fd, (struct sockaddr *)src, &l);
	r = r ? -errno : 0;
	close(fd);
	if (!r)
		net_set_port(src, 0);
	return r;
}
