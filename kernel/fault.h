/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation fault injection, for the debug kernel of "make check-debug".
 *
 * With CONFIG_FAULT_INJECTION each of vgate's modules has a fault attribute
 * in debugfs, /sys/kernel/debug/fail_<module>/ (probability, interval,
 * times, verbose, task-filter: Documentation/fault-injection/), and every
 * allocation vgate makes after loading goes through one of the wrappers
 * below, which fail it when the attribute says so. failslab and
 * fail_page_alloc cannot be limited to one module's call sites on x86_64
 * (their stack-trace filter is not built there), and failing the whole
 * kernel's allocations tests the kernel, not vgate. Without
 * CONFIG_FAULT_INJECTION (Debian's kernel) the wrappers are the bare call.
 *
 * Usage: p = vgate_fault_ptr(kzalloc(...));   NULL on an injected failure
 *        t = vgate_fault_errptr(crypto_alloc_aead(...));   ERR_PTR(-ENOMEM)
 *        n = vgate_fault_int(skb_cow_data(...));   -ENOMEM
 * The module's init calls vgate_fault_init() (after which failures may be
 * injected) and its exit vgate_fault_exit(); one file per module defines the
 * attribute with VGATE_FAULT_DEFINE.
 */
#ifndef _VGATE_FAULT_H
#define _VGATE_FAULT_H

#include <linux/err.h>
#include <linux/errno.h>

#ifdef CONFIG_FAULT_INJECTION
#include <linux/fault-inject.h>
#include <linux/debugfs.h>

extern struct fault_attr vgate_fault_attr;
extern struct dentry *vgate_fault_dir;

#define VGATE_FAULT_DEFINE			\
	DECLARE_FAULT_ATTR(vgate_fault_attr);	\
	struct dentry *vgate_fault_dir

static inline bool vgate_fault(void)
{
	return should_fail(&vgate_fault_attr, 1);
}

static inline void vgate_fault_init(void)
{
	struct dentry *d;

	d = fault_create_debugfs_attr("fail_" KBUILD_MODNAME, NULL,
				      &vgate_fault_attr);
	vgate_fault_dir = IS_ERR(d) ? NULL : d;
}

static inline void vgate_fault_exit(void)
{
	debugfs_remove_recursive(vgate_fault_dir);
	vgate_fault_dir = NULL;
}
#else
#define VGATE_FAULT_DEFINE	struct vgate_fault_unused
static inline bool vgate_fault(void) { return false; }
static inline void vgate_fault_init(void) { }
static inline void vgate_fault_exit(void) { }
#endif

#define vgate_fault_ptr(expr)		(vgate_fault() ? NULL : (expr))
#define vgate_fault_errptr(expr)	(vgate_fault() ? ERR_PTR(-ENOMEM) : (expr))
#define vgate_fault_int(expr)		(vgate_fault() ? -ENOMEM : (expr))

#endif /* _VGATE_FAULT_H */
