/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "ipsec" commands (ipsec.c): what "vgate -f" and main.c call beside
 * the grammar.  After grammar.h.
 */
#ifndef VGATE_IPSEC_H
#define VGATE_IPSEC_H

#include <stddef.h>
#include <stdint.h>

#include "grammar.h"

/*
 * "ipsec rule add" of several rules in one RULE_NEW (vg_nl_rule_batch():
 * rules[0..*sent), all or none); in dry-run the rules are remembered for
 * the warnings like the ones run_rule() sends.
 */
int cmd_rule_batch(const struct vg_rule *const *rules, size_t n,
		   size_t *sent);
/*
 * Warnings about the running policy (shadowed rules, self capture) on
 * stderr; only those naming rule only_id unless it is 0.  In dry-run the
 * rules sent by this invocation are checked instead.
 */
void cmd_warn_rules(uint32_t only_id);
/*
 * Forget (and free) what this invocation learnt of the peers and the
 * rules it sent for the warnings: the next command starts afresh.
 */
void cmd_forget(void);

#endif
