/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate-iked: the daemon's shared state.  ikev2.c is the state machine
 * (IKE_SA_INIT, IKE_AUTH with PSK, the first CHILD SA, INFORMATIONAL
 * Delete), msg.c the messages of one IKE SA (encryption, message IDs,
 * retransmission, the response cache), policy.c the choices, conf.c the
 * configuration, net.c the sockets, kernel_*.c the backends, kevent.c
 * their events, main.c the event loop.
 */
#ifndef VGATE_IKED_H
#define VGATE_IKED_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "cookie.h"
#include "crypto.h"
#include "dh.h"
#include "kernel.h"
#include "net.h"
#include "pld.h"
#include "policy.h"

#define IKED_MSG_MAX		8192	/* a message, whole or reassembled */
#define IKED_FRAG_MAX		32	/* fragments of one (RFC 7383) */
#define IKED_NONCE_LEN		32
#define IKED_NONCE_CMP		64	/* octets compared in 2.8.1 */
#define IKED_HALF_OPEN_MS	30000	/* IKE_AUTH must come by then */
#define IKED_SHUTDOWN_MS	3000	/* wait for Delete answers at most */
#define IKED_HALF_OPEN_MAX	1024	/* responder SAs waiting for IKE_AUTH
					 * (cookies before: cookie.c) */

/* Why a datagram was dropped, besides the codec's enum ike_err. */
enum iked_drop {
	DROP_NOT_MARKED,	/* port 4500 without the non-ESP marker */
	DROP_TOO_BIG,		/* larger than IKED_MSG_MAX */
	DROP_NO_PEER,		/* IKE_SA_INIT from no configured peer */
	DROP_NO_SA,		/* SPIs of no IKE SA of ours */
	DROP_MSGID,		/* message ID outside the window */
	DROP_RESPONSE,		/* a response to nothing we sent */
	DROP_STATE,		/* an exchange the SA's state does not take */
	DROP_MISSING,		/* a payload the exchange needs is missing */
	DROP_DECRYPT,		/* SK integrity or padding check failed */
	DROP_INNER,		/* the decrypted payloads do not parse */
	DROP_FRAGMENT,		/* SKF not taken: not negotiated, a
				 * duplicate, of a stale message, smaller
				 * total, over IKED_FRAG_MAX or
				 * IKED_MSG_MAX (RFC 7383 2.6) */
	DROP_KE,		/* the peer's KE value is invalid */
	DROP_PROPOSAL,		/* a response with a proposal we never made */
	DROP_HALF_OPEN,		/* IKE_SA_INIT over IKED_HALF_OPEN_MAX */
	DROP__COUNT
};

struct iked_stats {
	uint64_t rx, tx, retransmits, answered_from_cache, dpd_sent, dpd_dead;
	uint64_t cookies_sent, cookies_ok, cookies_bad;	/* cookie.c */
	uint64_t initial_contact;	/* older IKE SAs it removed */
	uint64_t frags_sent, frags_rcvd, reassembled;	/* RFC 7383 */
	uint64_t parse[IKE_E__COUNT];
	uint64_t drop[DROP__COUNT];
};

enum iked_state {
	SA_INIT_SENT,		/* initiator: IKE_SA_INIT request out */
	SA_AUTH_SENT,		/* initiator: IKE_AUTH request out */
	SA_INIT_DONE,		/* responder: waiting for IKE_AUTH */
	SA_ESTABLISHED,
	SA_DELETING,		/* our Delete of the IKE SA is out */
};

#define IKED_CHILD_MAX	4	/* a CHILD SA, its replacement, a collision's */

/*
 * A CHILD SA's life (child.c).  Rekeying (RFC 7296 1.3.3) is make-before-
 * break: the rekey's initiator installs the new SA both ways when the
 * answer comes, then deletes the old one; its responder installs the new
 * inbound SA at once and the new outbound one when the old SA is deleted
 * (before that the initiator may not have the new inbound SA yet).
 */
enum child_state {
	CHILD_FREE,
	CHILD_OFFERED,		/* our request carries its inbound SPI */
	CHILD_INSTALLED,	/* both directions in the backend */
	CHILD_HALF,		/* a rekey we answered: inbound only so far */
	CHILD_OLD,		/* replaced or expired: our Delete is due */
	CHILD_DELETING,		/* our Delete of it is out */
};

struct child_sa {
	enum child_state state;
	struct pol_choice alg;
	uint32_t spi_in, spi_out;	/* spi_in: reserved by get_spi */
	int in_installed, out_installed;
	struct ike_ts_pld ts_local, ts_remote;
	uint64_t installed_ms;
	uint64_t rekey_at, expire_at;	/* 0: not planned */
	uint64_t soft_bytes;		/* esp_lifetime_kb: where the kernel
					 * asks for a rekey, both ways */
	uint32_t replaces;		/* OFFERED, HALF: spi_in of the SA it
					 * rekeys (0: none) */
	int rekeying;			/* INSTALLED: our rekey of it is out */
	int redundant;			/* HALF: lost a collision (2.8.1) */
	struct ike_child_keys out_keys;	/* HALF: until the outbound SA goes in */
	uint8_t nonce[IKED_NONCE_LEN];	/* OFFERED by a rekey: our Ni */
	size_t nonce_len;
	/* the peer rekeyed it while we did (2.8.1): the lowest nonce of its
	 * exchange (its first IKED_NONCE_CMP octets: nonces are random, a tie
	 * there does not happen), and the inbound SPI of the SA it made */
	uint8_t peer_min[IKED_NONCE_CMP];
	size_t peer_min_len;
	uint32_t peer_new;
	/* PFS (a DH group in `esp`): OFFERED by a rekey: our private value */
	struct ike_dh *dh;
	uint16_t dh_group;
	uint16_t pfs_retry;		/* INSTALLED: the group the peer asked
					 * for in INVALID_KE_PAYLOAD */
};

/* A message as sent, for retransmission: one datagram, or its fragments
 * (RFC 7383) back to back in buf, fragment i at off[i]..off[i + 1]. */
struct iked_dgrams {
	uint8_t *buf;
	size_t len;
	unsigned int n;
	size_t off[IKED_FRAG_MAX + 1];
};

/* A fragmented message being received: its fragments decrypted. */
struct iked_reasm {
	uint32_t msgid;
	uint8_t exch;
	uint8_t first;			/* inner payload type (fragment 1) */
	uint16_t total, have;		/* total 0: nothing under way */
	size_t len;			/* of the parts so far */
	uint8_t *part[IKED_FRAG_MAX];
	size_t part_len[IKED_FRAG_MAX];
};

struct iked_sa {
	struct iked_sa *next;
	struct conf_peer *peer;
	int initiator;			/* the original initiator */
	enum iked_state state;
	uint8_t ispi[IKEV2_SPI_LEN], rspi[IKEV2_SPI_LEN];
	struct sockaddr_storage local, remote;	/* with ports */
	struct net_sock *sock;
	struct conf_id lid;		/* our ID */
	struct pol_choice alg;
	struct ike_dh *dh;
	uint16_t dh_group;
	int ke_retries;
	uint8_t ni[IKEV2_NONCE_MAX], nr[IKEV2_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t *cookie;		/* the responder's, sent back */
	size_t cookie_len;
	int cookie_tries;
	struct ike_sa_keys keys;
	int have_keys;
	struct ike_sk_ctx sk_out, sk_in;
	uint8_t *init_i, *init_r;	/* the IKE_SA_INIT messages (AUTH) */
	size_t init_i_len, init_r_len;
	int nat_local, nat_remote;	/* we / the peer behind a NAT */
	int frag_ok;			/* both sent FRAGMENTATION_SUPPORTED */
	struct iked_reasm reasm[2];	/* [1]: a response, [0]: a request */
	/* our requests: one outstanding (window of 1) */
	uint32_t my_next;		/* the next request's message ID */
	struct iked_dgrams req;
	uint32_t req_msgid;
	uint8_t req_exch;
	unsigned int req_tries;
	uint64_t req_sent_ms, retx_at;	/* 0: nothing outstanding */
	int delete_pending;		/* send our Delete when idle */
	/* the peer's requests */
	uint32_t peer_next;		/* the next message ID expected */
	struct iked_dgrams resp;	/* the last response, for resends */
	uint32_t resp_msgid;
	uint64_t expire_at;		/* half-open deadline; 0: none */
	uint64_t established_ms;
	uint64_t last_rx_ms;		/* the peer's last authenticated message */
	int dpd_out;			/* the request out is a liveness check */
	struct child_sa child[IKED_CHILD_MAX];
	/* IKE SA rekeying (2.18, rekey.c) */
	uint64_t rekey_at;		/* ike_lifetime; 0: not planned */
	uint16_t rekey_dh;		/* the group the peer asked for */
	struct iked_sa *rekey_new;	/* ours under way: the new SA, not
					 * listed until the answer comes */
	struct iked_sa *rekey_peer;	/* the peer's rekey, answered while
					 * ours was out (2.8.2): listed,
					 * hidden, until ours is answered */
	int replaced;			/* rekeyed: the CHILD SAs moved to the
					 * new one; only its Delete is left */
	uint32_t n_rekeys;		/* CHILD SA rekeys completed */
};

struct iked {
	struct conf conf;
	struct net net;
	const struct kernel_ops *kops;
	void *kctx;
	FILE *report;			/* SA and IKE_SA lines (stdout) */
	struct iked_sa *sas;
	struct iked_stats st;
	struct iked_cookies cookies;
	unsigned int retx_base_ms;	/* first retransmission after */
	unsigned int retx_tries;	/* transmissions before giving up */
	uint8_t drop_tx[8];		/* test hook: the first datagram of */
	unsigned int n_drop_tx;		/* each of these exchanges not sent */
	int shutting_down;
	uint64_t shutdown_deadline;
};

uint64_t iked_now_ms(void);
/* When to try again after a refusal: base_ms, give or take half of it at
 * random, so that two peers refused for the same reason (both rekeying at
 * once: TEMPORARY_FAILURE) do not meet again at the same moment. */
uint64_t iked_retry_at(uint64_t base_ms);

/* ikev2.c */
void ikev2_initiate(struct iked *d, struct conf_peer *p);
void ikev2_recv(struct iked *d, struct net_sock *s, uint8_t *buf, size_t len,
		const struct sockaddr_storage *src,
		const struct sockaddr_storage *dst);
/* Run due timers; the next deadline in ms from now (-1: none). */
int ikev2_timers(struct iked *d);
/* Delete one IKE SA, telling the peer when it is established. */
void ikev2_delete(struct iked *d, struct iked_sa *sa, const char *why);
/* SIGTERM: Delete every IKE SA, telling the peers. */
void ikev2_shutdown(struct iked *d);
/* Destroy every SA left (after the shutdown wait). */
void ikev2_flush(struct iked *d);
void ikev2_stats(struct iked *d);
/* One IKE_SA line per IKE SA and a CHILD_SA line per CHILD SA (ctl.c). */
void ikev2_show(struct iked *d, FILE *f);
const char *ikev2_exch_name(uint8_t exch);

/* child.c: the CHILD SAs of an IKE SA */
struct child_sa *child_alloc(struct iked_sa *sa);
struct child_sa *child_by_state(struct iked_sa *sa, enum child_state st);
/* Derive the keys (2.17; gir NULL without PFS) and install (out_now 0:
 * the outbound SA waits, CHILD_HALF).  we_init: we began the exchange. */
int child_install(struct iked *d, struct iked_sa *sa, struct child_sa *c,
		  int we_init, const struct ike_blob *ni,
		  const struct ike_blob *nr, const struct ike_blob *gir,
		  int out_now);
void child_release(struct iked *d, struct iked_sa *sa, struct child_sa *c);
void child_release_all(struct iked *d, struct iked_sa *sa);
/* Plan the rekey and the end of a CHILD SA just installed. */
void child_schedule(struct iked_sa *sa, struct child_sa *c, uint64_t now);
/* The peer's CREATE_CHILD_SA request, and the answer to ours. */
void child_create_recv(struct iked *d, struct iked_sa *sa, struct ike_msg *m);
void child_create_response(struct iked *d, struct iked_sa *sa,
			   struct ike_msg *m);
/* The peer's Delete of its SPIs (our spi_out): our SPIs to answer with. */
unsigned int child_delete_recv(struct iked *d, struct iked_sa *sa,
			       const struct ike_delete *del, uint8_t *spis,
			       unsigned int max);
/* The answer to our Delete of CHILD SAs. */
void child_delete_response(struct iked *d, struct iked_sa *sa);
/* Timers of an established IKE SA with no request outstanding: start a
 * due rekey or Delete (1: a request went out); *next: the next deadline. */
int child_timers(struct iked *d, struct iked_sa *sa, uint64_t now,
		 uint64_t *next);
/* The NAT between us mapped the peer anew (IKE moved): the CHILD SAs'
 * UDP encapsulation has the old port; rekey them now (the new SAs take
 * the new one). */
void child_nat_moved(struct iked_sa *sa);
/* SA_EXPIRE from the kernel for one of ours: 1 if it was ours. */
int child_expired(struct iked *d, struct iked_sa *sa, uint32_t spi,
		  int outbound, int hard, const char *what);

/* rekey.c: IKE SA rekeying (RFC 7296 2.18) */
void ike_rekey_schedule(struct iked_sa *sa, uint64_t now);
/* A due rekey of an idle IKE SA: 1 if a request went out. */
int ike_rekey_timer(struct iked *d, struct iked_sa *sa, uint64_t now,
		    uint64_t *next);
void ike_rekey_recv(struct iked *d, struct iked_sa *sa, struct ike_msg *m);
void ike_rekey_response(struct iked *d, struct iked_sa *sa,
			struct ike_msg *m);

/* ikev2.c, for child.c and rekey.c */
struct iked_sa *ikev2_sa_alloc(struct conf_peer *p, int initiator);
void ikev2_sa_link(struct iked *d, struct iked_sa *sa);
void ikev2_sa_destroy(struct iked *d, struct iked_sa *sa, const char *why);
/* Free an IKE SA that is not listed (its keys wiped). */
void ikev2_sa_free(struct iked_sa *sa);
int ikev2_sa_set_dh(struct iked_sa *sa, uint16_t group);
/* The SK contexts from sa->keys and sa->alg. */
void ikev2_sk_setup(struct iked_sa *sa);
int ikev2_delete_send(struct iked *d, struct iked_sa *sa);
void ikev2_hex(const uint8_t *p, size_t n, char *out);
const char *ikev2_peer_addr(const struct iked_sa *sa);
const char *ikev2_notify_name(uint16_t t);
uint32_t ikev2_spi32(const uint8_t *p);
/* Our ESP proposals from peer->esp with an inbound SPI. */
void ikev2_esp_offer(const struct iked_sa *sa, uint32_t spi, int with_dh,
		     struct ike_sa *out);

/* kevent.c: the kernel backend's events (ACQUIRE, SA expiry) */
void kevent_handle(struct iked *d, const struct kernel_event *ev);

/* msg.c */
int msg_send_request(struct iked *d, struct iked_sa *sa, uint8_t exch,
		     struct ike_wbuf *inner);
int msg_send_response(struct iked *d, struct iked_sa *sa, uint8_t exch,
		      uint32_t msgid, struct ike_wbuf *inner);
/* A clear message (IKE_SA_INIT): sent, and kept as request or response. */
int msg_send_clear(struct iked *d, struct iked_sa *sa, const uint8_t *buf,
		   size_t len, int response, uint32_t msgid);
/* Send a datagram (counting; the test hook may drop it). */
int msg_tx(struct iked *d, struct net_sock *s,
	   const struct sockaddr_storage *local,
	   const struct sockaddr_storage *remote, const uint8_t *buf,
	   size_t len);
/*
 * Decrypt the SK payload of m and add the inner payloads: 0, or -1
 * (dropped and counted).  An SKF fragment (RFC 7383) is decrypted and
 * kept: 1 until the last one comes, then the message, reassembled in
 * plain (IKED_MSG_MAX octets), is parsed as one: 0.
 */
int msg_open(struct iked *d, struct iked_sa *sa, struct ike_msg *m,
	     const uint8_t *buf, size_t len, uint8_t *plain);
/* The last response again (the peer retransmitted its request). */
void msg_resend_response(struct iked *d, struct iked_sa *sa);
/* Free what msg.c keeps for an IKE SA (messages, fragments). */
void msg_sa_free(struct iked_sa *sa);
/* The outstanding request is answered. */
void msg_request_done(struct iked_sa *sa);
/* Retransmit when due; -1 when the tries are used up. */
int msg_retransmit(struct iked *d, struct iked_sa *sa, uint64_t now);

#endif
