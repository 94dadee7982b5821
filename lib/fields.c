// SPDX-License-Identifier: GPL-2.0
/* libvgate internal: the field-table walker of fields.h. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>

#include "codec.h"
#include "fields.h"

static int put_one(struct nl_msg *m, const struct vg_field *f, const char *p)
{
	const struct vg_addr *a;

	switch (f->kind) {
	case VG_F_STR:
		return nla_put_string(m, f->attr, p);
	case VG_F_ADDR:
		a = (const struct vg_addr *)p;
		return nla_put(m, f->attr, a->len, a->a);
	}
	switch (f->size) {
	case 1:
		return nla_put_u8(m, f->attr, *(const uint8_t *)p);
	case 2:
		return nla_put_u16(m, f->attr, *(const uint16_t *)p);
	case 4:
		return nla_put_u32(m, f->attr, *(const uint32_t *)p);
	default:
		return nla_put_u64(m, f->attr, *(const uint64_t *)p);
	}
}

int vg_fields_put(struct nl_msg *m, const struct vg_field *f, size_t n,
		  const void *obj, uint32_t has)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(f[i].dir & VG_F_PUT) || (f[i].has && !(has & f[i].has)))
			continue;
		if (put_one(m, &f[i], (const char *)obj + f[i].off))
			return -EMSGSIZE;
	}
	return 0;
}

void vg_get_addr(struct nlattr *a, struct vg_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->len = nla_len(a);
	out->family = out->len == 16 ? AF_INET6 : AF_INET;
	memcpy(out->a, nla_data(a), out->len);
}

void vg_fields_get(struct nlattr **tb, const struct vg_field *f, size_t n,
		   void *obj, uint32_t *has)
{
	struct nlattr *a;
	char *p;
	size_t i;

	for (i = 0; i < n; i++) {
		a = tb[f[i].attr];
		if (!(f[i].dir & VG_F_GET) || !a)
			continue;
		p = (char *)obj + f[i].off;
		*has |= f[i].has;
		if (f[i].kind == VG_F_STR) {
			vg_get_str(a, p, f[i].size);
			continue;
		}
		if (f[i].kind == VG_F_ADDR) {
			vg_get_addr(a, (struct vg_addr *)p);
			continue;
		}
		switch (f[i].size) {
		case 1:
			*(uint8_t *)p = nla_get_u8(a);
			break;
		case 2:
			*(uint16_t *)p = nla_get_u16(a);
			break;
		case 4:
			*(uint32_t *)p = nla_get_u32(a);
			break;
		default:
			*(uint64_t *)p = nla_get_u64(a);
			break;
		}
	}
}

void vg_fields_overlay(const struct vg_field *f, size_t n, void *dst,
		       uint32_t *dst_has, const void *src, uint32_t src_has,
		       uint32_t given)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *d = (char *)dst + f[i].off;

		if (!f[i].has || !(given & f[i].has))
			continue;
		if (src_has & f[i].has)
			memcpy(d, (const char *)src + f[i].off, f[i].size);
		else
			memset(d, 0, f[i].size);
	}
	*dst_has = (*dst_has & ~given) | (src_has & given);
}

struct nlattr *vg_fields_nest_start(struct nl_msg *m, int type,
				    const struct vg_field *f, size_t n,
				    const void *obj, uint32_t has)
{
	struct nlattr *nest = nla_nest_start(m, type);

	if (!nest || vg_fields_put(m, f, n, obj, has))
		return NULL;
	return nest;
}

int vg_fields_put_nest(struct nl_msg *m, int type, const struct vg_field *f,
		       size_t n, const void *obj, uint32_t has)
{
	struct nlattr *nest = vg_fields_nest_start(m, type, f, n, obj, has);

	if (!nest)
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

int vg_fields_get_nest(struct nlattr *nest, const struct vg_attr_desc *d,
		       int max, const struct vg_field *f, size_t n, void *obj,
		       size_t size, uint32_t *has)
{
	struct nlattr *tb[VG_FIELDS_NEST_MAX + 1];
	int r;

	memset(obj, 0, size);
	if (max > VG_FIELDS_NEST_MAX)
		return -EPROTO;
	r = vg_nest_index(nest, d, max, tb);
	if (r)
		return r;
	vg_fields_get(tb, f, n, obj, has);
	return 0;
}

int vg_u64s_put(struct nl_msg *m, int type, const uint64_t *v, int max,
		uint32_t has)
{
	struct nlattr *nest = nla_nest_start(m, type);
	int t;

	if (!nest)
		return -EMSGSIZE;
	for (t = 1; t <= max && t < 32; t++)
		if ((has & (1U << t)) && nla_put_u64(m, t, v[t]))
			return -EMSGSIZE;
	nla_nest_end(m, nest);
	return 0;
}

int vg_u64s_get(struct nlattr *nest, const struct vg_attr_desc *d, int max,
		uint64_t *v, uint32_t *has)
{
	struct nlattr *tb[VG_FIELDS_NEST_MAX + 1];
	int r, t;

	if (max > VG_FIELDS_NEST_MAX)
		return -EPROTO;
	r = vg_nest_index(nest, d, max, tb);
	if (r)
		return r;
	for (t = 1; t <= max; t++) {
		if (!tb[t])
			continue;
		v[t] = nla_get_u64(tb[t]);
		if (has && t < 32)
			*has |= 1U << t;
	}
	return 0;
}
