/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 message codec (RFC 7296 section 3, RFC 7383 for SKF): the header,
 * the payload chain and each payload, parsed into plain structs and built
 * back from them.
 *
 * Parsing never allocates and never copies payload data: a struct ike_blob
 * points into the datagram, which must outlive the struct ike_msg.  Every
 * length is checked before the bytes it covers are read; a malformed
 * message gives one specific enum ike_err (a counter or log line per
 * reason), never a partial result the caller could trust by mistake.
 *
 * Building writes into a caller's buffer (struct ike_wbuf); an overflow is
 * sticky (w->err) and reported by ike_build_done(), so a sequence of
 * ike_build_*() calls needs one check at the end.
 */
#ifndef VGATE_IKE_PLD_H
#define VGATE_IKE_PLD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ikev2.h"

/* Fixed limits of a parsed message; more is IKE_E_TOO_MANY. */
#define IKE_MAX_PAYLOADS	64
#define IKE_MAX_PROPS		16
#define IKE_MAX_XFORMS		48	/* per proposal */
#define IKE_MAX_TS		16	/* per TS payload */
#define IKE_MAX_SPI_LEN		8

enum ike_err {
	IKE_OK = 0,
	/* header */
	IKE_E_SHORT,		/* datagram shorter than the IKE header */
	IKE_E_VERSION,		/* major version not 2: INVALID_MAJOR_VERSION */
	IKE_E_LENGTH,		/* header length != datagram length */
	IKE_E_SPI,		/* initiator's SPI is zero */
	IKE_E_EXCHANGE,		/* exchange type not one of RFC 7296's */
	/* payload chain */
	IKE_E_PLD_SHORT,	/* less than a generic header left */
	IKE_E_PLD_LENGTH,	/* payload length < 4 or past the message */
	IKE_E_CRITICAL,		/* unknown payload, critical bit set:
				 * UNSUPPORTED_CRITICAL_PAYLOAD (msg->bad_type) */
	IKE_E_TRAILING,		/* bytes after the last payload */
	IKE_E_TOO_MANY,		/* past one of the IKE_MAX_* limits */
	IKE_E_DUPLICATE,	/* a payload that may appear once, twice */
	IKE_E_SK_NOT_LAST,	/* SK or SKF followed by another payload */
	IKE_E_SK_NESTED,	/* SK or SKF inside the encrypted part */
	/* SA */
	IKE_E_SA_EMPTY,		/* no proposal */
	IKE_E_SA_PROP_LEN,	/* proposal length bad or past the payload */
	IKE_E_SA_PROP_LAST,	/* "last substruc" neither 0 nor 2, or lying */
	IKE_E_SA_PROP_NUM,	/* numbers not 1, then same or +1 */
	IKE_E_SA_SPI_SIZE,	/* SPI size not 0, 4 or 8 */
	IKE_E_SA_XFORM_LEN,	/* transform length bad or past the proposal */
	IKE_E_SA_XFORM_LAST,	/* "last substruc" neither 0 nor 3, or lying */
	IKE_E_SA_XFORM_COUNT,	/* number of transforms does not match */
	IKE_E_SA_ATTR,		/* attribute truncated, or Key Length not TV */
	IKE_E_SA_ATTR_DUP,	/* Key Length twice in one transform */
	/* the others */
	IKE_E_KE_LEN,		/* KE without its 4 octets or with no data */
	IKE_E_NONCE_LEN,	/* nonce outside 16..256 octets */
	IKE_E_ID_LEN,		/* ID empty, or an address of the wrong size */
	IKE_E_AUTH_LEN,		/* AUTH with no data */
	IKE_E_N_LEN,		/* notify shorter than its header and SPI */
	IKE_E_N_SPI_SIZE,	/* notify SPI size not 0, 4 or 8 */
	IKE_E_D_LEN,		/* delete: length != header + count * size */
	IKE_E_D_PROTO,		/* delete: protocol and SPI size disagree */
	IKE_E_TS_LEN,		/* TS payload or a selector truncated */
	IKE_E_TS_COUNT,		/* no selector, or count != selectors */
	IKE_E_TS_TYPE,		/* selector type not IPv4 or IPv6 range */
	IKE_E_SK_LEN,		/* SK with no data */
	IKE_E_SKF_LEN,		/* SKF shorter than its numbers plus data */
	IKE_E_SKF_NUM,		/* fragment number 0, total 0, or num > total */
	IKE_E_SKF_NEXT,		/* next payload set in a fragment other than 1 */
	IKE_E_CERT_LEN,		/* CERT with no data */
	IKE_E_CERTREQ_LEN,	/* CERTREQ truncated, or X.509 hashes not 20 */
	/* building */
	IKE_E_NOSPC,		/* the buffer is too small */
	IKE_E_BUILD,		/* a struct that cannot be encoded */
	IKE_E__COUNT
};

/* A name for logs and counters ("sa_prop_len", ...). */
const char *ike_err_str(enum ike_err e);

/* Bytes of the datagram (parsing) or of the caller (building). */
struct ike_blob {
	const uint8_t *p;
	size_t len;
};

struct ike_hdr {
	uint8_t ispi[IKEV2_SPI_LEN];
	uint8_t rspi[IKEV2_SPI_LEN];
	uint8_t next;
	uint8_t version;	/* major << 4 | minor */
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

struct ike_xform {
	uint8_t type;		/* enum ikev2_xform_type */
	uint16_t id;
	uint16_t keylen;	/* Key Length attribute in bits; 0: none */
	/*
	 * Parsed: every attribute, raw (Key Length among them); any other
	 * than Key Length is unknown to RFC 7296 and makes the policy reject
	 * the transform (ike_xform_unknown_attrs()).  Building: the attributes
	 * other than Key Length are taken from here, Key Length from keylen.
	 */
	struct ike_blob attrs;
};

struct ike_prop {
	uint8_t num;
	uint8_t proto;		/* enum ikev2_proto */
	uint8_t spi_size;
	uint8_t spi[IKE_MAX_SPI_LEN];
	uint8_t n_xforms;
	struct ike_xform xf[IKE_MAX_XFORMS];
};

struct ike_sa {
	uint8_t n_props;
	struct ike_prop prop[IKE_MAX_PROPS];
};

struct ike_ke {
	uint16_t group;		/* enum ikev2_dh */
	struct ike_blob data;
};

struct ike_id {
	uint8_t type;		/* enum ikev2_id_type; others kept as raw */
	struct ike_blob data;
};

struct ike_auth {
	uint8_t method;		/* enum ikev2_auth */
	struct ike_blob data;
};

struct ike_notify {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;		/* enum ikev2_notify */
	uint8_t spi[IKE_MAX_SPI_LEN];
	struct ike_blob data;
};

struct ike_delete {
	uint8_t proto;
	uint8_t spi_size;	/* 0 for IKE, 4 for AH and ESP */
	uint16_t n_spi;
	struct ike_blob spis;	/* n_spi * spi_size octets */
};

struct ike_ts {
	uint8_t type;		/* enum ikev2_ts_type */
	uint8_t proto;		/* IP protocol, 0: any */
	uint16_t sport, eport;
	uint8_t start[16], end[16];	/* 4 or 16 octets used, by type */
};

struct ike_ts_pld {
	uint8_t n;
	struct ike_ts ts[IKE_MAX_TS];
};

/* SK (3.14) and SKF (RFC 7383 2.5): kept encrypted. */
struct ike_sk {
	uint8_t first;		/* the first inner payload (Next Payload) */
	uint16_t frag_num;	/* SKF only */
	uint16_t frag_total;	/* SKF only */
	struct ike_blob data;	/* IV | ciphertext | ICV */
};

/* CERT (3.6) and CERTREQ (3.7). */
struct ike_cert {
	uint8_t enc;		/* enum ikev2_cert */
	struct ike_blob data;
};

/*
 * One payload of the chain, in order.  Small payloads are decoded here;
 * SA, TSi and TSr (singular and large) are in struct ike_msg.  CP, EAP and
 * unknown non-critical payloads have only their body.
 */
struct ike_pld {
	uint8_t type;
	uint8_t critical;
	uint8_t inner;		/* came from the decrypted SK contents */
	uint8_t known;		/* 0: unknown, skipped (body kept for logs) */
	struct ike_blob body;	/* after the generic header */
	union {
		struct ike_ke ke;
		struct ike_blob nonce;
		struct ike_id id;
		struct ike_auth auth;
		struct ike_notify n;
		struct ike_delete d;
		struct ike_sk sk;
		struct ike_cert cert;
		struct ike_blob vendor;
	} u;
};

struct ike_msg {
	struct ike_hdr hdr;
	const uint8_t *buf;
	size_t len;
	uint8_t n_pld;
	struct ike_pld pl[IKE_MAX_PAYLOADS];
	struct ike_sa sa;
	struct ike_ts_pld tsi, tsr;
	uint64_t seen;		/* bit (type - 32) of each singular payload */
	/* Where parsing stopped: the payload type and its offset. */
	uint8_t bad_type;
	size_t bad_off;
};

/*
 * The whole datagram (without the non-ESP marker of port 4500): header,
 * then the chain, each known payload decoded.  SK/SKF stay encrypted; once
 * decrypted, ike_msg_parse_inner() adds the inner payloads to the same msg.
 */
enum ike_err ike_msg_parse(struct ike_msg *m, const uint8_t *buf, size_t len);
enum ike_err ike_msg_parse_inner(struct ike_msg *m, uint8_t first,
				 const uint8_t *buf, size_t len);

/* The header alone (for the daemon's SA lookup before anything else). */
enum ike_err ike_hdr_parse(struct ike_hdr *h, const uint8_t *buf, size_t len);

/* The n-th payload of a type (0 first), or NULL. */
const struct ike_pld *ike_msg_find(const struct ike_msg *m, uint8_t type,
				   unsigned int n);
/* The first notify of a type, or NULL. */
const struct ike_notify *ike_msg_notify(const struct ike_msg *m, uint16_t type);
/* The first error notify (type up to IKEV2_N_ERROR_MAX, 3.10.1), or NULL. */
const struct ike_notify *ike_msg_error(const struct ike_msg *m);

/* How many attributes of a parsed transform are not Key Length. */
unsigned int ike_xform_unknown_attrs(const struct ike_xform *x);

/*
 * The decoded message as text, one payload a line, every field and blob
 * (hex): for logs, and for the fuzz target's round-trip comparison.
 */
void ike_msg_dump(const struct ike_msg *m, FILE *f);

/* Decoders of one payload body (what ike_msg_parse uses). */
enum ike_err ike_sa_parse(struct ike_sa *sa, const uint8_t *p, size_t len);
enum ike_err ike_ts_parse(struct ike_ts_pld *ts, const uint8_t *p, size_t len);

/* ---- building ---- */

struct ike_wbuf {
	uint8_t *p;
	size_t cap, len;
	size_t next_off;	/* Next Payload octet to patch, or NO_NEXT */
	uint8_t first;		/* the first payload, when there was no octet */
	uint8_t has_hdr;	/* ike_build_hdr() was called */
	int err;		/* enum ike_err, sticky */
};

/* An inner chain (to be encrypted): its first type ends in w->first. */
void ike_wbuf_init(struct ike_wbuf *w, uint8_t *buf, size_t cap);
/* A message: the header (length patched by ike_build_done()). */
void ike_build_hdr(struct ike_wbuf *w, const struct ike_hdr *h);

/*
 * A payload by hand: the generic header (chained to the previous one),
 * then the body by ike_build_bytes(), then ike_build_end() sets its length.
 */
size_t ike_build_begin(struct ike_wbuf *w, uint8_t type, int critical);
void ike_build_bytes(struct ike_wbuf *w, const void *p, size_t len);
void ike_build_end(struct ike_wbuf *w, size_t off);

void ike_build_sa(struct ike_wbuf *w, const struct ike_sa *sa);
void ike_build_ke(struct ike_wbuf *w, const struct ike_ke *ke);
void ike_build_nonce(struct ike_wbuf *w, const uint8_t *p, size_t len);
/* type: IKEV2_PL_IDI or IKEV2_PL_IDR. */
void ike_build_id(struct ike_wbuf *w, uint8_t type, const struct ike_id *id);
void ike_build_auth(struct ike_wbuf *w, const struct ike_auth *a);
void ike_build_notify(struct ike_wbuf *w, const struct ike_notify *n);
void ike_build_delete(struct ike_wbuf *w, const struct ike_delete *d);
/* type: IKEV2_PL_TSI or IKEV2_PL_TSR. */
void ike_build_ts(struct ike_wbuf *w, uint8_t type,
		  const struct ike_ts_pld *ts);
/* type: IKEV2_PL_CERT or IKEV2_PL_CERTREQ. */
void ike_build_cert(struct ike_wbuf *w, uint8_t type,
		    const struct ike_cert *c);
void ike_build_vendor(struct ike_wbuf *w, const uint8_t *p, size_t len);
/* Any payload from its raw body (CP, EAP, unknown ones). */
void ike_build_raw(struct ike_wbuf *w, uint8_t type, int critical,
		   const uint8_t *p, size_t len);
/*
 * SK or SKF with its encrypted data as is (type IKEV2_PL_SK or _SKF; the
 * fragment numbers only for SKF).  To encrypt, see ike_sk_encrypt()
 * (crypto.h), which appends the data after ike_build_sk_begin().
 */
void ike_build_sk(struct ike_wbuf *w, uint8_t type, const struct ike_sk *sk);
size_t ike_build_sk_begin(struct ike_wbuf *w, uint8_t first);
/* SKF: first is the inner payload type in fragment 1, else 0 (7383 2.5). */
size_t ike_build_skf_begin(struct ike_wbuf *w, uint8_t first, uint16_t num,
			   uint16_t total);

/* Patch the header's length; the message's length, or -enum ike_err. */
long ike_build_done(struct ike_wbuf *w);

/*
 * Every payload of a parsed message back (outer ones only: SK/SKF as its
 * encrypted data), in order: the codec's round trip.
 */
long ike_msg_build(struct ike_wbuf *w, const struct ike_msg *m);

#endif
