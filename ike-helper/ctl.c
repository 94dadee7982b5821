// SPDX-License-Identifier: GPL-2.0
/* vgate-iked's control socket (ctl.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "iked.h"
#include "log.h"

int ctl_open(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, r;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "--control %s: path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	unlink(path);
	old = umask(077);	/* srw------- */
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r || chmod(path, 0600) || listen(fd, 8))
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "--control %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

void ctl_serve(struct iked *d, int lfd)
{
	struct timeval tv = { .tv_sec = 1 };
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	char line[256];
	size_t n = 0;
	FILE *f;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) ||
	    cred.uid != geteuid()) {
		log_info("control socket: client of uid %d refused",
			 cl == sizeof(cred) ? (int)cred.uid : -1);
		close(fd);
		return;
	}
	/* a root-only socket: a client that stalls costs a second at most */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (n < sizeof(line) - 1) {
		ssize_t r = read(fd, line + n, 1);

		if (r <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = 0;
	if (n && line[n - 1] == '\r')
		line[--n] = 0;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return;
	}
	if (!strcmp(line, "show ike")) {
		ikev2_show(d, f);
		fprintf(f, "OK\n");
	} else if (!strcmp(line, "show stats")) {
		FILE *save = d->report;

		d->report = f;
		ikev2_stats(d);
		d->report = save;
		fprintf(f, "OK\n");
	} else if (!strcmp(line, "help")) {
		fprintf(f, "show ike\nshow stats\nhelp\nOK\n");
	} else {
		fprintf(f, "ERROR unknown command '%.64s' (try: help)\n", line);
	}
	fclose(f);
}
