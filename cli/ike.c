// SPDX-License-Identifier: GPL-2.0
/*
 * "ipsec show ike": vgate-iked's IKE SAs, through its control socket (a
 * UNIX stream socket only root, or the daemon's own uid, may use; see
 * ike-helper/ctl.h): one request line, answer lines ending in "OK" or
 * "ERROR <why>".  The daemon's lines are "KIND key=value ...":
 *
 *   IKE_SA peer= state= role= ispi= rspi= local= remote= proposal= nat= age=
 *   CHILD_SA peer= spi_in= spi_out= proposal= local_ts= remote_ts=
 *
 * Text: a table of IKE SAs, then one of CHILD SAs; JSON: {"ike_sas": [...],
 * "child_sas": [...]}, every value a string but age and the SPIs' numbers.
 * Nothing secret is ever in the daemon's answer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ike.h"
#include "parse.h"
#include "print.h"
#include "show.h"

/* The most a "show ike" answer may be (a line is ~300 bytes per SA). */
#define IKE_ANSWER_MAX (4 << 20)

const char *ike_control_path(void)
{
	const char *p = getenv("VGATE_IKED_CONTROL");

	return p && *p ? p : IKED_CONTROL_DEFAULT;
}

/* Send req, read the whole answer (NUL-terminated) into *out. */
static int ike_request(const char *req, char **out)
{
	const char *path = ike_control_path();
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		vg_err("IKE daemon control socket \"%s\": path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		r = -errno;
		vg_err("IKE daemon not reachable at %s: %s (is vgate-iked running with --control %s?)",
		       path, strerror(-r), path);
		if (fd >= 0)
			close(fd);
		return r;
	}
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		r = -errno;
		vg_err("IKE daemon at %s: cannot send: %s", path, strerror(-r));
		close(fd);
		return r;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb;

			if (cap >= IKE_ANSWER_MAX) {
				vg_err("IKE daemon at %s: answer longer than %d bytes",
				       path, IKE_ANSWER_MAX);
				r = -EMSGSIZE;
				goto fail;
			}
			cap = cap ? 2 * cap : 16384;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				vg_err("out of memory");
				r = -ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			vg_err("IKE daemon at %s: %s", path, strerror(-r));
			goto fail;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf = buf ? buf : malloc(1);
	if (!buf) {
		vg_err("out of memory");
		return -ENOMEM;
	}
	buf[len] = 0;
	*out = buf;
	return 0;
fail:
	close(fd);
	free(buf);
	return r;
}

/*
 * The value of key in a "KIND k=v k=v" line (copied to val), or NULL.  A
 * value runs to the next " word=" (selectors are "10.1.0.0/24, fd00::/64").
 */
static const char *field(const char *line, const char *key, char *val,
			 size_t vlen)
{
	size_t kl = strlen(key), n;
	const char *s = line, *v, *e;

	while ((s = strchr(s, ' '))) {
		s++;
		if (strncmp(s, key, kl) || s[kl] != '=')
			continue;
		v = s + kl + 1;
		for (e = v; (e = strchr(e, ' ')); e++)
			if (e[1] && e[1 + strspn(e + 1, "abcdefghijklmnopqrstuvwxyz_")] == '=' &&
			    strspn(e + 1, "abcdefghijklmnopqrstuvwxyz_"))
				break;
		n = e ? (size_t)(e - v) : strlen(v);
		if (n >= vlen)
			n = vlen - 1;
		memcpy(val, v, n);
		val[n] = 0;
		return val;
	}
	return NULL;
}

/* One field as a JSON string and a text cell; null ("-") when none. */
static void ike_str(struct pr *p, const char *line, const char *key)
{
	char v[1024];

	if (field(line, key, v, sizeof(v)) && strcmp(v, "-"))
		pr_str(p, PR_ANY, key, v);
	else
		pr_null(p, PR_ANY, key);
}

/* age: a number in JSON, "1h02m03s" in text. */
static void ike_age(struct pr *p, const char *line)
{
	unsigned long long a;
	char v[32];

	if (!field(line, "age", v, sizeof(v))) {
		pr_null(p, PR_ANY, "age");
		return;
	}
	a = strtoull(v, NULL, 10);
	pr_u64(p, PR_JSON, "age", a);
	if (a >= 3600)
		pr_strf(p, PR_TEXT, "age", "%lluh%02llum%02llus", a / 3600,
			a / 60 % 60, a % 60);
	else if (a >= 60)
		pr_strf(p, PR_TEXT, "age", "%llum%02llus", a / 60, a % 60);
	else
		pr_strf(p, PR_TEXT, "age", "%llus", a);
}

static int ike_print(const char *ans)
{
	static const struct pr_col ike_cols[] = {
		{ "PEER", "peer" }, { "STATE", "state" }, { "ROLE", "role" },
		{ "LOCAL", "local" }, { "REMOTE", "remote" }, { "NAT", "nat" },
		{ "AGE", "age" }, { "SPI-I", "ispi" }, { "SPI-R", "rspi" },
		{ "PROPOSAL", "proposal" }, { NULL, NULL }
	};
	static const struct pr_col child_cols[] = {
		{ "PEER", "peer" }, { "SPI-IN", "spi_in" },
		{ "SPI-OUT", "spi_out" }, { "PROPOSAL", "proposal" },
		{ "LOCAL-TS", "local_ts" }, { "REMOTE-TS", "remote_ts" },
		{ NULL, NULL }
	};
	static const char *const ike_keys[] = { "peer", "state", "role",
		"ispi", "rspi", "local", "remote", "nat", "proposal" };
	static const char *const child_keys[] = { "peer", "proposal",
		"local_ts", "remote_ts" };
	const char *kind[2] = { "IKE_SA ", "CHILD_SA " };
	struct pr p;
	int k, r = 0;

	pr_init(&p, show_json, true);
	pr_obj_open(&p, NULL);
	for (k = 0; k < 2 && !r; k++) {
		const char *line = ans;

		pr_text(&p, k ? "\nCHILD SAs\n" : "IKE SAs\n");
		pr_table(&p, PR_ROWS, k ? child_cols : ike_cols);
		pr_arr_open(&p, k ? "child_sas" : "ike_sas");
		for (; *line; line += strcspn(line, "\n") + !!line[strcspn(line, "\n")]) {
			char l[4096], v[32];
			size_t n = strcspn(line, "\n"), i;

			if (strncmp(line, kind[k], strlen(kind[k])) ||
			    n >= sizeof(l))
				continue;
			memcpy(l, line, n);
			l[n] = 0;
			pr_obj_open(&p, NULL);
			if (!k) {
				for (i = 0; i < 9; i++)
					ike_str(&p, l, ike_keys[i]);
				ike_age(&p, l);
			} else {
				for (i = 0; i < 4; i++)
					ike_str(&p, l, child_keys[i]);
				pr_strf(&p, PR_ANY, "spi_in", "0x%s",
					field(l, "spi_in", v, sizeof(v)) ? v : "0");
				pr_strf(&p, PR_ANY, "spi_out", "0x%s",
					field(l, "spi_out", v, sizeof(v)) ? v : "0");
			}
			pr_close(&p);
		}
		pr_close(&p);
		r = pr_table_end(&p, k ? "no CHILD SAs\n" : "no IKE SAs\n");
	}
	pr_close(&p);
	pr_end(&p);
	return r;
}

int ike_show(void)
{
	const char *last;
	char *ans = NULL;
	size_t n;
	int r;

	if (vg_dry_run) {
		printf("IKED %s: show ike\n", ike_control_path());
		return 0;
	}
	r = ike_request("show ike\n", &ans);
	if (r)
		return r;
	/* the last line says whether the answer is whole */
	n = strlen(ans);
	while (n && ans[n - 1] == '\n')
		ans[--n] = 0;
	last = strrchr(ans, '\n');
	last = last ? last + 1 : ans;
	if (strcmp(last, "OK")) {
		vg_err("IKE daemon at %s: %s", ike_control_path(),
		       !strncmp(last, "ERROR ", 6) ? last + 6 :
		       "answer cut short (no OK line)");
		free(ans);
		return -EPROTO;
	}
	r = ike_print(ans);
	free(ans);
	return r;
}
