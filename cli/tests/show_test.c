// SPDX-License-Identifier: GPL-2.0
/* show-test [-j] sa|sad|rule|global|replayWindow|dropLog: show.c on canned data. */
#include <stdio.h>
#include <string.h>

#include "../json.h"
#include "../show.h"

int main(int argc, char **argv)
{
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "-j")) {
		show_json = true;
		i++;
	}
	if (i >= argc)
		return 1;
	if (!strcmp(argv[i], "sa"))
		return -show_sa();
	if (!strcmp(argv[i], "sad"))
		return -show_sad();
	if (!strcmp(argv[i], "rule"))
		return -show_rule();
	if (!strcmp(argv[i], "global"))
		return -show_global();
	if (!strcmp(argv[i], "escape")) {
		/* Every control character, quote, backslash and UTF-8. */
		char s[64];
		struct json j;
		int k;

		for (k = 1; k < 32; k++)
			s[k - 1] = k;
		strcpy(s + 31, "\"\\/\x7f\xc3\xa9");
		json_init(&j, stdout, false);
		json_obj_open(&j, NULL);
		json_str(&j, "s", s);
		json_arr_open(&j, "empty");
		json_close(&j);
		json_obj_open(&j, "o");
		json_close(&j);
		json_close(&j);
		json_end(&j);
		return 0;
	}
	return -show_knob(argv[i]);
}
