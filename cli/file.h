/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate -f FILE: a file of commands, one per line.  The whole file is
 * parsed first (a bad line: FILE:LINE: message, nothing sent); then its
 * rule, peer and knob commands go to the kernel as one transaction, and
 * the other commands run after the commit, in file order.
 */
#ifndef VGATE_FILE_H
#define VGATE_FILE_H

#include <stdio.h>

/* Words on one line, at most (cmd_split()). */
#define FILE_MAX_WORDS 64

/* Apply the file at path ("-": standard input); 0, EXIT_USAGE or EXIT_KERNEL. */
int run_file(const char *path);
/* The same on an open stream; name prefixes the messages.  f stays open. */
int run_stream(FILE *f, const char *name);

#endif
