/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L

#include "ingest/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf/proto.h"
#include "util/json.h"

/* Longest journal line replay accepts: a record entry is at most
 * PF_PROTO_MAX_LINE plus a small prefix; notes are the runner's own. */
#define REPLAY_MAX_LINE (1u << 20)
#define REC_PREFIX_MAX 128

struct pf_journal {
	int fd;	 /* journal.jsonl */
	int cfd; /* console.log */
	unsigned long errors;
	/* Caps (0: none) and what was written and refused under them. */
	uint64_t console_cap, journal_cap;
	uint64_t console_bytes, console_dropped;
	uint64_t journal_bytes, records_dropped;
};

/* One entry, one write(2): with O_APPEND the entry lands whole unless the
 * disk is full or a signal cuts it short, and then replay skips it. */
static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int put(struct pf_journal *j, int fd, const void *buf, size_t len)
{
	if (write_all(fd, buf, len) == 0) {
		if (fd == j->fd)
			j->journal_bytes += len;
		return 0;
	}
	j->errors++;
	return -1;
}

/* May an entry of len bytes go into journal.jsonl? Records stop at the cap;
 * diagnostics and notes (bounded in number by the stream and the runner)
 * get PF_JOURNAL_RESERVE more so that the run's last word still lands. */
static bool journal_room(const struct pf_journal *j, size_t len, bool record)
{
	uint64_t cap = j->journal_cap;

	if (!cap)
		return true;
	if (!record)
		cap += PF_JOURNAL_RESERVE;
	return j->journal_bytes + len <= cap;
}

static int open_in(int dfd, const char *name, unsigned flags)
{
	int of = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;

	if (!(flags & PF_JOURNAL_APPEND))
		of |= O_TRUNC;
	return openat(dfd, name, of, 0644);
}

struct pf_journal *pf_journal_open(const char *dir, unsigned flags)
{
	return pf_journal_open_run(dir, flags, NULL);
}

struct pf_journal *pf_journal_open_run(const char *dir, unsigned flags, const char *nonce)
{
	char hdr[160];
	size_t nlen = nonce ? strlen(nonce) : 0;
	struct pf_journal *j;
	int dfd, err;

	if (nonce && !pf_proto_nonce_ok(nonce, nlen)) {
		errno = EINVAL;
		return NULL;
	}
	if (nonce)
		snprintf(hdr, sizeof(hdr), "{\"journal\":\"%s\",\"proto\":%d,\"nonce\":\"%s\"}\n",
			 PF_JOURNAL_FORMAT, PF_PROTO_VERSION, nonce);
	else
		snprintf(hdr, sizeof(hdr), "{\"journal\":\"%s\",\"proto\":%d}\n", PF_JOURNAL_FORMAT,
			 PF_PROTO_VERSION);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return NULL;
	j = calloc(1, sizeof(*j));
	if (!j) {
		close(dfd);
		errno = ENOMEM;
		return NULL;
	}
	j->fd = open_in(dfd, PF_JOURNAL_FILE, flags);
	j->cfd = j->fd < 0 ? -1 : open_in(dfd, PF_JOURNAL_CONSOLE, flags);
	if (j->fd < 0 || j->cfd < 0 || put(j, j->fd, hdr, strlen(hdr))) {
		err = errno;
		close(dfd);
		pf_journal_close(j);
		errno = err;
		return NULL;
	}
	close(dfd);
	return j;
}

/*
 * Split a raw record line "@@PF1 <seq> <json> *<crc>" into its JSON and
 * checksum. The stream only hands over validated lines; this re-checks the
 * shape so a wrong argument cannot break the journal's one-line-per-entry
 * rule. Returns 0 and sets *json, *jlen and *crc, or -1.
 */
static int split_raw(const char *raw, size_t len, uint32_t seq, const char **json, size_t *jlen,
		     const char **crc)
{
	char want[16];
	int n = snprintf(want, sizeof(want), "%u ", seq);
	size_t pre = PF_PROTO_MARKER_LEN + (size_t)n;

	if (!raw || len < pre + 2 + 10 || len > PF_PROTO_MAX_LINE)
		return -1;
	if (memcmp(raw, PF_PROTO_MARKER, PF_PROTO_MARKER_LEN) ||
	    memcmp(raw + PF_PROTO_MARKER_LEN, want, (size_t)n))
		return -1;
	if (raw[len - 10] != ' ' || raw[len - 9] != '*')
		return -1;
	for (size_t i = len - 8; i < len; i++)
		if (!((raw[i] >= '0' && raw[i] <= '9') || (raw[i] >= 'a' && raw[i] <= 'f')))
			return -1;
	/* Tab is JSON whitespace; any other control byte would break the
	 * one-line rule (and the stream never passes one). */
	for (size_t i = pre; i < len - 10; i++)
		if (((unsigned char)raw[i] < 0x20 && raw[i] != '\t') || raw[i] == 0x7f)
			return -1;
	if (raw[pre] != '{' || raw[len - 11] != '}')
		return -1;
	*json = raw + pre;
	*jlen = len - 10 - pre;
	*crc = raw + len - 8;
	return 0;
}

int pf_journal_record(struct pf_journal *j, uint32_t seq, const char *raw_line, size_t len,
		      uint64_t line, uint64_t offset)
{
	const char *json, *crc;
	size_t jlen, n;
	char *buf;
	int rc;

	if (!j || split_raw(raw_line, len, seq, &json, &jlen, &crc)) {
		errno = EINVAL;
		return -1;
	}
	buf = malloc(REC_PREFIX_MAX + jlen + 3);
	if (!buf) {
		j->errors++;
		return -1;
	}
	n = (size_t)snprintf(buf, REC_PREFIX_MAX,
			     "{\"seq\":%u,\"line\":%llu,\"offset\":%llu,\"crc\":\"%.8s\",\"rec\":",
			     seq, (unsigned long long)line, (unsigned long long)offset, crc);
	memcpy(buf + n, json, jlen);
	n += jlen;
	buf[n++] = '}';
	buf[n++] = '\n';
	if (!journal_room(j, n, true)) {
		free(buf);
		j->records_dropped++;
		errno = ENOSPC;
		return -1;
	}
	rc = put(j, j->fd, buf, n);
	free(buf);
	return rc;
}

/* Write {"<key>":value}\n as one entry. Compact dumps escape control
 * characters, so the entry is one line. */
static int put_wrapped(struct pf_journal *j, const char *key, const json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t klen = strlen(key), tlen, n = 0;
	char *buf;
	int rc;

	if (!text) {
		j->errors++;
		errno = ENOMEM;
		return -1;
	}
	tlen = strlen(text);
	buf = malloc(klen + tlen + 8);
	if (!buf) {
		free(text);
		j->errors++;
		errno = ENOMEM;
		return -1;
	}
	buf[n++] = '{';
	buf[n++] = '"';
	memcpy(buf + n, key, klen);
	n += klen;
	buf[n++] = '"';
	buf[n++] = ':';
	memcpy(buf + n, text, tlen);
	n += tlen;
	buf[n++] = '}';
	buf[n++] = '\n';
	if (journal_room(j, n, false)) {
		rc = put(j, j->fd, buf, n);
	} else {
		errno = ENOSPC;
		rc = -1;
	}
	free(buf);
	free(text);
	return rc;
}

int pf_journal_diag(struct pf_journal *j, const struct pf_diag *d)
{
	json_t *dj;
	int rc;

	if (!j || !d) {
		errno = EINVAL;
		return -1;
	}
	dj = pf_diag_to_json(d);
	if (!dj) {
		j->errors++;
		errno = EINVAL;
		return -1;
	}
	rc = put_wrapped(j, "diag", dj);
	json_decref(dj);
	return rc;
}

int pf_journal_note(struct pf_journal *j, const json_t *note)
{
	if (!j || !json_is_object(note)) {
		errno = EINVAL;
		return -1;
	}
	return put_wrapped(j, "note", note);
}

int pf_journal_console(struct pf_journal *j, const void *buf, size_t len)
{
	if (!j || (!buf && len)) {
		errno = EINVAL;
		return -1;
	}
	if (j->console_cap) {
		uint64_t room =
			j->console_bytes < j->console_cap ? j->console_cap - j->console_bytes : 0;
		size_t n = len < room ? len : (size_t)room;
		int rc = 0;

		if (n && put(j, j->cfd, buf, n))
			rc = -1;
		j->console_bytes += n;
		if (n < len) {
			static const char cut[] =
				"\n[plugfest: console.log reached its size cap here; the "
				"rest of the stream was parsed but not written]\n";

			if (!j->console_dropped && put(j, j->cfd, cut, sizeof(cut) - 1))
				rc = -1;
			j->console_dropped += len - n;
		}
		return rc;
	}
	j->console_bytes += len;
	return len ? put(j, j->cfd, buf, len) : 0;
}

void pf_journal_set_caps(struct pf_journal *j, uint64_t console_cap, uint64_t journal_cap)
{
	if (!j)
		return;
	j->console_cap = console_cap;
	j->journal_cap = journal_cap;
}

uint64_t pf_journal_console_dropped(const struct pf_journal *j)
{
	return j ? j->console_dropped : 0;
}

uint64_t pf_journal_records_dropped(const struct pf_journal *j)
{
	return j ? j->records_dropped : 0;
}

int pf_journal_sync(struct pf_journal *j)
{
	int rc = 0;

	if (!j) {
		errno = EINVAL;
		return -1;
	}
	if (fsync(j->fd))
		rc = -1;
	if (fsync(j->cfd))
		rc = -1;
	return rc;
}

unsigned long pf_journal_errors(const struct pf_journal *j)
{
	return j ? j->errors : 0;
}

void pf_journal_close(struct pf_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	if (j->cfd >= 0)
		close(j->cfd);
	free(j);
}

/* ---- replay --------------------------------------------------------- */

struct replay {
	const struct pf_stream_callbacks *cb;
	void (*on_note)(void *ctx, json_t *note);
	void *ctx;
	struct pf_replay_stats st;
	const char *expect; /* nonce every record must verify under, or NULL */
	uint32_t seed;	    /* checksum start of the records that follow */
};

static const char rec_key[] = ",\"rec\":";

/* First occurrence of key (klen bytes) in p[0..n), or NULL. */
static const char *find_bytes(const char *p, size_t n, const char *key, size_t klen)
{
	for (size_t i = 0; i + klen <= n; i++)
		if (p[i] == key[0] && memcmp(p + i, key, klen) == 0)
			return p + i;
	return NULL;
}

/*
 * A record entry: rebuild the raw line from the entry's own bytes (the
 * "rec" text is verbatim and last) and check the CRC again, so a damaged
 * journal cannot inject a record that never passed the stream.
 */
static int replay_record(struct replay *r, const char *line, size_t n, json_t *e)
{
	const json_t *jseq = json_object_get(e, "seq");
	const char *crc = pf_json_string_get(e, "crc", NULL);
	json_t *rec = json_object_get(e, "rec");
	const char *k, *rtext;
	char head[32], *raw;
	size_t rlen, hlen, rawlen;
	uint32_t want = 0, got;
	int hn;

	if (!json_is_integer(jseq) || json_integer_value(jseq) < 0 ||
	    json_integer_value(jseq) > (json_int_t)UINT32_MAX || !json_is_object(rec) || !crc ||
	    strlen(crc) != 8)
		return -1;
	for (int i = 0; i < 8; i++) {
		char c = crc[i];
		int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (h < 0)
			return -1;
		want = want << 4 | (uint32_t)h;
	}
	k = find_bytes(line, n, rec_key, sizeof(rec_key) - 1);
	if (!k || line[n - 1] != '}')
		return -1;
	rtext = k + sizeof(rec_key) - 1;
	rlen = (size_t)(line + n - 1 - rtext);
	hn = snprintf(head, sizeof(head), "%u ", (uint32_t)json_integer_value(jseq));
	hlen = (size_t)hn;
	got = pf_crc32_update(pf_crc32_update(r->seed, head, hlen), rtext, rlen);
	if (got != want)
		return -1;
	rawlen = PF_PROTO_MARKER_LEN + hlen + rlen + 10;
	raw = malloc(rawlen + 1);
	if (!raw)
		return -1;
	memcpy(raw, PF_PROTO_MARKER, PF_PROTO_MARKER_LEN);
	memcpy(raw + PF_PROTO_MARKER_LEN, head, hlen);
	memcpy(raw + PF_PROTO_MARKER_LEN + hlen, rtext, rlen);
	snprintf(raw + rawlen - 10, 11, " *%.8s", crc);
	r->st.records++;
	if (r->cb && r->cb->on_record)
		r->cb->on_record(r->ctx, (uint32_t)json_integer_value(jseq), rec, raw, rawlen);
	free(raw);
	return 0;
}

static void replay_line(struct replay *r, const char *line, size_t n, bool last_unterminated)
{
	json_error_t err;
	struct pf_diag d;
	json_t *e, *v;

	r->st.lines++;
	e = json_loadb(line, n, 0, &err);
	if (!json_is_object(e)) {
		if (last_unterminated)
			r->st.truncated_tail = true;
		else
			r->st.bad_lines++;
		json_decref(e);
		return;
	}
	if (json_object_get(e, "rec")) {
		if (replay_record(r, line, n, e))
			r->st.bad_lines++;
	} else if ((v = json_object_get(e, "diag"))) {
		if (pf_diag_from_json(v, &d) == 0) {
			r->st.diags++;
			if (r->cb && r->cb->on_diag)
				r->cb->on_diag(r->ctx, &d);
		} else {
			r->st.bad_lines++;
		}
	} else if (json_is_object(v = json_object_get(e, "note"))) {
		r->st.notes++;
		if (r->on_note)
			r->on_note(r->ctx, v);
	} else if (json_object_get(e, "journal")) {
		const char *hn = pf_json_string_get(e, "nonce", NULL);
		size_t nl = hn ? strlen(hn) : 0;

		r->st.headers++;
		if (hn && !pf_proto_nonce_ok(hn, nl))
			hn = NULL, nl = 0;
		/* The records after a header are checksummed with its nonce;
		 * a caller that knows the run's nonce imposes it instead. */
		if (r->expect) {
			if (!hn || strcmp(hn, r->expect))
				r->st.foreign_headers++;
		} else {
			r->seed = pf_proto_crc_seed(hn, nl);
		}
		if (hn)
			memcpy(r->st.nonce, hn, nl + 1);
	} else {
		r->st.unknown++;
	}
	json_decref(e);
}

static int replay_file(FILE *f, struct replay *rp)
{
	struct replay r = *rp;
	char chunk[65536];
	char *line = NULL;
	size_t len = 0, cap = 0;
	bool skipping = false; /* inside a line longer than REPLAY_MAX_LINE */
	size_t got;
	int rc = 0;

	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		for (size_t i = 0; i < got; i++) {
			char c = chunk[i];

			if (c == '\n') {
				if (skipping) {
					r.st.lines++;
					r.st.bad_lines++;
				} else if (len) {
					replay_line(&r, line, len, false);
				}
				len = 0;
				skipping = false;
				continue;
			}
			if (skipping)
				continue;
			if (len == REPLAY_MAX_LINE) {
				skipping = true;
				continue;
			}
			if (len == cap) {
				size_t ncap = cap ? cap * 2 : 4096;
				char *nl = realloc(line, ncap);

				if (!nl) {
					rc = -1;
					goto out;
				}
				line = nl;
				cap = ncap;
			}
			line[len++] = c;
		}
	}
	if (ferror(f)) {
		rc = -1;
		goto out;
	}
	if (skipping) {
		r.st.lines++;
		r.st.truncated_tail = true;
	} else if (len) {
		replay_line(&r, line, len, true);
	}
out : {
	int err = errno;

	free(line);
	if (rc)
		errno = err ? err : EIO;
}
	*rp = r;
	return rc;
}

/* Replays F, closes it, and hands back the counts; errno is replay's. */
static int replay_and_close(FILE *f, struct replay *r, struct pf_replay_stats *st)
{
	int rc = replay_file(f, r), err = errno;

	fclose(f);
	if (st)
		*st = r->st;
	errno = err;
	return rc;
}

int pf_journal_replay(const char *path, const struct pf_stream_callbacks *cb,
		      void (*on_note)(void *ctx, json_t *note), void *ctx,
		      struct pf_replay_stats *st)
{
	struct replay r = { .cb = cb, .on_note = on_note, .ctx = ctx };
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	return replay_and_close(f, &r, st);
}

int pf_journal_replay_mem(const void *data, size_t len, const char *expect_nonce,
			  const struct pf_stream_callbacks *cb,
			  void (*on_note)(void *ctx, json_t *note), void *ctx,
			  struct pf_replay_stats *st)
{
	struct replay r = { .cb = cb, .on_note = on_note, .ctx = ctx, .expect = expect_nonce };
	FILE *f;

	if (expect_nonce) {
		size_t nl = strlen(expect_nonce);

		if (!pf_proto_nonce_ok(expect_nonce, nl)) {
			errno = EINVAL;
			return -1;
		}
		r.seed = pf_proto_crc_seed(expect_nonce, nl);
	}
	if (!len) {
		if (st)
			*st = r.st;
		return 0;
	}
	f = fmemopen((void *)(uintptr_t)data, len, "rb");
	if (!f)
		return -1;
	return replay_and_close(f, &r, st);
}
