#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Module lifecycle of hv.ko and its hardware backend, in a test host:
# load and unload orders, refusal while a VM is open, refusal on the wrong
# hardware, mutual exclusion with Linux's own kvm_amd / kvm_intel, and CPU
# hotplug.  Expects hv and this CPU's backend loaded, and leaves them so.
#
# HV_MODULES_DIR holds hv.ko and the backends: hv-amd.ko and hv-intel.ko,
# hv-arm64.ko on arm64, hv-s390.ko on s390x (default /hv/modules).

KSFT_SKIP=4
dir=${HV_MODULES_DIR:-/hv/modules}
# hv_hold_vm must open hv whatever device the other tests were pointed at.
HV_DEV=/dev/hv
export HV_DEV
here=$(dirname "$0")
num=0
failed=0

ok() { num=$((num + 1)); echo "ok $num $1"; }
not_ok() { num=$((num + 1)); failed=$((failed + 1)); echo "not ok $num $1"; }
skip() { num=$((num + 1)); echo "ok $num $1 # SKIP $2"; }
check() { # check NAME COMMAND...: one TAP line from a command's status
	name=$1
	shift
	if "$@" >/tmp/hv_modules.out 2>&1; then
		ok "$name"
	else
		sed 's/^/# /' /tmp/hv_modules.out
		not_ok "$name"
	fi
}
loaded() { grep -q "^$1 " /proc/modules; }
not_loaded() { ! loaded "$1"; }
fails() { ! "$@"; }
log_has() { dmesg | grep -q -e "$1"; }

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root to load modules"
	exit $KSFT_SKIP
fi
if [ ! -f "$dir/hv.ko" ]; then
	echo "1..0 # SKIP no hv modules in $dir"
	exit $KSFT_SKIP
fi
if [ "$(uname -m)" = aarch64 ]; then
	# Nothing else to refuse: one backend, and KVM is built in.
	backend=hv_arm64 own=hv-arm64.ko other= kvm=
elif [ "$(uname -m)" = s390x ]; then
	# One backend; SIE is no exclusive resource, kvm.ko coexists.
	backend=hv_s390 own=hv-s390.ko other= kvm=
elif grep -qw svm /proc/cpuinfo; then
	backend=hv_amd own=hv-amd.ko other=hv-intel.ko kvm=kvm_amd
	other_msg="has no VT-x"
elif grep -qw vmx /proc/cpuinfo; then
	backend=hv_intel own=hv-intel.ko other=hv-amd.ko kvm=kvm_intel
	other_msg="has no AMD-V"
else
	echo "1..0 # SKIP this CPU has neither SVM nor VMX, and is not arm64"
	exit $KSFT_SKIP
fi
echo "1..16"

load_all() { loaded hv || insmod "$dir/hv.ko"; loaded $backend || insmod "$dir/$own"; }
unload_all() { ! loaded $backend || rmmod $backend; ! loaded hv || rmmod hv; }

check "hv and $backend are loaded" load_all
check "/dev/hv is a character device with mode 0660" \
	sh -c '[ -c /dev/hv ] && [ "$(stat -c %a /dev/hv)" = 660 ]'

if [ -n "$other" ]; then
	dmesg -c >/dev/null
	check "$other refuses to load on this CPU" fails insmod "$dir/$other"
	check "$other logs why it refused" log_has "$other_msg"
else
	skip "another backend refuses to load on this CPU" "one backend on $(uname -m)"
	skip "it logs why it refused" "one backend on $(uname -m)"
fi

check "rmmod hv refused while $backend is loaded" fails rmmod hv

# The holder keeps a VM open until the fifo's writer (fd 3) closes.
wait_ready() {
	i=0
	while [ $i -lt 50 ]; do
		grep -q ready /tmp/hv_hold.out 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	cat /tmp/hv_hold.out
	return 1
}
rm -f /tmp/hv_hold.fifo /tmp/hv_hold.out
mkfifo /tmp/hv_hold.fifo
"$here/hv_hold_vm" </tmp/hv_hold.fifo >/tmp/hv_hold.out 2>&1 &
holder=$!
exec 3>/tmp/hv_hold.fifo
check "a VM can be held open" wait_ready
check "rmmod $backend refused while a VM is open" fails rmmod $backend
check "rmmod hv refused while a VM is open" fails rmmod hv
exec 3>&-
wait $holder
check "closing the VM lets both modules unload" unload_all

cycles() {
	for i in 1 2 3 4 5; do
		load_all || return 1
		unload_all || return 1
	done
}
check "five load/unload cycles" cycles
check "hv and $backend reload" load_all

if [ -n "$kvm" ] && modinfo $kvm >/dev/null 2>&1; then
	dmesg -c >/dev/null
	check "$kvm is refused while $backend owns the hardware" \
		sh -c "! modprobe $kvm && dmesg | grep -q 'refusing to load $kvm'"
	dmesg -c >/dev/null
	conflict() {
		rmmod $backend && modprobe $kvm || return 1
		r=0
		insmod "$dir/$own" && r=1
		dmesg | grep -q "$kvm is loaded" || r=1
		modprobe -r $kvm || r=1
		insmod "$dir/$own" || r=1
		return $r
	}
	check "$backend refuses to load while $kvm is loaded" conflict
else
	skip "${kvm:-kvm} is refused while $backend owns the hardware" "no ${kvm:-kvm} module in this host"
	skip "$backend refuses to load while ${kvm:-kvm} is loaded" "no ${kvm:-kvm} module in this host"
fi

cpu1=/sys/devices/system/cpu/cpu1/online
if [ -w $cpu1 ]; then
	dmesg -c >/dev/null
	hotplug() {
		echo 0 >$cpu1 && echo 1 >$cpu1 || return 1
		! dmesg | grep -q "cannot enable"
	}
	check "CPU 1 goes offline and online with the backend loaded" hotplug
	check "a VM can be created after hotplug" sh -c "echo | $here/hv_hold_vm"
else
	skip "CPU 1 goes offline and online with the backend loaded" "one CPU only"
	skip "a VM can be created after hotplug" "one CPU only"
fi
check "hv and $backend are loaded at the end" load_all

[ $failed -eq 0 ]
