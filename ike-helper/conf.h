/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate-iked's configuration file (format: README.md, "Configuration").
 * Parsed into plain structs; nothing here sends or installs anything.
 * A bad line gives one error naming the file, the line, the keyword and
 * the bad value.  PSKs are read from their own files (mode 0600, refused
 * when group or others may read them) into wiped memory.
 */
#ifndef VGATE_IKED_CONF_H
#define VGATE_IKED_CONF_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "crypto.h"
#include "pld.h"

#define CONF_NAME_MAX	64
#define CONF_ID_MAX	255
/* esp_lifetime: a CHILD SA is rekeyed at 80..90 % of it, deleted at it */
#define CONF_ESP_LIFE_DEFAULT	3600
#define CONF_ESP_LIFE_MIN	5
#define CONF_ESP_LIFE_MAX	172800
/* ike_lifetime: the IKE SA is rekeyed at 80..90 % of it (same range) */
#define CONF_IKE_LIFE_DEFAULT	14400
/* esp_lifetime_kb: a CHILD SA's volume limit in KiB (0: none), kept by the
 * kernel: soft at 80..90 % (a rekey), hard at the value */
#define CONF_ESP_KB_MAX		4294967295UL
#define CONF_DPD_DEFAULT	30
#define CONF_DPD_MAX		3600
/* cookie_threshold: half-open responder IKE SAs from which an IKE_SA_INIT
 * request must carry a cookie (RFC 7296 2.6); -1: never */
#define CONF_COOKIE_DEFAULT	10
#define CONF_COOKIE_MAX		1024	/* IKED_HALF_OPEN_MAX: dropped there */

/* fragment_size: the largest IP datagram of an IKE fragment we send
 * (RFC 7383; 0: fragmentation not offered) */
#define CONF_FRAG_DEFAULT	1280
#define CONF_FRAG_MIN		256
#define CONF_FRAG_MAX		8192	/* IKED_MSG_MAX */

/* initial_contact: what N(INITIAL_CONTACT) in an IKE_AUTH removes (the
 * seeds' `ipsec initContactMode`, LAN-Cell Appendix 8) */
enum conf_ic_mode {
	CONF_IC_GATEWAY,	/* every other IKE SA with that gateway */
	CONF_IC_TUNNEL,		/* only those of the same peer and selectors */
};

struct conf_id {
	uint8_t type;			/* enum ikev2_id_type */
	uint8_t len;
	uint8_t data[CONF_ID_MAX];	/* as in the ID payload */
};

struct conf_peer {
	struct conf_peer *next;
	char name[CONF_NAME_MAX];
	unsigned int line;		/* where "peer NAME" stands */
	int has_local;
	struct sockaddr_storage local;	/* port 0: the daemon's */
	struct sockaddr_storage remote;	/* with the port (default 500) */
	struct conf_id local_id, remote_id;
	char psk_file[256];
	struct ike_chunk psk;		/* wiped on free */
	struct ike_sa ike, esp;		/* our proposals, as sent */
	struct ike_ts_pld local_ts, remote_ts;
	int initiate;			/* role initiate: at start */
	int dialup;			/* role dialup: on ACQUIRE */
	unsigned int retry_s;		/* initiate again after a loss */
	unsigned int esp_life_s;	/* CHILD SA lifetime; 0: unlimited */
	uint64_t esp_life_kb;		/* its volume in KiB; 0: unlimited */
	unsigned int ike_life_s;	/* IKE SA rekeyed before; 0: never */
	unsigned int dpd_s;		/* liveness check after this much
					 * silence from the peer; 0: none */
	uint64_t retry_at;		/* (daemon) when; 0: not planned */
	uint32_t reqid;			/* `protect` ID, else 1, 2, ... */
	int has_protect;		/* reqid from a `protect` line */
};

struct conf {
	struct conf_peer *peers;
	/* global settings (before the first peer) */
	int cookie_threshold;		/* -1: no cookies */
	enum conf_ic_mode initial_contact;
	unsigned int fragment_size;	/* 0: no IKE fragmentation */
};

/* Don't read PSK files (the fuzz target; a syntax check). */
#define CONF_NO_PSK_FILES	0x1

/* Parse text (len octets; NUL not needed); name: the file's, for errors. */
int conf_parse(struct conf *c, const char *text, size_t len, const char *name,
	       unsigned int flags, char *err, size_t errlen);
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);
void conf_free(struct conf *c);

/* "fqdn:gw.example", "ipv4:192.0.2.1", "email:u@x", ... for logs. */
void conf_id_str(uint8_t type, const uint8_t *data, size_t len, char *buf,
		 size_t buflen);

#endif
