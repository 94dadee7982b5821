// SPDX-License-Identifier: GPL-2.0
/*
 * What every fuzz target shares: the reset between inputs, and canned
 * answers for the three lookups the CLI makes of the system, so that an
 * input never waits on DNS and gives the same run on every machine:
 * getaddrinfo() (peer addr HOSTNAME: "gw.example" and "localhost"
 * resolve, nothing else), getifaddrs() (the self-capture warnings: lo,
 * eth0 192.0.2.1/24 and 2001:db8::1/64, eth1 10.1.0.1/16) and
 * if_nameindex() (TAB on an interface: lo, eth0, eth1).  These
 * definitions take the place of the C library's in the fuzz binaries
 * only.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../cmd.h"
#include "../file.h"
#include "../nl.h"
#include "../parse.h"
#include "../show.h"
#include "fuzz.h"

int fuzz_run_file(const void *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return -1;
	run_stream(f, "fuzz.conf");
	fclose(f);
	return 0;
}

void fuzz_reset(bool dry_run)
{
	cmd_forget();
	vg_nl_fake_kernel(NULL, NULL);	/* closes the handle left open */
	vg_dry_run = dry_run;
	vg_err_prefix = "vgate";
	vg_err_line = 0;
	vg_err_quiet = false;
	cmd_shell = false;
	cmd_quit = false;
	cmd_in_file = false;
	show_json = false;
}

/* ---- getaddrinfo ---- */

struct fake_ai {
	struct addrinfo ai;
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} sa;
};

int getaddrinfo(const char *node, const char *service,
		const struct addrinfo *hints, struct addrinfo **res)
{
	int family = hints ? hints->ai_family : AF_UNSPEC;
	struct fake_ai *f;

	(void)service;
	if (!node || (strcmp(node, "gw.example") && strcmp(node, "localhost")))
		return EAI_NONAME;
	if (family == AF_UNSPEC)
		family = AF_INET;
	f = calloc(1, sizeof(*f));
	if (!f)
		return EAI_MEMORY;
	f->ai.ai_family = family;
	f->ai.ai_socktype = hints ? hints->ai_socktype : 0;
	f->ai.ai_addr = (struct sockaddr *)&f->sa;
	if (family == AF_INET) {
		f->sa.in.sin_family = AF_INET;
		inet_pton(AF_INET, strcmp(node, "localhost") ? "198.51.100.7" :
			  "127.0.0.1", &f->sa.in.sin_addr);
		f->ai.ai_addrlen = sizeof(f->sa.in);
	} else {
		f->sa.in6.sin6_family = AF_INET6;
		inet_pton(AF_INET6, strcmp(node, "localhost") ? "2001:db8::7" :
			  "::1", &f->sa.in6.sin6_addr);
		f->ai.ai_addrlen = sizeof(f->sa.in6);
	}
	*res = &f->ai;
	return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
	free(res);	/* one struct fake_ai, ai first */
}

/* ---- getifaddrs ---- */

static const struct {
	const char *name, *addr, *mask;
	unsigned int flags;
} fake_ifs[] = {
	{ "lo", "127.0.0.1", "255.0.0.0", IFF_UP | IFF_LOOPBACK },
	{ "lo", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  IFF_UP | IFF_LOOPBACK },
	{ "eth0", "192.0.2.1", "255.255.255.0", IFF_UP },
	{ "eth0", "2001:db8::1", "ffff:ffff:ffff:ffff::", IFF_UP },
	{ "eth1", "10.1.0.1", "255.255.0.0", IFF_UP },
};

struct fake_ifa {
	struct ifaddrs ifa;
	char name[IF_NAMESIZE];
	struct sockaddr_storage addr, mask;
};

static void fake_sockaddr(const char *s, struct sockaddr_storage *ss)
{
	if (strchr(s, ':')) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, s, &in6->sin6_addr);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		inet_pton(AF_INET, s, &in->sin_addr);
	}
}

int getifaddrs(struct ifaddrs **ifap)
{
	size_t n = sizeof(fake_ifs) / sizeof(fake_ifs[0]), i;
	struct fake_ifa *f = calloc(n, sizeof(*f));

	if (!f)
		return -1;
	for (i = 0; i < n; i++) {
		strcpy(f[i].name, fake_ifs[i].name);
		fake_sockaddr(fake_ifs[i].addr, &f[i].addr);
		fake_sockaddr(fake_ifs[i].mask, &f[i].mask);
		f[i].ifa.ifa_name = f[i].name;
		f[i].ifa.ifa_flags = fake_ifs[i].flags;
		f[i].ifa.ifa_addr = (struct sockaddr *)&f[i].addr;
		f[i].ifa.ifa_netmask = (struct sockaddr *)&f[i].mask;
		f[i].ifa.ifa_next = i + 1 < n ? &f[i + 1].ifa : NULL;
	}
	*ifap = &f[0].ifa;
	return 0;
}

void freeifaddrs(struct ifaddrs *ifa)
{
	free(ifa);	/* one array of struct fake_ifa, ifa first */
}

/* ---- if_nameindex ---- */

struct if_nameindex *if_nameindex(void)
{
	static const char *const names[] = { "lo", "eth0", "eth1" };
	struct if_nameindex *v = calloc(4, sizeof(*v));
	unsigned int i;

	if (!v)
		return NULL;
	for (i = 0; i < 3; i++) {
		v[i].if_index = i + 1;
		v[i].if_name = strdup(names[i]);
	}
	return v;
}

void if_freenameindex(struct if_nameindex *ptr)
{
	struct if_nameindex *p;

	for (p = ptr; p && p->if_index; p++)
		free(p->if_name);
	free(ptr);
}
