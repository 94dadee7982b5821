// SPDX-License-Identifier: GPL-2.0
/* vgate-iked's configuration file (conf.h; format in README.md). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "ikev2.h"
#include "policy.h"

#define DEFAULT_IKE "aes256gcm16-prfsha256-x25519-ecp256-modp2048, aes256-sha256-x25519-ecp256-modp2048"
#define DEFAULT_ESP "aes256gcm16, aes256-sha256"

static int addr_parse(const char *s, struct sockaddr_storage *ss,
		      uint16_t port)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return 0;
	}
	return -1;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* An address is an IP ID; "@x" or no '@' an FQDN; "u@x" user@FQDN. */
static int id_parse(const char *s, struct conf_id *id)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	unsigned int i;

	memset(id, 0, sizeof(*id));
	if (inet_pton(AF_INET, s, id->data) == 1) {
		id->type = IKEV2_ID_IPV4_ADDR;
		id->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, id->data) == 1) {
		id->type = IKEV2_ID_IPV6_ADDR;
		id->len = 16;
		return 0;
	}
	if (at == s) {
		s++;
		n--;
		at = NULL;
	}
	if (!n || n > CONF_ID_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if (!isgraph((unsigned char)s[i]))
			return -1;
	if (at && (at[1] == 0 || strchr(at + 1, '@')))
		return -1;
	id->type = at ? IKEV2_ID_RFC822_ADDR : IKEV2_ID_FQDN;
	id->len = n;
	memcpy(id->data, s, n);
	return 0;
}

void conf_id_str(uint8_t type, const uint8_t *data, size_t len, char *buf,
		 size_t buflen)
{
	char a[INET6_ADDRSTRLEN];
	size_t i, o;

	switch (type) {
	case IKEV2_ID_IPV4_ADDR:
	case IKEV2_ID_IPV6_ADDR:
		if ((type == IKEV2_ID_IPV4_ADDR && len == 4) ||
		    (type == IKEV2_ID_IPV6_ADDR && len == 16)) {
			inet_ntop(type == IKEV2_ID_IPV4_ADDR ? AF_INET :
				  AF_INET6, data, a, sizeof(a));
			snprintf(buf, buflen, "%s:%s", type ==
				 IKEV2_ID_IPV4_ADDR ? "ipv4" : "ipv6", a);
			return;
		}
		break;
	case IKEV2_ID_FQDN:
	case IKEV2_ID_RFC822_ADDR:
		o = snprintf(buf, buflen, "%s:", type == IKEV2_ID_FQDN ?
			     "fqdn" : "email");
		/* printable only: the peer chose these octets */
		for (i = 0; i < len && o + 5 < buflen; i++)
			o += snprintf(buf + o, buflen - o,
				      isgraph(data[i]) && data[i] != '\\' ?
				      "%c" : "\\x%02x", data[i]);
		return;
	}
	o = snprintf(buf, buflen, "type%u:", type);
	for (i = 0; i < len && o + 3 < buflen; i++)
		o += snprintf(buf + o, buflen - o, "%02x", data[i]);
}

static int psk_read(struct conf_peer *p, char *err, size_t errlen)
{
	uint8_t buf[1025];
	struct stat st;
	ssize_t n;
	int fd, r = -1;

	fd = open(p->psk_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "psk_file '%.200s': %s", p->psk_file,
			 strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "psk_file '%.200s': not a regular file",
			 p->psk_file);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "psk_file '%.200s' has mode %04o: group or others may read it; refused (chmod 600 it)",
			 p->psk_file, (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "psk_file '%.200s' belongs to uid %u, not to the daemon's uid %u; refused",
			 p->psk_file, (unsigned int)st.st_uid,
			 (unsigned int)geteuid());
		goto out;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0 || n == (ssize_t)sizeof(buf)) {
		snprintf(err, errlen, "psk_file '%.200s': %s", p->psk_file,
			 n < 0 ? strerror(errno) : "longer than 1024 octets");
		goto out;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n == 0) {
		snprintf(err, errlen, "psk_file '%.200s' is empty", p->psk_file);
		goto out;
	}
	if (ike_chunk_alloc(&p->psk, n)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memcpy(p->psk.p, buf, n);
	r = 0;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return r;
}

static void peer_free(struct conf_peer *p)
{
	ike_chunk_free(&p->psk);
	free(p);
}

void conf_free(struct conf *c)
{
	while (c->peers) {
		struct conf_peer *p = c->peers;

		c->peers = p->next;
		peer_free(p);
	}
}

/* What a peer must have, and its defaults; at its end (next peer, EOF). */
static int peer_finish(struct conf_peer *p, const char *name, unsigned int flags,
		       int seen_remote, int seen_psk, int seen_lts,
		       int seen_rts, char *err, size_t errlen)
{
	const char *miss = !seen_remote ? "remote" : !seen_psk ? "psk_file" :
			   !seen_lts ? "local_ts" : !seen_rts ? "remote_ts" :
			   NULL;
	char e[400];

	if (miss) {
		snprintf(err, errlen, "%s:%u: peer '%s' has no '%s'", name,
			 p->line, p->name, miss);
		return -1;
	}
	if (p->has_local && p->local.ss_family != p->remote.ss_family) {
		snprintf(err, errlen, "%s:%u: peer '%s': local and remote addresses of different families",
			 name, p->line, p->name);
		return -1;
	}
	if (!p->ike.n_props &&
	    pol_prop_parse(DEFAULT_IKE, IKEV2_PROTO_IKE, &p->ike, e, sizeof(e)))
		return -1;
	if (!p->esp.n_props &&
	    pol_prop_parse(DEFAULT_ESP, IKEV2_PROTO_ESP, &p->esp, e, sizeof(e)))
		return -1;
	if (!p->remote_id.type) {
		/* default: the remote address */
		const struct sockaddr_storage *ss = &p->remote;

		if (ss->ss_family == AF_INET) {
			p->remote_id.type = IKEV2_ID_IPV4_ADDR;
			p->remote_id.len = 4;
			memcpy(p->remote_id.data,
			       &((const struct sockaddr_in *)ss)->sin_addr, 4);
		} else {
			p->remote_id.type = IKEV2_ID_IPV6_ADDR;
			p->remote_id.len = 16;
			memcpy(p->remote_id.data,
			       &((const struct sockaddr_in6 *)ss)->sin6_addr,
			       16);
		}
	}
	if (!(flags & CONF_NO_PSK_FILES) && psk_read(p, e, sizeof(e))) {
		snprintf(err, errlen, "%s:%u: peer '%s': %.400s", name, p->line,
			 p->name, e);
		return -1;
	}
	return 0;
}

/* 0 (meaning zero) or a number lo..hi of unit; else 0 and e says so. */
static unsigned int zero_or(const char *val, long lo, long hi,
			    const char *zero, const char *unit, char *e,
			    size_t elen)
{
	char *ep;
	long v = strtol(val, &ep, 10);

	if (*ep || !isdigit((unsigned char)*val) || (v && (v < lo || v > hi))) {
		snprintf(e, elen, "not 0 (%s) or a number of %s %ld..%ld",
			 zero, unit, lo, hi);
		return 0;
	}
	return v;
}

/* A global setting: 1 if key is one (e[0] set when val is bad). */
static int global_key(struct conf *c, const char *key, const char *val,
		      char *e, size_t elen)
{
	if (!strcmp(key, "cookie_threshold")) {
		char *ep;
		long v = strtol(val, &ep, 10);

		if (!strcmp(val, "off")) {
			c->cookie_threshold = -1;
		} else if (*ep || !isdigit((unsigned char)*val) || v < 0 ||
			   v > CONF_COOKIE_MAX) {
			snprintf(e, elen, "not 'off' or a number of half-open IKE SAs 0..%d (0: always)",
				 CONF_COOKIE_MAX);
		} else {
			c->cookie_threshold = v;
		}
		return 1;
	}
	if (!strcmp(key, "fragment_size")) {
		c->fragment_size = zero_or(val, CONF_FRAG_MIN, CONF_FRAG_MAX,
					   "no IKE fragmentation",
					   "octets (an IP datagram)", e, elen);
		return 1;
	}
	if (!strcmp(key, "initial_contact")) {
		if (!strcmp(val, "gateway"))
			c->initial_contact = CONF_IC_GATEWAY;
		else if (!strcmp(val, "tunnel"))
			c->initial_contact = CONF_IC_TUNNEL;
		else
			snprintf(e, elen, "want 'gateway' or 'tunnel'");
		return 1;
	}
	return 0;
}

int conf_parse(struct conf *c, const char *text, size_t len, const char *name,
	       unsigned int flags, char *err, size_t errlen)
{
	struct conf_peer *p = NULL, **tail = &c->peers;
	int seen_remote = 0, seen_psk = 0, seen_lts = 0, seen_rts = 0;
	const char *s = text, *end = text + len;
	unsigned int line = 0, reqid = 0;
	int port = 500;
	char buf[1024];

	memset(c, 0, sizeof(*c));
	c->cookie_threshold = CONF_COOKIE_DEFAULT;
	c->initial_contact = CONF_IC_GATEWAY;
	c->fragment_size = CONF_FRAG_DEFAULT;
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char *key, *val, *hash, *v_end;
		char e[200];

		line++;
		if (n >= sizeof(buf)) {
			snprintf(err, errlen, "%s:%u: line longer than %zu characters",
				 name, line, sizeof(buf) - 1);
			goto fail;
		}
		memcpy(buf, s, n);
		buf[n] = 0;
		s += n + 1;
		if (memchr(buf, 0, n)) {
			snprintf(err, errlen, "%s:%u: NUL character", name,
				 line);
			goto fail;
		}
		hash = strchr(buf, '#');
		if (hash)
			*hash = 0;
		key = buf;
		while (isspace((unsigned char)*key))
			key++;
		if (!*key)
			continue;
		for (val = key; *val && !isspace((unsigned char)*val); val++)
			;
		if (*val)
			*val++ = 0;
		while (isspace((unsigned char)*val))
			val++;
		v_end = val + strlen(val);
		while (v_end > val && isspace((unsigned char)v_end[-1]))
			*--v_end = 0;

		if (!strcmp(key, "peer")) {
			struct conf_peer *q;
			size_t i;

			if (p && peer_finish(p, name, flags, seen_remote,
					     seen_psk, seen_lts, seen_rts,
					     err, errlen))
				goto fail;
			for (i = 0; val[i]; i++)
				if (!isalnum((unsigned char)val[i]) &&
				    !strchr("-_.", val[i]))
					break;
			if (!*val || val[i] || i >= CONF_NAME_MAX) {
				snprintf(err, errlen, "%s:%u: bad value '%.64s' for 'peer': a name of letters, digits, '-', '_', '.' (at most %d)",
					 name, line, val, CONF_NAME_MAX - 1);
				goto fail;
			}
			for (q = c->peers; q; q = q->next)
				if (!strcmp(q->name, val)) {
					snprintf(err, errlen, "%s:%u: peer '%s' defined twice (first on line %u)",
						 name, line, val, q->line);
					goto fail;
				}
			p = calloc(1, sizeof(*p));
			if (!p) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			*tail = p;
			tail = &p->next;
			strcpy(p->name, val);
			p->line = line;
			p->reqid = ++reqid;
			p->retry_s = 30;
			p->esp_life_s = CONF_ESP_LIFE_DEFAULT;
			p->ike_life_s = CONF_IKE_LIFE_DEFAULT;
			p->dpd_s = CONF_DPD_DEFAULT;
			port = 500;
			seen_remote = seen_psk = seen_lts = seen_rts = 0;
			continue;
		}
		if (!*val) {
			snprintf(err, errlen, "%s:%u: '%.64s' without a value",
				 name, line, key);
			goto fail;
		}
		e[0] = 0;
		if (global_key(c, key, val, e, sizeof(e))) {
			if (p && !e[0]) {
				snprintf(err, errlen, "%s:%u: '%.64s' is a global setting: put it before the first 'peer'",
					 name, line, key);
				goto fail;
			}
		} else if (!p) {
			snprintf(err, errlen, "%s:%u: '%.64s' outside a peer (start one with 'peer NAME')",
				 name, line, key);
			goto fail;
		} else if (!strcmp(key, "local")) {
			if (addr_parse(val, &p->local, 0))
				snprintf(e, sizeof(e), "not an IPv4 or IPv6 address");
			p->has_local = 1;
		} else if (!strcmp(key, "remote")) {
			if (addr_parse(val, &p->remote, port))
				snprintf(e, sizeof(e), "not an IPv4 or IPv6 address");
			seen_remote = 1;
		} else if (!strcmp(key, "remote_port")) {
			char *ep;
			long v = strtol(val, &ep, 10);

			if (*ep || v < 1 || v > 65535)
				snprintf(e, sizeof(e), "not a port 1..65535");
			port = v;
			set_port(&p->remote, port);
		} else if (!strcmp(key, "local_id")) {
			if (id_parse(val, &p->local_id))
				snprintf(e, sizeof(e), "not an address, FQDN or user@FQDN");
		} else if (!strcmp(key, "remote_id")) {
			if (id_parse(val, &p->remote_id))
				snprintf(e, sizeof(e), "not an address, FQDN or user@FQDN");
		} else if (!strcmp(key, "psk_file")) {
			if (strlen(val) >= sizeof(p->psk_file))
				snprintf(e, sizeof(e), "path too long");
			else
				strcpy(p->psk_file, val);
			seen_psk = 1;
		} else if (!strcmp(key, "ike")) {
			pol_prop_parse(val, IKEV2_PROTO_IKE, &p->ike, e,
				       sizeof(e));
		} else if (!strcmp(key, "esp")) {
			pol_prop_parse(val, IKEV2_PROTO_ESP, &p->esp, e,
				       sizeof(e));
		} else if (!strcmp(key, "local_ts")) {
			pol_ts_parse(val, &p->local_ts, e, sizeof(e));
			seen_lts = 1;
		} else if (!strcmp(key, "remote_ts")) {
			pol_ts_parse(val, &p->remote_ts, e, sizeof(e));
			seen_rts = 1;
		} else if (!strcmp(key, "retry")) {
			char *ep;
			long v = strtol(val, &ep, 10);

			if (*ep || v < 0 || v > 86400)
				snprintf(e, sizeof(e), "not a number of seconds 0..86400");
			p->retry_s = v;
		} else if (!strcmp(key, "dpd_delay")) {
			p->dpd_s = zero_or(val, 1, CONF_DPD_MAX,
					   "no liveness checks", "seconds", e,
					   sizeof(e));
		} else if (!strcmp(key, "ike_lifetime")) {
			p->ike_life_s = zero_or(val, CONF_ESP_LIFE_MIN,
						CONF_ESP_LIFE_MAX,
						"never rekeyed", "seconds", e,
						sizeof(e));
		} else if (!strcmp(key, "esp_lifetime")) {
			p->esp_life_s = zero_or(val, CONF_ESP_LIFE_MIN,
						CONF_ESP_LIFE_MAX,
						"never rekeyed", "seconds", e,
						sizeof(e));
		} else if (!strcmp(key, "esp_lifetime_kb")) {
			char *ep;
			unsigned long long v;

			errno = 0;
			v = strtoull(val, &ep, 10);
			if (errno || *ep || !isdigit((unsigned char)*val) ||
			    v > CONF_ESP_KB_MAX)
				snprintf(e, sizeof(e), "not 0 (no volume limit) or a number of KiB 1..%lu",
					 CONF_ESP_KB_MAX);
			else
				p->esp_life_kb = v;
		} else if (!strcmp(key, "protect")) {
			struct conf_peer *q;
			char *ep;
			unsigned long long v;

			errno = 0;
			v = strtoull(val, &ep, 10);
			if (errno || *ep || !isdigit((unsigned char)*val) ||
			    v < 1 || v > UINT32_MAX) {
				snprintf(e, sizeof(e), "not a vgate rule ID 1..4294967295");
			} else {
				for (q = c->peers; q != p; q = q->next)
					if (q->has_protect && q->reqid == v)
						break;
				if (q != p)
					snprintf(e, sizeof(e), "peer '%.64s' (line %u) serves that PROTECT entry already",
						 q->name, q->line);
				p->reqid = v;
				p->has_protect = 1;
			}
		} else if (!strcmp(key, "role")) {
			p->initiate = !strcmp(val, "initiate");
			p->dialup = !strcmp(val, "dialup");
			if (!p->initiate && !p->dialup && strcmp(val, "respond"))
				snprintf(e, sizeof(e), "want 'initiate', 'dialup' or 'respond'");
		} else {
			snprintf(err, errlen, "%s:%u: unknown keyword '%.64s'",
				 name, line, key);
			goto fail;
		}
		if (e[0]) {
			snprintf(err, errlen, "%s:%u: bad value '%.80s' for '%s': %s",
				 name, line, val, key, e);
			goto fail;
		}
	}
	if (p && peer_finish(p, name, flags, seen_remote, seen_psk, seen_lts,
			     seen_rts, err, errlen))
		goto fail;
	if (!c->peers) {
		snprintf(err, errlen, "%s: no peer", name);
		goto fail;
	}
	return 0;
fail:
	conf_free(c);
	return -1;
}

int conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			char *t = cap > (1u << 20) ? NULL :
				  realloc(text, cap = cap ? 2 * cap : 4096);

			if (!t) {
				snprintf(err, errlen, "%s: too large", path);
				free(text);
				fclose(f);
				return -1;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	r = conf_parse(c, text ? text : "", len, path, 0, err, errlen);
	free(text);
	return r;
}
