// SPDX-License-Identifier: GPL-2.0
/*
 * config save: the running configuration as CLI commands.  The file
 * starts with "ipsec rule flush" and "ipsec peer flush", so that applying
 * it with "vgate -f" (one transaction) replaces the whole policy.  Manual
 * SAs are not written: the kernel never returns keys.  When vgate_garp.ko
 * is loaded, its settings follow as "ip arp ackGratuitous" lines, which
 * "vgate -f" runs after the transaction (like SA commands); so do the
 * bandwidth manager's "bm" lines when vgate_bwm.ko is loaded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "grammar.h"
#include "parse.h"
#include "show.h"

static int cmp_rule(const void *a, const void *b)
{
	const struct vg_rule *x = *(const struct vg_rule *const *)a;
	const struct vg_rule *y = *(const struct vg_rule *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_peer(const void *a, const void *b)
{
	const struct vg_peer *x = *(const struct vg_peer *const *)a;
	const struct vg_peer *y = *(const struct vg_peer *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void write_peer(FILE *f, const struct vg_peer *p)
{
	char buf[2 * VG_DESCR_MAX + 4], a[64];

	/*
	 * The address the kernel holds, and the name it was resolved from:
	 * the file applies on a box where the name does not resolve.
	 */
	fprintf(f, "ipsec peer add %s id %u addr %s", p->name, p->id,
		fmt_addr(&p->addr, a, sizeof(a)));
	if (p->hostname[0])
		fprintf(f, " hostname %s", p->hostname);
	if (p->descr[0])
		fprintf(f, " descr %s", fmt_word(p->descr, buf, sizeof(buf)));
	fprintf(f, " admin %s", admin_name(p->admin ? p->admin :
					   VGATE_PEER_ADMIN_UP));
	if (p->pmtu)
		fprintf(f, " propagatePmtu on");
	if (p->ipcomp == VGATE_IPCOMP_NO || p->ipcomp == VGATE_IPCOMP_FORCE)
		fprintf(f, " ipcomp %s",
			p->ipcomp == VGATE_IPCOMP_NO ? "no" : "force");
	if (p->virt) {
		fprintf(f, " virtual yes");
		if (p->has & VG_PEER_SPI_OUT)
			fprintf(f, " spiOut 0x%08x spiIn 0x%08x", p->spi_out,
				p->spi_in);
	}
	fputc('\n', f);
}

static void write_ports(FILE *f, const char *kw, const struct vg_ports *p)
{
	if (p->min == p->max)
		fprintf(f, " %s %u", kw, p->min);
	else
		fprintf(f, " %s %u-%u", kw, p->min, p->max);
}

static void write_rule(FILE *f, const struct vg_rule *ru)
{
	char buf[2 * VG_DESCR_MAX + 4];

	fprintf(f, "ipsec rule add %u", ru->id);
	if (ru->stage == VGATE_STAGE_PEER)
		fprintf(f, " peer %s", ru->peer_name);
	else
		fprintf(f, " %s", stage_name(ru->stage));
	if (ru->descr[0])
		fprintf(f, " descr %s", fmt_word(ru->descr, buf, sizeof(buf)));
	if (ru->family == AF_INET6 && ru->local.kind == VG_RANGE_ANY &&
	    ru->remote.kind == VG_RANGE_ANY)
		fprintf(f, " family ipv6");
	if (ru->local.kind != VG_RANGE_ANY)
		fprintf(f, " local %s", fmt_range(&ru->local, buf, sizeof(buf)));
	if (ru->remote.kind != VG_RANGE_ANY)
		fprintf(f, " remote %s", fmt_range(&ru->remote, buf, sizeof(buf)));
	if (ru->proto)
		fprintf(f, " proto %s", proto_name(ru->proto, buf, sizeof(buf)));
	if (ru->has & VG_RULE_LPORT)
		write_ports(f, "lport", &ru->lport);
	if (ru->has & VG_RULE_RPORT)
		write_ports(f, "rport", &ru->rport);
	fprintf(f, " action %s", action_name(ru->action));
	if (ru->action == VGATE_ACTION_PROTECT && (ru->has & VG_RULE_SPI_OUT))
		fprintf(f, " spiOut 0x%08x spiIn 0x%08x", ru->spi_out,
			ru->spi_in);
	if (ru->action == VGATE_ACTION_PROTECT &&
	    (ru->has & VG_RULE_AH_SPI_OUT))
		fprintf(f, " ahSpiOut 0x%08x ahSpiIn 0x%08x", ru->ah_spi_out,
			ru->ah_spi_in);
	if (ru->action == VGATE_ACTION_PROTECT && (ru->has & VG_RULE_CPI_OUT))
		fprintf(f, " cpiOut 0x%08x cpiIn 0x%08x", ru->cpi_out,
			ru->cpi_in);
	if (ru->flags & VGATE_RULE_F_SELF)
		fprintf(f, " selfTraffic on");
	fputc('\n', f);
}

/*
 * A rule this CLI cannot write back as a command (an action or stage of a
 * newer kernel): refused before anything is written, instead of a line
 * that "vgate -f" would not take.
 */
static int rule_writable(const struct vg_rule *ru)
{
	const char *what;
	unsigned int v;

	if (!strcmp(action_name(ru->action), "unknown")) {
		what = "action";
		v = ru->action;
	} else if (!strcmp(stage_name(ru->stage), "unknown")) {
		what = "stage";
		v = ru->stage;
	} else {
		return 0;
	}
	vg_err("rule %u: %s %u is not one this vgate knows (a newer kernel?): nothing saved",
	       ru->id, what, v);
	return -EPROTO;
}

int config_write(FILE *f, const struct vg_cfg *cfg,
		 const struct vg_peer *peers, size_t np,
		 const struct vg_rule *rules, size_t nr)
{
	const struct vg_peer **ps = malloc((np + 1) * sizeof(*ps));
	const struct vg_rule **rs = malloc((nr + 1) * sizeof(*rs));
	char buf[16];
	size_t i;

	for (i = 0; i < nr; i++)
		if (rule_writable(&rules[i])) {
			free(ps);
			free(rs);
			return -EPROTO;
		}
	if (!ps || !rs) {
		free(ps);
		free(rs);
		vg_err("out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < np; i++)
		ps[i] = &peers[i];
	for (i = 0; i < nr; i++)
		rs[i] = &rules[i];
	qsort(ps, np, sizeof(*ps), cmp_peer);
	qsort(rs, nr, sizeof(*rs), cmp_rule);

	fprintf(f, "# vgate configuration (vgate config save).\n"
		   "# Apply with \"vgate -f FILE\": one transaction that replaces every\n"
		   "# rule, peer and knob below, or changes nothing.\n"
		   "# Manual SAs are not saved: the kernel never returns their keys.\n"
		   "ipsec rule flush\n"
		   "ipsec peer flush\n");
	for (i = 0; i < n_knobs; i++)
		if (cfg->has & knobs[i].bit)
			fprintf(f, "ipsec %s %s\n", knobs[i].name,
				knob_fmt(&knobs[i], knob_get(cfg, &knobs[i]),
					 buf, sizeof(buf)));
	for (i = 0; i < np; i++)
		write_peer(f, ps[i]);
	for (i = 0; i < nr; i++)
		write_rule(f, rs[i]);
	free(ps);
	free(rs);
	return ferror(f) ? -EIO : 0;
}

int config_write_garp(FILE *f, const struct vg_garp_cfg *cfg,
		      const struct vg_garp_if *ifs, size_t n)
{
	char buf[16];
	size_t i, k;

	fprintf(f, "# Gratuitous-ARP policy (vgate_garp): its own transaction,\n"
		   "# committed with the others; interfaces without a line inherit these.\n");
	for (k = 0; k < n_garp_settings; k++) {
		const struct garp_setting *s = &garp_settings[k];

		if (cfg->has & s->bit)
			fprintf(f, "ip arp ackGratuitous %s %s\n", s->name,
				garp_value_str(s->bit, garp_cfg_get(cfg, s->bit),
					       buf, sizeof(buf)));
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < n_garp_settings; k++) {
			const struct garp_setting *s = &garp_settings[k];

			if (!s->iface || !garp_if_overrides(&ifs[i], s->bit))
				continue;
			fprintf(f, "ip arp ackGratuitous interface %s %s %s\n",
				ifs[i].ifname, s->name,
				garp_value_str(s->bit, garp_if_get(&ifs[i], s->bit),
					       buf, sizeof(buf)));
		}
	}
	return ferror(f) ? -EIO : 0;
}

int config_print_garp(FILE *f)
{
	struct vg_garp_if *ifs = NULL;
	struct vg_garp_cfg cfg;
	size_t n = 0;
	int r;

	r = cli_garp_present();
	if (r <= 0)
		return r;
	r = cli_garp_get_global(&cfg);
	if (!r)
		r = cli_garp_dump_ifs(&ifs, &n);
	if (!r && !vg_dry_run)
		r = config_write_garp(f, &cfg, ifs, n);
	free(ifs);
	return r;
}

int config_print_ipsec(FILE *f)
{
	struct vg_rule *rules = NULL;
	struct vg_peer *peers = NULL;
	size_t nr = 0, np = 0;
	struct vg_cfg cfg;
	int r;

	r = vg_nl_get_config(&cfg);
	if (!r)
		r = vg_nl_dump_peers(&peers, &np);
	if (!r)
		r = vg_nl_dump_rules(&rules, &nr);
	if (!r && !vg_dry_run)
		r = config_write(f, &cfg, peers, np, rules, nr);
	free(rules);
	free(peers);
	return r;
}

int config_print(FILE *f)
{
	const struct cmd_subsys *const *s;
	int r = 0;

	for (s = cmd_subsystems; *s && !r; s++)
		if ((*s)->config)
			r = (*s)->config(f);
	if (!r && fflush(f)) {
		vg_err("cannot write the configuration: %s", strerror(errno));
		r = -EIO;
	}
	return r;
}

int config_save(const char *path)
{
	char tmp[4096 + 16];
	FILE *f;
	int r;

	if (vg_dry_run)
		return config_print(stdout);
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f) {
		vg_err("cannot write \"%s\": %s", tmp, strerror(errno));
		return -errno;
	}
	r = config_print(f);
	if (fclose(f) && !r) {
		vg_err("cannot write \"%s\": %s", tmp, strerror(errno));
		r = -EIO;
	}
	if (!r && rename(tmp, path)) {
		vg_err("cannot rename \"%s\" to \"%s\": %s", tmp, path,
		       strerror(errno));
		r = -errno;
	}
	if (r)
		unlink(tmp);
	return r;
}
