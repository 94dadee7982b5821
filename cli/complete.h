/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate complete: the shell's TAB for other shells (completion/vgate,
 * bash), and the command list for the documentation tests.  Hidden: not
 * in the usage, not in the table.
 */
#ifndef VGATE_COMPLETE_H
#define VGATE_COMPLETE_H

/* The word that starts it, as argv[0] of complete_main(). */
#define COMPLETE_WORD "complete"

/*
 * argv[0] is "complete".
 *   complete WORD... LAST   the words that may replace LAST (a partial
 *                           word, "" for a new one) after WORD...: one per
 *                           line, literals only (no <SPI>, no <Enter>)
 *   complete --commands     every command, its words joined by spaces
 * Returns 0, or EXIT_USAGE without words.
 */
int complete_main(int argc, char **argv);

#endif
