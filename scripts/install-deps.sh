#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install, with apt, the Debian 12 packages that building and testing hv
# need, when any is missing.  Kernel images and headers for the test hosts
# are fetched by tools/testing/hosts/hvhost, which resolves their version.
set -euo pipefail

packages=(
	# building modules and selftests
	build-essential bc flex bison libelf-dev libssl-dev kmod rsync
	# static checks: sparse (C=2), pahole for the ABI layout test,
	# checkpatch.pl and the kselftest framework from linux-source
	sparse dwarves python3 perl linux-source-6.1 xz-utils
	# unit tests under valgrind (ASan/UBSan come with gcc)
	valgrind
	# arm64: cross-building modules and selftests, running the ABI
	# checkers built for arm64
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user clang
	# s390x: cross-building modules and selftests, the ABI checkers
	gcc-s390x-linux-gnu libc6-dev-s390x-cross
	# emulated test hosts
	busybox-static cpio qemu-system-x86 qemu-system-arm socat
	bochs bochsbios vgabios isolinux syslinux-common genisoimage
	hercules xxd
	# packaging
	dkms
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "hv: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	sudo=sudo
else
	sudo=
fi
export DEBIAN_FRONTEND=noninteractive
apt_get() {
	$sudo apt-get -q -y -o DPkg::Lock::Timeout=600 "$@"
}
# A fresh machine has no package lists yet; a stale one may lack versions.
apt_get install --no-install-recommends "${missing[@]}" ||
	{ apt_get update && apt_get install --no-install-recommends "${missing[@]}"; }
