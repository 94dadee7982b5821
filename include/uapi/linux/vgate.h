/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vgate: kernel-resident IPsec gateway, generic netlink interface.
 *
 * This header is the single source of the contract between vgate.ko and
 * userspace (the vgate CLI and vgate-iked).  Every command and attribute
 * is documented here.
 *
 * Family name "vgate" (VGATE_GENL_NAME), version VGATE_GENL_VERSION.  The
 * family is network-namespace aware: every command acts on the namespace
 * of the netlink socket.  Every command, GET and dumps included, requires
 * CAP_NET_ADMIN in the user namespace owning that network namespace
 * (GENL_UNS_ADMIN_PERM); without it: -EPERM.  Requests are validated
 * strictly: nests need NLA_F_NESTED, unknown attribute types and integer
 * attributes of the wrong size are refused, read-only attributes in a
 * request are refused.
 *
 * Errors from vgate's checks carry an extended ack message (-EPERM,
 * allocation failures and a failed hook registration do not).  On Linux
 * 6.1 the message is a static string (there is no formatted extack): it
 * never contains the bad value.  The attribute at fault is identified by
 * its offset (NLMSGERR_ATTR_OFFS), or, for a missing required attribute,
 * by its type (NLMSGERR_ATTR_MISS_TYPE, plus NLMSGERR_ATTR_MISS_NEST when
 * it belongs inside a nest); errors about the state of the tables
 * (-EEXIST, -ENOENT, -ENOSPC) name no attribute.
 * A failed request leaves the SAs, the rules and the knobs unchanged, with
 * one exception: the namespace's netfilter hooks are registered by the
 * first SA_NEW, SA_SET, RULE_NEW or RULE_SET that succeeds, after its
 * change; if that registration fails, its error is returned but the SA or
 * rule stays.  A failed request never registers the hooks.
 *
 * Byte order: SPIs, ports and other integers are in host byte order unless
 * the attribute says otherwise.  Addresses are in network byte order, four
 * bytes for AF_INET and sixteen for AF_INET6 (only AF_INET is accepted so
 * far: -EAFNOSUPPORT otherwise).
 *
 * 64-bit attributes in replies may be preceded by the nest's padding
 * attribute (VGATE_*_A_PAD; inside VGATE_STATS_A_DROPS it is type 0,
 * VGATE_DROP_UNSPEC) on architectures that need 64-bit alignment; parsers
 * must skip it.
 *
 * Commands
 * --------
 *
 * VGATE_CMD_SA_NEW: add one security association.
 *   VGATE_A_SA (nest, see "SA attributes"): required SPI, FAMILY, SRC, DST,
 *   MODE, ENC (with ENC_KEY unless ENC is NULL, which takes no key).
 *   Optional PROTO (default and only value IPPROTO_ESP), AUTH (default
 *   NONE; must be NONE for an AEAD, which takes no AUTH_KEY either, and an
 *   HMAC, with AUTH_KEY, otherwise),
 *   REPLAY_WINDOW (default: the replay_window knob), LIFETIME, FLAGS.
 *   -EEXIST if an SA with that (SPI, DST, PROTO) exists; -ENOSPC if the
 *   SAD already holds max_sas SAs.
 *
 * VGATE_CMD_SA_SET: replace an existing SA (same attributes as SA_NEW).
 *   The new SA takes over atomically; counters, sequence numbers, the
 *   replay window and the lifetime clock start again at zero.  -ENOENT if
 *   there is none.  Not limited by max_sas.
 *
 * VGATE_CMD_SA_GET: with VGATE_A_SA holding SPI, FAMILY and DST (PROTO
 *   optional, default IPPROTO_ESP): that SA, -ENOENT if there is none.
 *   With NLM_F_DUMP: every SA of the namespace, one message each, in the
 *   order they were added.  Keys are never returned.  Replies carry
 *   VGATE_A_SA with the configuration (SPI, PROTO, FAMILY, SRC, DST, MODE,
 *   ENC, AUTH, REPLAY_WINDOW, LIFETIME, FLAGS) plus VGATE_SA_A_STATS,
 *   VGATE_SA_A_SEQ, VGATE_SA_A_AGE and VGATE_SA_A_ENC_KEY_BITS.  A dump
 *   whose table changed while it ran is flagged NLM_F_DUMP_INTR: discard it
 *   and dump again.
 *
 * VGATE_CMD_SA_DEL: VGATE_A_SA holding SPI, FAMILY and DST (PROTO
 *   optional, default IPPROTO_ESP).  -ENOENT if there is none.
 *
 * VGATE_CMD_SA_FLUSH: delete every SA of the namespace.
 *
 * VGATE_CMD_RULE_NEW: add one traffic rule (VGATE_A_RULE, see "rule
 *   attributes").  Required ID, FAMILY, ACTION; PEER, SPI_OUT and SPI_IN
 *   when ACTION is PROTECT (and refused otherwise).  Missing LOCAL/REMOTE
 *   mean "any".  -EEXIST if a rule with that ID exists.
 *   Rules are evaluated in ascending ID order; the first match wins.  The
 *   whole rule set is replaced atomically on every change.
 *
 * VGATE_CMD_RULE_SET: replace the rule with that ID (-ENOENT if none).
 *
 * VGATE_CMD_RULE_GET: with ID: that rule (-ENOENT if none); with
 *   NLM_F_DUMP: every rule, in ascending ID order.  Replies add
 *   VGATE_RULE_A_STATS.  Rule dumps are flagged NLM_F_DUMP_INTR like SA
 *   dumps (SA and rule changes share one generation counter).
 *
 * VGATE_CMD_RULE_DEL: VGATE_A_RULE holding ID (-ENOENT if none).
 *
 * VGATE_CMD_RULE_FLUSH: delete every rule.
 *
 * VGATE_CMD_STATS_GET: global statistics of the namespace in VGATE_A_STATS.
 *
 * VGATE_CMD_CONFIG_GET: the namespace's knobs in VGATE_A_CONFIG.
 *
 * VGATE_CMD_CONFIG_SET: set the knobs present in VGATE_A_CONFIG; all are
 *   validated before any is changed (-ERANGE if one is out of range).  The
 *   same knobs are files under /sys/kernel/vgate/ that act on the writer's
 *   network namespace.
 *
 * Algorithms
 * ----------
 * ENC and AUTH together name one kernel AEAD:
 *   AES_GCM_16    rfc4106(gcm(aes)), key 20, 28 or 36 bytes (AES-128/192/256
 *                 key followed by the 4-byte salt), ICV 16, AUTH must be
 *                 NONE, no AUTH_KEY.
 *   CHACHA20_POLY1305  rfc7539esp(chacha20,poly1305), key 36 bytes (key
 *                 plus 4-byte salt), ICV 16, AUTH must be NONE, no
 *                 AUTH_KEY.
 *   AES_CBC       cbc(aes), key 16, 24 or 32 bytes, with an HMAC AUTH.
 *   DES3_CBC      cbc(des3_ede), key 24 bytes, with an HMAC AUTH.  Legacy
 *                 peers only; flagged weak in every view.
 *   NULL          ecb(cipher_null): authentication only, with an HMAC AUTH;
 *                 no ENC_KEY (or an empty one).
 *   HMAC_SHA1_96      key 20 bytes, ICV 12
 *   HMAC_SHA256_128   key 32 bytes, ICV 16
 *   HMAC_SHA384_192   key 48 bytes, ICV 24
 *   HMAC_SHA512_256   key 64 bytes, ICV 32
 * ESP without integrity (a non-AEAD ENC with AUTH NONE) is refused, and so
 * is an AEAD with an AUTH other than NONE or with an AUTH_KEY (-EINVAL,
 * offset of AUTH, or of AUTH_KEY when AUTH is absent).
 */
#ifndef _UAPI_LINUX_VGATE_H
#define _UAPI_LINUX_VGATE_H

#include <linux/types.h>

#define VGATE_GENL_NAME		"vgate"
#define VGATE_GENL_VERSION	1

#define VGATE_REPLAY_WINDOW_MAX	4096
#define VGATE_KEY_MAX_LEN	64

enum vgate_cmd {
	VGATE_CMD_UNSPEC,
	VGATE_CMD_SA_NEW,
	VGATE_CMD_SA_SET,
	VGATE_CMD_SA_GET,
	VGATE_CMD_SA_DEL,
	VGATE_CMD_SA_FLUSH,
	VGATE_CMD_RULE_NEW,
	VGATE_CMD_RULE_SET,
	VGATE_CMD_RULE_GET,
	VGATE_CMD_RULE_DEL,
	VGATE_CMD_RULE_FLUSH,
	VGATE_CMD_STATS_GET,
	VGATE_CMD_CONFIG_GET,
	VGATE_CMD_CONFIG_SET,
	__VGATE_CMD_LAST
};

#define VGATE_CMD_MAX (__VGATE_CMD_LAST - 1)

/* Top level attributes. */
enum vgate_attr {
	VGATE_A_UNSPEC,
	VGATE_A_SA,		/* nest: enum vgate_sa_attr */
	VGATE_A_RULE,		/* nest: enum vgate_rule_attr */
	VGATE_A_STATS,		/* nest: enum vgate_stats_attr */
	VGATE_A_CONFIG,		/* nest: enum vgate_config_attr */
	__VGATE_A_LAST
};

#define VGATE_A_MAX (__VGATE_A_LAST - 1)

enum vgate_mode {
	VGATE_MODE_TRANSPORT = 1,
	VGATE_MODE_TUNNEL = 2,
};

enum vgate_enc_alg {
	VGATE_ENC_NULL = 1,
	VGATE_ENC_AES_CBC,
	VGATE_ENC_AES_GCM_16,
	VGATE_ENC_CHACHA20_POLY1305,
	VGATE_ENC_DES3_CBC,
	__VGATE_ENC_LAST
};

#define VGATE_ENC_MAX (__VGATE_ENC_LAST - 1)

enum vgate_auth_alg {
	VGATE_AUTH_NONE = 1,
	VGATE_AUTH_HMAC_SHA1_96,
	VGATE_AUTH_HMAC_SHA256_128,
	VGATE_AUTH_HMAC_SHA384_192,
	VGATE_AUTH_HMAC_SHA512_256,
	__VGATE_AUTH_LAST
};

#define VGATE_AUTH_MAX (__VGATE_AUTH_LAST - 1)

/* VGATE_SA_A_FLAGS bits; unknown bits are refused. */
enum vgate_sa_flags {
	VGATE_SA_F_WEAK = 1U << 0,	/* read only: legacy algorithm (3DES) */
	VGATE_SA_F_EXPIRED = 1U << 1,	/* read only: hard limit reached */
	VGATE_SA_F_SOFT_EXPIRED = 1U << 2, /* read only: soft limit reached */
};

#define VGATE_SA_F_SETTABLE 0U

/* Inside VGATE_A_SA. */
enum vgate_sa_attr {
	VGATE_SA_A_UNSPEC,
	VGATE_SA_A_SPI,		/* u32, not 0 and not 1..255 (RFC 4303 2.1) */
	VGATE_SA_A_PROTO,	/* u8, IPPROTO_ESP (the only one so far and
				 * the default)
				 */
	VGATE_SA_A_FAMILY,	/* u16, AF_INET; part of the key: required by
				 * SA_GET and SA_DEL too
				 */
	VGATE_SA_A_SRC,		/* binary address: outer source */
	VGATE_SA_A_DST,		/* binary address: outer destination */
	VGATE_SA_A_MODE,	/* u8, enum vgate_mode */
	VGATE_SA_A_ENC,		/* u16, enum vgate_enc_alg */
	VGATE_SA_A_ENC_KEY,	/* binary, write only */
	VGATE_SA_A_AUTH,	/* u16, enum vgate_auth_alg, default NONE */
	VGATE_SA_A_AUTH_KEY,	/* binary, write only */
	VGATE_SA_A_REPLAY_WINDOW, /* u32, 0 (off) .. VGATE_REPLAY_WINDOW_MAX */
	VGATE_SA_A_LIFETIME,	/* nest: enum vgate_lifetime_attr */
	VGATE_SA_A_FLAGS,	/* u32, enum vgate_sa_flags */
	VGATE_SA_A_STATS,	/* nest, read only: enum vgate_sa_stats_attr */
	VGATE_SA_A_SEQ,		/* u64, read only: last sequence number sent or
				 * highest received
				 */
	VGATE_SA_A_AGE,		/* u64, read only: seconds since added */
	VGATE_SA_A_PAD,
	/* u16, read only: cipher key size in bits, salt excluded; 0 for NULL */
	VGATE_SA_A_ENC_KEY_BITS,
	__VGATE_SA_A_LAST
};

#define VGATE_SA_A_MAX (__VGATE_SA_A_LAST - 1)

/*
 * Inside VGATE_SA_A_LIFETIME, all u64, 0 meaning no limit.  The soft limit
 * marks the SA (VGATE_SA_F_SOFT_EXPIRED) so that a keying daemon rekeys; the
 * hard limit stops the SA: its packets are then dropped as "expired".
 */
enum vgate_lifetime_attr {
	VGATE_LT_A_UNSPEC,
	VGATE_LT_A_SOFT_BYTES,
	VGATE_LT_A_HARD_BYTES,
	VGATE_LT_A_SOFT_PACKETS,
	VGATE_LT_A_HARD_PACKETS,
	VGATE_LT_A_SOFT_SECONDS,	/* since the SA was added */
	VGATE_LT_A_HARD_SECONDS,
	VGATE_LT_A_PAD,
	__VGATE_LT_A_LAST
};

#define VGATE_LT_A_MAX (__VGATE_LT_A_LAST - 1)

/* Inside VGATE_SA_A_STATS, all u64. */
enum vgate_sa_stats_attr {
	VGATE_SA_STATS_A_UNSPEC,
	VGATE_SA_STATS_A_PACKETS,	/* packets through the SA */
	VGATE_SA_STATS_A_BYTES,		/* payload bytes (inner packets) */
	VGATE_SA_STATS_A_ERRORS,	/* all drops charged to the SA */
	VGATE_SA_STATS_A_REPLAY,	/* replayed or left of the window */
	VGATE_SA_STATS_A_AUTH,		/* integrity check failed */
	VGATE_SA_STATS_A_PAD,
	__VGATE_SA_STATS_A_LAST
};

#define VGATE_SA_STATS_A_MAX (__VGATE_SA_STATS_A_LAST - 1)

enum vgate_rule_action {
	VGATE_ACTION_PASS = 1,		/* forward in the clear */
	VGATE_ACTION_DROP,
	VGATE_ACTION_PROTECT,		/* through the SA pair of the rule */
	__VGATE_ACTION_LAST
};

#define VGATE_ACTION_MAX (__VGATE_ACTION_LAST - 1)

/*
 * Inside VGATE_A_RULE.  A rule matches a packet leaving towards REMOTE from
 * LOCAL (outbound) and, mirrored, one arriving from REMOTE for LOCAL
 * (inbound).  A PROTECT rule sends outbound packets through the SA
 * (SPI_OUT, PEER) and accepts inbound packets only if they were decrypted
 * by the SA with SPI_IN whose source is PEER; a cleartext packet that
 * matches it inbound is dropped.
 */
enum vgate_rule_attr {
	VGATE_RULE_A_UNSPEC,
	VGATE_RULE_A_ID,		/* u32, 1.., evaluation order */
	VGATE_RULE_A_FAMILY,		/* u16, AF_INET */
	VGATE_RULE_A_LOCAL,		/* binary address (default: any) */
	VGATE_RULE_A_LOCAL_PLEN,	/* u8 prefix length (default: full);
					 * 0 = any; host bits are cleared
					 */
	VGATE_RULE_A_REMOTE,		/* binary address (default: any) */
	VGATE_RULE_A_REMOTE_PLEN,	/* u8, as LOCAL_PLEN */
	VGATE_RULE_A_PROTO,		/* u8 IP protocol, 0 = any */
	/*
	 * Ports: only with PROTO TCP, UDP, UDP-Lite or SCTP.  With no port
	 * attribute at all the rule matches any port.  Once one is given, a
	 * missing *_MIN is 0 and a missing *_MAX is *_MIN (65535 if *_MIN is
	 * missing too).  A rule with ports never matches non-first fragments.
	 * While the namespace has rules, a TCP, UDP, UDP-Lite or SCTP packet
	 * whose ports cannot be read is dropped as MALFORMED.
	 */
	VGATE_RULE_A_LPORT_MIN,		/* u16 */
	VGATE_RULE_A_LPORT_MAX,		/* u16, default: LPORT_MIN */
	VGATE_RULE_A_RPORT_MIN,		/* u16 */
	VGATE_RULE_A_RPORT_MAX,		/* u16, default: RPORT_MIN */
	VGATE_RULE_A_ACTION,		/* u8, enum vgate_rule_action */
	VGATE_RULE_A_PEER,		/* binary address of the peer gateway */
	VGATE_RULE_A_SPI_OUT,		/* u32 */
	VGATE_RULE_A_SPI_IN,		/* u32 */
	VGATE_RULE_A_STATS,		/* nest, read only: vgate_rule_stats_attr */
	__VGATE_RULE_A_LAST
};

#define VGATE_RULE_A_MAX (__VGATE_RULE_A_LAST - 1)

/* Inside VGATE_RULE_A_STATS, all u64. */
enum vgate_rule_stats_attr {
	VGATE_RULE_STATS_A_UNSPEC,
	VGATE_RULE_STATS_A_PACKETS_OUT,	/* outbound packets that matched */
	VGATE_RULE_STATS_A_BYTES_OUT,
	VGATE_RULE_STATS_A_PACKETS_IN,	/* inbound packets that matched */
	VGATE_RULE_STATS_A_BYTES_IN,
	VGATE_RULE_STATS_A_PAD,
	__VGATE_RULE_STATS_A_LAST
};

#define VGATE_RULE_STATS_A_MAX (__VGATE_RULE_STATS_A_LAST - 1)

/*
 * Why a packet was dropped.  Each reason is a u64 counter inside
 * VGATE_STATS_A_DROPS, with attribute type = reason.  Type 0
 * (VGATE_DROP_UNSPEC) is not a counter: it is the 64-bit alignment padding
 * of that nest, and may appear before any counter; skip it.
 */
enum vgate_drop_reason {
	VGATE_DROP_UNSPEC,
	VGATE_DROP_NO_SA,	/* inbound SPI unknown, or outbound SA missing */
	VGATE_DROP_REPLAY,	/* replayed or left of the window */
	VGATE_DROP_AUTH,	/* integrity check failed */
	VGATE_DROP_BAD_PADDING,	/* pad length or pad bytes wrong */
	VGATE_DROP_MALFORMED,	/* too short, bad header, bad next header */
	VGATE_DROP_POLICY,	/* cleartext where protection was required,
				 * decrypted packet outside the selector, or
				 * transport mode packet not for the SA's DST
				 */
	VGATE_DROP_RULE,	/* a DROP rule matched */
	VGATE_DROP_EXPIRED,	/* SA reached its hard lifetime (or was
				 * stopped by sequence number overflow)
				 */
	VGATE_DROP_SEQ_OVERFLOW,/* outbound sequence number space exhausted */
	VGATE_DROP_MTU,		/* too big after encapsulation, DF set */
	VGATE_DROP_NOMEM,	/* allocation or crypto resource failure */
	VGATE_DROP_CRYPTO,	/* crypto API error other than auth */
	VGATE_DROP_NO_ROUTE,	/* no route to the peer, or the decrypted
				 * packet could not be routed
				 */
	__VGATE_DROP_LAST
};

#define VGATE_DROP_MAX (__VGATE_DROP_LAST - 1)

/* Inside VGATE_A_STATS, all u64 unless noted. */
enum vgate_stats_attr {
	VGATE_STATS_A_UNSPEC,
	VGATE_STATS_A_SAS,		/* u32: SAs in the SAD */
	VGATE_STATS_A_RULES,		/* u32: rules */
	VGATE_STATS_A_PACKETS_IN,	/* packets seen at PRE_ROUTING, not
					 * decrypted ones vgate re-injects
					 */
	VGATE_STATS_A_PACKETS_OUT,	/* packets seen at POST_ROUTING, not
					 * vgate's own ESP
					 */
	VGATE_STATS_A_PASSED,		/* left in the clear by a rule or no rule */
	VGATE_STATS_A_PROTECTED_IN,	/* decrypted and accepted */
	VGATE_STATS_A_PROTECTED_OUT,	/* encrypted and sent */
	VGATE_STATS_A_DROPPED,		/* sum of VGATE_STATS_A_DROPS */
	VGATE_STATS_A_ERRORS,		/* drops that are not policy decisions */
	VGATE_STATS_A_DROPS,		/* nest: u64 per enum vgate_drop_reason */
	VGATE_STATS_A_PAD,
	__VGATE_STATS_A_LAST
};

#define VGATE_STATS_A_MAX (__VGATE_STATS_A_LAST - 1)

/*
 * Inside VGATE_A_CONFIG: the namespace's knobs.  Each is also the file
 * /sys/kernel/vgate/<name>.
 */
enum vgate_config_attr {
	VGATE_CFG_A_UNSPEC,
	VGATE_CFG_A_REPLAY_WINDOW,	/* u32 "replay_window": default window
					 * for new SAs, 0..VGATE_REPLAY_WINDOW_MAX
					 */
	VGATE_CFG_A_MAX_SAS,		/* u32 "max_sas": SAD size limit,
					 * 1..1048576
					 */
	VGATE_CFG_A_DROP_LOG,		/* u8 "drop_log", 0..1: 1 logs drops
					 * to the kernel log, rate limited;
					 * the sysfs file also takes on/off
					 */
	__VGATE_CFG_A_LAST
};

#define VGATE_CFG_A_MAX (__VGATE_CFG_A_LAST - 1)

#endif /* _UAPI_LINUX_VGATE_H */
