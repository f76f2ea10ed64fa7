#!/bin/bash
# Install the Debian 12 packages needed to build pop3d and run its tests.
#
# As root: installs whatever is missing (apt-get update runs only then, so
# a second run on a ready machine takes a fraction of a second).
# As another user: names the missing packages and exits 1, or exits 0 when
# nothing is missing.
set -eu

PACKAGES=(
	# the build
	build-essential autoconf automake libtool pkg-config
	# the libraries configure requires
	libgnutls28-dev nettle-dev libgdbm-dev libpam0g-dev libgsasl-dev
	libcrypt-dev
	# the test suite: its driver, certtool for TLS fixtures, pam_matrix
	# for the PAM backend, and the real POP3 clients of testsuite/interop
	python3 gnutls-bin libpam-wrapper libnss-wrapper curl fetchmail mpop ca-certificates
	# test-reply-writes watches pop3d's system calls
	strace
	# testsuite/daemon puts a real PROXY protocol v2 sender in front,
	# and checks the documented filter with fail2ban-regex
	haproxy fail2ban
	# testsuite/auth logs in with the GNU SASL command-line client, and
	# delivers into /var/mail with procmail as a Debian MTA does
	gsasl procmail
	# testsuite/daemon runs pop3d under systemd-socket-activate and
	# checks the units of contrib/systemd with systemd-analyze verify
	systemd
	# testsuite/install rotates the log with the logrotate file of
	# contrib/, and builds, checks and installs the Debian package
	logrotate dpkg-dev debhelper fakeroot lintian
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != "install ok installed" ]; then
		missing+=("$pkg")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages: ${missing[*]}" >&2
	echo "install-deps: as root run: apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
