#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the x86-svm or x86-vmx test host (busybox): hvbench against
# hv and against Linux's kvm_amd or kvm_intel (whichever the CPU has) in
# the same boot, alternating, REPS times each.  hv and KVM refuse to
# coexist (hv's module notifier vetoes kvm_amd/kvm_intel while an hv
# backend is registered), so each side is unloaded before the other is
# loaded.  Every result line is printed as
#   BENCH <hv|kvm> <rep><TAB>metric<TAB>value<TAB>unit-or-reason
# for scripts/bench.sh to tabulate.  Exits non-zero if a module fails to
# load or unload or hvbench reports a correctness failure.
#
# MODE=boot (bench.conf; scripts/bench.sh's second, real-time x86-svm
# boot): instead of hvbench, each repetition boots hv-vmm's test guest
# (tools/hv/mkguest.sh, as tools/hv/vmm-test.sh does) once and reports
# the boot_linux metric: hv-vmm's start to the guest's first time mark
# (port 0x502, written by its /init), in seconds of the host's clock.
# The guest gets "guest.bench" and exits right after that mark.

cd /payload || exit 1
REPS=5
ARGS=
MODE=hvbench
CPUS=2
# shellcheck source=/dev/null
[ -f bench.conf ] && . ./bench.conf

# A cgroup v2 hierarchy with the memory controller, for the memory metrics.
mkdir -p /sys/fs/cgroup
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null

echo "bench: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs," \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "bench: THP $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	echo "bench: mitigation ${f##*/}: $(cat "$f")"
done

if grep -qw svm /proc/cpuinfo; then
	backend=hv-amd kvm=kvm_amd params="npt avic nested"
else
	backend=hv-intel kvm=kvm_intel params="ept vpid enable_apicv nested"
fi

rc=0
# boot_side LABEL DEVICE REP
# tsc=reliable and noxsave as in tools/hv/vmm-test.sh (which says why).
boot_side() {
	./hv-vmm --dev "$2" --cpus $CPUS --mem 256 --kernel ./vmlinuz \
		--initrd guest-initrd.gz --disk disk.img \
		--append "tsc=reliable guest.cpus=$CPUS noxsave guest.bench" \
		>/tmp/boot.out 2>&1
	r=$?
	t=$(sed -n 's/^hv-vmm: mark 1 at \([0-9.]*\) s.*/\1/p' /tmp/boot.out |
		head -n 1)
	if [ $r -eq 0 ] && [ -n "$t" ]; then
		printf 'BENCH %s %s\tboot_linux\t%s\ts\n' "$1" "$3" "$t"
		echo "bench: $1 $3: boot_linux $t s"
	else
		echo "bench: hv-vmm on $2 failed (exit $r, mark 1 '${t}'):"
		tail -n 30 /tmp/boot.out
		rc=1
	fi
}

# run_side LABEL DEVICE REP
run_side() {
	if [ "$MODE" = boot ]; then
		boot_side "$@"
		return
	fi
	# shellcheck disable=SC2086 # ARGS is a list of options
	./hvbench --dev "$2" $ARGS >/tmp/bench.out 2>/tmp/bench.err
	r=$?
	sed -n "s/^result	/BENCH $1 $3	/p" /tmp/bench.out
	sed -n "s/^info	/bench: $1 $3: /p" /tmp/bench.out
	cat /tmp/bench.err
	if [ $r -ne 0 ]; then
		echo "bench: hvbench on $2 failed (exit $r)"
		rc=1
	fi
}

rep=1
while [ $rep -le "$REPS" ]; do
	echo "bench: repetition $rep of $REPS"
	if insmod /hv/modules/hv.ko && insmod /hv/modules/$backend.ko; then
		run_side hv /dev/hv $rep
	else
		echo "bench: cannot load hv"
		rc=1
	fi
	rmmod $backend 2>/dev/null
	rmmod hv || { echo "bench: cannot unload hv"; exit 1; }

	if modprobe $kvm; then
		[ $rep = 1 ] && for p in $params; do
			echo "bench: $kvm.$p=$(cat /sys/module/$kvm/parameters/$p)"
		done
		run_side kvm /dev/kvm $rep
	else
		echo "bench: cannot load $kvm"
		rc=1
	fi
	if ! modprobe -r $kvm; then
		echo "bench: cannot unload $kvm"
		exit 1
	fi
	if grep -q "^kvm " /proc/modules && ! rmmod kvm; then
		echo "bench: cannot unload kvm"
		exit 1
	fi
	rep=$((rep + 1))
done
exit $rc
