#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the x86-svm test host (busybox sh) as /payload/run.sh:
# Linux's KVM selftests against one hypervisor, one test at a time.
#
#   /payload/side       "hv" or "kvm_amd"
#   /payload/tests      one "NAME LIMIT" line per test, in order
#   /payload/bin/NAME   the static test binaries
#
# Prints, for run.sh to parse from the serial log:
#   KST-SIDE: <side>
#   KST-BEGIN: <name>
#   KST-RESULT: <name> <pass|skip|fail|timeout> <exit status> <centiseconds>
#   KST-STUCK: <name>   (could not be killed: the payload gives up)
#   KST-DONE
# and KST-ALIVE every 5 s, so that run.sh can tell a busy host from a
# stuck one.
# Exits 0 whatever the tests do; only setup failures exit non-zero.

# hv: load the modules, then re-run this script in a private mount
# namespace where /dev/kvm is /dev/hv.  The tests open "/dev/kvm" (no
# override in 6.1), and the bind mount must not outlive the namespace.
setup_hv() {
	insmod /hv/modules/hv.ko || return 1
	insmod /hv/modules/hv-amd.ko || return 1
	[ -c /dev/hv ] || { echo "kst: /dev/hv missing"; return 1; }
	# Without kvm.ko there is no /dev/kvm to mount over: make one (the
	# KVM misc minor; nothing behind it, it is only a mount point).
	[ -e /dev/kvm ] || mknod /dev/kvm c 10 232 || return 1
	exec unshare -m sh /payload/run.sh in-namespace
}

setup_kvm_amd() {
	modprobe kvm_amd || return 1
	[ -c /dev/kvm ] || { echo "kst: /dev/kvm missing"; return 1; }
}

# Uptime in centiseconds: "12.34" -> 1234, a busybox-friendly clock.
now_cs() {
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

# watchdog NAME PGID LIMIT: kill the test's process group after LIMIT
# seconds (the test is then a "timeout").  If it has not gone 20 s after
# SIGKILL, it is stuck in the kernel: end the payload, so that run.sh can
# go on in a fresh host instead of waiting for the boot timeout.
watchdog() {
	sleep "$3"
	: >/tmp/kst-timed-out
	kill -15 -"$2" 2>/dev/null
	sleep 2
	kill -9 -"$2" 2>/dev/null
	sleep 20
	echo "KST-STUCK: $1"
	kill -9 "$MAIN_PID"
}

# Each test runs in its own session (setsid), so that the watchdog can
# kill whatever it forked too.  In a non-interactive shell the child is
# not a process group leader, so setsid does not fork and $! is the
# group's id.
run_test() {
	name=$1 limit=$2
	rm -f /tmp/kst-timed-out
	echo "KST-BEGIN: $name"
	t0=$(now_cs)
	setsid "/payload/bin/$name" </dev/null 2>&1 &
	pid=$!
	watchdog "$name" "$pid" "$limit" &
	wd=$!
	wait "$pid"
	rc=$?
	kill -9 "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	t1=$(now_cs)
	if [ -e /tmp/kst-timed-out ]; then
		status=timeout
	elif [ "$rc" -eq 0 ]; then
		status=pass
	elif [ "$rc" -eq 4 ]; then
		status=skip	# KSFT_SKIP
	else
		status=fail
	fi
	echo "KST-RESULT: $name $status $rc $((t1 - t0))"
}

MAIN_PID=$$
cd /payload || exit 1
side=$(cat side)
if [ "$1" = in-namespace ]; then
	mount --bind /dev/hv /dev/kvm || exit 1
elif [ "$side" = hv ]; then
	setup_hv || exit 1
elif [ "$side" = kvm_amd ]; then
	setup_kvm_amd || exit 1
else
	echo "kst: unknown side '$side'"
	exit 1
fi
echo "KST-SIDE: $side ($(ls -l /dev/kvm))"
while sleep 5; do echo KST-ALIVE; done &
heartbeat=$!
while read -r name limit; do
	run_test "$name" "$limit"
done <tests
kill "$heartbeat"
echo "KST-DONE"
exit 0
