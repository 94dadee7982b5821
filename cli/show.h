/* SPDX-License-Identifier: GPL-2.0 */
/* Output of the show commands: aligned tables or one JSON document. */
#ifndef VGATE_SHOW_H
#define VGATE_SHOW_H

#include <stdbool.h>

#include "nl.h"

extern bool show_json;		/* -j */

int show_sa(void);		/* "SA bundles": PROTECT rules with their SAs */
int show_sad(void);		/* every SA */
int show_rule(void);		/* every rule */
int show_global(void);		/* global statistics */
/* Print one knob (name is the CLI setting, e.g. "replayWindow"). */
int show_knob(const char *name);

/* Names shared with the parser. */
const char *enc_name(uint16_t enc);
const char *sa_enc_name(const struct vg_sa *sa);
const char *auth_name(uint16_t auth);
const char *mode_name(uint8_t mode);
const char *action_name(uint8_t action);
const char *proto_name(uint8_t proto, char *buf, size_t len);

#endif
