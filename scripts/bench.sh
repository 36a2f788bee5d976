#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make bench": hvbench against hv and against Linux's kvm_amd in the same
# boot of the x86-svm test host, alternating, and the table of both.
#
#   scripts/bench.sh [--reps N] [--quick] [--only METRIC] [--realtime] [--timeout S]
#
#   --reps N     repetitions of each side (default 5)
#   --quick      tiny iteration counts: a correctness smoke test whose
#                figures mean nothing ("make check" runs this)
#   --only M     one metric (names: hvbench --list)
#   --realtime   time with the real clock; the default is QEMU's -icount
#                (hvhost --icount): 1 "ns" is one emulated instruction,
#                which does not depend on the machine's load
#
# The x86-svm host is QEMU TCG: its times are emulated, so only the
# hv/kvm ratios mean anything (Documentation/virt/hv/performance.rst).
# x86-vmx is not benchmarked yet: Bochs has no -icount-like clock here.
#
# Exit status: that of the host run: non-zero if the host or a module
# failed, the kernel reported a problem, or hvbench found a wrong result.
# Timing never fails the run.
set -euo pipefail

cd "$(dirname "$0")/.."
HV_ROOT=$PWD
BUILD=${BUILD:-$HV_ROOT/build}
HVHOST=$HV_ROOT/tools/testing/hosts/hvhost
payload=$BUILD/payload-bench
out=$BUILD/bench

reps=5 quick=0 only='' timeout='' icount=--icount
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	--only) only=$2; shift 2 ;;
	--realtime) icount=''; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	*) echo "usage: $0 [--reps N] [--quick] [--only METRIC] [--realtime] [--timeout S]" >&2
	   exit 2 ;;
	esac
done
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "bench: --reps wants a count" >&2; exit 2; }
# Boot and module loads take ~15 s; a full repetition of both sides about
# a minute under TCG.
[ -n "$timeout" ] || timeout=$((120 + reps * (quick ? 20 : 150)))

KDIR=$("$HVHOST" kdir)
echo "bench: building modules against $KDIR"
make -s -C "$KDIR" M="$HV_ROOT" modules
rm -rf "$payload" && mkdir -p "$payload" "$out"
gcc -static -O2 -Wall -Wextra -Wno-unused-parameter -Werror \
	-Iinclude/uapi -Iarch/x86/include/uapi \
	-o "$payload/hvbench" tools/testing/bench/hvbench.c
cp scripts/payload/bench.sh "$payload/run.sh"
{
	echo "REPS=$reps"
	echo "ARGS='${only:+--only $only}$([ $quick = 1 ] && echo ' --quick')'"
} >"$payload/bench.conf"

log=$BUILD/hosts/bench-x86-svm.log
echo "bench: x86-svm host, $reps repetition(s) of hv and kvm_amd$([ $quick = 1 ] && echo ', quick')"
r=0
"$HVHOST" run --host x86-svm --with-kvm $icount --payload "$payload" \
	--modules "virt/hv/hv.ko arch/x86/hv/svm/hv-amd.ko" \
	--timeout "$timeout" --name bench --log "$log" >"$out/run.out" 2>&1 || r=$?
grep -v '^BENCH ' "$out/run.out" | grep -e '^bench: ' -e '^hvbench' -e '^hvhost:' -e 'booted+ran' || true
tr -d '\r' <"$log" | grep '^BENCH ' >"$out/results.tsv" || true
{
	echo "# make bench, x86-svm (QEMU TCG$([ -n "$icount" ] && echo ' -icount: 1 ns = 1 instruction')), $(date -u '+%Y-%m-%d %H:%M UTC'), $reps repetition(s)$([ $quick = 1 ] && echo ', quick: figures meaningless')"
	awk -f tools/testing/bench/table.awk "$out/results.tsv" || true
	echo "x86-vmx (hv-intel vs kvm_intel): n/a: not wired up yet (Bochs runs the selftests only)"
} | tee "$out/table.txt"
[ $r -eq 0 ] || { echo "bench: host run failed (exit $r); log $log"; tail -n 40 "$out/run.out"; }
exit $r
