#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make run": build hv against Debian 12's kernel, boot the x86-svm test
# host (QEMU TCG, AMD-V with nested paging), load hv and hv-amd there and
# boot an unmodified Linux guest (Debian's own vmlinuz) on them through
# hv-vmm, the reference VMM in tools/hv: 2 vCPUs, the in-kernel irqchip,
# a virtio disk.  The guest's console streams here as it boots; its init
# prints a banner, uname -a, the CPU count and its disk, runs an SMP job
# and powers off.  hv is never loaded on this machine.
#
#   scripts/run.sh [--kvm]    --kvm: the same guest on Linux's kvm_amd
set -euo pipefail

cd "$(dirname "$0")/.."
HV_ROOT=$PWD
BUILD=${BUILD:-$HV_ROOT/build}
HVHOST=$HV_ROOT/tools/testing/hosts/hvhost
payload=$BUILD/payload-run
dev=hv
[ "${1:-}" = --kvm ] && dev=kvm

KDIR=$("$HVHOST" kdir)
echo "hv: building modules against $KDIR"
make -s -C "$KDIR" M="$HV_ROOT" modules
rm -rf "$payload" && mkdir -p "$payload"
make -s -C tools/hv OUTPUT="$payload" "$payload/hv-vmm"
tools/hv/mkguest.sh "$payload"
if [ $dev = hv ]; then
	load='insmod /hv/modules/hv.ko && insmod /hv/modules/hv-amd.ko'
	hostargs=(--modules "virt/hv/hv.ko arch/x86/hv/svm/hv-amd.ko")
else
	load='modprobe kvm_amd'
	hostargs=(--with-kvm)
fi
# noxsave: see tools/hv/vmm-test.sh (QEMU TCG's nested XSETBV).
cat >"$payload/run.sh" <<EOT
cd /payload
$load || exit 1
dmesg | grep -e "hv: " -e "hv-amd: " -e "kvm_amd: "
echo "hv: booting Linux on /dev/$dev with hv-vmm, 2 vCPUs"
./hv-vmm --dev /dev/$dev --cpus 2 --mem 256 --kernel ./vmlinuz \\
	--initrd guest-initrd.gz --disk disk.img \\
	--append "tsc=reliable guest.cpus=2 noxsave"
EOT
echo "hv: booting the x86-svm test host"
exec "$HVHOST" run --timeout "${HV_RUN_TIMEOUT:-600}" --host x86-svm \
	--payload "$payload" --name "run-$dev" "${hostargs[@]}"
