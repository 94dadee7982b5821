/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token validators of the command tables (struct cmd_arg.valid), shared
 * by the subsystems: each checks one token as soon as it is read and
 * prints a message naming it.  Also the value parsers several commands
 * share, and the one-line help of a fixed value for '?'.  No netlink.
 */
#ifndef VGATE_VALUES_H
#define VGATE_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "grammar.h"

/* A UAPI limit in a help string: one source for the numbers. */
#define VG_STR_(x) #x
#define VG_STR(x) VG_STR_(x)

/* The argument's name in a message: its keyword, else its placeholder. */
const char *arg_name(const struct cmd_arg *a);

int v_spi(const struct cmd_arg *a, const char *s);
int v_cpi(const struct cmd_arg *a, const char *s);
int v_addr(const struct cmd_arg *a, const char *s);
int v_id(const struct cmd_arg *a, const char *s);	/* a rule ID */
int v_replay(const struct cmd_arg *a, const char *s);
int v_u64(const struct cmd_arg *a, const char *s);
int v_ports(const struct cmd_arg *a, const char *s);
int v_key(const struct cmd_arg *a, const char *s);	/* wiped after */
int v_choice(const struct cmd_arg *a, const char *s);	/* a->choices */
int v_proto(const struct cmd_arg *a, const char *s);	/* a rule's */
int v_range(const struct cmd_arg *a, const char *s);
int v_peer_name(const struct cmd_arg *a, const char *s);
int v_descr(const struct cmd_arg *a, const char *s);
int v_port(const struct cmd_arg *a, const char *s);	/* 0..65535 */
int v_port1(const struct cmd_arg *a, const char *s);	/* 1..65535 */
int v_peer_id(const struct cmd_arg *a, const char *s);
int v_seconds(const struct cmd_arg *a, const char *s);	/* block time */
int v_iterations(const struct cmd_arg *a, const char *s);
int v_reqid(const struct cmd_arg *a, const char *s);
int v_host(const struct cmd_arg *a, const char *s);	/* checked only */
int v_ifname(const struct cmd_arg *a, const char *s);

/* An IPComp CPI (RFC 3173 3.3): 0..255 name algorithms, not SAs. */
int parse_cpi(const char *what, const char *s, uint32_t *cpi);
/* A rule's protocol: name or number; 0 for any/dont-verify. */
int proto_lookup(const char *s, uint8_t *proto);
bool proto_has_ports(uint8_t p);

/* Fixed values more than one subsystem offers. */
extern const char *const onoff_choices[];
extern const char *const yesno_choices[];

/* One-line help for the fixed value v of ca ('?' and TAB). */
const char *value_help(const struct cmd_arg *ca, const char *v);

#endif
