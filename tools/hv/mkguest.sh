#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkguest.sh OUTDIR [KERNEL_RELEASE]: build the test guest for hv-vmm.
#   OUTDIR/guest-initrd.gz  busybox + virtio modules + tools/hv/guest-init.sh
#   OUTDIR/disk.img         8 MiB virtio disk: an ext2 filesystem in its
#                           first 4 MiB (a magic line in its unused boot
#                           sector, /hello.txt inside), a raw area after it
#   OUTDIR/vmlinuz          the guest kernel (Debian's, the test hosts' own)
# The guest kernel and its modules come from the hvhost cache.
set -euo pipefail

out=${1:?usage: mkguest.sh OUTDIR [KERNEL_RELEASE]}
here=$(cd "$(dirname "$0")" && pwd)
cache=${HV_CACHE:-$HOME/.cache/hv}/x86_64
rel=${2:-$("$here/../testing/hosts/hvhost" krelease x86_64)}
mods=$cache/$rel/lib/modules/$rel/kernel

mkdir -p "$out"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
export PATH=$PATH:/sbin:/usr/sbin
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
cp "$cache/busybox" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
# Debian builds virtio and ext4 (which also mounts ext2) as modules; in
# dependency order. virtio_mmio for hv-vmm, virtio_pci for QEMU
# (qemu-test.sh).
for m in drivers/virtio/virtio_ring drivers/virtio/virtio \
	 drivers/virtio/virtio_mmio drivers/virtio/virtio_pci_legacy_dev \
	 drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci \
	 drivers/block/virtio_blk crypto/crc32c_generic lib/crc16 fs/mbcache \
	 fs/jbd2/jbd2 \
	 fs/ext4/ext4; do
	cp "$mods/$m.ko" "$root/lib/modules/"
done
install -m 755 "$here/guest-init.sh" "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -9 >"$out/guest-initrd.gz"

# The disk: ext2 (Debian mounts it with ext4.ko) over the first
# 4 MiB with a file the guest reads; the magic line goes into sector 0,
# which ext2 leaves to boot loaders; the second 4 MiB is the raw area the
# guest writes and the test host checks (HV_DISK_RAW_OFFSET).
fsroot=$(mktemp -d)
printf 'hello from the host\n' >"$fsroot/hello.txt"
rm -f "$out/disk.img"
truncate -s 8M "$out/disk.img"
mke2fs -q -F -t ext2 -b 1024 -L hvdisk -d "$fsroot" "$out/disk.img" 4096
rm -rf "$fsroot"
printf 'HV-VMM-DISK-MAGIC\n' | dd of="$out/disk.img" conv=notrunc status=none
cp "$cache/$rel/vmlinuz" "$out/vmlinuz"
echo "mkguest: $out/{guest-initrd.gz,disk.img,vmlinuz} for $rel" >&2
