/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate-iked's policy: the algorithm vocabulary (configuration tokens in
 * strongSwan's spelling, "aes128gcm16-prfsha256-x25519", and the display
 * names strongSwan's swanctl prints, "AES_GCM_16-128/PRF_HMAC_SHA2_256/
 * CURVE_25519", both from one table), proposal selection (RFC 7296 2.7,
 * 3.3.6), and traffic selectors: parsing, narrowing (2.9), text.
 *
 * A configured proposal list is kept as the SA payload it is sent as
 * (struct ike_sa), so one renderer prints both what a peer offered and
 * what we have.
 */
#ifndef VGATE_IKED_POLICY_H
#define VGATE_IKED_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "pld.h"

/*
 * "PROP, PROP, ..." with PROP := TOKEN-TOKEN-...; proto IKEV2_PROTO_IKE or
 * _ESP.  0, or -1 with a message naming the bad token in err.
 */
int pol_prop_parse(const char *s, uint8_t proto, struct ike_sa *out,
		   char *err, size_t errlen);
/* Any proposal list (ours or received) in the configuration's spelling. */
void pol_prop_str(const struct ike_sa *sa, char *buf, size_t len);

/* One transform of each type: what selection chose. */
struct pol_choice {
	uint8_t num;		/* the peer's proposal number */
	uint8_t proto;
	uint8_t spi_size;
	uint8_t spi[IKE_MAX_SPI_LEN];
	uint16_t encr, encr_bits, integ, prf, dh, esn;
};

/*
 * Choose from a peer's proposals (2.7): our proposals in our order, for
 * each the peer's in its order, one transform of each type the peer
 * offers.  ignore_dh: DH transforms are not negotiated (the first CHILD
 * SA in IKE_AUTH).  0 or -1 (NO_PROPOSAL_CHOSEN).
 */
int pol_select(const struct ike_sa *ours, const struct ike_sa *peer,
	       uint8_t proto, int ignore_dh, struct pol_choice *c);
/* The chosen proposal as a one-proposal SA payload (the answer). */
void pol_choice_sa(const struct pol_choice *c, struct ike_sa *out);
/* strongSwan's display: "AES_CBC-128/HMAC_SHA2_256_128/PRF_.../MODP_2048". */
void pol_choice_name(const struct pol_choice *c, char *buf, size_t len);
/* Names of single transforms, strongSwan's spelling. */
const char *pol_encr_name(uint16_t encr, uint16_t bits, char *buf,
			  size_t len);
const char *pol_integ_name(uint16_t integ);
const char *pol_dh_name(uint16_t dh);
int pol_encr_aead(uint16_t encr);

/* The DH group of our first proposal that has one; 0 if none. */
uint16_t pol_first_dh(const struct ike_sa *ours);
/* Whether a group is among our proposals' DH transforms. */
int pol_has_dh(const struct ike_sa *ours, uint16_t group);

/*
 * Traffic selectors: "10.1.0.0/24, 2001:db8::/64, 10.9.0.1" (address,
 * prefix or range a-b); every protocol and port.
 */
int pol_ts_parse(const char *s, struct ike_ts_pld *ts, char *err,
		 size_t errlen);
void pol_ts_str(const struct ike_ts_pld *ts, char *buf, size_t len);
/*
 * Narrowing (2.9): the intersections of each configured selector with
 * each received one, into out; how many (0: TS_UNACCEPTABLE).
 */
int pol_ts_narrow(const struct ike_ts_pld *conf, const struct ike_ts_pld *peer,
		  struct ike_ts_pld *out);
/* Whether every selector of inner lies inside one of outer. */
int pol_ts_subset(const struct ike_ts_pld *inner,
		  const struct ike_ts_pld *outer);

#endif
