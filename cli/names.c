// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's lists of fixed values, from libvgate's vocabulary tables
 * (names.h).  They are filled before main() runs, so that the static
 * command tables (ipsec.c, garp.c, bwm.c) can point at them.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/vocab.h"

#include "names.h"

/* Room for the largest vocabulary (drop reasons: 25) and a prefix. */
#define NAMES_MAX 48

const char *enc_choices[NAMES_MAX + 1];
const char *auth_choices[NAMES_MAX + 1];
const char *hmac_choices[NAMES_MAX + 1];
const char *mode_choices[NAMES_MAX + 1];
const char *proto_choices[NAMES_MAX + 1];
const char *flow_proto_choices[NAMES_MAX + 1];
const char *rule_proto_choices[NAMES_MAX + 1];
const char *svc_choices[NAMES_MAX + 1];
const char *drop_choices[NAMES_MAX + 1];

static void add(const char **list, size_t *n, const char *name)
{
	if (*n >= NAMES_MAX) {
		/* A table outgrew NAMES_MAX: a build error in all but name. */
		fprintf(stderr, "vgate: a vocabulary has more than %d names\n",
			NAMES_MAX);
		abort();
	}
	list[(*n)++] = name;
	list[*n] = NULL;
}

static void add_names(const char **list, size_t *n, const struct vg_name *t,
		      size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		add(list, n, t[i].name);
}

bool names_rule_proto(uint32_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return true;
	}
	return false;
}

const char *names_rule_proto_name(uint8_t proto, char *buf, size_t len)
{
	if (!proto)
		return "any";
	if (names_rule_proto(proto))
		return vg_value_name(vg_protocols, vg_n_protocols, proto, "?");
	snprintf(buf, len, "%u", proto);
	return buf;
}

__attribute__((constructor)) static void names_init(void)
{
	size_t i, ne = 0, na = 0, nh = 0, nm = 0, np = 0, nf = 0, nr = 0,
	       ns = 0, nd = 0;

	for (i = 0; i < vg_n_enc_algs; i++)
		add(enc_choices, &ne, vg_enc_algs[i].name);
	for (i = 0; i < vg_n_auth_algs; i++) {
		add(auth_choices, &na, vg_auth_algs[i].name);
		if (vg_auth_algs[i].key_len)
			add(hmac_choices, &nh, vg_auth_algs[i].name);
	}
	add_names(mode_choices, &nm, vg_modes, vg_n_modes);
	add_names(proto_choices, &np, vg_protocols, vg_n_protocols);
	add(rule_proto_choices, &nr, "dont-verify");
	add(rule_proto_choices, &nr, "any");
	for (i = 0; i < vg_n_protocols; i++) {
		if (!names_rule_proto(vg_protocols[i].value))
			continue;
		add(flow_proto_choices, &nf, vg_protocols[i].name);
		add(rule_proto_choices, &nr, vg_protocols[i].name);
	}
	add_names(svc_choices, &ns, vg_bwm_services, vg_n_bwm_services);
	add_names(drop_choices, &nd, vg_drop_reasons, vg_n_drop_reasons);
}

char *names_expected(const char *const *choices, char *buf, size_t len)
{
	size_t n = 0;

	while (choices[n])
		n++;
	return vg_names_list(choices, n, buf, len);
}
