/* The response texts and pop3_code.txt (texts.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "libmu/util.h"
#include "pop3d/common/limits.h"
#include "pop3d/common/texts.h"

struct text_entry {
	const char *code;
	/* the response codes the text may follow: none when the first is
	 * "", either when there is a second */
	const char *rcode, *rcode2;
	bool host;                      /* host_id comes before the text */
	/* what pop3d may put after the text: the APOP timestamp, the count
	 * of messages left; NULL: nothing */
	const char *suffix;
	const char *text;
	/* the {names} the text may hold, in the order text_expand takes
	 * their values */
	const char *const *placeholders;
};

static const char *const login_delay_names[] = { "interval", "wait", NULL };

/* The codes are an interface: administrators' files name them.  Add new
 * ones; never rename or reuse one. */
static const struct text_entry entries[TEXT_COUNT] = {
	[TEXT_GREETING] = { "greeting", "", NULL, true, " <",
			    "POP3 server ready", NULL },
	[TEXT_SIGNING_OFF] = { "signing-off", "", NULL, true, " (",
			       "POP3 server signing off", NULL },
	[TEXT_SEND_PASS] = { "send-pass", "", NULL, false, NULL,
			     "send PASS", NULL },
	[TEXT_CAPA] = { "capa", "", NULL, false, NULL,
			"Capability list follows", NULL },
	[TEXT_STLS] = { "stls", "", NULL, false, NULL,
			"Begin TLS negotiation", NULL },
	[TEXT_UNKNOWN_COMMAND] = { "unknown-command", "", NULL, false, NULL,
				   "unknown command", NULL },
	[TEXT_WRONG_STATE] = { "wrong-state", "", NULL, false, NULL,
			       "command not valid in this state", NULL },
	[TEXT_SYNTAX] = { "syntax", "", NULL, false, NULL,
			  "wrong number of arguments", NULL },
	[TEXT_LINE_TOO_LONG] = { "line-too-long", "", NULL, false, NULL,
				 "line too long", NULL },
	[TEXT_NUL_BYTE] = { "nul-byte", "", NULL, false, NULL,
			    "NUL byte in command line", NULL },
	[TEXT_TOO_MANY_ERRORS] = { "too-many-errors", "", NULL, false, NULL,
				   "too many errors", NULL },
	[TEXT_BAD_MSGNO] = { "bad-msgno", "", NULL, false, NULL,
			     "invalid message number", NULL },
	[TEXT_NO_SUCH_MESSAGE] = { "no-such-message", "", NULL, false, NULL,
				   "no such message", NULL },
	[TEXT_USER_FIRST] = { "user-first", "", NULL, false, NULL,
			      "USER first", NULL },
	[TEXT_IDLE_TIMEOUT] = { "idle-timeout", "", NULL, false, NULL,
				"disconnected for inactivity", NULL },
	/* RFC 3206 section 4: the same text for an unknown user and a wrong
	 * password, so one code for both */
	[TEXT_AUTH_FAILED] = { "auth-failed", "[AUTH]", NULL, false, NULL,
			       "invalid user name or password", NULL },
	[TEXT_AUTH_TEMPFAIL] = { "auth-tempfail", "[SYS/TEMP]", NULL, false,
				 NULL, "authentication temporarily unavailable",
				 NULL },
	[TEXT_BLOCKED] = { "blocked", "[AUTH]", NULL, false, NULL,
			   "too many failed logins; try again later", NULL },
	[TEXT_TOO_MANY_ATTEMPTS] = { "too-many-attempts", "[AUTH]", NULL, false,
				     NULL, "too many login attempts", NULL },
	[TEXT_TLS_REQUIRED] = { "tls-required", "[AUTH]", NULL, false, NULL,
				"TLS is required first: use STLS", NULL },
	/* RFC 2449 section 8.1.2: the client learns the interval, not only
	 * what is left of it */
	[TEXT_LOGIN_DELAY] = { "login-delay", "[LOGIN-DELAY]", NULL, false,
			       NULL, "logins are allowed every {interval} "
			       "seconds; try again in {wait} seconds",
			       login_delay_names },
	[TEXT_IN_USE] = { "in-use", "[IN-USE]", NULL, false, NULL,
			  "mailbox in use by another session", NULL },
	[TEXT_MAILBOX_LOCKED] = { "mailbox-locked", "[SYS/TEMP]", NULL, false,
				  NULL, "mailbox locked, try again later", NULL },
	[TEXT_CANNOT_OPEN_MAILBOX] = { "cannot-open-mailbox", "[SYS/TEMP]",
				       "[SYS/PERM]", false, NULL,
				       "cannot open mailbox", NULL },
	[TEXT_LOGIN_TIMEOUT] = { "login-timeout", "[SYS/TEMP]", NULL, true,
				 NULL, "login time out", NULL },
	[TEXT_TOO_MANY_CONNECTIONS] = { "too-many-connections", "[SYS/TEMP]",
					NULL, true, NULL,
					"too many connections", NULL },
	[TEXT_TOO_MANY_FROM_ADDRESS] = { "too-many-from-address", "[SYS/TEMP]",
					 NULL, true, NULL, "too many connections "
					 "from your address", NULL },
	[TEXT_ACCESS_DENIED] = { "access-denied", "[SYS/PERM]", NULL, true,
				 NULL, "access denied", NULL },
	[TEXT_SERVICE_UNAVAILABLE] = { "service-unavailable", "[SYS/TEMP]",
				       NULL, true, NULL,
				       "POP3 service not available", NULL },
};

/* What a configuration keeps in cfg->extra: the texts pop3_code.txt
 * gave (NULL where it gave none). */
struct text_table {
	char *text[TEXT_COUNT];
};

static void
table_free(void *extra)
{
	struct text_table *t = extra;

	for (size_t i = 0; i < TEXT_COUNT; i++)
		free(t->text[i]);
	free(t);
}

const char *
text_code(enum text_id id)
{
	return entries[id].code;
}

const char *
text_default(enum text_id id)
{
	return entries[id].text;
}

const char *
text_response_code(enum text_id id)
{
	return entries[id].rcode2 != NULL ? "[SYS/TEMP] or [SYS/PERM]" :
		entries[id].rcode;
}

static const struct text_table *
table_of(const struct mu_config *cfg)
{
	/* cfg->extra is ours: pop3d keeps nothing else there */
	return cfg != NULL && cfg->extra_free == table_free ? cfg->extra : NULL;
}

const char *
text_get(const struct mu_config *cfg, enum text_id id)
{
	const struct text_table *t = table_of(cfg);

	return t != NULL && t->text[id] != NULL ? t->text[id] : entries[id].text;
}

/* The placeholder named by the name at p (after its '{'), as an index
 * of names, and its length with the braces; -1 when p holds none. */
static int
placeholder_at(const char *p, const char *const *names, size_t *len_r)
{
	const char *close = strchr(p, '}');

	if (names == NULL || close == NULL)
		return -1;
	for (int i = 0; names[i] != NULL; i++) {
		size_t n = strlen(names[i]);

		if ((size_t)(close - p) == n && strncmp(p, names[i], n) == 0) {
			*len_r = n + 2;
			return i;
		}
	}
	return -1;
}

const char *
text_expand(const struct mu_config *cfg, enum text_id id, char *buf,
	    size_t size, const char *const *values)
{
	const char *p = text_get(cfg, id);
	size_t o = 0;

	if (size == 0)
		return buf;
	while (*p != '\0' && o + 1 < size) {
		size_t len;
		int i = *p == '{' ? placeholder_at(p + 1,
						   entries[id].placeholders,
						   &len) : -1;

		if (i < 0) {
			buf[o++] = *p++;
			continue;
		}
		for (const char *v = values[i]; *v != '\0' && o + 1 < size; v++)
			buf[o++] = *v;
		p += len;
	}
	buf[o] = '\0';
	return buf;
}

const char *
text_for(const struct mu_config *cfg, const char *default_text)
{
	if (table_of(cfg) == NULL)
		return default_text;
	for (size_t i = 0; i < TEXT_COUNT; i++)
		if (strcmp(entries[i].text, default_text) == 0)
			return text_get(cfg, (enum text_id)i);
	return default_text;
}

static bool
rcode_is(const char *rcode, const char *p, size_t len)
{
	return rcode != NULL && strlen(rcode) == len && strncmp(rcode, p, len) == 0;
}

size_t
text_translate(const struct mu_config *cfg, const char *host_id, char *buf,
	       size_t size)
{
	const struct text_table *t = table_of(cfg);
	size_t rc_len = 0, host_len = strlen(host_id);
	const char *p = buf;

	if (t == NULL)
		return strlen(buf);
	if (*p == '[') {
		const char *close = strstr(p, "] ");

		if (close == NULL)
			return strlen(buf);
		rc_len = (size_t)(close + 1 - p);
		p = close + 2;
	}
	for (size_t i = 0; i < TEXT_COUNT; i++) {
		const struct text_entry *e = &entries[i];
		const char *q = p, *rest;
		char out[2 * POP3_REPLY_MAX];
		size_t n;

		if (t->text[i] == NULL)
			continue;
		if (e->rcode[0] == '\0' ? rc_len != 0 :
		    !rcode_is(e->rcode, buf, rc_len) &&
		    !rcode_is(e->rcode2, buf, rc_len))
			continue;
		if (e->host) {
			if (strncmp(q, host_id, host_len) != 0 ||
			    q[host_len] != ' ')
				continue;
			q += host_len + 1;
		}
		n = strlen(e->text);
		if (strncmp(q, e->text, n) != 0)
			continue;
		rest = q + n;
		if (*rest != '\0' && (e->suffix == NULL ||
				      strncmp(rest, e->suffix,
					      strlen(e->suffix)) != 0))
			continue;
		snprintf(out, sizeof out, "%.*s%s%s", (int)(q - buf), buf,
			 t->text[i], rest);
		snprintf(buf, size, "%s", out);
		return strlen(buf);
	}
	return strlen(buf);
}

/* ---- pop3_code.txt ---- */

struct loader {
	const char *file;
	unsigned line;
	FILE *errs;
	int problems;
	unsigned seen[TEXT_COUNT];      /* the line of each code; 0: none */
};

static void
problem(struct loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
problem(struct loader *l, const char *fmt, ...)
{
	va_list ap;

	l->problems++;
	if (l->errs == NULL)
		return;
	if (l->line > 0)
		fprintf(l->errs, "%s:%u: ", l->file, l->line);
	else
		fprintf(l->errs, "%s: ", l->file);
	va_start(ap, fmt);
	vfprintf(l->errs, fmt, ap);
	va_end(ap);
	fputc('\n', l->errs);
}

/* The most a greeting text may have: the greeting holds host_id twice
 * (before the text and in the APOP timestamp) and must fit in a reply
 * line, or its timestamp is cut off (limits.h, POP3_HOST_ID_MAX). */
static size_t
greeting_text_max(const struct mu_config *cfg)
{
	size_t host = cfg->host_id != NULL ? strlen(cfg->host_id) : 0;
	size_t fixed = POP3_GREETING_FIXED_MAX - strlen(" POP3 server ready ") +
		2;                      /* the blanks around the text */
	size_t room = POP3_REPLY_MAX > fixed + 2 * host ?
		POP3_REPLY_MAX - fixed - 2 * host : 0;

	return room < TEXTS_TEXT_MAX ? room : TEXTS_TEXT_MAX;
}

static void
check_text(struct loader *l, const struct mu_config *cfg, enum text_id id,
	   const char *text)
{
	const struct text_entry *e = &entries[id];
	size_t len = strlen(text);
	size_t max = id == TEXT_GREETING ? greeting_text_max(cfg) :
		TEXTS_TEXT_MAX;

	if (len == 0) {
		problem(l, "%s: empty text", e->code);
		return;
	}
	if (len > max) {
		problem(l, "%s: text too long (%zu octets): at most %zu%s",
			e->code, len, max, id == TEXT_GREETING ?
			", so that the greeting with host_id and its APOP "
			"timestamp fits in a reply line of 512 octets "
			"(RFC 2449 section 4)" : "");
		return;
	}
	if (text[0] == '[') {
		problem(l, "%s: text starts with '[', which a client would take "
			"for a response code (RFC 2449 section 8)", e->code);
		return;
	}
	for (const char *p = text; *p != '\0'; p++) {
		size_t n;

		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			problem(l, "%s: control character in the text", e->code);
			return;
		}
		/* {word} is a placeholder: one this code does not have is
		 * a typo, which a client would otherwise see as it is */
		if (*p == '{' && strchr(p, '}') != NULL &&
		    strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_") ==
		    (size_t)(strchr(p, '}') - p - 1) &&
		    placeholder_at(p + 1, e->placeholders, &n) < 0) {
			char names[128] = "";

			for (size_t i = 0; e->placeholders != NULL &&
			     e->placeholders[i] != NULL; i++)
				snprintf(names + strlen(names),
					 sizeof names - strlen(names), "%s{%s}",
					 i == 0 ? "use " : " or ",
					 e->placeholders[i]);
			problem(l, "%s: unknown placeholder %.*s (%s)", e->code,
				(int)(strchr(p, '}') - p + 1), p,
				names[0] != '\0' ? names : "this text has none");
			return;
		}
	}
}

static enum text_id
find_code(const char *code)
{
	for (size_t i = 0; i < TEXT_COUNT; i++)
		if (strcmp(entries[i].code, code) == 0)
			return (enum text_id)i;
	return TEXT_COUNT;
}

/* One line, without its line end: a comment, a blank line or a
 * replacement into t. */
static void
load_line(struct loader *l, const struct mu_config *cfg, char *line,
	  struct text_table *t)
{
	char *tab, *end;
	enum text_id id;

	if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
		return;
	tab = strchr(line, '\t');
	if (tab == NULL) {
		problem(l, "no TAB after the code (expected CODE<TAB>TEXT)");
		return;
	}
	*tab = '\0';
	id = find_code(line);
	if (id == TEXT_COUNT) {
		problem(l, "unknown code \"%.40s\" (the codes are listed in "
			"pop3d.conf(5), RESPONSE TEXTS)", line);
		return;
	}
	if (l->seen[id] != 0) {
		problem(l, "%s: given twice (first on line %u)", line,
			l->seen[id]);
		return;
	}
	l->seen[id] = l->line;
	/* blanks at the end are invisible in an editor: never part of a
	 * text */
	end = tab + 1 + strlen(tab + 1);
	while (end > tab + 1 && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	check_text(l, cfg, id, tab + 1);
	free(t->text[id]);
	t->text[id] = mu_xstrdup(tab + 1);
}

/* The first of the colon-separated dirs with a pop3_code.txt, opened;
 * NULL with *path_r NULL when none has one, or with *path_r set when
 * the one found cannot be read (errno says why). */
static FILE *
open_first(const char *dirs, char **path_r)
{
	const char *p = dirs;

	*path_r = NULL;
	while (p != NULL && *p != '\0') {
		const char *colon = strchr(p, ':');
		size_t n = colon != NULL ? (size_t)(colon - p) : strlen(p);

		if (n > 0) {
			char *path = mu_xasprintf("%.*s/%s", (int)n, p,
						  TEXTS_FILE_NAME);
			FILE *f = fopen(path, "re");

			if (f != NULL || (errno != ENOENT && errno != ENOTDIR)) {
				*path_r = path;
				return f;
			}
			free(path);
		}
		p = colon != NULL ? colon + 1 : NULL;
	}
	return NULL;
}

char *
texts_find(const char *dirs)
{
	char *path;
	FILE *f = open_first(dirs, &path);

	if (f != NULL)
		fclose(f);
	return path;
}

int
texts_load(struct mu_config *cfg, FILE *errs, char **file_r)
{
	struct loader l = { .errs = errs };
	struct text_table *t;
	char *path, buf[TEXTS_TEXT_MAX * 2 + 64];
	bool any = false;
	FILE *f = open_first(cfg->data_file_path, &path);

	if (file_r != NULL)
		*file_r = NULL;
	if (path == NULL)
		return 0;               /* the built-in texts, as they are */
	l.file = path;
	if (f == NULL) {
		problem(&l, "cannot open: %s", strerror(errno));
		free(path);
		return l.problems;
	}
	t = mu_xcalloc(1, sizeof *t);
	for (;;) {
		size_t len = 0;
		bool nul = false, overlong = false;
		int c;

		/* a line is read whole, never split: an overlong one is
		 * refused as one problem */
		while ((c = getc(f)) != EOF && c != '\n') {
			if (c == '\0')
				nul = true;
			if (len < sizeof buf - 1)
				buf[len++] = (char)c;
			else
				overlong = true;
		}
		if (c == EOF && len == 0)
			break;
		buf[len] = '\0';
		l.line++;
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if (overlong)
			problem(&l, "line too long (a text has at most %d "
				"octets)", TEXTS_TEXT_MAX);
		else if (nul)
			problem(&l, "NUL byte in line");
		else
			load_line(&l, cfg, buf, t);
		if (c == EOF)
			break;
	}
	if (ferror(f)) {
		l.line = 0;
		problem(&l, "read error: %s", strerror(errno));
	}
	fclose(f);
	for (size_t i = 0; i < TEXT_COUNT; i++)
		any |= t->text[i] != NULL;
	if (l.problems == 0 && any) {
		if (cfg->extra != NULL && cfg->extra_free != NULL)
			cfg->extra_free(cfg->extra);
		cfg->extra = t;
		cfg->extra_free = table_free;
	} else {
		table_free(t);
	}
	if (file_r != NULL)
		*file_r = path;
	else
		free(path);
	return l.problems;
}
