/* Sizes, line counts and the content hash behind UIDLs (doc/uidl.md). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "delmark.h"
#include "scan.h"
#include "util.h"

/* Header fields left out of the hash: the expire stamp (X-Expire-Timestamp),
 * the UIDL itself, and the status fields MUAs rewrite in place (mutt,
 * pine, Mailutils, Dovecot's mbox), so that none of them changes a UIDL. */
static const char *const unstable_fields[] = {
	"X-Expire-Timestamp", "X-UIDL", "Status", "X-Status", "X-Keywords",
	"X-UID", "X-IMAP", "X-IMAPbase", NULL,
};

bool
mu_uidl_valid(const char *s, size_t len)
{
	if (len == 0 || len > MU_UIDL_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

void
mu_scan_begin(struct mu_scan *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->at_line_start = true;
	sc->md5 = mu_md5_new();
}

void
mu_scan_salt(struct mu_scan *sc, const void *data, size_t len)
{
	mu_md5_update(sc->md5, data, len);
	mu_md5_update(sc->md5, "\n", 1);
}

static bool
field_is_unstable(const char *head, size_t len)
{
	for (const char *const *f = unstable_fields; *f; f++)
		if (mu_header_is(head, len, *f))
			return true;
	return false;
}

/* X-UIDL: value — kept when it is a valid UIDL (RFC 1939 section 7 rules:
 * 1 to 70 characters in 0x21..0x7E), so mail migrated from qpopper or
 * Mailutils keeps the UIDLs its clients already know. */
static void
note_x_uidl(struct mu_scan *sc, const char *line, size_t len)
{
	const char *v, *e;

	if (!mu_header_is(line, len, "X-UIDL") || sc->x_uidl[0] != '\0')
		return;
	v = line + strlen("X-UIDL:");
	e = line + len;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (mu_uidl_valid(v, (size_t)(e - v))) {
		memcpy(sc->x_uidl, v, (size_t)(e - v));
		sc->x_uidl[e - v] = '\0';
	}
}

bool
mu_expire_ts_parse(const char *line, size_t len, int64_t *ts_r)
{
	const char *p, *e = line + len;
	int64_t v = 0;
	int digits = 0;

	if (!mu_header_is(line, len, "X-Expire-Timestamp"))
		return false;
	p = line + strlen("X-Expire-Timestamp:");
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	/* 18 digits cannot overflow; no real time needs more */
	for (; p < e && *p >= '0' && *p <= '9' && digits < 18; p++, digits++)
		v = v * 10 + (*p - '0');
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (digits == 0 || p != e || v == 0)
		return false;
	*ts_r = v;
	return true;
}

/* Facts of complete header lines kept for later: the first valid expire
 * stamp (a message has one: mu_mailbox_add_header adds none to a message
 * that has one), deletion marks. */
static void
note_header_facts(struct mu_scan *sc, const char *line, size_t len)
{
	int64_t ts;

	if (sc->expire_ts == 0 && mu_expire_ts_parse(line, len, &ts))
		sc->expire_ts = ts;
	if (mu_delmark_in_line(line, len))
		sc->delete_mark = true;
}

/* The start of a header line is held back in sc->head until its field
 * name is known (a chunk may end inside the name), then hashed or not. */
static void
head_decide(struct mu_scan *sc, bool line_complete)
{
	bool continuation = sc->head_len > 0 &&
		(sc->head[0] == ' ' || sc->head[0] == '\t');

	if (!continuation)
		sc->skipping = field_is_unstable(sc->head, sc->head_len);
	if (line_complete) {
		note_x_uidl(sc, sc->head, sc->head_len);
		note_header_facts(sc, sc->head, sc->head_len);
	} else {
		/* a line longer than head: a deletion letter may come past
		 * it (undelete clears the whole line), mu_scan_chunk looks */
		size_t v;

		sc->mark_letter = mu_delmark_letter(sc->head, sc->head_len, &v);
		if (sc->mark_letter != 0 &&
		    memchr(sc->head + v, sc->mark_letter, sc->head_len - v))
			sc->delete_mark = true;
	}
	if (!sc->skipping)
		mu_md5_update(sc->md5, sc->head, sc->head_len);
	sc->line_is_header_start = false;
	sc->line_started_hash = true;
}

void
mu_scan_chunk(struct mu_scan *sc, const char *data, size_t len, bool eol)
{
	sc->size += len;
	if (eol) {
		sc->size += 2;
		sc->lines++;
	}

	if (sc->in_body) {
		mu_md5_update(sc->md5, data, len);
		if (eol)
			mu_md5_update(sc->md5, "\n", 1);
		return;
	}

	if (sc->at_line_start) {
		sc->at_line_start = false;
		if (eol && len == 0) {
			/* the blank line that ends the header */
			sc->in_body = true;
			sc->skipping = false;
			mu_md5_update(sc->md5, "\n", 1);
			sc->at_line_start = true;
			return;
		}
		sc->line_is_header_start = true;
		sc->line_started_hash = false;
		sc->head_len = 0;
	}

	if (sc->line_is_header_start) {
		size_t take = sizeof sc->head - sc->head_len;
		if (take > len)
			take = len;
		memcpy(sc->head + sc->head_len, data, take);
		sc->head_len += take;
		data += take;
		len -= take;
		if (eol && len == 0)
			head_decide(sc, true);
		else if (sc->head_len == sizeof sc->head ||
			 memchr(sc->head, ':', sc->head_len) != NULL)
			head_decide(sc, false);
	}
	if (!sc->line_is_header_start && !sc->skipping)
		mu_md5_update(sc->md5, data, len);
	if (sc->mark_letter != 0 && memchr(data, sc->mark_letter, len))
		sc->delete_mark = true;
	if (eol) {
		if (!sc->skipping)
			mu_md5_update(sc->md5, "\n", 1);
		sc->at_line_start = true;
		sc->mark_letter = 0;
	}
}

void
mu_scan_end(struct mu_scan *sc, struct mu_message_info *info)
{
	char hex[MU_MD5_HEX_LEN + 1];

	/* a header line cut off by the end of the message */
	if (sc->line_is_header_start)
		head_decide(sc, true);
	mu_md5_final_hex(sc->md5, hex);
	sc->md5 = NULL;
	info->size = sc->size;
	info->lines = sc->lines;
	info->expire_ts = sc->expire_ts;
	info->delete_mark = sc->delete_mark;
	info->uidl_from_header = sc->x_uidl[0] != '\0';
	if (info->uidl_from_header)
		snprintf(info->uidl, sizeof info->uidl, "%s", sc->x_uidl);
	else
		snprintf(info->uidl, sizeof info->uidl, "%s", hex);
}

/* ---- the tie-breaker (doc/uidl.md, "Unique in the mailbox") ----
 *
 * Each message comes with a candidate: its X-UIDL value, its Maildir name
 * or its content hash.  The rule, in three passes over the mailbox:
 *
 *  1. the first message (in mailbox order) with a candidate gets it;
 *  2. the n-th copy of a candidate gets "CANDIDATE-n" -- unless that name
 *     is some message's candidate (anywhere in the mailbox: an X-UIDL
 *     "abc-2" is that message's own UIDL, and a client may know it) or an
 *     earlier copy's "-n" (two 70-character candidates cut alike);
 *  3. such a copy gets "CANDIDATE~n" instead, or ~n+1, ~n+2 ..., the first
 *     name no message has, in mailbox order.
 *
 * Passes 1 and 2 are the rule UIDLs always had, so every UIDL given that
 * was unique stays; only copies that collided move.  They move to "~":
 * every name pass 2 makes ends in "-digits" and every name pass 3 makes in
 * "~digits", so no later copy's "-n" can ever claim a "~" name, and a
 * message delivered at the end of the mailbox changes no UIDL before it
 * unless its own candidate is one of the tie-broken names already given.
 * A name that would pass 70 characters keeps its suffix and loses the end
 * of the candidate. */

/* A set of UIDL strings, by open addressing; the strings belong to the
 * caller and stay put while the set lives. */
struct uidl_set {
	const char **slot;
	size_t mask;
};

static size_t
uidl_hash(const char *s)
{
	size_t h = 2166136261u;         /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void
uidl_set_init(struct uidl_set *set, size_t count)
{
	size_t cap = 16;

	/* one name per message goes in: the table stays at most half full.
	 * No overflow: count message infos of ~100 bytes each exist. */
	while (cap < 2 * count)
		cap *= 2;
	set->slot = mu_xcalloc(cap, sizeof *set->slot);
	set->mask = cap - 1;
}

/* Add s (the caller knows it is not there yet). */
static void
uidl_set_add(struct uidl_set *set, const char *s)
{
	size_t i = uidl_hash(s) & set->mask;

	while (set->slot[i] != NULL)
		i = (i + 1) & set->mask;
	set->slot[i] = s;
}

static bool
uidl_set_has(const struct uidl_set *set, const char *s)
{
	size_t i = uidl_hash(s) & set->mask;

	for (; set->slot[i] != NULL; i = (i + 1) & set->mask)
		if (strcmp(set->slot[i], s) == 0)
			return true;
	return false;
}

/* out = base + sep + n, the end of base cut so that it fits in
 * MU_UIDL_MAX.  out and base must not overlap. */
static void
uidl_with_suffix(char out[MU_UIDL_MAX + 1], const char *base, char sep,
		 size_t n)
{
	char suffix[24];
	size_t sl = (size_t)snprintf(suffix, sizeof suffix, "%c%zu", sep, n);
	size_t bl = strlen(base);

	if (bl + sl > MU_UIDL_MAX)
		bl = MU_UIDL_MAX - sl;
	memcpy(out, base, bl);
	memcpy(out + bl, suffix, sl + 1);
}

/* Copies are found through a sorted index: (candidate, position). */
struct uidl_ref {
	const char *uidl;
	size_t idx;
};

static int
uidl_ref_cmp(const void *a, const void *b)
{
	const struct uidl_ref *x = a, *y = b;
	int c = strcmp(x->uidl, y->uidl);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void
mu_uidl_make_unique(struct mu_message_info *msgs, size_t count)
{
	struct uidl_ref *refs;
	size_t *copy, *first, *next_tilde;
	struct uidl_set taken;

	if (count < 2)
		return;
	refs = mu_xreallocarray(NULL, count, sizeof *refs);
	copy = mu_xcalloc(count, sizeof *copy);       /* 1: the first */
	first = mu_xcalloc(count, sizeof *first);     /* its first holder */
	/* per first holder: the lowest ~n not yet known to be taken, so that
	 * many displaced copies of one candidate cost linear time */
	next_tilde = mu_xcalloc(count, sizeof *next_tilde);
	for (size_t i = 0; i < count; i++) {
		refs[i].uidl = msgs[i].uidl;
		refs[i].idx = i;
	}
	qsort(refs, count, sizeof *refs, uidl_ref_cmp);
	for (size_t i = 0; i < count; i++) {
		size_t at = refs[i].idx;

		if (i > 0 && strcmp(refs[i].uidl, refs[i - 1].uidl) == 0) {
			copy[at] = copy[refs[i - 1].idx] + 1;
			first[at] = first[refs[i - 1].idx];
		} else {
			copy[at] = 1;
			first[at] = at;
		}
	}
	free(refs);

	/* 1: every candidate is taken by its first holder, whose string
	 * never changes below */
	uidl_set_init(&taken, count);
	for (size_t i = 0; i < count; i++)
		if (copy[i] == 1)
			uidl_set_add(&taken, msgs[i].uidl);

	/* 2: "-n" where it is free (copy[i] then becomes 0: named) */
	for (size_t i = 0; i < count; i++) {
		char name[MU_UIDL_MAX + 1];

		if (copy[i] < 2)
			continue;
		uidl_with_suffix(name, msgs[first[i]].uidl, '-', copy[i]);
		if (uidl_set_has(&taken, name))
			continue;       /* 3 gives it a "~" name */
		memcpy(msgs[i].uidl, name, strlen(name) + 1);
		uidl_set_add(&taken, msgs[i].uidl);
		copy[i] = 0;
	}

	/* 3: "~n" and up for the copies whose "-n" was taken */
	for (size_t i = 0; i < count; i++) {
		char name[MU_UIDL_MAX + 1];
		size_t f = first[i], n;

		if (copy[i] < 2)
			continue;
		n = copy[i] > next_tilde[f] ? copy[i] : next_tilde[f];
		/* ends: the names for successive n all differ (the digits
		 * after the last '~'), and the set holds fewer than count */
		for (;; n++) {
			uidl_with_suffix(name, msgs[f].uidl, '~', n);
			if (!uidl_set_has(&taken, name))
				break;
		}
		next_tilde[f] = n + 1;
		memcpy(msgs[i].uidl, name, strlen(name) + 1);
		uidl_set_add(&taken, msgs[i].uidl);
	}

	free(taken.slot);
	free(next_tilde);
	free(first);
	free(copy);
}
