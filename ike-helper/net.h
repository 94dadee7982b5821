/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate-iked's UDP sockets: IKE on port 500 and on 4500 (where each IKE
 * message follows a 4-octet zero non-ESP marker, RFC 3948 2.2), IPv4 and
 * IPv6, on the wildcard address or on the addresses given.  The local
 * address of each datagram comes from IP_PKTINFO / IPV6_RECVPKTINFO; a
 * reply leaves from that address.
 */
#ifndef VGATE_IKED_NET_H
#define VGATE_IKED_NET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define NET_MAX_SOCKS	32

struct net_sock {
	int fd;
	int family;
	uint16_t port;		/* host order */
	int natt;		/* the 4500 kind: non-ESP marker */
	int wildcard;
};

struct net {
	int n;
	struct net_sock s[NET_MAX_SOCKS];
};

/* Bind every (address, port): listen NULL/0 entries: the wildcards. */
int net_open(struct net *n, char *const *listen, int n_listen,
	     uint16_t port, uint16_t natt_port, char *err, size_t errlen);
void net_close(struct net *n);

/*
 * One datagram: the IKE message (marker stripped) in buf, its source and
 * the local address it came to (with the socket's port).  Returns its
 * length; -EAGAIN none; -EPROTO on port 4500 without the marker (ESP:
 * not ours); other -errno.
 */
ssize_t net_recv(struct net_sock *s, uint8_t *buf, size_t cap,
		 struct sockaddr_storage *src, struct sockaddr_storage *dst);
/* Send from local (its address; the socket's port) to dst. */
int net_send(struct net_sock *s, const struct sockaddr_storage *local,
	     const struct sockaddr_storage *dst, const uint8_t *buf,
	     size_t len);
/* A socket of the family and kind that can send from local. */
struct net_sock *net_find(struct net *n, const struct sockaddr_storage *local,
			  int natt);
/* The source address the routing table picks for dst (port 0). */
int net_route_src(const struct sockaddr_storage *dst,
		  struct sockaddr_storage *src);

/* Address helpers. */
uint16_t net_port(const struct sockaddr_storage *ss);
void net_set_port(struct sockaddr_storage *ss, uint16_t port);
/* The address octets and their length (4 or 16). */
const uint8_t *net_addr(const struct sockaddr_storage *ss, size_t *len);
int net_addr_eq(const struct sockaddr_storage *a,
		const struct sockaddr_storage *b);	/* address only */
/* "192.0.2.1[500]" (strongSwan's way). */
const char *net_str(const struct sockaddr_storage *ss, char *buf, size_t len);

#endif
