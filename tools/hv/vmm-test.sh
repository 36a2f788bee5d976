#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vmm-test.sh [kvm|hv] [hvhost run options...]: boot hv-vmm's test guest
# (mkguest.sh) with 2 vCPUs inside the x86-svm test host, on Linux's
# kvm_amd (/dev/kvm, default) or on hv + hv-amd (/dev/hv, modules built
# from this tree), after checking hv-vmm's error messages.
# HV_VMM_HOST=x86-vmx: the Bochs host instead, with kvm_intel or hv +
# hv-intel.  HV_VMM_CPUS: the guest's vCPUs (default 2).
# HV_VMM_ARGS: more hv-vmm options (e.g. --no-eventfd); HV_VMM_APPEND: more
# guest command line (e.g. guest.poweroff=acpi); HV_VMM_TIMEOUT:
# the host's timeout (default 900 s).
set -euo pipefail

cd "$(dirname "$0")/../.."
HV_ROOT=$PWD
BUILD=${BUILD:-$HV_ROOT/build}
HVHOST=$HV_ROOT/tools/testing/hosts/hvhost
which=${1:-kvm}
shift || true
host=${HV_VMM_HOST:-x86-svm}
cpus=${HV_VMM_CPUS:-2}
case $host in
x86-svm) kvm=kvm_amd backend=arch/x86/hv/svm/hv-amd.ko ;;
x86-vmx) kvm=kvm_intel backend=arch/x86/hv/vmx/hv-intel.ko ;;
*)	echo "$0: HV_VMM_HOST is x86-svm or x86-vmx" >&2; exit 2 ;;
esac
payload=$BUILD/payload-vmm-$which
[ "$host" = x86-svm ] || payload+=-$host

rm -rf "$payload" && mkdir -p "$payload"
make -s -C tools/hv OUTPUT="$payload" "$payload/hv-vmm"
tools/hv/mkguest.sh "$payload"
case $which in
kvm)	load="modprobe $kvm"; dev=/dev/kvm; hostargs=(--with-kvm) ;;
hv)	load="insmod /hv/modules/hv.ko && insmod /hv/modules/${backend##*/}"
	dev=/dev/hv
	KDIR=$("$HVHOST" kdir)
	make -s -C "$KDIR" M="$HV_ROOT" modules
	hostargs=(--modules "virt/hv/hv.ko $backend") ;;
*)	echo "usage: $0 [kvm|hv] [hvhost run options]" >&2; exit 2 ;;
esac
# noxsave: under QEMU TCG the nested guest's XSETBV does not reach the L1
# hypervisor (kvm_amd's CPUID.0xd.0 EBX stays at the size for XCR0 = x87|SSE),
# and Linux WARNs "XSAVE consistency problem", which fails the host run.
append="tsc=reliable guest.cpus=$cpus noxsave ${HV_VMM_APPEND:-}"
cat >"$payload/run.sh" <<EOT
cd /payload
fails=0
expect() {	# expect STATUS MESSAGE-PART command...
	want=\$1 msg=\$2
	shift 2
	out=\$("\$@" 2>&1)
	rc=\$?
	case "\$out" in
	*"\$msg"*) [ \$rc = \$want ] && { echo "vmm-test: ok   \$out"; return; } ;;
	esac
	echo "vmm-test: FAIL \$*: status \$rc, '\$out'"
	fails=\$((fails + 1))
}
expect 2 "No such file" ./hv-vmm --kernel /nonexistent
expect 2 "not a bzImage" ./hv-vmm --kernel /payload/run.sh
expect 2 "need 64 to" ./hv-vmm --kernel ./vmlinuz --mem 32
expect 2 "is hv.ko loaded?" ./hv-vmm --kernel ./vmlinuz --dev /dev/nonexistent
$load || exit 1
# hv's per-vCPU counters half-way through the boot (debugfs, hv only).
(sleep \${HV_VMM_STATS_AT:-30}
 for f in /sys/kernel/debug/hv/*/vcpu*; do
	[ -f "\$f" ] && echo "vmm-test: \$f: \$(tr '\\n' ' ' <"\$f")"
 done) &
./hv-vmm --dev $dev --cpus $cpus --mem 256 --kernel ./vmlinuz ${HV_VMM_ARGS:-} \\
	--initrd guest-initrd.gz --disk disk.img --append "$append"
rc=\$?
echo "vmm-test: hv-vmm exit status \$rc"
sum=\$(dd if=disk.img bs=64k skip=64 count=16 2>/dev/null | md5sum)
if [ "\$sum" = "a8177876b2886cb74338f9a050089431  -" ]; then
	echo "vmm-test: ok   the guest's write reached disk.img"
else
	echo "vmm-test: FAIL disk.img at 4 MiB: \$sum"
	fails=\$((fails + 1))
fi
[ \$rc = 0 ] && [ \$fails = 0 ]
EOT
exec "$HVHOST" run --host "$host" --payload "$payload" --name "vmm-$which" \
	--timeout "${HV_VMM_TIMEOUT:-900}" "${hostargs[@]}" "$@"
