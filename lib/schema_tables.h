/* SPDX-License-Identifier: GPL-2.0 */
/* libvgate internal: the nested attribute tables of schema.c, for the codec. */
#ifndef LIBVGATE_SCHEMA_TABLES_H
#define LIBVGATE_SCHEMA_TABLES_H

#include <linux/vgate.h>

#include "schema.h"

extern const struct vg_attr_desc vgate_lt_desc[VGATE_LT_A_MAX + 1];
extern const struct vg_attr_desc vgate_sa_stats_desc[VGATE_SA_STATS_A_MAX + 1];
extern const struct vg_attr_desc vgate_encap_desc[VGATE_ENCAP_A_MAX + 1];
extern const struct vg_attr_desc vgate_encap_sock_desc[VGATE_ENCAP_SOCK_A_MAX + 1];
extern const struct vg_attr_desc vgate_sa_desc[VGATE_SA_A_MAX + 1];
extern const struct vg_attr_desc vgate_rule_stats_desc[VGATE_RULE_STATS_A_MAX + 1];
extern const struct vg_attr_desc vgate_rule_desc[VGATE_RULE_A_MAX + 1];
extern const struct vg_attr_desc vgate_peer_desc[VGATE_PEER_A_MAX + 1];
extern const struct vg_attr_desc vgate_flow_desc[VGATE_FLOW_A_MAX + 1];
extern const struct vg_attr_desc vgate_verdict_desc[VGATE_VERDICT_A_MAX + 1];
extern const struct vg_attr_desc vgate_stats_desc[VGATE_STATS_A_MAX + 1];
extern const struct vg_attr_desc vgate_cfg_desc[VGATE_CFG_A_MAX + 1];
extern const struct vg_attr_desc vgate_top_desc[VGATE_A_MAX + 1];
extern const struct vg_attr_desc garp_cfg_desc[VGATE_GARP_CFG_A_MAX + 1];
extern const struct vg_attr_desc garp_cnt_desc[VGATE_GARP_CNT_MAX + 1];
extern const struct vg_attr_desc garp_if_desc[VGATE_GARP_IF_A_MAX + 1];
extern const struct vg_attr_desc garp_top_desc[VGATE_GARP_A_MAX + 1];
extern const struct vg_attr_desc bwm_stat_desc[VGATE_BWM_STAT_MAX + 1];
extern const struct vg_attr_desc bwm_if_desc[VGATE_BWM_IF_A_MAX + 1];
extern const struct vg_attr_desc bwm_class_desc[VGATE_BWM_CLASS_A_MAX + 1];
extern const struct vg_attr_desc bwm_filter_desc[VGATE_BWM_FILTER_A_MAX + 1];
extern const struct vg_attr_desc bwm_top_desc[VGATE_BWM_A_MAX + 1];

#endif
