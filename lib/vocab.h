/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate vocabularies: one table per set of names, used both ways
 * (name -> value to parse, value -> name to print) and walked whole for
 * TAB completion, '?' help and the "expected ..." of error messages.
 */
#ifndef LIBVGATE_VOCAB_H
#define LIBVGATE_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ESP ciphers as the CLI and IKE name them; one row per key size. */
struct vg_enc_alg {
	const char *name;		/* "aes128-gcm" */
	uint16_t alg;			/* enum vgate_enc_alg */
	uint8_t key_len;		/* cipher key bytes, salt excluded */
	uint8_t salt_len;		/* bytes of salt after the key */
	bool aead;
	bool weak;			/* legacy peers only */
	uint16_t ikev2_id;		/* IKEv2 transform type 1 (ENCR) */
	uint8_t ikev1_id;		/* IPsec DOI ESP transform ID, 0: none */
	const char *keydesc;		/* "16-byte key + 4-byte salt" */
};

struct vg_auth_alg {
	const char *name;		/* "hmac-sha256" */
	uint16_t alg;			/* enum vgate_auth_alg */
	uint8_t key_len;
	uint8_t icv_len;		/* truncated ICV bytes */
	uint16_t ikev2_id;		/* IKEv2 transform type 3 (INTEG) */
	uint8_t ikev1_id;		/* IPsec DOI authentication algorithm */
};

struct vg_dh_group {
	uint16_t id;			/* IKEv2 transform type 4, IKEv1 group */
	const char *name;		/* "modp2048", "ecp256", "curve25519" */
	uint16_t bits;			/* size of the group */
	bool legacy;			/* 2 and 5: for old peers only */
};

/* A name <-> value row of the simple vocabularies. */
struct vg_name {
	const char *name;		/* as typed: "no-sa", "tcp" */
	uint32_t value;
	const char *json;		/* JSON key if different, else NULL */
};

extern const struct vg_enc_alg vg_enc_algs[];
extern const size_t vg_n_enc_algs;
extern const struct vg_auth_alg vg_auth_algs[];
extern const size_t vg_n_auth_algs;
extern const struct vg_dh_group vg_dh_groups[];
extern const size_t vg_n_dh_groups;

/* IP protocols by name (rules, filters). */
extern const struct vg_name vg_protocols[];
extern const size_t vg_n_protocols;
/* Bandwidth manager services (enum vgate_bwm_service). */
extern const struct vg_name vg_bwm_services[];
extern const size_t vg_n_bwm_services;
/* Drop reasons (enum vgate_drop_reason), "no-sa" / "no_sa". */
extern const struct vg_name vg_drop_reasons[];
extern const size_t vg_n_drop_reasons;
/* SA modes (enum vgate_mode). */
extern const struct vg_name vg_modes[];
extern const size_t vg_n_modes;

const struct vg_enc_alg *vg_enc_by_name(const char *name);
/* By kernel enum and key length in bytes (salt included); NULL if none. */
const struct vg_enc_alg *vg_enc_by_alg(uint16_t alg, size_t keybytes);
/* By kernel enum and cipher key size in bits (0: any size, first row). */
const struct vg_enc_alg *vg_enc_by_bits(uint16_t alg, unsigned int bits);
const struct vg_auth_alg *vg_auth_by_name(const char *name);
const struct vg_auth_alg *vg_auth_by_alg(uint16_t alg);
const struct vg_dh_group *vg_dh_by_id(uint16_t id);
const struct vg_dh_group *vg_dh_by_name(const char *name);

/* The row of name (exact) or value in a vg_name table; NULL if none. */
const struct vg_name *vg_name_find(const struct vg_name *t, size_t n,
				   const char *name);
const struct vg_name *vg_value_find(const struct vg_name *t, size_t n,
				    uint32_t value);
/* The name of value, or dflt. */
const char *vg_value_name(const struct vg_name *t, size_t n, uint32_t value,
			  const char *dflt);

/*
 * "a, b, c or d" of the names of a table into buf (for "expected ..."),
 * at most len bytes with the NUL; returns buf.
 */
char *vg_names_list(const char *const *names, size_t n, char *buf,
		    size_t len);

#endif
