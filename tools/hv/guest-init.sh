#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of hv-vmm's test guest (built by mkguest.sh): checks the vCPUs,
# the virtio disk and an SMP workload, then powers off through hv-vmm's
# exit port 0x501 with the number of failed checks as exit status
# (with "guest.poweroff=acpi" on the command line: poweroff -f, ACPI S5;
# with "guest.bench": status 0 right after the first time mark, 0x502).
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

# Write byte $2 to I/O port $1 (CONFIG_DEVPORT).
outb() {
	# shellcheck disable=SC2059 # the format is the byte, as an octal escape
	printf "\\$(printf %o "$2")" |
		dd of=/dev/port bs=1 seek=$(($1)) count=1 2>/dev/null
}

fails=0
check() {
	if [ "$2" = "$3" ]; then
		echo "guest: ok   $1"
	else
		echo "guest: FAIL $1: got '$2', expected '$3'"
		fails=$((fails + 1))
	fi
}

echo "=== hv-vmm guest up ==="
outb 0x502 1
# guest.bench (scripts/bench.sh's boot_linux row): only the boot to here is
# timed, so leave at once rather than spend a minute of emulated time on
# the checks below for every repetition.
case " $(cat /proc/cmdline) " in
*" guest.bench "*) outb 0x501 0 ;;
esac
uname -a
ncpu=$(nproc)
want=$(sed -n 's/.*guest.cpus=\([0-9]*\).*/\1/p' /proc/cmdline)
echo "guest: $ncpu CPUs online; /proc/cpuinfo lists $(grep -c ^processor /proc/cpuinfo)"
[ -n "$want" ] && check "CPUs online" "$ncpu" "$want"

# virtio-mmio block (hv-vmm): described by the VMM's DSDT, so plain insmod
# finds it; virtio-pci block (QEMU, qemu-test.sh): found on the PCI bus.
for m in virtio_ring virtio virtio_mmio virtio_pci_legacy_dev \
	 virtio_pci_modern_dev virtio_pci virtio_blk crc32c_generic crc16 \
	 mbcache jbd2 ext4; do
	insmod /lib/modules/$m.ko || echo "guest: insmod $m failed"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -b /dev/vda ]; then
	echo "guest: /dev/vda: $(cat /sys/block/vda/size) sectors, serial '$(cat /sys/block/vda/serial 2>/dev/null)'"
	check "disk magic" "$(head -c 17 /dev/vda)" "HV-VMM-DISK-MAGIC"
	# The filesystem mkguest.sh made: read the host's file, write one,
	# remount and read it back from the disk, not the page cache.
	mkdir -p /mnt
	if mount -t ext2 /dev/vda /mnt; then
		echo "guest: mounted: $(grep ' /mnt ' /proc/mounts)"
		df -k /mnt | tail -n 1
		check "file from the host" "$(cat /mnt/hello.txt)" "hello from the host"
		seq 1 100000 >/mnt/guest.txt
		umount /mnt
		echo 3 >/proc/sys/vm/drop_caches
		mount -t ext2 -o ro /dev/vda /mnt
		check "file written by the guest, after remount" \
			"$(md5sum </mnt/guest.txt)" "$(seq 1 100000 | md5sum)"
		ls -l /mnt
		umount /mnt
	else
		check "mount /dev/vda" failed ok
	fi
	# The raw area after the filesystem: the test host checks this write.
	seq 1 300000 | head -c 1048576 >/tmp/pat
	dd if=/tmp/pat of=/dev/vda bs=64k seek=64 conv=fsync 2>/dev/null
	echo 3 >/proc/sys/vm/drop_caches
	check "raw disk write+read back" \
		"$(dd if=/dev/vda bs=64k skip=64 count=16 2>/dev/null | md5sum)" \
		"$(md5sum </tmp/pat)"
else
	check "/dev/vda" missing present
fi

# SMP: two md5 jobs pinned to every CPU at once.
jobs=""
c=0
while [ $c -lt "$ncpu" ]; do
	for j in a b; do
		taskset -c $c sh -c 'dd if=/dev/zero bs=64k count=128 2>/dev/null |
			md5sum' >/tmp/md5.$c$j &
		jobs="$jobs $c$j"
	done
	c=$((c + 1))
done
wait
for j in $jobs; do
	check "md5 job $j" "$(cat "/tmp/md5.$j")" "96995b58d4cbf6aaa9041b4f00c7f6ae  -"
done
grep -e LOC: -e IO-APIC -e NMI: /proc/interrupts
echo "=== hv-vmm guest done: $fails failed ==="
outb 0x502 2
case " $(cat /proc/cmdline) " in
*" guest.poweroff=acpi "*)
	[ $fails = 0 ] && poweroff -f ;;
esac
outb 0x501 $fails
echo "guest: still running after the exit port write"
sleep 10
