#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkguest.sh OUTDIR [KERNEL_RELEASE]: build the test guest for hv-vmm.
#   OUTDIR/guest-initrd.gz  busybox + virtio modules + tools/hv/guest-init.sh
#   OUTDIR/disk.img         4 MiB virtio disk: a magic line in sector 0
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
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
cp "$cache/busybox" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
# Debian builds virtio as modules; in dependency order. virtio_mmio for
# hv-vmm, virtio_pci for QEMU (qemu-test.sh).
for m in drivers/virtio/virtio_ring drivers/virtio/virtio \
	 drivers/virtio/virtio_mmio drivers/virtio/virtio_pci_legacy_dev \
	 drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci \
	 drivers/block/virtio_blk; do
	cp "$mods/$m.ko" "$root/lib/modules/"
done
install -m 755 "$here/guest-init.sh" "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -9 >"$out/guest-initrd.gz"

# The disk: a magic line the guest checks, the rest zeroes.
rm -f "$out/disk.img"
truncate -s 4M "$out/disk.img"
printf 'HV-VMM-DISK-MAGIC\n' | dd of="$out/disk.img" conv=notrunc status=none
cp "$cache/$rel/vmlinuz" "$out/vmlinuz"
echo "mkguest: $out/{guest-initrd.gz,disk.img,vmlinuz} for $rel" >&2
