// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of a command: what the CLI reads back over generic
 * netlink for show, explain, config show, ip arp and bm commands, and the
 * acks, errors and extended acks of the others.  No socket:
 * vg_nl_fake_kernel() sets libvgate's receive hook, which hands the
 * handle the input as the datagrams the kernel would send, and from
 * there libvgate and the CLI run as in vgate: the handle's message loop
 * (sequence numbers, DUMP_INTR restarts, errors, extended acks), the
 * codec's attribute checks and decoding of every object, then the CLI's
 * error wording, show tables and JSON, config show, the rule warnings.
 *
 * Input: one byte picks the command (and bit 7 asks for JSON), then
 * datagrams, each a 16-bit little-endian length and its bytes (the last
 * one may be short).  When they run out a read fails, as if the socket
 * had been closed.  The requests of one input are numbered 1, 2, ... in
 * the order the command sends them (a dump sent again counts): an
 * answer is taken for the request whose number it carries in nlmsg_seq.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/errno.h>

#include "../cmd.h"
#include "../file.h"
#include "../nl.h"
#include "../show.h"
#include "fuzz.h"

static const char *const cmds[] = {
	"ipsec show sa",
	"ipsec show sad",
	"ipsec show rule",
	"ipsec show peer",
	"ipsec show peer branch1",
	"ipsec show global",
	"ipsec show natt",
	"ipsec replayWindow",
	"ipsec postDefault",
	"ipsec explain 10.1.0.5 10.2.0.9 proto tcp dport 22",
	"config show",
	"ip arp show",
	"ip arp show interface eth0",
	"ip arp ackGratuitous active",
	"ip arp ackGratuitous interface eth0 rateLimit",
	"bm show interface",
	"bm show class eth0",
	"bm show filter eth0",
	"ipsec rule add 10 peer branch1 local 10.1.0.0/24 remote 10.2.0.0/24 action protect spiOut 0x1000 spiIn 0x2000",
	"ipsec peer block branch1 60",
	"ipsec peer add gwB addr 192.0.2.2",
	"ipsec sa add 0x1000 src 192.0.2.1 dst 192.0.2.2 mode tunnel enc aes128-gcm encKey 0x000102030405060708090a0b0c0d0e0f10111213",
	"bm interface eth0 enable bandwidth 10m",
	"ip arp ackGratuitous interface eth0 active yes",
	NULL,	/* the command file below */
};

/* A command file: a transaction, then an SA and a show. */
static const char file[] =
	"ipsec rule flush\n"
	"ipsec peer flush\n"
	"ipsec peer add branch1 addr 198.51.100.2\n"
	"ipsec rule add 5 pre proto udp lport 500 action pass\n"
	"ipsec rule add 10 peer branch1 local 10.1.0.0/16 remote 10.2.0.0/16 action protect spiOut 0x1000 spiIn 0x1001\n"
	"ipsec rule add 20 peer branch1 local 10.1.0.0/16 remote 10.2.0.0/24 action protect\n"
	"ipsec maxSas 1024\n"
	"ipsec sa flush\n"
	"ipsec show rule\n";

static const uint8_t *in;
static size_t in_len;

static int next_datagram(void *arg, unsigned char **buf)
{
	size_t len;

	(void)arg;
	if (in_len < 2)
		return -NLE_BAD_SOCK;	/* no more: as a closed socket */
	len = in[0] | (size_t)in[1] << 8;
	in += 2;
	in_len -= 2;
	if (len > in_len)
		len = in_len;
	/* Exactly len bytes: the sanitizers see a read past the end. */
	if (!len)
		return -NLE_MSG_TRUNC;	/* an empty read fails */
	*buf = malloc(len);
	if (!*buf)
		return -NLE_NOMEM;
	memcpy(*buf, in, len);
	in += len;
	in_len -= len;
	return (int)len;
}

static void one(const uint8_t *data, size_t size)
{
	size_t n = sizeof(cmds) / sizeof(cmds[0]), k;
	char *line, *argv[FILE_MAX_WORDS];
	int argc;

	if (!size)
		return;
	fuzz_reset(false);
	vg_nl_fake_kernel(next_datagram, NULL);
	show_json = data[0] & 0x80;
	k = (data[0] & 0x7f) % n;
	in = data + 1;
	in_len = size - 1;
	if (cmds[k]) {
		line = strdup(cmds[k]);
		if (!line)
			abort();
		argc = cmd_split(line, argv, FILE_MAX_WORDS);
		cmd_run(argc, argv);
		free(line);
	} else if (fuzz_run_file(file, sizeof(file) - 1)) {
		abort();
	}
	fuzz_reset(false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each(data, size, one);
	return 0;
}
