/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "bm" commands' argument tables and handlers, for cmd.c's command
 * table (implemented in bwm.c).  After cmd.h.
 */
#ifndef VGATE_BWM_CMD_H
#define VGATE_BWM_CMD_H

#include "cmd.h"

extern const struct cmd_arg bwm_if_enable_args[];
extern const struct cmd_arg bwm_no_args[];
extern const struct cmd_arg bwm_class_add_args[];
extern const struct cmd_arg bwm_class_set_args[];
extern const struct cmd_arg bwm_id_args[];
extern const struct cmd_arg bwm_filter_add_args[];
extern const struct cmd_arg bwm_show_if_args[];
extern const struct cmd_arg bwm_show_args[];

int bwm_parse(const struct cmd *c, const struct cmd_vals *v,
	      struct vg_req *req);
int bwm_run(const struct cmd *c, struct vg_req *req);

#endif
