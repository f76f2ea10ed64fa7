# The PAM backend against a real PAM stack: pam_wrapper redirects PAM to a
# service directory of our own, where pam_matrix checks a plain user list.
# The checks themselves are in test-pam-backend.c.
set -u
: "${top_builddir:?run through make check}"

wrapper=
for dir in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib; do
	if [ -e "$dir/libpam_wrapper.so" ] && [ -e "$dir/pam_wrapper/pam_matrix.so" ]; then
		wrapper=$dir
		break
	fi
done
if [ -z "$wrapper" ]; then
	echo "libpam-wrapper is not installed (Debian package libpam-wrapper)"
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pam-backend.XXXXXX")
trap 'rm -rf "$work"' EXIT
service=pop3test
mkdir "$work/services"
cat >"$work/passdb" <<EOT
nobody:pam-secret:$service
ghost:ghost-pw:$service
daemon:daemon-pw:another
EOT
module="$wrapper/pam_wrapper/pam_matrix.so"
cat >"$work/services/$service" <<EOT
auth     required $module passdb=$work/passdb verbose
account  required $module passdb=$work/passdb verbose
EOT
# what PAM falls back to for an unknown service: nobody is in this matrix
: >"$work/nopassdb"
cat >"$work/services/other" <<EOT
auth     required $module passdb=$work/nopassdb
account  required $module passdb=$work/nopassdb
EOT

# PAM_TEST_WRAP: a debugger to run the program under, e.g. "gdb --args"
LD_PRELOAD="$wrapper/libpam_wrapper.so" PAM_WRAPPER=1 \
PAM_WRAPPER_SERVICE_DIR="$work/services" \
	${PAM_TEST_WRAP:-} "$top_builddir/testsuite/unit/test-pam-backend" "$service" "$work/popauth.db"
