#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make check-debug": hv's selftests on a debug kernel.  Builds, once, a
# small x86_64 kernel from Debian's linux-source-6.1 with KASAN, lockdep
# (PROVE_LOCKING, PROVE_RCU), kmemleak, DEBUG_VM, DEBUG_LIST and
# SLUB debugging, plus Linux's own kvm/kvm_amd/kvm_intel as modules for the
# tests that compare with KVM; builds hv against it; and runs the selftest
# payload in the x86-svm host on that kernel.  The runner fails the run on
# any KASAN, lockdep, kmemleak, WARN, BUG or hung-task report; kmemleak
# is cleared before the tests and scanned after them.
#
#   scripts/check-debug.sh [--rebuild]
#
# The kernel is cached in ~/.cache/hv/x86_64-debug/ (about 40 minutes to
# build on 2 cores; the selftests then take about 15 minutes: KASAN and
# lockdep under QEMU TCG are slow).
set -euo pipefail

cd "$(dirname "$0")/.."
HV_ROOT=$PWD
BUILD=${BUILD:-$HV_ROOT/build}
HVHOST=$HV_ROOT/tools/testing/hosts/hvhost
CACHE=${HV_CACHE:-$HOME/.cache/hv}/x86_64-debug
SRC=$CACHE/linux-source-6.1
OBJ=$CACHE/obj
IMG=$CACHE/image
LOCALVERSION=-hvdebug
start=$SECONDS

[ "${1:-}" = --rebuild ] && rm -rf "$OBJ" "$IMG"
scripts/install-deps.sh >/dev/null
"$HVHOST" provision x86_64 >/dev/null

if [ ! -f "$SRC/.complete" ]; then
	echo "check-debug: unpacking linux-source-6.1"
	rm -rf "$SRC" && mkdir -p "$CACHE"
	tar -xf /usr/src/linux-source-6.1.tar.xz -C "$CACHE"
	touch "$SRC/.complete"
fi

# The debug options, on top of x86_64_defconfig + kvm_guest.config (what
# the QEMU host needs: virtio, serial console, initramfs).
debug_config() {
	local c=$SRC/scripts/config
	"$c" --file "$OBJ/.config" \
		--set-str LOCALVERSION "$LOCALVERSION" -d LOCALVERSION_AUTO \
		-e VIRTUALIZATION -m KVM -m KVM_AMD -m KVM_INTEL \
		-e MODULES -e MODULE_UNLOAD -d MODULE_SIG -d DEBUG_INFO_BTF \
		-e KASAN -e KASAN_GENERIC -e KASAN_INLINE \
		-e PROVE_LOCKING -e PROVE_RCU -e DEBUG_ATOMIC_SLEEP \
		-e DEBUG_KMEMLEAK -e DEBUG_KMEMLEAK_AUTO_SCAN \
		--set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 65536 \
		-e DEBUG_VM -e DEBUG_LIST -e SLUB_DEBUG -e DEBUG_OBJECTS \
		-e DEBUG_OBJECTS_RCU_HEAD -e DETECT_HUNG_TASK \
		-e SOFTLOCKUP_DETECTOR -e HARDLOCKUP_DETECTOR \
		-e DEBUG_FS -e MEMCG -e CGROUPS -e TRANSPARENT_HUGEPAGE -e KSM \
		-m ZRAM -e ZSMALLOC -e SWAP -e EVENTFD -e DEVTMPFS \
		-e BLK_DEV_INITRD -e SERIAL_8250_CONSOLE -e KALLSYMS_ALL \
		-e X86_X2APIC -e IKCONFIG
}

if [ ! -f "$IMG/.complete" ]; then
	need="make gcc flex bison bc libssl-dev libelf-dev kmod cpio rsync"
	# shellcheck disable=SC2086
	dpkg-query -W $need >/dev/null 2>&1 || apt-get install -y $need
	echo "check-debug: configuring the debug kernel in $OBJ"
	mkdir -p "$OBJ"
	make -s -C "$SRC" O="$OBJ" x86_64_defconfig kvm_guest.config
	debug_config
	make -s -C "$SRC" O="$OBJ" olddefconfig
	t0=$SECONDS
	echo "check-debug: building it (make -j$(nproc), niced)"
	nice -n 19 make -s -C "$SRC" O="$OBJ" -j"$(nproc)" bzImage modules
	echo "check-debug: kernel built in $((SECONDS - t0)) s"
	rm -rf "$IMG" && mkdir -p "$IMG"
	make -s -C "$SRC" O="$OBJ" INSTALL_MOD_PATH="$IMG" INSTALL_MOD_STRIP=1 \
		modules_install
	cp "$OBJ/arch/x86/boot/bzImage" "$IMG/vmlinuz"
	cp "$OBJ/.config" "$IMG/config"
	make -s -C "$SRC" O="$OBJ" kernelrelease >"$IMG/release"
	touch "$IMG/.complete"
fi
rel=$(cat "$IMG/release")

# A copy of the tree, so that the normal build's objects stay as they are.
echo "check-debug: building hv against $rel"
hvsrc=$BUILD/hv-debug
mkdir -p "$hvsrc"
rsync -a --delete --exclude /build --exclude /.git --exclude '*.o' \
	--exclude '*.ko' --exclude '*.cmd' ./ "$hvsrc/"
make -s -C "$OBJ" M="$hvsrc" modules
scripts/check.sh selftests >/dev/null || {
	echo "check-debug: the selftests do not build"; exit 1; }
payload=$BUILD/payload-debug
rm -rf "$payload" && cp -a "$BUILD/payload-selftests" "$payload"
# kmemleak: forget what boot left, scan twice after the tests (an object
# is reported only once it was seen unreferenced in two scans).
mv "$payload/run.sh" "$payload/selftests.sh"
cat >"$payload/run.sh" <<'EOT'
kml=/sys/kernel/debug/kmemleak
[ -w $kml ] && echo clear >$kml
sh /payload/selftests.sh
rc=$?
if [ -w $kml ]; then
	echo scan >$kml; sleep 5; echo scan >$kml
	echo "check-debug: kmemleak: $(grep -c 'unreferenced object' $kml) suspected leaks"
	head -n 60 $kml
fi
exit $rc
EOT
t0=$SECONDS
r=0
# No zram: the debug config does not get it (it needs ZSMALLOC's
# dependencies); the payload runs without swap then and says so.
# One TCG thread as in make check (hosts/README.md: QEMU's MTTCG breaks
# nested SVM); lockdep and KASAN judge lock order and accesses, not
# timing, so they lose little.
"$HVHOST" run --host x86-svm --one-tcg-thread --kernel "$IMG" --with-kvm \
	--payload "$payload" --timeout "${CHECK_DEBUG_TIMEOUT:-3600}" \
	--modules "$hvsrc/virt/hv/hv.ko $hvsrc/arch/x86/hv/svm/hv-amd.ko $hvsrc/arch/x86/hv/vmx/hv-intel.ko" \
	--name debug || r=$?
log=$BUILD/hosts/debug-x86-svm.log
echo "check-debug: $(grep -c '^ok ' "$log") TAP ok, $(grep -c '^not ok ' "$log") TAP not ok;" \
	"suite $((SECONDS - t0)) s, total $((SECONDS - start)) s on $rel"
exit $r
