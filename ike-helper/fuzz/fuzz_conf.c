// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over vgate-iked's configuration parser (conf.c, and
 * policy.c's proposal and selector parsers under it): an input is one
 * configuration file (PSK files are not read: CONF_NO_PSK_FILES).
 * Beyond the sanitizers, a configuration that parses keeps these
 * promises:
 *   - every peer has a name, a remote address, at least one IKE and one
 *     ESP proposal, and at least one local and one remote selector;
 *   - each proposal list is accepted by the selection against itself
 *     (what we would offer, we would also accept), for IKE and for ESP;
 *   - each selector set narrowed against itself is non-empty and a
 *     subset of itself;
 *   - every list renders as text (pol_prop_str, pol_ts_str) within its
 *     buffer.
 * A bad configuration must fail with an error message naming it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "ikev2.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_sa esp4;

static void check_peer(const struct conf_peer *p)
{
	struct ike_ts_pld out;
	struct pol_choice c;
	char buf[2048];
	unsigned int i;

	if (!p->name[0] || !p->remote.ss_family || !p->ike.n_props ||
	    !p->esp.n_props || !p->local_ts.n || !p->remote_ts.n)
		abort();
	if (pol_select(&p->ike, &p->ike, IKEV2_PROTO_IKE, 0, &c))
		abort();
	esp4 = p->esp;
	for (i = 0; i < esp4.n_props; i++)
		esp4.prop[i].spi_size = 4;
	if (pol_select(&p->esp, &esp4, IKEV2_PROTO_ESP, 1, &c))
		abort();
	if (!pol_ts_narrow(&p->local_ts, &p->local_ts, &out) ||
	    !pol_ts_subset(&p->local_ts, &p->local_ts) ||
	    !pol_ts_subset(&out, &p->local_ts))
		abort();
	pol_prop_str(&p->ike, buf, sizeof(buf));
	pol_prop_str(&p->esp, buf, 16);
	pol_ts_str(&p->remote_ts, buf, sizeof(buf));
	pol_ts_str(&p->remote_ts, buf, 7);
	pol_choice_name(&c, buf, sizeof(buf));
	if (strlen(buf) >= sizeof(buf))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	struct conf_peer *p;
	char err[512];

	err[0] = 0;
	if (conf_parse(&c, (const char *)data, size, "fuzz",
		       CONF_NO_PSK_FILES, err, sizeof(err))) {
		if (!err[0])
			abort();	/* an error without a message */
		return 0;
	}
	for (p = c.peers; p; p = p->next)
		check_peer(p);
	conf_free(&c);
	return 0;
}
