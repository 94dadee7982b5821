/* SPDX-License-Identifier: GPL-2.0 */
/* Output of the show commands: aligned tables or one JSON document. */
#ifndef VGATE_SHOW_H
#define VGATE_SHOW_H

#include <stdbool.h>
#include <stddef.h>

#include "nl.h"

extern bool show_json;		/* -j */

int show_sa(void);		/* "SA bundles": PROTECT entries with their SAs */
int show_sad(void);		/* every SA */
int show_rule(void);		/* the policy in evaluation order */
int show_peer(const char *name);	/* every peer, or one */
int show_global(void);		/* global statistics */
int show_natt(void);		/* the NAT-T socket, keepalive, counters */
/* Print one knob (name is the CLI setting, e.g. "replayWindow"). */
int show_knob(const char *name);
/* Print an EXPLAIN verdict (text or JSON). */
int show_explain(const struct vg_flow *f, const struct vg_verdict *v);
/* The one-line explanation, e.g. "pre rule 5 (pass)". */
const char *explain_text(const struct vg_flow *f, const struct vg_verdict *v,
			 char *buf, size_t len);

/* The knobs: CLI name, JSON key, how the value reads. */
enum knob_type {
	KNOB_NUM,
	KNOB_ONOFF,
	KNOB_ACTION,		/* pass or drop */
};

struct knob {
	const char *name;	/* CLI: "replayWindow" */
	const char *json;	/* "replay_window" (also the sysfs file) */
	uint32_t bit;		/* VG_CFG_x */
	enum knob_type type;
	uint32_t min, max;
};

extern const struct knob knobs[];
extern const size_t n_knobs;
const struct knob *knob_find(const char *name);
uint32_t knob_get(const struct vg_cfg *cfg, const struct knob *k);
void knob_set(struct vg_cfg *cfg, const struct knob *k, uint32_t v);
/* The value as the CLI takes it: "64", "on", "drop". */
const char *knob_fmt(const struct knob *k, uint32_t v, char *buf, size_t len);

/* ip arp show [interface IF]: global settings, pending, one row per interface. */
int show_garp(const char *ifname);
/* Print the setting an "ip arp ackGratuitous ..." command without a value names. */
int show_garp_setting(const struct vg_garp_req *g);

/* The gratuitous-ARP settings: CLI name, JSON key, default. */
struct garp_setting {
	uint32_t bit;		/* VG_GARP_x */
	const char *name;	/* CLI: "forceUpdate" */
	const char *json;	/* "force_update" */
	uint32_t def;		/* default value */
	bool iface;		/* also per interface */
};

extern const struct garp_setting garp_settings[];
extern const size_t n_garp_settings;
const struct garp_setting *garp_setting_find(uint32_t bit);
uint32_t garp_cfg_get(const struct vg_garp_cfg *cfg, uint32_t bit);
/* An interface's override (or INHERIT value) and value in force. */
uint32_t garp_if_get(const struct vg_garp_if *ifc, uint32_t bit);
uint32_t garp_if_eff(const struct vg_garp_if *ifc, uint32_t bit);
/* Is the interface's setting an override (not inherit)? */
bool garp_if_overrides(const struct vg_garp_if *ifc, uint32_t bit);
/* A value as the CLI takes it: "yes", "off", "10", "inherit". */
const char *garp_value_str(uint32_t bit, uint32_t v, char *buf, size_t len);

/* Names shared with the parser and config save. */
const char *enc_name(uint16_t enc);
const char *sa_enc_name(const struct vg_sa *sa);
const char *auth_name(uint16_t auth);
const char *mode_name(uint8_t mode);
const char *action_name(uint8_t action);
const char *proto_name(uint8_t proto, char *buf, size_t len);
const char *stage_name(uint8_t stage);
const char *admin_name(uint8_t admin);
const char *oper_name(uint8_t oper);

#endif
