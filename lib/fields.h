/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate internal: the plain fields of an object as a table, so that one
 * walker puts and gets them (fields.c) instead of a run of
 * "if (has & BIT) nla_put_xx(...)" per field in each codec.  What does not
 * fit a table (nests, address ranges, port pairs, keys, defaults) stays as
 * code in the codec.
 */
#ifndef LIBVGATE_FIELDS_H
#define LIBVGATE_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"

struct nl_msg;
struct nlattr;

enum vg_field_kind {
	VG_F_INT,	/* unsigned, put and got by the member's size: 1/2/4/8 */
	VG_F_STR,	/* char[]: NUL-terminated, truncated on get */
	VG_F_ADDR,	/* struct vg_addr: 4 or 16 bytes */
};

/* struct vg_field.dir */
enum {
	VG_F_PUT = 1U << 0,	/* sent in requests */
	VG_F_GET = 1U << 1,	/* read from replies and events */
	VG_F_BOTH = VG_F_PUT | VG_F_GET,
};

struct vg_field {
	uint16_t attr;		/* attribute type inside the object's nest */
	uint8_t kind;		/* enum vg_field_kind */
	uint8_t dir;
	uint32_t has;		/* has-bit; 0: none, always put (if VG_F_PUT) */
	uint16_t off;		/* offsetof() the member */
	uint16_t size;		/* sizeof() the member */
};

#define VG_FIELD(type, member, attr, kind, has, dir) \
	{ (attr), (kind), (dir), (has), offsetof(type, member), \
	  sizeof(((type *)0)->member) }

/*
 * An object's table with the attribute descriptions of its nest, for the
 * consistency test (tests/codec_test.c: every INT member has the size of
 * its attribute's schema type, every STR and ADDR attribute is one).
 */
struct vg_field_table {
	const char *name;
	const struct vg_field *f;
	size_t n;
	const struct vg_attr_desc *desc;
	int max;
};

/* Per family, terminated by { NULL }. */
extern const struct vg_field_table vg_vgate_field_tables[];
extern const struct vg_field_table vg_garp_field_tables[];

/* Attribute tables of nests hold at most this many types (checked). */
#define VG_FIELDS_NEST_MAX 63

struct vg_addr;

/* Put the VG_F_PUT fields whose has-bit is in has (or is 0): 0 or -EMSGSIZE. */
int vg_fields_put(struct nl_msg *m, const struct vg_field *f, size_t n,
		  const void *obj, uint32_t has);
/*
 * Get the VG_F_GET fields present in tb (indexed by vg_nest_index(), so
 * sizes are checked) into obj, adding their has-bits to *has.
 */
void vg_fields_get(struct nlattr **tb, const struct vg_field *f, size_t n,
		   void *obj, uint32_t *has);

/*
 * Open nest type and put the table's fields: the nest (for what follows
 * as code, then nla_nest_end()) or NULL when the message is full.
 */
struct nlattr *vg_fields_nest_start(struct nl_msg *m, int type,
				    const struct vg_field *f, size_t n,
				    const void *obj, uint32_t has);
/* An object that is its table and nothing else: 0 or -EMSGSIZE. */
int vg_fields_put_nest(struct nl_msg *m, int type, const struct vg_field *f,
		       size_t n, const void *obj, uint32_t has);
/*
 * The same to read: clear obj (size bytes), index the nest with its
 * descriptions d[0..max], get the fields: 0 or -EPROTO.
 */
int vg_fields_get_nest(struct nlattr *nest, const struct vg_attr_desc *d,
		       int max, const struct vg_field *f, size_t n, void *obj,
		       size_t size, uint32_t *has);

/*
 * Overlay: the table's fields whose has-bit is in given take src's value
 * (present when in src_has, else cleared to zero); the others keep dst's.
 * *dst_has: given bits from src_has, the others kept.  The fields outside
 * the table are the caller's to copy.
 */
void vg_fields_overlay(const struct vg_field *f, size_t n, void *dst,
		       uint32_t *dst_has, const void *src, uint32_t src_has,
		       uint32_t given);

/* A nest of u64 values indexed by type 1..max: those whose bit is in has. */
int vg_u64s_put(struct nl_msg *m, int type, const uint64_t *v, int max,
		uint32_t has);
/* And back into v[1..max]; *has (if not NULL) gets 1 << type. */
int vg_u64s_get(struct nlattr *nest, const struct vg_attr_desc *d, int max,
		uint64_t *v, uint32_t *has);

/* An address attribute (4 or 16 bytes, checked by the index). */
void vg_get_addr(struct nlattr *a, struct vg_addr *out);

#endif
