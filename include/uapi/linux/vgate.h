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
 * (GENL_UNS_ADMIN_PERM); without it: -EPERM.  A network namespace owned
 * by a user namespace other than the initial one (a container, "unshare
 * -Urn") is further subject to the userns_admin setting of vgate.ko
 * (module parameter, /sys/kernel/vgate/userns_admin; the same for
 * vgate_garp and vgate_bwm): off (the default), every command there, GET
 * and dumps included, also requires CAP_NET_ADMIN in the initial user
 * namespace, else -EPERM with an extended ack message; on, the owning
 * user namespace's CAP_NET_ADMIN suffices.  Requests are validated
 * strictly: nests need NLA_F_NESTED, unknown attribute types and integer
 * attributes of the wrong size are refused, read-only attributes in a
 * request are refused.
 *
 * Every numeric attribute has the range documented beside it (a define
 * below, or the values of its enum); values outside it are refused,
 * -ERANGE (or -EINVAL for flag bits and enum values the code checks),
 * with the attribute's offset.
 *
 * Errors from vgate's checks carry an extended ack message (-EPERM from
 * GENL_UNS_ADMIN_PERM, allocation failures and a failed hook
 * registration do not).  On Linux
 * 6.1 the message is a static string (there is no formatted extack): it
 * never contains the bad value.  The attribute at fault is identified by
 * its offset (NLMSGERR_ATTR_OFFS), or, for a missing required attribute,
 * by its type (NLMSGERR_ATTR_MISS_TYPE, plus NLMSGERR_ATTR_MISS_NEST when
 * it belongs inside a nest); errors about the state of the tables
 * (-EEXIST, -ENOENT, -ENOSPC) name no attribute.
 * A failed request leaves the SAs, the rules and the knobs unchanged, with
 * one exception: the namespace's netfilter hooks are registered by the
 * first SA_NEW or SA_SET, or the first RULE_*, PEER_* or CONFIG_SET
 * outside a transaction, or TXN_COMMIT, that succeeds, after its change;
 * if that registration fails, its error is returned but the change stays.
 * A failed request never registers the hooks.
 *
 * Byte order: SPIs, ports and other integers are in host byte order unless
 * the attribute says otherwise.  Addresses are in network byte order, four
 * bytes for AF_INET and sixteen for AF_INET6.  SAs, rules, peers and
 * EXPLAIN take both.  An SA's FAMILY is its outer family (SRC and DST); in
 * tunnel mode it carries IPv4 and IPv6 packets alike (4in4, 6in6, 4in6,
 * 6in4), transport mode only its own family.
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
 *   MODE, and for ESP ENC (with ENC_KEY unless ENC is NULL, which takes no
 *   key).  Optional PROTO (IPPROTO_ESP, the default, IPPROTO_AH, or
 *   IPPROTO_COMP: see "IPComp SAs" below), AUTH
 *   (ESP: default NONE; must be NONE for an AEAD, which takes no AUTH_KEY
 *   either, and an HMAC, with AUTH_KEY, otherwise; AH: required, an HMAC
 *   with AUTH_KEY, see "AH" below),
 *   REPLAY_WINDOW (default: the replay_window knob), LIFETIME, FLAGS
 *   (ESN), ENCAP (UDP encapsulation, NAT-T), OSEQ and REPLAY_SEQ (the
 *   sequence number start state).
 *   -EEXIST if an SA with that (SPI, DST, PROTO) exists; -ENOSPC if the
 *   SAD already holds max_sas SAs.
 *   IPComp SAs (PROTO IPPROTO_COMP, RFC 3173): SPI is the CPI, 256..65535
 *   (0..255 are the well-known CPIs of RFC 3173 3.3, which name an
 *   algorithm and no SA: refused, -EINVAL), required FAMILY, SRC, DST,
 *   MODE; optional COMP (default DEFLATE), LIFETIME, REQID.  ENC, AUTH,
 *   their keys, REPLAY_WINDOW, FLAGS, ENCAP, OSEQ and REPLAY_SEQ are
 *   refused (IPComp has no keys and no sequence numbers).  An IPComp SA
 *   works in a bundle with an ESP SA (a PROTECT entry's CPI_OUT/CPI_IN):
 *   the layouts of XFRM and strongSwan, IPComp in tunnel mode with ESP in
 *   transport mode, or both in transport mode.
 *
 * VGATE_CMD_SA_SET: replace an existing SA (same attributes as SA_NEW).
 *   The new SA takes over atomically; counters, sequence numbers, the
 *   replay window and the lifetime clock start again (from OSEQ and
 *   REPLAY_SEQ if given, at zero otherwise).  -ENOENT if
 *   there is none.  Not limited by max_sas.
 *
 * VGATE_CMD_SA_GET: with VGATE_A_SA holding SPI, FAMILY and DST (PROTO
 *   optional, default IPPROTO_ESP): that SA, -ENOENT if there is none.
 *   With NLM_F_DUMP: every SA of the namespace, one message each, in the
 *   order they were added.  Keys are never returned.  Replies carry
 *   VGATE_A_SA with the configuration (SPI, PROTO, FAMILY, SRC, DST, MODE,
 *   ENC, AUTH, REPLAY_WINDOW, LIFETIME, FLAGS, ENCAP) plus VGATE_SA_A_STATS,
 *   VGATE_SA_A_SEQ, VGATE_SA_A_OSEQ, VGATE_SA_A_REPLAY_SEQ,
 *   VGATE_SA_A_AGE and VGATE_SA_A_ENC_KEY_BITS (AH SAs: no ENC and no
 *   ENC_KEY_BITS).  A dump
 *   whose table changed while it ran is flagged NLM_F_DUMP_INTR: discard it
 *   and dump again.
 *
 * VGATE_CMD_SA_DEL: VGATE_A_SA holding SPI, FAMILY and DST (PROTO
 *   optional, default IPPROTO_ESP).  -ENOENT if there is none.
 *
 * VGATE_CMD_SA_FLUSH: delete every SA of the namespace.
 *
 * VGATE_CMD_RULE_NEW: add one traffic rule (VGATE_A_RULE, see "rule
 *   attributes").  Required ID (unique across all stages), FAMILY,
 *   ACTION.  STAGE PEER needs PEER_NAME (an existing peer: -ENOENT
 *   otherwise); PROTECT is allowed in stage PEER only; SPI_OUT and SPI_IN
 *   go together and only with PROTECT.  Missing LOCAL/REMOTE mean "any".
 *   -EEXIST if a rule with that ID exists.  A RULE_NEW may carry several
 *   VGATE_A_RULE nests (a batch, to install big policies quickly): they
 *   are added all or none.  The evaluation order is
 *   described at enum vgate_rule_stage.  The whole policy (rules, peers,
 *   post_default) is rebuilt and replaced atomically under RCU on every
 *   change: a packet sees either the old or the new policy.
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
 * VGATE_CMD_PEER_NEW: add a peer (VGATE_A_PEER, see "peer attributes").
 *   Required ID, NAME, FAMILY, ADDR.  -EEXIST if the ID or the NAME is
 *   taken.
 * VGATE_CMD_PEER_SET: replace the peer with that ID (-ENOENT if none); its
 *   traffic list stays.  Setting OPER to BLOCKED with BLOCK_SECONDS
 *   (keying daemons) blocks it for that long.
 * VGATE_CMD_PEER_GET: by ID or NAME, or NLM_F_DUMP: every peer in ID
 *   order, with OPER, ENTRIES and, for a virtual peer, IFINDEX and IFNAME.
 * VGATE_CMD_PEER_DEL: by ID or NAME; -EBUSY while its traffic list holds
 *   entries.
 * VGATE_CMD_PEER_FLUSH: delete every peer; -EBUSY while any traffic list
 *   entry exists.
 *
 * VGATE_CMD_TXN_BEGIN: open a transaction for this netlink socket.  Until
 *   TXN_COMMIT, the RULE_*, PEER_*, CONFIG_SET and SA_NEW/SET/DEL/FLUSH
 *   requests of this socket change a private copy of the configuration
 *   and staged SAs instead of the running ones (GETs and dumps still read
 *   the running ones).  A staged SA is built completely (keys, crypto
 *   transforms) when requested; later requests of the transaction see it.
 *   -EBUSY if a transaction is open; while one is open, rule, peer, knob
 *   and SA changes from any other socket (and sysfs knob writes) get
 *   -EBUSY too.  A failed request inside a transaction changes nothing
 *   and leaves the transaction open.
 * VGATE_CMD_TXN_COMMIT: install the private copy and the staged SAs as a
 *   whole and close the transaction; a staged SA's lifetime starts then.
 *   -ENOENT if this socket has none open.
 * VGATE_CMD_TXN_ABORT: discard it.  Closing the socket also discards it.
 *
 * VGATE_CMD_EXPLAIN: classify the flow in VGATE_A_FLOW (FAMILY, SRC, DST
 *   required) with the running policy, exactly as the packet path would,
 *   and reply VGATE_A_VERDICT.  With ITERATIONS, classify that many times
 *   and report the total time (a benchmark of the lookup).
 *
 * VGATE_CMD_ACQUIRE (event): sent to the "events" multicast group when a
 *   packet hits a PROTECT entry without SPI_OUT and no SA with its REQID
 *   exists.  Carries VGATE_A_RULE (ID, STAGE, PEER_NAME, PEER),
 *   VGATE_A_PEER (ID, NAME, FAMILY, ADDR) and VGATE_A_FLOW (the packet).
 *   One event per entry until the SA arrives or acquire_timeout passes;
 *   meanwhile up to acquire_queue packets are held and sent once an SA with
 *   that REQID is added; the others, and all of them on timeout, are
 *   dropped and counted (ACQUIRE_OVERFLOW, ACQUIRE_TIMEOUT).
 *
 * VGATE_CMD_SA_EXPIRE (event): sent to the "events" multicast group when
 *   an SA reaches a lifetime limit.  Carries VGATE_A_SA as an SA_GET reply
 *   does (no keys; the counters and flags as of the event) plus
 *   VGATE_SA_A_EXPIRE_LIMIT (enum vgate_expire_limit) and
 *   VGATE_SA_A_EXPIRE_HARD.  Soft (HARD 0): the first soft limit reached,
 *   once per SA; the SA goes on working (SOFT_EXPIRED flag): time to
 *   rekey.  Hard (HARD 1): a hard limit was reached, or the outbound
 *   sequence number would have wrapped (LIMIT SEQ, RFC 4303 3.3.3: with or
 *   without ESN the SA never cycles); the SA has stopped (its packets are
 *   dropped as EXPIRED, or SEQ_OVERFLOW) and has been removed from the SAD
 *   when the event is sent.  Byte and packet limits are checked per
 *   packet, time limits to the second.  Events are sent from process
 *   context shortly after the limit is reached; an SA deleted or replaced
 *   before that sends none.
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
 * VGATE_CMD_ENCAP_SOCK_SET: give the namespace its NAT-T socket
 *   (VGATE_A_ENCAP_SOCK, see "encap sock attributes"): the UDP socket on
 *   which ESP-in-UDP (RFC 3948) arrives.  With FD: a bound AF_INET UDP
 *   socket of the calling process in this namespace (the L2TP model):
 *   vgate takes ESP-in-UDP and NAT keepalives from it and leaves every
 *   other datagram (IKE with the non-ESP marker) to the process, which
 *   keeps using it for IKE; when the process closes it, vgate lets go.
 *   Without FD, with PORT: vgate opens its own socket on 0.0.0.0:PORT,
 *   which lives until ENCAP_SOCK_DEL or the namespace goes; IKE arriving
 *   on it is dropped (NATT_NO_DAEMON).  -EBUSY if the namespace has a
 *   NAT-T socket already, or the socket has a UDP encapsulation (an
 *   XFRM UDP_ENCAP, L2TP) or user data; -EADDRINUSE if PORT is taken.
 *   A keying daemon taking over from vgate's own socket sends
 *   ENCAP_SOCK_DEL, binds the port and sends ENCAP_SOCK_SET with FD.
 * VGATE_CMD_ENCAP_SOCK_GET: the NAT-T socket: VGATE_A_ENCAP_SOCK with
 *   PORT and OWNER, empty when there is none.
 * VGATE_CMD_ENCAP_SOCK_DEL: let go of the NAT-T socket (vgate's own is
 *   closed, a process's socket becomes a plain UDP socket again).  -ENOENT
 *   if there is none.
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
 *
 * AH
 * --
 * An SA with PROTO IPPROTO_AH (RFC 4302) authenticates the whole packet,
 * the outer IP header's immutable fields included, and encrypts nothing.
 * It takes AUTH (one of the four HMACs above, required: missing, -EINVAL
 * with NLMSGERR_ATTR_MISS_TYPE AUTH; NONE, -EINVAL at AUTH) and AUTH_KEY
 * of the HMAC's key length (-EINVAL at AUTH_KEY otherwise).  The ICV is
 * truncated as RFC 2404 and RFC 4868 say: 96, 128, 192 and 256 bits; the
 * truncation is fixed by AUTH, there is no separate attribute.  ENC,
 * ENC_KEY and ENCAP are refused (-EINVAL at that attribute: AH does not
 * encrypt, and RFC 3948 UDP encapsulation is for ESP only).  REPLAY_WINDOW,
 * LIFETIME, FLAGS (ESN: the high 32 bits are covered by the ICV, RFC 4302
 * 3.3.3.2), REQID, OSEQ and REPLAY_SEQ work as for ESP.  The AH header is
 * padded to a multiple of 32 bits over IPv4 and 64 bits over IPv6 (RFC
 * 4302 2.6); inbound IPv4 AH padded to 64 bits (XFRM without "flag
 * align4") is accepted too.  Mutable fields (IPv4 TOS, flags, fragment
 * offset, TTL, checksum and mutable options; IPv6 traffic class, flow
 * label, hop limit, mutable option data, the routing header) are zeroed
 * for the ICV as the kernel's ah4/ah6 do.
 *
 * Bundles
 * -------
 * A PROTECT entry names its SAs per protocol: SPI_OUT/SPI_IN are its ESP
 * SAs, AH_SPI_OUT/AH_SPI_IN its AH SAs, CPI_OUT/CPI_IN its IPComp
 * SAs (with ESP only, see enum vgate_peer_ipcomp).  Each pair is
 * optional and goes together; an entry with only AH SPIs is AH alone,
 * with both an AH+ESP bundle, with none dynamic: then each protocol's
 * SA is the newest live one with REQID = the entry's ID (the bundle is
 * whichever protocols have such an SA).  Outbound, the transforms run
 * innermost first: IPComp (synchronous, before ESP), then ESP and AH
 * outermost, each from the previous one's crypto completion, as XFRM
 * applies "tmpl proto comp", "tmpl proto esp", "tmpl proto ah".  The AH SA of a bundle is meant
 * to be transport mode: over an ESP tunnel it authenticates the new outer
 * header (XFRM: tmpl proto esp mode tunnel, tmpl proto ah mode
 * transport); over ESP transport the original header.  Inbound, AH is
 * verified and stripped first, then the ESP inside it is processed; the
 * decrypted packet is accepted only if it came through exactly the SAs of
 * the entry's bundle: a packet that skipped the bundle's AH, or that
 * carried AH for an entry without AH SPIs, is dropped as POLICY.  The
 * tunnel MTU and the "fragmentation needed" / "packet too big" values
 * count every SA of the bundle.  Virtual peers carry ESP only.
 */
#ifndef _UAPI_LINUX_VGATE_H
#define _UAPI_LINUX_VGATE_H

#include <linux/types.h>

#define VGATE_GENL_NAME		"vgate"
#define VGATE_GENL_VERSION	1
#define VGATE_MCGRP_EVENTS	"events"

#define VGATE_KEY_MAX_LEN	64

/*
 * Ranges and defaults of the knobs (enum vgate_config_attr), of the
 * module parameters and of a few attributes: the kernel, its sysfs files
 * and the CLI all take them from here.
 */
#define VGATE_REPLAY_WINDOW_MIN		0	/* replay_window: 0 = off */
#define VGATE_REPLAY_WINDOW_MAX		4096
#define VGATE_REPLAY_WINDOW_DEFAULT	64
#define VGATE_MAX_SAS_MIN		1	/* max_sas */
#define VGATE_MAX_SAS_MAX		1048576
#define VGATE_MAX_SAS_DEFAULT		65536
#define VGATE_ACQUIRE_TIMEOUT_MIN	1	/* s, acquire_timeout */
#define VGATE_ACQUIRE_TIMEOUT_MAX	600
#define VGATE_ACQUIRE_TIMEOUT_DEFAULT	30
#define VGATE_ACQUIRE_QUEUE_MIN		0	/* acquire_queue */
#define VGATE_ACQUIRE_QUEUE_MAX		1024
#define VGATE_ACQUIRE_QUEUE_DEFAULT	32
#define VGATE_NATT_KEEPALIVE_MIN	0	/* s, natt_keepalive: 0 = off */
#define VGATE_NATT_KEEPALIVE_MAX	3600
#define VGATE_NATT_KEEPALIVE_DEFAULT	20
#define VGATE_MAX_NESTING_MIN		1	/* module parameter max_nesting */
#define VGATE_MAX_NESTING_MAX		64
#define VGATE_MAX_NESTING_DEFAULT	6	/* XFRM_MAX_DEPTH */
#define VGATE_BLOCK_SECONDS_MIN		1	/* PEER_A_BLOCK_SECONDS */
#define VGATE_BLOCK_SECONDS_MAX		86400
#define VGATE_ITERATIONS_MIN		1	/* FLOW_A_ITERATIONS */
#define VGATE_ITERATIONS_MAX		1000000

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
	VGATE_CMD_PEER_NEW,
	VGATE_CMD_PEER_SET,
	VGATE_CMD_PEER_GET,
	VGATE_CMD_PEER_DEL,
	VGATE_CMD_PEER_FLUSH,
	VGATE_CMD_TXN_BEGIN,
	VGATE_CMD_TXN_COMMIT,
	VGATE_CMD_TXN_ABORT,
	VGATE_CMD_EXPLAIN,
	VGATE_CMD_ACQUIRE,	/* event only, multicast group "events" */
	VGATE_CMD_ENCAP_SOCK_SET,
	VGATE_CMD_ENCAP_SOCK_GET,
	VGATE_CMD_ENCAP_SOCK_DEL,
	VGATE_CMD_SA_EXPIRE,	/* event only, multicast group "events" */
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
	VGATE_A_PEER,		/* nest: enum vgate_peer_attr */
	VGATE_A_FLOW,		/* nest: enum vgate_flow_attr */
	VGATE_A_VERDICT,	/* nest, read only: enum vgate_verdict_attr */
	VGATE_A_ENCAP_SOCK,	/* nest: enum vgate_encap_sock_attr */
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
	/*
	 * Extended (64-bit) sequence numbers, RFC 4303 2.2.1 and appendix A:
	 * the ICV covers the high 32 bits, which are not sent (for AEADs the
	 * associated data is SPI + 64-bit sequence number, RFC 4106 5;
	 * otherwise authencesn() as in XFRM's "flag esn").  Needs a
	 * REPLAY_WINDOW of at least 1 (-EINVAL otherwise, as XFRM).
	 */
	VGATE_SA_F_ESN = 1U << 3,
};

#define VGATE_SA_F_SETTABLE VGATE_SA_F_ESN

/* Inside VGATE_A_SA. */
enum vgate_sa_attr {
	VGATE_SA_A_UNSPEC,
	VGATE_SA_A_SPI,		/* u32, not 0 and not 1..255 (RFC 4303 2.1) */
	VGATE_SA_A_PROTO,	/* u8, IPPROTO_ESP (the default), IPPROTO_AH
				 * or IPPROTO_COMP (IPComp, RFC 3173: SPI is
				 * then the 16-bit CPI, 256..65535); part of
				 * the key
				 */
	VGATE_SA_A_FAMILY,	/* u16, AF_INET or AF_INET6 (the outer
				 * addresses); part of the key: required by
				 * SA_GET and SA_DEL too
				 */
	VGATE_SA_A_SRC,		/* binary address: outer source */
	VGATE_SA_A_DST,		/* binary address: outer destination */
	VGATE_SA_A_MODE,	/* u8, enum vgate_mode */
	VGATE_SA_A_ENC,		/* u16, enum vgate_enc_alg; ESP only */
	VGATE_SA_A_ENC_KEY,	/* binary, write only */
	VGATE_SA_A_AUTH,	/* u16, enum vgate_auth_alg, default NONE;
				 * AH: required, an HMAC
				 */
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
	/*
	 * u32, optional: the ID of the PROTECT rule (traffic list entry)
	 * this SA was negotiated for, as in an ACQUIRE event.  An entry with
	 * no SPI_OUT sends through the newest live outbound SA with its ID
	 * as REQID; adding such an SA releases the packets held for it.
	 */
	VGATE_SA_A_REQID,
	/*
	 * nest, optional: enum vgate_encap_attr.  UDP encapsulation of ESP
	 * (NAT traversal, RFC 3948).  Kept by SA_SET like the rest.
	 */
	VGATE_SA_A_ENCAP,
	/*
	 * u64: the last outbound sequence number sent; the next packet
	 * carries OSEQ + 1.  SA_NEW/SA_SET: the start state (default 0; at
	 * most 2^32 - 1 without ESN).  Replies: the current value.
	 */
	VGATE_SA_A_OSEQ,
	/*
	 * u64: the highest inbound sequence number received; the window
	 * ends there, every number in it not yet seen.  SA_NEW/SA_SET: the
	 * start state (default 0; at most 2^32 - 1 without ESN).  Replies:
	 * the current value.
	 */
	VGATE_SA_A_REPLAY_SEQ,
	/*
	 * u8, read only, in SA_EXPIRE events: enum vgate_expire_limit, the
	 * limit that was reached.
	 */
	VGATE_SA_A_EXPIRE_LIMIT,
	/* u8, read only, in SA_EXPIRE events: 1 hard (SA removed), 0 soft */
	VGATE_SA_A_EXPIRE_HARD,
	/*
	 * u16, enum vgate_comp_alg: the compression algorithm of an IPComp
	 * SA (PROTO IPPROTO_COMP; default DEFLATE).  Refused for ESP.
	 */
	VGATE_SA_A_COMP,
	__VGATE_SA_A_LAST
};

#define VGATE_SA_A_MAX (__VGATE_SA_A_LAST - 1)

/*
 * IPComp (RFC 3173) compression algorithms.  DEFLATE (RFC 2394) is the
 * kernel crypto API's "deflate" (raw deflate, as XFRM's "comp deflate"):
 * packets whose payload is below 90 bytes (XFRM's threshold) are sent
 * uncompressed, and so is a payload that does not become smaller,
 * IPComp header included (RFC 3173 2.2).
 */
enum vgate_comp_alg {
	VGATE_COMP_DEFLATE = 1,
	__VGATE_COMP_LAST
};

#define VGATE_COMP_MAX (__VGATE_COMP_LAST - 1)
#define VGATE_COMP_THRESHOLD	90

/*
 * Inside VGATE_SA_A_LIFETIME, all u64, 0 meaning no limit.  The soft limit
 * marks the SA (VGATE_SA_F_SOFT_EXPIRED) and sends a soft SA_EXPIRE event
 * so that a keying daemon rekeys; the hard limit stops the SA (the packet
 * over it is dropped as "expired"), removes it and sends a hard SA_EXPIRE
 * event.
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

enum vgate_encap_type {
	VGATE_ENCAP_ESPINUDP = 1,	/* RFC 3948: UDP header, then ESP */
	__VGATE_ENCAP_LAST
};

#define VGATE_ENCAP_MAX (__VGATE_ENCAP_LAST - 1)

/*
 * Inside VGATE_SA_A_ENCAP.  Outbound, the UDP header (SPORT -> DPORT,
 * checksum 0 as RFC 3948 2.1 allows for IPv4) sits between the outer IP
 * header and ESP; keepalives (one byte 0xFF) go to DST:DPORT from
 * SRC:SPORT when nothing else was sent for natt_keepalive seconds.
 * Inbound, ESP-in-UDP reaches vgate through the namespace's NAT-T socket
 * (VGATE_CMD_ENCAP_SOCK_SET) whatever the ports; the SA's ports are not
 * checked (a NAT may change them; the keying daemon updates the SA).
 */
enum vgate_encap_attr {
	VGATE_ENCAP_A_UNSPEC,
	VGATE_ENCAP_A_TYPE,		/* u8, enum vgate_encap_type, default
					 * ESPINUDP
					 */
	VGATE_ENCAP_A_SPORT,		/* u16, 1..65535, required */
	VGATE_ENCAP_A_DPORT,		/* u16, 1..65535, required */
	/*
	 * binary address, transport mode only: NAT-OA, the peer's original
	 * (pre-NAT) address.  TCP and UDP checksums of packets the SA
	 * decrypts are corrected from it to SRC (RFC 3948 3.1.2), so that a
	 * transport mode client behind a NAT (L2TP/IPsec) works.
	 */
	VGATE_ENCAP_A_OA,
	__VGATE_ENCAP_A_LAST
};

#define VGATE_ENCAP_A_MAX (__VGATE_ENCAP_A_LAST - 1)

enum vgate_encap_sock_owner {
	VGATE_ENCAP_OWNER_KERNEL = 1,	/* vgate opened it (PORT) */
	VGATE_ENCAP_OWNER_USER,		/* handed over by a process (FD) */
};

/*
 * Inside VGATE_A_ENCAP_SOCK: the namespace's NAT-T socket, the UDP socket
 * on which ESP-in-UDP arrives (port 4500 in practice).
 */
enum vgate_encap_sock_attr {
	VGATE_ENCAP_SOCK_A_UNSPEC,
	VGATE_ENCAP_SOCK_A_FD,		/* u32, write only: a bound AF_INET UDP
					 * socket of the caller, in the
					 * namespace
					 */
	VGATE_ENCAP_SOCK_A_PORT,	/* u16: SET without FD: vgate opens its
					 * own socket on 0.0.0.0:PORT; GET: the
					 * bound port
					 */
	VGATE_ENCAP_SOCK_A_OWNER,	/* u8, read only: enum
					 * vgate_encap_sock_owner
					 */
	__VGATE_ENCAP_SOCK_A_LAST
};

#define VGATE_ENCAP_SOCK_A_MAX (__VGATE_ENCAP_SOCK_A_LAST - 1)

/* Which limit an SA_EXPIRE event reports. */
enum vgate_expire_limit {
	VGATE_EXPIRE_BYTES = 1,
	VGATE_EXPIRE_PACKETS,
	VGATE_EXPIRE_SECONDS,
	VGATE_EXPIRE_SEQ,		/* hard only: the outbound sequence
					 * number space is exhausted
					 */
	__VGATE_EXPIRE_LAST
};

#define VGATE_EXPIRE_MAX (__VGATE_EXPIRE_LAST - 1)

/*
 * Inside VGATE_SA_A_STATS, all u64, monotonic for the SA's life (SA_SET
 * starts a new SA).
 */
enum vgate_sa_stats_attr {
	VGATE_SA_STATS_A_UNSPEC,
	VGATE_SA_STATS_A_PACKETS,	/* packets through the SA (in + out) */
	VGATE_SA_STATS_A_BYTES,		/* payload bytes (inner packets) */
	VGATE_SA_STATS_A_ERRORS,	/* all drops charged to the SA */
	VGATE_SA_STATS_A_REPLAY,	/* replayed or left of the window */
	VGATE_SA_STATS_A_AUTH,		/* integrity check failed */
	VGATE_SA_STATS_A_PAD,
	VGATE_SA_STATS_A_PACKETS_IN,	/* decrypted and accepted */
	VGATE_SA_STATS_A_BYTES_IN,	/* their inner bytes */
	VGATE_SA_STATS_A_PACKETS_OUT,	/* handed to the cipher to be sent */
	VGATE_SA_STATS_A_BYTES_OUT,	/* their inner bytes */
	/*
	 * IPComp SAs only.  Outbound, every packet of PACKETS_OUT is one of
	 * COMP_OUT (sent compressed, with the IPComp header), COMP_SMALL_OUT
	 * (payload below VGATE_COMP_THRESHOLD, sent uncompressed) or
	 * COMP_INCOMPRESSIBLE_OUT (did not become smaller, sent
	 * uncompressed).  COMP_BYTES_BEFORE / COMP_BYTES_AFTER: payload
	 * bytes of the COMP_OUT packets before compression and after it
	 * (IPComp header included): their ratio is the compression ratio.
	 * Inbound: DECOMP_IN packets decompressed, DECOMP_BYTES_IN their
	 * compressed payload bytes (BYTES_IN counts them decompressed).
	 */
	VGATE_SA_STATS_A_COMP_OUT,
	VGATE_SA_STATS_A_COMP_SMALL_OUT,
	VGATE_SA_STATS_A_COMP_INCOMPRESSIBLE_OUT,
	VGATE_SA_STATS_A_COMP_BYTES_BEFORE,
	VGATE_SA_STATS_A_COMP_BYTES_AFTER,
	VGATE_SA_STATS_A_DECOMP_IN,
	VGATE_SA_STATS_A_DECOMP_BYTES_IN,
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
 * Where a rule sits in the evaluation order (the Bintec model): every PRE
 * rule in ID order, then every peer in peer ID order with its traffic list
 * in rule ID order, then every POST rule in ID order, then the post_default
 * knob.  The first match wins.  PRE and POST rules pass or drop; traffic
 * list entries (stage PEER, with PEER_NAME) pass, drop or protect.
 */
enum vgate_rule_stage {
	VGATE_STAGE_PRE = 1,
	VGATE_STAGE_PEER,
	VGATE_STAGE_POST,
	__VGATE_STAGE_LAST
};

#define VGATE_STAGE_MAX (__VGATE_STAGE_LAST - 1)

enum vgate_rule_flags {
	/*
	 * Let this rule capture the gateway's own traffic with hosts on its
	 * directly attached networks (management, DHCP).  Without it such
	 * traffic bypasses the rule ("self bypass").
	 */
	VGATE_RULE_F_SELF = 1U << 0,
};

#define VGATE_RULE_F_SETTABLE VGATE_RULE_F_SELF

/*
 * Inside VGATE_A_RULE.  A rule matches a packet leaving towards REMOTE from
 * LOCAL (outbound) and, mirrored, one arriving from REMOTE for LOCAL
 * (inbound).  LOCAL and REMOTE are each any (absent), a host (address
 * alone), a net (address and *_PLEN) or a range (address and *_END,
 * inclusive, not below the address); *_PLEN and *_END exclude each other.
 * A PROTECT entry sends outbound packets through its SAs (SPI_OUT and/or
 * AH_SPI_OUT, peer's address; see "Bundles" at the top), or, with no SPIs,
 * through the newest SAs whose REQID is the entry's ID (holding the
 * packets and raising an ACQUIRE event while there is none); it accepts
 * inbound packets only if they came through exactly its bundle: SAs from
 * the peer's address whose SPIs are SPI_IN and AH_SPI_IN (or whose REQID
 * is the entry's ID); a cleartext packet that matches it inbound is
 * dropped.
 *
 * Overlap skip (the swskip_overlap knob): when on, a PROTECT entry whose
 * LOCAL is not any and holds the packet's remote address (destination out,
 * source in) lets the packet pass in the clear instead.
 */
enum vgate_rule_attr {
	VGATE_RULE_A_UNSPEC,
	VGATE_RULE_A_ID,		/* u32, 1.., evaluation order */
	VGATE_RULE_A_FAMILY,		/* u16, AF_INET or AF_INET6 */
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
	VGATE_RULE_A_PEER,		/* binary, read only: the peer's address */
	VGATE_RULE_A_SPI_OUT,		/* u32, PROTECT only, optional: the
					 * outbound ESP SA
					 */
	VGATE_RULE_A_SPI_IN,		/* u32, PROTECT only, with SPI_OUT */
	VGATE_RULE_A_STATS,		/* nest, read only: vgate_rule_stats_attr */
	VGATE_RULE_A_STAGE,		/* u8, enum vgate_rule_stage; default
					 * PEER with PEER_NAME, else PRE
					 */
	VGATE_RULE_A_PEER_NAME,		/* string: the peer whose traffic list
					 * holds this entry (stage PEER only)
					 */
	VGATE_RULE_A_FLAGS,		/* u32, enum vgate_rule_flags */
	VGATE_RULE_A_DESCR,		/* string, up to 255 bytes */
	VGATE_RULE_A_LOCAL_END,		/* binary address: range end */
	VGATE_RULE_A_REMOTE_END,	/* binary address: range end */
	/*
	 * u32, PROTECT only, optional, together: the entry's AH SAs (see
	 * "Bundles" above enum vgate_rule_attr).  Alone (no SPI_OUT): AH
	 * alone; with SPI_OUT/SPI_IN: an AH+ESP bundle.
	 */
	VGATE_RULE_A_AH_SPI_OUT,
	VGATE_RULE_A_AH_SPI_IN,
	/*
	 * u16, 256..65535, PROTECT only, together, and only with SPI_OUT and
	 * SPI_IN: the CPIs of the entry's IPComp SAs (RFC 3173), compression
	 * before ESP.  Outbound the packet goes through the IPComp SA
	 * (CPI_OUT, the peer's address) and then the ESP SA; inbound the
	 * decrypted packet must have come through the IPComp SA CPI_IN, or
	 * be one the peer sent uncompressed (RFC 3173 2.2).  See
	 * enum vgate_peer_ipcomp.  Dynamic entries (no SPIs) use the IPComp
	 * SA with their REQID, if there is one.
	 */
	VGATE_RULE_A_CPI_OUT,
	VGATE_RULE_A_CPI_IN,
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
 * Peers.  A peer is a remote gateway with an ordered traffic list (the
 * rules of stage PEER naming it; their family, the inner one, may differ
 * from the peer's, the outer one) or, with VIRTUAL set, a route-based
 * interface (vgateN): whatever is routed into it is sent through the SA
 * (SPI_OUT, ADDR), and what the SA with SPI_IN from ADDR decrypts comes out
 * of it.
 *
 * Admin status: UP (entries apply), DIALUP (entries apply; a keying daemon
 * brings the tunnel up once, on demand), DOWN (the peer's entries are
 * skipped as if absent).  Oper status, read only: UP while an outbound SA
 * to ADDR exists, BLOCKED while a keying daemon has blocked the peer after
 * a failed negotiation (OPER set to BLOCKED with BLOCK_SECONDS; its
 * PROTECT entries then drop), DORMANT otherwise.
 */
enum vgate_peer_admin {
	VGATE_PEER_ADMIN_UP = 1,
	VGATE_PEER_ADMIN_DOWN,
	VGATE_PEER_ADMIN_DIALUP,
	__VGATE_PEER_ADMIN_LAST
};

#define VGATE_PEER_ADMIN_MAX (__VGATE_PEER_ADMIN_LAST - 1)

enum vgate_peer_oper {
	VGATE_PEER_OPER_UP = 1,
	VGATE_PEER_OPER_DORMANT,
	VGATE_PEER_OPER_BLOCKED,
	__VGATE_PEER_OPER_LAST
};

#define VGATE_PEER_OPER_MAX (__VGATE_PEER_OPER_LAST - 1)

/*
 * The Bintec IPComp option of a peer's SA bundles (VGATE_PEER_A_IPCOMP).
 *   ACCEPT (default): an entry that names IPComp SAs (CPI_OUT, CPI_IN)
 *     compresses through them; inbound, compressed and uncompressed
 *     packets are accepted.  Entries without CPIs do not use IPComp.
 *   NO: no IPComp at all: an entry of this peer with CPI_OUT/CPI_IN is
 *     refused (RULE_NEW/RULE_SET, offset of CPI_OUT; PEER_SET to NO while
 *     such entries exist: offset of IPCOMP), dynamic entries ignore
 *     IPComp SAs with their REQID, and a packet that arrives through an
 *     IPComp SA is dropped as POLICY.
 *   FORCE: IPComp must be used: a static entry (with SPI_OUT) without
 *     CPI_OUT is refused like above; a dynamic entry whose IPComp SA
 *     (REQID) is missing drops its outbound packets as NO_SA.  Packets
 *     below the threshold or that do not compress still leave
 *     uncompressed (RFC 3173 2.2), so inbound both are accepted.
 */
enum vgate_peer_ipcomp {
	VGATE_IPCOMP_ACCEPT = 1,
	VGATE_IPCOMP_NO,
	VGATE_IPCOMP_FORCE,
	__VGATE_IPCOMP_LAST
};

#define VGATE_IPCOMP_MAX (__VGATE_IPCOMP_LAST - 1)

/* Inside VGATE_A_PEER. */
enum vgate_peer_attr {
	VGATE_PEER_A_UNSPEC,
	VGATE_PEER_A_ID,		/* u32, 1..: evaluation order */
	VGATE_PEER_A_NAME,		/* string, 1..31 bytes of [A-Za-z0-9_.-],
					 * unique in the namespace
					 */
	VGATE_PEER_A_DESCR,		/* string, up to 255 bytes */
	VGATE_PEER_A_FAMILY,		/* u16, AF_INET or AF_INET6 */
	VGATE_PEER_A_ADDR,		/* binary address of the peer gateway */
	VGATE_PEER_A_HOSTNAME,		/* string: the name ADDR was resolved
					 * from (kept for display and save)
					 */
	VGATE_PEER_A_ADMIN,		/* u8, enum vgate_peer_admin, default UP */
	VGATE_PEER_A_OPER,		/* u8, enum vgate_peer_oper: read, or
					 * BLOCKED with BLOCK_SECONDS (PEER_SET)
					 */
	VGATE_PEER_A_BLOCK_SECONDS,	/* u32, 1..VGATE_BLOCK_SECONDS_MAX,
					 * with OPER BLOCKED
					 */
	VGATE_PEER_A_VIRTUAL,		/* u8, 0 or 1: route-based interface */
	VGATE_PEER_A_IFINDEX,		/* u32, read only (VIRTUAL) */
	VGATE_PEER_A_IFNAME,		/* string, read only (VIRTUAL) */
	VGATE_PEER_A_SPI_OUT,		/* u32, VIRTUAL only */
	VGATE_PEER_A_SPI_IN,		/* u32, VIRTUAL only */
	VGATE_PEER_A_ENTRIES,		/* u32, read only: traffic list size */
	/*
	 * u8, 0 (default) or 1: the Bintec "Propagate PMTU" of the peer's
	 * SAs.  1: an inner packet must fit the path MTU towards the peer
	 * (the route's MTU, lowered by ICMP errors about vgate's ESP
	 * packets), and the outer packet carries DF whenever the inner one
	 * could not be fragmented, so the path can report a smaller MTU,
	 * which vgate learns and reports to the inner senders.  0: it must
	 * fit the outgoing interface's MTU only; the outer packet may be
	 * fragmented (IPv4: DF clear; IPv6: by the gateway).
	 */
	VGATE_PEER_A_PROPAGATE_PMTU,
	VGATE_PEER_A_IPCOMP,		/* u8, enum vgate_peer_ipcomp, default
					 * ACCEPT
					 */
	__VGATE_PEER_A_LAST
};

#define VGATE_PEER_A_MAX (__VGATE_PEER_A_LAST - 1)

enum vgate_flow_dir {
	VGATE_DIR_OUT = 1,		/* leaving: LOCAL is SRC */
	VGATE_DIR_IN,			/* arriving: LOCAL is DST */
};

/*
 * Inside VGATE_A_FLOW: a packet's selector, given to EXPLAIN and carried
 * by ACQUIRE events.
 */
enum vgate_flow_attr {
	VGATE_FLOW_A_UNSPEC,
	VGATE_FLOW_A_FAMILY,		/* u16 */
	VGATE_FLOW_A_SRC,		/* binary address */
	VGATE_FLOW_A_DST,		/* binary address */
	VGATE_FLOW_A_PROTO,		/* u8, default 0 (no ports) */
	VGATE_FLOW_A_SPORT,		/* u16 */
	VGATE_FLOW_A_DPORT,		/* u16 */
	VGATE_FLOW_A_DIR,		/* u8, enum vgate_flow_dir, default OUT */
	VGATE_FLOW_A_ITERATIONS,	/* u32, EXPLAIN only, 1..
					 * VGATE_ITERATIONS_MAX:
					 * classify this many times and report
					 * the time taken (benchmark)
					 */
	__VGATE_FLOW_A_LAST
};

#define VGATE_FLOW_A_MAX (__VGATE_FLOW_A_LAST - 1)

/* Why the classifier decided what it decided. */
enum vgate_verdict_reason {
	VGATE_WHY_PRE_RULE = 1,		/* a PRE rule matched */
	VGATE_WHY_PEER_ENTRY,		/* a traffic list entry matched */
	VGATE_WHY_POST_RULE,		/* a POST rule matched */
	VGATE_WHY_POST_DEFAULT,		/* nothing matched: post_default */
	VGATE_WHY_OVERLAP_SKIP,		/* a PROTECT entry matched but the
					 * remote address lies in its LOCAL
					 * range and swskip_overlap is on
					 */
	VGATE_WHY_SELF_BYPASS,		/* the gateway's own traffic with a
					 * directly attached host
					 */
	VGATE_WHY_PEER_BLOCKED,		/* PROTECT entry of a blocked peer */
	VGATE_WHY_PEER_DOWN,		/* PROTECT entry of an admin down
					 * peer, and no later entry of
					 * another peer nor a DROP rule took
					 * the packet: dropped, never passed
					 * in the clear (fail closed)
					 */
	__VGATE_WHY_LAST
};

#define VGATE_WHY_MAX (__VGATE_WHY_LAST - 1)

/* Inside VGATE_A_VERDICT (EXPLAIN replies), read only. */
enum vgate_verdict_attr {
	VGATE_VERDICT_A_UNSPEC,
	VGATE_VERDICT_A_ACTION,		/* u8, enum vgate_rule_action */
	VGATE_VERDICT_A_REASON,		/* u8, enum vgate_verdict_reason */
	VGATE_VERDICT_A_RULE_ID,	/* u32, the rule, when one decided */
	VGATE_VERDICT_A_STAGE,		/* u8, its stage */
	VGATE_VERDICT_A_PEER_NAME,	/* string, stage PEER */
	VGATE_VERDICT_A_SELF,		/* u8: the flow is self traffic */
	VGATE_VERDICT_A_NANOSECONDS,	/* u64: total time of ITERATIONS */
	VGATE_VERDICT_A_ITERATIONS,	/* u32 */
	VGATE_VERDICT_A_PAD,
	__VGATE_VERDICT_A_LAST
};

#define VGATE_VERDICT_A_MAX (__VGATE_VERDICT_A_LAST - 1)

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
	VGATE_DROP_AUTH,	/* integrity check failed (ESP or AH ICV) */
	VGATE_DROP_BAD_PADDING,	/* pad length or pad bytes wrong */
	VGATE_DROP_MALFORMED,	/* too short, bad header, bad next header,
				 * AH payload length not the SA's
				 */
	VGATE_DROP_POLICY,	/* cleartext where protection was required,
				 * decrypted packet outside the selector or
				 * not through exactly the entry's bundle, or
				 * transport mode packet not for the SA's DST
				 */
	VGATE_DROP_RULE,	/* a DROP rule matched */
	VGATE_DROP_EXPIRED,	/* SA reached its hard lifetime (or was
				 * stopped by sequence number overflow)
				 */
	VGATE_DROP_SEQ_OVERFLOW,/* outbound sequence number space exhausted */
	VGATE_DROP_MTU,		/* too big after encapsulation: IPv4 with DF
				 * set, or IPv6; ICMP error sent
				 */
	VGATE_DROP_NOMEM,	/* allocation or crypto resource failure */
	VGATE_DROP_CRYPTO,	/* crypto API error other than auth */
	VGATE_DROP_NO_ROUTE,	/* no route to the peer, or the decrypted
				 * packet could not be routed
				 */
	VGATE_DROP_ACQUIRE_OVERFLOW, /* held-packet queue of an ACQUIRE full */
	VGATE_DROP_ACQUIRE_TIMEOUT, /* no SA arrived in acquire_timeout */
	VGATE_DROP_PEER_BLOCKED, /* PROTECT entry of a blocked peer */
	VGATE_DROP_NATT_MALFORMED, /* UDP-encapsulated packet on the NAT-T
				    * socket that is neither ESP (truncated:
				    * 8 bytes or less), nor IKE (non-ESP
				    * marker), nor a keepalive
				    */
	VGATE_DROP_NATT_NO_DAEMON, /* IKE (non-ESP marker) on vgate's own
				    * NAT-T socket, which no daemon reads
				    */
	VGATE_DROP_IPCOMP_MALFORMED, /* IPComp header truncated, flags set,
				      * or next header IPComp again (an
				      * unknown CPI counts as NO_SA)
				      */
	VGATE_DROP_DECOMPRESS,	/* the IPComp payload does not decompress
				 * (corrupt deflate data)
				 */
	VGATE_DROP_DECOMPRESS_OVERSIZE, /* it would decompress to more than
					 * an IP packet can hold (65535
					 * bytes with the outer header): a
					 * decompression bomb
					 */
	VGATE_DROP_PEER_DOWN,	/* covered by a PROTECT entry of an admin
				 * down peer (VGATE_WHY_PEER_DOWN), or
				 * routed into a down virtual peer
				 */
	VGATE_DROP_NESTING,	/* a decrypted packet carried ESP or AH
				 * for vgate again, more than max_nesting
				 * (module parameter, 1..64, default 6)
				 * layers deep in all
				 */
	VGATE_DROP_FRAGMENT,	/* IPv6 ESP or AH behind a Fragment header
				 * (an atomic fragment, or the first of a
				 * fragmented packet): the defragmenter did
				 * not run before vgate (conntrack bypassed
				 * with notrack at a priority before -400)
				 */
	VGATE_DROP_NO_NEXT_HEADER, /* AH with a valid ICV and next header
				    * 59 (none): nothing to deliver.  ESP's
				    * dummy packets (RFC 4303 2.6) are not
				    * drops: VGATE_STATS_A_DUMMY_IN
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
	VGATE_STATS_A_PEERS,		/* u32: peers configured */
	VGATE_STATS_A_PEERS_UP,		/* u32: oper status up */
	VGATE_STATS_A_PEERS_DORMANT,	/* u32 */
	VGATE_STATS_A_PEERS_BLOCKED,	/* u32 */
	VGATE_STATS_A_OVERLAP_SKIPPED,	/* packets passed by overlap skip */
	VGATE_STATS_A_SELF_BYPASSED,	/* packets passed by self bypass */
	VGATE_STATS_A_ACQUIRES,		/* ACQUIRE events sent */
	VGATE_STATS_A_NATT_ESP_IN,	/* ESP-in-UDP packets taken from the
					 * NAT-T socket (then counted like ESP)
					 */
	VGATE_STATS_A_NATT_IKE_IN,	/* non-ESP marker packets left to the
					 * NAT-T socket's owner
					 */
	VGATE_STATS_A_NATT_KEEPALIVES_IN, /* NAT keepalives received and
					   * discarded (not drops)
					   */
	VGATE_STATS_A_NATT_KEEPALIVES_OUT, /* NAT keepalives sent */
	VGATE_STATS_A_PMTU_LEARNT,	/* ICMP "fragmentation needed" or
					 * "packet too big" about vgate's own
					 * ESP packets, recorded as the path
					 * MTU towards the peer
					 */
	VGATE_STATS_A_DUMMY_IN,		/* ESP dummy packets (next header 59,
					 * RFC 4303 2.6): authenticated, then
					 * discarded as the RFC says
					 */
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
					 * 1..VGATE_MAX_SAS_MAX (1048576)
					 */
	VGATE_CFG_A_DROP_LOG,		/* u8 "drop_log", 0..1: 1 logs drops
					 * to the kernel log, rate limited;
					 * the sysfs file also takes on/off
					 */
	VGATE_CFG_A_SWSKIP_OVERLAP,	/* u8 "swskip_overlap", 0..1, default
					 * 0: overlap skip (CLI swSkipOverlapIp);
					 * the sysfs file also takes on/off
					 */
	VGATE_CFG_A_POST_DEFAULT,	/* u8 "post_default": enum
					 * vgate_rule_action PASS (default) or
					 * DROP; sysfs also takes pass/drop
					 */
	VGATE_CFG_A_ACQUIRE_TIMEOUT,	/* u32 "acquire_timeout": seconds a
					 * held packet waits for its SA,
					 * 1..VGATE_ACQUIRE_TIMEOUT_MAX (600),
					 * default 30
					 */
	VGATE_CFG_A_ACQUIRE_QUEUE,	/* u32 "acquire_queue": packets held
					 * per entry, 0..VGATE_ACQUIRE_QUEUE_MAX
					 * (1024), default 32
					 */
	VGATE_CFG_A_NATT_KEEPALIVE,	/* u32 "natt_keepalive": seconds of
					 * silence after which a UDP-encapsulated
					 * SA sends a NAT keepalive, 0 (off)
					 * ..VGATE_NATT_KEEPALIVE_MAX (3600),
					 * default 20
					 */
	__VGATE_CFG_A_LAST
};

#define VGATE_CFG_A_MAX (__VGATE_CFG_A_LAST - 1)

/*
 * Gratuitous-ARP policy: generic netlink family "vgate_garp"
 * (VGATE_GARP_GENL_NAME), version VGATE_GARP_GENL_VERSION, registered by
 * vgate_garp.ko.  Network-namespace aware; every command requires
 * CAP_NET_ADMIN (GENL_UNS_ADMIN_PERM) and userns_admin applies as above;
 * validation is strict as above.
 *
 * What counts as gratuitous: an Ethernet/IPv4 ARP request or reply whose
 * sender and target protocol addresses are equal (and not 0.0.0.0), and a
 * reply nobody asked for (no neighbour entry for its sender is being
 * resolved, and it would change the sender's entry).  The policy, per
 * interface with a namespace-wide default:
 *   ACTIVE 0 ("ip arp ackGratuitous active no", the default): such a
 *     packet never creates or changes a neighbour entry; it is dropped.
 *   ACTIVE 1, FORCE_UPDATE 0: it may create an entry for an address that
 *     has none (or only an unresolved one), never change an existing one.
 *   ACTIVE 1, FORCE_UPDATE 1: it may also change an existing entry's MAC.
 *   Permanent (static) entries are never changed.
 * With ACTIVE 1 the announcement is not applied as it arrives: the
 * gateway asks for the address with its own broadcast ARP request and
 * applies the announced MAC only if, within VERIFY_TIMEOUT, a reply gives
 * that MAC and no reply gives another one.  Announcements for addresses
 * outside the subnets of the receiving interface, and for the gateway's
 * own addresses, are refused; at most RATE_LIMIT per second and interface
 * are considered.  Each MAC change is logged (rate limited).
 * An ARP request whose sender would change the MAC of an existing,
 * non-permanent entry is judged the same way as a claim of its sender
 * (counted in SEEN and REQUESTS; drop_gratuitous_arp does not apply) and
 * never merged by the kernel; vgate_garp answers it as the kernel would
 * for a local target.  Requests that create an entry are not affected.
 *
 * VGATE_GARP_CMD_GET: reply VGATE_GARP_A_GLOBAL with the namespace's
 *   settings (enum vgate_garp_cfg_attr, PENDING included).
 * VGATE_GARP_CMD_SET: either VGATE_GARP_A_GLOBAL with any of ACTIVE,
 *   FORCE_UPDATE, RATE_LIMIT, VERIFY_TIMEOUT; or VGATE_GARP_A_IF with
 *   IFINDEX or IFNAME (an interface of the namespace, -ENODEV otherwise;
 *   -EOPNOTSUPP if it is not Ethernet) and any of ACTIVE, FORCE_UPDATE,
 *   RATE_LIMIT, where VGATE_GARP_INHERIT / VGATE_GARP_RATE_INHERIT drop the
 *   override.  Out-of-range values: -ERANGE, nothing changes.
 * VGATE_GARP_CMD_IF_GET: with VGATE_GARP_A_IF holding IFINDEX or IFNAME:
 *   that interface; with NLM_F_DUMP: every Ethernet interface of the
 *   namespace in ifindex order.  Replies carry VGATE_GARP_A_IF with the
 *   overrides, the effective values and VGATE_GARP_IF_A_COUNTERS.
 * VGATE_GARP_CMD_TXN_BEGIN / _COMMIT / _ABORT: as VGATE_CMD_TXN_*, for
 *   this family: until TXN_COMMIT, the SETs of this socket change a
 *   pending copy (each checked when sent, the interface included); COMMIT
 *   writes it all at once and cannot fail (an interface gone since is
 *   skipped); ABORT or closing the socket drops it.  One transaction per
 *   namespace: -EBUSY for a second TXN_BEGIN and for the SETs of other
 *   sockets and sysfs writes meanwhile; -ENOENT for COMMIT or ABORT
 *   without one.
 *
 * The same settings are files: /sys/kernel/vgate/garp/{active,
 * force_update,rate_limit,verify_timeout} (namespace of the process, like
 * the other knobs) and /sys/class/net/IF/vgate_garp/{active,force_update,
 * rate_limit} (that interface; "inherit" drops the override).
 */
#define VGATE_GARP_GENL_NAME		"vgate_garp"
#define VGATE_GARP_GENL_VERSION		1

#define VGATE_GARP_INHERIT		2	/* u8 switch: use the global value */
#define VGATE_GARP_RATE_INHERIT		0xffffffffU
#define VGATE_GARP_RATE_LIMIT_MIN	0	/* per second; 0 = unlimited */
#define VGATE_GARP_RATE_LIMIT_MAX	10000
#define VGATE_GARP_RATE_LIMIT_DEFAULT	10
#define VGATE_GARP_VERIFY_TIMEOUT_MIN	100	/* ms */
#define VGATE_GARP_VERIFY_TIMEOUT_MAX	10000	/* ms */
#define VGATE_GARP_VERIFY_TIMEOUT_DEFAULT 500	/* ms */

enum vgate_garp_cmd {
	VGATE_GARP_CMD_UNSPEC,
	VGATE_GARP_CMD_GET,
	VGATE_GARP_CMD_SET,
	VGATE_GARP_CMD_IF_GET,
	VGATE_GARP_CMD_TXN_BEGIN,
	VGATE_GARP_CMD_TXN_COMMIT,
	VGATE_GARP_CMD_TXN_ABORT,
	__VGATE_GARP_CMD_LAST
};

#define VGATE_GARP_CMD_MAX (__VGATE_GARP_CMD_LAST - 1)

enum vgate_garp_attr {
	VGATE_GARP_A_UNSPEC,
	VGATE_GARP_A_GLOBAL,		/* nest: enum vgate_garp_cfg_attr */
	VGATE_GARP_A_IF,		/* nest: enum vgate_garp_if_attr */
	__VGATE_GARP_A_LAST
};

#define VGATE_GARP_A_MAX (__VGATE_GARP_A_LAST - 1)

enum vgate_garp_cfg_attr {
	VGATE_GARP_CFG_A_UNSPEC,
	VGATE_GARP_CFG_A_ACTIVE,	/* u8 0..1, default 0 */
	VGATE_GARP_CFG_A_FORCE_UPDATE,	/* u8 0..1, default 0 */
	VGATE_GARP_CFG_A_RATE_LIMIT,	/* u32 announcements per second and
					 * interface, 0..VGATE_GARP_RATE_LIMIT_MAX,
					 * 0 = unlimited, default 10
					 */
	VGATE_GARP_CFG_A_VERIFY_TIMEOUT, /* u32 ms, VGATE_GARP_VERIFY_TIMEOUT_MIN
					  * ..._MAX, default 500
					  */
	VGATE_GARP_CFG_A_PENDING,	/* u32, read-only: verifications running */
	__VGATE_GARP_CFG_A_LAST
};

#define VGATE_GARP_CFG_A_MAX (__VGATE_GARP_CFG_A_LAST - 1)

enum vgate_garp_if_attr {
	VGATE_GARP_IF_A_UNSPEC,
	VGATE_GARP_IF_A_IFINDEX,	/* u32 */
	VGATE_GARP_IF_A_IFNAME,		/* string, < IFNAMSIZ */
	VGATE_GARP_IF_A_ACTIVE,		/* u8 0, 1 or VGATE_GARP_INHERIT */
	VGATE_GARP_IF_A_FORCE_UPDATE,	/* u8 0, 1 or VGATE_GARP_INHERIT */
	VGATE_GARP_IF_A_RATE_LIMIT,	/* u32, or VGATE_GARP_RATE_INHERIT */
	VGATE_GARP_IF_A_EFF_ACTIVE,	/* u8, read-only: value in force */
	VGATE_GARP_IF_A_EFF_FORCE_UPDATE, /* u8, read-only */
	VGATE_GARP_IF_A_EFF_RATE_LIMIT,	/* u32, read-only */
	VGATE_GARP_IF_A_COUNTERS,	/* nest, read-only: u64 per enum
					 * vgate_garp_counter
					 */
	__VGATE_GARP_IF_A_LAST
};

#define VGATE_GARP_IF_A_MAX (__VGATE_GARP_IF_A_LAST - 1)

/*
 * Per-interface counters.  Once no verification is running:
 *   SEEN = ACCEPTED_NEW + ACCEPTED_CHANGED + UNCHANGED + REFUSED_POLICY +
 *          REFUSED_VERIFY + REFUSED_OFFSUBNET + RATE_LIMITED + COALESCED
 * MALFORMED, PROBES_SENT and REQUESTS are outside that sum (REQUESTS
 * counts the part of SEEN that came from ARP requests).
 */
enum vgate_garp_counter {
	VGATE_GARP_CNT_PAD,		/* nest padding, type 0 */
	VGATE_GARP_CNT_SEEN,		/* gratuitous ARPs considered, and
					 * requests that would change an entry
					 */
	VGATE_GARP_CNT_ACCEPTED_NEW,	/* created an entry */
	VGATE_GARP_CNT_ACCEPTED_CHANGED, /* changed an entry's MAC (logged) */
	VGATE_GARP_CNT_UNCHANGED,	/* named the MAC already in the entry */
	VGATE_GARP_CNT_REFUSED_POLICY,	/* active no, forceUpdate off, a
					 * permanent or noarp entry, our own
					 * address, drop_gratuitous_arp set;
					 * checked again when a verification
					 * ends
					 */
	VGATE_GARP_CNT_REFUSED_VERIFY,	/* no confirming reply, or a reply or
					 * announcement (not rate limited)
					 * with another MAC
					 */
	VGATE_GARP_CNT_REFUSED_OFFSUBNET, /* not a unicast address in a subnet
					   * of the interface
					   */
	VGATE_GARP_CNT_RATE_LIMITED,	/* over RATE_LIMIT, too many
					 * verifications running, or no memory
					 */
	VGATE_GARP_CNT_COALESCED,	/* repeated an announcement whose
					 * verification was running
					 */
	VGATE_GARP_CNT_MALFORMED,	/* truncated frames, wrong address
					 * lengths, types or opcodes (the kernel
					 * ignores them), and announcements
					 * with a multicast/zero sender MAC or
					 * a non-unicast sender address (dropped)
					 */
	VGATE_GARP_CNT_PROBES_SENT,	/* verification requests sent */
	VGATE_GARP_CNT_REQUESTS,	/* ARP requests whose sender would
					 * have changed an entry's MAC, judged
					 * like announcements (also in SEEN
					 * and one outcome) and answered by
					 * vgate_garp
					 */
	__VGATE_GARP_CNT_LAST
};

#define VGATE_GARP_CNT_MAX (__VGATE_GARP_CNT_LAST - 1)

/*
 * Bandwidth manager: generic netlink family "vgate_bwm" (VGATE_BWM_GENL_NAME),
 * version VGATE_BWM_GENL_VERSION, registered by vgate_bwm.ko (which does not
 * need vgate.ko).  Network-namespace aware (interfaces are looked up in the
 * caller's namespace); every command requires CAP_NET_ADMIN, and the
 * userns_admin setting of vgate.ko applies as above (read through
 * vgate.ko while it is loaded; without it, the default: off).
 *
 * Model.  "Enabling" an interface grafts the module's own queueing
 * discipline ("vgate_bwm") as the device's root qdisc, on every transmit
 * queue, and keeps the previous root (and per-queue) qdiscs; disabling it,
 * unregistering the device or unloading the module puts them back.  The
 * interface has a total bandwidth RATE (bit/s), which is a hard limit on
 * what leaves the device, and a class tree: class 0 is the interface itself
 * (VGATE_BWM_CLASS_ROOT); user classes 1..VGATE_BWM_CLASS_ID_MAX have a
 * PARENT (0 or another class), a guaranteed RATE, a PRIO and BORROW: with
 * borrowing on a class may send above its rate with bandwidth its
 * ancestors do not use, up to CEIL (default: the parent's ceiling, for a
 * top-level class the interface bandwidth).  The guaranteed rates of the
 * children of a class sum to at most the parent's rate.  Packets no filter
 * matches go to DEFAULT_CLASS, or, when it is 0, to the built-in class
 * VGATE_BWM_CLASS_DEFAULT (guaranteed what the top-level classes leave of
 * the interface bandwidth, at least 1%, borrowing, lowest priority).
 * Only classes without subclasses (leaves) hold packets; filters and
 * DEFAULT_CLASS must name leaves.
 *
 * Spare bandwidth (MODE): VGATE_BWM_MODE_FAIRNESS shares it among the
 * backlogged borrowing classes in proportion to their guaranteed rates;
 * VGATE_BWM_MODE_PRIORITY gives it to the highest PRIO first (7 highest),
 * classes of equal PRIO sharing in proportion to their rates.  Guaranteed
 * rates are served before any borrowing in both modes.
 *
 * Lengths.  A packet counts with the bytes the device sends (its
 * qdisc_pkt_len(), L2 header included on Ethernet) plus OVERHEAD bytes,
 * plus, with ESP set, the ESP encapsulation it will get (VGATE_BWM_ESP_*:
 * outer IPv4 header 20, ESP header 8, IV 8, padding to 4 bytes, pad
 * length and next header 2, ICV 16; ESP_UDP adds UDP 8): rates are then
 * rates of the encrypted traffic on the wire.  GSO packets are split into
 * segments when queued.  A packet dequeued on an interface with ESP set is
 * marked as shaped (bit VGATE_BWM_TC_INDEX_SHAPED of skb->tc_index); when
 * it leaves through another shaped interface (the physical one under a
 * route-based vgateN), it goes out ahead of the classes, charged to
 * nothing and counted as "direct": it is not counted twice.
 *
 * Filters.  A filter matches when every criterion it has matches: PROTO
 * (IP protocol), SRC_MIN..SRC_MAX and DST_MIN..DST_MAX (addresses, 4 or 16
 * bytes, of the packet's family), SPORT and DPORT ranges (TCP, UDP, SCTP,
 * UDP-Lite), SERVICE (enum vgate_bwm_service: its protocol and port as
 * source or destination port, so both directions of a connection match).
 * When several filters match, the most specific wins, whatever order they
 * were added in: more criteria first (a SERVICE counts as a protocol and
 * a destination port), then the narrower address ranges, then the
 * narrower port ranges (a SERVICE's port as a single port), then the
 * lower filter ID.  If the packet
 * belongs to a connection that conntrack's helpers created as expected by
 * another one (FTP data, H.323 and SIP media: the conntrack entry has a
 * master), it is classified by the outermost master's original tuple,
 * so it follows its control connection's class.
 *
 * VGATE_BWM_CMD_IF_SET: VGATE_BWM_A_IF with IFINDEX or IFNAME and ENABLED:
 *   1 with RATE (required when the interface is not enabled yet) and any of
 *   MODE, OVERHEAD, ESP, LIMIT, DEFAULT_CLASS: enable or change;
 *   0: disable (the classes and filters go, the previous qdisc is back).
 * VGATE_BWM_CMD_IF_GET: one interface (IF with IFINDEX or IFNAME) or, with
 *   NLM_F_DUMP, every enabled interface of the namespace.  The reply's IF
 *   nest has the settings, NUM_CLASSES, NUM_FILTERS and STATS (the
 *   interface as a whole, enum vgate_bwm_stat, with DIRECT).
 * VGATE_BWM_CMD_CLASS_NEW / _SET / _DEL: IF and VGATE_BWM_A_CLASS with ID
 *   and, for NEW, RATE (required), PARENT, CEIL, PRIO, BORROW, NAME; SET
 *   changes what it carries (CEIL 0: back to the default ceiling); DEL
 *   refuses a class with subclasses or named by a filter or DEFAULT_CLASS.
 * VGATE_BWM_CMD_CLASS_GET: dump (NLM_F_DUMP with IF): the interface's
 *   classes, the root (ID 0) and built-in default included, each with
 *   STATS.
 * VGATE_BWM_CMD_FILTER_NEW / _DEL: IF and VGATE_BWM_A_FILTER with ID and,
 *   for NEW, CLASS and criteria.  FILTER_GET: dump, with MATCHES.
 * VGATE_BWM_CMD_TXN_BEGIN / _COMMIT / _ABORT: as VGATE_CMD_TXN_*, for
 *   this family: until TXN_COMMIT, the IF_SET, CLASS_* and FILTER_* of
 *   this socket change pending copies of the interfaces' configurations,
 *   each checked as a whole and prepared (shaper tree, qdisc of an
 *   interface to enable) when sent; COMMIT installs them all at once and
 *   cannot fail; ABORT or closing the socket drops them.  One transaction
 *   per namespace: -EBUSY for a second TXN_BEGIN and for the changes of
 *   other sockets meanwhile; -ENOENT for COMMIT or ABORT without one.
 *   GETs and dumps read the running configuration.
 * VGATE_BWM_CMD_FLUSH: no attributes: disable every enabled interface of
 *   the namespace (as IF_SET ENABLED 0 on each; none enabled is not an
 *   error), in the transaction if this socket has one open.  "vgate config
 *   save" starts its bm lines with it, so a saved file re-applies anywhere.
 *
 * Every change is checked as a whole and applied at once while traffic
 * flows (the new tree replaces the old one under the qdisc lock; classes
 * that remain keep their queues, tokens and counters).  Refused, with an
 * extack message naming the value, nothing changed: a rate (RATE, CEIL
 * other than 0) outside VGATE_BWM_RATE_MIN..VGATE_BWM_RATE_MAX, RATE 0 or
 * above the
 * device's link speed (when it reports one), a class RATE of 0 or above
 * its parent's ceiling or the interface's bandwidth, a CEIL below the
 * class's RATE or above the interface's bandwidth, children whose rates
 * sum above their parent's rate (-ERANGE); an unknown interface
 * (-ENODEV), class or filter (-ENOENT), a duplicate ID (-EEXIST), a
 * PARENT that is the class itself or one of its descendants (-ELOOP), a
 * filter or DEFAULT_CLASS naming a class with subclasses, a class with
 * subclasses or filters deleted (-EBUSY); classes, filters or an
 * interface that is not enabled (-ENOENT).
 */
#define VGATE_BWM_GENL_NAME		"vgate_bwm"
#define VGATE_BWM_GENL_VERSION		1

#define VGATE_BWM_CLASS_ROOT		0	/* the interface */
#define VGATE_BWM_CLASS_ID_MAX		65534
#define VGATE_BWM_CLASS_DEFAULT		65535	/* built-in default class */
#define VGATE_BWM_MAX_CLASSES		256	/* user classes per interface */
#define VGATE_BWM_MAX_FILTERS		1024	/* per interface */
#define VGATE_BWM_FILTER_ID_MAX		65535
#define VGATE_BWM_PRIO_MAX		7	/* highest priority */
#define VGATE_BWM_NAME_MAX		32	/* class names, NUL included */
#define VGATE_BWM_OVERHEAD_MAX		256	/* bytes per packet */
#define VGATE_BWM_LIMIT_DEFAULT		1000	/* packets per class queue */
#define VGATE_BWM_LIMIT_MAX		10000
/*
 * Rates (interface bandwidth, class RATE and CEIL), bit/s.  The minimum
 * is one byte per second; the maximum (10 Tbit/s) keeps every sum of
 * rates (256 classes) and every cost computation of the shaper far from
 * 64-bit overflow.  RATE and CEIL outside VGATE_BWM_RATE_MIN..
 * VGATE_BWM_RATE_MAX are refused (-ERANGE at the attribute; CEIL 0 means
 * "default").
 */
#define VGATE_BWM_RATE_MIN		8ULL
#define VGATE_BWM_RATE_MAX		10000000000000ULL
#define VGATE_BWM_TC_INDEX_SHAPED	0x8000	/* skb->tc_index bit */

enum vgate_bwm_cmd {
	VGATE_BWM_CMD_UNSPEC,
	VGATE_BWM_CMD_IF_SET,
	VGATE_BWM_CMD_IF_GET,
	VGATE_BWM_CMD_CLASS_NEW,
	VGATE_BWM_CMD_CLASS_SET,
	VGATE_BWM_CMD_CLASS_DEL,
	VGATE_BWM_CMD_CLASS_GET,
	VGATE_BWM_CMD_FILTER_NEW,
	VGATE_BWM_CMD_FILTER_DEL,
	VGATE_BWM_CMD_FILTER_GET,
	VGATE_BWM_CMD_TXN_BEGIN,
	VGATE_BWM_CMD_TXN_COMMIT,
	VGATE_BWM_CMD_TXN_ABORT,
	VGATE_BWM_CMD_FLUSH,
	__VGATE_BWM_CMD_LAST
};

#define VGATE_BWM_CMD_MAX (__VGATE_BWM_CMD_LAST - 1)

enum vgate_bwm_attr {
	VGATE_BWM_A_UNSPEC,
	VGATE_BWM_A_IF,			/* nest: enum vgate_bwm_if_attr */
	VGATE_BWM_A_CLASS,		/* nest: enum vgate_bwm_class_attr */
	VGATE_BWM_A_FILTER,		/* nest: enum vgate_bwm_filter_attr */
	__VGATE_BWM_A_LAST
};

#define VGATE_BWM_A_MAX (__VGATE_BWM_A_LAST - 1)

enum vgate_bwm_mode {
	VGATE_BWM_MODE_FAIRNESS,
	VGATE_BWM_MODE_PRIORITY,
};

enum vgate_bwm_esp {
	VGATE_BWM_ESP_NONE,
	VGATE_BWM_ESP,			/* ESP tunnel mode over IPv4 */
	VGATE_BWM_ESP_UDP,		/* the same in UDP (NAT-T) */
};

enum vgate_bwm_if_attr {
	VGATE_BWM_IF_A_UNSPEC,
	VGATE_BWM_IF_A_PAD,
	VGATE_BWM_IF_A_IFINDEX,		/* u32 */
	VGATE_BWM_IF_A_IFNAME,		/* string, < IFNAMSIZ */
	VGATE_BWM_IF_A_ENABLED,		/* u8 0..1 */
	VGATE_BWM_IF_A_RATE,		/* u64 bit/s, VGATE_BWM_RATE_MIN..
					 * VGATE_BWM_RATE_MAX
					 */
	VGATE_BWM_IF_A_MODE,		/* u8 enum vgate_bwm_mode, default
					 * FAIRNESS
					 */
	VGATE_BWM_IF_A_OVERHEAD,	/* u16 bytes per packet, 0..
					 * VGATE_BWM_OVERHEAD_MAX, default 0
					 */
	VGATE_BWM_IF_A_ESP,		/* u8 enum vgate_bwm_esp, default NONE */
	VGATE_BWM_IF_A_LIMIT,		/* u32 packets per class, 1..
					 * VGATE_BWM_LIMIT_MAX
					 */
	VGATE_BWM_IF_A_DEFAULT_CLASS,	/* u16 leaf class, 0: built-in, ..
					 * VGATE_BWM_CLASS_ID_MAX
					 */
	VGATE_BWM_IF_A_NUM_CLASSES,	/* u32, read-only: user classes */
	VGATE_BWM_IF_A_NUM_FILTERS,	/* u32, read-only */
	VGATE_BWM_IF_A_LINK_SPEED,	/* u64 bit/s, read-only, 0: unknown */
	VGATE_BWM_IF_A_STATS,		/* nest, read-only: enum vgate_bwm_stat */
	__VGATE_BWM_IF_A_LAST
};

#define VGATE_BWM_IF_A_MAX (__VGATE_BWM_IF_A_LAST - 1)

enum vgate_bwm_class_attr {
	VGATE_BWM_CLASS_A_UNSPEC,
	VGATE_BWM_CLASS_A_PAD,
	VGATE_BWM_CLASS_A_ID,		/* u16 1..VGATE_BWM_CLASS_ID_MAX */
	VGATE_BWM_CLASS_A_PARENT,	/* u16 0..VGATE_BWM_CLASS_ID_MAX,
					 * default VGATE_BWM_CLASS_ROOT
					 */
	VGATE_BWM_CLASS_A_RATE,		/* u64 bit/s guaranteed,
					 * VGATE_BWM_RATE_MIN..
					 * VGATE_BWM_RATE_MAX
					 */
	VGATE_BWM_CLASS_A_CEIL,		/* u64 bit/s, 0: default (the
					 * parent's ceiling), else
					 * VGATE_BWM_RATE_MIN..
					 * VGATE_BWM_RATE_MAX
					 */
	VGATE_BWM_CLASS_A_PRIO,		/* u8 0..VGATE_BWM_PRIO_MAX, default 0 */
	VGATE_BWM_CLASS_A_BORROW,	/* u8 0..1, default 1 */
	VGATE_BWM_CLASS_A_NAME,		/* string, < VGATE_BWM_NAME_MAX */
	VGATE_BWM_CLASS_A_LEAF,		/* u8, read-only: holds packets */
	VGATE_BWM_CLASS_A_STATS,	/* nest, read-only: enum vgate_bwm_stat */
	VGATE_BWM_CLASS_A_EFF_CEIL,	/* u64 bit/s, read-only: the ceiling
					 * in force (RATE without borrowing)
					 */
	__VGATE_BWM_CLASS_A_LAST
};

#define VGATE_BWM_CLASS_A_MAX (__VGATE_BWM_CLASS_A_LAST - 1)

/* Statistics of a class (or of the interface: VGATE_BWM_IF_A_STATS). */
enum vgate_bwm_stat {
	VGATE_BWM_STAT_PAD,		/* nest padding, type 0 */
	VGATE_BWM_STAT_BYTES,		/* u64 sent, as counted (OVERHEAD,
					 * ESP included)
					 */
	VGATE_BWM_STAT_PACKETS,		/* u64 sent (packets on the wire: the
					 * segments of a GSO packet)
					 */
	VGATE_BWM_STAT_DROPS,		/* u64 dropped: queue full, or the
					 * class deleted while holding them
					 */
	VGATE_BWM_STAT_BACKLOG,		/* u64 packets queued */
	VGATE_BWM_STAT_BACKLOG_BYTES,	/* u64 bytes queued */
	VGATE_BWM_STAT_RATE,		/* u64 bit/s sent, moving average
					 * over about 1 s
					 */
	VGATE_BWM_STAT_BORROWED,	/* u64 bytes sent above the class's
					 * guaranteed rate
					 */
	VGATE_BWM_STAT_DIRECT,		/* u64 packets already shaped on
					 * another interface (interface only)
					 */
	VGATE_BWM_STAT_TIME,		/* u64 ns, CLOCK_MONOTONIC: when these
					 * counters were read (rates from two
					 * readings need no other clock)
					 */
	VGATE_BWM_STAT_STALL_NS,	/* u64 ns the class (the interface for
					 * class 0) had packets queued and no
					 * dequeue for longer than a second: a
					 * machine too busy or stopped to send,
					 * beyond what the buckets absorb (the
					 * rate owed in that time is lost)
					 */
	__VGATE_BWM_STAT_LAST
};

#define VGATE_BWM_STAT_MAX (__VGATE_BWM_STAT_LAST - 1)

enum vgate_bwm_service {
	VGATE_BWM_SVC_NONE,
	VGATE_BWM_SVC_FTP,		/* TCP 21 (data connections follow it) */
	VGATE_BWM_SVC_H323,		/* TCP 1720, UDP 1719 */
	VGATE_BWM_SVC_SIP,		/* UDP and TCP 5060 */
	VGATE_BWM_SVC_HTTP,		/* TCP 80 */
	VGATE_BWM_SVC_HTTPS,		/* TCP 443 */
	VGATE_BWM_SVC_DNS,		/* UDP and TCP 53 */
	__VGATE_BWM_SVC_LAST
};

#define VGATE_BWM_SVC_MAX (__VGATE_BWM_SVC_LAST - 1)

enum vgate_bwm_filter_attr {
	VGATE_BWM_FILTER_A_UNSPEC,
	VGATE_BWM_FILTER_A_PAD,
	VGATE_BWM_FILTER_A_ID,		/* u16 1..VGATE_BWM_FILTER_ID_MAX */
	VGATE_BWM_FILTER_A_CLASS,	/* u16 leaf class 1..
					 * VGATE_BWM_CLASS_ID_MAX (or
					 * VGATE_BWM_CLASS_DEFAULT)
					 */
	VGATE_BWM_FILTER_A_SERVICE,	/* u8 enum vgate_bwm_service */
	VGATE_BWM_FILTER_A_PROTO,	/* u8 IP protocol, 1..255 */
	VGATE_BWM_FILTER_A_SRC_MIN,	/* binary 4 or 16 bytes; with SRC_MAX */
	VGATE_BWM_FILTER_A_SRC_MAX,
	VGATE_BWM_FILTER_A_DST_MIN,
	VGATE_BWM_FILTER_A_DST_MAX,
	VGATE_BWM_FILTER_A_SPORT_MIN,	/* u16; with SPORT_MAX */
	VGATE_BWM_FILTER_A_SPORT_MAX,
	VGATE_BWM_FILTER_A_DPORT_MIN,
	VGATE_BWM_FILTER_A_DPORT_MAX,
	VGATE_BWM_FILTER_A_MATCHES,	/* u64, read-only: packets classified */
	__VGATE_BWM_FILTER_A_LAST
};

#define VGATE_BWM_FILTER_A_MAX (__VGATE_BWM_FILTER_A_LAST - 1)

#endif /* _UAPI_LINUX_VGATE_H */
