#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make bench": hvbench against hv and against Linux's KVM in the same
# boot of a test host, alternating, and the table of both: hv-amd against
# kvm_amd in x86-svm (QEMU TCG), hv-intel against kvm_intel in x86-vmx
# (Bochs).
#
#   scripts/bench.sh [--host x86-svm|x86-vmx] [--reps N] [--quick]
#                    [--only METRIC] [--realtime] [--timeout S]
#
#   --host H     the test host (default x86-svm)
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
# Bochs (x86-vmx) keeps virtual time too (clock: sync=none, ips=200000000:
# 5 ns per emulated instruction), so its figures do not depend on the
# machine's load either.
#
# Exit status: that of the host run: non-zero if the host or a module
# failed, the kernel reported a problem, or hvbench found a wrong result.
# Timing never fails the run.
set -euo pipefail

cd "$(dirname "$0")/.."
HV_ROOT=$PWD
BUILD=${BUILD:-$HV_ROOT/build}
HVHOST=$HV_ROOT/tools/testing/hosts/hvhost
reps=5 quick=0 only='' timeout='' icount=--icount host=x86-svm
while [ $# -gt 0 ]; do
	case $1 in
	--host) host=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	--only) only=$2; shift 2 ;;
	--realtime) icount=''; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	*) echo "usage: $0 [--host x86-svm|x86-vmx] [--reps N] [--quick] [--only METRIC] [--realtime] [--timeout S]" >&2
	   exit 2 ;;
	esac
done
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "bench: --reps wants a count" >&2; exit 2; }
case $host in
x86-svm) backend=svm/hv-amd.ko kvm=kvm_amd div=1 ;;
# Bochs runs about ten times slower than QEMU TCG: a tenth of the counts.
x86-vmx) backend=vmx/hv-intel.ko kvm=kvm_intel icount='' div=10 ;;	# virtual
*) echo "bench: --host x86-svm or x86-vmx" >&2; exit 2 ;;
esac
payload=$BUILD/payload-bench-$host
out=$BUILD/bench/$host
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
rm -rf "$payload" && mkdir -p "$payload" "$out"
gcc -static -O2 -Wall -Wextra -Wno-unused-parameter -Werror \
	-Iinclude/uapi -Iarch/x86/include/uapi \
	-o "$payload/hvbench" tools/testing/bench/hvbench.c -lpthread
cp scripts/payload/bench.sh "$payload/run.sh"
{
	echo "REPS=$reps"
	echo "ARGS='--div $div${only:+ --only $only}$([ $quick = 1 ] && echo ' --quick')'"
} >"$payload/bench.conf"

log=$BUILD/hosts/bench-$host.log
echo "bench: $host host, $reps repetition(s) of hv and $kvm$([ $quick = 1 ] && echo ', quick')"
r=0
"$HVHOST" run --host $host --with-kvm $icount --no-slub-debug --payload "$payload" \
	--modules "virt/hv/hv.ko arch/x86/hv/$backend" \
	--timeout "$timeout" --name bench --log "$log" >"$out/run.out" 2>&1 || r=$?
grep -v '^BENCH ' "$out/run.out" | grep -e '^bench: ' -e '^hvbench' -e '^hvhost:' -e 'booted+ran' || true
tr -d '\r' <"$log" | grep '^BENCH ' >"$out/results.tsv" || true
{
	echo "# make bench, $host ($([ $host = x86-svm ] && echo 'QEMU TCG' || echo 'Bochs, 5 ns = 1 instruction')$([ -n "$icount" ] && echo ' -icount: 1 ns = 1 instruction')), hv vs $kvm, $(date -u '+%Y-%m-%d %H:%M UTC'), $reps repetition(s)$([ $quick = 1 ] && echo ', quick: figures meaningless')"
	awk -f tools/testing/bench/table.awk "$out/results.tsv" || true
} | tee "$out/table.txt"
[ $r -eq 0 ] || { echo "bench: host run failed (exit $r); log $log"; tail -n 40 "$out/run.out"; }
exit $r
