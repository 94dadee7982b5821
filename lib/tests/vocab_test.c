// SPDX-License-Identifier: GPL-2.0
/* Vocabulary tables both ways: every name finds its row, every value its name. */
#include <string.h>

#include <linux/vgate.h>

#include "vocab.h"
#include "tap.h"

static void names_both_ways(const char *what, const struct vg_name *t, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (vg_name_find(t, n, t[i].name) != &t[i] ||
		    vg_value_find(t, n, t[i].value) != &t[i])
			bad++;
	CHECK(!bad, "%s: %zu names and values both ways", what, n);
	CHECK(!vg_name_find(t, n, "no-such-name") &&
	      !strcmp(vg_value_name(t, n, 0xffff, "?"), "?"),
	      "%s: unknown name and value", what);
}

int main(void)
{
	const struct vg_enc_alg *e;
	const struct vg_dh_group *g;
	size_t i, bad = 0;
	char buf[128];
	const char *l[] = { "a", "b", "c" };

	for (i = 0; i < vg_n_enc_algs; i++) {
		e = &vg_enc_algs[i];
		if (vg_enc_by_name(e->name) != e ||
		    vg_enc_by_alg(e->alg, e->key_len + e->salt_len) != e ||
		    (e->key_len && vg_enc_by_bits(e->alg, e->key_len * 8) != e))
			bad++;
	}
	CHECK(!bad, "enc: %zu rows by name, by (alg, key bytes), by bits",
	      vg_n_enc_algs);
	e = vg_enc_by_alg(VGATE_ENC_AES_GCM_16, 28);
	CHECK(e && !strcmp(e->name, "aes192-gcm") && e->aead && e->salt_len == 4,
	      "enc: a 28-byte AES-GCM key is aes192-gcm");
	CHECK(vg_enc_by_name("3des-cbc")->weak && !vg_enc_by_name("aes128-gcm")->weak,
	      "enc: 3DES flagged weak, AES-GCM not");
	CHECK(vg_enc_by_name("aes256-gcm")->ikev2_id == 20 &&
	      vg_enc_by_name("aes128-cbc")->ikev2_id == 12,
	      "enc: IKEv2 transform IDs");
	for (bad = 0, i = 0; i < vg_n_auth_algs; i++)
		if (vg_auth_by_name(vg_auth_algs[i].name) != &vg_auth_algs[i] ||
		    vg_auth_by_alg(vg_auth_algs[i].alg) != &vg_auth_algs[i])
			bad++;
	CHECK(!bad, "auth: %zu rows both ways", vg_n_auth_algs);
	CHECK(vg_auth_by_alg(VGATE_AUTH_HMAC_SHA256_128)->ikev2_id == 12,
	      "auth: hmac-sha256 is IKEv2 integrity 12");
	for (bad = 0, i = 0; i < vg_n_dh_groups; i++)
		if (vg_dh_by_id(vg_dh_groups[i].id) != &vg_dh_groups[i] ||
		    vg_dh_by_name(vg_dh_groups[i].name) != &vg_dh_groups[i])
			bad++;
	CHECK(!bad && vg_n_dh_groups == 9, "dh: 9 groups both ways");
	g = vg_dh_by_id(2);
	CHECK(g && g->legacy && vg_dh_by_id(5)->legacy &&
	      !vg_dh_by_id(14)->legacy && !vg_dh_by_id(31)->legacy,
	      "dh: 2 and 5 legacy, 14 and 31 not");
	names_both_ways("protocols", vg_protocols, vg_n_protocols);
	names_both_ways("services", vg_bwm_services, vg_n_bwm_services);
	names_both_ways("drop reasons", vg_drop_reasons, vg_n_drop_reasons);
	names_both_ways("modes", vg_modes, vg_n_modes);
	CHECK(vg_n_drop_reasons == VGATE_DROP_MAX,
	      "drop reasons: every VGATE_DROP_* has a name (%zu)",
	      vg_n_drop_reasons);
	for (bad = 0, i = 0; i < vg_n_drop_reasons; i++)
		if (vg_drop_reasons[i].value != i + 1)
			bad++;
	CHECK(!bad, "drop reasons: in enum order");
	CHECK(!strcmp(vg_names_list(l, 3, buf, sizeof(buf)), "a, b or c"),
	      "names list: \"a, b or c\"");
	return tap_done();
}
