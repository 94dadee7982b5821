/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate: the objects of the generic netlink family "vgate" as plain
 * structs.  Each has a .has bit set saying which fields it holds: a
 * request sends exactly those, a reply or event sets those it carried.
 */
#ifndef LIBVGATE_OBJECTS_H
#define LIBVGATE_OBJECTS_H

#include <stdint.h>
#include <stddef.h>

#include <linux/vgate.h>

#include "addr.h"

/* struct vg_sa.has */
enum {
	VG_SA_SPI = 1U << 0,
	VG_SA_FAMILY = 1U << 1,
	VG_SA_SRC = 1U << 2,
	VG_SA_DST = 1U << 3,
	VG_SA_MODE = 1U << 4,
	VG_SA_ENC = 1U << 5,
	VG_SA_ENC_KEY = 1U << 6,
	VG_SA_AUTH = 1U << 7,
	VG_SA_AUTH_KEY = 1U << 8,
	VG_SA_REPLAY = 1U << 9,
	VG_SA_LIFETIME = 1U << 10,	/* lt_has says which limits */
	VG_SA_FLAGS = 1U << 11,
	VG_SA_STATS = 1U << 12,
	VG_SA_SEQ = 1U << 13,
	VG_SA_AGE = 1U << 14,
	VG_SA_PROTO = 1U << 15,
	VG_SA_REQID = 1U << 16,
	VG_SA_ENCAP = 1U << 17,		/* encap_sport, encap_dport */
	VG_SA_NATOA = 1U << 18,		/* oa, with VG_SA_ENCAP */
	VG_SA_OSEQ = 1U << 19,
	VG_SA_ISEQ = 1U << 20,
	VG_SA_EXPIRE = 1U << 21,	/* SA_EXPIRE event: expire_* */
	VG_SA_COMP = 1U << 22,		/* IPComp: comp */
};

struct vg_sa {
	uint32_t has;
	uint32_t spi;
	uint8_t proto;				/* IPPROTO_ESP, _AH or _COMP */
	uint16_t comp;				/* enum vgate_comp_alg */
	uint16_t family;
	struct vg_addr src, dst;
	uint8_t mode;				/* enum vgate_mode */
	uint16_t enc;				/* enum vgate_enc_alg */
	uint16_t enc_key_bits;			/* reply only; 0 if not sent */
	uint16_t auth;				/* enum vgate_auth_alg */
	uint8_t enc_key[VGATE_KEY_MAX_LEN];
	size_t enc_key_len;
	uint8_t auth_key[VGATE_KEY_MAX_LEN];
	size_t auth_key_len;
	uint32_t replay_window;
	uint32_t lt_has;			/* bit (1 << VGATE_LT_A_x) */
	uint64_t lt[VGATE_LT_A_MAX + 1];	/* by VGATE_LT_A_x */
	uint32_t flags;				/* enum vgate_sa_flags */
	uint64_t seq, age;
	uint32_t reqid;				/* 0: none */
	uint16_t encap_sport, encap_dport;	/* UDP encapsulation */
	struct vg_addr oa;			/* NAT-OA */
	uint64_t oseq, iseq;			/* OSEQ, REPLAY_SEQ */
	uint8_t expire_limit, expire_hard;	/* enum vgate_expire_limit */
	uint64_t st[VGATE_SA_STATS_A_MAX + 1];	/* by VGATE_SA_STATS_A_x */
};

/* struct vg_rule.has */
enum {
	VG_RULE_ID = 1U << 0,
	VG_RULE_FAMILY = 1U << 1,
	VG_RULE_LOCAL = 1U << 2,	/* overlay only: local given (ANY too) */
	VG_RULE_REMOTE = 1U << 3,	/* overlay only: remote given */
	VG_RULE_PROTO = 1U << 4,
	VG_RULE_LPORT = 1U << 5,
	VG_RULE_RPORT = 1U << 6,
	VG_RULE_ACTION = 1U << 7,
	VG_RULE_PEER = 1U << 8,		/* read only: the peer's address */
	VG_RULE_SPI_OUT = 1U << 9,
	VG_RULE_SPI_IN = 1U << 10,
	VG_RULE_STATS = 1U << 11,
	VG_RULE_STAGE = 1U << 12,
	VG_RULE_PEER_NAME = 1U << 13,
	VG_RULE_FLAGS = 1U << 14,
	VG_RULE_DESCR = 1U << 15,
	VG_RULE_AH_SPI_OUT = 1U << 16,
	VG_RULE_AH_SPI_IN = 1U << 17,
	VG_RULE_CPI_OUT = 1U << 18,
	VG_RULE_CPI_IN = 1U << 19,
};

/*
 * The configuration of a rule: what RULE_SET replaces (not the peer's
 * address or the counters a reply adds).  The codec puts local and remote
 * by their kind, whatever VG_RULE_LOCAL and VG_RULE_REMOTE say.
 */
#define VG_RULE_CONFIG (VG_RULE_ID | VG_RULE_FAMILY | VG_RULE_LOCAL | \
			VG_RULE_REMOTE | VG_RULE_PROTO | VG_RULE_LPORT | \
			VG_RULE_RPORT | VG_RULE_ACTION | VG_RULE_SPI_OUT | \
			VG_RULE_SPI_IN | VG_RULE_STAGE | VG_RULE_PEER_NAME | \
			VG_RULE_FLAGS | VG_RULE_DESCR | VG_RULE_AH_SPI_OUT | \
			VG_RULE_AH_SPI_IN | VG_RULE_CPI_OUT | VG_RULE_CPI_IN)

struct vg_rule {
	uint32_t has;
	uint32_t id;
	uint16_t family;
	struct vg_range local, remote;		/* kind ANY: attribute absent */
	uint8_t proto;				/* 0 = any */
	struct vg_ports lport, rport;
	uint8_t action;				/* enum vgate_rule_action */
	uint8_t stage;				/* enum vgate_rule_stage */
	char peer_name[VG_NAME_MAX + 1];
	struct vg_addr peer;			/* reply only */
	uint32_t spi_out, spi_in;		/* ESP SAs */
	uint32_t ah_spi_out, ah_spi_in;		/* AH SAs */
	uint16_t cpi_out, cpi_in;		/* IPComp SAs */
	uint32_t flags;				/* enum vgate_rule_flags */
	char descr[VG_DESCR_MAX + 1];
	uint64_t st[VGATE_RULE_STATS_A_MAX + 1];
};

/* struct vg_peer.has */
enum {
	VG_PEER_ID = 1U << 0,
	VG_PEER_NAME = 1U << 1,
	VG_PEER_DESCR = 1U << 2,
	VG_PEER_FAMILY = 1U << 3,
	VG_PEER_ADDR = 1U << 4,
	VG_PEER_HOSTNAME = 1U << 5,
	VG_PEER_ADMIN = 1U << 6,
	VG_PEER_OPER = 1U << 7,
	VG_PEER_BLOCK = 1U << 8,
	VG_PEER_VIRTUAL = 1U << 9,
	VG_PEER_IFINDEX = 1U << 10,
	VG_PEER_IFNAME = 1U << 11,
	VG_PEER_SPI_OUT = 1U << 12,
	VG_PEER_SPI_IN = 1U << 13,
	VG_PEER_ENTRIES = 1U << 14,
	VG_PEER_PMTU = 1U << 15,
	VG_PEER_IPCOMP = 1U << 16,
};

/*
 * The configuration of a peer: what PEER_SET replaces (not its state, its
 * interface or its entry count; a block is sent by peer block only).
 */
#define VG_PEER_CONFIG (VG_PEER_ID | VG_PEER_NAME | VG_PEER_DESCR | \
			VG_PEER_FAMILY | VG_PEER_ADDR | VG_PEER_HOSTNAME | \
			VG_PEER_ADMIN | VG_PEER_VIRTUAL | VG_PEER_SPI_OUT | \
			VG_PEER_SPI_IN | VG_PEER_PMTU | VG_PEER_IPCOMP)

struct vg_peer {
	uint32_t has;
	uint32_t id;
	char name[VG_NAME_MAX + 1];
	char descr[VG_DESCR_MAX + 1];
	uint16_t family;
	struct vg_addr addr;
	char hostname[VG_HOST_MAX + 1];
	uint8_t admin;				/* enum vgate_peer_admin */
	uint8_t oper;				/* enum vgate_peer_oper */
	uint32_t block_seconds;
	uint8_t virt;
	uint8_t pmtu;				/* propagatePmtu */
	uint8_t ipcomp;				/* enum vgate_peer_ipcomp */
	uint32_t ifindex;
	char ifname[32];
	uint32_t spi_out, spi_in;
	uint32_t entries;
};

/* struct vg_cfg.has */
enum {
	VG_CFG_REPLAY_WINDOW = 1U << 0,
	VG_CFG_MAX_SAS = 1U << 1,
	VG_CFG_DROP_LOG = 1U << 2,
	VG_CFG_SWSKIP_OVERLAP = 1U << 3,
	VG_CFG_POST_DEFAULT = 1U << 4,
	VG_CFG_ACQUIRE_TIMEOUT = 1U << 5,
	VG_CFG_ACQUIRE_QUEUE = 1U << 6,
	VG_CFG_NATT_KEEPALIVE = 1U << 7,
};

struct vg_cfg {
	uint32_t has;
	uint32_t replay_window;
	uint32_t max_sas;
	uint8_t drop_log;
	uint8_t swskip_overlap;
	uint8_t post_default;			/* enum vgate_rule_action */
	uint32_t acquire_timeout;
	uint32_t acquire_queue;
	uint32_t natt_keepalive;
};

struct vg_stats {
	uint64_t has;				/* bit (1 << VGATE_STATS_A_x) */
	uint64_t v[VGATE_STATS_A_MAX + 1];	/* by VGATE_STATS_A_x */
	uint64_t drops_has;			/* bit (1 << reason) */
	uint64_t drops[VGATE_DROP_MAX + 1];	/* by enum vgate_drop_reason */
};

/* struct vg_flow.has */
enum {
	VG_FLOW_PROTO = 1U << 0,
	VG_FLOW_SPORT = 1U << 1,
	VG_FLOW_DPORT = 1U << 2,
	VG_FLOW_DIR = 1U << 3,
	VG_FLOW_ITERATIONS = 1U << 4,
};

struct vg_flow {
	uint32_t has;
	uint16_t family;
	struct vg_addr src, dst;
	uint8_t proto;
	uint16_t sport, dport;
	uint8_t dir;				/* enum vgate_flow_dir */
	uint32_t iterations;
};

/* struct vg_verdict.has */
enum {
	VG_VERDICT_ACTION = 1U << 0,
	VG_VERDICT_REASON = 1U << 1,
	VG_VERDICT_RULE_ID = 1U << 2,
	VG_VERDICT_STAGE = 1U << 3,
	VG_VERDICT_PEER_NAME = 1U << 4,
	VG_VERDICT_SELF = 1U << 5,
	VG_VERDICT_NS = 1U << 6,
	VG_VERDICT_ITERATIONS = 1U << 7,
};

struct vg_verdict {
	uint32_t has;
	uint8_t action;
	uint8_t reason;				/* enum vgate_verdict_reason */
	uint32_t rule_id;
	uint8_t stage;
	char peer_name[VG_NAME_MAX + 1];
	uint8_t self;
	uint64_t ns;
	uint32_t iterations;
};

/* The namespace's NAT-T socket (VGATE_A_ENCAP_SOCK). */
enum {
	VG_ENCAP_SOCK_FD = 1U << 0,
	VG_ENCAP_SOCK_PORT = 1U << 1,
	VG_ENCAP_SOCK_OWNER = 1U << 2,
};

struct vg_encap_sock {
	uint32_t has;
	uint32_t fd;			/* request only: a bound UDP socket */
	uint16_t port;			/* 0: none */
	uint8_t owner;			/* reply only: enum vgate_encap_sock_owner */
};

/* VGATE_CMD_ACQUIRE: a packet hit a PROTECT entry that has no SA yet. */
struct vg_acquire {
	struct vg_rule rule;		/* ID, STAGE, PEER_NAME, PEER */
	struct vg_peer peer;		/* ID, NAME, FAMILY, ADDR */
	struct vg_flow flow;		/* the packet */
};

/* An event of the "events" multicast group. */
struct vg_event {
	uint8_t cmd;			/* VGATE_CMD_ACQUIRE or _SA_EXPIRE */
	union {
		struct vg_acquire acquire;
		struct vg_sa expire;	/* VG_SA_EXPIRE set: expire_* */
	};
};

#endif
