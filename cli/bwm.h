/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bandwidth manager of vgate_bwm.ko ("bm ..."): the parsed request
 * (the grammar's tables are in bwm_cmd.h), the transport for the generic netlink family "vgate_bwm", the show views
 * and the "config save" lines (bwm.c).
 */
#ifndef VGATE_BWM_H
#define VGATE_BWM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include <linux/vgate.h>

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
};

/* struct vg_bwm_req.has */
enum {
	VG_BWM_RATE = 1U << 0,
	VG_BWM_MODE = 1U << 1,
	VG_BWM_OVERHEAD = 1U << 2,
	VG_BWM_ESP = 1U << 3,
	VG_BWM_LIMIT = 1U << 4,
	VG_BWM_DEFAULT = 1U << 5,
	VG_BWM_PARENT = 1U << 6,
	VG_BWM_CEIL = 1U << 7,
	VG_BWM_PRIO = 1U << 8,
	VG_BWM_BORROW = 1U << 9,
	VG_BWM_NAME = 1U << 10,
	VG_BWM_SERVICE = 1U << 11,
	VG_BWM_PROTO = 1U << 12,
	VG_BWM_SRC = 1U << 13,
	VG_BWM_DST = 1U << 14,
	VG_BWM_SPORT = 1U << 15,
	VG_BWM_DPORT = 1U << 16,
};

struct vg_bwm_range {
	uint8_t family;			/* AF_INET or AF_INET6 */
	struct in6_addr min, max;	/* IPv4: the first 4 bytes */
};

struct vg_bwm_req {
	uint8_t op;			/* enum vg_bwm_op */
	uint32_t has;
	char ifname[16];		/* empty: every interface (show) */
	uint16_t id;			/* class or filter */
	/* interface */
	uint64_t rate;
	uint8_t mode, esp;
	uint16_t overhead;
	uint32_t limit;
	uint16_t defcls;
	/* class */
	uint16_t parent;
	uint64_t ceil;
	uint8_t prio, borrow;
	char name[VGATE_BWM_NAME_MAX];
	/* filter */
	uint16_t classid;
	uint8_t service, proto;
	struct vg_bwm_range src, dst;
	uint16_t sport[2], dport[2];
	/* the command as typed, for error messages */
	char what[128];
};

/* A rate: 100k, 10m, 1g, 1.5m or bit/s; 0 on success. */
int bwm_parse_rate(const char *s, uint64_t *out);
/* "1500k"-style, exact: the shortest suffix that loses nothing. */
const char *bwm_fmt_rate(uint64_t bps, char *buf, size_t n);

/* config save: "bm ..." lines if vgate_bwm.ko is loaded. */
int bwm_config_print(FILE *f);

#endif
