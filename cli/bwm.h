/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bandwidth manager of vgate_bwm.ko ("bm ..."): the parsed request
 * (the grammar's table, bwm_subsys, is in bwm.c), the show views
 * and the "config save" lines (bwm.c).
 */
#ifndef VGATE_BWM_H
#define VGATE_BWM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include <linux/vgate.h>

#include "lib/bwm.h"

enum vg_bwm_op {
	VG_BWM_OP_NONE,
	VG_BWM_OP_IF_ENABLE,
	VG_BWM_OP_IF_DISABLE,
	VG_BWM_OP_CLASS_ADD,
	VG_BWM_OP_CLASS_SET,
	VG_BWM_OP_CLASS_DEL,
	VG_BWM_OP_FILTER_ADD,
	VG_BWM_OP_FILTER_DEL,
	VG_BWM_OP_SHOW_IF,
	VG_BWM_OP_SHOW_CLASS,
	VG_BWM_OP_SHOW_FILTER,
	VG_BWM_OP_FLUSH,
};

/* A "bm" command: what to do, the object, the words typed. */
struct vg_bwm_req {
	uint8_t op;			/* enum vg_bwm_op */
	struct vg_bwm_obj o;
	/* the command as typed, for error messages */
	char what[128];
};

/* A rate: 100k, 10m, 1g, 1.5m or bit/s; 0 on success. */
int bwm_parse_rate(const char *s, uint64_t *out);
/* "1500k"-style, exact: the shortest suffix that loses nothing. */
const char *bwm_fmt_rate(uint64_t bps, char *buf, size_t n);

/*
 * The CLI's calls into libvgate for "vgate_bwm" (nl.c): a request, the
 * replies of a GET (one interface, or a dump: of ifname's classes or
 * filters), whether the family is registered.  On a kernel error the
 * message is "bm WHAT: ..." when what is given.
 */
int cli_bwm_request(uint8_t cmd, const struct vg_bwm_obj *b, const char *what);
int cli_bwm_fetch(uint8_t cmd, const char *ifname, bool dump,
		  struct vg_bwm_item **v, size_t *n, const char *what);
int cli_bwm_present(void);
/* bm flush: every shaped interface of the namespace disabled. */
int cli_bwm_flush(void);

/* config save: "bm ..." lines if vgate_bwm.ko is loaded. */
int bwm_config_print(FILE *f);

#endif
