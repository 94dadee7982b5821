/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's requests (struct vg_req, filled by the parser, which never
 * talks to netlink) and its calls into libvgate (nl.c): each prints the
 * CLI's message for an error and returns -errno.
 */
#ifndef VGATE_NL_H
#define VGATE_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vgate.h>

#include "lib/libvgate.h"

#include "bwm.h"
#include "garp.h"
#include "parse.h"

/* struct vg_req.flags: work for the run step (ipsec.c, grammar.c) */
enum {
	VG_REQ_PEER_AUTO_ID = 1U << 0,	/* peer add without id: compute it */
	VG_REQ_PEER_BY_NAME = 1U << 1,	/* peer set/block: find the ID by name */
	VG_REQ_READ = 1U << 3,		/* only reads (a knob without a value):
					 * not part of a vgate -f transaction */
};

struct vg_req {
	uint8_t cmd;				/* enum vgate_cmd */
	bool dump;
	enum vg_obj obj;
	unsigned int flags;
	unsigned int opts;			/* struct cmd_vals.opts */
	/*
	 * rule set, peer set, peer block: the has-bits of the fields the
	 * command gives (a cleared one too: given, not in .has); the
	 * others keep the object's values (vg_rule_overlay()).
	 */
	uint32_t given;
	struct vg_sa sa;
	struct vg_rule rule;
	struct vg_cfg cfg;
	struct vg_peer peer;
	struct vg_flow flow;
	uint16_t natt_port;			/* ipsec natt socket */
	struct vg_garp_req garp;		/* ip arp ... */
	struct vg_bwm_req bwm;			/* bm ... */
	const char *knob;			/* knob name for show */
	char arg[4096];				/* a file name (config save) */
};

/* Hidden --dry-run: print each request instead of sending it (the hook
 * the CLI gives libvgate). */
extern bool vg_dry_run;

/* Send a request and wait for its acknowledgement. */
int vg_nl_do(const struct vg_req *req);
/* TXN_BEGIN, TXN_COMMIT or TXN_ABORT (cmd) of family f. */
int cli_family_txn(const struct vg_family_desc *f, uint8_t cmd);
/*
 * One RULE_NEW carrying a batch of rule nests (the kernel adds them all or
 * none): rules[0..*sent), as many as fit in one message of VG_BATCH_BYTES
 * but at most VG_BATCH_RULES, at least one.  Acknowledged like vg_nl_do();
 * on an error the kernel's message does not say which rule it was about.
 */
int vg_nl_rule_batch(const struct vg_rule *const *rules, size_t n,
		     size_t *sent);
/* Dumps; the arrays are malloc()ed. NLM_F_DUMP_INTR is retried. */
int vg_nl_dump_sas(struct vg_sa **sas, size_t *n);
int vg_nl_dump_rules(struct vg_rule **rules, size_t *n);
int vg_nl_get_stats(struct vg_stats *st);
int vg_nl_get_config(struct vg_cfg *cfg);
int vg_nl_dump_peers(struct vg_peer **peers, size_t *n);
/* PEER_GET by name (or by ID when name is NULL). */
int vg_nl_get_peer(const char *name, uint32_t id, struct vg_peer *out);
/* RULE_GET; -ENOENT (no message) when the kernel has no such rule. */
int vg_nl_get_rule(uint32_t id, struct vg_rule *out);
int vg_nl_explain(const struct vg_req *req, struct vg_verdict *v);
/* The NAT-T socket: *port 0 if there is none; *owner enum vgate_encap_sock_owner. */
int vg_nl_get_encap_sock(uint16_t *port, uint8_t *owner);
void vg_nl_close(void);
/*
 * Test seam (fuzz/fuzz_reply.c): the kernel's answers come from recv
 * (libvgate's receive hook, vg_set_recv_hook(): no socket, requests
 * numbered 1, 2, ... from here on, not sent); NULL talks to the kernel.
 * Closes the handle.
 */
void vg_nl_fake_kernel(vg_recv_fn recv, void *arg);

/* Test seam: with vg_nl_fake_kernel(), each request is handed to tap. */
void vg_nl_fake_tap(vg_dry_run_fn tap, void *arg);

const char *vg_cmd_name(int cmd);

#endif
