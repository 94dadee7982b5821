// SPDX-License-Identifier: GPL-2.0
/*
 * ipsec rule set and ipsec peer set change only the fields given, against
 * a kernel played by this test: libvgate's receive hook (no socket) gets
 * the kernel's answers from here, and its request tap hands every
 * request the CLI sends to kernel() below, which answers as the module
 * would: a rule (RULE_GET), the peers (PEER_GET dump), acks, or an error
 * with an extended ack (lib/tests/msgbuild.c queues them).  The commands run as in vgate (cmd_run(),
 * run_stream()); what they send is decoded with libvgate's codec and
 * checked field by field, what they print on stderr is read back.
 * fuzz/common.c stands in for DNS and the interface list.  TAP output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>

#include "lib/codec.h"
#include "lib/tests/msgbuild.h"
#include "../cmd.h"
#include "../file.h"
#include "../nl.h"
#include "../parse.h"
#include "../fuzz/fuzz.h"

static int n, failed;

#define CHECK(cond, ...) do {						\
	n++;								\
	if (!(cond))							\
		failed++;						\
	printf("%s %d ", (cond) ? "ok" : "not ok", n);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

/* ---- the kernel ---- */

static struct vg_rule k_rules[4];
static size_t k_nrules;
static struct vg_peer k_peers[4];
static size_t k_npeers;
static const char *k_refuse_set;	/* an extack message for the next SET */

/* What the CLI sent: the commands, and the last SET's object. */
static uint8_t sent_cmds[64];
static size_t nsent;
static struct vg_rule set_rule;
static struct vg_peer set_peer;

static struct nl_msg *reply(int cmd, bool multi)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m || !genlmsg_put(m, 0, 0, GENL_MIN_ID, 0, multi ? NLM_F_MULTI : 0,
			       cmd, vg_family_vgate.version))
		exit(2);
	return m;
}

/* An ack (err 0) or an error with an extack message. */
static struct nl_msg *ack(int err, const char *msg)
{
	struct nl_msg *m = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_CAPPED |
					      (msg ? NLM_F_ACK_TLVS : 0));
	struct nlmsgerr e = { .error = err };

	nlmsg_append(m, &e, sizeof(e), NLMSG_ALIGNTO);
	if (msg)
		nla_put_string(m, NLMSGERR_ATTR_MSG, msg);
	return m;
}

static struct nl_msg *done(void)
{
	struct nl_msg *m = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	int z = 0;

	nlmsg_append(m, &z, sizeof(z), NLMSG_ALIGNTO);
	return m;
}

/* The request's object nest, decoded. */
static struct nlattr *req_nest(struct nlmsghdr *nlh, int type)
{
	struct genlmsghdr *g = nlmsg_data(nlh);

	return nla_find(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), type);
}

static void kernel(const struct vg_family_desc *f, struct nlmsghdr *nlh,
		   void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	uint32_t seq = nlh->nlmsg_seq;
	struct vg_rule key;
	struct nl_msg *m;
	size_t i;

	(void)arg;
	if (f != &vg_family_vgate) {
		tq_push(ack(0, NULL), seq);
		return;
	}
	/* A dump counts as 0xff: a GET of one object is its command. */
	if (nsent < sizeof(sent_cmds))
		sent_cmds[nsent++] = nlh->nlmsg_flags & NLM_F_DUMP ? 0xff :
				     g->cmd;
	switch (g->cmd) {
	case VGATE_CMD_RULE_GET:
		if (nlh->nlmsg_flags & NLM_F_DUMP) {
			for (i = 0; i < k_nrules; i++) {
				m = reply(VGATE_CMD_RULE_GET, true);
				vg_rule_put(m, &k_rules[i]);
				tq_push(m, seq);
			}
			tq_push(done(), seq);
			return;
		}
		vg_rule_get(req_nest(nlh, VGATE_A_RULE), &key);
		for (i = 0; i < k_nrules; i++) {
			if (k_rules[i].id != key.id)
				continue;
			m = reply(VGATE_CMD_RULE_GET, false);
			vg_rule_put(m, &k_rules[i]);
			tq_push(m, seq);
			tq_push(ack(0, NULL), seq);
			return;
		}
		tq_push(ack(-ENOENT, "no rule with this ID"), seq);
		return;
	case VGATE_CMD_PEER_GET:
		for (i = 0; i < k_npeers; i++) {
			m = reply(VGATE_CMD_PEER_GET, true);
			vg_peer_put(m, &k_peers[i]);
			tq_push(m, seq);
		}
		tq_push(done(), seq);
		return;
	case VGATE_CMD_RULE_SET:
	case VGATE_CMD_PEER_SET:
		if (g->cmd == VGATE_CMD_RULE_SET)
			vg_rule_get(req_nest(nlh, VGATE_A_RULE), &set_rule);
		else
			vg_peer_get(req_nest(nlh, VGATE_A_PEER), &set_peer);
		if (k_refuse_set) {
			tq_push(ack(-EINVAL, k_refuse_set), seq);
			k_refuse_set = NULL;
			return;
		}
		tq_push(ack(0, NULL), seq);
		return;
	case VGATE_CMD_SA_GET:
		tq_push(done(), seq);
		return;
	default:
		tq_push(ack(0, NULL), seq);
	}
}

static bool was_sent(uint8_t cmd)
{
	size_t i;

	for (i = 0; i < nsent; i++)
		if (sent_cmds[i] == cmd)
			return true;
	return false;
}

/* ---- running commands ---- */

static char err[4096];

static void start(void)
{
	fuzz_reset(false);
	tq_reset();
	nsent = 0;
	memset(&set_rule, 0, sizeof(set_rule));
	memset(&set_peer, 0, sizeof(set_peer));
	vg_nl_fake_tap(kernel, NULL);
	vg_nl_fake_kernel(tq_recv, NULL);
}

/* stderr into err[] while fn runs. */
static int captured(int (*fn)(const char *), const char *arg)
{
	FILE *t = tmpfile();
	int saved, r;
	size_t len;

	fflush(stderr);
	saved = dup(2);
	dup2(fileno(t), 2);
	r = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(t);
	len = fread(err, 1, sizeof(err) - 1, t);
	err[len] = '\0';
	fclose(t);
	return r;
}

static int do_line(const char *s)
{
	char *line = strdup(s), *argv[64];
	int argc, r;

	argc = cmd_split(line, argv, 64);
	r = cmd_run(argc, argv);
	free(line);
	return r;
}

static int do_file(const char *s)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");
	int r = run_stream(f, "t.conf");

	fclose(f);
	return r;
}

static int run(const char *line)
{
	start();
	return captured(do_line, line);
}

static int run_cmdfile(const char *text)
{
	start();
	return captured(do_file, text);
}

/* ---- fixtures ---- */

static void addr4(struct vg_addr *a, const char *s)
{
	a->family = AF_INET;
	a->len = 4;
	inet_pton(AF_INET, s, a->a);
}

/* Rule 10: a protect entry of gwB with SPIs, as the kernel reports it. */
static void fixture(bool spis)
{
	struct vg_rule *r = &k_rules[0];
	struct vg_peer *p = &k_peers[0];

	memset(k_rules, 0, sizeof(k_rules));
	memset(k_peers, 0, sizeof(k_peers));
	r->has = VG_RULE_ID | VG_RULE_FAMILY | VG_RULE_STAGE |
		 VG_RULE_PEER_NAME | VG_RULE_ACTION | VG_RULE_PROTO |
		 VG_RULE_FLAGS | VG_RULE_DESCR | VG_RULE_LPORT | VG_RULE_RPORT;
	r->id = 10;
	r->family = AF_INET;
	r->stage = VGATE_STAGE_PEER;
	strcpy(r->peer_name, "gwB");
	r->action = VGATE_ACTION_PROTECT;
	r->proto = IPPROTO_TCP;
	strcpy(r->descr, "ssh to B");
	r->local.kind = VG_RANGE_NET;
	addr4(&r->local.addr, "10.1.0.0");
	r->local.plen = 16;
	r->remote.kind = VG_RANGE_HOST;
	addr4(&r->remote.addr, "10.2.0.1");
	r->lport.min = r->lport.max = 22;
	r->rport.max = 65535;		/* the kernel sends both ranges */
	if (spis) {
		r->has |= VG_RULE_SPI_OUT | VG_RULE_SPI_IN;
		r->spi_out = 0x1000;
		r->spi_in = 0x1001;
	}
	k_nrules = 1;

	p->has = VG_PEER_ID | VG_PEER_NAME | VG_PEER_DESCR | VG_PEER_FAMILY |
		 VG_PEER_ADDR | VG_PEER_HOSTNAME | VG_PEER_ADMIN |
		 VG_PEER_OPER | VG_PEER_VIRTUAL | VG_PEER_PMTU |
		 VG_PEER_IPCOMP;
	p->id = 7;
	strcpy(p->name, "gwB");
	strcpy(p->descr, "branch B");
	p->family = AF_INET;
	addr4(&p->addr, "192.0.2.2");
	strcpy(p->hostname, "gwb.example");
	p->admin = VGATE_PEER_ADMIN_UP;
	p->oper = VGATE_PEER_OPER_UP;
	p->pmtu = 1;
	p->ipcomp = VGATE_IPCOMP_ACCEPT;
	k_npeers = 1;
}

static bool same_range(const struct vg_range *a, const struct vg_range *b)
{
	char x[128], y[128];

	return !strcmp(fmt_range(a, x, sizeof(x)), fmt_range(b, y, sizeof(y)));
}

/* The fixture's rule 10 is the rule sent, but for the fields in what. */
static bool same_rule_but(const struct vg_rule *s, uint32_t what)
{
	const struct vg_rule *k = &k_rules[0];
	uint32_t keep = ~what & VG_RULE_CONFIG & ~(VG_RULE_LOCAL |
						   VG_RULE_REMOTE);

	return (s->has & keep) == (k->has & keep & ~VG_RULE_RPORT) &&
	       s->id == k->id && s->family == k->family &&
	       ((what & VG_RULE_STAGE) || (s->stage == k->stage &&
					   !strcmp(s->peer_name, k->peer_name))) &&
	       ((what & VG_RULE_DESCR) || !strcmp(s->descr, k->descr)) &&
	       ((what & VG_RULE_ACTION) || s->action == k->action) &&
	       ((what & VG_RULE_PROTO) || s->proto == k->proto) &&
	       ((what & VG_RULE_LPORT) ||
		!memcmp(&s->lport, &k->lport, sizeof(s->lport))) &&
	       ((what & VG_RULE_SPI_OUT) || (s->spi_out == k->spi_out &&
					     s->spi_in == k->spi_in)) &&
	       same_range(&s->local, &k->local) &&
	       same_range(&s->remote, &k->remote);
}

static void rule_tests(void)
{
	int r;

	fixture(false);
	r = run("ipsec rule set 10 action drop");
	CHECK(r == 0 && was_sent(VGATE_CMD_RULE_GET) &&
	      set_rule.action == VGATE_ACTION_DROP &&
	      same_rule_but(&set_rule, VG_RULE_ACTION),
	      "rule set 10 action drop on a dynamic protect entry: only the action changes (stage peer gwB, selectors, proto, lport, descr kept) [%s]",
	      err);

	fixture(true);
	r = run("ipsec rule set 10 descr \"new text\"");
	CHECK(r == 0 && !strcmp(set_rule.descr, "new text") &&
	      same_rule_but(&set_rule, VG_RULE_DESCR),
	      "rule set 10 descr: SPIs, stage, selectors kept [%s]", err);

	fixture(true);
	r = run("ipsec rule set 10 action drop");
	CHECK(r != 0 && !was_sent(VGATE_CMD_RULE_SET) &&
	      strstr(err, "bad action \"drop\" (the rule has spiOut 0x00001000: SPIs and CPIs only with action protect; give spiOut none spiIn none too)"),
	      "rule set 10 action drop with SPIs: refused naming spiOut, nothing sent [%s]",
	      err);

	fixture(true);
	r = run("ipsec rule set 10 action drop spiOut none spiIn none");
	CHECK(r == 0 && set_rule.action == VGATE_ACTION_DROP &&
	      !(set_rule.has & (VG_RULE_SPI_OUT | VG_RULE_SPI_IN)) &&
	      same_rule_but(&set_rule, VG_RULE_ACTION | VG_RULE_SPI_OUT |
			    VG_RULE_SPI_IN),
	      "rule set 10 action drop spiOut none spiIn none: SPIs dropped, the rest kept [%s]",
	      err);

	fixture(true);
	r = run("ipsec rule set 10 spiOut 0x2000");
	CHECK(r == 0 && set_rule.spi_out == 0x2000 && set_rule.spi_in == 0x1001,
	      "rule set 10 spiOut alone: the other SPI stays [%s]", err);

	fixture(true);
	r = run("ipsec rule set 10 spiOut none");
	CHECK(r != 0 && !was_sent(VGATE_CMD_RULE_SET) &&
	      strstr(err, "bad spiOut \"none\" (spiOut and spiIn go together: the rule has spiIn 0x00001001; give spiIn none too)"),
	      "rule set 10 spiOut none alone: refused naming spiIn [%s]", err);

	fixture(true);
	r = run("ipsec rule set 10 proto icmp");
	CHECK(r != 0 && !was_sent(VGATE_CMD_RULE_SET) &&
	      strstr(err, "bad proto \"icmp\" (the rule has lport 22: ports need proto tcp, udp, udplite or sctp; give lport any rport any too)"),
	      "rule set 10 proto icmp with lport kept: refused naming lport [%s]",
	      err);

	fixture(true);
	r = run("ipsec rule set 10 proto icmp lport any");
	CHECK(r == 0 && set_rule.proto == IPPROTO_ICMP &&
	      !(set_rule.has & (VG_RULE_LPORT | VG_RULE_RPORT)),
	      "rule set 10 proto icmp lport any: ports back to any [%s]", err);

	fixture(true);
	r = run("ipsec rule set 10 pre");
	CHECK(r != 0 && !was_sent(VGATE_CMD_RULE_SET) &&
	      strstr(err, "bad stage \"pre\" (the rule has action protect: only a peer's traffic list protects; give action pass or drop too)"),
	      "rule set 10 pre on a protect entry: refused naming the action [%s]",
	      err);

	fixture(false);
	r = run("ipsec rule set 10 post action pass descr \"\"");
	CHECK(r == 0 && set_rule.stage == VGATE_STAGE_POST &&
	      !(set_rule.has & (VG_RULE_PEER_NAME | VG_RULE_DESCR)) &&
	      set_rule.proto == IPPROTO_TCP && set_rule.lport.min == 22,
	      "rule set 10 post action pass descr \"\": no peer, no description, selectors kept [%s]",
	      err);

	fixture(true);
	r = run("ipsec rule set 10 local 2001:db8::/64");
	CHECK(r != 0 && !was_sent(VGATE_CMD_RULE_SET) &&
	      strstr(err, "bad local \"2001:db8::/64\" (IPv6, but the rule's remote 10.2.0.1 is IPv4: give remote too)"),
	      "rule set 10 local IPv6 with an IPv4 remote kept: refused [%s]",
	      err);

	fixture(true);
	r = run("ipsec rule set 99 descr x");
	CHECK(r != 0 && !was_sent(VGATE_CMD_RULE_SET) &&
	      strstr(err, "no rule with ID 99"),
	      "rule set of a rule that does not exist [%s]", err);

	fixture(true);
	k_refuse_set = "unknown peer";
	r = run("ipsec rule set 10 peer gwX");
	CHECK(r != 0 && was_sent(VGATE_CMD_RULE_SET) &&
	      !strcmp(set_rule.peer_name, "gwX") &&
	      strstr(err, "RULE_SET: unknown peer: Invalid argument"),
	      "the kernel's refusal of the merged rule reaches the user [%s]",
	      err);
}

static void peer_tests(void)
{
	const struct vg_peer *k = &k_peers[0];
	int r;

	fixture(false);
	r = run("ipsec peer set gwB admin down");
	CHECK(r == 0 && set_peer.admin == VGATE_PEER_ADMIN_DOWN &&
	      set_peer.id == 7 && !strcmp(set_peer.descr, "branch B") &&
	      !strcmp(set_peer.hostname, "gwb.example") &&
	      !memcmp(&set_peer.addr, &k->addr, sizeof(k->addr)) &&
	      set_peer.pmtu == 1 && !(set_peer.has & VG_PEER_OPER),
	      "peer set gwB admin down: descr, address, host name, propagatePmtu kept [%s]",
	      err);

	fixture(false);
	r = run("ipsec peer set gwB addr 192.0.2.9 admin down");
	CHECK(r == 0 && !strcmp(set_peer.descr, "branch B") &&
	      !(set_peer.has & VG_PEER_HOSTNAME) &&
	      set_peer.admin == VGATE_PEER_ADMIN_DOWN,
	      "peer set gwB addr ... admin down (the issue's case): descr kept, the old host name dropped [%s]",
	      err);

	fixture(false);
	r = run("ipsec peer set gwB descr \"\"");
	CHECK(r == 0 && !(set_peer.has & VG_PEER_DESCR) &&
	      (set_peer.has & VG_PEER_ADDR),
	      "peer set gwB descr \"\": the description cleared [%s]", err);

	fixture(false);
	r = run("ipsec peer block gwB 300");
	CHECK(r == 0 && set_peer.block_seconds == 300 &&
	      set_peer.oper == VGATE_PEER_OPER_BLOCKED &&
	      !strcmp(set_peer.descr, "branch B") && set_peer.pmtu == 1,
	      "peer block keeps the configuration [%s]", err);

	fixture(false);
	r = run("ipsec peer set gwB spiOut 0x3000 spiIn 0x3001");
	CHECK(r != 0 && !was_sent(VGATE_CMD_PEER_SET) &&
	      strstr(err, "bad spiOut \"0x00003000\" (only with virtual yes: the peer has virtual no)"),
	      "peer set SPIs on a peer with a traffic list: refused [%s]", err);

	fixture(false);
	r = run("ipsec peer set gwB id 9");
	CHECK(r != 0 && !was_sent(VGATE_CMD_PEER_SET) &&
	      strstr(err, "bad id \"9\" (peer gwB has ID 7: an ID cannot change; del and add the peer)"),
	      "peer set cannot change the ID [%s]", err);

	fixture(false);
	r = run("ipsec peer set gwC id 7 admin dialup");
	CHECK(r == 0 && set_peer.id == 7 && !strcmp(set_peer.name, "gwC") &&
	      !strcmp(set_peer.descr, "branch B") &&
	      set_peer.admin == VGATE_PEER_ADMIN_DIALUP,
	      "peer set NEWNAME id N renames the peer with that ID, the rest kept [%s]",
	      err);
}

static void file_tests(void)
{
	int r;

	fixture(false);
	k_nrules = 0;
	r = run_cmdfile("ipsec rule add 10 peer gwB local 10.1.0.0/16 remote 10.2.0.1 proto tcp lport 22 action protect spiOut 0x1000 spiIn 0x1001 descr old\n"
		     "ipsec rule set 10 descr x\n");
	CHECK(r == 0 && !was_sent(VGATE_CMD_RULE_GET) &&
	      !strcmp(set_rule.descr, "x") && set_rule.spi_out == 0x1000 &&
	      set_rule.stage == VGATE_STAGE_PEER &&
	      !strcmp(set_rule.peer_name, "gwB") &&
	      set_rule.lport.min == 22 && set_rule.local.plen == 16,
	      "-f: rule add 10 then rule set 10 descr x overlays onto the file's rule 10 (no GET) [%s]",
	      err);

	fixture(true);
	r = run_cmdfile("ipsec rule add 10 peer gwB action protect spiOut 0x5000 spiIn 0x5001\n"
		     "ipsec rule set 10 action drop\n");
	CHECK(r != 0 && !was_sent(VGATE_CMD_RULE_SET) &&
	      was_sent(VGATE_CMD_TXN_ABORT) &&
	      strstr(err, "t.conf:2: bad action \"drop\" (the rule has spiOut 0x00005000"),
	      "-f: a set the file's rule cannot take is refused at its line, the transaction aborted [%s]",
	      err);

	fixture(true);
	r = run_cmdfile("ipsec rule del 10\nipsec rule set 10 descr x\n");
	CHECK(r != 0 && !was_sent(VGATE_CMD_RULE_SET) &&
	      strstr(err, "t.conf:2: no rule with ID 10 (deleted before)"),
	      "-f: rule set of a rule the file deleted [%s]", err);

	fixture(false);
	r = run_cmdfile("ipsec peer set gwB descr \"new B\"\n"
		     "ipsec peer set gwB admin down\n");
	CHECK(r == 0 && !strcmp(set_peer.descr, "new B") &&
	      set_peer.admin == VGATE_PEER_ADMIN_DOWN,
	      "-f: a second peer set overlays onto the first [%s]", err);
}

int main(void)
{
	rule_tests();
	peer_tests();
	file_tests();
	start();
	fuzz_reset(false);
	printf("1..%d\n", n);
	if (failed)
		printf("# %d of %d failed\n", failed, n);
	return failed ? 1 : 0;
}
