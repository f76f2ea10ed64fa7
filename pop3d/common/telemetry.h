/* telemetry_dir, Cyrus style: when the directory telemetry_dir/USER
 * exists, each session of USER writes its protocol transcript, both
 * directions, timestamped and with secrets masked, to
 * telemetry_dir/USER/PID.  Who the user is is known only after login, so
 * the transcript before it is kept in memory (at most
 * POP3_TELEMETRY_PRELOGIN_MAX octets) and written out at login. */
#ifndef POP3D_TELEMETRY_H
#define POP3D_TELEMETRY_H

#include <stddef.h>

struct telemetry;

/* Who a record is from. */
enum telemetry_from {
	TELEMETRY_CLIENT = 'C',
	TELEMETRY_SERVER = 'S',
	TELEMETRY_NOTE = '*',           /* ours: connection, login, end */
};

/* A transcript that buffers until telemetry_start(); NULL when dir is
 * NULL (telemetry_dir unset).  Every function accepts NULL. */
struct telemetry *telemetry_new(const char *dir);

/* One record: text[0..len) (one line, without its line end; control
 * bytes are escaped).  The caller masks secrets first (mask.h). */
void telemetry_record(struct telemetry *t, enum telemetry_from from,
		      const char *text, size_t len);
void telemetry_note(struct telemetry *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The user is known: if telemetry_dir/user is a directory (not a
 * symlink), create telemetry_dir/user/PID, mode 0600, and write what was
 * buffered; otherwise drop the buffer and record nothing more.  The file
 * is always a new one: a name already taken (by anything: a file, a link,
 * a FIFO) is never opened, and PID.1, PID.2, ... are tried instead.  A
 * user name that is not a plain file name is never traced.  Problems are
 * logged, never fatal to the session.  Call it before the process gives
 * up its privileges, so the file can be made in a directory only root
 * may write. */
void telemetry_start(struct telemetry *t, const char *user);

/* Privilege separation (doc/privsep.md): the records kept before login
 * live in the network process, the file is made by the transaction
 * process.  pending: the records kept so far (NULL when none, or not
 * buffering); adopt: put records (from pending) at the head of a new
 * transcript's buffer, before telemetry_start(). */
const char *telemetry_pending(const struct telemetry *t, size_t *len_r);
/* The pid that names the file (default: the calling process's); the
 * transaction process gives the session's. */
void telemetry_set_pid(struct telemetry *t, long pid);
void telemetry_adopt(struct telemetry *t, const char *data, size_t len);

void telemetry_free(struct telemetry *t);

#endif
