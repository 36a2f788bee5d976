#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside a test host (busybox): load hv and this CPU's backend, then
# run the hv selftests through the kernel's own kselftest runner.sh, as
# run_kselftest.sh does.  Exits non-zero if any test is "not ok".

modules=/hv/modules
if [ "$(uname -m)" = aarch64 ]; then
	backend=hv-arm64.ko
elif [ "$(uname -m)" = s390x ]; then
	backend=hv-s390.ko
elif grep -qw svm /proc/cpuinfo; then
	backend=hv-amd.ko
elif grep -qw vmx /proc/cpuinfo; then
	backend=hv-intel.ko
else
	echo "hv: this CPU has neither SVM nor VMX, and is not arm64" >&2
	exit 1
fi
# Swap for the page-out tests: 256 MiB of compressed RAM.
if modprobe zram num_devices=1 2>/dev/null &&
	echo 256M >/sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null &&
	swapon /dev/zram0; then
	echo "hv: swap on zram0"
fi

insmod $modules/hv.ko || exit 1
insmod $modules/$backend || exit 1
echo "hv: loaded hv.ko and $backend"

# runner.sh logs to /dev/stdout, which devtmpfs does not provide.
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr

# runner.sh runs "timeout --foreground", which busybox's timeout lacks.
rm -f /usr/bin/timeout
cat >/usr/bin/timeout <<'EOT'
#!/bin/sh
[ "$1" = --foreground ] && shift
exec busybox timeout "$@"
EOT
chmod +x /usr/bin/timeout

export HV_MODULES_DIR=$modules
export BASE_DIR=/payload
cd /payload/hv || exit 1
. /payload/kselftest/runner.sh
# Tests a backend cannot run yet, as "backend test reason": listed in the
# output as skipped, with the reason, and left out of the run.  None at
# present.
: >/tmp/hv-skips
tests=
for t in $(cat /payload/hv/tests.list); do
	why=$(awk -v b=$backend -v t="$t" '$1 == b && $2 == t { $1 = $2 = ""; sub(/^ +/, ""); print }' /tmp/hv-skips)
	if [ -n "$why" ]; then
		echo "hv: skipping $t with $backend: $why"
		continue
	fi
	tests="$tests $t"
done
# shellcheck disable=SC2086 # word splitting of the test list is wanted
run_many $tests | tee /tmp/hv-tap.txt
cd /
echo "hv: $(grep -c '^ok ' /tmp/hv-tap.txt) selftests ok, $(grep -c '^not ok ' /tmp/hv-tap.txt) not ok"
! grep -q '^not ok ' /tmp/hv-tap.txt
