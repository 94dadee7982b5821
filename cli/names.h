/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's lists of fixed values (TAB completion, '?' help, usage and
 * the "expected ..." of error messages), made from libvgate's vocabulary
 * tables (lib/vocab.h) when the program starts: every name lives in one
 * table of the library, used both ways.  NULL-terminated, as struct
 * cmd_arg's choices.
 */
#ifndef VGATE_CLI_NAMES_H
#define VGATE_CLI_NAMES_H

#include <stddef.h>

extern const char *enc_choices[];	/* vg_enc_algs */
extern const char *auth_choices[];	/* vg_auth_algs */
extern const char *hmac_choices[];	/* vg_auth_algs but "none" (AH) */
extern const char *mode_choices[];	/* vg_modes */
extern const char *proto_choices[];	/* vg_protocols (bm filters) */
/* vg_protocols that rules and explain take by name (names_rule_proto()) */
extern const char *flow_proto_choices[];
/* "dont-verify", "any", then flow_proto_choices: a rule's proto. */
extern const char *rule_proto_choices[];
extern const char *svc_choices[];	/* vg_bwm_services */
extern const char *drop_choices[];	/* vg_drop_reasons */

#include <stdbool.h>
#include <stdint.h>

/*
 * Rules and explain name these protocols (TCP, UDP, UDP-Lite, SCTP, ICMP,
 * ICMPv6) and show the others as numbers.
 */
bool names_rule_proto(uint32_t proto);
/* The name of a rule's protocol: "any" for 0, else a name or the number. */
const char *names_rule_proto_name(uint8_t proto, char *buf, size_t len);

/* "a, b or c" of a choices list into buf (len bytes); returns buf. */
char *names_expected(const char *const *choices, char *buf, size_t len);

#endif
