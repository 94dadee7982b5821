/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vgate backend's request builder, apart for its unit test
 * (tests/kernel_vgate_test.c): what add_sa sends, without a kernel.
 */
#ifndef VGATE_IKED_KERNEL_VGATE_H
#define VGATE_IKED_KERNEL_VGATE_H

#include "kernel.h"

struct vg_sa;

/*
 * sa as the struct vg_sa of a SA_NEW request (ESP, tunnel mode, REQID,
 * ESN flag, the keys copied: the caller wipes *vs after use); 0, or
 * -EOPNOTSUPP (a transform vgate.ko does not take: logged, named),
 * -EPROTONOSUPPORT (not ESP), -EINVAL (mixed families, keys too long).
 */
int kernel_vgate_sa(const struct kernel_sa *sa, struct vg_sa *vs);

#endif
