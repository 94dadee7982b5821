/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate: descriptions of the attributes of the families "vgate",
 * "vgate_garp" and "vgate_bwm" (schema.c).
 */
#ifndef LIBVGATE_SCHEMA_H
#define LIBVGATE_SCHEMA_H

enum vg_attr_type {
	VG_AT_NONE,	/* unknown: skipped */
	VG_AT_U8,
	VG_AT_U16,
	VG_AT_U32,
	VG_AT_U64,
	VG_AT_ADDR,	/* 4 or 16 bytes */
	VG_AT_KEY,	/* secret: never printed */
	VG_AT_STR,	/* NUL-terminated string */
	VG_AT_NEST,
	VG_AT_NEST_U64,	/* nest of u64 counters indexed by type (drops) */
	VG_AT_PAD,
};

struct vg_attr_desc {
	const char *name;
	enum vg_attr_type type;
	const struct vg_attr_desc *nest;
	int nest_max;
};

/* Top level attribute types a family may have (index size). */
#define VG_TOP_MAX 31

struct vg_family_desc {
	const char *name;		/* generic netlink family name */
	unsigned char version;		/* genlmsghdr version of requests */
	const struct vg_attr_desc *top;	/* top level attributes, by type */
	int top_max;			/* <= VG_TOP_MAX */
	const char *const *cmds;	/* command names, by number */
	int cmd_max;
};

extern const struct vg_family_desc vg_family_vgate;
extern const struct vg_family_desc vg_family_garp;
extern const struct vg_family_desc vg_family_bwm;

/* "SA_NEW", "GARP_SET", ...; "?" for an unknown command. */
const char *vg_family_cmd(const struct vg_family_desc *f, int cmd);
/* Exact payload size of a fixed-size type, 0 if variable. */
int vg_attr_type_len(enum vg_attr_type t);

#endif
