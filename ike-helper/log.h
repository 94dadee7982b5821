/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate-iked's log: one line per event on stderr (the journal takes it
 * from there), "vgate-iked: LEVEL: text".  Never pass a key or a PSK to
 * these functions: nothing secret is logged, only names, IDs, SPIs and
 * algorithms.
 */
#ifndef VGATE_IKED_LOG_H
#define VGATE_IKED_LOG_H

enum log_level { LOG_ERR, LOG_INFO, LOG_DEBUG };

extern int log_verbosity;	/* the highest level printed */

void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
