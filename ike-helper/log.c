// SPDX-License-Identifier: GPL-2.0
/* vgate-iked's log lines (see log.h). */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

int log_verbosity = LOG_INFO;

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const name[] = { "error", "info", "debug" };
	char line[1024];
	va_list ap;

	if ((int)lvl > log_verbosity)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vgate-iked: %s: %s\n", name[lvl], line);
}
