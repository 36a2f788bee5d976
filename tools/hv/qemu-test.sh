#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu-test.sh [hv|kvm] [hvhost run options...]: boot hv-vmm's test guest
# (mkguest.sh) under the machine's own, unmodified qemu-system-x86_64
# (-accel kvm, q35, virtio-pci disk) inside the x86-svm test host,
# once per irqchip mode: kernel-irqchip=off (QEMU's PIC/IOAPIC/LAPIC/PIT,
# 1 vCPU) and kernel-irqchip=on (the kernel's, 2 vCPUs). On hv (default) /dev/hv is
# bind-mounted over /dev/kvm in a private mount namespace, since QEMU 7.2
# opens "/dev/kvm" by name; "kvm" runs Linux's kvm_amd as the reference.
# QEMU_TEST_MODES: the modes to run (default "off on"); QEMU_TEST_ARGS:
# more QEMU options; QEMU_TEST_TIMEOUT: the host's timeout (default 600 s);
# QEMU_TEST_QTIMEOUT: each QEMU's (default 240 s); QEMU_TEST_OFF_SMP: vCPUs
# with kernel-irqchip=off (default 1); QEMU_TEST_DEBUG=1: log QEMU's KVM
# exits and ioctls (-trace) and SeaBIOS' debug port, and show their tails,
# hv's debugfs counters and QEMU's kernel stacks (15 s before QEMU's
# timeout and after it exits).  tools/hv/README.md explains the options.
set -euo pipefail

cd "$(dirname "$0")/../.."
HV_ROOT=$PWD
BUILD=${BUILD:-$HV_ROOT/build}
HVHOST=$HV_ROOT/tools/testing/hosts/hvhost
QEMU=${QEMU:-/usr/bin/qemu-system-x86_64}
which=${1:-hv}
shift || true
payload=$BUILD/payload-qemu-$which

case $which in
kvm)	load="modprobe kvm_amd"; dev=/dev/kvm; hostargs=(--with-kvm) ;;
hv)	load="insmod /hv/modules/hv.ko && insmod /hv/modules/hv-amd.ko"
	dev=/dev/hv
	KDIR=$("$HVHOST" kdir)
	make -s -C "$KDIR" M="$HV_ROOT" modules
	hostargs=(--modules "virt/hv/hv.ko arch/x86/hv/svm/hv-amd.ko") ;;
*)	echo "usage: $0 [hv|kvm] [hvhost run options]" >&2; exit 2 ;;
esac
[ -x "$QEMU" ] || { echo "$0: $QEMU: not found (apt install qemu-system-x86)" >&2; exit 2; }

rm -rf "$payload" && mkdir -p "$payload"/qemu/{lib,fw}
tools/hv/mkguest.sh "$payload"
# QEMU with its shared libraries and the dynamic loader, run as
# "ld.so --library-path lib qemu": the host's initramfs has no libc.
cp "$QEMU" "$payload/qemu/qemu-system-x86_64"
ldd "$QEMU" | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}' |
	while read -r lib; do cp -L "$lib" "$payload/qemu/lib/"; done
# Firmware for -L: SeaBIOS, the option ROMs for -kernel (linuxboot_dma)
# and the TPR patching ROM QEMU loads with KVM (kvmvapic); qboot for
# experiments (QEMU_TEST_ARGS="-bios qboot.rom").
cp -L /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin \
	/usr/share/qemu/kvmvapic.bin /usr/share/qemu/qboot.rom "$payload/qemu/fw/"

# noxsave: see vmm-test.sh (QEMU TCG hides the nested guest's XSETBV).
append="console=ttyS0 panic=-1 tsc=reliable guest.cpus=\$smp noxsave guest.poweroff=acpi"
cat >"$payload/run.sh" <<EOT
cd /payload
fails=0
$load || exit 1
[ -e /dev/kvm ] || mknod /dev/kvm c 10 232
Q="/payload/qemu/lib/ld-linux-x86-64.so.2 --library-path /payload/qemu/lib /payload/qemu/qemu-system-x86_64"
for mode in ${QEMU_TEST_MODES:-off on}; do
		# mce=off,mca=off: QEMU always sets CPUID.MCE and MCA for KVM and
	# then writes the machine-check MSRs (MCG_STATUS, MCi_*), which hv
	# does not have (no HV_CAP_MCE).  kvm=off with the userspace
	# irqchip: kvm_amd refuses QEMU's write of MSR_KVM_POLL_CONTROL
	# then and QEMU aborts; it hides the KVM PV features (kvmclock ...).
	cpu=host,mce=off,mca=off
	smp=2
	# One vCPU with QEMU's APIC: with two, SeaBIOS' AP bring-up hangs
	# in x86-svm on kvm_amd as on hv (vCPU 0 never leaves guest mode,
	# not even for a signal); see tools/hv/README.md.
	[ \$mode = off ] && cpu=\$cpu,kvm=off smp=${QEMU_TEST_OFF_SMP:-1}
	dbg=
	[ "${QEMU_TEST_DEBUG:-}" = 1 ] && dbg="-D /tmp/qemu.log -trace kvm_run_exit -trace kvm_vcpu_ioctl -trace kvm_vm_ioctl -chardev file,id=bios,path=/tmp/bios.log -device isa-debugcon,iobase=0x402,chardev=bios"
	# hv's per-vCPU counters 15 s before the timeout (debugfs, hv only).
	[ -n "\$dbg" ] && (sleep \$((${QEMU_TEST_QTIMEOUT:-240} - 15))
	 for f in /sys/kernel/debug/hv/*/vcpu*; do
		[ -f "\$f" ] && echo "qemu-test: \$f: \$(tr '\\n' ' ' <"\$f")"
	 done
	 echo "qemu-test: SeaBIOS:"; tail -8 /tmp/bios.log
	 echo "qemu-test: QEMU log:"; tail -12 /tmp/qemu.log
	 echo "qemu-test: QEMU log, vCPU 0:"; grep "cpu_index 0," /tmp/qemu.log | tail -30
	 for t in /proc/[0-9]*/task/*; do
		grep -q qemu-system "\$t/cmdline" 2>/dev/null || continue
		echo "qemu-test: \$t \$(cat "\$t/comm") \$(cut -d' ' -f3,14,15 "\$t/stat") \$(cat "\$t/wchan")"
		cat "\$t/stack"
	 done) &
	echo "qemu-test: kernel-irqchip=\$mode on $dev, \$smp vCPUs"
	t0=\$(cut -d' ' -f1 /proc/uptime)
	# The guest powers off (ACPI S5, QEMU exits 0) when its checks pass,
	# else writes their count to isa-debug-exit: status 2 * count + 1.
	{ timeout ${QEMU_TEST_QTIMEOUT:-240} unshare -m sh -c "mount --bind $dev /dev/kvm && exec \$Q \\
		-L /payload/qemu/fw -accel kvm -cpu \$cpu \\
		-machine q35,smm=off,kernel-irqchip=\$mode \\
		-smp \$smp -m 256 -no-reboot -display none -vga none -nic none \\
		-monitor none -serial stdio \\
		-device isa-debug-exit,iobase=0x501,iosize=1 \\
		-kernel vmlinuz -initrd guest-initrd.gz \\
		-drive if=virtio,format=raw,file=disk.img \\
		-append '$append' \$dbg ${QEMU_TEST_ARGS:-}" </dev/null 2>&1
	  echo "qemu-test: exit \$?"; } |
	while IFS= read -r line; do
		echo "\$line"
		case \$line in
		*"=== hv-vmm guest up ==="*)
			echo "qemu-test: kernel-irqchip=\$mode: banner after \$(awk -v t0="\$t0" '{print \$1 - t0}' /proc/uptime) s" ;;
		"qemu-test: exit "*) echo "\${line#qemu-test: exit }" >/tmp/rc ;;
		esac
	done
	rc=\$(cat /tmp/rc)
	if [ -n "\$dbg" ]; then
		echo "qemu-test: SeaBIOS:"; tail -20 /tmp/bios.log
		echo "qemu-test: QEMU log:"; tail -40 /tmp/qemu.log
		grep -o 'reason [0-9]*' /tmp/qemu.log | sort | uniq -c
		rm -f /tmp/qemu.log /tmp/bios.log
	fi
	if [ "\$rc" = 0 ]; then
		echo "qemu-test: ok   kernel-irqchip=\$mode: QEMU exit status 0 after \$(awk -v t0="\$t0" '{print \$1 - t0}' /proc/uptime) s"
	else
		echo "qemu-test: FAIL kernel-irqchip=\$mode: QEMU exit status \$rc"
		fails=\$((fails + 1))
	fi
	sum=\$(dd if=disk.img bs=64k skip=64 count=16 2>/dev/null | md5sum)
	if [ "\$sum" = "a8177876b2886cb74338f9a050089431  -" ]; then
		echo "qemu-test: ok   the guest's write reached disk.img"
	else
		echo "qemu-test: FAIL disk.img at 4 MiB: \$sum"
		fails=\$((fails + 1))
	fi
	dd if=/dev/zero of=disk.img bs=64k seek=64 count=16 conv=notrunc 2>/dev/null
done
[ \$fails = 0 ]
EOT
exec "$HVHOST" run --host x86-svm --payload "$payload" --name "qemu-$which" \
	--timeout "${QEMU_TEST_TIMEOUT:-600}" "${hostargs[@]}" "$@"
