/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helper: tests/ref.py (the reference computations in Python) from a
 * C test.  refpy_init(argv[0]) finds ref.py next to the test binary and
 * sets have_python; ref() runs it.  A test's checks against ref.py are
 * TAP "# SKIP" when have_python is 0.
 */
#ifndef IKE_TEST_REFPY_H
#define IKE_TEST_REFPY_H

#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char ref_py[512];
static int have_python;

static inline void refpy_init(const char *argv0)
{
	char *dir = strdup(argv0);

	snprintf(ref_py, sizeof(ref_py), "%s/ref.py", dirname(dir));
	free(dir);
	have_python = !system("python3 -c 'import hmac, hashlib' 2>/dev/null");
}

/* Run ref.py with the arguments; its one line of output into out. */
static inline int ref(char *out, size_t cap, const char *fmt, ...)
{
	char *args, *cmd;
	va_list ap;
	FILE *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&args, fmt, ap);
	va_end(ap);
	if (r < 0 || asprintf(&cmd, "python3 '%s' %s", ref_py, args) < 0)
		exit(2);
	free(args);
	p = popen(cmd, "r");
	free(cmd);
	out[0] = '\0';
	if (!p || !fgets(out, cap, p)) {
		if (p)
			pclose(p);
		return -1;
	}
	out[strcspn(out, "\n")] = '\0';
	return pclose(p) ? -1 : 0;
}

#endif
