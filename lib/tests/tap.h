/* SPDX-License-Identifier: GPL-2.0 */
/* TAP output for libvgate's unit tests: ok N name / not ok N name. */
#ifndef LIBVGATE_TAP_H
#define LIBVGATE_TAP_H

#include <stdio.h>

static int tap_n, tap_fail;

#define CHECK(cond, ...) do {						\
	tap_n++;							\
	if (cond) {							\
		printf("ok %d ", tap_n);				\
	} else {							\
		tap_fail++;						\
		printf("not ok %d ", tap_n);				\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_fail)
		printf("# %d of %d failed\n", tap_fail, tap_n);
	return tap_fail ? 1 : 0;
}

#endif
