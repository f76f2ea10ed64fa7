/* The `pam` backend of auth.c through a real PAM stack: pam_wrapper's
 * pam_matrix, set up by testsuite/popauth/test-pam-backend.sh, which runs
 * this program as
 *     test-pam-backend SERVICE POPAUTH-DB
 * with the matrix (user:password:service):
 *     nobody:pam-secret:SERVICE        a system account
 *     ghost:ghost-pw:SERVICE           PAM knows it, /etc/passwd does not
 *     daemon:daemon-pw:another         account management refuses it here
 * and the module option `verbose`, so the conversation also gets messages
 * it must not answer. */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "pop3d/monitor/auth.h"
#include "pop3d/userdb/userdb.h"
#include "testsuite/lib/check.h"

/* A popauth user made through the userdb API, for the backend order. */
static void
add_virtual_user(const char *db_path, const char *user, const char *password)
{
	struct userdb_record rec = { 0 };
	struct userdb *db;
	const char *error;

	if (userdb_hash_password(password, &rec.hash, &error) < 0
	    || userdb_open(db_path, USERDB_CREATE, &db, NULL, &error) < 0
	    || userdb_store(db, user, &rec, &error) < 0
	    || userdb_close(db, &error) < 0) {
		printf("cannot make the popauth database: %s\n", error);
		exit(1);
	}
	userdb_record_free(&rec);
}

int
main(int argc, char **argv)
{
	/* the configuration's strings are writable (mu_config_free frees
	 * them); this test never frees its configuration */
	char pam_name[] = "pam", popauth_name[] = "popauth";
	char no_service[] = "no-such-service";
	char *pam[] = { pam_name, NULL };
	char *pam_popauth[] = { pam_name, popauth_name, NULL };
	struct mu_config cfg;
	struct auth_user u;
	const char *error = NULL;
	enum auth_result r;

	if (argc != 3) {
		printf("usage: test-pam-backend SERVICE POPAUTH-DB\n"
		       "(run by testsuite/popauth/test-pam-backend.sh)\n");
		return 1;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.auth = pam;
	cfg.pam_service = argv[1];
	cfg.popauth_db = argv[2];
	cfg.apop = true;

	struct passwd *pw = getpwnam("nobody");
	if (pw == NULL) {
		printf("no system account 'nobody' to test with\n");
		return 1;
	}
	uid_t nobody_uid = pw->pw_uid;
	gid_t nobody_gid = pw->pw_gid;
	char *nobody_home = mu_xstrdup(pw->pw_dir);

	memset(&u, 0, sizeof u);
	r = auth_password(&cfg, "nobody", "pam-secret", &u, &error);
	CHECK(r == AUTH_OK, "nobody, right password: %d (%s)", r, error);
	if (r == AUTH_OK) {
		CHECK(strcmp(u.name, "nobody") == 0, "name %s", u.name);
		CHECK(u.backend == AUTH_BACKEND_PAM, "backend %d", u.backend);
		CHECK(u.uid == nobody_uid && u.gid == nobody_gid,
		      "uid/gid %ld/%ld", (long)u.uid, (long)u.gid);
		CHECK(u.home != NULL && strcmp(u.home, nobody_home) == 0,
		      "home %s", u.home ? u.home : "(null)");
		CHECK(u.mailbox == NULL, "a PAM user has no mailbox override");
		auth_user_free(&u);
	}
	r = auth_password(&cfg, "nobody", "pam-secreT", &u, &error);
	CHECK(r == AUTH_FAIL, "nobody, wrong password: %d (%s)", r, error);
	r = auth_password(&cfg, "nobody", "", &u, &error);
	CHECK(r == AUTH_FAIL, "nobody, empty password: %d (%s)", r, error);
	r = auth_password(&cfg, "no-such-user", "pam-secret", &u, &error);
	CHECK(r == AUTH_FAIL, "unknown user: %d (%s)", r, error);
	r = auth_password(&cfg, "ghost", "ghost-pw", &u, &error);
	CHECK(r == AUTH_FAIL, "PAM user without a system account: %d (%s)",
	      r, error);
	CHECK(error != NULL && strstr(error, "no such system account") != NULL,
	      "the refusal says there is no system account: %s", error);
	r = auth_password(&cfg, "daemon", "daemon-pw", &u, &error);
	CHECK(r == AUTH_FAIL, "refused by account management: %d (%s)", r, error);
	CHECK(error != NULL && strstr(error, "pam_acct_mgmt") != NULL,
	      "the refusal names pam_acct_mgmt: %s", error);

	/* backends in order: PAM first, popauth when PAM says no */
	add_virtual_user(cfg.popauth_db, "virtual", "virtual-pw");
	add_virtual_user(cfg.popauth_db, "nobody", "popauth-pw");
	cfg.auth = pam_popauth;
	r = auth_password(&cfg, "virtual", "virtual-pw", &u, &error);
	CHECK(r == AUTH_OK, "pam popauth: virtual user: %d (%s)", r, error);
	if (r == AUTH_OK) {
		CHECK(u.backend == AUTH_BACKEND_POPAUTH, "virtual via popauth");
		auth_user_free(&u);
	}
	r = auth_password(&cfg, "nobody", "pam-secret", &u, &error);
	CHECK(r == AUTH_OK && u.backend == AUTH_BACKEND_PAM,
	      "pam popauth: nobody through PAM: %d (%s)", r, error);
	if (r == AUTH_OK)
		auth_user_free(&u);
	r = auth_password(&cfg, "nobody", "popauth-pw", &u, &error);
	CHECK(r == AUTH_OK && u.backend == AUTH_BACKEND_POPAUTH,
	      "pam popauth: nobody's popauth password: %d (%s)", r, error);
	if (r == AUTH_OK)
		auth_user_free(&u);
	r = auth_password(&cfg, "virtual", "wrong", &u, &error);
	CHECK(r == AUTH_FAIL, "pam popauth: wrong password: %d (%s)", r, error);
	CHECK(error != NULL && strstr(error, "pam") != NULL
	      && strstr(error, "popauth") != NULL,
	      "the error tells both backends' reasons: %s", error);

	/* a service without its own file gets PAM's "other" (here: nobody
	 * passes) */
	cfg.auth = pam;
	cfg.pam_service = no_service;
	r = auth_password(&cfg, "nobody", "pam-secret", &u, &error);
	CHECK(r != AUTH_OK, "missing PAM service: %d (%s)", r, error);

	free(nobody_home);
	if (check_failures == 0)
		printf("PASS\n");
	return check_status();
}
