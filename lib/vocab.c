// SPDX-License-Identifier: GPL-2.0
/*
 * libvgate vocabularies (vocab.h).  IKE numbers: RFC 7296 and the IANA
 * "IKEv2 Transform Attribute" registries; IKEv1: RFC 2407 (IPsec DOI).
 */
#include <stdio.h>
#include <string.h>

#include <linux/vgate.h>

#include "vocab.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const struct vg_enc_alg vg_enc_algs[] = {
	{ "null", VGATE_ENC_NULL, 0, 0, false, false, 11, 11, "no key" },
	{ "aes128-cbc", VGATE_ENC_AES_CBC, 16, 0, false, false, 12, 12,
	  "16-byte key" },
	{ "aes192-cbc", VGATE_ENC_AES_CBC, 24, 0, false, false, 12, 12,
	  "24-byte key" },
	{ "aes256-cbc", VGATE_ENC_AES_CBC, 32, 0, false, false, 12, 12,
	  "32-byte key" },
	{ "aes128-gcm", VGATE_ENC_AES_GCM_16, 16, 4, true, false, 20, 20,
	  "16-byte key + 4-byte salt" },
	{ "aes192-gcm", VGATE_ENC_AES_GCM_16, 24, 4, true, false, 20, 20,
	  "24-byte key + 4-byte salt" },
	{ "aes256-gcm", VGATE_ENC_AES_GCM_16, 32, 4, true, false, 20, 20,
	  "32-byte key + 4-byte salt" },
	{ "chacha20-poly1305", VGATE_ENC_CHACHA20_POLY1305, 32, 4, true, false,
	  28, 0, "32-byte key + 4-byte salt" },
	{ "3des-cbc", VGATE_ENC_DES3_CBC, 24, 0, false, true, 3, 3,
	  "24-byte key" },
};

const size_t vg_n_enc_algs = ARRAY_SIZE(vg_enc_algs);

const struct vg_auth_alg vg_auth_algs[] = {
	{ "none", VGATE_AUTH_NONE, 0, 0, 0, 0 },
	{ "hmac-sha1", VGATE_AUTH_HMAC_SHA1_96, 20, 12, 2, 2 },
	{ "hmac-sha256", VGATE_AUTH_HMAC_SHA256_128, 32, 16, 12, 5 },
	{ "hmac-sha384", VGATE_AUTH_HMAC_SHA384_192, 48, 24, 13, 6 },
	{ "hmac-sha512", VGATE_AUTH_HMAC_SHA512_256, 64, 32, 14, 7 },
};

const size_t vg_n_auth_algs = ARRAY_SIZE(vg_auth_algs);

const struct vg_dh_group vg_dh_groups[] = {
	{ 14, "modp2048", 2048, false },
	{ 15, "modp3072", 3072, false },
	{ 16, "modp4096", 4096, false },
	{ 19, "ecp256", 256, false },
	{ 20, "ecp384", 384, false },
	{ 21, "ecp521", 521, false },
	{ 31, "curve25519", 256, false },
	{ 2, "modp1024", 1024, true },
	{ 5, "modp1536", 1536, true },
};

const size_t vg_n_dh_groups = ARRAY_SIZE(vg_dh_groups);

const struct vg_name vg_protocols[] = {
	{ "icmp", 1, NULL }, { "tcp", 6, NULL }, { "udp", 17, NULL },
	{ "gre", 47, NULL }, { "esp", 50, NULL }, { "ah", 51, NULL },
	{ "icmpv6", 58, NULL }, { "sctp", 132, NULL },
	{ "udplite", 136, NULL },
};

const size_t vg_n_protocols = ARRAY_SIZE(vg_protocols);

const struct vg_name vg_bwm_services[] = {
	{ "ftp", VGATE_BWM_SVC_FTP, NULL },
	{ "h323", VGATE_BWM_SVC_H323, NULL },
	{ "sip", VGATE_BWM_SVC_SIP, NULL },
	{ "http", VGATE_BWM_SVC_HTTP, NULL },
	{ "https", VGATE_BWM_SVC_HTTPS, NULL },
	{ "dns", VGATE_BWM_SVC_DNS, NULL },
};

const size_t vg_n_bwm_services = ARRAY_SIZE(vg_bwm_services);

/* In enum order: the show views print them in this order. */
const struct vg_name vg_drop_reasons[] = {
	{ "no-sa", VGATE_DROP_NO_SA, "no_sa" },
	{ "replay", VGATE_DROP_REPLAY, NULL },
	{ "auth", VGATE_DROP_AUTH, NULL },
	{ "bad-padding", VGATE_DROP_BAD_PADDING, "bad_padding" },
	{ "malformed", VGATE_DROP_MALFORMED, NULL },
	{ "policy", VGATE_DROP_POLICY, NULL },
	{ "rule", VGATE_DROP_RULE, NULL },
	{ "expired", VGATE_DROP_EXPIRED, NULL },
	{ "seq-overflow", VGATE_DROP_SEQ_OVERFLOW, "seq_overflow" },
	{ "mtu", VGATE_DROP_MTU, NULL },
	{ "nomem", VGATE_DROP_NOMEM, NULL },
	{ "crypto", VGATE_DROP_CRYPTO, NULL },
	{ "no-route", VGATE_DROP_NO_ROUTE, "no_route" },
	{ "acquire-overflow", VGATE_DROP_ACQUIRE_OVERFLOW, "acquire_overflow" },
	{ "acquire-timeout", VGATE_DROP_ACQUIRE_TIMEOUT, "acquire_timeout" },
	{ "peer-blocked", VGATE_DROP_PEER_BLOCKED, "peer_blocked" },
	{ "natt-malformed", VGATE_DROP_NATT_MALFORMED, "natt_malformed" },
	{ "natt-no-daemon", VGATE_DROP_NATT_NO_DAEMON, "natt_no_daemon" },
	{ "ipcomp-malformed", VGATE_DROP_IPCOMP_MALFORMED, "ipcomp_malformed" },
	{ "decompress", VGATE_DROP_DECOMPRESS, NULL },
	{ "decompress-oversize", VGATE_DROP_DECOMPRESS_OVERSIZE,
	  "decompress_oversize" },
	{ "peer-down", VGATE_DROP_PEER_DOWN, "peer_down" },
	{ "nesting", VGATE_DROP_NESTING, NULL },
	{ "fragment", VGATE_DROP_FRAGMENT, NULL },
	{ "no-next-header", VGATE_DROP_NO_NEXT_HEADER, "no_next_header" },
};

const size_t vg_n_drop_reasons = ARRAY_SIZE(vg_drop_reasons);

const struct vg_name vg_modes[] = {
	{ "tunnel", VGATE_MODE_TUNNEL, NULL },
	{ "transport", VGATE_MODE_TRANSPORT, NULL },
};

const size_t vg_n_modes = ARRAY_SIZE(vg_modes);

const struct vg_enc_alg *vg_enc_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < vg_n_enc_algs; i++)
		if (!strcmp(vg_enc_algs[i].name, name))
			return &vg_enc_algs[i];
	return NULL;
}

const struct vg_enc_alg *vg_enc_by_alg(uint16_t alg, size_t keybytes)
{
	size_t i;

	for (i = 0; i < vg_n_enc_algs; i++)
		if (vg_enc_algs[i].alg == alg &&
		    (size_t)vg_enc_algs[i].key_len + vg_enc_algs[i].salt_len ==
		    keybytes)
			return &vg_enc_algs[i];
	return NULL;
}

const struct vg_enc_alg *vg_enc_by_bits(uint16_t alg, unsigned int bits)
{
	size_t i;

	for (i = 0; i < vg_n_enc_algs; i++)
		if (vg_enc_algs[i].alg == alg &&
		    (!bits || vg_enc_algs[i].key_len * 8U == bits))
			return &vg_enc_algs[i];
	return NULL;
}

const struct vg_auth_alg *vg_auth_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < vg_n_auth_algs; i++)
		if (!strcmp(vg_auth_algs[i].name, name))
			return &vg_auth_algs[i];
	return NULL;
}

const struct vg_auth_alg *vg_auth_by_alg(uint16_t alg)
{
	size_t i;

	for (i = 0; i < vg_n_auth_algs; i++)
		if (vg_auth_algs[i].alg == alg)
			return &vg_auth_algs[i];
	return NULL;
}

const struct vg_dh_group *vg_dh_by_id(uint16_t id)
{
	size_t i;

	for (i = 0; i < vg_n_dh_groups; i++)
		if (vg_dh_groups[i].id == id)
			return &vg_dh_groups[i];
	return NULL;
}

const struct vg_dh_group *vg_dh_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < vg_n_dh_groups; i++)
		if (!strcmp(vg_dh_groups[i].name, name))
			return &vg_dh_groups[i];
	return NULL;
}

const struct vg_name *vg_name_find(const struct vg_name *t, size_t n,
				   const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

const struct vg_name *vg_value_find(const struct vg_name *t, size_t n,
				    uint32_t value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == value)
			return &t[i];
	return NULL;
}

const char *vg_value_name(const struct vg_name *t, size_t n, uint32_t value,
			  const char *dflt)
{
	const struct vg_name *row = vg_value_find(t, n, value);

	return row ? row->name : dflt;
}

char *vg_names_list(const char *const *names, size_t n, char *buf,
		    size_t len)
{
	size_t i, off = 0;
	int w;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(buf + off, len - off, "%s%s",
			     !i ? "" : i + 1 == n ? " or " : ", ", names[i]);
		if (w < 0 || (size_t)w >= len - off)
			break;
		off += w;
	}
	return buf;
}
