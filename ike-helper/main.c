// SPDX-License-Identifier: GPL-2.0
/*
 * vgate-iked: options, the event loop (poll over the UDP sockets and a
 * signalfd; the state machine's timers give the timeout), start and stop.
 *
 *   vgate-iked -c FILE [--kernel=vgate|null] [--listen ADDR]... [--port N]
 *              [--natt-port N] [--retransmit MS] [--tries N] [-v]
 *   vgate-iked -c FILE --check-config
 *
 * stdout is the report stream: "READY", "IKE_SA up/down ...", the
 * backend's "SA add/del ..." lines (kernel.c), "STATS ..." (on SIGUSR1 and at exit).
 * stderr is the log.  SIGTERM/SIGINT: Delete every IKE SA (the peers are
 * told), wait for their answers up to 3 s, remove the CHILD SAs, exit 0.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ctl.h"
#include "iked.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vgate-iked -c FILE [--kernel=vgate|null] [options]\n"
		"       vgate-iked -c FILE --check-config\n"
		"  -c, --config FILE     peers, IDs, PSK files, proposals, selectors\n"
		"      --kernel=NAME     SA backend: vgate (vgate.ko, the default) or null\n"
		"                        (nothing installed: SAs reported on stdout; tests)\n"
		"      --listen ADDR     bind IKE to this address (repeatable; default: all)\n"
		"      --port N          IKE port (500)\n"
		"      --natt-port N     NAT-T port with the non-ESP marker (4500; 0: none)\n"
		"      --retransmit MS   first retransmission after MS ms (1000), then doubling\n"
		"      --tries N         transmissions of a request before giving up (5)\n"
		"      --control PATH    control socket (mode 0600; show ike, show stats)\n"
		"      --check-config    parse the configuration and the PSK files, then exit\n"
		"  -v, --verbose         debug log\n");
}

static int num(const char *s, long lo, long hi, long *v)
{
	char *e;

	errno = 0;
	*v = strtol(s, &e, 10);
	return errno || !*s || *e || *v < lo || *v > hi ? -1 : 0;
}

/* --test-drop-tx IKE_SA_INIT,IKE_AUTH,...: names of exchanges */
static int drop_list(struct iked *d, const char *s)
{
	char *copy = strdup(s), *tok, *save = NULL;
	uint8_t e;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (e = IKEV2_EXCH_IKE_SA_INIT;
		     e <= IKEV2_EXCH_INFORMATIONAL; e++)
			if (!strcmp(tok, ikev2_exch_name(e)))
				break;
		if (d->n_drop_tx >= 8 || e > IKEV2_EXCH_INFORMATIONAL) {
			free(copy);
			return -1;
		}
		d->drop_tx[d->n_drop_tx++] = e;
	}
	free(copy);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "natt-port", required_argument, NULL, 'n' },
		{ "retransmit", required_argument, NULL, 'r' },
		{ "tries", required_argument, NULL, 't' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "control", required_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		/* tests only: don't send the first datagram of EXCH,... */
		{ "test-drop-tx", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct iked d;
	const char *config = NULL, *kernel = "vgate", *control = NULL;
	char *listen[16], err[1024];
	int n_listen = 0, check = 0, o, sfd, cfd = -1, efd = -1, i, r = 1;
	int n_pfd, e_idx = -1;
	long port = 500, natt = 4500, v;
	struct pollfd pfd[NET_MAX_SOCKS + 3];
	sigset_t ss;
	struct conf_peer *p;

	d.retx_base_ms = 1000;
	d.retx_tries = 5;
	while ((o = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			config = optarg;
			break;
		case 'k':
			kernel = optarg;
			break;
		case 'l':
			if (n_listen >= 16) {
				fprintf(stderr, "vgate-iked: at most 16 --listen\n");
				return 2;
			}
			listen[n_listen++] = optarg;
			break;
		case 'p':
		case 'n':
			if (num(optarg, o == 'n' ? 0 : 1, 65535, &v)) {
				fprintf(stderr, "vgate-iked: bad port '%s'\n",
					optarg);
				return 2;
			}
			*(o == 'p' ? &port : &natt) = v;
			break;
		case 'r':
			if (num(optarg, 10, 60000, &v)) {
				fprintf(stderr, "vgate-iked: bad --retransmit '%s' (10..60000 ms)\n",
					optarg);
				return 2;
			}
			d.retx_base_ms = v;
			break;
		case 't':
			if (num(optarg, 1, 20, &v)) {
				fprintf(stderr, "vgate-iked: bad --tries '%s' (1..20)\n",
					optarg);
				return 2;
			}
			d.retx_tries = v;
			break;
		case 'C':
			check = 1;
			break;
		case 'S':
			control = optarg;
			break;
		case 'v':
			log_verbosity = LOG_DEBUG;
			break;
		case 'D':
			if (drop_list(&d, optarg)) {
				fprintf(stderr, "vgate-iked: bad --test-drop-tx '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!config || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (conf_load(&d.conf, config, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	if (check) {
		for (p = d.conf.peers; p; p = p->next)
			printf("peer %s: ok\n", p->name);
		conf_free(&d.conf);
		return 0;
	}
	d.kops = kernel_ops_find(kernel);
	if (!d.kops) {
		log_err("--kernel=%s: unknown backend (there are: %s)", kernel,
			kernel_ops_names());
		goto out_conf;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	d.report = stdout;
	if (d.kops->init(&d.kctx, d.report)) {
		log_err("kernel backend %s: cannot start", d.kops->name);
		goto out_conf;
	}
	for (p = d.conf.peers; p; p = p->next)
		if (d.kops->check_reqid &&
		    d.kops->check_reqid(d.kctx, p->name, p->reqid,
					p->has_protect))
			goto out_kernel;
	if (natt && d.kops->natt_release)
		d.kops->natt_release(d.kctx, natt);
	if (net_open(&d.net, listen, n_listen, port, natt, err, sizeof(err))) {
		log_err("%s", err);
		goto out_kernel;
	}
	/* ESP in UDP comes to our NAT-T socket: the kernel takes it out */
	for (i = 0; i < d.net.n && d.kops->natt_socket; i++)
		if (d.net.s[i].natt && d.net.s[i].family == AF_INET) {
			d.kops->natt_socket(d.kctx, d.net.s[i].fd,
					    d.net.s[i].port);
			break;
		}
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGUSR1);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		log_err("signalfd: %s", strerror(errno));
		goto out_net;
	}
	for (i = 0; i < d.net.n; i++) {
		pfd[i].fd = d.net.s[i].fd;
		pfd[i].events = POLLIN;
	}
	pfd[d.net.n].fd = sfd;
	pfd[d.net.n].events = POLLIN;
	n_pfd = d.net.n + 1;
	if (control) {
		cfd = ctl_open(control, err, sizeof(err));
		if (cfd < 0) {
			log_err("%s", err);
			close(sfd);
			goto out_net;
		}
		pfd[n_pfd].fd = cfd;
		pfd[n_pfd].events = POLLIN;
		n_pfd++;
	}
	if (d.kops->event_fd)
		efd = d.kops->event_fd(d.kctx);
	if (efd >= 0) {
		e_idx = n_pfd;
		pfd[n_pfd].fd = efd;
		pfd[n_pfd].events = POLLIN;
		n_pfd++;
	}
	fprintf(d.report, "READY pid=%d kernel=%s\n", (int)getpid(),
		d.kops->name);
	log_info("started: %d sockets, kernel backend %s", d.net.n,
		 d.kops->name);
	for (p = d.conf.peers; p; p = p->next)
		if (p->initiate)
			ikev2_initiate(&d, p);

	for (;;) {
		int timeout = ikev2_timers(&d);

		if (d.shutting_down) {
			uint64_t now = iked_now_ms();

			if (!d.sas)
				break;
			if (now >= d.shutdown_deadline) {
				ikev2_flush(&d);
				break;
			}
			if (timeout < 0 ||
			    (uint64_t)timeout > d.shutdown_deadline - now)
				timeout = d.shutdown_deadline - now;
		}
		if (poll(pfd, n_pfd, timeout) < 0) {
			if (errno == EINTR)
				continue;
			log_err("poll: %s", strerror(errno));
			break;
		}
		for (i = 0; i < d.net.n; i++) {
			int k;

			if (!(pfd[i].revents & POLLIN))
				continue;
			for (k = 0; k < 64; k++) {
				static uint8_t buf[IKED_MSG_MAX + 4];
				struct sockaddr_storage src, dst;
				ssize_t len;

				len = net_recv(&d.net.s[i], buf, sizeof(buf),
					       &src, &dst);
				if (len == -EAGAIN)
					break;
				if (len == -EPROTO) {
					d.st.rx++;
					d.st.drop[DROP_NOT_MARKED]++;
					continue;
				}
				if (len == -EMSGSIZE ||
				    len > (ssize_t)IKED_MSG_MAX) {
					d.st.rx++;
					d.st.drop[DROP_TOO_BIG]++;
					continue;
				}
				if (len < 0)
					break;
				ikev2_recv(&d, &d.net.s[i], buf, len, &src,
					   &dst);
			}
		}
		if (cfd >= 0 && (pfd[d.net.n + 1].revents & POLLIN))
			ctl_serve(&d, cfd);
		if (e_idx >= 0 && (pfd[e_idx].revents & POLLIN)) {
			struct kernel_event ev;

			while (d.kops->event_next(d.kctx, &ev) == 1)
				kevent_handle(&d, &ev);
		}
		if (pfd[d.net.n].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGUSR1) {
					ikev2_stats(&d);
					if (d.kops->dump)
						d.kops->dump(d.kctx);
					/* the dump is whole: tests wait */
					fprintf(d.report, "DUMP end\n");
					fflush(d.report);
					continue;
				}
				if (d.shutting_down)
					continue;
				log_info("signal %d: deleting every IKE SA, then exiting",
					 (int)si.ssi_signo);
				d.shutdown_deadline = iked_now_ms() +
						      IKED_SHUTDOWN_MS;
				ikev2_shutdown(&d);
			}
		}
	}
	ikev2_flush(&d);
	ikev2_stats(&d);
	fprintf(d.report, "EXIT\n");
	r = 0;
	close(sfd);
	if (cfd >= 0) {
		close(cfd);
		unlink(control);
	}
out_net:
	net_close(&d.net);
out_kernel:
	d.kops->fini(d.kctx);
out_conf:
	cookie_wipe(&d);
	conf_free(&d.conf);
	return r;
}
