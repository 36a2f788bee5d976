#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make bench": hvbench against hv and against Linux's KVM in the same
# boot of a test host, alternating, and the table of both: hv-amd against
# kvm_amd in x86-svm (QEMU TCG), hv-intel against kvm_intel in x86-vmx
# (Bochs).
#
# x86-svm also gets the boot_linux row: the reference VMM (tools/hv/hv-vmm)
# booting its Linux test guest (tools/hv/mkguest.sh, vmm-test.sh's) on hv
# and on kvm_amd, alternating, hv-vmm's start to the guest's first time
# mark.  That takes a second host boot, after the -icount one, in real
# time with two CPUs: in the one-CPU -icount host kvm_amd locks up booting
# Linux (Documentation/virt/hv/performance.rst).  Its seconds are wall
# clock, moved by the machine's load; its hv/kvm ratio still compares, as
# both sides alternate in that one boot.  No boot row in x86-vmx: Bochs
# needs minutes per guest boot (make check's vmm-vmx step, one boot,
# takes over ten minutes).  The second boot's log:
# build/hosts/bench-boot-x86-svm.log.
#
#   scripts/bench.sh [--host x86-svm|x86-vmx] [--reps N] [--boot-reps N]
#                    [--quick] [--only METRIC] [--realtime] [--timeout S]
#
#   --host H     the test host (default x86-svm)
#   --reps N     repetitions of each side (default 5)
#   --boot-reps N  guest boots of each side for boot_linux (default 3;
#                0: no second host boot)
#   --quick      tiny iteration counts: a correctness smoke test whose
#                figures mean nothing ("make check" runs this); one guest
#                boot per side
#   --only M     one metric (names: hvbench --list); "--only boot_linux"
#                runs only the second host boot (x86-svm)
#   --realtime   time with the real clock; the default is QEMU's -icount
#                (hvhost --icount): 1 "ns" is one emulated instruction,
#                which does not depend on the machine's load
#   --timeout S  the (first) host run's timeout
#
# The x86-svm host is QEMU TCG: its times are emulated, so only the
# hv/kvm ratios mean anything (Documentation/virt/hv/performance.rst).
# Bochs (x86-vmx) keeps virtual time too (clock: sync=none, ips=200000000:
# 5 ns per emulated instruction), so its figures do not depend on the
# machine's load either.
#
# Exit status: that of the host runs: non-zero if a host or a module
# failed, the kernel reported a problem, hvbench found a wrong result or
# hv-vmm's guest did not reach its mark.  Timing never fails the run.
set -euo pipefail

cd "$(dirname "$0")/.."
HV_ROOT=$PWD
BUILD=${BUILD:-$HV_ROOT/build}
HVHOST=$HV_ROOT/tools/testing/hosts/hvhost
reps=5 boot_reps='' quick=0 only='' timeout='' icount=--icount host=x86-svm
usage="usage: $0 [--host x86-svm|x86-vmx] [--reps N] [--boot-reps N] [--quick] [--only METRIC] [--realtime] [--timeout S]"
while [ $# -gt 0 ]; do
	case $1 in
	--host) host=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--boot-reps) boot_reps=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	--only) only=$2; shift 2 ;;
	--realtime) icount=''; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "bench: --reps wants a count" >&2; exit 2; }
# One boot per side with --quick: it shows that hv-vmm boots Linux on both
# devices for under a minute more of "make check" (a host boot and two
# guest boots in real time, 35-60 s measured on a shared 2-core machine).
[ -n "$boot_reps" ] || boot_reps=$((quick ? 1 : 3))
[[ $boot_reps =~ ^[0-9]+$ ]] || { echo "bench: --boot-reps wants a count" >&2; exit 2; }
case $host in
x86-svm) backend=svm/hv-amd.ko kvm=kvm_amd div=1 ;;
# Bochs runs about ten times slower than QEMU TCG: a tenth of the counts.
x86-vmx) backend=vmx/hv-intel.ko kvm=kvm_intel icount='' div=10 ;;	# virtual
*) echo "bench: --host x86-svm or x86-vmx" >&2; exit 2 ;;
esac
payload=$BUILD/payload-bench-$host
out=$BUILD/bench/$host
# Which of the two host boots run.  Where there is no boot row (x86-vmx,
# --boot-reps 0), "--only boot_linux" still runs hvbench, whose n/a line
# says why.
run_hvbench=1 run_boot=0
if [ $host = x86-svm ] && [ "$boot_reps" -gt 0 ] &&
   { [ -z "$only" ] || [ "$only" = boot_linux ]; }; then
	run_boot=1
	[ "$only" = boot_linux ] && run_hvbench=0
fi
# Boot and module loads take ~15 s; a full repetition of both sides about
# a minute under TCG.
# Bochs takes 3 to 10 minutes to boot, depending on the machine's load,
# and runs hvbench's tenth of the counts in about the time QEMU needs for
# all of them.
if [ -z "$timeout" ]; then
	timeout=$((120 + reps * (quick ? 20 : 150)))
	[ $host = x86-vmx ] && timeout=$((900 + reps * (quick ? 120 : 600)))
fi

KDIR=$("$HVHOST" kdir)
echo "bench: building modules against $KDIR"
make -s -C "$KDIR" M="$HV_ROOT" modules
mkdir -p "$out"
rm -f "$out/results.tsv" "$out/run.out" "$out/run-boot.out"
r=0

# The first boot: hvbench, alternating, $reps times each side.
bench_hvbench() {
	local log=$BUILD/hosts/bench-$host.log

	rm -rf "$payload" && mkdir -p "$payload"
	gcc -static -O2 -Wall -Wextra -Wno-unused-parameter -Werror \
		-Iinclude/uapi -Iarch/x86/include/uapi \
		-o "$payload/hvbench" tools/testing/bench/hvbench.c -lpthread
	cp scripts/payload/bench.sh "$payload/run.sh"
	{
		echo "REPS=$reps"
		echo "ARGS='--div $div${only:+ --only $only}$([ $quick = 1 ] && echo ' --quick')'"
	} >"$payload/bench.conf"

	echo "bench: $host host, $reps repetition(s) of hv and $kvm$([ $quick = 1 ] && echo ', quick')"
	"$HVHOST" run --host $host --with-kvm $icount --no-slub-debug --payload "$payload" \
		--modules "virt/hv/hv.ko arch/x86/hv/$backend" \
		--timeout "$timeout" --name bench --log "$log" >"$out/run.out" 2>&1 || r=$?
	grep -v '^BENCH ' "$out/run.out" | grep -e '^bench: ' -e '^hvbench' -e '^hvhost:' -e 'booted+ran' || true
	tr -d '\r' <"$log" | grep '^BENCH ' >>"$out/results.tsv" || true
	[ $r -eq 0 ] || { echo "bench: host run failed (exit $r); log $log"; tail -n 40 "$out/run.out"; }
}

# The second boot: boot_linux, in real time with two CPUs (see the top).
# The payload is the same script in MODE=boot with vmm-test's pieces:
# hv-vmm and mkguest.sh's guest.  The host boots in about a minute of
# real time on a loaded machine, the guest in 20-40 s (timeout: 4 minutes
# a guest boot).  Its results go after the first boot's, whose n/a line
# for boot_linux keeps the row where hvbench --list puts it.
bench_boot() {
	local bpayload=$BUILD/payload-bench-boot-$host
	local blog=$BUILD/hosts/bench-boot-$host.log
	local br=0

	rm -rf "$bpayload" && mkdir -p "$bpayload"
	make -s -C tools/hv OUTPUT="$bpayload" "$bpayload/hv-vmm"
	tools/hv/mkguest.sh "$bpayload"
	cp scripts/payload/bench.sh "$bpayload/run.sh"
	printf 'MODE=boot\nREPS=%s\n' "$boot_reps" >"$bpayload/bench.conf"

	echo "bench: $host host in real time, $boot_reps Linux boot(s) with hv-vmm on hv and $kvm"
	"$HVHOST" run --host $host --with-kvm --no-slub-debug --payload "$bpayload" \
		--modules "virt/hv/hv.ko arch/x86/hv/$backend" \
		--timeout $((300 + boot_reps * 2 * 240)) --name bench-boot --log "$blog" \
		>"$out/run-boot.out" 2>&1 || br=$?
	grep -v '^BENCH ' "$out/run-boot.out" | grep -e '^bench: ' -e '^hvhost:' -e 'booted+ran' || true
	tr -d '\r' <"$blog" | grep '^BENCH ' >>"$out/results.tsv" || true
	if [ $br -ne 0 ]; then
		echo "bench: real-time host run failed (exit $br); log $blog"
		tail -n 40 "$out/run-boot.out"
		[ $r -ne 0 ] || r=$br
	fi
}

[ $run_hvbench = 0 ] || bench_hvbench
[ $run_boot = 0 ] || bench_boot

{
	if [ $run_hvbench = 1 ]; then
		echo "# make bench, $host ($([ $host = x86-svm ] && echo 'QEMU TCG' || echo 'Bochs, 5 ns = 1 instruction')$([ -n "$icount" ] && echo ' -icount: 1 ns = 1 instruction')), hv vs $kvm, $(date -u '+%Y-%m-%d %H:%M UTC'), $reps repetition(s)$([ $quick = 1 ] && echo ', quick: figures meaningless')"
	else
		echo "# make bench, $host (QEMU TCG, real time), hv vs $kvm, $(date -u '+%Y-%m-%d %H:%M UTC'), boot_linux only"
	fi
	awk -f tools/testing/bench/table.awk "$out/results.tsv" || true
	if grep -q "	boot_linux	[0-9]" "$out/results.tsv"; then
		echo "boot_linux: wall-clock seconds from hv-vmm's start to the Linux guest's first mark, $boot_reps boot(s)"
		echo "  per side, in a second $host boot in real time (no -icount; 2 CPUs, 2-vCPU guest): load-dependent,"
		echo "  but both sides alternate in that boot, so the ratio compares"
	fi
} | tee "$out/table.txt"
exit $r
